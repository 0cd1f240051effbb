package model

import (
	"math/rand"
	"strings"
	"testing"
)

// Minutes repeat lines: every item ends in "Beslutning: Godkendt". Laptop
// A changes item 1's decision and adds item 2 with the same decision line
// item 1 had; laptop B, from the same base, changes item 1's decision
// otherwise. Both changed item 1's decision: a conflict, as before 3e87ee8.
// 3e87ee8's besideKept took A's new item-2 decision line as "base's item-1
// line, kept", dropped it, and put B's item-1 decision under item 2, with
// no conflict: A's line was in neither the text nor a conflict, and the
// minutes said item 2 was postponed.
func TestMrevRepeatedLineEditLandsUnderAnotherItem(t *testing.T) {
	base := "Punkt 1: Stien\nBeslutning: Godkendt\n"
	a := "Punkt 1: Stien\nBeslutning: Godkendt med rettelser\nPunkt 2: Bænke\nBeslutning: Godkendt\n"
	b := "Punkt 1: Stien\nBeslutning: Udsat\n"
	for _, sides := range [][2]string{{a, b}, {b, a}} {
		got, n := Merge3(base, sides[0], sides[1])
		if n > 0 {
			continue // the theirs side is kept whole as a conflict
		}
		if !strings.Contains(got, "Punkt 2: Bænke\nBeslutning: Godkendt\n") || strings.Contains(got, "Punkt 2: Bænke\nBeslutning: Udsat") {
			t.Errorf("Merge3(base, %q, %q) = %q, 0 conflicts: item 2's decision lost, item 1's edit moved under item 2", sides[0], sides[1], got)
		}
	}
}

// mrevTexts is every text of up to three lines from "a", "b", "c" and the
// empty line, with and without a final newline, and the empty text.
func mrevTexts() []string {
	seen := map[string]bool{"": true}
	out := []string{""}
	var gen func(pre []string)
	gen = func(pre []string) {
		if len(pre) > 0 {
			s := strings.Join(pre, "\n")
			for _, x := range []string{s, s + "\n"} {
				if !seen[x] {
					seen[x] = true
					out = append(out, x)
				}
			}
		}
		if len(pre) == 3 {
			return
		}
		for _, l := range []string{"a", "b", "c", ""} {
			gen(append(append([]string{}, pre...), l))
		}
	}
	gen(nil)
	return out
}

func mrevCount(s string) map[string]int {
	m := map[string]int{}
	for _, l := range splitLines(s) {
		m[strings.TrimSuffix(l, "\n")]++
	}
	return m
}

// Holds (review of 3e87ee8): over random triples of small texts, a clean
// merge is the same either way round, and a non-empty line a side added
// (more copies than base has) stays in the merge, or in theirs when there
// is a conflict. Empty lines are left out (TestMerge3LastNewline has the
// blank line added at the end beside a final newline taken away).
// The count check cannot see a line that equals a base line (see
// TestMrevRepeatedLineEditLandsUnderAnotherItem).
func TestMrevPropertySymmetricKeepsAddedLines(t *testing.T) {
	ts := mrevTexts()
	r := rand.New(rand.NewSource(1))
	for it := 0; it < 300000; it++ {
		base, a, b := ts[r.Intn(len(ts))], ts[r.Intn(len(ts))], ts[r.Intn(len(ts))]
		m, n := Merge3(base, a, b)
		if n == 0 {
			if m2, n2 := Merge3(base, b, a); m2 != m || n2 != 0 {
				t.Fatalf("Merge3(%q, %q, %q) = %q, 0 but the other way round %q, %d", base, a, b, m, m2, n2)
			}
		}
		cb, cm, ct := mrevCount(base), mrevCount(m), mrevCount(b)
		for _, side := range []string{a, b} {
			for l, c := range mrevCount(side) {
				if l != "" && c > cb[l] && cm[l] == 0 && !(n > 0 && ct[l] > 0) {
					t.Fatalf("Merge3(%q, %q, %q) = %q, %d: line %q lost", base, a, b, m, n, l)
				}
			}
		}
	}
}
