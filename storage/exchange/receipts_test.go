package exchange

// Receipts (bilag) on accounts lines travel like other bilag, and the
// year's locks hold for them at both hub stores and in bundles.

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// A receipt attached on the treasurer's laptop reaches the chair's laptop
// through the hub; on both hub stores a receipt attached
// offline to a line of accounts approved meanwhile is refused and set
// aside, and a tampered laptop can neither take a receipt off an approved
// line nor hang one on another council's line. Erasing a person still
// renames a receipt of an approved year everywhere.
func TestReceiptsSyncAndLock(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		ho := h.council("Holmstrup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		b, _ := h.laptop(t, "b", jy, time.Second)
		o, _ := h.laptop(t, "o", ho, 2*time.Second)
		coffee := model.AccountEntry{CouncilID: jy, Date: day(2026, 3, 1), Text: "Kaffe til borgermødet", Kind: model.EntryExpense, Amount: 450_00}
		fee := model.AccountEntry{CouncilID: jy, Date: day(2026, 5, 1), Text: "Honorar", Kind: model.EntryExpense, Amount: 1_000_00}
		for _, e := range []*model.AccountEntry{&coffee, &fee} {
			ok(t, a.SaveAccountEntry(t.Context(), model.AccountEntry{}, e))
		}
		year := model.AccountsYear{CouncilID: jy, Year: 2026, Opening: 1_000_00}
		ok(t, a.SaveAccountsYear(t.Context(), model.AccountsYear{}, &year))
		rec := attach(t, a, model.OwnerEntry, coffee.ID, "Kvittering Brugsen.pdf", strings.NewReader("kvittering"))
		named := attach(t, a, model.OwnerEntry, fee.ID, "Faktura fra Anne Brøndum.pdf", strings.NewReader("faktura"))
		if r := syncOK(t, a); r.Refused != 0 {
			t.Fatalf("receipts refused: %+v", r)
		}
		syncOK(t, b)
		got, err := b.Attachments(t.Context(), model.OwnerEntry, coffee.ID)
		ok(t, err)
		if len(got) != 1 || got[0].ID != rec.ID {
			t.Fatalf("laptop b's receipts of the line: %+v", got)
		}
		// a approves; b is offline with the copy from before and attaches
		// a late receipt and removes one.
		approved := year
		approved.Approved = day(2026, 11, 26)
		ok(t, a.SaveAccountsYear(t.Context(), year, &approved))
		syncOK(t, a)
		late := attach(t, b, model.OwnerEntry, coffee.ID, "Bon.jpg", strings.NewReader("bon"))
		ok(t, b.DeleteAttachment(t.Context(), rec.ID))
		r := syncOK(t, b)
		if r.Refused == 0 {
			t.Errorf("an offline receipt on approved accounts: sync %+v, want it refused", r)
		}
		refused, err := b.RefusedChanges(t.Context(), jy)
		ok(t, err)
		var reasons []string
		for _, rc := range refused {
			reasons = append(reasons, rc.Reason)
		}
		if !strings.Contains(strings.Join(reasons, "\n"), "regnskabet for 2026 er godkendt på generalforsamlingen") {
			t.Errorf("the refusals do not name the approved year: %q", reasons)
		}
		if ops := noerr.Get(h.store.FieldOps(context.Background(), "attachments", late.ID, "owner_id"))(t); len(ops) != 0 {
			t.Errorf("the hub hung a late receipt on an approved line: %v", ops)
		}
		if ops := noerr.Get(h.store.FieldOps(context.Background(), "attachments", rec.ID, ""))(t); len(ops) != 0 {
			t.Errorf("the hub took a receipt off an approved line: %v", ops)
		}

		// A tampered laptop.
		held := hubOps(t, h.store, jy)
		foreign := model.AccountEntry{CouncilID: ho, Date: day(2026, 2, 1), Text: "Holmstrups kaffe", Kind: model.EntryExpense, Amount: 100_00}
		ok(t, o.SaveAccountEntry(t.Context(), model.AccountEntry{}, &foreign))
		syncOK(t, o)
		sum := rec.SHA256
		newReceipt := func(row, owner string) []storage.Change {
			return []storage.Change{
				forged(t, a, 1, "attachments", row, jy, "owner_kind", "entry"),
				forged(t, a, 2, "attachments", row, jy, "owner_id", owner),
				forged(t, a, 3, "attachments", row, jy, "name", "Falsk.pdf"),
				forged(t, a, 4, "attachments", row, jy, "sha256", sum),
			}
		}
		for name, at := range map[string]struct {
			ops  []storage.Change
			want string
		}{
			"receipt removed": {[]storage.Change{forged(t, a, 1, "attachments", rec.ID, jy, "", "")}, "godkendt på generalforsamlingen"},
			"receipt renamed": {[]storage.Change{forged(t, a, 1, "attachments", rec.ID, jy, "name", "Andet.pdf")}, "godkendt på generalforsamlingen"},
			"receipt moved":   {[]storage.Change{forged(t, a, 1, "attachments", named.ID, jy, "owner_id", coffee.ID)}, "godkendt på generalforsamlingen"},
			"new receipt":     {newReceipt("ny-kvittering", coffee.ID), "godkendt på generalforsamlingen"},
			"other council":   {newReceipt("fremmed", foreign.ID), "andet råd"},
			"line never sent": {newReceipt("ingen-linje", "ukendt-linje"), "findes ikke"},
		} {
			_, err := pushAs(t, h.url, a, signedBy(t, a, at.ops))
			if err == nil || !strings.Contains(err.Error(), at.want) {
				t.Errorf("%s: err = %v, want a refusal saying %q", name, err, at.want)
			}
		}
		if n := hubOps(t, h.store, jy); n != held {
			t.Errorf("the hub holds %d ops after the attacks, had %d", n, held)
		}

		// Erasing a person renames the receipt of the approved year, at
		// the hub and on the other laptop (the PostgreSQL hub takes no
		// erasures yet).
		if _, sqlite := h.store.(*storage.DB); !sqlite {
			return
		}
		_, err = a.ErasePerson(t.Context(), jy, "Anne Brøndum")
		ok(t, err)
		if r := syncOK(t, a); r.Refused != 0 {
			t.Errorf("the erasure was refused: %+v", r)
		}
		syncOK(t, b)
		for _, name := range []any{lastValue(t, h.store, "attachments", named.ID, "name")} {
			if s, _ := name.(string); strings.Contains(s, "Brøndum") || s == "" {
				t.Errorf("the hub's receipt name after the erasure: %v", name)
			}
		}
		if got, err := b.Attachment(t.Context(), named.ID); err != nil || strings.Contains(got.Name, "Brøndum") {
			t.Errorf("laptop b's receipt after the erasure: %q, %v", got.Name, err)
		}
	})
}

