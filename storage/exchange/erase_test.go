package exchange

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// An erasure travels by sync: on every laptop and on the server the person
// is gone from the data and from the history the change log keeps, while
// decisions stay readable.
func TestErasurePropagates(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup Lokalråd", time.Second)
	syncOK(t, b)

	karen := model.Member{CouncilID: council, Name: "Karen Østergaard", Role: model.RoleChair, Phone: "20 11 22 33", Email: "karen@example.dk"}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &karen))
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: now.Add(-24 * time.Hour),
		Attendees: "Karen Østergaard\nSøren"}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Shelter", Kind: model.ItemDecision,
		Notes: "Karen Østergaard fremlagde tegningerne.", Decision: "Shelteret bygges."}
	ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	syncOK(t, a)
	syncOK(t, b)
	// Laptop b edits the minutes too, so the history holds ops of both.
	it2 := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t)
	it2.Notes += "\nKaren Østergaard svarer på spørgsmål."
	ok(t, b.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), b, it2), &it2))
	syncOK(t, b)
	syncOK(t, a)

	if _, err := a.ErasePerson(t.Context(), council, "Karen Østergaard"); err != nil {
		t.Fatal(err)
	}
	syncOK(t, a)
	syncOK(t, b)

	for name, db := range map[string]*storage.DB{"laptop a": a, "laptop b": b, "server": h.db} {
		ops, err := db.CouncilOps(context.Background(), council)
		ok(t, err)
		for _, o := range ops {
			if s := fmt.Sprint(o.Value); strings.Contains(s, "Karen") || strings.Contains(s, "karen@") || strings.Contains(s, "20 11 22 33") {
				t.Errorf("%s: the change log still holds %q (%s.%s)", name, s, o.Table, o.Field)
			}
		}
		got, err := db.AgendaItem(t.Context(), it.ID)
		ok(t, err)
		if !strings.Contains(got.Notes, "tidligere medlem fremlagde tegningerne.") || got.Decision != "Shelteret bygges." {
			t.Errorf("%s: minutes after erasure: %+v", name, got)
		}
		if r := noerr.Get(db.PersonData(t.Context(), council, "Karen Østergaard"))(t); !r.Empty() {
			t.Errorf("%s: still keeps %+v", name, r)
		}
	}
	converged(t, council, a, b)
}

// An edit of the minutes made offline while another laptop erased a
// person the minutes name: on either hub, once both laptops have synced,
// no laptop, not a new one either, and not the hub's file, holds the name,
// in the minutes or in the change log, and the offline edit is kept.
func TestOfflineEditDuringErasureLeavesNoName(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy, a, b, item := offlineEditDuringErasure(t, h) // b's edit up, the erasure down
		syncOK(t, b)                                     // what b erased in its log goes up
		syncOK(t, a)
		c, _ := h.laptop(t, "c", jy, 0)
		syncOK(t, c)

		for name, db := range map[string]*storage.DB{"a": a, "b": b, "c": c} {
			got := noerr.Get(db.AgendaItem(t.Context(), item))(t)
			if want := "Linje 1\n" + model.FormerMember + " kom\nLinje 3\nB rettede linje 4\n"; got.Notes != want {
				t.Errorf("%s: minutes %q, want %q", name, got.Notes, want)
			}
			holdsNoName(t, name+"'s change log", noerr.Get(db.CouncilOps(t.Context(), jy))(t))
		}
		_, hubOps, err := cli.ReadBundle(bytes.NewReader(hubBundle(t, h.store, jy)))
		ok(t, err)
		holdsNoName(t, "the hub's file", hubOps)
		converged(t, jy, a, b, c)
	})
}
