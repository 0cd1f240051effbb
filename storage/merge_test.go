package storage

import (
	"strings"
	"testing"
)

// op builds a field op for the rule tables: device d, seq s, clock h, what
// it had seen (a context "=d:s,…", "" for nothing, or a legacy op id).
func op(d string, s, h int64, value any, base string) fieldOp {
	return fieldOp{v: version{h, d}, seq: s, value: value, base: base}
}

// TestMergeRule is the merge rule, one row per rule (merge.go's
// invariants). Changing a rule changes the rows that name it.
func TestMergeRule(t *testing.T) {
	const text = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n"
	line := func(k int, s string) string { // text with line k (1-based) set to s
		ls := strings.SplitAfter(text, "\n")
		ls[k-1] = s + "\n"
		return strings.Join(ls, "")
	}
	lines := func(set map[int]string) string {
		ls := strings.SplitAfter(text, "\n")
		for k, s := range set {
			ls[k-1] = s + "\n"
		}
		return strings.Join(ls, "")
	}
	tests := []struct {
		name      string
		long      bool
		sticky    any
		ops       []fieldOp
		want      any
		conflicts int // kept values
		other     any // the kept value of the last conflict
	}{
		{
			name: "sequential edit (I2)",
			ops:  []fieldOp{op("a", 1, 10, "Stien", ""), op("b", 1, 20, "Søen", "=a:1")},
			want: "Søen",
		},
		{
			name: "a device has seen its own earlier ops (I2)",
			ops:  []fieldOp{op("a", 1, 10, "Stien", ""), op("a", 2, 20, "Søen", "")},
			want: "Søen",
		},
		{
			name: "equal values (I3)",
			ops:  []fieldOp{op("a", 1, 10, "x", ""), op("b", 1, 20, "Søen", "=a:1"), op("c", 1, 30, "Søen", "=a:1")},
			want: "Søen",
		},
		{
			name:      "concurrent short field: later wins, earlier kept (I4)",
			ops:       []fieldOp{op("a", 1, 10, "x", ""), op("b", 1, 20, "Stien", "=a:1"), op("c", 1, 30, "Søen", "=a:1")},
			want:      "Søen",
			conflicts: 1, other: "Stien",
		},
		{
			name:      "concurrent short field, the tie broken by device (I4)",
			ops:       []fieldOp{op("a", 1, 10, "x", ""), op("b", 1, 20, "Stien", "=a:1"), op("c", 1, 20, "Søen", "=a:1")},
			want:      "Søen",
			conflicts: 1, other: "Stien",
		},
		{
			name: "clean long-text merge (I5)",
			long: true,
			ops:  []fieldOp{op("a", 1, 10, text, ""), op("b", 1, 20, line(2, "B"), "=a:1"), op("c", 1, 30, line(9, "C"), "=a:1")},
			want: lines(map[int]string{2: "B", 9: "C"}),
		},
		{
			name:      "overlapping long-text merge: later kept in the text, the other kept whole (I6)",
			long:      true,
			ops:       []fieldOp{op("a", 1, 10, text, ""), op("b", 1, 20, line(5, "B"), "=a:1"), op("c", 1, 30, line(5, "C"), "=a:1")},
			want:      line(5, "C"),
			conflicts: 1, other: line(5, "B"),
		},
		{
			name: "edit on a merged state replaces it (I5)",
			long: true,
			ops: []fieldOp{op("a", 1, 10, text, ""), op("b", 1, 20, line(2, "B"), "=a:1"), op("c", 1, 30, line(9, "C"), "=a:1"),
				op("d", 1, 40, lines(map[int]string{2: "B", 9: "D"}), "=a:1,b:1,c:1")},
			want: lines(map[int]string{2: "B", 9: "D"}),
		},
		{
			// Finding 1: d edited line 5 of the merge of a, b and c; e's
			// edit of line 7 sorts before d's but d never saw it. It must
			// stay, and d's edit must not bring back stale lines.
			name: "late op before an edit on a merged state (I5)",
			long: true,
			ops: []fieldOp{op("a", 1, 10, text, ""), op("b", 1, 20, line(2, "B"), "=a:1"), op("c", 1, 30, line(10, "C"), "=a:1"),
				op("e", 1, 35, line(7, "E"), "=a:1"),
				op("d", 1, 40, lines(map[int]string{2: "B", 10: "C", 5: "D"}), "=a:1,b:1,c:1")},
			want: lines(map[int]string{2: "B", 10: "C", 5: "D", 7: "E"}),
		},
		{
			// Edits three lines apart made on a merged text: no false
			// conflict, no stale line back.
			name: "two edits on the same merged state (I5)",
			long: true,
			ops: []fieldOp{op("a", 1, 10, text, ""), op("b", 1, 20, line(2, "B"), "=a:1"), op("c", 1, 30, line(8, "C"), "=a:1"),
				op("d", 1, 40, lines(map[int]string{2: "B", 8: "C", 4: "D"}), "=a:1,b:1,c:1"),
				op("e", 1, 50, lines(map[int]string{2: "B", 8: "C", 7: "E"}), "=a:1,b:1,c:1")},
			want: lines(map[int]string{2: "B", 8: "C", 4: "D", 7: "E"}),
		},
		{
			name:      "answered status: a council edit that never saw the answer loses (I8)",
			sticky:    "besvaret",
			ops:       []fieldOp{op("c", 1, 10, "indsendt", ""), op("k", 1, 20, "besvaret", "=c:1"), op("c", 2, 30, "udkast", "=c:1")},
			want:      "besvaret",
			conflicts: 1, other: "udkast",
		},
		{
			name:   "answered status: an edit that had seen the answer replaces it (I8)",
			sticky: "besvaret",
			ops:    []fieldOp{op("c", 1, 10, "indsendt", ""), op("k", 1, 20, "besvaret", "=c:1"), op("k", 2, 30, "indsendt", "=c:1,k:1")},
			want:   "indsendt",
		},
		{
			name: "an older version's single-op base: saw everything up to it",
			long: true,
			ops:  []fieldOp{op("a", 1, 10, text, ""), op("b", 1, 20, line(2, "B"), "a:1"), op("c", 1, 30, line(9, "C"), "a:1")},
			want: lines(map[int]string{2: "B", 9: "C"}),
		},
		{
			name: "an op whose base op is not held yet replaces the nothing before it",
			ops:  []fieldOp{op("b", 2, 20, "Søen", "=a:1")},
			want: "Søen",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rule := fieldRule{long: tt.long}
			if tt.sticky != nil {
				rule.sticky = func(v any) bool { return sameValue(v, tt.sticky) }
			}
			st := replayField(tt.ops, rule)
			if !sameValue(st.value, tt.want) {
				t.Errorf("value = %q, want %q", st.value, tt.want)
			}
			if len(st.conflicts) != tt.conflicts {
				t.Fatalf("%d conflicts, want %d: %+v", len(st.conflicts), tt.conflicts, st.conflicts)
			}
			if tt.conflicts > 0 && !sameValue(st.conflicts[len(st.conflicts)-1].other, tt.other) {
				t.Errorf("kept %q, want %q", st.conflicts[len(st.conflicts)-1].other, tt.other)
			}
			// I1: the fast path agrees when it applies.
			if len(tt.ops) > 1 && sequential(tt.ops[:len(tt.ops)-1], tt.ops[len(tt.ops)-1:]) {
				if !sameValue(tt.ops[len(tt.ops)-1].value, st.value) {
					t.Errorf("fast path would give %q, replay %q", tt.ops[len(tt.ops)-1].value, st.value)
				}
			}
		})
	}
}

