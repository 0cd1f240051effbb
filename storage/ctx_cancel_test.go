package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/ctxtest"
	"lokalraad/model"
)

// bigCouncil fills a council with enough rows that a read of it takes many
// steps: members, projects and budget wishes that all name "Karen", in one
// import.
func bigCouncil(t *testing.T, db *DB, n int) model.Council {
	t.Helper()
	c := model.Council{Name: "Stort Råd"}
	ok(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	var ms []model.Member
	var ps []model.Project
	var ws []model.BudgetWish
	for i := range n {
		ms = append(ms, model.Member{CouncilID: c.ID, Name: fmt.Sprintf("Karen %d", i), Role: model.RoleMember})
		ps = append(ps, model.Project{CouncilID: c.ID, Title: fmt.Sprintf("Sti nummer %d", i), Description: "Karen har skrevet om stien", Status: model.ProjectIdea})
		ws = append(ws, model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: fmt.Sprintf("Bænk %d", i), Justification: "Karen ønsker en bænk ved stien", Status: model.WishDraft})
	}
	ok(t, db.Import(t.Context(), ms, ps, ws))
	return c
}

// snapshot is what a write could have changed: the rows of every table,
// the change log and the device's counters.
func snapshot(t *testing.T, db *DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range append(append([]string{"changes", "tombstones", "staff_users"}, Tables...), MunicipalTables...) {
		var n int
		ok(t, db.sql().QueryRow("SELECT COUNT(*) FROM "+table).Scan(&n))
		fmt.Fprintf(&b, "%s=%d ", table, n)
	}
	var seq, hlc, meta string
	ok(t, db.sql().QueryRow("SELECT (SELECT value FROM meta WHERE key='seq'), (SELECT value FROM meta WHERE key='hlc'), (SELECT group_concat(key || ':' || value, ',') FROM (SELECT key, value FROM meta ORDER BY key))").Scan(&seq, &hlc, &meta))
	fmt.Fprintf(&b, "seq=%s hlc=%s meta=%s", seq, hlc, meta)
	return b.String()
}

