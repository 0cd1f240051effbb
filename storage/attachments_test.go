package storage_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

func newItem(t *testing.T, db *storage.DB, c model.Council) (model.Meeting, model.AgendaItem) {
	t.Helper()
	m := newMeeting(t, db, c.ID, fixedNow.Add(72*time.Hour))
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Stier ved søen", Kind: model.ItemDecision}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	return m, it
}

// A file attached to an agenda item is kept once, by its checksum, beside
// the database, and opens with the bytes it was given.
func TestAttachStoresFileOnceAndOpensIt(t *testing.T) {
	db, path := openTemp(t)
	c := newCouncil(t, db)
	_, it := newItem(t, db, c)
	body := []byte("%PDF-1.4 tilbud på stien")
	a, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "/home/anne/Dokumenter/Tilbud fra Brøndum.pdf", bytes.NewReader(body))
	must(t, err)
	if a.Name != "Tilbud fra Brøndum.pdf" || a.MediaType != "application/pdf" || a.Size != int64(len(body)) || a.CouncilID != c.ID {
		t.Errorf("attachment = %+v", a)
	}
	b, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "kopi.pdf", bytes.NewReader(body))
	must(t, err)
	if a.SHA256 != b.SHA256 {
		t.Fatal("the same bytes got two checksums")
	}
	files := noerr.Get(filepath.Glob(filepath.Join(path+".bilag", "??", "*")))(t)
	if len(files) != 1 {
		t.Errorf("files on disk = %v, want one (deduplicated)", files)
	}
	got, err := db.ReadAttachment(a)
	if err != nil || !bytes.Equal(got, body) {
		t.Errorf("read back %q, %v", got, err)
	}
	list, err := db.Attachments(t.Context(), model.OwnerItem, it.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("listed %v, %v", list, err)
	}
	// Deleting one row keeps the file the other row names.
	must(t, db.DeleteAttachment(t.Context(), a.ID))
	if _, err := db.ReadAttachment(b); err != nil {
		t.Fatalf("the other row's file went with the first row: %v", err)
	}
	must(t, db.DeleteAttachment(t.Context(), b.ID))
	if files := noerr.Get(filepath.Glob(filepath.Join(path+".bilag", "??", "*")))(t); len(files) != 0 {
		t.Errorf("a file no row names is left: %v", files)
	}
}

// The row goes through the change log, so it syncs and is signed.
func TestAttachWritesChangeLog(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	_, it := newItem(t, db, c)
	a, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "kort.png", strings.NewReader("png bytes"))
	must(t, err)
	ops, err := db.FieldOps(context.Background(), "attachments", a.ID, "sha256")
	must(t, err)
	if len(ops) != 1 || ops[0].Value != a.SHA256 || ops[0].Sig == "" {
		t.Errorf("change log of sha256 = %+v", ops)
	}
}

// A file whose bytes changed on disk is refused, with the file's name.
func TestDamagedFileRefused(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	_, it := newItem(t, db, c)
	a, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Referat.pdf", strings.NewReader("original"))
	must(t, err)
	p, err := db.AttachmentFile(a)
	must(t, err)
	must(t, os.Chmod(p, 0o644))
	must(t, os.WriteFile(p, []byte("forfalsket"), 0o644))
	_, err = db.ReadAttachment(a)
	if !errors.Is(err, storage.ErrBlobDamaged) || !strings.Contains(err.Error(), "Referat.pdf") {
		t.Errorf("damaged file: %v", err)
	}
}

