package exchange

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// english finds library or programmer English in a message meant for a
// council's secretary or the municipality's IT staff.
var english = regexp.MustCompile(`(?i)\b(json|sql|sqlite|cannot|invalid|unknown|unexpected|error|field|column|constraint|failed|no such)\b`)

// lies is a hub, two councils (Jyderup, Tornved), an enrolled laptop a of
// Jyderup with a wish and an agenda item, o of Tornved with an item that
// names Karen, and a second Jyderup laptop b that has synced everything;
// and a genuine bundle of Jyderup from a.
type lies struct {
	h               *hub
	council, other  string
	a, b, o         *storage.DB
	wish            model.BudgetWish
	item, otherItem model.AgendaItem
	file            []byte
}

func newLies(t *testing.T) *lies {
	l := &lies{h: newHub(t)}
	l.council, l.other = l.h.council(t, "Jyderup"), l.h.council(t, "Tornved")
	l.a = l.h.laptop(t, "a", l.council, 0)
	l.b = l.h.laptop(t, "b", l.council, time.Second)
	l.o = l.h.laptop(t, "o", l.other, 2*time.Second)
	syncOK(t, l.a)
	syncOK(t, l.o)
	l.wish = model.BudgetWish{CouncilID: l.council, Year: 2027, Title: "Cykelsti", Status: model.WishDraft}
	ok(t, l.a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &l.wish))
	m := model.Meeting{CouncilID: l.council, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: now.Add(-48 * time.Hour)}
	ok(t, l.a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	l.item = model.AgendaItem{CouncilID: l.council, MeetingID: m.ID, Title: "Shelter", Kind: model.ItemDecision, Notes: "Vi talte om shelteret."}
	ok(t, l.a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &l.item))
	om := model.Meeting{CouncilID: l.other, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: now.Add(-48 * time.Hour)}
	ok(t, l.o.SaveMeeting(t.Context(), model.Meeting{}, &om))
	l.otherItem = model.AgendaItem{CouncilID: l.other, MeetingID: om.ID, Title: "Legeplads", Kind: model.ItemDecision, Notes: "Karen Østergaard fremlagde tegningerne."}
	ok(t, l.o.SaveAgendaItem(t.Context(), model.AgendaItem{}, &l.otherItem))
	syncOK(t, l.a)
	syncOK(t, l.o)
	syncOK(t, l.b)
	l.file = bundleOf(t, l.a, l.council)
	return l
}

// op is an op of a's, numbered past anything a wrote and signed by a.
func (l *lies) op(t *testing.T, seq int64, table, row, field string, value any) storage.Change {
	c := storage.Change{Device: l.a.DeviceID(), Seq: 900_000 + seq, HLC: now.UnixMilli() << 16, Table: table, Row: row, Council: l.council, Field: field, Value: value}
	ok(t, l.a.SignOwn(&c))
	return c
}