// A receipt scanned on the treasurer's laptop reaches the chair's laptop
// through the hub with its file, which opens there with the same bytes.
func TestReceiptFileTravels(t *testing.T) {
	h := newHub(t)
	jy := h.council(t, "Jyderup Lokalråd")
	a := h.laptop(t, "a", jy, 0)
	b := h.laptop(t, "b", jy, time.Second)
	syncOK(t, a)
	coffee := model.AccountEntry{CouncilID: jy, Date: day(2026, 3, 1), Text: "Kaffe", Kind: model.EntryExpense, Amount: 450_00}
	ok(t, a.SaveAccountEntry(t.Context(), model.AccountEntry{}, &coffee))
	scan := blobBytes(40<<10, 7)
	rec := attach(t, a, model.OwnerEntry, coffee.ID, "Kvittering Brugsen.pdf", bytes.NewReader(scan))
	if r := syncOK(t, a); r.BlobsSent != 1 {
		t.Errorf("sent %d files, want the receipt", r.BlobsSent)
	}
	syncOK(t, b)
	got, err := b.Attachments(t.Context(), model.OwnerEntry, coffee.ID)
	ok(t, err)
	if len(got) != 1 || got[0].ID != rec.ID || got[0].Name != "Kvittering Brugsen.pdf" {
		t.Fatalf("laptop b's receipts of the line: %+v", got)
	}
	ok(t, cli.FetchBlob(context.Background(), b, got[0]))
	if data, err := b.ReadAttachment(got[0]); err != nil || !bytes.Equal(data, scan) {
		t.Errorf("laptop b opens the receipt: %v", err)
	}
	if year, err := b.EntryAttachments(t.Context(), jy, 2026); err != nil || len(year) != 1 {
		t.Errorf("laptop b's receipts of 2026: %v, %v", year, err)
	}
}

// A laptop importing a bundle refuses a receipt hung on a line of
// accounts it holds approved, and takes an honest one.
func TestBundleReceiptLock(t *testing.T) {
	h := newHub(t)
	jy := h.council(t, "Jyderup Lokalråd")
	a := h.laptop(t, "a", jy, 0)
	b := h.laptop(t, "b", jy, time.Second)
	coffee := model.AccountEntry{CouncilID: jy, Date: day(2026, 3, 1), Text: "Kaffe", Kind: model.EntryExpense, Amount: 450_00}
	ok(t, a.SaveAccountEntry(t.Context(), model.AccountEntry{}, &coffee))
	year := model.AccountsYear{CouncilID: jy, Year: 2026}
	ok(t, a.SaveAccountsYear(t.Context(), model.AccountsYear{}, &year))
	syncOK(t, a)
	syncOK(t, b)

	// b attaches a receipt and carries it to the town hall on a stick.
	attach(t, b, model.OwnerEntry, coffee.ID, "Kvittering.pdf", strings.NewReader("kvittering"))
	var bb bytes.Buffer
	_, err := cli.WriteBundle(context.Background(), &bb, b, jy)
	ok(t, err)
	// Meanwhile a approved the year and the hub has it.
	approved := year
	approved.Approved = day(2026, 11, 26)
	ok(t, a.SaveAccountsYear(t.Context(), year, &approved))
	syncOK(t, a)
	before := state(t, h.db, jy)
	_, _, err = cli.HubImportBundle(context.Background(), bytes.NewReader(bb.Bytes()), h.db, now, storage.MaxClockSkew)
	if err == nil || !errors.Is(err, storage.ErrRefused) || !strings.Contains(err.Error(), "godkendt på generalforsamlingen") {
		t.Errorf("hub import of a receipt on approved accounts: %v", err)
	}
	if after := state(t, h.db, jy); after != before {
		t.Error("the refused bundle changed the hub")
	}
	// a imports b's bundle: it holds the year approved, and refuses too.
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(bb.Bytes()), a)
	if err == nil || !errors.Is(err, storage.ErrRefused) {
		t.Errorf("laptop import of a receipt on approved accounts: %v", err)
	}
	if got := noerr.Get(a.Attachments(t.Context(), model.OwnerEntry, coffee.ID))(t); len(got) != 0 {
		t.Errorf("laptop a hung the receipt on the approved line: %v", got)
	}
}
