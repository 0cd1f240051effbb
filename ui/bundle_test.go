package ui

import (
	"bytes"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// A chair with no connection and no terminal syncs by USB stick from the
// Filer menu: the changes saved to a file on one laptop are read in on
// another, whose screens then show them; reading the same file again
// brings nothing new, and a file that is no sync file is refused in
// Danish with nothing changed.
func TestSyncByFileFromTheMenu(t *testing.T) {
	council, adb, bdb := offlineLaptops(t)

	m := model.Member{CouncilID: council, Name: "Bo Bundgaard", Role: model.RoleMember}
	ok(t, adb.SaveMember(t.Context(), model.Member{}, &m))
	a := newTestUI(t, adb)
	stopSync(t, a)
	menuItem(t, menu(t, a, "Filer"), "Gem ændringer i en fil (USB-nøgle)…")
	stick := filepath.Join(t.TempDir(), "usb")
	os.MkdirAll(stick, 0o755)
	path := filepath.Join(stick, "jyderup.lokalraad")
	os.WriteFile(path, nil, 0o644) // the save dialog's empty file
	a.bundleTo(path, council)
	eventually(t, "the sync file", func() bool {
		st, err := os.Stat(path)
		return err == nil && st.Size() > 100
	})
	eventually(t, "the saved message", func() bool {
		return strings.Contains(texts(a.win.Canvas().Overlays().Top()), "ændringer for Jyderup Lokalråd er gemt i")
	})
	if st, err := os.Stat(path); err != nil || st.Mode().Perm()&0o044 != 0o044 {
		t.Errorf("the sync file cannot be read by another user on a stick with permissions: %v, %v", st.Mode(), err)
	}
	if left, _ := filepath.Glob(filepath.Join(stick, ".lokalraad-*")); len(left) != 0 {
		t.Errorf("temporary files left on the stick: %v", left)
	}

	// The other laptop.
	b := newTestUI(t, bdb)
	stopSync(t, b)
	menuItem(t, menu(t, b, "Filer"), "Indlæs ændringer fra en fil…")
	b.bundleFrom(path)
	eventually(t, "the read-in message", func() bool {
		return strings.Contains(texts(b.win.Canvas().Overlays().Top()), "nye ændringer af")
	})
	ms := noerr.Get(bdb.Members(t.Context(), council))(t)
	if len(ms) != 1 || ms[0].Name != "Bo Bundgaard" {
		t.Fatalf("the other laptop holds %+v after reading the file", ms)
	}
	b.tabs.SelectIndex(tabMembers)
	if shown := b.members.items; len(shown) != 1 || shown[0].Name != "Bo Bundgaard" {
		t.Errorf("Medlemmer shows %+v after reading the file", shown)
	}
	closeOverlays(b.win.Canvas())

	// Again: nothing new.
	b.bundleFrom(path)
	eventually(t, "the nothing-new message", func() bool {
		return strings.Contains(texts(b.win.Canvas().Overlays().Top()), "Filen bragte intet nyt")
	})
	closeOverlays(b.win.Canvas())

	// Not a sync file: refused in Danish, nothing changed.
	junk := filepath.Join(stick, "indkøbsliste.lokalraad")
	os.WriteFile(junk, []byte("mælk, brød"), 0o644)
	b.bundleFrom(junk)
	eventually(t, "the refusal", func() bool {
		s := texts(b.win.Canvas().Overlays().Top())
		return strings.Contains(s, "indkøbsliste.lokalraad") && strings.Contains(s, "synkroniseringsfil")
	})
	if ms := noerr.Get(bdb.Members(t.Context(), council))(t); len(ms) != 1 {
		t.Errorf("a refused file changed the members: %+v", ms)
	}
}

// offlineLaptops are two laptops of the council Jyderup Lokalråd,
// enrolled with the municipality; then the connection is gone, and only a
// USB stick goes between them.
func offlineLaptops(t *testing.T) (council string, a, b *storage.DB) {
	council, a, b, _ = offlineLaptopsAndHub(t)
	return council, a, b
}

// offlineLaptopsAndHub is offlineLaptops with the hub's database, whose
// files the laptops read as the municipality's.
func offlineLaptopsAndHub(t *testing.T) (council string, a, b, hubDB *storage.DB) {
	council, ls, hubDB := laptopsAndHub(t, 2)
	return council, ls[0], ls[1], hubDB
}

// laptopsAndHub is n laptops of one council, enrolled and then offline,
// and the hub's database.
func laptopsAndHub(t *testing.T, n int) (council string, laptops []*storage.DB, hubDB *storage.DB) {
	hubDB = newTestDB(t)
	ts := httptest.NewServer(exchange.NewServer(t.Context(), hubDB, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	defer ts.Close()
	hub := &testHub{db: hubDB, url: ts.URL}
	council = hub.council(t, "Jyderup Lokalråd")
	for range n {
		laptops = append(laptops, hub.laptop(t, council))
	}
	return council, laptops, hubDB
}

// fileOf writes db's changes for council into a sync file, as Filer ›
// »Gem ændringer i en fil« does, and gives its path.
func fileOf(t *testing.T, db *storage.DB, council string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fil.lokalraad")
	f, err := os.Create(path)
	ok(t, err)
	_, err = exchange.NewClient().WriteBundle(t.Context(), f, db, council)
	ok(t, err)
	ok(t, f.Close())
	return path
}

// juniMeeting is a held meeting »Juni-mødet« with one item, »Stien«,
// made on db.
func juniMeeting(t *testing.T, db *storage.DB, council string) (model.Meeting, model.AgendaItem) {
	t.Helper()
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Title: "Juni-mødet", Status: model.MeetingHeld, Start: time.Date(2027, 6, 3, 19, 0, 0, 0, model.Copenhagen)}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Stien", Kind: model.ItemDecision}
	ok(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	return m, it
}

// closeOverlays closes the dialogs shown on c.
func closeOverlays(c fyne.Canvas) {
	for c.Overlays().Top() != nil {
		c.Overlays().Remove(c.Overlays().Top())
	}
}

// A stick taken out before the file is written or read: said in Danish,
// never as Go's »open …: no such file or directory«.
func TestSyncByFileStickGone(t *testing.T) {
	u, _, council := withCouncil(t)
	gone := filepath.Join(t.TempDir(), "usb", "jyderup.lokalraad") // the folder is not there
	u.bundleTo(gone, council)
	eventually(t, "the write's refusal", func() bool {
		return strings.Contains(texts(u.win.Canvas().Overlays().Top()), "måske blev USB-nøglen taget ud")
	})
	closeOverlays(u.win.Canvas())
	u.bundleFrom(gone)
	eventually(t, "the read's refusal", func() bool {
		s := texts(u.win.Canvas().Overlays().Top())
		return strings.Contains(s, "måske blev USB-nøglen taget ud") && !strings.Contains(s, "no such file")
	})
}

// A meeting deleted on this laptop while the other laptop, by stick, wrote
// minutes into it comes back when the other's file is read in, and the
// chair is told which, in Danish: the meeting is back in Møder.
func TestMeetingBackByFileIsSaid(t *testing.T) {
	council, adb, bdb := offlineLaptops(t)
	cli := exchange.NewClient()
	carry := func(from, to *storage.DB) {
		var f bytes.Buffer
		_, err := cli.WriteBundle(t.Context(), &f, from, council)
		ok(t, err)
		_, _, err = cli.ImportBundle(t.Context(), bytes.NewReader(f.Bytes()), to)
		ok(t, err)
	}
	m, it := juniMeeting(t, adb, council)
	carry(adb, bdb)
	l := noerr.Get(bdb.AgendaItem(t.Context(), it.ID))(t)
	x := l
	x.Notes = "Stien males om i juli.\n"
	ok(t, bdb.SaveAgendaItem(t.Context(), l, &x))
	ok(t, adb.DeleteMeeting(t.Context(), m.ID))

	a := newTestUI(t, adb)
	stopSync(t, a)
	a.bundleFrom(fileOf(t, bdb, council))
	eventually(t, "the read-in message", func() bool {
		return strings.Contains(texts(a.win.Canvas().Overlays().Top()), "nye ændringer af")
	})
	msg := texts(a.win.Canvas().Overlays().Top())
	if !strings.Contains(msg, "Slettet på denne computer") || !strings.Contains(msg, "Møde «Juni-mødet 03.06.2027»") {
		t.Errorf("the chair is not told the meeting came back: %q", msg)
	}
	got := noerr.Get(adb.AgendaItem(t.Context(), it.ID))(t)
	if _, err := adb.Meeting(t.Context(), m.ID); err != nil || got.Notes != x.Notes {
		t.Errorf("the meeting (%v) or b's minutes (%q) are not back", err, got.Notes)
	}
}

// upToHub reads from's file of council in at the hub, as `kommune bundle
// import` does.
func upToHub(t *testing.T, from, hubDB *storage.DB, council string) {
	t.Helper()
	var f bytes.Buffer
	_, err := exchange.NewClient().WriteBundle(t.Context(), &f, from, council)
	ok(t, err)
	_, _, err = exchange.NewClient().HubImportBundle(t.Context(), bytes.NewReader(f.Bytes()), hubDB, time.Now(), 24*time.Hour)
	ok(t, err)
}

// readFile reads the sync file at path into to (no window).
func readFile(t *testing.T, path string, to *storage.DB) {
	t.Helper()
	_, _, err := exchange.NewClient().ImportBundle(t.Context(), bytes.NewReader(noerr.Get(os.ReadFile(path))(t)), to)
	ok(t, err)
}

// writeJulyLine writes a line into the minutes of item on db, offline.
func writeJulyLine(t *testing.T, db *storage.DB, item string) model.AgendaItem {
	t.Helper()
	l := noerr.Get(db.AgendaItem(t.Context(), item))(t)
	x := l
	x.Notes = "Stien males om i juli.\n"
	ok(t, db.SaveAgendaItem(t.Context(), l, &x))
	return x
}

// approveOn approves meeting id on db.
func approveOn(t *testing.T, db *storage.DB, id string) {
	t.Helper()
	am := noerr.Get(db.Meeting(t.Context(), id))(t)
	approved := am
	approved.Status, approved.ApprovedAt = model.MeetingApproved, time.Now()
	ok(t, db.SaveMeeting(t.Context(), am, &approved))
}

// hubFileReadIn opens db's window and reads the hub's file of council in,
// as Filer › »Hent ændringer fra en fil« does; it returns the window once
// the message says what was read.
func hubFileReadIn(t *testing.T, db, hubDB *storage.DB, council string) *App {
	t.Helper()
	u := newTestUI(t, db)
	stopSync(t, u)
	u.bundleFrom(fileOf(t, hubDB, council))
	eventually(t, "the read-in message", func() bool {
		return strings.Contains(texts(u.win.Canvas().Overlays().Top()), "nye ændringer af")
	})
	return u
}

// A laptop that syncs only by stick wrote minutes of a meeting that was
// approved meanwhile on another laptop. Reading the municipality's file
// sets that line aside and says so, in Danish with the reason, so that the
// laptop's next file is not refused whole.
func TestEditSetAsideByFileIsSaid(t *testing.T) {
	council, adb, bdb, hubDB := offlineLaptopsAndHub(t)
	m, it := juniMeeting(t, adb, council)
	upToHub(t, adb, hubDB, council)
	readFile(t, fileOf(t, hubDB, council), bdb)
	x := writeJulyLine(t, bdb, it.ID)
	approveOn(t, adb, m.ID)
	upToHub(t, adb, hubDB, council)

	b := hubFileReadIn(t, bdb, hubDB, council)
	msg := texts(b.win.Canvas().Overlays().Top())
	for _, want := range []string{"1 af denne computers ændringer afvises nu", "Afviste ændringer", "Hvorfor:", "godkendt"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message does not say %q: %q", want, msg)
		}
	}
	if rs := noerr.Get(bdb.RefusedChanges(t.Context(), council))(t); len(rs) != 1 || rs[0].Value != x.Notes {
		t.Errorf("b's refused list %+v, want its minutes line", rs)
	}
	if got := noerr.Get(bdb.AgendaItem(t.Context(), it.ID))(t); got.Notes != "" {
		t.Errorf("b still shows the refused line: %q", got.Notes)
	}
}

// Laptop c took b's minutes line by stick before a approved the minutes;
// the hub refuses the line. Reading the municipality's file, c sets the
// line aside too and says so, and Filer › Afviste ændringer shows it as
// another computer's: c's next file is taken at the hub.
func TestRelayedEditSetAsideByFileIsSaid(t *testing.T) {
	council, ls, hubDB := laptopsAndHub(t, 3)
	adb, bdb, cdb := ls[0], ls[1], ls[2]
	m, it := juniMeeting(t, adb, council)
	upToHub(t, adb, hubDB, council)
	readFile(t, fileOf(t, hubDB, council), bdb)
	readFile(t, fileOf(t, hubDB, council), cdb)
	writeJulyLine(t, bdb, it.ID)
	readFile(t, fileOf(t, bdb, council), cdb) // c carries b's line
	approveOn(t, adb, m.ID)
	upToHub(t, adb, hubDB, council)

	c := hubFileReadIn(t, cdb, hubDB, council)
	if msg := texts(c.win.Canvas().Overlays().Top()); !strings.Contains(msg, "En ændring fra en anden computer") || !strings.Contains(msg, "Afviste ændringer") {
		t.Errorf("the message does not say a change of another computer was set aside: %q", msg)
	}
	closeOverlays(c.win.Canvas())
	c.showRefused()
	if got := texts(c.win.Canvas().Overlays().Top()); !strings.Contains(got, "Fra en anden computer") || !strings.Contains(got, "Stien males om i juli.") {
		t.Errorf("the refused list does not show b's line as another computer's:\n%s", got)
	}
	if got := noerr.Get(cdb.AgendaItem(t.Context(), it.ID))(t); got.Notes != "" {
		t.Errorf("c still shows b's refused line: %q", got.Notes)
	}
	upToHub(t, cdb, hubDB, council)
}
