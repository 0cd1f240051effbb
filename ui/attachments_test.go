package ui

import (
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// openRecorder is the app with OpenURL recorded, or failing as on a
// computer without a viewer.
type openRecorder struct {
	fyne.App
	opened []*url.URL
	fail   bool
}

func (r *openRecorder) OpenURL(u *url.URL) error {
	if r.fail {
		return errors.New(`exec: "xdg-open": executable file not found in $PATH`)
	}
	r.opened = append(r.opened, u)
	return nil
}

// Attach a file to an agenda item, see it listed, open it in the viewer
// (a copy under its own name), and remove it after confirming.
func TestAttachOpenRemoveOnAgendaItem(t *testing.T) {
	u, db, _ := withCouncil(t)
	ed := newMeeting(t, u)
	test.Tap(ed.addItem)
	u.saver.flush()
	c := ed.items[0]
	if c.bilag == nil {
		t.Fatal("the agenda item shows no attachments")
	}
	c.bilag.attach("Tilbud fra Brøndum.pdf", strings.NewReader("%PDF-1.4 tilbud"))
	as, err := db.Attachments(t.Context(), model.OwnerItem, c.it.ID)
	if err != nil || len(as) != 1 || as[0].Name != "Tilbud fra Brøndum.pdf" {
		t.Fatalf("stored %v, %v", as, err)
	}
	if got := texts(c.bilag.obj); !strings.Contains(got, "Tilbud fra Brøndum.pdf") || !strings.Contains(got, "Bilag") {
		t.Errorf("the list shows:\n%s", got)
	}

	rec := &openRecorder{App: u.app}
	u.app = rec
	test.Tap(c.bilag.shown[0].open)
	if len(rec.opened) != 1 || rec.opened[0].Scheme != "file" || !strings.HasSuffix(rec.opened[0].Path, "/Tilbud fra Brøndum.pdf") {
		t.Fatalf("opened %v", rec.opened)
	}
	if got, err := os.ReadFile(rec.opened[0].Path); err != nil || string(got) != "%PDF-1.4 tilbud" {
		t.Errorf("the viewer got %q, %v", got, err)
	}
	// No viewer: a Danish message that says where the file is, not Go's error.
	rec.fail = true
	test.Tap(c.bilag.shown[0].open)
	msg := texts(u.win.Canvas().Overlays().Top())
	if !strings.Contains(msg, "Intet program på denne computer kunne åbne bilaget") || strings.Contains(msg, "xdg-open") {
		t.Errorf("no viewer:\n%s", msg)
	}
	test.Tap(overlayButton(t, u, "OK"))

	test.Tap(c.bilag.shown[0].remove)
	if q := texts(u.win.Canvas().Overlays().Top()); !strings.Contains(q, "Fjern bilaget «Tilbud fra Brøndum.pdf»?") {
		t.Errorf("question:\n%s", q)
	}
	test.Tap(overlayButton(t, u, "Nej"))
	if as := noerr.Get(db.Attachments(t.Context(), model.OwnerItem, c.it.ID))(t); len(as) != 1 {
		t.Fatal("removed without confirmation")
	}
	test.Tap(c.bilag.shown[0].remove)
	test.Tap(overlayButton(t, u, "Slet"))
	if as := noerr.Get(db.Attachments(t.Context(), model.OwnerItem, c.it.ID))(t); len(as) != 0 {
		t.Fatal("not removed after confirmation")
	}
	if got := texts(c.bilag.obj); strings.Contains(got, "Tilbud") || len(c.bilag.shown) != 0 {
		t.Errorf("after removing:\n%s", got)
	}
}

// Projects and budget wishes take attachments too; a file too big is
// refused with the limit named.
func TestAttachOnProjectAndWish(t *testing.T) {
	u, db, cid := withCouncil(t)
	p := model.Project{CouncilID: cid, Title: "Shelter ved søen", Status: model.ProjectIdea}
	if err := db.SaveProject(t.Context(), model.Project{}, &p); err != nil {
		t.Fatal(err)
	}
	w := model.BudgetWish{CouncilID: cid, Year: 2027, Title: "Bænke", Status: model.WishDraft}
	if err := db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w); err != nil {
		t.Fatal(err)
	}
	pl := newAttachList(u, model.OwnerProject, p.ID, false)
	pl.attach("Tegning.png", strings.NewReader("png"))
	wl := newAttachList(u, model.OwnerWish, w.ID, false)
	wl.attach("Foto.jpg", strings.NewReader("jpg"))
	if as := noerr.Get(db.Attachments(t.Context(), model.OwnerProject, p.ID))(t); len(as) != 1 {
		t.Errorf("project attachments %v", as)
	}
	if as := noerr.Get(db.Attachments(t.Context(), model.OwnerWish, w.ID))(t); len(as) != 1 {
		t.Errorf("wish attachments %v", as)
	}
	wl.attach("Kæmpe.pdf", strings.NewReader(strings.Repeat("x", int(model.MaxAttachmentSize)+1)))
	if !wl.msg.Visible() || !strings.Contains(wl.msg.Text, "for stor") || !strings.Contains(wl.msg.Text, "25 MB") {
		t.Errorf("too big: %q", wl.msg.Text)
	}
	if as := noerr.Get(db.Attachments(t.Context(), model.OwnerWish, w.ID))(t); len(as) != 1 {
		t.Errorf("the big file was stored: %v", as)
	}
}

// The wish editor shows its attachments.
func TestWishEditorShowsAttachments(t *testing.T) {
	u, db, cid := withCouncil(t)
	w := model.BudgetWish{CouncilID: cid, Year: 2027, Title: "Bænke", Status: model.WishDraft}
	if err := db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddAttachment(t.Context(), model.OwnerWish, w.ID, "Tilbud.pdf", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	e := &wishEditor{u: u, w: w}
	obj := e.build()
	if got := texts(obj); !strings.Contains(got, "Tilbud.pdf") {
		t.Errorf("wish editor:\n%s", got)
	}
}

// Printing a packet with a damaged PDF bilag names it and asks whether to
// print the rest; the packet made then lists it as not included.
func TestPacketDamagedBilagAsks(t *testing.T) {
	u, db, cid := withCouncil(t)
	u.UseBuiltinExporters()
	ed := newMeeting(t, u)
	test.Tap(ed.addItem)
	u.saver.flush()
	it := ed.items[0].it
	if _, err := db.AddAttachment(t.Context(), model.OwnerItem, it.ID, "Ødelagt.pdf", strings.NewReader("%PDF-1.4 ikke færdig")); err != nil {
		t.Fatal(err)
	}
	u.exportDialog("Udskriv møde", meetingDocs, cid, ed.m.ID, 0, ed.m.Start, nil)
	test.Tap(overlayButton(t, u, "Gem som…"))
	q := texts(u.win.Canvas().Overlays().Top())
	if !strings.Contains(q, "»Ødelagt.pdf«") || !strings.Contains(q, "beskadiget") || !strings.Contains(q, "uden dem") {
		t.Fatalf("question:\n%s", q)
	}
	test.Tap(overlayButton(t, u, "Nej"))
	data, err := u.renderSkipping(meetingDocs[0], cid, ed.m.ID, 0, false, true)
	if err != nil || !strings.HasPrefix(string(data), "%PDF") {
		t.Fatalf("the rest of the packet: %v", err)
	}
	if _, err := u.render(meetingDocs[0], cid, ed.m.ID, 0, false); err == nil {
		t.Error("a packet with a damaged bilag was made without asking")
	}
}
