package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// staffUI builds the app on a staff device with one council, showing the
// staff tab.
func staffUI(t *testing.T) (*App, *storage.DB) {
	t.Helper()
	db := newTestDB(t)
	c := model.Council{Name: "Jyderup Lokalråd", Area: "Jyderup"}
	ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	ok(t, db.SetMeta(t.Context(), storage.MetaStaff, "1"))
	u := newTestUI(t, db)
	u.tabs.SelectIndex(6)
	return u, db
}

// pane shows the staff editor pane of one kind (0 pools, 1 deadlines, 2
// contacts, 3 announcements).
func pane[T any](t *testing.T, u *App, i int) *formPane[T] {
	t.Helper()
	u.tabs.Items[6].Content.(*container.AppTabs).SelectIndex(i + 1)
	if len(u.municipal.editors) != 4 {
		t.Fatalf("%d editor panes on the staff device", len(u.municipal.editors))
	}
	p, isT := u.municipal.editors[i].(*formPane[T])
	if !isT {
		t.Fatalf("pane %d is a %T", i, u.municipal.editors[i])
	}
	return p
}

// field is the editor's input labelled label.
func field[T any](t *testing.T, p *formPane[T], label string) fyne.CanvasObject {
	t.Helper()
	if p.editor == nil {
		t.Fatal("no editor is open")
	}
	f, found := p.editor.f.fields[label]
	if !found {
		t.Fatalf("no field %q", label)
	}
	return f
}

func entryField[T any](t *testing.T, p *formPane[T], label string) *entry {
	t.Helper()
	return field(t, p, label).(*entry)
}

// A pool typed into the staff editor is stored as typed: amounts in øre,
// the deadline as a date; a wrong amount keeps the stored one and says why.
func TestStaffEditsPool(t *testing.T) {
	u, db := staffUI(t)
	tabs := u.tabs.Items[6].Content.(*container.AppTabs)
	var names []string
	for _, it := range tabs.Items {
		names = append(names, it.Text)
	}
	if got := strings.Join(names, ","); got != "Budgetønsker,Puljer,Frister,Kontakter,Meddelelser,Alle råd" {
		t.Errorf("staff sub-tabs %s", got)
	}
	p := pane[model.Pool](t, u, 0)
	test.Tap(p.newBtn)
	if p.editor == nil || u.win.Canvas().Focused() != p.editor.f.first {
		t.Fatal("a new pool is not opened with its name focused")
	}
	retype(entryField(t, p, "Navn"), "Lokalområdernes Udviklingspulje")
	test.Type(entryField(t, p, "Beskrivelse"), "Til projekter, der styrker lokalområdet.")
	test.Type(entryField(t, p, "Regler"), "Projektet skal i alt være mindst 100.000 kr.")
	test.Type(entryField(t, p, "Til rådighed (kr.)"), "200.000")
	test.Type(entryField(t, p, "Højst pr. ansøgning (kr.)"), "50.000,50")
	date := entryField(t, p, "Ansøgningsfrist")
	if !date.Disabled() {
		t.Error("the deadline can be typed while the pool is open all year")
	}
	field(t, p, "Åben hele året").(*widget.Check).SetChecked(false)
	if date.Disabled() {
		t.Fatal("the deadline cannot be typed")
	}
	test.Type(date, "1.3.2027")
	u.saver.flush()

	ps, err := db.Pools(t.Context())
	ok(t, err)
	if len(ps) != 1 {
		t.Fatalf("%d pools stored", len(ps))
	}
	got := ps[0]
	want := time.Date(2027, 3, 1, 0, 0, 0, 0, model.Copenhagen)
	if got.Name != "Lokalområdernes Udviklingspulje" || got.Available != 20000000 || got.MaxPerApp != 5000050 ||
		!got.Deadline.Equal(want) || got.OpenAllYear || got.Rules != "Projektet skal i alt være mindst 100.000 kr." ||
		got.Description != "Til projekter, der styrker lokalområdet." || got.CouncilID != model.MunicipalityID {
		t.Errorf("stored %+v", got)
	}
	if n := len(p.items); n != 1 || !strings.Contains(texts(p.list), "Frist 01.03.2027 · 200.000 kr.") {
		t.Errorf("list shows:\n%s", texts(p.list))
	}
	if p.editor.msg.Visible() {
		t.Errorf("a message after a good save: %q", p.editor.msg.Text)
	}

	// A wrong amount: a message, and the stored amount stays.
	avail := entryField(t, p, "Til rådighed (kr.)")
	retype(avail, "to hundrede")
	u.saver.flush()
	if !strings.Contains(texts(p.detail), "Ugyldigt beløb") {
		t.Errorf("no message on a wrong amount:\n%s", texts(p.detail))
	}
	if ps := noerr.Get(db.Pools(t.Context()))(t); ps[0].Available != 20000000 {
		t.Errorf("wrong amount stored: %d", ps[0].Available)
	}
	// More per application than the pool holds is refused as a whole.
	retype(avail, "10.000")
	u.saver.flush()
	if !p.editor.msg.Visible() {
		t.Error("no message when the most per application exceeds the pool")
	}
	retype(avail, "250.000")
	u.saver.flush()
	if ps := noerr.Get(db.Pools(t.Context()))(t); ps[0].Available != 25000000 || p.editor.msg.Visible() {
		t.Errorf("stored %d, message %q", ps[0].Available, p.editor.msg.Text)
	}

	// Open all year again: no deadline kept.
	field(t, p, "Åben hele året").(*widget.Check).SetChecked(true)
	if ps := noerr.Get(db.Pools(t.Context()))(t); !ps[0].OpenAllYear || !ps[0].Deadline.IsZero() {
		t.Errorf("open all year stored as %+v", ps[0])
	}

	// The editor survives closing the window: typed text is saved.
	retype(entryField(t, p, "Navn"), "Udviklingspuljen")
	u.win.Close()
	if ps := noerr.Get(db.Pools(t.Context()))(t); ps[0].Name != "Udviklingspuljen" {
		t.Errorf("name after closing %q", ps[0].Name)
	}
}

