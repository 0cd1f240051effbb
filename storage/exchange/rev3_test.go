package exchange

// Review 3 of the session's trust commits (refuseClaimsPastStaff, revoked
// devices' ops left out of files, the rate limit, council delete, erasure
// parts). Failing tests show defects; see each comment.

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// rev3Setup: a hub, council laptop a and a staff device; a wrote a
// meeting and a wish, and both synced.
func rev3Setup(t *testing.T) (h *hub, council string, a, staff *storage.DB, m model.Meeting, w model.BudgetWish) {
	h = newHub(t)
	council = h.council(t, "Jyderup")
	a = h.laptop(t, "a", council, 0)
	staff = h.laptop(t, "staff", "", 0)
	syncOK(t, a)
	m = model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: now}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	w = model.BudgetWish{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishSubmitted}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	syncOK(t, a)
	syncOK(t, staff)
	return
}

func rev3Answer(t *testing.T, staff *storage.DB, council string) {
	sw := noerr.Get(staff.BudgetWishes(t.Context(), council, 0))(t)
	sw[0].Answer, sw[0].AnswerText, sw[0].Granted, sw[0].Status = model.AnswerPartly, "Delvist bevilget", 50_000_00, model.WishAnswered
	ok(t, staff.SaveBudgetWish(t.Context(), storage.Overwriting(t.Context(), staff, sw[0]), &sw[0]))
}

// An HONEST council laptop that read a staff device's own file (the
// municipality's answer carried by stick, before the staff device synced)
// deletes an unrelated meeting. A whole's delete names every op of the
// council it holds, so it names the staff device's answer, which the hub
// does not hold yet: refuseClaimsPastStaff refuses it with CodeForbidden,
// which the client takes as "refused for good" and sets the delete aside.
// The staff device syncing a minute later does not bring it back.
func TestRev3StaffFileThenHonestDeleteRefused(t *testing.T) {
	ctx := context.Background()
	h, council, a, staff, m, _ := rev3Setup(t)
	rev3Answer(t, staff, council)
	if _, _, err := cli.ImportBundle(ctx, bytes.NewReader(bundleOf(t, staff, council)), a); err != nil {
		t.Fatalf("a reads the staff device's file: %v", err)
	}
	ok(t, a.DeleteMeeting(t.Context(), m.ID))
	r := syncOK(t, a)
	syncOK(t, staff)
	syncOK(t, a)
	if r.Refused > 0 {
		t.Errorf("the hub refused %d of a's honest ops for good (%s)", r.Refused, r.Note)
	}
	if ms := noerr.Get(h.db.Meetings(t.Context(), council))(t); len(ms) != 0 {
		t.Errorf("hub: the meeting a deleted is still there: %+v", ms)
	}
	if rs := noerr.Get(a.RefusedChanges(t.Context(), council))(t); len(rs) != 0 {
		t.Errorf("a: %d honest changes set aside: %+v", len(rs), rs[0])
	}
}

// The hub restored from its backup: the municipality's answer given after
// the backup is gone from the hub, but laptop a pulled it before. The
// staff device acked it and never sends it again. Every whole a deletes
// from then on names it, and is refused for good (set aside) until the
// staff device happens to write more ops than it lost.
func TestRev3HubRestoredHonestDeleteRefused(t *testing.T) {
	ctx := context.Background()
	h, council, a, staff, m, _ := rev3Setup(t)
	backup := filepath.Join(t.TempDir(), "hub-backup.db")
	ok(t, h.db.Backup(ctx, backup))
	rev3Answer(t, staff, council)
	syncOK(t, staff)
	syncOK(t, a)
	path := h.db.Path()
	ok(t, h.db.Close())
	_, err := storage.Restore(ctx, path, backup)
	ok(t, err)
	hdb, err := storage.Open(ctx, path)
	ok(t, err)
	t.Cleanup(func() { hdb.Close() })
	hdb.Now = func() time.Time { return now }
	h.db = hdb
	h.srv.Store = hdb
	ok(t, a.DeleteMeeting(t.Context(), m.ID))
	r, err := cli.Sync(ctx, a, "")
	if err != nil {
		t.Logf("sync: %v", err)
	}
	if r.Refused > 0 {
		t.Errorf("the restored hub refused %d of a's honest ops for good (%s)", r.Refused, r.Note)
	}
}