// opsOf is the ops in o's log that wrote the Tornved item's notes.
func opsOf(t *testing.T, db *storage.DB, council, row, field string) []storage.Change {
	cs, err := db.CouncilOps(context.Background(), council)
	ok(t, err)
	var out []storage.Change
	for _, c := range cs {
		if c.Row == row && c.Field == field {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no op of %s.%s", row, field)
	}
	return out
}

// A bundle that is well-formed but lies — ops of another council, a table
// or a column the registry does not have, a value of the wrong type, a
// 100 MB text, one op id twice with two values, an op signed with another
// device's key, an erasure of Jyderup's that names (and would rewrite)
// Tornved's ops — is refused whole, on a laptop and at the hub, with a
// Danish message, and nothing is written on either.
func TestBundleLiesRefusedWhole(t *testing.T) {
	l := newLies(t)
	huge := strings.Repeat("Ø", 50<<20) // 100 MB of UTF-8
	notes := opsOf(t, l.o, l.other, l.otherItem.ID, "notes")
	scrub := `{"` + notes[0].ID() + `":"tidligere medlem fremlagde tegningerne."}`

	cases := map[string]func(cs []storage.Change) []storage.Change{
		"op of another council": func(cs []storage.Change) []storage.Change {
			c := l.op(t, 1, "agenda_items", l.otherItem.ID, "title", "Overtaget")
			c.Council = l.other
			ok(t, l.a.SignOwn(&c))
			return append(cs, c)
		},
		"unknown table": func(cs []storage.Change) []storage.Change {
			return append(cs, l.op(t, 2, "staff_users", l.wish.ID, "pw_hash", "pbkdf2-sha256$1$AA$AA"))
		},
		"registry-less table devices": func(cs []storage.Change) []storage.Change {
			return append(cs, l.op(t, 3, "devices", l.wish.ID, "staff", int64(1)))
		},
		"unknown column": func(cs []storage.Change) []storage.Change {
			return append(cs, l.op(t, 4, "budget_wishes", l.wish.ID, "hemmelig", "x"))
		},
		"text where an amount goes": func(cs []storage.Change) []storage.Change {
			return append(cs, l.op(t, 5, "budget_wishes", l.wish.ID, "estimate", "mange penge"))
		},
		"number where a title goes": func(cs []storage.Change) []storage.Change {
			return append(cs, l.op(t, 6, "budget_wishes", l.wish.ID, "title", int64(7)))
		},
		"100 MB of minutes": func(cs []storage.Change) []storage.Change {
			return append(cs, l.op(t, 7, "agenda_items", l.item.ID, "notes", huge))
		},
		"one op id, two values": func(cs []storage.Change) []storage.Change {
			return append(cs, l.op(t, 8, "budget_wishes", l.wish.ID, "title", "Cykelsti A"), l.op(t, 8, "budget_wishes", l.wish.ID, "title", "Cykelsti B"))
		},
		"signed with another device's key": func(cs []storage.Change) []storage.Change {
			c := storage.Change{Device: l.a.DeviceID(), Seq: 900_009, HLC: now.UnixMilli() << 16, Table: "budget_wishes", Row: l.wish.ID, Council: l.council, Field: "title", Value: "Fra b"}
			storage.SignChange(&c, keyOf(t, l.b))
			return append(cs, c)
		},
		"erasure naming another council's ops": func(cs []storage.Change) []storage.Change {
			return append(cs, l.op(t, 10, "sync_scrub", "x-erasure", "ops", scrub))
		},
	}
	before := func(db *storage.DB) string {
		s := state(t, db, l.council)
		if _, err := db.Council(context.Background(), l.other); err == nil {
			s += state(t, db, l.other)
		}
		return s
	}
	onB, onHub := before(l.b), before(l.h.db)
	logB := noerr.Get(l.b.CouncilOps(context.Background(), l.council))(t)
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			file := forge(t, l.file, edit)
			_, _, errB := cli.ImportBundle(context.Background(), bytes.NewReader(file), l.b)
			_, _, errH := cli.HubImportBundle(context.Background(), bytes.NewReader(file), l.h.db, now, 24*time.Hour)
			for where, err := range map[string]error{"laptop": errB, "hub": errH} {
				if err == nil {
					t.Errorf("%s took it in", where)
					continue
				}
				if english.MatchString(err.Error()) {
					t.Errorf("%s: not Danish: %s", where, err)
				}
			}
			if got := before(l.b); got != onB {
				t.Errorf("the laptop changed:\n%s", got)
			}
			if got := before(l.h.db); got != onHub {
				t.Errorf("the hub changed:\n%s", got)
			}
			if log, _ := l.b.CouncilOps(context.Background(), l.council); len(log) != len(logB) {
				t.Errorf("the laptop's log grew from %d to %d ops", len(logB), len(log))
			}
		})
	}
	// The Tornved item still names Karen at the hub and on o after a sync.
	syncOK(t, l.o)
	if got := noerr.Get(l.h.db.AgendaItem(t.Context(), l.otherItem.ID))(t); !strings.Contains(got.Notes, "Karen") {
		t.Errorf("Tornved's notes at the hub: %q", got.Notes)
	}
	// The genuine bundle still goes in.
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(l.file), l.b); err != nil {
		t.Errorf("genuine bundle: %v", err)
	}
}