// The other kinds use the same editor: each is stored as typed.
func TestStaffEditsDeadlineContactAnnouncement(t *testing.T) {
	u, db := staffUI(t)

	d := pane[model.MunicipalDeadline](t, u, 1)
	test.Tap(d.newBtn)
	retype(entryField(t, d, "Titel"), "Budgethøring 2027")
	retype(entryField(t, d, "Dato"), "15.08.2026")
	field(t, d, "Type").(*widget.SelectEntry).SetText("Budgethøring")
	test.Type(entryField(t, d, "Beskrivelse"), "Send rådets høringssvar.")
	u.saver.flush()
	ds, err := db.Deadlines(t.Context())
	ok(t, err)
	if len(ds) != 1 || ds[0].Title != "Budgethøring 2027" || ds[0].Kind != "Budgethøring" ||
		model.ShortDate(ds[0].Date) != "15.08.2026" || ds[0].Description != "Send rådets høringssvar." {
		t.Errorf("deadlines %+v", ds)
	}

	c := pane[model.Contact](t, u, 2)
	test.Tap(c.newBtn)
	retype(entryField(t, c, "Navn"), "Anne Łukasz")
	test.Type(entryField(t, c, "Rolle eller afdeling"), "Fælles-skaber")
	test.Type(entryField(t, c, "Telefon"), "72 36 36 36")
	test.Type(entryField(t, c, "E-mail"), "anne@")
	u.saver.flush()
	if !c.editor.msg.Visible() {
		t.Error("no message on a wrong e-mail address")
	}
	test.Type(entryField(t, c, "E-mail"), "holbaek.dk")
	test.Type(entryField(t, c, "Områder"), "Jyderup\n\nTølløse \n")
	u.saver.flush()
	cs, err := db.Contacts(t.Context())
	ok(t, err)
	if len(cs) != 1 || cs[0].Name != "Anne Łukasz" || cs[0].Email != "anne@holbaek.dk" || cs[0].Phone != "72 36 36 36" ||
		strings.Join(cs[0].Areas, "|") != "Jyderup|Tølløse" {
		t.Errorf("contacts %+v", cs)
	}

	a := pane[model.Announcement](t, u, 3)
	test.Tap(a.newBtn)
	if got := entryField(t, a, "Dato").Text; got != model.ShortDate(u.now()) {
		t.Errorf("a new announcement is dated %q", got)
	}
	retype(entryField(t, a, "Titel"), "Dialogmødet flyttes")
	test.Type(entryField(t, a, "Tekst"), "Mødet holdes 3. juni i stedet.")
	u.saver.flush()
	as, err := db.Announcements(t.Context())
	ok(t, err)
	if len(as) != 1 || as[0].Title != "Dialogmødet flyttes" || as[0].Text != "Mødet holdes 3. juni i stedet." || as[0].Date.IsZero() {
		t.Errorf("announcements %+v", as)
	}
}