func TestAttachLimitsAndOwners(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	m, it := newItem(t, db, c)
	big := bytes.NewReader(make([]byte, model.MaxAttachmentSize+1))
	if _, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "stor.pdf", big); !errors.Is(err, storage.ErrTooBig) || !strings.Contains(err.Error(), "25 MB") {
		t.Errorf("too big: %v", err)
	}
	if _, err := db.AddAttachment(t.Context(), model.OwnerItem, "no-such-item", "a.pdf", strings.NewReader("x")); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("unknown owner: %v", err)
	}
	if _, err := db.AddAttachment(t.Context(), "meeting", m.ID, "a.pdf", strings.NewReader("x")); err == nil {
		t.Error("an attachment to an unknown kind of owner was accepted")
	}
	p := model.Project{CouncilID: c.ID, Title: "Shelter", Status: model.ProjectIdea}
	must(t, db.SaveProject(t.Context(), model.Project{}, &p))
	w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Bænke", Status: model.WishDraft}
	must(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	pa, err := db.AddAttachment(t.Context(), model.OwnerProject, p.ID, "budget.xlsx", strings.NewReader("xlsx"))
	must(t, err)
	wa, err := db.AddAttachment(t.Context(), model.OwnerWish, w.ID, "foto.jpg", strings.NewReader("jpg"))
	must(t, err)
	if pa.MediaType != model.MediaTypeOf("budget.xlsx") || wa.MediaType != "image/jpeg" {
		t.Errorf("media types %q %q", pa.MediaType, wa.MediaType)
	}
	// Deleting the owner deletes its attachments.
	must(t, db.DeleteProject(t.Context(), p.ID))
	must(t, db.DeleteBudgetWish(t.Context(), w.ID))
	if _, err := db.Attachment(t.Context(), pa.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("project's attachment left: %v", err)
	}
	if _, err := db.Attachment(t.Context(), wa.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("wish's attachment left: %v", err)
	}
	// Approved minutes take no new attachments.
	m.Status = model.MeetingApproved
	must(t, db.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), db, m), &m))
	if _, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "sent.pdf", strings.NewReader("x")); !errors.Is(err, storage.ErrLocked) {
		t.Errorf("attach to approved minutes: %v", err)
	}
}

func TestMeetingAttachmentsInAgendaOrder(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	m, first := newItem(t, db, c)
	second := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Budget", Kind: model.ItemInformation}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &second))
	_, err := db.AddAttachment(t.Context(), model.OwnerItem, second.ID, "b.pdf", strings.NewReader("b"))
	must(t, err)
	_, err = db.AddAttachment(t.Context(), model.OwnerItem, first.ID, "a.pdf", strings.NewReader("a"))
	must(t, err)
	must(t, db.MoveAgendaItem(t.Context(), second.ID, -1))
	got, err := db.MeetingAttachments(t.Context(), m.ID)
	must(t, err)
	if len(got) != 2 || got[0].Name != "b.pdf" || got[1].Name != "a.pdf" {
		t.Errorf("meeting attachments = %v", got)
	}
	up, err := db.UpcomingAttachments(t.Context(), fixedNow, fixedNow.Add(14*24*time.Hour))
	must(t, err)
	if len(up) != 2 {
		t.Errorf("upcoming = %d, want 2", len(up))
	}
	must(t, db.DeleteMeeting(t.Context(), m.ID))
	if got := noerr.Get(db.CouncilAttachments(t.Context(), c.ID))(t); len(got) != 0 {
		t.Errorf("meeting deleted, attachments left: %v", got)
	}
}

// A backup carries the files, and restoring it brings them back.
func TestBackupRestoreBringsFilesBack(t *testing.T) {
	db, path := openTemp(t)
	c := newCouncil(t, db)
	_, it := newItem(t, db, c)
	a, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Kort.png", strings.NewReader("kortet"))
	must(t, err)
	backup := filepath.Join(t.TempDir(), "kopi.db")
	b, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Budget.pdf", strings.NewReader("budgettet"))
	must(t, err)
	must(t, db.Backup(context.Background(), backup))
	// The backup carries the files and keeps them when the database's
	// files go bad or away.
	damaged, err := db.AttachmentFile(b)
	must(t, err)
	must(t, db.Close())
	// (A new file over the name: the backup's hard link keeps the bytes
	// the app wrote; the app itself never writes a kept file in place.)
	must(t, os.WriteFile(damaged+".x", []byte("ødelagt"), 0o644))
	must(t, os.Rename(damaged+".x", damaged))
	gone := noerr.Get(filepath.Glob(filepath.Join(path+".bilag", "??", "*")))(t)
	for _, f := range gone {
		if f != damaged {
			must(t, os.Remove(f))
		}
	}
	if _, err := storage.Restore(t.Context(), path, backup); err != nil {
		t.Fatal(err)
	}
	db2, err := storage.Open(context.Background(), path)
	must(t, err)
	defer db2.Close()
	got, err := db2.ReadAttachment(a)
	if err != nil || string(got) != "kortet" {
		t.Errorf("after restore: %q, %v", got, err)
	}
	if got, err := db2.ReadAttachment(b); err != nil || string(got) != "budgettet" {
		t.Errorf("a damaged file after restore: %q, %v", got, err)
	}
}

