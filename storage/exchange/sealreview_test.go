package exchange

// Old files of the hub's (found by a review of the hub seal): a seal
// proves who wrote a file, not that it is the hub's newest. A genuine file
// of the hub's, written before the hub took a laptop's edit, is still
// sealed when it is read again later (it was left on the stick, or someone
// put it back there). One with fewer ops than the newest the laptop read
// judges nothing (bundle.go newestHubFile), and own ops a sealed file
// carries are never judged again (storage.ApplyHubFileReport).

import (
	"bytes"
	"context"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// lineTakenApprovalStampedBefore: b's minutes line (itemEditedOnB; b's
// clock 10 minutes ahead) reaches the hub by stick and is taken; a had
// approved the minutes offline before it held the line, and syncs after:
// the hub takes the approval too (the line was held). b reads the hub's
// newest file and sets nothing aside. It gives the hub's file of before
// the line (genuine, sealed) and the newest one.
func lineTakenApprovalStampedBefore(t *testing.T) (h *hub, council string, a, b *storage.DB, it model.AgendaItem, old, newest []byte) {
	t.Helper()
	h, council, a, b = twoLaptops(t, "Jyderup", 10*time.Minute)
	m, it := itemEditedOnB(t, council, a, b, model.MeetingHeld)
	old = bundleOf(t, h.db, council)
	if !isHubs(t, old) {
		t.Fatal("the hub's old file is not sealed")
	}
	approve(t, a, m.ID) // offline, before a holds b's line
	_, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), h.db, now, 24*time.Hour)
	ok(t, err)
	syncOK(t, a)
	if n := notesOn(t, h.db, it.ID); n != "L1\nB skrev\n" {
		t.Fatalf("the hub shows %q", n)
	}
	newest = bundleOf(t, h.db, council)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(newest), b)
	ok(t, err)
	if len(got.SetAside) != 0 {
		t.Fatalf("the hub's newest file set aside %+v", got.SetAside)
	}
	return h, council, a, b, it, old, newest
}

// The old sealed file, read after the newest, sets nothing aside: judged
// with the approval, stamped before b's line, as arriving together, it
// set aside the line the hub took, and b showed minutes without it.
func TestReplayedOldHubFileSetsNothingAside(t *testing.T) {
	_, council, _, b, it, old, _ := lineTakenApprovalStampedBefore(t)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(old), b)
	ok(t, err)
	lineKept(t, "hub's old file", got, b, council, it)
}

// As TestForgedHubFileThenNetworkSync, with the old genuine file in place
// of a forged one: b then syncs once over the network (the hub
// acknowledges past the line) and reads the hub's next file.
func TestReplayedOldHubFileThenNetworkSync(t *testing.T) {
	h, council, a, b, it, old, _ := lineTakenApprovalStampedBefore(t)
	_, _, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(old), b)
	ok(t, err)
	lineKeptAfterNetworkSync(t, h, council, a, b, it)
}

// The hub's old sealed file read first, before any newer one, after b
// took a's approval from a's own file: b cannot tell that the hub took its
// line since, and sets it aside, as the hub's state of then says. b then
// syncs once over the network (the hub acknowledges past the line) and
// reads the hub's newest file: the line
// comes back, since a sealed file holds only what the hub took, whatever
// it acknowledged (storage.ApplyHubFileReport).
func TestOldHubFileFirstThenNetworkSyncBringsLineBack(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup", 10*time.Minute)
	m, it := itemEditedOnB(t, council, a, b, model.MeetingHeld)
	old := bundleOf(t, h.db, council)
	approve(t, a, m.ID)
	_, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), h.db, now, 24*time.Hour)
	ok(t, err)
	syncOK(t, a)
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(bundleOf(t, a, council)), b)
	ok(t, err)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(old), b)
	ok(t, err)
	if len(got.SetAside) != 1 {
		t.Fatalf("the old file set aside %+v; this test wants b's line aside", got.SetAside)
	}
	lineKeptAfterNetworkSync(t, h, council, a, b, it)
}