// Every read passes its context down to the database: with the context
// already cancelled (the window closed, the request gone) it returns
// context.Canceled, not rows read regardless.
func TestCancelledReadsStop(t *testing.T) {
	db := replica(t, "a")
	c := bigCouncil(t, db, 20)
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Title: "Møde om stien", Start: syncNow}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m))
	reads := map[string]func(ctx context.Context) error{
		"Councils":            func(ctx context.Context) error { _, err := db.Councils(ctx); return err },
		"Members":             func(ctx context.Context) error { _, err := db.Members(ctx, c.ID); return err },
		"Meetings":            func(ctx context.Context) error { _, err := db.Meetings(ctx, c.ID); return err },
		"Meeting":             func(ctx context.Context) error { _, err := db.Meeting(ctx, m.ID); return err },
		"AgendaItems":         func(ctx context.Context) error { _, err := db.AgendaItems(ctx, m.ID); return err },
		"ActionItems":         func(ctx context.Context) error { _, err := db.ActionItems(ctx, c.ID); return err },
		"CarriedOver":         func(ctx context.Context) error { _, err := db.CarriedOver(ctx, m); return err },
		"Projects":            func(ctx context.Context) error { _, err := db.Projects(ctx, c.ID); return err },
		"BudgetWishes":        func(ctx context.Context) error { _, err := db.BudgetWishes(ctx, c.ID, 0); return err },
		"WishYears":           func(ctx context.Context) error { _, err := db.WishYears(ctx, c.ID); return err },
		"CouncilApplications": func(ctx context.Context) error { _, err := db.CouncilApplications(ctx, c.ID); return err },
		"CouncilData":         func(ctx context.Context) error { _, err := db.CouncilData(ctx, c.ID); return err },
		"CouncilOverviews":    func(ctx context.Context) error { _, err := db.CouncilOverviews(ctx, syncNow); return err },
		"Search":              func(ctx context.Context) error { _, err := db.Search(ctx, c.ID, "Karen", 50); return err },
		"SearchTotal":         func(ctx context.Context) error { _, err := db.SearchTotal(ctx, c.ID, "Karen"); return err },
		"Decisions":           func(ctx context.Context) error { _, err := db.Decisions(ctx, c.ID, model.Danish); return err },
		"Conflicts":           func(ctx context.Context) error { _, err := db.Conflicts(ctx, c.ID); return err },
		"PBRounds":            func(ctx context.Context) error { _, err := db.PBRounds(ctx, c.ID); return err },
		"PBRoundsAll":         func(ctx context.Context) error { _, err := db.PBRoundsAll(ctx); return err },
		"Plans":               func(ctx context.Context) error { _, err := db.Plans(ctx, c.ID); return err },
		"AccountsYears":       func(ctx context.Context) error { _, err := db.AccountsYears(ctx, c.ID); return err },
		"Ledger":              func(ctx context.Context) error { _, _, err := db.Ledger(ctx, c.ID, 2027); return err },
		"YearWheel":           func(ctx context.Context) error { _, err := db.YearWheel(ctx, c.ID); return err },
		"UpcomingDeadlines": func(ctx context.Context) error {
			_, err := db.UpcomingDeadlines(ctx, syncNow, syncNow.AddDate(1, 0, 0))
			return err
		},
		"Pools":              func(ctx context.Context) error { _, err := db.Pools(ctx); return err },
		"AgendaTemplates":    func(ctx context.Context) error { _, err := db.AgendaTemplates(ctx, c.ID); return err },
		"CouncilAttachments": func(ctx context.Context) error { _, err := db.CouncilAttachments(ctx, c.ID); return err },
		"PersonData":         func(ctx context.Context) error { _, err := db.PersonData(ctx, c.ID, "Karen 1"); return err },
		"RefusedChanges":     func(ctx context.Context) error { _, err := db.RefusedChanges(ctx, c.ID); return err },
		"Publication":        func(ctx context.Context) error { _, err := db.Publication(ctx, c.ID); return err },
		"StaffUsers":         func(ctx context.Context) error { _, err := db.StaffUsers(ctx); return err },
		"Meta":               func(ctx context.Context) error { _, err := db.Meta(ctx, MetaCursor); return err },
		"NewestHeld":         func(ctx context.Context) error { _, err := db.NewestHeld(ctx); return err },
		"Check":              func(ctx context.Context) error { return db.Check(ctx) },
	}
	ctxtest.ReadsStop(t, reads)
}

// A long read cut off partway (a window closed during a search, a staff
// page whose client went away) stops with context.Canceled, wrapped as it
// may be, and returns nothing half read.
func TestCutOffLongReads(t *testing.T) {
	db := replica(t, "a")
	c := bigCouncil(t, db, 400)
	reads := map[string]func(ctx context.Context) (int, error){
		"CouncilData": func(ctx context.Context) (int, error) {
			d, err := db.CouncilData(ctx, c.ID)
			if d == nil {
				return 0, err
			}
			return len(d.Members) + len(d.Projects) + len(d.Wishes), err
		},
		"Search": func(ctx context.Context) (int, error) {
			hits, err := db.Search(ctx, c.ID, "Karen stien", 1000)
			return len(hits), err
		},
		"CouncilOverviews": func(ctx context.Context) (int, error) {
			rows, err := db.CouncilOverviews(ctx, syncNow)
			return len(rows), err
		},
	}
	for name, read := range reads {
		whole := newStopAfter(-1)
		n, err := read(whole)
		if err != nil || n == 0 {
			t.Fatalf("%s read whole: %d rows, %v", name, n, err)
		}
		if whole.asked() < 3 {
			t.Fatalf("%s asked its context %d times", name, whole.asked())
		}
		for _, at := range []int{1, whole.asked() / 3, whole.asked() / 2} {
			n, err := read(newStopAfter(max(at, 1)))
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s cut off after %d of %d asks: %v, want context.Canceled", name, at, whole.asked(), err)
			}
			if n != 0 {
				t.Errorf("%s cut off after %d of %d asks returned %d rows", name, at, whole.asked(), n)
			}
		}
	}
}

