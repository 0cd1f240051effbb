package exchange

// A tester's attack on the first promise with four laptops of one council,
// some syncing through the hub and some by USB bundle, in every order.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	gzip "github.com/klauspost/compress/gzip"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// byBundle carries db's changes to the hub on a stick and the hub's back.
func byBundle(t *testing.T, h *hub, db *storage.DB, council string) {
	t.Helper()
	var up bytes.Buffer
	_, err := cli.WriteBundle(context.Background(), &up, db, council)
	ok(t, err)
	_, _, err = cli.HubImportBundle(context.Background(), bytes.NewReader(up.Bytes()), h.db, now, 24*time.Hour)
	ok(t, err)
	var down bytes.Buffer
	_, err = cli.WriteBundle(context.Background(), &down, h.db, council)
	ok(t, err)
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(down.Bytes()), db)
	ok(t, err)
}

func TestAttackFourLaptopsSameMinutes(t *testing.T) {
	orders := [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}, {1, 3, 0, 2}}
	for oi, order := range orders {
		for bundles := 0; bundles < 4; bundles++ {
			t.Run(fmt.Sprintf("order%d-bundles%d", oi, bundles), func(t *testing.T) {
				h := newHub(t)
				council := h.council(t, "Jyderup")
				var lap [4]*storage.DB
				for i := range lap {
					lap[i] = h.laptop(t, fmt.Sprintf("l%d", i), council, time.Duration(i)*time.Second)
				}
				a := lap[0]
				syncOK(t, a)
				m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: now}
				ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
				it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Sti", Kind: model.ItemDecision, Notes: "L1\nL2\nL3\nL4\n"}
				ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
				for _, db := range lap {
					syncOK(t, db)
				}
				edit := func(db *storage.DB, f func(*model.AgendaItem)) {
					t.Helper()
					l, err := db.AgendaItem(t.Context(), it.ID)
					ok(t, err)
					x := l
					f(&x)
					ok(t, db.SaveAgendaItem(t.Context(), l, &x))
				}
				// Offline: each laptop its own edits.
				edit(lap[0], func(x *model.AgendaItem) { x.Title = "Sti A"; x.Notes = strings.Replace(x.Notes, "L1", "L1 fra A", 1) })
				edit(lap[1], func(x *model.AgendaItem) {
					x.Title = "Sti B"
					x.Notes = strings.Replace(x.Notes, "L2\n", "", 1) + "B ny\n"
				})
				edit(lap[1], func(x *model.AgendaItem) { x.Notes += "B igen\n" })
				ok(t, lap[2].DeleteAgendaItem(t.Context(), it.ID))
				edit(lap[3], func(x *model.AgendaItem) { x.Notes = strings.Replace(x.Notes, "L3\n", "", 1) })
				edit(lap[3], func(x *model.AgendaItem) { x.Notes = "L3\n" + x.Notes + "D ny\n" })
				// Each in turn; the first `bundles` of the order by stick.
				for round := 0; round < 3; round++ {
					for k, i := range order {
						if k < bundles {
							byBundle(t, h, lap[i], council)
						} else {
							syncOK(t, lap[i])
						}
					}
				}
				converged(t, council, lap[0], lap[1], lap[2], lap[3], h.db)
				got, err := a.AgendaItem(t.Context(), it.ID)
				if err != nil {
					t.Fatalf("the item edited on three laptops is gone: %v", err)
				}
				cs, err := a.Conflicts(t.Context(), council)
				ok(t, err)
				kept := got.Title + "\n" + got.Notes + fmt.Sprint(cs)
				for _, want := range []string{"Sti A", "Sti B", "L1 fra A", "B ny", "B igen", "D ny", "L3", "L4"} {
					if !strings.Contains(kept, want) {
						t.Errorf("%q lost: title %q notes %q conflicts %+v", want, got.Title, got.Notes, cs)
					}
				}
			})
		}
	}
}

// bomb is a gzip file that unpacks to prefix, n bytes of fill and suffix:
// about 1 MB on the stick for 1 GB unpacked.
func bomb(t *testing.T, prefix string, fill byte, n int, suffix string) []byte {
	t.Helper()
	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestSpeed)
	ok(t, err)
	_, _ = io.WriteString(zw, prefix)
	chunk := bytes.Repeat([]byte{fill}, 1<<20)
	for range n >> 20 {
		_, _ = zw.Write(chunk)
	}
	_, _ = io.WriteString(zw, suffix)
	ok(t, zw.Close())
	return out.Bytes()
}