// TestRowAlive is the delete rule (I7), one row per case.
func TestRowAlive(t *testing.T) {
	e := func(d string, s, h int64) rowOp { return rowOp{field: "title", v: version{h, d}, seq: s} }
	del := func(d string, s, h int64, know string) rowOp { return rowOp{v: version{h, d}, seq: s, know: know} }
	tests := []struct {
		name        string
		edits, dels []rowOp
		alive       bool
	}{
		{"no delete", []rowOp{e("a", 1, 10)}, nil, true},
		{"a delete that saw every edit", []rowOp{e("a", 1, 10), e("b", 1, 20)}, []rowOp{del("c", 1, 30, "=a:1,b:1")}, false},
		{"a concurrent edit beats the delete", []rowOp{e("a", 1, 10), e("b", 1, 20)}, []rowOp{del("c", 1, 30, "=a:1")}, true},
		{"an unseen edit that sorts before the delete still beats it", []rowOp{e("a", 1, 10), e("b", 1, 5)}, []rowOp{del("c", 1, 30, "=a:1")}, true},
		{"a delete saw its own device's earlier edits", []rowOp{e("a", 1, 10)}, []rowOp{del("a", 2, 20, "=")}, false},
		{"saved again after its own delete", []rowOp{e("a", 1, 10), e("a", 3, 30)}, []rowOp{del("a", 2, 20, "=a:1")}, true},
		{"an older version's delete: the latest version per field", []rowOp{e("a", 1, 10), e("b", 1, 5)}, []rowOp{del("c", 1, 30, "title\t10\ta\n")}, false},
	}
	for _, tt := range tests {
		if got := rowAlive(tt.edits, tt.dels); got != tt.alive {
			t.Errorf("%s: alive = %v, want %v", tt.name, got, tt.alive)
		}
	}
}

