package storage_test

import (
	"errors"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// On the laptop, an approved year keeps its opening balance as the hub
// would (storage/yearlock.go): changed alone or in the same save that
// takes the approval back, it is refused with the Danish reason; taken
// back first, the balance may change; approving with a new balance in
// one save is allowed, as it comes before the approval.
func TestApprovedYearKeepsOpening(t *testing.T) {
	db, _ := openTemp(t)
	c := model.Council{Name: "Jyderup Lokalråd"}
	must(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	y := model.AccountsYear{CouncilID: c.ID, Year: 2026, Opening: 1_000_00}
	must(t, db.SaveAccountsYear(t.Context(), model.AccountsYear{}, &y))
	approved := y
	approved.Opening, approved.Approved = 1_200_00, time.Date(2027, 3, 20, 0, 0, 0, 0, model.Copenhagen)
	must(t, db.SaveAccountsYear(t.Context(), y, &approved))

	changed := approved
	changed.Opening = 5_000_00
	if err := db.SaveAccountsYear(t.Context(), approved, &changed); !errors.Is(err, storage.ErrAccountsApproved) {
		t.Errorf("opening of an approved year changed: %v", err)
	}
	both := approved
	both.Opening, both.Approved = 5_000_00, time.Time{}
	if err := db.SaveAccountsYear(t.Context(), approved, &both); !errors.Is(err, storage.ErrAccountsApproved) {
		t.Errorf("opening changed in the save that takes the approval back: %v", err)
	}
	second := model.AccountsYear{CouncilID: c.ID, Year: 2026, Opening: 9_000_00}
	if err := db.SaveAccountsYear(t.Context(), model.AccountsYear{}, &second); !errors.Is(err, storage.ErrAccountsApproved) {
		t.Errorf("a second record of an approved year: %v", err)
	}
	note := approved
	note.Note = "Revideret af Søren"
	must(t, db.SaveAccountsYear(t.Context(), approved, &note))
	if got := noerr.Get(db.AccountsYear(t.Context(), c.ID, 2026))(t); got.Opening != 1_200_00 || got.Note != note.Note {
		t.Errorf("stored %+v", got)
	}

	open := note
	open.Approved = time.Time{}
	must(t, db.SaveAccountsYear(t.Context(), note, &open))
	fixed := open
	fixed.Opening = 1_250_00
	must(t, db.SaveAccountsYear(t.Context(), open, &fixed))
	if got := noerr.Get(db.AccountsYear(t.Context(), c.ID, 2026))(t); got.Opening != 1_250_00 || !got.Approved.IsZero() {
		t.Errorf("after taking the approval back: %+v", got)
	}
}