// A zip bomb on a USB stick: one value of a bundle (a name in the header,
// an op's value, a file, a key) that unpacks to hundreds of megabytes is
// refused with a Danish message before it is held in memory. A 1 MB file
// of one 1 GB name cost the laptop 3 GB of memory and 20 s before.
func TestAttackBundleZipBombRefusedCheaply(t *testing.T) {
	const n = 300 << 20
	head := `{"header":{"format":"lokalraad-bundle","version":2,"council":"c","device":"x","created":"2026-11-26T12:00:00Z","count":1,"sha256":"00"`
	for name, file := range map[string][]byte{
		"council name": bomb(t, `{"header":{"format":"lokalraad-bundle","version":2,"council":"c","council_name":"`, 'a', n, `","device":"x","created":"2026-11-26T12:00:00Z","count":0,"sha256":"00"},"ops":[]}`),
		"op value":     bomb(t, head+`},"ops":[{"d":"x","s":1,"h":1,"t":"budget_wishes","r":"r","c":"c","f":"title","v":"`, 'a', n, `"}]}`),
		"file":         bomb(t, head+`},"ops":[],"blobs":{"`+strings.Repeat("0", 64)+`":"`, 'A', n, `"}}`),
		"key":          bomb(t, `{"`, 'a', n, `":1}`),
	} {
		db := open(t, "laptop", 0)
		var err error
		used := allocated(func() { _, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(file), db) })
		if err == nil || !errors.Is(err, ErrBadBundle) || english.MatchString(err.Error()) {
			t.Errorf("%s: %v", name, err)
		}
		if used > 256<<20 { // a real 25 MB file costs about a hundred
			t.Errorf("%s: reading it allocated %d MB", name, used>>20)
		}
		t.Logf("%s: %v; %d MB allocated", name, err, used>>20)
		if n := noerr.Get(db.PendingCount(context.Background(), ""))(t); n != 0 {
			t.Errorf("%s: %d ops written", name, n)
		}
	}
}

// gz packs s as a bundle file would be.
func gz(t *testing.T, s string) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	_, _ = io.WriteString(zw, s)
	ok(t, zw.Close())
	return out.Bytes()
}

// A bundle edited by hand with a value of the wrong kind is refused in
// Danish: the JSON and time libraries' English ("json: cannot unmarshal
// string into Go struct field BundleHeader.count of type int", "parsing
// time", "json: unknown field", "flate: corrupt input") reached the user
// as it was.
func TestAttackHandEditedBundleRefusedInDanish(t *testing.T) {
	head := `{"header":{"format":"lokalraad-bundle","version":2,"council":"c","device":"x","created":"2026-11-26T12:00:00Z","count":1,"sha256":"00"},"ops":[`
	op := func(s string) []byte { return gz(t, head+s+`]}`) }
	valid := gz(t, head+`{"d":"x","s":1,"h":1,"t":"budget_wishes","r":"r","c":"c","f":"title","v":"`+strings.Repeat("Cykelsti ", 4000)+`"}]}`)
	corrupt := append([]byte{}, valid...)
	for i := len(corrupt) / 3; i < len(corrupt)/3+16; i++ {
		corrupt[i] ^= 0xff
	}
	for name, file := range map[string][]byte{
		"count as text":   gz(t, strings.Replace(head, `"count":1`, `"count":"1"`, 1)+`]}`),
		"date as text":    gz(t, strings.Replace(head, `2026-11-26T12:00:00Z`, `i går`, 1)+`]}`),
		"unknown field":   gz(t, strings.Replace(head, `"count":1`, `"count":1,"extra":1`, 1)+`]}`),
		"counter as text": op(`{"d":"x","s":"1","h":1,"t":"budget_wishes","r":"r","c":"c","f":"title","v":"a"}`),
		"huge counter":    op(`{"d":"x","s":99999999999999999999,"h":1,"t":"budget_wishes","r":"r","c":"c","f":"title","v":"a"}`),
		"negative clock":  op(`{"d":"x","s":1,"h":-5,"t":"budget_wishes","r":"r","c":"c","f":"title","v":"a"}`),
		"device a number": op(`{"d":7,"s":1,"h":1,"t":"budget_wishes","r":"r","c":"c","f":"title","v":"a"}`),
		"damaged inside":  corrupt,
	} {
		db := open(t, "laptop", 0)
		_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(file), db)
		if err == nil || english.MatchString(err.Error()) || strings.Contains(err.Error(), "parsing") || strings.Contains(err.Error(), "flate") {
			t.Errorf("%s: %v", name, err)
		}
		if n := noerr.Get(db.PendingCount(context.Background(), ""))(t); n != 0 {
			t.Errorf("%s: %d ops written", name, n)
		}
	}
}

