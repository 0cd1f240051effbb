package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// Replicas syncing through a hub converge when pushes and pulls are cut off
// anywhere: a push the hub applied but whose acknowledgement never came
// back is sent again, and a pulled page that was applied while the move of
// the cursor was lost (a crash between the two, were they not one
// transaction) is pulled and applied again; pages have random sizes.
func TestPropertyPullCrashConverges(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		dir := t.TempDir()
		open := func(name string, offset time.Duration) *DB {
			db, err := Open(context.Background(), filepath.Join(dir, name+".db"))
			if err != nil {
				rt.Fatal(err)
			}
			clock := syncNow.Add(offset)
			db.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
			return db
		}
		hub := open("hub", 0)
		defer hub.Close()
		c := model.Council{Name: "Råd"}
		ok(rt, hub.SaveCouncil(context.Background(), model.Council{}, &c))
		m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
		ok(rt, hub.SaveMeeting(context.Background(), model.Meeting{}, &m))
		var items []string
		for k := 0; k < 3; k++ {
			it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: fmt.Sprint("P", k), Kind: model.ItemDecision, Notes: "a\nb\nc\n"}
			ok(rt, hub.SaveAgendaItem(context.Background(), model.AgendaItem{}, &it))
			items = append(items, it.ID)
		}
		n := rapid.IntRange(2, 3).Draw(rt, "replicas")
		dbs := make([]*DB, n)
		for i := range dbs {
			dbs[i] = open(fmt.Sprint(i), time.Duration(i+1)*time.Second)
			defer dbs[i].Close()
		}
		cursor := func(db *DB) int64 {
			s, err := db.Meta(context.Background(), MetaCursor)
			ok(rt, err)
			var v int64
			fmt.Sscan(s, &v)
			return v
		}
		// pull one page; crash: 0 none, 1 before applying, 2 after applying
		// but before the cursor moved.
		pull := func(db *DB, limit, crash int) bool {
			ops, next, more, err := hub.HubOpsSince(context.Background(), c.ID, cursor(db), limit, db.DeviceID())
			ok(rt, err)
			switch crash {
			case 1:
			case 2:
				_, err = db.ApplyOps(context.Background(), ops)
			default:
				_, err = db.ApplyPulled(context.Background(), ops, next)
			}
			ok(rt, err)
			return more
		}
		// push one batch; crash after the hub applied it loses the ack.
		push := func(db *DB, limit int, crash bool) bool {
			ops, err := db.PendingOps(context.Background(), c.ID, limit)
			ok(rt, err)
			if len(ops) == 0 {
				return false
			}
			_, err = hub.HubApply(context.Background(), ops)
			ok(rt, err)
			if !crash {
				ok(rt, db.AckOps(context.Background(), ops[len(ops)-1].Seq))
			}
			return true
		}
		// A row whose ops are still partly on the way may not validate
		// yet; an edit of it is simply not made.
		save := func(db *DB, it *model.AgendaItem) {
			var fe *model.FieldError
			loaded := noerr.Get(db.AgendaItem(context.Background(), it.ID))(t) // as read just before the edit
			if err := db.SaveAgendaItem(context.Background(), loaded, it); err != nil && !errors.As(err, &fe) {
				rt.Fatal(err)
			}
		}
		words := []string{"Stien", "Søen", "Hallen", "Kirken"}
		steps := rapid.IntRange(1, 30).Draw(rt, "steps")
		for s := 0; s < steps; s++ {
			db := dbs[rapid.IntRange(0, n-1).Draw(rt, "who")]
			id := rapid.SampledFrom(items).Draw(rt, "item")
			switch rapid.IntRange(0, 6).Draw(rt, "what") {
			case 0, 1:
				if it, err := db.AgendaItem(context.Background(), id); err == nil {
					it.Title = rapid.SampledFrom(words).Draw(rt, "title")
					save(db, &it)
				}
			case 2:
				if it, err := db.AgendaItem(context.Background(), id); err == nil {
					lines := strings.SplitAfter(it.Notes, "\n")
					k := rapid.IntRange(0, len(lines)-1).Draw(rt, "line")
					lines[k] = rapid.SampledFrom(words).Draw(rt, "word") + "\n"
					it.Notes = strings.Join(lines, "")
					save(db, &it)
				}
			case 3:
				if _, err := db.AgendaItem(context.Background(), id); err == nil {
					ok(rt, db.DeleteAgendaItem(context.Background(), id))
				}
			case 4:
				push(db, rapid.IntRange(1, 4).Draw(rt, "batch"), rapid.IntRange(0, 2).Draw(rt, "push crash") == 0)
			case 5, 6:
				pull(db, rapid.IntRange(1, 6).Draw(rt, "page"), rapid.IntRange(0, 2).Draw(rt, "pull crash"))
			}
		}
		// Then everyone syncs without crashes until nothing moves.
		for round := 0; round < 2; round++ {
			for _, db := range dbs {
				for push(db, 1000, false) {
				}
			}
			for _, db := range dbs {
				for pull(db, 5, 0) {
				}
			}
		}
		want := dump(rt, hub)
		for i, db := range dbs {
			if got := dump(rt, db); got != want {
				rt.Fatalf("replica %d differs from the hub:\n%s\n---\n%s", i, got, want)
			}
			if pending, err := db.PendingCount(context.Background(), c.ID); err != nil || pending != 0 {
				rt.Fatalf("replica %d: %d ops never acknowledged (%v)", i, pending, err)
			}
			if err := SearchIndexProblem(db); err != nil {
				rt.Fatalf("replica %d: %v", i, err)
			}
		}
		if err := SearchIndexProblem(hub); err != nil {
			rt.Fatalf("hub: %v", err)
		}
		checkNothingLost(rt, hub, c.ID)
	})
}

// Ops of this device's own id that come back (from the hub, after a
// restore) advance its sequence past them, so the next edit gets a fresh
// op id.
func TestOwnOpsAdvanceSeq(t *testing.T) {
	a := replica(t, "a")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	copyPath := filepath.Join(t.TempDir(), "kopi.db")
	ok(t, a.Backup(context.Background(), copyPath))
	// Restored on the same computer: the secrets file beside it is its own.
	secret, err := os.ReadFile(SecretPath(a.Path()))
	ok(t, err)
	ok(t, os.WriteFile(SecretPath(copyPath), secret, 0o600))
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: c.ID, Name: "Åse", Role: model.RoleMember}))
	old, err := Open(context.Background(), copyPath) // the same device, its counter behind
	ok(t, err)
	defer old.Close()
	if old.DeviceID() != a.DeviceID() {
		t.Fatal("the copy is another device")
	}
	_, err = old.ApplyOps(context.Background(), mustOps(t, a))
	ok(t, err)
	want := noerr.Get(a.Meta(t.Context(), "seq"))(t)
	if got := noerr.Get(old.Meta(t.Context(), "seq"))(t); got != want {
		t.Errorf("seq after own ops came back = %s, want %s", got, want)
	}
}
