package storage

import (
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
		ok(t, a.SaveMember(model.Member{}, &m))
		ops := mustOps(t, a)
		for _, o := range ops {
			if o.Row == m.ID && o.Field == "phone" && o.Value != phone {
				t.Errorf("op holds %#v, want the text %q", o.Value, phone)
			}
		}
		send(t, a, b)
		ms, err := b.Members(c.ID)
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
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v any
	if err := db.sql.QueryRow("SELECT value FROM changes WHERE seq = 100000").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if s, ok := textOf(v).(string); !ok || s != "12345678" {
		t.Errorf("after the upgrade the op holds %#v, want the text", v)
	}
}
