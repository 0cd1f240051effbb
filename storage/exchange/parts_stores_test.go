package exchange

import (
	"context"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// I9 through a hub on either store (SQLite, PostgreSQL): a meeting deleted
// on a while b, offline, wrote minutes into its item comes back with them
// on a, b, the staff device (a mirror of every council) and a laptop
// enrolled afterwards; only a is told it came back. Then another
// council's laptop hand-writes an item of its own naming the meeting, a
// deletes the meeting again having seen b's work, and the forged part
// does not bring it back anywhere.
func TestStoresWholeDeletedWhilePartEdited(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy, ka, a, b, c, staff := h.twoCouncils(t)
		m := model.Meeting{CouncilID: jy, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: now.Add(48 * time.Hour), Place: "Hallen"}
		ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
		it := model.AgendaItem{CouncilID: jy, MeetingID: m.ID, Title: "Stien", Kind: model.ItemDecision}
		ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
		syncOK(t, a)
		syncOK(t, b)
		got := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t)
		x := got
		x.Notes = "Stien males om i juli.\n"
		ok(t, b.SaveAgendaItem(t.Context(), got, &x))
		ok(t, a.DeleteMeeting(t.Context(), m.ID))
		var back storage.Changed
		back = back.Merge(syncOK(t, a).Revived)
		if r := syncOK(t, b); len(r.Revived) > 0 {
			t.Errorf("b never lost the meeting, yet is told it came back: %v", r.Revived)
		}
		back = back.Merge(syncOK(t, a).Revived)
		if !back.Has("meetings", m.ID) {
			t.Errorf("a is not told the meeting came back: %v", back)
		}
		if r := syncOK(t, staff); len(r.Revived) > 0 {
			t.Errorf("the staff device is told %v came back", r.Revived)
		}
		d, _ := h.laptop(t, "d", jy, 4*time.Second) // enrols and pulls everything
		if r := syncOK(t, d); len(r.Revived) > 0 {
			t.Errorf("a new laptop is told %v came back", r.Revived)
		}
		converged(t, jy, a, b, staff, d)
		for name, db := range map[string]*storage.DB{"a": a, "b": b, "staff": staff, "d": d} {
			gi, err := db.AgendaItem(t.Context(), it.ID)
			if _, merr := db.Meeting(t.Context(), m.ID); merr != nil || err != nil || gi.Notes != x.Notes {
				t.Errorf("%s: the meeting (%v) or b's minutes (%v %q) are not back", name, merr, err, gi.Notes)
			}
		}

		// Another council's laptop names the meeting in an item of its own.
		mk := model.Meeting{CouncilID: ka, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: now.Add(72 * time.Hour)}
		ok(t, c.SaveMeeting(t.Context(), model.Meeting{}, &mk))
		ik := model.AgendaItem{CouncilID: ka, MeetingID: mk.ID, Title: "Vores punkt", Kind: model.ItemDecision}
		ok(t, c.SaveAgendaItem(t.Context(), model.AgendaItem{}, &ik))
		syncOK(t, c)
		// a deletes the meeting again, having seen b's work: gone for good.
		ok(t, a.DeleteMeeting(t.Context(), m.ID))
		syncOK(t, a)
		var last int64
		for _, o := range noerr.Get(c.CouncilOps(t.Context(), ka))(t) {
			if o.Device == c.DeviceID() {
				last = max(last, o.Seq)
			}
		}
		forged := storage.Change{Device: c.DeviceID(), Seq: last + 1, HLC: (now.Add(time.Hour).UnixMilli()) << 16,
			Table: "agenda_items", Row: ik.ID, Council: ka, Field: "meeting_id", Value: m.ID}
		ok(t, c.SignOwn(&forged))
		pr, perr := pushAs(t, h.url, c, []storage.Change{forged})
		t.Logf("the hub takes the forged part: %+v %v", pr, perr)
		for range 2 {
			for _, db := range []*storage.DB{a, b, staff, d} {
				syncOK(t, db)
			}
		}
		converged(t, jy, a, b, staff, d)
		for name, db := range map[string]*storage.DB{"a": a, "b": b, "staff": staff, "d": d} {
			if _, err := db.Meeting(context.Background(), m.ID); err == nil {
				t.Errorf("%s: the meeting deleted again came back for another council's item", name)
			}
		}
	})
}
