package storage

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"lokalraad/model"
)

// A text that looks like a number (a phone number, a postcode with a
// leading zero) stays text in the change log, so it syncs as text.
func TestNumberLikeTextSyncsAsText(t *testing.T) {
	a, b, c, _, _ := setup(t)
	for _, phone := range []string{"12345678", "0045 1234", "007", "1e5", "3.14"} {
		m := model.Member{CouncilID: c.ID, Name: "Karen Ø", Role: model.RoleMember, Phone: phone}
		ok(t, a.SaveMember(t.Context(), model.Member{}, &m))
		ops := mustOps(t, a)
		for _, o := range ops {
			if o.Row == m.ID && o.Field == "phone" && o.Value != phone {
				t.Errorf("op holds %#v, want the text %q", o.Value, phone)
			}
		}
		send(t, a, b)
		ms, err := b.Members(t.Context(), c.ID)
		ok(t, err)
		found := false
		for _, got := range ms {
			if got.ID == m.ID {
				found = true
				if got.Phone != phone {
					t.Errorf("phone on b = %q, want %q", got.Phone, phone)
				}
			}
		}
		if !found {
			t.Errorf("member with phone %q did not reach b", phone)
		}
	}
}

// A database from before: its change log turned a phone number into an
// integer. Opening it turns it back into the text it was, so it syncs.
func TestUpgradeTurnsNumberLikeTextBack(t *testing.T) {
	data, err := os.ReadFile("testdata/schema-v3.db")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var device, council string
	if err := raw.QueryRow("SELECT device, council_id FROM changes WHERE tbl = 'councils' LIMIT 1").Scan(&device, &council); err != nil {
		t.Fatal(err)
	}
	// What the old column did to a member's phone: numeric affinity.
	if _, err := raw.Exec(`INSERT INTO changes(device, seq, hlc, tbl, row_id, council_id, field, value, base)
		VALUES (?, 100000, 1, 'members', 'm-old', ?, 'phone', '12345678', '')`, device, council); err != nil {
		t.Fatal(err)
	}
	var typ string
	raw.QueryRow("SELECT typeof(value) FROM changes WHERE seq = 100000").Scan(&typ)
	raw.Close()
	if typ != "integer" {
		t.Fatalf("the old schema stored %s; the test assumes it made an integer", typ)
	}
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v any
	if err := db.sql().QueryRow("SELECT value FROM changes WHERE seq = 100000").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if s, ok := textOf(v).(string); !ok || s != "12345678" {
		t.Errorf("after the upgrade the op holds %#v, want the text", v)
	}
}

// A council laptop importing a workbook with the municipality's answers in
// it (its own export, or typed) writes none of them: the server would
// refuse them, and the laptop's sync would fail from then on. The staff's
// import keeps them.
func TestImportLeavesTheAnswerToTheMunicipality(t *testing.T) {
	a, _, c, _, _ := setup(t)
	kept := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Bænke", Status: model.WishSubmitted}
	ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &kept))
	answered := func(w model.BudgetWish) model.BudgetWish {
		w.Status, w.Answer, w.AnswerText, w.Granted = model.WishAnswered, model.AnswerGranted, "Ja", 50_000_00
		return w
	}
	fresh := answered(model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Shelter", Justification: "Til spejderne"})
	ok(t, a.Import(t.Context(), nil, nil, []model.BudgetWish{answered(kept), fresh}))
	ws, err := a.BudgetWishes(t.Context(), c.ID, 2027)
	ok(t, err)
	if len(ws) != 2 {
		t.Fatalf("wishes: %+v", ws)
	}
	for _, w := range ws {
		if w.Status != model.WishSubmitted || w.Answer != "" || w.AnswerText != "" || w.Granted != 0 {
			t.Errorf("a council's import wrote the answer: %+v", w)
		}
		if w.Title == "Shelter" && w.Justification != "Til spejderne" {
			t.Errorf("the rest of the row was lost: %+v", w)
		}
	}
	staff := replica(t, "staff")
	ok(t, staff.SetMeta(t.Context(), MetaStaff, "1"))
	send(t, a, staff)
	ok(t, staff.Import(t.Context(), nil, nil, []model.BudgetWish{answered(kept)}))
	ws, err = staff.BudgetWishes(t.Context(), c.ID, 2027)
	ok(t, err)
	for _, w := range ws {
		if w.ID == kept.ID && (w.Status != model.WishAnswered || w.Granted != 50_000_00) {
			t.Errorf("the staff's import lost the answer: %+v", w)
		}
	}
}

// A delete the server refused is set aside: the row comes back here as it
// is everywhere else, and the delete is in the refused list.
func TestSetAsideDeleteBringsTheRowBack(t *testing.T) {
	a, _, c, _, it := setup(t)
	ok(t, a.DeleteAgendaItem(t.Context(), it.ID))
	ops, err := a.PendingOps(context.Background(), c.ID, 1000)
	ok(t, err)
	del := ops[len(ops)-1]
	if del.Field != "" || del.Row != it.ID {
		t.Fatalf("last op is not the delete: %+v", del)
	}
	ok(t, a.SetAside(context.Background(), del, "godkendt referat", model.Locked))
	got, err := a.AgendaItem(t.Context(), it.ID)
	ok(t, err)
	if got.Notes != it.Notes || got.Title != it.Title {
		t.Errorf("row back as %+v, want %+v", got, it)
	}
	refused, err := a.RefusedChanges(t.Context(), c.ID)
	ok(t, err)
	if len(refused) != 1 || refused[0].Row != it.ID || refused[0].Reason != "godkendt referat" {
		t.Errorf("refused = %+v", refused)
	}
	other := ops[0]
	other.Device = "en-anden-enhed"
	if err := a.SetAside(context.Background(), other, "x", ""); err == nil {
		t.Error("another device's op was set aside")
	}
	ok(t, a.AckOps(context.Background(), ops[0].Seq))
	if err := a.SetAside(context.Background(), ops[0], "x", ""); err == nil {
		t.Error("an op the server holds was set aside")
	}
}