// fixture is a council with rows every write below touches.
type fixture struct {
	c     model.Council
	ms    []model.Member
	m     model.Meeting
	item  model.AgendaItem
	plan  model.DevPlan
	round PBRoundData
}

func newFixture(t *testing.T, db *DB) fixture {
	t.Helper()
	var f fixture
	f.c = bigCouncil(t, db, 40)
	var err error
	f.ms, err = db.Members(t.Context(), f.c.ID)
	ok(t, err)
	f.m = model.Meeting{CouncilID: f.c.ID, Kind: model.MeetingBoard, Status: model.MeetingHeld, Title: "Møde", Start: syncNow.Add(-48 * time.Hour), Attendees: "Karen 1, Karen 2"}
	ok(t, db.SaveMeeting(t.Context(), model.Meeting{}, &f.m))
	f.item = model.AgendaItem{CouncilID: f.c.ID, MeetingID: f.m.ID, Kind: model.ItemDecision, Title: "Stien", Notes: "Karen 1 fremlagde stien.", Decision: "Karen 1 står for stien."}
	ok(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &f.item))
	f.plan = model.DevPlan{CouncilID: f.c.ID, Year: syncNow.Year(), Vision: "En sti rundt om søen"}
	ok(t, db.SavePlan(t.Context(), model.DevPlan{}, &f.plan))
	for i := range 30 {
		ok(t, db.SaveFocusArea(t.Context(), model.FocusArea{}, &model.FocusArea{CouncilID: f.c.ID, PlanID: f.plan.ID, Title: fmt.Sprint("Område ", i), Position: i}))
	}
	f.round = PBRoundData{Council: f.c, Round: model.PBRound{Title: "Borgerbudget", Pot: 100_000_00, Phase: model.PhaseResult,
		BallotKind: model.PBApproval, Method: model.CountVotes, TieRule: model.TieByID}}
	for i := range 10 {
		f.round.Proposals = append(f.round.Proposals, model.PBProposal{Number: i + 1, Title: fmt.Sprint("Forslag ", i+1), Cost: 10_000_00, Status: model.ProposalOnBallot})
	}
	for i := range 300 {
		f.round.Ballots = append(f.round.Ballots, model.PBBallot{Number: i + 1, Marks: []model.PBMark{{Number: i%10 + 1}}})
	}
	return f
}

// writes are the writes the test below cuts off, on db with f.
func writes(db *DB, f fixture) map[string]func(ctx context.Context) error {
	return map[string]func(ctx context.Context) error{
		"SaveCouncil": func(ctx context.Context) error {
			return db.SaveCouncil(ctx, model.Council{}, &model.Council{Name: "Nyt råd"})
		},
		"SaveMember": func(ctx context.Context) error {
			x := f.ms[0]
			x.Phone = "11 22 33 44"
			return db.SaveMember(ctx, f.ms[0], &x)
		},
		"DeleteMember":  func(ctx context.Context) error { return db.DeleteMember(ctx, f.ms[1].ID) },
		"DeleteMeeting": func(ctx context.Context) error { return db.DeleteMeeting(ctx, f.m.ID) },
		"ApproveMinutes": func(ctx context.Context) error {
			_, err := db.ApproveMinutes(ctx, f.m, "Karen 2", "")
			return err
		},
		"Import": func(ctx context.Context) error {
			return db.Import(ctx, []model.Member{{CouncilID: f.c.ID, Name: "Ny", Role: model.RoleMember}}, nil, nil)
		},
		"ErasePerson": func(ctx context.Context) error { _, err := db.ErasePerson(ctx, f.c.ID, "Karen 1"); return err },
		"CreatePBRound": func(ctx context.Context) error {
			d := f.round
			d.Proposals = append([]model.PBProposal(nil), d.Proposals...)
			d.Ballots = append([]model.PBBallot(nil), d.Ballots...)
			_, err := db.CreatePBRound(ctx, d)
			return err
		},
		"CopyPlan":     func(ctx context.Context) error { _, err := db.CopyPlan(ctx, f.plan.ID, syncNow.Year()+1); return err },
		"SetMeta":      func(ctx context.Context) error { return db.SetMeta(ctx, MetaCursor, "99") },
		"AddStaffUser": func(ctx context.Context) error { _, err := db.AddStaffUser(ctx, "Karen"); return err },
		"AddAttachment": func(ctx context.Context) error {
			_, err := db.AddAttachment(ctx, model.OwnerItem, f.item.ID, "Kort.pdf", strings.NewReader("%PDF-1.4 sti"))
			return err
		},
	}
}