// tinyBundle is a well-formed bundle of n tiny (unsigned) ops, its header
// saying count ops, with a right checksum: what anyone can write.
func tinyBundle(t testing.TB, n, count int) []byte {
	t.Helper()
	var ops bytes.Buffer
	ops.WriteByte('[')
	for i := range n {
		if i > 0 {
			ops.WriteByte(',')
		}
		fmt.Fprintf(&ops, `{"d":"x","s":%d,"h":1,"t":"budget_wishes","r":"r","c":"c","f":"title","v":"a"}`, i+1)
	}
	ops.WriteByte(']')
	sum := sha256.Sum256(ops.Bytes())
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	fmt.Fprintf(zw, `{"header":{"format":%q,"version":%d,"council":"c","device":"x","created":"2026-11-26T12:00:00Z","count":%d,"sha256":%q},"ops":`,
		BundleFormat, bundleVersion, count, hex.EncodeToString(sum[:]))
	_, _ = zw.Write(ops.Bytes())
	_, _ = io.WriteString(zw, "}\n")
	ok(t, zw.Close())
	return out.Bytes()
}

// allocated is the bytes f allocates.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// A bundle of 1,000,000 tiny ops (a 2 MB file that unpacks to 90 MB) is
// refused with a Danish message before its ops are read, whatever its
// header says about their number, and reading it allocates a bounded
// amount (measured, not timed): never the gigabytes of decoding them all.
func TestBundleOfAMillionTinyOpsRefusedCheaply(t *testing.T) {
	db := open(t, "laptop", 0)
	for name, file := range map[string][]byte{
		"honest header": tinyBundle(t, 1_000_000, 1_000_000),
		"lying header":  tinyBundle(t, 1_000_000, 10),
	} {
		var err error
		used := allocated(func() { _, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(file), db) })
		if err == nil || !errors.Is(err, ErrBadBundle) || english.MatchString(err.Error()) {
			t.Errorf("%s: %v", name, err)
		}
		if used > 64<<20 {
			t.Errorf("%s: reading it allocated %d MB", name, used>>20)
		}
		t.Logf("%s: %v; %d kB allocated", name, err, used>>10)
	}
	if n := noerr.Get(db.PendingCount(context.Background(), ""))(t); n != 0 {
		t.Errorf("%d ops written", n)
	}
}

// BenchmarkReadBundle reads a bundle of 10,000 tiny ops; bytes per op is
// what a bundle's op costs in memory while it is read (b.ReportAllocs).
func BenchmarkReadBundle(b *testing.B) {
	file := tinyBundle(b, 10_000, 10_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := cli.ReadBundle(bytes.NewReader(file)); err != nil {
			b.Fatal(err)
		}
	}
}

// A hub whose clock is three days behind its laptops (their dates are
// right): every laptop's edits still reach the other laptops, in order, a
// later edit made on what was seen wins on every replica, and nothing is
// lost or left unsent.
func TestHubClockBehindItsLaptops(t *testing.T) {
	h := newHub(t)
	h.srv.Now = func() time.Time { return now.Add(-72 * time.Hour) }
	hubClock := now.Add(-72 * time.Hour)
	h.db.Now = func() time.Time { hubClock = hubClock.Add(time.Millisecond); return hubClock }
	council := h.council(t, "Jyderup")
	a := h.laptop(t, "a", council, 0)
	b := h.laptop(t, "b", council, time.Second)
	syncOK(t, a)
	for name, db := range retitledInTurns(t, h, council, a, b, [3]string{"A1", "B1", "A2"}) {
		if cs := noerr.Get(db.Conflicts(t.Context(), council))(t); len(cs) != 0 {
			t.Errorf("%s: conflicts %+v", name, cs)
		}
		if name != "hub" {
			if n := noerr.Get(db.PendingCount(context.Background(), council))(t); n != 0 {
				t.Errorf("%s: %d unsent", name, n)
			}
		}
	}
}

