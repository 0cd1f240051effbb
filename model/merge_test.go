package model

import (
	"fmt"
	"strings"
	"testing"
)

func TestMerge3(t *testing.T) {
	base := "Dagsorden\nPunkt 1: Stien\nPunkt 2: Økonomi\nPunkt 3: Eventuelt\n"
	tests := []struct {
		name, ours, theirs, want string
		conflicts                int
	}{
		{"no change", base, base, base, 0},
		{"ours only", strings.Replace(base, "Stien", "Stien langs søen", 1), base, strings.Replace(base, "Stien", "Stien langs søen", 1), 0},
		{"theirs only", base, base + "Punkt 4: Næste møde\n", base + "Punkt 4: Næste møde\n", 0},
		{"both, apart", strings.Replace(base, "Stien", "Stien langs søen", 1), strings.Replace(base, "Eventuelt", "Eventuelt (Åse)", 1),
			"Dagsorden\nPunkt 1: Stien langs søen\nPunkt 2: Økonomi\nPunkt 3: Eventuelt (Åse)\n", 0},
		{"same change both", strings.Replace(base, "Økonomi", "Regnskab", 1), strings.Replace(base, "Økonomi", "Regnskab", 1), strings.Replace(base, "Økonomi", "Regnskab", 1), 0},
		{"overlap keeps ours", strings.Replace(base, "Økonomi", "Regnskab", 1), strings.Replace(base, "Økonomi", "Budget", 1), strings.Replace(base, "Økonomi", "Regnskab", 1), 1},
		{"both append", base + "A\n", base + "B\n", base + "A\n", 1},
		{"insert at top and delete at end", "Overskrift\n" + base, "Dagsorden\nPunkt 1: Stien\nPunkt 2: Økonomi\n",
			"Overskrift\nDagsorden\nPunkt 1: Stien\nPunkt 2: Økonomi\n", 0},
		{"replace against delete all", "a\n", "", "a\n", 1},
		// The last newline is merged apart from the lines: ours took it
		// away, theirs added a line.
		{"no final newline", "Dagsorden\nPunkt 1: Stien\nPunkt 2: Økonomi\nPunkt 3: Eventuelt", base + "x\n", "Dagsorden\nPunkt 1: Stien\nPunkt 2: Økonomi\nPunkt 3: Eventuelt\nx", 0},
		// A line added just after a line the other side changed or deleted
		// goes after the other side's version.
		{"add after a line the other changed", strings.Replace(base, "Eventuelt\n", "Eventuelt\nPunkt 4: Næste møde\n", 1), strings.Replace(base, "Eventuelt", "Eventuelt (Åse)", 1),
			"Dagsorden\nPunkt 1: Stien\nPunkt 2: Økonomi\nPunkt 3: Eventuelt (Åse)\nPunkt 4: Næste møde\n", 0},
		// Lines added just before a line the other changed read as the
		// line's edit as often as not (an edit of it, with its old text
		// again further down): a conflict, as in diff3.
		{"add before a line the other changed", strings.Replace(base, "Punkt 2", "Punkt 1b: Bænke\nPunkt 2", 1), strings.Replace(base, "Økonomi", "Regnskab", 1),
			"Dagsorden\nPunkt 1: Stien\nPunkt 1b: Bænke\nPunkt 2: Økonomi\nPunkt 3: Eventuelt\n", 1},
		{"add after a line the other deleted", base + "Punkt 4: Næste møde\n", strings.Replace(base, "Punkt 3: Eventuelt\n", "", 1),
			"Dagsorden\nPunkt 1: Stien\nPunkt 2: Økonomi\nPunkt 4: Næste møde\n", 0},
		// One rewrites a line into two, the other adds a line after it:
		// the added line follows the rewrite, on either side.
		{"add after a line the other rewrote into two", strings.Replace(base, "Eventuelt\n", "Eventuelt (Åse)\nA\n", 1), base + "B\n",
			strings.Replace(base, "Eventuelt\n", "Eventuelt (Åse)\nA\nB\n", 1), 0},
		// Both keep a line and add beside it: the order of the added
		// lines is nobody's to choose.
		{"both add after a kept line", strings.Replace(base, "Økonomi\n", "Økonomi\nA\n", 1), strings.Replace(base, "Økonomi\n", "Økonomi\nB\n", 1),
			strings.Replace(base, "Økonomi\n", "Økonomi\nA\n", 1), 1},
		{"both add at the end", base + "A\n", base + "B\n", base + "A\n", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, n := Merge3(base, tc.ours, tc.theirs)
			if got != tc.want || n != tc.conflicts {
				t.Errorf("Merge3 = %q, %d; want %q, %d", got, n, tc.want, tc.conflicts)
			}
			if n == 0 {
				if back, _ := Merge3(base, tc.theirs, tc.ours); back != got {
					t.Errorf("a clean merge depends on the order: %q vs %q", back, got)
				}
			}
		})
	}
}

