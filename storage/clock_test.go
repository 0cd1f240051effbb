package storage

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// A replica whose clock ran 3 days ahead re-stamps its unsent ops: same
// order, ids and bases, every stamp within reach of the reference, and the
// state it shows unchanged; a replica that receives the re-stamped ops
// converges with it; an unsent delete's knowledge follows the new stamps,
// so an edit made elsewhere after them still beats the delete; and the
// replica's clock comes back.
func TestRestampPending(t *testing.T) {
	a, b, c, m, it := setup(t)
	ahead := syncNow.Add(72 * time.Hour)
	b.Now = func() time.Time { ahead = ahead.Add(time.Millisecond); return ahead }

	// Concurrent edits of the place: a's reaches b before the re-stamp.
	ma, mb := m, m
	ma.Place = "Forsamlingshuset"
	ok(t, a.SaveMeeting(t.Context(), Overwriting(t.Context(), a, ma), &ma))
	send(t, a, b)
	mb.Place = "Kirken"
	ok(t, b.SaveMeeting(t.Context(), Overwriting(t.Context(), b, mb), &mb))
	it.Notes += "Linje 4\n"
	ok(t, b.SaveAgendaItem(t.Context(), Overwriting(t.Context(), b, it), &it))
	member := model.Member{CouncilID: c.ID, Name: "Åse", Role: model.RoleMember}
	ok(t, b.SaveMember(t.Context(), model.Member{}, &member))
	member.Name = "Åse Nielsen"
	ok(t, b.SaveMember(t.Context(), Overwriting(t.Context(), b, member), &member))
	ok(t, b.DeleteMember(t.Context(), member.ID))
	before := pendingOf(t, b)
	shown := withoutTombstones(dump(t, b))

	clock := syncNow.Add(time.Second) // the date is corrected
	b.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	r, err := b.RestampPending(context.Background(), syncNow, MaxClockSkew)
	ok(t, err)
	after := pendingOf(t, b)
	if r.Ops != len(before) || len(after) != len(before) {
		t.Fatalf("re-stamped %d, pending %d of %d", r.Ops, len(after), len(before))
	}
	if r.Note() != "Enhedens ur gik 3 dage for hurtigt; "+strconv.Itoa(len(before))+" ændringer er omstemplet." {
		t.Errorf("note %q", r.Note())
	}
	for i, op := range after {
		if op.Seq != before[i].Seq || op.Base != before[i].Base || !sameValue(op.Value, before[i].Value) && op.Field != "" {
			t.Errorf("op %d: %+v, was %+v", i, op, before[i])
		}
		if i > 0 && op.HLC <= after[i-1].HLC {
			t.Errorf("op %s stamped before the op it followed", op.ID())
		}
		if op.HLC>>16 > syncNow.Add(time.Minute).UnixMilli() {
			t.Errorf("op %s still stamped %v", op.ID(), time.UnixMilli(op.HLC>>16).UTC())
		}
	}
	if got := withoutTombstones(dump(t, b)); got != shown {
		t.Errorf("what b shows changed:\n%s\n---\n%s", shown, got)
	}
	// The same ops make the same state elsewhere.
	fresh := replica(t, "fresh")
	send(t, a, fresh)
	send(t, b, fresh)
	send(t, b, a)
	if da, db, df := dump(t, a), dump(t, b), dump(t, fresh); da != db || db != df {
		t.Fatalf("replicas differ:\n%s\n---\n%s\n---\n%s", da, db, df)
	}
	// An hour later, a edits the member b deleted: b's delete (now stamped
	// before that edit) had not seen it, so the member comes back.
	later := syncNow.Add(time.Hour)
	a.Now = func() time.Time { later = later.Add(time.Millisecond); return later }
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{ID: member.ID, CouncilID: c.ID, Name: "Åse N.", Role: model.RoleMember}))
	send(t, a, b)
	if ms := noerr.Get(b.Members(t.Context(), c.ID))(t); len(ms) != 1 || ms[0].Name != "Åse N." {
		t.Errorf("members after an edit unseen by the delete: %+v", ms)
	}
	// b's clock came back: its next edit is stamped now.
	mb.Title = "Bestyrelsesmøde"
	ok(t, b.SaveMeeting(t.Context(), Overwriting(t.Context(), b, mb), &mb))
	last := pendingOf(t, b)
	if hlc := last[len(last)-1].HLC; hlc>>16 > syncNow.Add(time.Hour+time.Minute).UnixMilli() {
		t.Errorf("the next edit is stamped %v", time.UnixMilli(hlc>>16).UTC())
	}
	// Nothing ahead: nothing to do.
	if r, err := a.RestampPending(context.Background(), syncNow, MaxClockSkew); err != nil || r.Ops != 0 || r.Note() != "" {
		t.Errorf("a replica on time: %+v, %v", r, err)
	}
}

// A received clock far ahead is never adopted beyond MaxClockSkew.
func TestFutureClockNotAdopted(t *testing.T) {
	a, b := replica(t, "a"), replica(t, "b")
	future := syncNow.AddDate(10, 0, 0)
	a.Now = func() time.Time { future = future.Add(time.Millisecond); return future }
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	send(t, a, b)
	ok(t, b.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: c.ID, Name: "Åse", Role: model.RoleMember}))
	ops := pendingOf(t, b)
	if stamp := time.UnixMilli(ops[0].HLC >> 16); stamp.After(syncNow.Add(MaxClockSkew + time.Minute)) {
		t.Errorf("an edit after ops from %d is stamped %v", future.Year(), stamp.UTC())
	}
}

func pendingOf(t *testing.T, db *DB) []Change {
	t.Helper()
	ops, err := db.PendingOps(context.Background(), "", 10000)
	ok(t, err)
	return ops
}

func withoutTombstones(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "tombstones ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
