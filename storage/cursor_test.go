package storage_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"lokalraad/storage"
)

// A cursor's text is what the hub reads back: written and read again it
// is the same cursor; the plain number of every version before streams is
// that number in every stream; anything a hub would not write is refused
// with ErrBadCursor, never read as some other position.
func TestCursorText(t *testing.T) {
	for _, tc := range []struct {
		c    storage.Cursor
		text string
	}{
		{storage.Cursor{}, "0"},
		{storage.UniformCursor(4711), "4711"},
		{storage.Cursor{Floor: 4711, At: map[int64]int64{56: 4714, 3: 4711, 370: 4711 + 36*36}}, "4711.1k-3.aa-100"},
		// A listed stream below the floor lowers it: lower is safe.
		{storage.Cursor{Floor: 10, At: map[int64]int64{1: 7, 2: 12}}, "7.2-5"},
	} {
		if got := tc.c.String(); got != tc.text {
			t.Errorf("%+v: %q, want %q", tc.c, got, tc.text)
		}
		back, err := storage.ParseCursor(tc.text)
		if err != nil {
			t.Fatalf("%q: %v", tc.text, err)
		}
		if back.String() != tc.text {
			t.Errorf("%q read back as %q", tc.text, back.String())
		}
		for id := range tc.c.At {
			if back.Pos(id) != max(tc.c.Pos(id), tc.c.Min()) {
				t.Errorf("%q: stream %d at %d, want %d", tc.text, id, back.Pos(id), tc.c.Pos(id))
			}
		}
	}
	if c, err := storage.ParseCursor("123"); err != nil || c.Pos(99) != 123 || c.Pos(1) != 123 {
		t.Errorf("a plain number: %+v, %v", c, err)
	}
	if c, err := storage.ParseCursor(""); err != nil || c.Min() != 0 {
		t.Errorf("no cursor: %+v, %v", c, err)
	}
	for _, bad := range []string{
		"abc", "-1", "+5", "1.5", "1.a", "1.a-", "1.-3", "1.a-0", "1.a--3", "1.b-1.a-1", "1.a-1.a-2",
		"1.A-1", "9223372036854775808", "9223372036854775800.1-zzzz", "1..a-1", "1.a-1.", " 1", "1 ",
		"5;c1:12", strings.Repeat("9", storage.MaxCursorText+1),
		"0" + strings.Repeat(".1-1", 2),
	} {
		if c, err := storage.ParseCursor(bad); !errors.Is(err, storage.ErrBadCursor) {
			t.Errorf("%.30q read as %+v, %v", bad, c, err)
		}
	}
	var many strings.Builder
	many.WriteString("0")
	for i := range storage.MaxCursorStreams + 1 {
		many.WriteString("." + strconv.FormatInt(int64(i+1), 36) + "-1")
	}
	if _, err := storage.ParseCursor(many.String()); !errors.Is(err, storage.ErrBadCursor) {
		t.Errorf("a cursor of %d streams: %v", storage.MaxCursorStreams+1, err)
	}
}
