package exchange

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// pusher pushes ops to the hub as db's device, bypassing its change log.
func pusher(t *testing.T, h *hub, db *storage.DB) func([]storage.Change) error {
	token := noerr.Get(db.Meta(t.Context(), storage.MetaToken))(t)
	return func(cs []storage.Change) error {
		wire, err := EncodeOps(signedBy(t, db, cs))
		ok(t, err)
		return cli.call(context.Background(), http.MethodPost, h.url+"/v1/push", token, PushRequest{Ops: wire}, &PushResponse{})
	}
}

// signedBy signs db's own ops among cs with its key: a tampered laptop
// signs what it forges, so what is tested is the rule, not the signature.
func signedBy(t *testing.T, db *storage.DB, cs []storage.Change) []storage.Change {
	out := append([]storage.Change{}, cs...)
	for i := range out {
		if out[i].Device == db.DeviceID() {
			ok(t, db.SignOwn(&out[i]))
		}
	}
	return out
}

// forged is an op of db's own device, numbered n after everything it
// wrote, stamped an hour after the tests' now: what a tampered laptop
// could push.
func forged(t *testing.T, db *storage.DB, n int64, table, row, council, field string, value any) storage.Change {
	t.Helper()
	ops, err := db.CouncilOps(context.Background(), "")
	ok(t, err)
	var seq int64
	for _, o := range ops {
		if o.Device == db.DeviceID() {
			seq = max(seq, o.Seq)
		}
	}
	return storage.Change{Device: db.DeviceID(), Seq: seq + n, HLC: (now.UnixMilli() + 3_600_000 + n) << 16,
		Table: table, Row: row, Council: council, Field: field, Value: value}
}

// lockedMinutes: laptop a wrote minutes, approved them and synced; laptop
// b has them too.
func lockedMinutes(t *testing.T) (h *hub, a, b *storage.DB, m model.Meeting, it model.AgendaItem) {
	h = newHub(t)
	council := h.council(t, "Jyderup Lokalråd")
	a = h.laptop(t, "a", council, 0)
	b = h.laptop(t, "b", council, time.Second)
	syncOK(t, a)
	syncOK(t, b)
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Karen Østergaard", Role: model.RoleChair, Phone: "20 11 22 33"}))
	m = model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: now.Add(-24 * time.Hour),
		Attendees: "Karen Østergaard\nSøren"}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	it = model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Shelter", Kind: model.ItemDecision,
		Notes: "Karen Østergaard fremlagde tegningerne.", Decision: "Shelteret bygges. Karen Østergaard søger puljen."}
	ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	m.Status = model.MeetingApproved
	ok(t, a.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), a, m), &m))
	syncOK(t, a)
	syncOK(t, b)
	return
}

// A forged amount or status is refused whole at the hub, with the field
// named in Danish; nothing of the push is applied.
func TestHubRefusesForgedValues(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Shelter ved søen", Estimate: 250_000_00, Status: model.WishDraft}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	syncOK(t, a)
	push := pusher(t, h, a)
	for i, tt := range []struct {
		field string
		value any
		says  string
	}{
		{"estimate", int64(99_999_999_999_999), "budgetønsket »Shelter ved søen«: beløbet i feltet »overslag« er uden for det tilladte"},
		{"estimate", int64(-1), "»overslag« er uden for det tilladte"},
		{"status", "bevilget-alligevel", "ikke en kendt værdi for feltet »status«"},
		{"year", int64(1066), "»budgetår« skal være mellem 2000 og 2200"},
	} {
		good := forged(t, a, int64(2*i+1), "budget_wishes", w.ID, council, "category", "Natur")
		bad := forged(t, a, int64(2*i+2), "budget_wishes", w.ID, council, tt.field, tt.value)
		err := push([]storage.Change{good, bad})
		if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s = %v: %v; want %q", tt.field, tt.value, err, tt.says)
		}
	}
	if got := hubWish(t, h, council); got.Category != "" || got.Estimate != 250_000_00 || got.Status != model.WishDraft {
		t.Errorf("hub's wish after refused pushes = %+v", got)
	}
	// A forged meeting kind and an item's impossible duration too.
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: now}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	syncOK(t, a)
	if err := push([]storage.Change{forged(t, a, 20, "meetings", m.ID, council, "kind", "fest")}); err == nil || !strings.Contains(err.Error(), "»mødetype«") {
		t.Errorf("meeting kind: %v", err)
	}
}

