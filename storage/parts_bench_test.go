package storage

import (
	"context"
	"fmt"
	"testing"

	"lokalraad/model"
)

// bigMeeting writes on a new replica a council with one meeting of n
// agenda items, and gives its ops to a second replica.
func bigMeeting(b *testing.B, n int) (a, bb *DB, m model.Meeting, items []string) {
	b.Helper()
	a, bb = replica(b, "a"), replica(b, "b")
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(b, a.SaveCouncil(b.Context(), model.Council{}, &c))
	m = model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
	ok(b, a.SaveMeeting(b.Context(), model.Meeting{}, &m))
	ok(b, a.write(context.Background(), func(w *writer) error {
		for i := 0; i < n; i++ {
			it := model.AgendaItem{ID: newID(), CouncilID: c.ID, MeetingID: m.ID, Position: i + 1, Title: fmt.Sprint("Punkt ", i+1),
				Kind: model.ItemDiscussion, Notes: "Referat.\n"}
			if _, err := w.put(itemD.record(&it)); err != nil {
				return err
			}
			items = append(items, it.ID)
		}
		return nil
	}))
	send(b, a, bb)
	return a, bb, m, items
}

// BenchmarkWholeRevive: a meeting of 10,000 agenda items deleted on a
// while b wrote minutes into one of them. Measured: a taking b's one
// edit (the meeting comes back), b taking a's delete of the meeting and
// its 10,000 items, and a new laptop's first pull of all of it. Run with
// -benchtime=1x: each iteration builds the council anew.
func BenchmarkWholeRevive(b *testing.B) {
	const n = 10_000
	for _, step := range []string{"deleter takes the edit", "editor takes the delete", "first pull"} {
		b.Run(step, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				a, e, m, items := bigMeeting(b, n)
				x, err := e.AgendaItem(b.Context(), items[n/2])
				ok(b, err)
				y := x
				y.Notes += "B's linje\n"
				ok(b, e.SaveAgendaItem(b.Context(), x, &y))
				ok(b, a.DeleteMeeting(b.Context(), m.ID))
				var edit []Change
				for _, o := range mustOps(b, e) {
					if o.Device == e.DeviceID() {
						edit = append(edit, o)
					}
				}
				to, ops := a, edit
				switch step {
				case "editor takes the delete": // what a pull brings: a's new ops
					held := map[string]bool{}
					for _, o := range mustOps(b, e) {
						held[o.ID()] = true
					}
					ops = nil
					for _, o := range mustOps(b, a) {
						if !held[o.ID()] {
							ops = append(ops, o)
						}
					}
					to = e
				case "first pull":
					_, err := a.ApplyOps(b.Context(), edit)
					ok(b, err)
					to, ops = replica(b, "fresh"), mustOps(b, a)
				}
				b.StartTimer()
				_, err = to.ApplyOps(b.Context(), ops)
				ok(b, err)
				b.StopTimer()
				if _, err := to.Meeting(b.Context(), m.ID); err != nil {
					b.Fatalf("the meeting did not come back: %v", err)
				}
			}
		})
	}
}

// BenchmarkFirstPullDeletedMeetings: a new laptop's first pull of a
// council where 300 meetings of 20 items each were made and deleted.
func BenchmarkFirstPullDeletedMeetings(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		src := replica(b, "src")
		c := model.Council{Name: "Jyderup Lokalråd"}
		ok(b, src.SaveCouncil(b.Context(), model.Council{}, &c))
		var ms []string
		ok(b, src.write(context.Background(), func(w *writer) error {
			for k := 0; k < 300; k++ {
				m := model.Meeting{ID: newID(), CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow}
				if _, err := w.put(meetingD.record(&m)); err != nil {
					return err
				}
				ms = append(ms, m.ID)
				for j := 0; j < 20; j++ {
					it := model.AgendaItem{ID: newID(), CouncilID: c.ID, MeetingID: m.ID, Position: j + 1, Title: "Punkt", Kind: model.ItemDiscussion}
					if _, err := w.put(itemD.record(&it)); err != nil {
						return err
					}
				}
			}
			return nil
		}))
		for _, id := range ms {
			ok(b, src.DeleteMeeting(b.Context(), id))
		}
		ops := mustOps(b, src)
		fresh := replica(b, "fresh")
		b.StartTimer()
		_, err := fresh.ApplyOps(b.Context(), ops)
		ok(b, err)
		b.StopTimer()
		if n := rowCount(b, fresh, "meetings", ms[0]); n != 0 {
			b.Fatal("a deleted meeting came back")
		}
	}
}