// retitledInTurns has laptop a make a budget wish titled titles[0], b
// retitle what it got titles[1], and a retitle what it got titles[2],
// syncing between, and checks that each saw the other's edit and that a,
// b and the hub end with titles[2]: each later edit, made on what was
// seen, wins everywhere. It returns the replicas by name.
func retitledInTurns(t *testing.T, h *hub, council string, a, b *storage.DB, titles [3]string) map[string]*storage.DB {
	t.Helper()
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: titles[0], Status: model.WishDraft}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	syncOK(t, a)
	for i, turn := range []struct {
		name string
		db   *storage.DB
	}{{"b", b}, {"a", a}} {
		syncOK(t, turn.db)
		got := noerr.Get(turn.db.BudgetWishes(t.Context(), council, 0))(t)
		if len(got) != 1 || got[0].Title != titles[i] {
			t.Fatalf("%s = %+v", turn.name, got)
		}
		edit := got[0]
		edit.Title = titles[i+1]
		ok(t, turn.db.SaveBudgetWish(t.Context(), got[0], &edit))
		syncOK(t, turn.db)
	}
	syncOK(t, b)
	for name, db := range map[string]*storage.DB{"a": a, "b": b, "hub": h.db} {
		if got := noerr.Get(db.BudgetWishes(t.Context(), council, 0))(t); len(got) != 1 || got[0].Title != titles[2] {
			t.Errorf("%s = %+v", name, got)
		}
	}
	return map[string]*storage.DB{"a": a, "b": b, "hub": h.db}
}

// A laptop whose date is 1999 edits and syncs: its edits reach the others;
// an edit another laptop makes afterwards on what it saw wins everywhere;
// and the 1999 laptop's own later edit, made on that, wins too (an edit is
// stamped after what it was based on, whatever the wall clock says).
func TestLaptopIn1999(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	old := time.Date(1999, 1, 1, 12, 0, 0, 0, time.UTC).Sub(now)
	a := h.laptop(t, "a", council, old)
	b := h.laptop(t, "b", council, 0)
	syncOK(t, a)
	retitledInTurns(t, h, council, a, b, [3]string{"Fra 1999", "Rettet på b", "Rettet igen på a"})
	// b's bundle, carried to the 1999 laptop: refused (its ops are 27
	// years "ahead" of this computer), and the message says which date to
	// look at: this computer's.
	_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), a)
	if err == nil || !strings.Contains(err.Error(), "datoen på denne computer er forkert") || !strings.Contains(err.Error(), "01.01.1999") {
		t.Errorf("b's bundle on the 1999 laptop: %v", err)
	}
	t.Log(err)
}

// A hub whose clock was set back three days refuses the right clocks of
// all its laptops. A laptop still sends its edits (re-stamped at the
// hub's time), but since the hub has heard the other laptops run ahead of
// it as this one does, the hub's clock is the wrong one: no note asks the
// laptop's user to correct a date that is right, not after the first sync
// and not after the next.
func TestSlowHubBlamesNoLaptop(t *testing.T) {
	h := newHub(t)
	slow := func() time.Time { return now.Add(-72 * time.Hour) }
	h.srv.Now, h.db.Now = slow, slow // one computer: its HTTP and its store
	council := h.council(t, "Jyderup")
	b := h.laptop(t, "b", council, 0)
	c := h.laptop(t, "c", council, 0)
	a := h.laptop(t, "a", council, 0)
	syncOK(t, b)
	syncOK(t, c)
	syncOK(t, a)
	for _, name := range []string{"Åse", "Bo"} {
		ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: name, Role: model.RoleMember}))
		res := syncOK(t, a)
		if res.Restamped == 0 || res.Pushed == 0 {
			t.Errorf("after %s: the edit did not go up re-stamped: %+v", name, res)
		}
		if res.Note != "" || noteOf(t, a) != "" {
			t.Errorf("after %s: the laptop with the right date is told %q (status bar %q)", name, res.Note, noteOf(t, a))
		}
	}
	if ms := noerr.Get(h.db.Members(t.Context(), council))(t); len(ms) != 2 {
		t.Errorf("the hub holds %d members, want 2", len(ms))
	}
}

