package exchange

// Relayed ops (found by a review of SetAsideRefusedOwn's relayed ops):
// another laptop's new row goes aside whole, and a relayed op the hub took
// after all comes back with the hub's file.

import (
	"bytes"
	"context"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// b adds a new item to minutes that a approves meanwhile; c took b's file
// before reading the hub's. The hub refuses every op of b's new item (it
// is on approved minutes), so c must set the whole row aside, not only the
// op refused first: the rest, judged as an item of no meeting, travels in
// c's next file as half a row and the hub takes it.
func TestRelayedNewRowSetAsideWhole(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	c := h.laptop(t, "c", council, 0)
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingHeld, Start: now}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	syncOK(t, a)
	syncOK(t, b)
	syncOK(t, c)
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Nyt punkt", Kind: model.ItemDecision, Notes: "B skrev\n"}
	ok(t, b.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), c)
	ok(t, err)
	approve(t, a, m.ID)
	syncOK(t, a)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), c)
	ok(t, err)
	if len(got.Relayed) < 2 {
		t.Errorf("c set aside %+v as relayed, want b's whole item", got.Relayed)
	}
	if ci, err := c.AgendaItem(t.Context(), it.ID); err == nil {
		t.Errorf("c still holds part of b's refused item: %+v", ci)
	}
	ok(t, c.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, c, council)), h.db, now, storage.MaxClockSkew); err != nil {
		t.Fatalf("c's file is refused at the hub: %v", err)
	}
	if hi, err := h.db.AgendaItem(t.Context(), it.ID); err == nil {
		t.Errorf("the hub took half of b's refused item from c's file: %+v", hi)
	}
}

// a approved minutes (unsent); b, not knowing, wrote lines after the
// approval by its clock; c took b's file, then a's, then read the hub's,
// which holds none of them: b's lines, judged with a's approval, are
// relayed and set aside on c. But b's changes reach the hub first and the
// hub takes them, then a's approval. The hub's next file brings b's lines
// back to c, and they are no longer listed as refused: nothing in a sealed
// file is judged again (before, c judged them against the approval it
// held and refused every file of the hub's for good).
func TestRelayedOpTheHubTookComesBack(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup", time.Minute)
	c := h.laptop(t, "c", council, 0)
	m, it := itemEditedOnB(t, council, a, b, model.MeetingHeld)
	syncOK(t, c)
	approve(t, a, m.ID)
	l, err := b.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	x := l
	x.Notes = "L1\nB igen\n"
	ok(t, b.SaveAgendaItem(t.Context(), l, &x))
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), c)
	ok(t, err)
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, a, council)), c)
	ok(t, err)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), c)
	ok(t, err)
	if len(got.Relayed) == 0 {
		t.Fatalf("c relayed nothing: %+v", got)
	}
	syncOK(t, b) // b's lines reach the hub first, and are taken
	syncOK(t, a) // then a's approval
	if n := notesOn(t, h.db, it.ID); n != "L1\nB igen\n" {
		t.Fatalf("the hub shows %q", n)
	}
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, h.db, council)), c); err != nil {
		t.Errorf("c refuses the hub's file: %v", err)
	}
	if _, err := cli.Sync(context.Background(), c, ""); err != nil {
		t.Errorf("c's sync over the network: %v", err)
	}
	if n := notesOn(t, c, it.ID); n != notesOn(t, h.db, it.ID) {
		t.Errorf("c shows %q, the hub %q", n, notesOn(t, h.db, it.ID))
	}
	rs, err := c.RefusedChanges(t.Context(), council)
	ok(t, err)
	if len(rs) != 0 {
		t.Errorf("c still lists as refused what the hub holds: %d", len(rs))
	}
}
