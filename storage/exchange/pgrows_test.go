package exchange

// What a hub on PostgreSQL lacked but the SQLite hub had: erasures,
// bundles, and rows (a node's mirror). The same tests on both stores where
// both do it; two nodes on one database where that is the point.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/postgres"
	"lokalraad/storage/postgres/pgtest"
)

// twoPGNodes is two hub nodes on one PostgreSQL database.
func twoPGNodes(t *testing.T) (a, b *postgres.Store, urlA, urlB string) {
	url := pgtest.URL(t)
	a, b = openPG(t, url), openPG(t, url)
	var urls []string
	for _, s := range []HubStore{a, b} {
		srv := NewStoreServer(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		srv.Now = func() time.Time { return now }
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		urls = append(urls, ts.URL)
	}
	return a, b, urls[0], urls[1]
}

func enrolAt(t *testing.T, s *postgres.Store, url, name, council string) *storage.DB {
	t.Helper()
	db := open(t, name, 0)
	_, code, err := s.AddDevice(t.Context(), name, council, council == "")
	ok(t, err)
	_, err = cli.Enroll(context.Background(), db, url, code)
	ok(t, err)
	syncOK(t, db)
	return db
}

// noName fails when any op holds one of the words.
func noName(t *testing.T, where string, ops []storage.Change, words ...string) {
	t.Helper()
	for _, o := range ops {
		for _, w := range words {
			if s := fmt.Sprint(o.Value); strings.Contains(s, w) {
				t.Errorf("%s: an op still holds %q: %q (%s.%s)", where, w, s, o.Table, o.Field)
			}
		}
	}
}

// allPulled is every op a device of council pulls from 0.
func allPulled(t *testing.T, s HubStore, council string) []storage.Change {
	var out []storage.Change
	for since := (storage.Cursor{}); ; {
		ops, next, more, err := s.HubPage(context.Background(), council, since, storage.Page{Ops: 50}, "")
		ok(t, err)
		out = append(out, ops...)
		if !more {
			return out
		}
		since = next
	}
}

// An erasure pushed to node A rewrites the op log in PostgreSQL: a laptop
// new to the council pulling from node B from 0 never receives the name,
// a laptop that held it loses it, the minutes stay readable, and a bundle
// of the council taken from the log carries no name and is taken by a
// laptop (the rewritten ops carry the hub's endorsement).
func TestPGErasureTwoNodes(t *testing.T) {
	sa, sb, urlA, urlB := twoPGNodes(t)
	council, err := sa.AddCouncil(t.Context(), "Jyderup Lokalråd")
	ok(t, err)
	a := enrolAt(t, sa, urlA, "a", council)
	b := enrolAt(t, sb, urlB, "b", council)

	karen := model.Member{CouncilID: council, Name: "Karen Østergaard", Role: model.RoleChair, Phone: "20 11 22 33", Email: "karen@example.dk"}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &karen))
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: now.Add(-24 * time.Hour), Attendees: "Karen Østergaard\nSøren"}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Shelter", Kind: model.ItemDecision,
		Notes: "Karen Østergaard fremlagde tegningerne.", Decision: "Shelteret bygges."}
	ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	syncOK(t, a)
	syncOK(t, b)
	// b edits the minutes too, through node B: the log holds ops of both.
	it2, err := b.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	it2.Notes += "\nKaren Østergaard svarer på spørgsmål."
	ok(t, b.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), b, it2), &it2))
	syncOK(t, b)
	syncOK(t, a)

	_, err = a.ErasePerson(t.Context(), council, "Karen Østergaard")
	ok(t, err)
	syncOK(t, a) // to node A

	words := []string{"Karen", "karen@", "20 11 22 33"}
	noName(t, "the log read through node B", allPulled(t, sb, council), words...)
	c := enrolAt(t, sb, urlB, "c", council) // a new laptop, from 0, at node B
	syncOK(t, b)
	for name, db := range map[string]*storage.DB{"laptop a": a, "laptop b": b, "new laptop c": c} {
		ops, err := db.CouncilOps(context.Background(), council)
		ok(t, err)
		noName(t, name, ops, words...)
		got, err := db.AgendaItem(t.Context(), it.ID)
		ok(t, err)
		if !strings.Contains(got.Notes, "tidligere medlem fremlagde tegningerne.") || got.Decision != "Shelteret bygges." {
			t.Errorf("%s: minutes after the erasure: %+v", name, got)
		}
	}
	if sa, sc := state(t, a, council), state(t, c, council); sa != sc {
		t.Errorf("a and the new laptop differ:\n%s\n---\n%s", sa, sc)
	}
	// b sends its (scrubbed) history again: the same edits, not a refusal.
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), sb, now, time.Hour); err != nil {
		t.Errorf("b's bundle after the erasure: %v", err)
	}

	// The council's bundle from the log: no name, and a laptop takes it.
	var buf bytes.Buffer
	_, err = cli.WriteStoreBundle(context.Background(), &buf, sb, council, now)
	ok(t, err)
	d := open(t, "d", 0)
	if _, _, err := cli.ImportBundle(context.Background(), &buf, d); err != nil {
		t.Fatalf("a laptop refuses the bundle of an erased log: %v", err)
	}
	ops, err := d.CouncilOps(context.Background(), council)
	ok(t, err)
	noName(t, "laptop d (bundle)", ops, words...)
	if sa, sd := state(t, a, council), state(t, d, council); sa != sd {
		t.Errorf("a and the bundle's laptop differ:\n%s\n---\n%s", sa, sd)
	}
}