// Approved minutes are locked at the hub too: an edit pushed without
// reopening is refused; reopened first (by an op that sorts before), the
// same edit goes through and reaches the other laptop.
func TestHubKeepsApprovedMinutesLocked(t *testing.T) {
	h, a, b, m, it := lockedMinutes(t)
	council := m.CouncilID
	push := pusher(t, h, b)
	edit := forged(t, b, 1, "agenda_items", it.ID, council, "decision", "Shelteret bygges ikke.")
	err := push([]storage.Change{edit})
	if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), "godkendt") || !strings.Contains(err.Error(), "»beslutning«") {
		t.Fatalf("edit of approved minutes: %v", err)
	}
	place := forged(t, b, 2, "meetings", m.ID, council, "place", "Et andet sted")
	if err := push([]storage.Change{place}); !errors.Is(err, ErrBadInput) {
		t.Errorf("edit of an approved meeting: %v", err)
	}
	newItem := forged(t, b, 3, "agenda_items", "ny", council, "meeting_id", m.ID)
	if err := push([]storage.Change{newItem}); !errors.Is(err, ErrBadInput) {
		t.Errorf("an item added to approved minutes: %v", err)
	}
	if got := noerr.Get(h.db.AgendaItem(t.Context(), it.ID))(t); got.Decision != it.Decision {
		t.Errorf("hub's decision = %q", got.Decision)
	}
	// Reopened on b the ordinary way, then edited: accepted everywhere.
	bm, err := b.Meeting(t.Context(), m.ID)
	ok(t, err)
	bm.Status = model.MeetingHeld
	ok(t, b.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), b, bm), &bm))
	bi, err := b.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	bi.Decision = "Shelteret bygges i 2027."
	ok(t, b.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), b, bi), &bi))
	syncOK(t, b)
	syncOK(t, a)
	for name, db := range map[string]*storage.DB{"hub": h.db, "a": a} {
		if got := noerr.Get(db.AgendaItem(t.Context(), it.ID))(t); got.Decision != "Shelteret bygges i 2027." {
			t.Errorf("%s: decision after reopening = %q", name, got.Decision)
		}
	}
}

// Finding 6: an erasure op from a council device rewrote a decision in
// approved minutes on every replica, in its original author's name. Now
// the hub refuses it; a proper erasure of the same locked minutes, which
// replaces the name only, is accepted and converges.
func TestHubErasureMayOnlyEraseNames(t *testing.T) {
	h, a, b, m, it := lockedMinutes(t)
	council := m.CouncilID
	ops, err := h.db.CouncilOps(context.Background(), council)
	ok(t, err)
	var decision storage.Change
	for _, o := range ops {
		if o.Table == "agenda_items" && o.Field == "decision" {
			decision = o
		}
	}
	body := noerr.Get(json.Marshal(map[string]string{decision.ID(): "Shelteret bygges ikke. tidligere medlem søger puljen."}))(t)
	evil := forged(t, b, 1, "sync_scrub", "scrub1", council, "ops", string(body))
	err = pusher(t, h, b)([]storage.Change{evil})
	if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), "mere end et navn") || !strings.Contains(err.Error(), "»beslutning«") {
		t.Fatalf("erasure rewriting a decision: %v", err)
	}
	// Also the erasure's own new value of the field: an edit of locked
	// minutes that is no erasure.
	field := forged(t, b, 2, "agenda_items", it.ID, council, "decision", "Shelteret bygges ikke. tidligere medlem søger puljen.")
	if err := pusher(t, h, b)([]storage.Change{field}); !errors.Is(err, ErrBadInput) {
		t.Errorf("erasure's field op rewriting a decision: %v", err)
	}
	if got := noerr.Get(h.db.AgendaItem(t.Context(), it.ID))(t); got.Decision != it.Decision {
		t.Fatalf("hub's decision = %q", got.Decision)
	}

	// The real erasure, from b.
	if _, err := b.ErasePerson(t.Context(), council, "Karen Østergaard"); err != nil {
		t.Fatal(err)
	}
	syncOK(t, b)
	syncOK(t, a)
	fresh := h.laptop(t, "fresh", council, 0)
	syncOK(t, fresh)
	want := "Shelteret bygges. tidligere medlem søger puljen."
	for name, db := range map[string]*storage.DB{"hub": h.db, "a": a, "b": b, "fresh": fresh} {
		got, err := db.AgendaItem(t.Context(), it.ID)
		ok(t, err)
		if got.Decision != want || got.Notes != "tidligere medlem fremlagde tegningerne." {
			t.Errorf("%s: minutes after erasure: %+v", name, got)
		}
		if gm := noerr.Get(db.Meeting(t.Context(), m.ID))(t); gm.Status != model.MeetingApproved || gm.Attendees != "tidligere medlem\nSøren" {
			t.Errorf("%s: meeting after erasure: %+v", name, gm)
		}
	}
	converged(t, council, a, fresh)
}