func TestContextRoundTrip(t *testing.T) {
	vv := map[string]int64{"b": 7, "a": 3}
	base := encodeContext(vv)
	if base != "=a:3,b:7" {
		t.Fatalf("encoded %q", base)
	}
	if !Saw(base, "a", 3) || Saw(base, "a", 4) || !Saw(base, "b", 1) || Saw(base, "c", 1) {
		t.Errorf("Saw disagrees with %q", base)
	}
	for _, bad := range []string{"=", "=a", "=a:0", "=a:1,a:2", "=a:x", "x", "=a:1,,b:2"} {
		ctx, ok := parseContext(bad)
		if bad == "=" {
			if !ok || ctx.vv == nil || len(ctx.vv) != 0 {
				t.Errorf("%q: want the empty context", bad)
			}
			continue
		}
		if ok {
			t.Errorf("%q parsed as %+v", bad, ctx)
		}
	}
}

// FuzzParseContext: any base a bundle or a request may carry parses
// without panicking, and a context that parses writes back as itself.
func FuzzParseContext(f *testing.F) {
	for _, s := range []string{"", "=", "=a:1", "=a:1,b:2", "a:1", "a:1*", "=a:1,a:2", "=:1", "=a:-1", "=a:9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ctx, ok := parseContext(s)
		if !ok || ctx.vv == nil || len(ctx.vv) == 0 {
			return
		}
		if got := encodeContext(ctx.vv); got != s {
			back, ok := parseContext(got)
			if !ok || len(back.vv) != len(ctx.vv) {
				t.Fatalf("%q wrote back as %q", s, got)
			}
			for d, n := range ctx.vv {
				if back.vv[d] != n {
					t.Fatalf("%q wrote back as %q", s, got)
				}
			}
		}
	})
}

// A replica renewed after losing its key moves its unsent ops (after
// acked) to a new id; what their contexts had seen moves with them.
func TestMoveContext(t *testing.T) {
	for _, tt := range []struct{ base, want string }{
		{"", ""},
		{"=", "="},
		{"=old:3", "=old:3"},                     // all sent: stays
		{"=old:7", "=new:7,old:5"},               // saw sent and unsent ops
		{"=new:2,old:9,x:4", "=new:9,old:5,x:4"}, // already some of new's
		{"old:7", "new:7"},                       // an older version's base
		{"old:4*", "old:4*"},
	} {
		if got := moveContext(tt.base, "old", "new", 5); got != tt.want {
			t.Errorf("moveContext(%q) = %q, want %q", tt.base, got, tt.want)
		}
	}
	if got := moveContext("=old:2", "old", "new", 0); got != "=new:2" {
		t.Errorf("nothing sent: %q", got)
	}
}