// Deleting asks first; "Nej" keeps the pool, "Slet" deletes it.
func TestStaffDeleteAsksFirst(t *testing.T) {
	u, db := staffUI(t)
	ok(t, db.SavePool(t.Context(), model.Pool{}, &model.Pool{Name: "Fællesskabspuljen", Available: 2000000, OpenAllYear: true}))
	u.municipal.refresh()
	p := pane[model.Pool](t, u, 0)
	if len(p.items) != 1 {
		t.Fatalf("%d pools listed", len(p.items))
	}
	p.list.Select(0)
	test.Tap(p.editor.del)
	shown := texts(u.win.Canvas().Overlays().Top())
	if !strings.Contains(shown, "Slet puljen «Fællesskabspuljen»? Det kan ikke fortrydes.") {
		t.Errorf("the question:\n%s", shown)
	}
	test.Tap(overlayButton(t, u, "Nej"))
	if ps := noerr.Get(db.Pools(t.Context()))(t); len(ps) != 1 {
		t.Fatal("the pool is deleted without a yes")
	}
	test.Tap(p.editor.del)
	test.Tap(overlayButton(t, u, "Slet"))
	if ps := noerr.Get(db.Pools(t.Context()))(t); len(ps) != 0 {
		t.Errorf("%d pools left", len(ps))
	}
	if p.editor != nil || len(p.items) != 0 {
		t.Error("the deleted pool is still shown")
	}
	if !strings.Contains(texts(p.detail), "Vælg en pulje, eller opret en ny.") {
		t.Errorf("detail after delete:\n%s", texts(p.detail))
	}
}

// A council's computer shows the municipality's data read-only: no
// editors, no new buttons, not even when it is not enrolled.
func TestCouncilHasNoEditors(t *testing.T) {
	for _, enrolled := range []bool{false, true} {
		db := newTestDB(t)
		c := model.Council{Name: "Jyderup Lokalråd", Area: "Jyderup"}
		ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
		ok(t, db.SavePool(t.Context(), model.Pool{}, &model.Pool{Name: "Fællesskabspuljen", OpenAllYear: true}))
		if enrolled {
			for k, v := range map[string]string{storage.MetaServer: "http://127.0.0.1:1", storage.MetaToken: "dev.secret", storage.MetaCouncil: c.ID} {
				ok(t, db.SetMeta(t.Context(), k, v))
			}
		}
		u := newTestUI(t, db)
		stopSync(t, u)
		u.tabs.SelectIndex(6)
		if u.municipal.editors != nil || u.municipal.info == nil {
			t.Errorf("enrolled=%v: editors %v", enrolled, u.municipal.editors)
		}
		for _, o := range test.LaidOutObjects(u.tabs.Items[6].Content) {
			if b, isButton := o.(*widget.Button); isButton && strings.HasPrefix(b.Text, "Ny ") {
				t.Errorf("enrolled=%v: a button %q on a council's computer", enrolled, b.Text)
			}
		}
		if got := u.municipal.info.panes[0].items; len(got) != 1 || got[0].title != "Fællesskabspuljen" {
			t.Errorf("enrolled=%v: pools shown %+v", enrolled, got)
		}
	}
}