// Finding 7: a council device's status op "indsendt" with an empty base
// turned a wish the municipality had answered back to "indsendt" at the
// hub. Now such an op, which never saw the answer, loses to it (merge.go,
// I8) and is kept as a conflict the council sees; one made on the answered
// wish itself is refused; a council's status edit made before the answer
// still arrives (and loses to the answer), and the staff may move it on.
func TestHubCouncilCannotUnanswer(t *testing.T) {
	h, a, council, w, push := answeredWish(t)
	blind := forged(t, a, 1, "budget_wishes", w.ID, council, "status", string(model.WishSubmitted))
	ok(t, push([]storage.Change{blind}))
	if got := hubWish(t, h, council); got.Status != model.WishAnswered || got.Answer != model.AnswerPartly {
		t.Errorf("a blind status op un-answered the wish: %+v", got)
	}
	if cs := noerr.Get(h.db.Conflicts(t.Context(), council))(t); len(cs) != 1 || cs[0].Other != string(model.WishSubmitted) {
		t.Errorf("the losing status is not kept: %+v", cs)
	}
	st, err := h.db.FieldOps(context.Background(), "budget_wishes", w.ID, "status")
	ok(t, err)
	back := forged(t, a, 2, "budget_wishes", w.ID, council, "status", string(model.WishSubmitted))
	back.Base = storage.BaseOn(st) // made on the answered wish
	err = push([]storage.Change{back})
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "kommunen") || !strings.Contains(err.Error(), "status") {
		t.Fatalf("status moved back from answered: %v", err)
	}
	if got := hubWish(t, h, council); got.Status != model.WishAnswered || got.Answer != model.AnswerPartly {
		t.Errorf("hub's wish = %+v", got)
	}
	// An edit made offline before the answer: it sorts before, so it loses.
	st, err = h.db.FieldOps(context.Background(), "budget_wishes", w.ID, "status")
	ok(t, err)
	early := forged(t, a, 3, "budget_wishes", w.ID, council, "status", string(model.WishReady))
	early.HLC = st[len(st)-1].HLC - 1
	ok(t, push([]storage.Change{early}))
	if got := hubWish(t, h, council); got.Status != model.WishAnswered {
		t.Errorf("an older edit won over the answer: %+v", got)
	}
	// By bundle at the hub: refused the same.
	var buf bytes.Buffer
	ok(t, writeBundleOf(t, &buf, a, council, []storage.Change{back}))
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(buf.Bytes()), h.db, now, 48*time.Hour); !errors.Is(err, ErrForbidden) {
		t.Errorf("by bundle: %v", err)
	}
}

// writeBundleOf writes a bundle of exactly ops, as db's WriteBundle would
// frame them: db's own ops signed by it, its key directory in the header.
func writeBundleOf(t *testing.T, w *bytes.Buffer, db *storage.DB, council string, cs []storage.Change) error {
	ops, err := EncodeOps(signedBy(t, db, cs))
	if err != nil {
		return err
	}
	raw, err := json.Marshal(ops)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	zw := gzip.NewWriter(w)
	h := BundleHeader{Format: BundleFormat, Version: bundleVersion, Council: council, Device: db.DeviceID(), Created: now, Count: len(ops), SHA256: hex.EncodeToString(sum[:])}
	if dir, ok, err := db.KeyDirectory(context.Background(), council); err != nil {
		return err
	} else if ok {
		h.Keys = &dir
	}
	if err := json.NewEncoder(zw).Encode(bundleFile{Header: h, Ops: raw}); err != nil {
		return err
	}
	return zw.Close()
}

