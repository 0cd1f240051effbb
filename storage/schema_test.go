package storage

import (
	"testing"
)

// Each database reads its own schema and keeps it: one that could not
// read it (closed here) leaves no error behind for another, nor for its
// own next try, and a column one database has is not taken for another's.
func TestSchemaIsEachDatabases(t *testing.T) {
	gone := replica(t, "gone")
	ok(t, gone.sql().Close())
	if _, err := gone.schema(t.Context()); err == nil {
		t.Fatal("a closed database read its schema")
	}

	wider := replica(t, "wider")
	if _, err := wider.sql().Exec("ALTER TABLE members ADD COLUMN shoe_size INTEGER"); err != nil {
		t.Fatal(err)
	}
	cols, err := wider.schema(t.Context())
	ok(t, err)
	if isInt, has := cols["members"]["shoe_size"]; !has || !isInt {
		t.Errorf("the wider database's own column: has %v, integer %v", has, isInt)
	}
	if order := wider.columns("members"); len(order) == 0 || order[len(order)-1] != "shoe_size" {
		t.Errorf("the wider database's members in table order: %v", order)
	}

	plain := replica(t, "plain")
	cols, err = plain.schema(t.Context())
	ok(t, err)
	if _, has := cols["members"]["shoe_size"]; has {
		t.Error("another database's column was taken for this one's")
	}
	if _, has := cols["members"]["name"]; !has {
		t.Errorf("members' columns: %v", cols["members"])
	}
}
