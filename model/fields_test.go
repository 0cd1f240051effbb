package model

import "testing"

// Every field of the registry names itself for the screens and for
// messages, and an enum knows its values and their type.
func TestRegistryIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range Entities() {
		if seen[e.Table] || e.Noun == "" || e.A == "" || len(e.Fields) == 0 {
			t.Errorf("%s: registered twice, or without nouns or fields", e.Table)
		}
		seen[e.Table] = true
		for _, f := range e.Fields {
			if f.Label == "" || f.Danish == "" || f.Kind == 0 {
				t.Errorf("%s.%s lacks a label, a Danish name or a kind", e.Table, f.Column)
			}
			if f.Kind == FieldEnum && (len(f.Enum) == 0 || f.typed == nil) {
				t.Errorf("%s.%s is an enum without values", e.Table, f.Column)
			}
			if (f.Kind == FieldText || f.Kind == FieldLongText) && f.Max == 0 {
				t.Errorf("%s.%s is text without a length limit", e.Table, f.Column)
			}
			if e.Municipal && f.Municipal() {
				t.Errorf("%s.%s: a municipal table's fields are all the municipality's already", e.Table, f.Column)
			}
		}
	}
}

// Who may write what: the municipality's fields and data, and the
// council's creation of a wish with its answer empty.
func TestWritesMunicipal(t *testing.T) {
	for _, c := range []struct {
		council, table, col string
		v                   any
		fresh, want         bool
	}{
		{"c1", "budget_wishes", "title", "Bænke", false, false},
		{"c1", "budget_wishes", "answer", "", true, false},        // a new wish, answer empty
		{"c1", "budget_wishes", "answer", "", false, true},        // clearing an answer
		{"c1", "budget_wishes", "answer", "bevilget", true, true}, // answering
		{"c1", "budget_wishes", "granted", int64(0), true, false}, // a new wish, nothing granted
		{"c1", "budget_wishes", "granted", int64(100), true, true},
		{"c1", "budget_wishes", "status", string(WishSubmitted), false, false},
		{"c1", "budget_wishes", "status", string(WishAnswered), false, true},
		{"c1", "pools", "name", "Puljen", true, true},
		{MunicipalityID, "announcements", "title", "Nyt", true, true},
		{"c1", "meetings", "title", "Bestyrelsesmøde", false, false},
		{"c1", "no_such_table", "x", "y", false, false},
	} {
		if got := WritesMunicipal(c.council, c.table, c.col, c.v, c.fresh); got != c.want {
			t.Errorf("WritesMunicipal(%s, %s.%s = %v, fresh %v) = %v", c.council, c.table, c.col, c.v, c.fresh, got)
		}
	}
	if !LongText("agenda_items", "notes") || LongText("budget_wishes", "answer_text") || LongText("x", "y") {
		t.Error("LongText disagrees with the registry")
	}
}