// An erasure that rewrites more than a name, or names another council's
// op, is refused whole on both stores, and nothing of it is kept.
func TestStoresErasureRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy, ka := h.council("Jyderup Lokalråd"), h.council("Kalundborg Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		k, _ := h.laptop(t, "k", ka, time.Second)
		it := model.Member{CouncilID: jy, Name: "Karen Østergaard", Role: model.RoleChair}
		ok(t, a.SaveMember(t.Context(), model.Member{}, &it))
		other := model.Member{CouncilID: ka, Name: "Søren Hansen", Role: model.RoleChair}
		ok(t, k.SaveMember(t.Context(), model.Member{}, &other))
		syncOK(t, a)
		syncOK(t, k)
		nameOp := func(db *storage.DB, council string) storage.Change {
			ops, err := db.CouncilOps(context.Background(), council)
			ok(t, err)
			for _, o := range ops {
				if o.Table == "members" && o.Field == "name" {
					return o
				}
			}
			t.Fatal("no name op")
			return storage.Change{}
		}
		mine, theirs := nameOp(a, jy), nameOp(k, ka)
		seq := int64(900)
		erasure := func(values map[string]string) storage.Change {
			body := "{"
			for id, v := range values {
				if body != "{" {
					body += ","
				}
				body += fmt.Sprintf("%q:%q", id, v)
			}
			seq++
			c := storage.Change{Device: a.DeviceID(), Seq: seq, HLC: now.UnixMilli()<<16 + seq, Table: storage.ScrubTable,
				Row: fmt.Sprint("scrub", seq), Council: jy, Field: "ops", Value: body + "}"}
			storage.SignChange(&c, keyOf(t, a))
			return c
		}
		for name, e := range map[string]storage.Change{
			"more than a name":     erasure(map[string]string{mine.ID(): "Anne Andersen"}),
			"another council's op": erasure(map[string]string{theirs.ID(): "tidligere medlem"}),
		} {
			if _, err := pushAs(t, h.url, a, []storage.Change{e}); err == nil {
				t.Errorf("%s: erasure taken", name)
			}
			if got := allPulled(t, h.store, ""); len(got) > 0 {
				for _, o := range got {
					if o.Table == storage.ScrubTable {
						t.Errorf("%s: the refused erasure is kept: %+v", name, o)
					}
				}
			}
		}
		if got := nameOp(k, ka); got.Value != "Søren Hansen" {
			t.Errorf("another council's name changed: %v", got.Value)
		}
	})
}

// A bundle round trip on both stores: a laptop's bundle goes in through
// the same door as a push (a forged op refuses it whole, nothing kept),
// and the hub's bundle of the council brings a new laptop the same data.
func TestStoresBundleRoundTrip(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		b, _ := h.laptop(t, "b", jy, time.Second)
		ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: jy, Name: "Karen", Role: model.RoleChair}))
		syncOK(t, a)
		// Offline: a meeting goes by USB stick.
		mt := model.Meeting{CouncilID: jy, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: now.Add(48 * time.Hour)}
		ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &mt))
		var buf bytes.Buffer
		_, err := cli.WriteBundle(context.Background(), &buf, a, jy)
		ok(t, err)
		raw := buf.Bytes()

		// A forged bundle: an op of a's, its value changed after signing.
		_, cs, err := cli.ReadBundle(bytes.NewReader(raw))
		ok(t, err)
		for i := range cs {
			if cs[i].Table == "meetings" && cs[i].Field == "kind" {
				cs[i].Value = string(model.MeetingCitizens)
			}
		}
		var forged bytes.Buffer
		h0, _, err := cli.ReadBundle(bytes.NewReader(raw))
		ok(t, err)
		_, err = encodeBundle(&forged, h0, cs, nil, nil)
		ok(t, err)
		before := len(allPulled(t, h.store, ""))
		if _, _, err := cli.HubImportBundle(context.Background(), &forged, h.store, now, time.Hour); !errors.Is(err, ErrRefusedBundle) {
			t.Errorf("forged bundle: %v", err)
		}
		if after := len(allPulled(t, h.store, "")); after != before {
			t.Errorf("a refused bundle left %d ops", after-before)
		}

		_, n, err := cli.HubImportBundle(context.Background(), bytes.NewReader(raw), h.store, now, time.Hour)
		ok(t, err)
		if n == 0 {
			t.Error("the bundle brought nothing new")
		}
		syncOK(t, b)
		if ms, _ := b.Meetings(t.Context(), jy); len(ms) != 1 {
			t.Errorf("b after the bundle: %+v", ms)
		}
		// Back: the hub's bundle of the council to a new laptop.
		var back bytes.Buffer
		if db, isSQLite := h.store.(*storage.DB); isSQLite {
			_, err = cli.WriteBundle(context.Background(), &back, db, jy)
		} else {
			_, err = cli.WriteStoreBundle(context.Background(), &back, h.store, jy, now)
		}
		ok(t, err)
		c := open(t, "c", 0)
		_, _, err = cli.ImportBundle(context.Background(), &back, c)
		ok(t, err)
		if sa, sc := state(t, a, jy), state(t, c, jy); sa != sc {
			t.Errorf("the bundle's laptop differs:\n%s\n---\n%s", sa, sc)
		}
	})
}

