package ui

import (
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// An approval at the generalforsamling dated after today is refused with
// a Danish sentence (it would lock the year's lines at once); a date that
// has been is stored, and the lock then refuses the opening balance with
// a sentence that starts with a capital letter.
func TestAccountsApprovalNotInTheFuture(t *testing.T) {
	u, db, council := withCouncil(t)
	u.now = func() time.Time { return time.Date(2026, 12, 5, 12, 0, 0, 0, model.Copenhagen) }
	u.tabs.SelectIndex(8)
	s := u.accounts
	s.setYear(2026)
	retype(s.opening, "1.000")
	u.saver.flush()

	retype(s.approved, "12.03.2027")
	u.saver.flush()
	if y := noerr.Get(db.AccountsYear(t.Context(), council, 2026))(t); !y.Approved.IsZero() {
		t.Fatalf("an approval in the future was stored: %v", y.Approved)
	}
	if !s.yearMsg.Visible() || !strings.Contains(s.yearMsg.Text, "kan ikke ligge i fremtiden") {
		t.Errorf("message of an approval in the future: %q", s.yearMsg.Text)
	}

	retype(s.approved, "05.12.2026") // today: the generalforsamling is held
	u.saver.flush()
	if y := noerr.Get(db.AccountsYear(t.Context(), council, 2026))(t); y.Approved.IsZero() {
		t.Fatalf("today's approval was not stored (%q)", s.yearMsg.Text)
	}
	retype(s.opening, "2.000")
	u.saver.flush()
	if !strings.HasPrefix(s.yearMsg.Text, "Regnskabet for året er godkendt på generalforsamlingen") {
		t.Errorf("the lock is said as %q", s.yearMsg.Text)
	}
}