// A laptop importing a bundle runs the same rules: forged values, an edit
// of approved minutes, a rewriting erasure and an un-answered wish are
// each refused whole; the honest bundle goes in.
func TestLaptopBundleImportRunsTheRules(t *testing.T) {
	h, a, b, m, it := lockedMinutes(t)
	council := m.CouncilID
	staff := h.laptop(t, "staff", "", 0)
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Cykelsti", Estimate: 100_000_00, Status: model.WishSubmitted}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	syncOK(t, a)
	syncOK(t, staff)
	sw := noerr.Get(staff.BudgetWishes(t.Context(), council, 0))(t)
	sw[0].Answer, sw[0].AnswerText, sw[0].Status = model.AnswerRejected, "Nej tak", model.WishAnswered
	ok(t, staff.SaveBudgetWish(t.Context(), storage.Overwriting(t.Context(), staff, sw[0]), &sw[0]))
	syncOK(t, staff)
	syncOK(t, a)

	// The laptop that imports: b after everything (a's view by bundle).
	var honest bytes.Buffer
	_, err := cli.WriteBundle(context.Background(), &honest, a, council)
	ok(t, err)
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(honest.Bytes()), b); err != nil {
		t.Fatalf("honest bundle: %v", err)
	}
	ops, err := a.CouncilOps(context.Background(), council)
	ok(t, err)
	var decision storage.Change
	for _, o := range ops {
		if o.Table == "agenda_items" && o.Field == "decision" {
			decision = o
		}
	}
	scrub := noerr.Get(json.Marshal(map[string]string{decision.ID(): "Shelteret bygges ikke."}))(t)
	unanswer := forged(t, a, 5, "budget_wishes", w.ID, council, "status", string(model.WishSubmitted))
	sts, err := a.FieldOps(context.Background(), "budget_wishes", w.ID, "status")
	ok(t, err)
	unanswer.Base = storage.BaseOn(sts) // made on the answered wish
	for _, tt := range []struct {
		name string
		op   storage.Change
		says string
	}{
		{"amount", forged(t, a, 1, "budget_wishes", w.ID, council, "estimate", model.MaxAmount+1), "»overslag« er uden for det tilladte"},
		{"enum", forged(t, a, 2, "agenda_items", it.ID, council, "kind", "afstemning"), "»type«"},
		{"locked minutes", forged(t, a, 3, "agenda_items", it.ID, council, "decision", "Shelteret bygges ikke."), "godkendt"},
		{"erasure rewriting", forged(t, a, 4, "sync_scrub", "s1", council, "ops", string(scrub)), "mere end et navn"},
		{"un-answer", unanswer, "kommunen"},
	} {
		var buf bytes.Buffer
		ok(t, writeBundleOf(t, &buf, a, council, append(append([]storage.Change{}, ops...), tt.op)))
		before := state(t, b, council)
		_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(buf.Bytes()), b)
		if err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: %v; want %q", tt.name, err, tt.says)
		}
		if tt.name != "un-answer" && !errors.Is(err, storage.ErrRefused) {
			t.Errorf("%s: not ErrRefused: %v", tt.name, err)
		}
		if after := state(t, b, council); after != before {
			t.Errorf("%s: the refused bundle changed the laptop", tt.name)
		}
	}
}