// A line after which one side added lines, and which the other changed,
// may be another copy of an equal line when it stands twice: a conflict,
// as in diff3 (TestMrevRepeatedLineEditLandsUnderAnotherItem is the case
// where that was wrong).
func TestMerge3KeptLineThatStandsTwice(t *testing.T) {
	base := "Punkt 1\nGodkendt\nPunkt 2\nGodkendt\n"
	a := base + "Punkt 3\n"
	b := "Punkt 1\nGodkendt\nPunkt 2\nUdsat\n"
	if got, n := Merge3(base, a, b); got != a || n != 1 {
		t.Errorf("Merge3 = %q, %d; want ours and a conflict", got, n)
	}
}

// The last newline merged apart loses no empty line, and no half of a CR
// LF (a review's cases).
func TestMerge3LastNewline(t *testing.T) {
	for _, c := range []struct{ base, ours, theirs, want string }{
		{"a\n", "a", "a\n\n", "a\n\n"},
		{"a\nb\n", "a\nb", "a\nb\n\n", "a\nb\n\n"},
		{"a\r\n", "a", "a\r\nb\r\n", "a\nb"},
		{"a", "a\nb", "a", "a\nb"},
		{"a", "a\nb", "c", "c\nb"},
	} {
		for _, sides := range [][2]string{{c.ours, c.theirs}, {c.theirs, c.ours}} {
			if got, n := Merge3(c.base, sides[0], sides[1]); got != c.want || n != 0 {
				t.Errorf("Merge3(%q, %q, %q) = %q, %d; want %q, 0", c.base, sides[0], sides[1], got, n, c.want)
			}
		}
	}
}

// A tester's case: laptop A adds a line at the end of minutes that end
// without a newline, as typed minutes do, and laptop B changes the last
// line. The added line vanished from the field into a conflict; now both
// stand in the text, on either laptop.
func TestMerge3LineAddedAtTheEndBesideAnEdit(t *testing.T) {
	base := "Linje 4 efter Return\nLinje 5"
	a := base + "\nLinje 6 fra formanden"
	b := "Linje 4 efter Return\nLinje 5 rettet af sekretæren"
	want := "Linje 4 efter Return\nLinje 5 rettet af sekretæren\nLinje 6 fra formanden"
	for _, sides := range [][2]string{{a, b}, {b, a}} {
		if got, n := Merge3(base, sides[0], sides[1]); got != want || n != 0 {
			t.Errorf("Merge3 = %q, %d; want %q, 0", got, n, want)
		}
	}
}

// A clean merge keeps every line either side added.
func FuzzMerge3(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nB\nc\n", "a\nb\nC\n")
	f.Add("", "x", "y")
	f.Fuzz(func(t *testing.T, base, ours, theirs string) {
		got, n := Merge3(base, ours, theirs)
		if n > 0 {
			return
		}
		if ours == base && got != theirs || theirs == base && got != ours {
			t.Fatalf("one-sided merge changed the edit: %q", got)
		}
		back, m := Merge3(base, theirs, ours)
		if m != 0 || back != got {
			t.Fatalf("clean merge not symmetric: %q vs %q", got, back)
		}
	})
}

func ExampleMerge3() {
	base := "Deltagere: Karen, Søren\nSagen blev drøftet.\nBeslutning: udsat\n"
	ours := "Deltagere: Karen, Søren, Şule\nSagen blev drøftet.\nBeslutning: udsat\n"
	theirs := "Deltagere: Karen, Søren\nSagen blev drøftet.\nBeslutning: vedtaget\n"
	merged, conflicts := Merge3(base, ours, theirs)
	fmt.Print(merged, conflicts, "\n")
	// Output:
	// Deltagere: Karen, Søren, Şule
	// Sagen blev drøftet.
	// Beslutning: vedtaget
	// 0
}

// Cost: a crafted pair of texts within the 100,000 characters a text may
// have, where one laptop kept every line and added one, and the other
// replaced every line. Counting the kept lines once a hunk against the
// whole text cost 2–5 s a merge, on every replica and the hub; counted once
// a text it is milliseconds.
func BenchmarkMerge3CraftedBesideKept(b *testing.B) {
	var base, other strings.Builder
	for i := 0; base.Len() < 95_000; i++ {
		fmt.Fprintf(&base, "%x\n", i)
		fmt.Fprintf(&other, "z%x\n", i)
	}
	side := base.String() + "x\n"
	for b.Loop() {
		if _, n := Merge3(base.String(), side, other.String()); n != 0 {
			b.Fatalf("%d conflicts", n)
		}
	}
}