// A write whose context is cancelled before it commits leaves nothing:
// no row, no op in the change log, the device's counters where they were.
// Cut off partway (a round's ballots, an erasure that rewrites the
// history, a plan copied) it leaves nothing either: never half of it.
func TestCancelledWritesLeaveNothing(t *testing.T) {
	db := replica(t, "a")
	ws := writes(db, newFixture(t, db))
	before := ctxtest.WritesLeaveNothing(t, ws, nil, "database", func() string { return snapshot(t, db) })

	long := []string{"CreatePBRound", "ErasePerson", "CopyPlan"}
	for _, name := range long {
		// How often the whole write asks its context, on a copy.
		probe := replica(t, "probe")
		whole := newStopAfter(-1)
		ok(t, writes(probe, newFixture(t, probe))[name](whole))
		if whole.asked() < 4 {
			t.Fatalf("%s asked its context %d times", name, whole.asked())
		}
		for _, at := range []int{2, whole.asked() / 3, whole.asked() * 2 / 3} {
			if err := ws[name](newStopAfter(at)); !errors.Is(err, context.Canceled) {
				t.Errorf("%s cut off after %d of %d asks: %v, want context.Canceled", name, at, whole.asked(), err)
			}
			if after := snapshot(t, db); after != before {
				t.Errorf("%s cut off after %d of %d asks changed the database:\n%s\n%s", name, at, whole.asked(), before, after)
			}
		}
	}
	// The same writes with a live context go through.
	for _, name := range long {
		ok(t, ws[name](t.Context()))
	}
	if snapshot(t, db) == before {
		t.Error("the writes changed nothing with a live context either")
	}
}

// hubState is what the hub's admin writes could change: the registry as
// stored, the councils, the rows and log (snapshot), and how much of each
// file it holds.
func hubState(t *testing.T, db *DB, sums ...string) string {
	t.Helper()
	var b strings.Builder
	ds, err := db.StoredDevices(t.Context())
	ok(t, err)
	for _, d := range ds {
		fmt.Fprintf(&b, "%s %s %q %v %d|", d.ID, d.Council, d.Label, d.Revoked, d.RevokedSeq)
	}
	cs, err := db.Councils(t.Context())
	ok(t, err)
	for _, c := range cs {
		fmt.Fprintf(&b, "%s %q|", c.ID, c.Name)
	}
	for _, sum := range sums {
		n, whole, err := db.BlobReceived(t.Context(), sum)
		ok(t, err)
		fmt.Fprintf(&b, "%s=%d/%v|", sum[:8], n, whole)
	}
	return b.String() + snapshot(t, db)
}

