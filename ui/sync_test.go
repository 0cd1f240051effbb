package ui

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// testHub is the municipality's server on a random port with a real
// database.
type testHub struct {
	db  *storage.DB
	url string
	// before, when set, sees each request before the hub answers it, on
	// the server's goroutine: a test does there what another laptop does
	// at that moment.
	before atomic.Pointer[func(*http.Request)]
}

func newTestHub(t *testing.T) *testHub {
	t.Helper()
	h := &testHub{db: newTestDB(t)}
	s := exchange.NewServer(t.Context(), h.db, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f := h.before.Load(); f != nil {
			(*f)(r)
		}
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	h.url = ts.URL
	return h
}

// council stores a council on the hub and returns its id.
func (h *testHub) council(t *testing.T, name string) string {
	t.Helper()
	c := model.Council{Name: name}
	if err := h.db.SaveCouncil(t.Context(), model.Council{}, &c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// code gives a one-time enrolment code for a council ("" for staff).
func (h *testHub) code(t *testing.T, council string) string {
	t.Helper()
	_, code, err := h.db.AddDevice(t.Context(), "laptop", council, council == "")
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// laptop is a database enrolled for council ("" for staff) and synced once.
func (h *testHub) laptop(t *testing.T, council string) *storage.DB {
	t.Helper()
	db := newTestDB(t)
	_, err := exchange.NewClient().Enroll(context.Background(), db, h.url, h.code(t, council))
	ok(t, err)
	_, err = exchange.NewClient().Sync(context.Background(), db, "")
	ok(t, err)
	return db
}

// stopSync ends the app's background sync before the database closes.
func stopSync(t *testing.T, u *App) {
	t.Cleanup(u.sync.stop)
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Enrolling from the settings links the council made here to the server's
// once the user says yes, sends its data up and says so in the status bar.
func TestEnrolFromSettings(t *testing.T) {
	hub := newTestHub(t)
	hubCouncil := hub.council(t, "Jyderup Lokalråd")
	u, db, _ := withCouncil(t)
	stopSync(t, u)
	w := model.BudgetWish{CouncilID: u.councilID, Year: 2027, Title: "Ny sti til skolen", Status: model.WishDraft}
	ok(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))

	if !strings.Contains(u.sync.state.Text, "Ikke forbundet med kommunens server") {
		t.Errorf("status before enrolment: %q", u.sync.state.Text)
	}
	u.onSettings()
	st := u.sync.settings
	if st == nil || !strings.Contains(st.status.Text, "ikke tilmeldt") {
		t.Fatalf("settings do not say the computer is not enrolled")
	}
	test.Type(st.server, hub.url)
	test.Type(st.code, hub.code(t, hubCouncil))
	test.Tap(st.enrol)

	// The council here has data: linking it waits for a yes.
	eventually(t, "the question whether to link", func() bool {
		top := u.win.Canvas().Overlays().Top()
		return top != nil && strings.Contains(texts(top), "Vil du forbinde rådet «Jyderup Lokalråd» med «Jyderup Lokalråd» hos kommunen?")
	})
	if ws := noerr.Get(hub.db.BudgetWishes(t.Context(), hubCouncil, 0))(t); len(ws) != 0 {
		t.Errorf("sent before the answer: %+v", ws)
	}
	test.Tap(overlayButton(t, u, "Forbind"))

	eventually(t, "status bar says synced", func() bool {
		return strings.HasPrefix(u.sync.state.Text, "Sidst synkroniseret ") &&
			strings.Contains(u.sync.pending.Text, "Alle ændringer er sendt")
	})
	if u.sync.problem.Visible() {
		t.Errorf("a problem after a good sync: %q", u.sync.problem.Text)
	}
	if u.councilID != hubCouncil {
		t.Errorf("the council shown is %s, want the server's %s", u.councilID, hubCouncil)
	}
	u.onSettings() // opened again: the council's name, now that it is linked
	if st := u.sync.settings; !strings.Contains(st.status.Text, "Tilmeldt for Jyderup Lokalråd") {
		t.Errorf("settings say %q", st.status.Text)
	}
	test.Tap(overlayButton(t, u, "Annullér"))
	ws, err := hub.db.BudgetWishes(t.Context(), hubCouncil, 0)
	ok(t, err)
	if len(ws) != 1 || ws[0].Title != "Ny sti til skolen" {
		t.Errorf("the server holds %+v", ws)
	}

	// An edit goes up on "Synkronisér nu".
	w2 := model.BudgetWish{CouncilID: u.councilID, Year: 2027, Title: "Bænke ved søen", Status: model.WishDraft}
	ok(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w2))
	test.Tap(u.sync.nowBtn)
	eventually(t, "the new wish on the server", func() bool {
		ws, err := hub.db.BudgetWishes(context.Background(), hubCouncil, 0)
		return err == nil && len(ws) == 2
	})
	if top := u.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog is still shown after enrolment:\n%s", texts(top))
	}
}

// A server that does not answer gives the plain Danish status and no
// dialog, again and again.
func TestUnreachableServer(t *testing.T) {
	db := newTestDB(t)
	c := model.Council{Name: "Tølløse Lokalråd"}
	ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	gone := httptest.NewServer(nil)
	addr := gone.URL
	gone.Close()
	for k, v := range map[string]string{storage.MetaServer: addr, storage.MetaToken: "dev.secret", storage.MetaCouncil: c.ID} {
		ok(t, db.SetMeta(t.Context(), k, v))
	}
	u := newTestUI(t, db)
	stopSync(t, u)
	want := "Kommunens server svarer ikke – dine ændringer er gemt på computeren og sendes, når der er forbindelse."
	eventually(t, "the status says the server does not answer", func() bool {
		return u.sync.problem.Visible() && u.sync.problem.Text == want && !u.sync.running
	})
	for range 3 {
		test.Tap(u.sync.nowBtn)
		time.Sleep(50 * time.Millisecond)
		eventually(t, "the sync ends", func() bool { return !u.sync.running && u.sync.problem.Text == want })
	}
	if top := u.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog is shown:\n%s", texts(top))
	}
	if u.sync.state.Text != "Endnu ikke synkroniseret" {
		t.Errorf("state %q", u.sync.state.Text)
	}
	if !strings.Contains(u.sync.pending.Text, "ændringer venter på at blive sendt") {
		t.Errorf("pending %q", u.sync.pending.Text)
	}
}

// twoReplicas makes a council with a budget wish on a and copies it to b.
func twoReplicas(t *testing.T) (a, b *storage.DB, council string, wish model.BudgetWish) {
	t.Helper()
	a, b = newTestDB(t), newTestDB(t)
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	wish = model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Ny sti", Justification: "Børnene cykler på vejen.\nDer er ingen fortov.\n", Status: model.WishDraft}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &wish))
	exchangeOps(t, a, b, c.ID)
	return a, b, c.ID, wish
}

// exchangeOps gives each replica the other's ops.
func exchangeOps(t *testing.T, a, b *storage.DB, council string) {
	t.Helper()
	opsA, err := a.CouncilOps(context.Background(), council)
	ok(t, err)
	opsB, err := b.CouncilOps(context.Background(), council)
	ok(t, err)
	_, err = b.ApplyOps(context.Background(), opsA)
	ok(t, err)
	_, err = a.ApplyOps(context.Background(), opsB)
	ok(t, err)
}

// A conflict from two computers editing the same field shows both values;
// choosing one stores it and dismisses the conflict.
func TestConflictsView(t *testing.T) {
	a, b, council, w := twoReplicas(t)
	wa, wb := w, w
	wa.Title = "Ny sti til skolen"
	wb.Title = "Sti til skolen og hallen"
	ok(t, a.SaveBudgetWish(t.Context(), w, &wa))
	ok(t, b.SaveBudgetWish(t.Context(), w, &wb))
	exchangeOps(t, a, b, council)
	cs, err := a.Conflicts(t.Context(), council)
	ok(t, err)
	if len(cs) != 1 {
		t.Fatalf("%d conflicts", len(cs))
	}
	other := cs[0].Other.(string)

	u := newTestUI(t, a)
	if !u.sync.conflicts.Visible() || u.sync.conflicts.Text != "1 konflikt" {
		t.Errorf("status bar conflicts button %q visible=%v", u.sync.conflicts.Text, u.sync.conflicts.Visible())
	}
	test.Tap(u.sync.conflicts)
	v := u.sync.view
	if v == nil || v.cur == nil {
		t.Fatal("no conflicts view")
	}
	shown := texts(u.win.Canvas().Overlays().Top())
	for _, s := range []string{"Budgetønske «", "Titel", "Ny sti til skolen", "Sti til skolen og hallen", "Gælder nu", "Den anden version"} {
		if !strings.Contains(shown, s) {
			t.Errorf("the view lacks %q:\n%s", s, shown)
		}
	}
	test.Tap(v.cur.keepOther)
	ws, err := a.BudgetWishes(t.Context(), council, 0)
	ok(t, err)
	if ws[0].Title != other {
		t.Errorf("title %q, want the other %q", ws[0].Title, other)
	}
	if cs := noerr.Get(a.Conflicts(t.Context(), council))(t); len(cs) != 0 {
		t.Errorf("%d conflicts left", len(cs))
	}
	if v.cur != nil || len(v.items) != 0 {
		t.Error("the view still shows the conflict")
	}
	test.Tap(overlayButton(t, u, "Luk"))
	if u.sync.conflicts.Visible() {
		t.Error("the status bar still counts a conflict")
	}
	// The choice travels: on the other computer the conflict is gone too.
	exchangeOps(t, a, b, council)
	if cs := noerr.Get(b.Conflicts(t.Context(), council))(t); len(cs) != 0 {
		t.Errorf("%d conflicts left on the other computer", len(cs))
	}
	if ws := noerr.Get(b.BudgetWishes(t.Context(), council, 0))(t); ws[0].Title != other {
		t.Errorf("other computer's title %q", ws[0].Title)
	}
}

// Overlapping edits of a long text: a merge typed by hand is kept.
func TestConflictMergedByHand(t *testing.T) {
	a, b, council, w := twoReplicas(t)
	wa, wb := w, w
	wa.Justification = "Børnene cykler på vejen hver morgen.\nDer er ingen fortov.\n"
	wb.Justification = "Skolebørnene cykler på vejen.\nDer er ingen fortov.\n"
	ok(t, a.SaveBudgetWish(t.Context(), w, &wa))
	ok(t, b.SaveBudgetWish(t.Context(), w, &wb))
	exchangeOps(t, a, b, council)

	u := newTestUI(t, a)
	u.showConflicts()
	v := u.sync.view
	if v == nil || v.cur == nil || v.cur.merge == nil {
		t.Fatal("no merge field for the long text")
	}
	if !v.cur.merge.MultiLine {
		t.Error("the long text is merged on one line")
	}
	merged := "Skolebørnene cykler på vejen hver morgen.\nDer er ingen fortov.\n"
	v.cur.merge.SetText(merged)
	test.Tap(v.cur.saveMerge)
	ws, err := a.BudgetWishes(t.Context(), council, 0)
	ok(t, err)
	if ws[0].Justification != merged {
		t.Errorf("justification %q", ws[0].Justification)
	}
	if cs := noerr.Get(a.Conflicts(t.Context(), council))(t); len(cs) != 0 {
		t.Errorf("%d conflicts left", len(cs))
	}
}

// On the municipality's device every council's wishes are listed to
// answer; the answer is stored with status besvaret and the amount in øre.
func TestStaffAnswersWish(t *testing.T) {
	db := newTestDB(t)
	var ids []string
	for _, name := range []string{"Jyderup Lokalråd", "Tølløse Lokalråd"} {
		c := model.Council{Name: name}
		ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
		ids = append(ids, c.ID)
	}
	w := model.BudgetWish{CouncilID: ids[1], Year: 2027, Title: "Ny legeplads", Estimate: 5000000, Status: model.WishSubmitted}
	ok(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	draft := model.BudgetWish{CouncilID: ids[0], Year: 2027, Title: "Kladde", Status: model.WishDraft}
	ok(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &draft))
	ok(t, db.SetMeta(t.Context(), storage.MetaStaff, "1"))

	u := newTestUI(t, db)
	if got := u.tabs.Items[6].Text; got != "Besvar budgetønsker" {
		t.Errorf("staff tab %q", got)
	}
	u.tabs.SelectIndex(6)
	s := u.municipal.staff
	if s == nil || len(s.items) != 1 {
		t.Fatalf("staff list: %+v", s)
	}
	s.filter.SetSelectedIndex(1)
	if len(s.items) != 2 {
		t.Errorf("all wishes: %d shown", len(s.items))
	}
	s.filter.SetSelectedIndex(0)
	s.list.Select(0)
	ed := s.editor
	if ed == nil || ed.w.ID != w.ID {
		t.Fatal("no answer editor")
	}
	if !strings.Contains(texts(s.detail), "Tølløse Lokalråd") {
		t.Errorf("the editor does not name the council:\n%s", texts(s.detail))
	}
	ed.answer.SetSelected("Delvist bevilget")
	test.Type(ed.text, "Byrådet giver halvdelen i 2027.")
	test.Type(ed.granted, "25.000,50")
	u.saver.flush()
	ws, err := db.BudgetWishes(t.Context(), ids[1], 0)
	ok(t, err)
	got := ws[0]
	if got.Status != model.WishAnswered || got.Answer != model.AnswerPartly || got.Granted != 2500050 || got.AnswerText != "Byrådet giver halvdelen i 2027." {
		t.Errorf("stored %+v", got)
	}
	if ed.grantedErr.Visible() {
		t.Errorf("message on a good amount: %q", ed.grantedErr.Text)
	}
	test.Type(ed.granted, "x")
	u.saver.flush()
	if !ed.grantedErr.Visible() {
		t.Error("a bad amount gives no message")
	}
	if ws := noerr.Get(db.BudgetWishes(t.Context(), ids[1], 0))(t); ws[0].Granted != 2500050 {
		t.Errorf("bad amount stored: %d", ws[0].Granted)
	}
}

// End to end: the municipality answers on its device, the council's
// computer syncs and shows the answer under "Fra kommunen".
func TestAnswerReachesCouncil(t *testing.T) {
	hub := newTestHub(t)
	council := hub.council(t, "Jyderup Lokalråd")
	ctx := context.Background()

	laptop := hub.laptop(t, council)
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Ny sti til skolen", Estimate: 12000000, Status: model.WishSubmitted}
	ok(t, laptop.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	_, err := exchange.NewClient().Sync(ctx, laptop, "")
	ok(t, err)

	staffDB := newTestDB(t)
	_, err = exchange.NewClient().Enroll(ctx, staffDB, hub.url, hub.code(t, ""))
	ok(t, err)
	staff := newTestUI(t, staffDB) // empty: the first sync brings the councils
	stopSync(t, staff)
	eventually(t, "the staff device gets the council", func() bool { return staff.tabs != nil && staff.councilID == council })
	staff.tabs.SelectIndex(6)
	s := staff.municipal.staff
	eventually(t, "the wish in the staff list", func() bool { return s != nil && len(s.items) == 1 })
	s.list.Select(0)
	s.editor.answer.SetSelected("Bevilget")
	test.Type(s.editor.granted, "120.000")
	staff.saver.flush()
	test.Tap(staff.sync.nowBtn)
	eventually(t, "the answer on the server", func() bool {
		ws, err := hub.db.BudgetWishes(ctx, council, 0)
		return err == nil && len(ws) == 1 && ws[0].Answer == model.AnswerGranted
	})

	u := newTestUI(t, laptop)
	stopSync(t, u)
	if u.tabs.Items[6].Text != "Fra kommunen" {
		t.Errorf("council tab %q", u.tabs.Items[6].Text)
	}
	u.tabs.SelectIndex(6)
	eventually(t, "the answer under Fra kommunen", func() bool {
		return len(u.municipal.wishes) == 1 && strings.Contains(texts(u.municipal.detail), "Bevilget")
	})
	if !strings.Contains(texts(u.municipal.detail), "120.000 kr.") {
		t.Errorf("answer shown:\n%s", texts(u.municipal.detail))
	}
	// The council cannot set besvaret itself: the server would refuse it.
	u.tabs.SelectIndex(3)
	u.wishes.selectWish(w.ID)
	if ed := u.wishes.editor; ed == nil || !ed.status.Disabled() {
		t.Error("the status of an answered wish can be changed on the council's computer")
	}
}

// The municipality's pools, deadlines, contacts and announcements are
// shown under "Fra kommunen"; contacts are those serving the council's area.
func TestMunicipalInfo(t *testing.T) {
	u, db, _ := withCouncil(t) // Jyderup
	now := time.Now()
	ok(t, db.SavePool(t.Context(), model.Pool{}, &model.Pool{Name: "Fællesskabspuljen", Description: "Små fællesskabsprojekter.", Available: 2000000, OpenAllYear: true}))
	ok(t, db.SaveDeadline(t.Context(), model.MunicipalDeadline{}, &model.MunicipalDeadline{Title: "Budgethøring 2027", Date: now.AddDate(0, 1, 0), Kind: "Budgethøring"}))
	ok(t, db.SaveContact(t.Context(), model.Contact{}, &model.Contact{Name: "Anne Fælles-skaber", Role: "Fælles-skaber", Phone: "72 36 36 36", Areas: []string{"Jyderup"}}))
	ok(t, db.SaveContact(t.Context(), model.Contact{}, &model.Contact{Name: "Bo Andetsted", Role: "Fælles-skaber", Areas: []string{"Tølløse"}}))
	ok(t, db.SaveAnnouncement(t.Context(), model.Announcement{}, &model.Announcement{Title: "Nyt fra kommunen", Text: "Dialogmødet flyttes.", Date: now}))
	u.tabs.SelectIndex(6)
	info := u.municipal.info
	if info == nil || len(info.panes) != 4 {
		t.Fatal("no municipal information")
	}
	want := []string{"Fællesskabspuljen", "Budgethøring 2027", "Anne Fælles-skaber", "Nyt fra kommunen"}
	for i, p := range info.panes {
		if len(p.items) == 0 || p.items[0].title != want[i] {
			t.Errorf("pane %d shows %+v, want %s", i, p.items, want[i])
		}
	}
	if n := len(info.panes[2].items); n != 1 {
		t.Errorf("%d contacts shown, want only the one serving Jyderup", n)
	}
	if !strings.Contains(texts(info.panes[0].detail), "20.000 kr.") {
		t.Errorf("pool shown:\n%s", texts(info.panes[0].detail))
	}
}

// Edits go up by themselves once typing has rested, without "Synkronisér nu".
func TestEditsSyncAfterPause(t *testing.T) {
	hub := newTestHub(t)
	council := hub.council(t, "Jyderup Lokalråd")
	u, db, _ := withCouncil(t)
	stopSync(t, u)
	_, err := exchange.NewClient().Enroll(context.Background(), db, hub.url, hub.code(t, council))
	ok(t, err)
	u.sync.bg.Poll, u.sync.bg.Quiet, u.sync.bg.Period = 20*time.Millisecond, 200*time.Millisecond, time.Hour
	u.afterEnrol(council)
	eventually(t, "the first sync", func() bool { return strings.HasPrefix(u.sync.state.Text, "Sidst synkroniseret") })

	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Shelter ved mosen", Status: model.WishDraft}
	ok(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	eventually(t, "the edit on the server", func() bool {
		ws, err := hub.db.BudgetWishes(context.Background(), council, 0)
		return err == nil && len(ws) == 1 && ws[0].Title == "Shelter ved mosen"
	})
}

// A conflict whose text holds a word too long to wrap (pasted on one
// laptop) opens at once, both versions and the merge field unwrapped:
// Fyne wraps such a word in time that grows with its length squared.
func TestConflictWithALongWordOpens(t *testing.T) {
	a, b, council, w := twoReplicas(t)
	wa, wb := w, w
	word := strings.Repeat("x", 50_000)
	wa.Justification = "Bilag: " + word + "\nDer er ingen fortov.\n"
	wb.Justification = "Skolebørnene cykler på vejen.\nDer er ingen fortov.\n"
	ok(t, a.SaveBudgetWish(t.Context(), w, &wa))
	ok(t, b.SaveBudgetWish(t.Context(), w, &wb))
	exchangeOps(t, a, b, council)
	for _, db := range []*storage.DB{a, b} {
		u := newTestUI(t, db)
		u.showConflicts()
		v := u.sync.view
		if v == nil || v.cur == nil || v.cur.merge == nil {
			t.Fatal("no conflict shown")
		}
		if v.cur.merge.Wrapping != fyne.TextWrapOff && strings.Contains(v.cur.merge.Text, word) {
			t.Error("the merge field wraps the long word")
		}
		shown := 0
		for _, o := range test.LaidOutObjects(u.win.Canvas().Overlays().Top()) {
			if l, isLabel := o.(*widget.Label); isLabel && strings.Contains(l.Text, word) {
				shown++
				if l.Wrapping != fyne.TextWrapOff {
					t.Error("a version with the long word is wrapped")
				}
			}
		}
		if shown == 0 {
			t.Error("no version shows the long word")
		}
	}
}
