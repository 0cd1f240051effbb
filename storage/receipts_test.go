package storage_test

// Receipts (bilag) on accounts lines (issue 14): a scanned receipt hangs
// on a line like a bilag on an agenda item, and is locked with the line
// when the year's accounts are approved.

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

func newEntry(t *testing.T, db *storage.DB, council string, date time.Time, text string) model.AccountEntry {
	t.Helper()
	e := model.AccountEntry{CouncilID: council, Date: date, Text: text, Kind: model.EntryExpense, Amount: 450_00, Category: "Møder og generalforsamling"}
	must(t, db.SaveAccountEntry(t.Context(), model.AccountEntry{}, &e))
	return e
}

func TestReceiptOnAccountsLine(t *testing.T) {
	db, path := openTemp(t)
	c := newCouncil(t, db)
	march := time.Date(2026, 3, 1, 0, 0, 0, 0, model.Copenhagen)
	coffee := newEntry(t, db, c.ID, march, "Kaffe til borgermødet")
	flowers := newEntry(t, db, c.ID, march.AddDate(0, 1, 0), "Blomster")
	other := newEntry(t, db, c.ID, march.AddDate(1, 0, 0), "Næste år")

	scan := []byte("%PDF-1.4 kvittering fra Brugsen")
	a, err := db.AddAttachment(t.Context(), model.OwnerEntry, coffee.ID, "/home/kasserer/Scan/Kvittering Brugsen.pdf", bytes.NewReader(scan))
	must(t, err)
	if a.CouncilID != c.ID || a.Name != "Kvittering Brugsen.pdf" || a.OwnerKind != model.OwnerEntry || a.OwnerID != coffee.ID {
		t.Errorf("attachment = %+v", a)
	}
	photo, err := db.AddAttachment(t.Context(), model.OwnerEntry, flowers.ID, "bon.jpg", strings.NewReader("jpeg"))
	must(t, err)
	_, err = db.AddAttachment(t.Context(), model.OwnerEntry, other.ID, "2027.pdf", strings.NewReader("2027"))
	must(t, err)
	if got, err := db.ReadAttachment(a); err != nil || !bytes.Equal(got, scan) {
		t.Errorf("read back %q, %v", got, err)
	}
	if list, err := db.Attachments(t.Context(), model.OwnerEntry, coffee.ID); err != nil || len(list) != 1 || list[0].ID != a.ID {
		t.Errorf("the line's receipts: %v, %v", list, err)
	}
	// The year's receipts, in ledger order; another year's are not among them.
	year, err := db.EntryAttachments(t.Context(), c.ID, 2026)
	must(t, err)
	if len(year) != 2 || year[0].ID != a.ID || year[1].ID != photo.ID {
		t.Errorf("2026's receipts: %+v", year)
	}
	if _, err := db.AddAttachment(t.Context(), model.OwnerEntry, "no-such-line", "a.pdf", strings.NewReader("x")); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a receipt on no line: %v", err)
	}
	big := bytes.NewReader(make([]byte, model.MaxAttachmentSize+1))
	if _, err := db.AddAttachment(t.Context(), model.OwnerEntry, coffee.ID, "stor.pdf", big); !errors.Is(err, storage.ErrTooBig) {
		t.Errorf("too big: %v", err)
	}

	// Approved at the generalforsamling: no receipt goes on or off a line
	// of the year; next year's lines are open.
	y := model.AccountsYear{CouncilID: c.ID, Year: 2026, Approved: time.Date(2026, 11, 26, 0, 0, 0, 0, model.Copenhagen)}
	must(t, db.SaveAccountsYear(t.Context(), model.AccountsYear{}, &y))
	if _, err := db.AddAttachment(t.Context(), model.OwnerEntry, coffee.ID, "sent.pdf", strings.NewReader("sent")); !errors.Is(err, storage.ErrAccountsApproved) {
		t.Errorf("attach to a line of approved accounts: %v", err)
	}
	if err := db.DeleteAttachment(t.Context(), a.ID); !errors.Is(err, storage.ErrAccountsApproved) {
		t.Errorf("remove a receipt of approved accounts: %v", err)
	}
	if got := noerr.Get(db.Attachments(t.Context(), model.OwnerEntry, coffee.ID))(t); len(got) != 1 {
		t.Errorf("the approved line's receipts changed: %v", got)
	}
	if _, err := db.AddAttachment(t.Context(), model.OwnerEntry, other.ID, "2027-2.pdf", strings.NewReader("2027-2")); err != nil {
		t.Errorf("next year's line: %v", err)
	}

	// Un-approved: the receipt comes off, and a line deleted takes its
	// receipts and their files along.
	open := y
	open.Approved = time.Time{}
	must(t, db.SaveAccountsYear(t.Context(), y, &open))
	must(t, db.DeleteAttachment(t.Context(), a.ID))
	must(t, db.DeleteAccountEntry(t.Context(), flowers.ID))
	if _, err := db.Attachment(t.Context(), photo.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a deleted line's receipt is left: %v", err)
	}
	if files := noerr.Get(filepath.Glob(filepath.Join(path+".bilag", "??", "*")))(t); len(files) != 2 {
		t.Errorf("files on disk = %v, want next year's two", files)
	}
}

// Erasing a person renames a receipt that names them, even on a line of
// approved accounts: the report finds it, and the name is gone.
func TestReceiptNamesErasedInApprovedYear(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	e := newEntry(t, db, c.ID, time.Date(2026, 5, 1, 0, 0, 0, 0, model.Copenhagen), "Honorar")
	a, err := db.AddAttachment(t.Context(), model.OwnerEntry, e.ID, "Faktura fra Anne Brøndum.pdf", strings.NewReader("faktura"))
	must(t, err)
	y := model.AccountsYear{CouncilID: c.ID, Year: 2026, Approved: time.Date(2026, 11, 26, 0, 0, 0, 0, model.Copenhagen)}
	must(t, db.SaveAccountsYear(t.Context(), model.AccountsYear{}, &y))
	r, err := db.PersonData(t.Context(), c.ID, "Anne Brøndum")
	must(t, err)
	if len(r.Attachments) != 1 || r.Attachments[0].ID != a.ID {
		t.Fatalf("the report lists %v", r.Attachments)
	}
	_, err = db.ErasePerson(t.Context(), c.ID, "Anne Brøndum")
	must(t, err)
	got, err := db.Attachment(t.Context(), a.ID)
	must(t, err)
	if strings.Contains(got.Name, "Brøndum") {
		t.Errorf("erased receipt's name %q", got.Name)
	}
}