// The hub's admin methods and its file store (storage/exchange's
// BlobStore) stop when their context has ended (`kommune device revoke`
// interrupted, an upload whose client went away): reads return
// context.Canceled, and writes return it and leave the registry, the rows,
// the log and the files as they were.
func TestCancelledHubAdminStops(t *testing.T) {
	db := replica(t, "hub")
	ok(t, db.SetHub(t.Context()))
	c := bigCouncil(t, db, 5)
	d, _, err := db.AddDevice(t.Context(), "Karens bærbare", c.ID, false)
	ok(t, err)
	ops, err := db.CouncilOps(t.Context(), c.ID)
	ok(t, err)
	if len(ops) == 0 {
		t.Fatal("the council has no ops")
	}
	whole, part := []byte("%PDF-1.4 kort over stien"), []byte("%PDF-1.4 referat, halvt sendt")
	wholeSum, partSum := sha256Hex(whole), sha256Hex(part)
	_, done, err := db.AppendBlob(t.Context(), wholeSum, int64(len(whole)), 0, bytes.NewReader(whole), 1<<20)
	ok(t, err)
	if !done {
		t.Fatal("the whole file is not whole")
	}
	_, _, err = db.AppendBlob(t.Context(), partSum, int64(len(part)), 0, bytes.NewReader(part[:10]), 1<<20)
	ok(t, err)

	reads := map[string]func(ctx context.Context) error{
		"Devices":       func(ctx context.Context) error { _, err := db.Devices(ctx); return err },
		"StoredDevices": func(ctx context.Context) error { _, err := db.StoredDevices(ctx); return err },
		"HubSequence":   func(ctx context.Context) error { _, err := db.HubSequence(ctx); return err },
		"HubOpsSince": func(ctx context.Context) error {
			_, _, _, err := db.HubOpsSince(ctx, c.ID, 0, 100, "")
			return err
		},
		"HubNumbered":         func(ctx context.Context) error { _, _, err := db.HubNumbered(ctx, 0, 100); return err },
		"CheckOps":            func(ctx context.Context) error { return db.CheckOps(ctx, ops) },
		"AttachmentsNamed":    func(ctx context.Context) error { _, err := db.AttachmentsNamed(ctx, wholeSum, ""); return err },
		"HeldAttachmentBytes": func(ctx context.Context) error { _, err := db.HeldAttachmentBytes(ctx, c.ID); return err },
		"BlobReceived":        func(ctx context.Context) error { _, _, err := db.BlobReceived(ctx, partSum); return err },
		"OpenBlob": func(ctx context.Context) error {
			f, err := db.OpenBlob(ctx, wholeSum)
			if err == nil {
				f.Close()
			}
			return err
		},
	}
	ctxtest.ReadsStop(t, reads)

	writes := map[string]func(ctx context.Context) error{
		"AddDevice":    func(ctx context.Context) error { _, _, err := db.AddDevice(ctx, "Ny", c.ID, false); return err },
		"RevokeDevice": func(ctx context.Context) error { return db.RevokeDevice(ctx, d.ID) },
		"AppendBlob": func(ctx context.Context) error {
			_, _, err := db.AppendBlob(ctx, partSum, int64(len(part)), 10, bytes.NewReader(part[10:]), 1<<20)
			return err
		},
		"SweepPartialBlobs": func(ctx context.Context) error {
			_, _, err := db.SweepPartialBlobs(ctx, syncNow.AddDate(10, 0, 0))
			return err
		},
		"LinkCouncil": func(ctx context.Context) error { return db.LinkCouncil(ctx, c.ID, "nyt-id") },
		"RewriteUnsynced": func(ctx context.Context) error {
			_, err := db.RewriteUnsynced(ctx, c.ID, func(Change) (any, bool) { return "omskrevet", true })
			return err
		},
	}
	// With a live context each write does change the hub.
	live := []string{"AddDevice", "RevokeDevice", "AppendBlob", "LinkCouncil"}
	ctxtest.WritesLeaveNothing(t, writes, live, "hub", func() string { return hubState(t, db, wholeSum, partSum) })
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