// Found by the attack review: laptop a deletes a meeting while b, offline,
// types minutes into one of its items and adds a new item. Both items
// outlived the delete (an edit beats the delete of its own row), but the
// meeting stayed deleted, so no screen showed b's minutes or b's new item
// on any laptop, and no conflict said so. Now the meeting comes back with
// them (merge.go, I9), on both laptops, over the hub and by bundle alike;
// the item nobody touched after a's delete stays deleted, as a meant.
func TestAttackMeetingDeletedWhileItsItemIsEdited(t *testing.T) {
	for _, byStick := range []bool{false, true} {
		_, council, a, b := twoLaptops(t, "Jyderup", 0)
		m, _ := itemEditedOnB(t, council, a, b, model.MeetingPlanned)
		other := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Eventuelt", Kind: model.ItemInformation}
		ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &other))
		syncOK(t, a)
		// b holds other before a deletes the meeting: a's delete and b's
		// edits are the only news each then has for the other.
		syncOK(t, b)
		ok(t, a.DeleteMeeting(t.Context(), m.ID))
		nw := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Nyt punkt", Kind: model.ItemDecision}
		ok(t, b.SaveAgendaItem(t.Context(), model.AgendaItem{}, &nw))
		var back storage.Changed // what a is told came back
		if byStick {
			for _, p := range [][2]*storage.DB{{a, b}, {b, a}} {
				var f bytes.Buffer
				_, err := cli.WriteBundle(context.Background(), &f, p[0], council)
				ok(t, err)
				_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(f.Bytes()), p[1])
				ok(t, err)
				if p[1] == b && len(got.Revived) > 0 {
					t.Errorf("b never lost the meeting, yet is told it came back: %v", got.Revived)
				}
				back = got.Revived
			}
		} else {
			back = syncOK(t, a).Revived // b's minutes are at the hub already
			if r := syncOK(t, b); len(r.Revived) > 0 {
				t.Errorf("b never lost the meeting, yet is told it came back: %v", r.Revived)
			}
			back = back.Merge(syncOK(t, a).Revived)
		}
		if !back.Has("meetings", m.ID) || len(back.Tables()) != 1 {
			t.Errorf("stick %v: a is told %v came back, want the meeting", byStick, back)
		}
		converged(t, council, a, b)
		for name, db := range map[string]*storage.DB{"a": a, "b": b} {
			ms, err := db.Meetings(t.Context(), council)
			ok(t, err)
			if len(ms) != 1 || ms[0].ID != m.ID {
				t.Errorf("stick %v, %s: meetings listed %v; want the deleted one back with b's work", byStick, name, ms)
				continue
			}
			items, err := db.AgendaItems(t.Context(), m.ID)
			ok(t, err)
			var got []string
			for _, x := range items {
				got = append(got, x.Title+": "+strings.TrimSpace(x.Notes))
			}
			if want := []string{"Sti: L1\nB skrev", "Nyt punkt: "}; !slices.Equal(got, want) {
				t.Errorf("stick %v, %s: the meeting's items %q, want %q (b's minutes and new item; not the item a deleted that nobody touched)", byStick, name, got, want)
			}
		}
	}
}

// The bounds of TestAttackBundleZipBombRefusedCheaply leave room for what
// a bundle really carries: two files of the largest size one after the
// other are read whole.
func TestBundleReadsTwoLargestFiles(t *testing.T) {
	raw := make([]byte, model.MaxAttachmentSize)
	for i := range raw {
		raw[i] = byte(i*7 + i>>9)
	}
	ops := `[]`
	sum := sha256.Sum256([]byte(ops))
	b64, err := json.Marshal(raw)
	ok(t, err)
	file := gz(t, `{"header":{"format":"lokalraad-bundle","version":2,"council":"c","device":"x","created":"2026-11-26T12:00:00Z","count":0,"sha256":"`+hex.EncodeToString(sum[:])+`"},"ops":`+ops+
		`,"blobs":{"`+strings.Repeat("a", 64)+`":`+string(b64)+`,"`+strings.Repeat("b", 64)+`":`+string(b64)+`}}`)
	var f bundleFile
	if _, _, err := cli.decodeBundle(bytes.NewReader(file), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Blobs) != 2 || !bytes.Equal(f.Blobs[strings.Repeat("b", 64)], raw) {
		t.Errorf("files read: %d", len(f.Blobs))
	}
}