// A new laptop importing the whole history by bundle accepts the erasure
// of approved minutes that were merged from two laptops' edits.
func TestBundleOfErasedMergedMinutesImports(t *testing.T) {
	h, a, b, m, it := lockedMinutes(t)
	council := m.CouncilID
	// Reopen, edit on both laptops at once, approve again.
	am := noerr.Get(a.Meeting(t.Context(), m.ID))(t)
	am.Status = model.MeetingHeld
	ok(t, a.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), a, am), &am))
	syncOK(t, a)
	syncOK(t, b)
	ai := noerr.Get(a.AgendaItem(t.Context(), it.ID))(t)
	ai.Notes = "Karen Østergaard fremlagde tegningerne.\nPrisen blev drøftet.\nIntet at bemærke.\n"
	ok(t, a.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), a, ai), &ai))
	syncOK(t, a)
	syncOK(t, b)
	ai = noerr.Get(a.AgendaItem(t.Context(), it.ID))(t)
	ai.Notes = strings.Replace(ai.Notes, "Intet at bemærke.", "Søren spurgte til prisen.", 1)
	ok(t, a.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), a, ai), &ai))
	bi := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t)
	bi.Notes = strings.Replace(bi.Notes, "fremlagde tegningerne.", "fremlagde tegningerne for Karen Østergaard.", 1)
	ok(t, b.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), b, bi), &bi))
	syncOK(t, a)
	syncOK(t, b)
	syncOK(t, a)
	am = noerr.Get(a.Meeting(t.Context(), m.ID))(t)
	am.Status = model.MeetingApproved
	ok(t, a.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), a, am), &am))
	syncOK(t, a)
	if _, err := a.ErasePerson(t.Context(), council, "Karen Østergaard"); err != nil {
		t.Fatal(err)
	}
	syncOK(t, a)
	var buf bytes.Buffer
	_, err := cli.WriteBundle(context.Background(), &buf, h.db, council)
	ok(t, err)
	fresh := open(t, "fresh", 0)
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(buf.Bytes()), fresh); err != nil {
		t.Fatalf("fresh laptop: %v", err)
	}
	syncOK(t, b)
	want := noerr.Get(a.AgendaItem(t.Context(), it.ID))(t)
	if strings.Contains(want.Notes, "Karen") || !strings.Contains(want.Notes, "Søren spurgte") || !strings.Contains(want.Notes, "for tidligere medlem") {
		t.Fatalf("a's notes: %q", want.Notes)
	}
	for name, db := range map[string]*storage.DB{"hub": h.db, "b": b, "fresh": fresh} {
		if got := noerr.Get(db.AgendaItem(t.Context(), it.ID))(t); got.Notes != want.Notes {
			t.Errorf("%s: notes = %q, want %q", name, got.Notes, want.Notes)
		}
	}
}

// refuseClaimsPastStaff: a council device's edit of a wish's status may
// name the municipality's ops of the field only as the receiver holds
// them or the batch brings them, exactly; colleagues' ops, other fields
// and staff devices' own contexts are not its business.
func TestRefuseClaimsPastStaff(t *testing.T) {
	staff := func(d string) bool { return d == "kommune" || d == "hub" }
	held := func(table, row, field string) ([]storage.Change, error) {
		if table != "budget_wishes" || row != "w" || field != "status" {
			t.Errorf("asked for %s.%s of %s", table, field, row)
		}
		return []storage.Change{{Device: "a", Seq: 4}, {Device: "kommune", Seq: 38}, {Device: "kommune", Seq: 40}, {Device: "hub", Seq: 7}}, nil
	}
	status := func(device string, seq int64, base string) storage.Change {
		return storage.Change{Device: device, Seq: seq, Table: "budget_wishes", Row: "w", Field: "status", Base: base}
	}
	for _, tc := range []struct {
		name   string
		op     storage.Change
		batch  []storage.Change
		refuse bool
	}{
		{"held answer", status("a", 5, "=a:4,kommune:40"), nil, false},
		{"answer to come", status("a", 5, "=a:4,kommune:41"), nil, true},
		{"2^53", status("a", 5, fmt.Sprintf("=a:4,kommune:%d", storage.MaxSeq)), nil, true},
		{"below the top, not held", status("a", 5, "=kommune:39"), nil, true},
		{"the hub's", status("a", 5, "=hub:8"), nil, true},
		{"in the batch", status("a", 5, "=kommune:42"), []storage.Change{{Device: "kommune", Seq: 42}}, false},
		{"a colleague's, not held", status("a", 5, "=b:900"), nil, false},
		{"another field", storage.Change{Device: "a", Seq: 5, Table: "budget_wishes", Row: "w", Field: "title", Base: "=kommune:99"}, nil, false},
		{"a delete", storage.Change{Device: "a", Seq: 5, Table: "budget_wishes", Row: "w", Value: "=kommune:99"}, nil, false},
		{"a staff device's own", status("kommune", 50, "=hub:99"), nil, false},
		{"an older version's", status("a", 5, "kommune:99"), nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := refuseClaimsPastStaff(append(tc.batch, tc.op), staff, held)
			if got := err != nil; got != tc.refuse {
				t.Errorf("refused: %v (%v), want %v", got, err, tc.refuse)
			}
			if err != nil && !errors.Is(err, ErrForbidden) {
				t.Errorf("not a refusal: %v", err)
			}
		})
	}
}
