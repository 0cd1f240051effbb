package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage/exchange"
)

// A laptop whose date was 3 days ahead, then corrected, syncs again and the
// status bar says what happened to its clock and its unsent changes.
func TestClockNoteInStatus(t *testing.T) {
	h := newTestHub(t)
	council := h.council(t, "Jyderup Lokalråd")
	db := newTestDB(t)
	db.Now = func() time.Time { return time.Now().Add(72 * time.Hour) }
	_, err := exchange.NewClient().Enroll(context.Background(), db, h.url, h.code(t, council))
	ok(t, err)
	_, err = exchange.NewClient().Sync(context.Background(), db, "")
	ok(t, err)
	ok(t, db.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleMember}))
	db.Now = time.Now // the date is corrected

	u := newTestUI(t, db)
	stopSync(t, u)
	eventually(t, "the status bar tells about the clock", func() bool {
		return u.sync.problem.Visible() && strings.Contains(u.sync.problem.Text, "Enhedens ur gik 3 dage for hurtigt") &&
			strings.Contains(u.sync.problem.Text, "ændringer er omstemplet")
	})
	if n := noerr.Get(db.PendingCount(context.Background(), ""))(t); n != 0 {
		t.Errorf("%d changes still wait", n)
	}
}