// aheadOfPeers is a hub with two laptops on time and laptop a two days
// ahead of them all, each synced once: a's clock is the wrong one.
func aheadOfPeers(t *testing.T) (h *hub, council string, a *storage.DB) {
	t.Helper()
	h = newHub(t)
	council = h.council(t, "Jyderup")
	b := h.laptop(t, "b", council, 0)
	c := h.laptop(t, "c", council, 0)
	a = h.laptop(t, "a", council, 48*time.Hour)
	syncOK(t, b)
	syncOK(t, c)
	syncOK(t, a)
	return h, council, a
}

// A laptop two days ahead of a hub and of the other laptops is the wrong
// one: it is told once, and while its date stays wrong the next syncs
// re-stamp its new edits without saying it again.
func TestClockAheadNotedOnce(t *testing.T) {
	h, council, a := aheadOfPeers(t)
	var first string
	for i, name := range []string{"Åse", "Bo", "Cai"} {
		ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: name, Role: model.RoleMember}))
		res := syncOK(t, a)
		if res.Restamped == 0 {
			t.Errorf("after %s: nothing re-stamped: %+v", name, res)
		}
		if i == 0 {
			first = res.Note
			if !strings.Contains(first, "2 dage for hurtigt") || !strings.Contains(first, "ret datoen") {
				t.Fatalf("first note %q", first)
			}
			continue
		}
		if res.Note != "" {
			t.Errorf("after %s: said again: %q", name, res.Note)
		}
		if got := noteOf(t, a); got != first {
			t.Errorf("after %s: status bar %q, want the first note %q", name, got, first)
		}
	}
	if ms := noerr.Get(h.db.Members(t.Context(), council))(t); len(ms) != 3 {
		t.Errorf("the hub holds %d members, want 3", len(ms))
	}
}

// What a hub says of its devices' clocks counts only devices it
// authenticated, one sample each (the newest): requests without a
// device's secret, however many and whatever clock they claim, and one
// device of two running ahead as the laptop does, however often it syncs,
// do not make a hub with the right time look slow, so the laptop that
// really runs ahead is told.
func TestClockPeersOnlyFromDevices(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	liar := h.laptop(t, "liar", council, 48*time.Hour)
	right := h.laptop(t, "right", council, 0)
	a := h.laptop(t, "a", council, 48*time.Hour)
	for range 3 {
		syncOK(t, liar)
	}
	syncOK(t, right)
	for range 5 {
		req, err := http.NewRequest(http.MethodGet, h.url+"/v1/pull?since=0", nil)
		ok(t, err)
		req.Header.Set("Authorization", "Bearer nope")
		req.Header.Set(HeaderDeviceClock, strconv.FormatInt(now.Add(48*time.Hour).UnixMilli(), 10))
		resp, err := http.DefaultClient.Do(req)
		ok(t, err)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatal("a stranger pulled")
		}
	}
	syncOK(t, a)
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleMember}))
	if res := syncOK(t, a); !strings.Contains(res.Note, "ret datoen") {
		t.Errorf("the laptop two days ahead is not told: %+v", res)
	}
}

// The rule that decides whose clock is wrong, one case a line.
func TestHubBehind(t *testing.T) {
	const day = 24 * time.Hour
	for _, c := range []struct {
		why   string
		heard peers
		own   time.Duration // this device's clock ahead of the hub's
		want  bool
	}{
		{"nobody else heard: one sample cannot tell", peers{}, 3 * day, false},
		{"one other device is one sample more, not a majority", peers{1, 3 * day}, 3 * day, false},
		{"two others ahead as this one is: the hub is behind", peers{2, 3 * day}, 3 * day, true},
		{"within the skew of the others' median", peers{3, 3 * day}, 3*day + 20*time.Hour, true},
		{"the others agree with the hub: this device is ahead", peers{3, time.Minute}, 2 * day, false},
		{"the others are ahead, but this one far more: both wrong, tell", peers{3, 3 * day}, 10 * day, false},
		{"the others are ahead by no more than the skew", peers{3, day}, day, false},
	} {
		if got := c.heard.hubBehind(c.own, day); got != c.want {
			t.Errorf("%s: hubBehind = %v", c.why, got)
		}
	}
}