// refuseClaimsPastStaff compares a claim with the highest number the hub
// holds of the staff device, not with the ops it holds. The staff device
// answers council Y's wish offline (its op N), then answers council X's
// (N+1..), and council X's file, written on the staff device, is read at
// the hub first (a stick to the town hall). The hub then holds the staff
// device's ops up to N+k but not N. A tampered laptop of council Y
// claims "staff:N+k" on its status edit: the hub takes it, and when the
// answer N arrives the forged status counts as having seen it and
// replaces »besvaret« with no conflict (I8 broken). The claimed number is
// also learnt by probing: a refusal says the claim is past the top.
func TestRev3ForgedClaimBelowTopButNotHeld(t *testing.T) {
	ctx := context.Background()
	h, council, a, staff, _, w := rev3Setup(t)
	councilX := h.council(t, "Holbæk")
	x := h.laptop(t, "x", councilX, 0)
	syncOK(t, x)
	wx := model.BudgetWish{CouncilID: councilX, Year: 2027, Title: "Bænk", Status: model.WishSubmitted}
	ok(t, x.SaveBudgetWish(t.Context(), model.BudgetWish{}, &wx))
	syncOK(t, x)
	syncOK(t, staff)
	rev3Answer(t, staff, council)  // op N.. for Y, not synced
	rev3Answer(t, staff, councilX) // ops for X
	if _, _, err := cli.HubImportBundle(ctx, bytes.NewReader(bundleOf(t, staff, councilX)), h.db, now, storage.MaxClockSkew); err != nil {
		t.Fatalf("hub reads the staff device's file of council X: %v", err)
	}
	top := noerr.Get(h.db.HubDeviceTop(ctx, staff.DeviceID()))(t)
	held := noerr.Get(a.FieldOps(t.Context(), "budget_wishes", w.ID, "status"))(t)
	op := forged(t, a, 1, "budget_wishes", w.ID, council, "status", string(model.WishReady))
	vv := map[string]int64{held[len(held)-1].Device: held[len(held)-1].Seq, staff.DeviceID(): top}
	op.Base = storage.BaseOn([]storage.Change{{Device: held[len(held)-1].Device, Seq: vv[held[len(held)-1].Device]}, {Device: staff.DeviceID(), Seq: top}})
	if err := pusher(t, h, a)([]storage.Change{op}); err != nil {
		t.Logf("the hub refuses the claim: %v", err)
		return
	}
	syncOK(t, staff)
	if got := hubWish(t, h, council); got.Status != model.WishAnswered {
		cs := noerr.Get(h.db.Conflicts(t.Context(), council))(t)
		t.Errorf("hub: the answered wish shows status %q (%d conflicts): a claim of staff:%d, below the hub's top but naming the answer it did not hold yet, beat the municipality's answer", got.Status, len(cs), top)
	}
}

// 6f49579: a revoked laptop b's unsent meeting and member, taken by a's
// stick before the revocation, are left out of a's file at the hub. But a
// built on them: it added an item to b's meeting and wrote the phone of
// b's member. Those are a's own ops and are taken: the hub and, after the
// hub's file, a and c hold an item under no meeting and a member row with
// a phone and no name (half rows), which no screen shows as a whole.
func TestRev3RevokedLeftOutOpsOrphanColleaguesEdits(t *testing.T) {
	t.Skip("known gap (README, Known gaps): a colleague's edits of a revoked laptop's rows that never reached the hub stay as half rows; over the network too")
	ctx := context.Background()
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	c := h.laptop(t, "c", council, 0)
	syncOK(t, b)
	syncOK(t, c)
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: now, Title: "B's møde"}
	ok(t, b.SaveMeeting(t.Context(), model.Meeting{}, &m))
	s := model.Member{CouncilID: council, Name: "Søren", Role: model.RoleMember}
	ok(t, b.SaveMember(t.Context(), model.Member{}, &s))
	_, _, err := cli.ImportBundle(ctx, bytes.NewReader(bundleOf(t, b, council)), a)
	ok(t, err)
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "A's punkt", Kind: model.ItemDecision, Notes: "A skrev\n"}
	ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	s2 := memberOn(t, a, council, s.ID)
	s3 := s2
	s3.Phone = "20 11 22 33"
	ok(t, a.SaveMember(t.Context(), s2, &s3))
	ok(t, h.db.RevokeDevice(t.Context(), deviceOf(t, h, b).ID))
	im, err := cli.HubImportBundleReport(ctx, bytes.NewReader(bundleOf(t, a, council)), h.db, now, storage.MaxClockSkew)
	if err != nil {
		t.Logf("hub refuses a's file whole: %v", err)
		return
	}
	t.Logf("hub: %d new, %d of b's left out", im.New, im.Revoked)
	_, applied, err := cli.ImportBundleReport(ctx, bytes.NewReader(bundleOf(t, h.db, council)), a)
	ok(t, err)
	t.Logf("a: set aside %d relayed", len(applied.Relayed))
	syncOK(t, c)
	for _, db := range []*storage.DB{h.db, a, c} {
		ms := noerr.Get(db.Meetings(t.Context(), council))(t)
		items, _ := db.AgendaItem(t.Context(), it.ID)
		mem := noerr.Get(db.Members(t.Context(), council))(t)
		t.Logf("%s: meetings %d, a's item %+v, members %+v", db.DeviceID()[:8], len(ms), items.Title, mem)
		if len(ms) == 0 && items.ID != "" {
			t.Errorf("%s: a's item %q stands under no meeting (b's meeting left out)", db.DeviceID(), items.Title)
		}
		for _, x := range mem {
			if x.Name == "" {
				t.Errorf("%s: a member row with no name (b's creation left out, a's phone taken): %+v", db.DeviceID(), x)
			}
		}
	}
}