// GDPR: a person's name in an attachment's file name is found and erased,
// in the row and in the change log's past values.
func TestPersonInAttachmentNames(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	_, it := newItem(t, db, c)
	named, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Klage fra Anne-Mette_Brøndum.pdf", strings.NewReader("klage"))
	must(t, err)
	other, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Kort over stien.png", strings.NewReader("kort"))
	must(t, err)
	r, err := db.PersonData(t.Context(), c.ID, "Anne-Mette Brøndum")
	must(t, err)
	if len(r.Attachments) != 1 || r.Attachments[0].ID != named.ID {
		t.Fatalf("report lists %v", r.Attachments)
	}
	view, err := db.ViewableFile(named)
	must(t, err)
	if filepath.Base(view) != "Klage fra Anne-Mette_Brøndum.pdf" {
		t.Errorf("viewer copy %s", view)
	}
	if _, err := db.ErasePerson(t.Context(), c.ID, "Anne-Mette Brøndum"); err != nil {
		t.Fatal(err)
	}
	got, err := db.Attachment(t.Context(), named.ID)
	must(t, err)
	if got.Name != "Klage fra tidligere medlem.pdf" {
		t.Errorf("erased file name %q", got.Name)
	}
	ops, err := db.FieldOps(context.Background(), "attachments", named.ID, "name")
	must(t, err)
	for _, o := range ops {
		if s, _ := o.Value.(string); strings.Contains(s, "Brøndum") {
			t.Errorf("the change log keeps the name: %q", s)
		}
	}
	if _, err := os.Stat(view); !os.IsNotExist(err) {
		t.Errorf("the viewer's copy under the old name is left: %v", err)
	}
	if o := noerr.Get(db.Attachment(t.Context(), other.ID))(t); o.Name != "Kort over stien.png" {
		t.Errorf("another file's name changed: %q", o.Name)
	}
	if _, err := db.ReadAttachment(got); err != nil {
		t.Errorf("the file itself is gone after erasing its name: %v", err)
	}
}