// A laptop that syncs only by USB stick edits minutes offline while
// another laptop approves them. Every bundle it wrote after that carried
// the edit, which the lock refuses, so every bundle was refused whole, at
// the hub and on every laptop: its later edits (here a new member) never
// reached anyone by stick (a sync over the network sets such an edit
// aside: "No laptop stuck"). Reading the hub's bundle now sets the edit
// aside, with the lock's reason, as a refused push does.
func TestAttackUSBLaptopStuckOnLockedMinutes(t *testing.T) {
	h, council, a, b := twoLaptops(t, "Jyderup", 0)
	m, it := itemEditedOnB(t, council, a, b, model.MeetingHeld)
	// b also writes the decision, in a second save.
	l := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t)
	x := l
	x.Decision = "Stien bygges."
	ok(t, b.SaveAgendaItem(t.Context(), l, &x))
	approve(t, a, m.ID)
	syncOK(t, a)
	// b hears of the approval by stick, then adds a member and sends its
	// changes by stick.
	down := bundleOf(t, h.db, council)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(down), b)
	ok(t, err)
	var fields []string
	for _, r := range got.SetAside {
		if r.Row == it.ID {
			fields = append(fields, r.Field)
		}
	}
	if slices.Sort(fields); !slices.Equal(fields, []string{"decision", "notes"}) || len(got.SetAside) != 2 {
		t.Errorf("set aside on reading the hub's file: %+v, want b's minutes line and decision", got.SetAside)
	}
	refused := noerr.Get(b.RefusedChanges(t.Context(), council))(t)
	if len(refused) != 2 || !slices.ContainsFunc(refused, func(r storage.Refused) bool {
		return r.Value == "L1\nB skrev\n" && strings.Contains(r.Reason, "godkendt")
	}) {
		t.Errorf("b's refused list: %+v; want the minutes line with the lock's reason", refused)
	}
	if st := noerr.Get(b.SyncState(t.Context()))(t); !strings.Contains(st.Note, "lagt til side") {
		t.Errorf("b's status note %q does not say an edit was set aside", st.Note)
	}
	if x := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t); x.Notes != "L1\n" || x.Decision != "" {
		t.Errorf("b shows minutes %q and decision %q, every other computer %q and none", x.Notes, x.Decision, "L1\n")
	}
	ok(t, b.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	up := bundleOf(t, b, council)
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(up), h.db, now, 24*time.Hour); err != nil {
		t.Errorf("b's bundle refused: %v", err)
	}
	if ms, _ := h.db.Members(t.Context(), council); len(ms) != 1 {
		t.Errorf("b's new member never reaches the hub by stick: %d members", len(ms))
	}
	// And another laptop takes b's file too.
	if _, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(up), a); err != nil {
		t.Errorf("a refuses b's file: %v", err)
	}
	syncOK(t, a)
	converged(t, council, h.db, a, b)
}

// An edit of minutes that reached the hub before they were approved is
// the hub's and every computer's: a USB laptop, which is never told by a
// push that the hub holds its changes, does not set it aside when it
// reads the hub's bundle with the approval, though it is its own change
// the rules would refuse now.
func TestUSBLaptopKeepsEditTheHubTookBeforeApproval(t *testing.T) {
	h, _, a, b, it, down := editTakenThenApproved(t)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(down), b)
	ok(t, err)
	if len(got.SetAside) != 0 {
		t.Errorf("b set aside %+v, which the hub holds", got.SetAside)
	}
	for name, db := range map[string]*storage.DB{"hub": h.db, "a": a, "b": b} {
		if x := noerr.Get(db.AgendaItem(t.Context(), it.ID))(t); x.Notes != "L1\nB skrev\n" {
			t.Errorf("%s: minutes %q, want b's line kept", name, x.Notes)
		}
	}
}

// The same by stick for accounts approved at the generalforsamling while a
// laptop that syncs only by stick corrected a line of them: reading the
// hub's file sets the correction aside, and its next file goes through.
func TestUSBLaptopAccountsApprovedMeanwhile(t *testing.T) {
	h, jy, a, b := twoLaptops(t, "Jyderup", time.Second)
	coffee, year := coffeeCorrectedOnB(t, jy, a, b)
	approved := year
	approved.Approved = day(2026, 11, 26)
	ok(t, a.SaveAccountsYear(t.Context(), year, &approved))
	syncOK(t, a)
	down := bundleOf(t, h.db, jy)
	_, got, err := cli.ImportBundleReport(context.Background(), bytes.NewReader(down), b)
	ok(t, err)
	if len(got.SetAside) != 1 || got.SetAside[0].Row != coffee.ID || !strings.Contains(got.SetAside[0].Reason, "generalforsamlingen") {
		t.Errorf("set aside: %+v, want b's correction of the approved line", got.SetAside)
	}
	if es := noerr.Get(b.AccountEntries(t.Context(), jy, 2026))(t); len(es) != 1 || es[0].Amount != 450_00 {
		t.Errorf("b shows %+v, every other computer the line at 45000 øre", es)
	}
	ok(t, b.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: jy, Name: "Åse", Role: model.RoleChair}))
	up := bundleOf(t, b, jy)
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(up), h.db, now, storage.MaxClockSkew); err != nil {
		t.Errorf("b's next file refused: %v", err)
	}
	converged(t, jy, h.db, b)
}