// The laptop's door (importBundle) does not run refuseLegacyBase, and
// refuseClaimsPastStaff skips a legacy context (Claims is nil). A
// tampered laptop a hands colleague c a file whose status op names its
// own id as base, the older versions' single-op context: "had seen every
// op up to itself in replay order". Stamped ahead, it sorts after the
// municipality's answer given later, so on c it counts as having seen the
// answer and replaces »besvaret« with no conflict; the hub (which refuses
// legacy bases at its door) shows »besvaret«: c and the hub diverge.
func TestRev3LegacyOwnBaseInAFileBeatsTheAnswerOnALaptop(t *testing.T) {
	ctx := context.Background()
	h, council, a, staff, w := wishSubmitted(t)
	c := h.laptop(t, "c", council, 0)
	syncOK(t, c)
	file := forge(t, bundleOf(t, a, council), func(cs []storage.Change) []storage.Change {
		x := forged(t, a, 1, "budget_wishes", w.ID, council, "status", string(model.WishReady))
		x.Base = x.ID() // legacy: "device:seq", itself
		ok(t, a.SignOwn(&x))
		return append(cs, x)
	})
	if _, _, err := cli.ImportBundle(ctx, bytes.NewReader(file), c); err != nil {
		t.Logf("c refuses the file: %v", err)
		return
	}
	rev3Answer(t, staff, council)
	syncOK(t, staff)
	syncOK(t, c)
	if got := hubWish(t, h, council); got.Status != model.WishAnswered {
		t.Fatalf("hub: %q", got.Status)
	}
	got := noerr.Get(c.BudgetWishes(t.Context(), council, 0))(t)
	if len(got) != 1 || got[0].Status != model.WishAnswered {
		cs := noerr.Get(c.Conflicts(t.Context(), council))(t)
		t.Errorf("c: the answered wish shows %q (%d conflicts), the hub »besvaret«: a legacy self-base in a colleague's file beat the answer on c", got[0].Status, len(cs))
	}
}

// Control for TestRev3RevokedLeftOutOpsOrphanColleaguesEdits: the same
// edits of a revoked colleague's rows pushed by a over the network, where
// a sends only its own ops. If this fails too, the half rows are older
// than 6f49579, which only brings the same to files.
func TestRev3RevokedRowsColleaguesEditsOverHTTP(t *testing.T) {
	t.Skip("known gap (README, Known gaps): a colleague's edits of a revoked laptop's rows that never reached the hub stay as half rows")
	ctx := context.Background()
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	syncOK(t, b)
	s := model.Member{CouncilID: council, Name: "Søren", Role: model.RoleMember}
	ok(t, b.SaveMember(t.Context(), model.Member{}, &s))
	_, _, err := cli.ImportBundle(ctx, bytes.NewReader(bundleOf(t, b, council)), a)
	ok(t, err)
	s2 := memberOn(t, a, council, s.ID)
	s3 := s2
	s3.Phone = "20 11 22 33"
	ok(t, a.SaveMember(t.Context(), s2, &s3))
	ok(t, h.db.RevokeDevice(t.Context(), deviceOf(t, h, b).ID))
	r := syncOK(t, a)
	t.Logf("a: pushed %d, refused %d", r.Pushed, r.Refused)
	for _, x := range noerr.Get(h.db.Members(t.Context(), council))(t) {
		if x.Name == "" {
			t.Errorf("hub: a member row with no name over HTTP too: %+v", x)
		}
	}
}