// Review 2: an attachment from any device of the council was handed to the
// system's viewer whatever it was: on Windows "Referat.pdf.exe" (or .lnk,
// .js, a name ending in a dot) runs as a program when a member clicks
// Åbn. Only documents and pictures are opened now; nothing is copied out
// for the others.
func TestViewableFileOnlyDocuments(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	_, it := newItem(t, db, c)
	for name, want := range map[string]bool{
		"Referat.pdf": true, "Kort.PNG": true, "Budget.xlsx": true,
		"Referat.pdf.exe": false, "Tilbud.lnk": false, "vis.js": false, "a.exe.": false,
		"b.pdf:evil.exe": false, "start.desktop": false, "Makro.xlsm": false, "uden endelse": false,
	} {
		a, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, name, strings.NewReader("indhold af "+name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		path, err := db.ViewableFile(a)
		if want && (err != nil || path == "") {
			t.Errorf("%s: %v", name, err)
		}
		if !want && (!errors.Is(err, storage.ErrNotViewable) || path != "" || model.ErrorCode(err) != model.Forbidden) {
			t.Errorf("%s opened for the viewer: %q, %v", name, path, err)
		}
	}
}

// An attachment row of one council naming another council's agenda item
// (what a forged op from a council device would leave on a staff device
// or the hub, which hold every council) never shows on that item: not in
// its list, not in its meeting's packet, not among the files fetched ahead
// of the meeting. Every kind of owner is covered.
func TestAttachmentsOfAnotherCouncilNeverShow(t *testing.T) {
	db, _ := openTemp(t)
	a := newCouncil(t, db)
	b := model.Council{Name: "Tølløse Lokalråd"}
	must(t, db.SaveCouncil(t.Context(), model.Council{}, &b))
	m, it := newItem(t, db, a)
	own, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Tilbud.pdf", bytes.NewReader([]byte("%PDF-1.4 tilbud")))
	must(t, err)
	must(t, db.Exec(`INSERT INTO attachments (id, council_id, owner_kind, owner_id, name, media_type, size, sha256, added)
		SELECT 'forged', ?, owner_kind, owner_id, 'Ondt.pdf', media_type, size, sha256, added FROM attachments WHERE id = ?`, b.ID, own.ID))
	for what, get := range map[string]func() ([]model.Attachment, error){
		"item": func() ([]model.Attachment, error) {
			return db.Attachments(context.Background(), model.OwnerItem, it.ID)
		},
		"meeting": func() ([]model.Attachment, error) { return db.MeetingAttachments(context.Background(), m.ID) },
		"upcoming": func() ([]model.Attachment, error) {
			return db.UpcomingAttachments(context.Background(), m.Start.Add(-time.Hour), m.Start.Add(time.Hour))
		},
	} {
		as, err := get()
		must(t, err)
		if len(as) != 1 || as[0].ID != own.ID {
			t.Errorf("%s lists %+v, want only the council's own", what, as)
		}
	}
	for _, k := range model.OwnerKinds {
		if _, err := db.Attachments(t.Context(), k, "ukendt"); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
}

// Deleting what files are attached to — a project, a budget wish, a
// meeting — takes the files along when no other row names them, and keeps
// a file another row still names.
func TestDeletingOwnerRemovesItsFiles(t *testing.T) {
	db, path := openTemp(t)
	c := newCouncil(t, db)
	onDisk := func() int {
		files, err := filepath.Glob(filepath.Join(path+".bilag", "??", "*"))
		must(t, err)
		return len(files)
	}
	p := model.Project{CouncilID: c.ID, Title: "Ny bålhytte", Status: model.ProjectIdea}
	must(t, db.SaveProject(t.Context(), model.Project{}, &p))
	w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Bænke ved stranden", Estimate: 1_000_000, Status: model.WishDraft}
	must(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	m, it := newItem(t, db, c)
	shared := []byte("%PDF-1.4 tegning af hytten")
	_, err := db.AddAttachment(t.Context(), model.OwnerProject, p.ID, "tegning.pdf", bytes.NewReader(shared))
	must(t, err)
	_, err = db.AddAttachment(t.Context(), model.OwnerProject, p.ID, "tilbud.pdf", bytes.NewReader([]byte("%PDF-1.4 tilbud")))
	must(t, err)
	kept, err := db.AddAttachment(t.Context(), model.OwnerWish, w.ID, "tegning.pdf", bytes.NewReader(shared))
	must(t, err)
	_, err = db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "dagsorden.pdf", bytes.NewReader([]byte("%PDF-1.4 dagsorden")))
	must(t, err)
	if n := onDisk(); n != 3 {
		t.Fatalf("%d files on disk, want 3", n)
	}
	must(t, db.DeleteProject(t.Context(), p.ID))
	if n := onDisk(); n != 2 {
		t.Errorf("after deleting the project %d files on disk, want 2 (its own offer gone, the shared drawing kept)", n)
	}
	if _, err := db.ReadAttachment(kept); err != nil {
		t.Errorf("the wish's drawing went with the project: %v", err)
	}
	must(t, db.DeleteBudgetWish(t.Context(), w.ID))
	must(t, db.DeleteMeeting(t.Context(), m.ID))
	if n := onDisk(); n != 0 {
		t.Errorf("after deleting the wish and the meeting %d files are left that no row names", n)
	}
}

// A file is dropped only when no row names it: attaching the same file
// again while another row naming it is deleted never leaves the new row
// naming a file that is gone (the drop's count and removal race with the
// new row's file and commit).
func TestDropRacingReattachKeepsFile(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	p := model.Project{CouncilID: c.ID, Title: "Ny bålhytte", Status: model.ProjectIdea}
	must(t, db.SaveProject(t.Context(), model.Project{}, &p))
	body := []byte("%PDF-1.4 tegning af hytten")
	for i := 0; i < 60; i++ {
		old, err := db.AddAttachment(t.Context(), model.OwnerProject, p.ID, "tegning.pdf", bytes.NewReader(body))
		must(t, err)
		var wg sync.WaitGroup
		var again model.Attachment
		var addErr error
		wg.Add(2)
		go func() { defer wg.Done(); must(t, db.DeleteAttachment(context.Background(), old.ID)) }()
		go func() {
			defer wg.Done()
			again, addErr = db.AddAttachment(context.Background(), model.OwnerProject, p.ID, "tegning.pdf", bytes.NewReader(body))
		}()
		wg.Wait()
		must(t, addErr)
		if _, err := db.ReadAttachment(again); err != nil {
			t.Fatalf("round %d: the file attached again is gone while its row names it: %v", i, err)
		}
		must(t, db.DeleteAttachment(t.Context(), again.ID))
	}
}
