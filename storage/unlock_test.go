package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// approvalOp is the op that approved meeting id on db.
func approvalOp(t *testing.T, db *DB, id string) Change {
	t.Helper()
	ops, err := db.CouncilOps(context.Background(), "")
	ok(t, err)
	for _, o := range ops {
		if o.Table == "meetings" && o.Row == id && o.Field == "status" && o.Value == string(model.MeetingApproved) {
			return o
		}
	}
	t.Fatal("no approval")
	return Change{}
}

// Review 2, finding 1: a status op stamped before the approval the
// receiver holds is no reopening of those minutes (a reopening has seen
// the approval, so it is stamped after it). Before, it was taken in (it
// lost the merge, so the minutes still showed as approved) and the edits
// "saved with it" passed: the place and the attendees of approved minutes
// changed while the banner still said godkendt.
func TestStaleReopenDoesNotUnlock(t *testing.T) {
	for _, tt := range []struct {
		name  string
		field string
		value any
	}{
		{"status", "status", string(model.MeetingPlanned)},
		{"approved_at cleared", "approved_at", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, b := replica(t, "a"), replica(t, "b")
			m, _ := approvedMinutes(t, a, b)
			appr := approvalOp(t, b, m.ID)
			stale := Change{Device: "evil", Seq: 1, HLC: appr.HLC - 1, Table: "meetings", Row: m.ID, Council: m.CouncilID, Field: tt.field, Value: tt.value}
			edit := forge(t, b, "evil", 2, "meetings", m.ID, m.CouncilID, "attendees", "Ingen", "")
			for _, batch := range [][]Change{{stale, edit}, {stale}} {
				if _, err := b.ApplyOps(context.Background(), batch); !errors.Is(err, ErrLocked) {
					t.Errorf("%d ops: err = %v, want locked", len(batch), err)
				}
			}
			got := noerr.Get(b.Meeting(t.Context(), m.ID))(t)
			if got.Status != model.MeetingApproved || got.Attendees != m.Attendees || got.ApprovedAt.IsZero() {
				t.Errorf("approved minutes changed: %+v", got)
			}
			// The same edit stamped between the stale op and the approval.
			edit.Seq, edit.HLC = 4, appr.HLC-1
			stale.Seq, stale.HLC = 3, appr.HLC-2
			if _, err := b.ApplyOps(context.Background(), []Change{stale, edit}); !errors.Is(err, ErrLocked) {
				t.Errorf("stamped before the approval: err = %v, want locked", err)
			}
		})
	}
}

// A status op taken in before the minutes were approved licenses no later
// edit of them as "saved with it".
func TestOldStatusOpLicensesNoEdit(t *testing.T) {
	a, b := replica(t, "a"), replica(t, "b")
	c := model.Council{Name: "Råd"}
	ok(t, a.SaveCouncil(t.Context(), model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: syncNow.Add(-time.Hour), Place: "Hallen"}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	send(t, a, b)
	early := forge(t, b, "evil", 1, "meetings", m.ID, c.ID, "status", string(model.MeetingHeld), "")
	_, err := b.ApplyOps(context.Background(), []Change{early})
	ok(t, err)
	send(t, b, a)
	held := noerr.Get(a.Meeting(t.Context(), m.ID))(t)
	approved := held
	approved.Status = model.MeetingApproved
	ok(t, a.SaveMeeting(t.Context(), Overwriting(t.Context(), a, held), &approved))
	send(t, a, b)
	edit := forge(t, b, "evil", 2, "meetings", m.ID, c.ID, "place", "Et andet sted", "")
	if _, err := b.ApplyOps(context.Background(), []Change{edit}); !errors.Is(err, ErrLocked) {
		t.Errorf("edit next to an old status op: err = %v, want locked", err)
	}
	if got := noerr.Get(b.Meeting(t.Context(), m.ID))(t); got.Place != "Hallen" {
		t.Errorf("place of approved minutes = %q", got.Place)
	}
}