// A stolen laptop b is revoked; the hub's RevokedSeq is the highest of
// b's ops it holds, but the hub lacks a lower one it refused for good
// (set aside on b). The thief, holding b's key, signs a new op with that
// free number and hands a file to colleague c: WrotePastRevocation says
// no (seq <= RevokedSeq), and c takes the thief's edit, which the hub
// never will (it leaves out every new op of a revoked device): c and the
// hub diverge, and c shows the thief's text.
func TestRev3RevokedDeviceReusesAGapBelowRevokedSeq(t *testing.T) {
	t.Skip("known gap (README, Known gaps): a revoked laptop's key can sign an op numbered in a gap the hub never took; a colleague's laptop cannot tell it from one not pulled yet")
	ctx := context.Background()
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	c := h.laptop(t, "c", council, 0)
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishSubmitted}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	syncOK(t, a)
	syncOK(t, b)
	syncOK(t, c)
	push := pusher(t, h, b)
	refused := forged(t, b, 1, "budget_wishes", w.ID, council, "answer_text", "Bevilget") // a council may not answer
	if err := push([]storage.Change{refused}); err == nil {
		t.Fatal("the hub took a council's answer")
	}
	took := forged(t, b, 2, "budget_wishes", w.ID, council, "title", "Cykelsti langs åen")
	took.Base = storage.BaseOn(noerr.Get(b.FieldOps(t.Context(), "budget_wishes", w.ID, "title"))(t))
	ok(t, push([]storage.Change{took}))
	ok(t, h.db.RevokeDevice(t.Context(), deviceOf(t, h, b).ID))
	syncOK(t, c) // c learns of the revocation
	thief := forged(t, b, 1, "budget_wishes", w.ID, council, "title", "Tyven skrev")
	thief.HLC = took.HLC + 1<<16
	thief.Base = storage.BaseOn([]storage.Change{took})
	ok(t, b.SignOwn(&thief))
	file := forge(t, bundleOf(t, b, council), func(cs []storage.Change) []storage.Change { return append(cs, thief) })
	if _, _, err := cli.ImportBundle(ctx, bytes.NewReader(file), c); err != nil {
		t.Logf("c refuses the thief's file: %v", err)
		return
	}
	got := noerr.Get(c.BudgetWishes(t.Context(), council, 0))(t)
	if got[0].Title == "Tyven skrev" {
		t.Errorf("c took the revoked device's new op %s (numbered in a gap below RevokedSeq %d): title %q; the hub shows %q", thief.ID(), took.Seq, got[0].Title, hubWish(t, h, council).Title)
	}
}

// 6f49579 sets a revoked device's carried ops aside only when the carrier
// reads the hub's file. A carrier that syncs over the network keeps them:
// it shows the revoked laptop's member, which the hub and every other
// laptop never will (no convergence), and its files carry them for ever.
func TestRev3CarrierSyncingOverHTTPKeepsRevokedOps(t *testing.T) {
	ctx := context.Background()
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	syncOK(t, b)
	ok(t, b.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Søren", Role: model.RoleMember}))
	_, _, err := cli.ImportBundle(ctx, bytes.NewReader(bundleOf(t, b, council)), a)
	ok(t, err)
	ok(t, h.db.RevokeDevice(t.Context(), deviceOf(t, h, b).ID))
	syncOK(t, a)
	syncOK(t, a)
	if n, m := len(noerr.Get(a.Members(t.Context(), council))(t)), len(noerr.Get(h.db.Members(t.Context(), council))(t)); n != m {
		t.Errorf("a shows %d members after syncing over the network, the hub %d: the revoked laptop's unsent member stays on a", n, m)
	}
}

// A laptop's door asks its own key list and the file's whether a claimed
// device is the municipality's. A staff device enrolled after both had
// their lists is in neither, so a claim of its ops up to 2^53 is not
// checked on c: when its answer arrives by c's next pull, the forged
// status counts as having seen it and replaces »besvaret« on c (the hub
// refuses such a push, so c alone diverges).
func TestRev3ClaimOfANewStaffDeviceUncheckedOnALaptop(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	council := h.council(t, "Jyderup")
	a := h.laptop(t, "a", council, 0)
	c := h.laptop(t, "c", council, 0)
	syncOK(t, a)
	w := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishSubmitted}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	syncOK(t, a)
	syncOK(t, c)
	staff := h.laptop(t, "staff", "", 0) // enrolled after a's and c's last sync
	syncOK(t, staff)
	held := noerr.Get(a.FieldOps(t.Context(), "budget_wishes", w.ID, "status"))(t)
	file := forge(t, bundleOf(t, a, council), func(cs []storage.Change) []storage.Change {
		x := forged(t, a, 1, "budget_wishes", w.ID, council, "status", string(model.WishReady))
		x.Base = storage.BaseOn([]storage.Change{held[len(held)-1], {Device: staff.DeviceID(), Seq: storage.MaxSeq}})
		ok(t, a.SignOwn(&x))
		return append(cs, x)
	})
	if _, _, err := cli.ImportBundle(ctx, bytes.NewReader(file), c); err != nil {
		t.Logf("c refuses: %v", err)
		return
	}
	rev3Answer(t, staff, council)
	syncOK(t, staff)
	syncOK(t, c)
	if got := noerr.Get(c.BudgetWishes(t.Context(), council, 0))(t); got[0].Status != model.WishAnswered {
		t.Errorf("c: the answered wish shows %q (hub %q): a claim of a staff device c did not know yet beat the answer", got[0].Status, hubWish(t, h, council).Status)
	}
}