// Rows on PostgreSQL: a pool written in node A's mirror goes through the
// door into the op log; a laptop pulling from node B gets it, and node
// B's mirror shows it. The mirror is a staff device of its own, never the
// hub's replica id; a revoked mirror sends nothing, and opening it again
// makes a new one.
func TestPGMirrorPoolTwoNodes(t *testing.T) {
	sa, sb, _, urlB := twoPGNodes(t)
	council, err := sa.AddCouncil(t.Context(), "Jyderup Lokalråd")
	ok(t, err)
	dir := t.TempDir()
	ma, err := OpenMirror(context.Background(), sa, filepath.Join(dir, "a.db"), "spejl a", nil)
	ok(t, err)
	defer ma.Close()
	mb, err := OpenMirror(context.Background(), sb, filepath.Join(dir, "b.db"), "spejl b", nil)
	ok(t, err)
	defer mb.Close()
	if ma.Device().Replica == sa.Device() || ma.Device().Replica == mb.Device().Replica || !ma.Device().Staff {
		t.Fatalf("mirrors' devices: %+v, %+v (hub %s)", ma.Device(), mb.Device(), sa.Device())
	}
	if cs, _ := mb.DB.Councils(t.Context()); len(cs) != 1 || cs[0].Name != "Jyderup Lokalråd" {
		t.Errorf("mirror b's councils: %+v", cs)
	}

	p := model.Pool{Name: "Landdistriktspuljen", OpenAllYear: true, Available: 200_000_00}
	ok(t, ma.Write(context.Background(), func(db *storage.DB) error { return db.SavePool(context.Background(), model.Pool{}, &p) }))
	laptop := enrolAt(t, sb, urlB, "laptop", council)
	if ps, _ := laptop.Pools(t.Context()); len(ps) != 1 || ps[0].Name != "Landdistriktspuljen" || ps[0].Available != 200_000_00 {
		t.Errorf("the laptop at node B: pools %+v", ps)
	}
	mb.Fresh = time.Hour
	ok(t, mb.Refresh(context.Background())) // fresh enough: no pull
	if ps := noerr.Get(mb.DB.Pools(t.Context()))(t); len(ps) != 0 {
		t.Errorf("a refresh within Fresh pulled: %+v", ps)
	}
	mb.Fresh = 0
	ok(t, mb.Refresh(context.Background()))
	if ps, _ := mb.DB.Pools(t.Context()); len(ps) != 1 || ps[0].ID != p.ID {
		t.Errorf("mirror b's pools: %+v", ps)
	}
	// The op's author is the mirror, signed with its key, checked at the door.
	ops, err := sb.FieldOps(context.Background(), "pools", p.ID, "name")
	ok(t, err)
	if len(ops) != 1 || ops[0].Device != ma.Device().Replica {
		t.Errorf("pool's op: %+v", ops)
	}

	// Revoked: the next write is refused at the door and kept nowhere.
	ok(t, sa.RevokeDevice(t.Context(), ma.Device().ID))
	q := model.Pool{Name: "Efter spærring", OpenAllYear: true}
	if err := ma.Write(context.Background(), func(db *storage.DB) error { return db.SavePool(context.Background(), model.Pool{}, &q) }); !errors.Is(err, storage.ErrRevoked) {
		t.Errorf("a revoked mirror's write: %v", err)
	}
	if ops := noerr.Get(sb.FieldOps(context.Background(), "pools", q.ID, "name"))(t); len(ops) != 0 {
		t.Errorf("a revoked mirror's pool reached the log: %+v", ops)
	}
	ma.Close()
	again, err := OpenMirror(context.Background(), sa, filepath.Join(dir, "a.db"), "spejl a", nil)
	ok(t, err)
	defer again.Close()
	if again.Device().ID == ma.Device().ID {
		t.Error("a revoked mirror was opened again as itself")
	}
	if ps, _ := again.DB.Pools(t.Context()); len(ps) != 1 || ps[0].ID != p.ID {
		t.Errorf("the mirror made again: pools %+v", ps)
	}
}