// An edit the hub refused over the network and that this laptop set aside
// stays out when an old file of this laptop's, written before, is read in
// again: its own ops the hub acknowledged past it are judged as any
// arriving op.
func TestRefusedOwnEditReplayedStaysOut(t *testing.T) {
	_, council, a, b := twoLaptops(t, "Jyderup", 0)
	m, it := itemEditedOnB(t, council, a, b, model.MeetingHeld)
	old := bundleOf(t, b, council)
	approve(t, a, m.ID)
	syncOK(t, a)
	if r := syncOK(t, b); r.Refused != 1 {
		t.Fatalf("b's push: %d refused, want its minutes line", r.Refused)
	}
	ok(t, b.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleChair}))
	syncOK(t, b)
	_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(old), b)
	if x := noerr.Get(b.AgendaItem(t.Context(), it.ID))(t); x.Notes != "L1\n" {
		t.Errorf("b's old file (%v) brought back the refused line: %q", err, x.Notes)
	}
	if rs := noerr.Get(b.RefusedChanges(t.Context(), council))(t); len(rs) != 1 {
		t.Errorf("b's refused list: %+v", rs)
	}
}

// editTakenThenApproved is b's minutes line (itemEditedOnB) taken by the
// hub from b's file on a stick, and then the minutes approved on a and
// synced; it gives the item and the hub's file after that.
func editTakenThenApproved(t *testing.T) (h *hub, council string, a, b *storage.DB, it model.AgendaItem, hubFile []byte) {
	t.Helper()
	h, council, a, b = twoLaptops(t, "Jyderup", 0)
	m, it := itemEditedOnB(t, council, a, b, model.MeetingHeld)
	_, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(bundleOf(t, b, council)), h.db, now, 24*time.Hour)
	ok(t, err)
	syncOK(t, a)
	approve(t, a, m.ID)
	syncOK(t, a)
	return h, council, a, b, it, bundleOf(t, h.db, council)
}

// coffeeCorrectedOnB is a line of 2026's accounts (coffee, 450 kr.) and
// the year, made on a and synced to b, whose treasurer then corrects the
// line to 540 kr. offline.
func coffeeCorrectedOnB(t *testing.T, jy string, a, b *storage.DB) (model.AccountEntry, model.AccountsYear) {
	t.Helper()
	coffee := model.AccountEntry{CouncilID: jy, Date: day(2026, 3, 1), Text: "Kaffe", Kind: model.EntryExpense, Amount: 450_00}
	ok(t, a.SaveAccountEntry(t.Context(), model.AccountEntry{}, &coffee))
	year := model.AccountsYear{CouncilID: jy, Year: 2026, Opening: 1_000_00}
	ok(t, a.SaveAccountsYear(t.Context(), model.AccountsYear{}, &year))
	syncOK(t, a)
	syncOK(t, b)
	c2 := coffee
	c2.Amount = 540_00
	ok(t, b.SaveAccountEntry(t.Context(), coffee, &c2))
	return coffee, year
}

// itemEditedOnB is a meeting with status and one item made on a and
// synced to b, whose minutes b then edits offline (a line "B skrev").
func itemEditedOnB(t *testing.T, council string, a, b *storage.DB, status model.MeetingStatus) (model.Meeting, model.AgendaItem) {
	t.Helper()
	m := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: status, Start: now}
	ok(t, a.SaveMeeting(t.Context(), model.Meeting{}, &m))
	it := model.AgendaItem{CouncilID: council, MeetingID: m.ID, Title: "Sti", Kind: model.ItemDecision, Notes: "L1\n"}
	ok(t, a.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	syncOK(t, a)
	syncOK(t, b)
	l, err := b.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	x := l
	x.Notes = "L1\nB skrev\n"
	ok(t, b.SaveAgendaItem(t.Context(), l, &x))
	return m, it
}
