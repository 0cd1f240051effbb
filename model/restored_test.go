package model

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// RestoredNames finds a name only where a line is the erased line with
// the name back in FormerMember's place, and never a name the erased text
// still mentions or a word that is no name.
func TestRestoredNames(t *testing.T) {
	for _, tc := range []struct {
		name           string
		ancestor, text string
		want           []string
	}{
		{"a line brought back", "Linje 1\ntidligere medlem kom\nLinje 3\n",
			"Linje 1\nKaren Østergaard kom\nLinje 3 (b)\n", []string{"Karen Østergaard"}},
		{"longest first, once in any case", "tidligere medlem kom\nspurgte tidligere medlem\ntidligere medlem gik\n",
			"Karen kom\nspurgte Karen Østergaard\nKAREN gik\n", []string{"Karen Østergaard", "Karen"}},
		{"the text as erased", "Linje 1\ntidligere medlem kom\n", "Linje 1\ntidligere medlem kom\nny linje\n", nil},
		{"no erasure in the ancestor", "Linje 1\nKaren kom\n", "Linje 1\nKaren Østergaard kom\n", nil},
		{"a name the ancestor still mentions", "tidligere medlem kom\nJens Hansen sagde ja\n",
			"Jens Hansen kom\nJens Hansen sagde ja\n", nil},
		{"a word that is no name", "tidligere medlem kom\n", "ikke kom\n", nil},
		{"more changed on the line", "tidligere medlem kom\n", "Karen kom ikke\n", nil},
		{"a lower-case word in the name", "tidligere medlem kom\n", "Hans von Holstein kom\n", nil},
		{"a new line beside an erased line of its shape", "Til stede:\ntidligere medlem\nJens Hansen\n",
			"Til stede:\ntidligere medlem\nJens Hansen\nPeter Jensen\nEventuelt\n", nil},
		{"the last line without a newline", "Linje 1\ntidligere medlem kom", "Linje 1\nKaren kom", []string{"Karen"}},
		// An attendee added to a list that names a person erased long
		// ago is no name brought back: the erased line is still there.
		{"a line added beside an old erasure", "tidligere medlem\nSøren\n", "tidligere medlem\nSøren\nJens\n", nil},
		{"the erased line kept, a name put before it", "Søren\ntidligere medlem\n", "Søren\nJens\ntidligere medlem\n", nil},
		{"a name in the place of one of two erased lines", "tidligere medlem\nSøren\ntidligere medlem\n",
			"tidligere medlem\nSøren\nKaren Østergaard\nJens\n", []string{"Karen Østergaard"}},
		{"an attendee list", "tidligere medlem\nSøren\nMette\n", "Karen Østergaard\nSøren\nMette\nJens\n", []string{"Karen Østergaard"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RestoredNames(tc.ancestor, tc.text); !slices.Equal(got, tc.want) {
				t.Errorf("RestoredNames = %q, want %q", got, tc.want)
			}
		})
	}
	if got := EraseNames("Karen Østergaard og Karen", []string{"Karen Østergaard", "Karen"}); got != "tidligere medlem og tidligere medlem" {
		t.Errorf("EraseNames = %q", got)
	}
}

// A text of many lines alike, each the ancestor's line with another
// capitalised word: RestoredNames aligns a bounded number of them.
func BenchmarkRestoredNamesManyLikeLines(b *testing.B) {
	var anc, text strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&anc, "tidligere medlem Punkt%d\n", i)
		fmt.Fprintf(&text, "Navn%d Punkt%d\n", i, 20000-i)
	}
	for b.Loop() {
		RestoredNames(anc.String(), text.String())
	}
}

// An erasure's check does bounded work: a crafted line of names alike
// (each "tidligere medlem" could end a name at any of the next tokens) is
// no erasure, found with few allocations, while a long text of real
// minutes with the name on every line is one.
func TestScrubMeetWorkIsBounded(t *testing.T) {
	const n = 2000
	crafted := strings.Repeat(FormerMember+" X ", n) + "Z\n"
	names := strings.Repeat("B C X ", n) + "W\n"
	if allocs := testing.AllocsPerRun(1, func() { ScrubMeet(names, crafted) }); allocs > 100_000 {
		t.Errorf("checking a crafted erasure of one line of %d characters: %.0f allocations", len(crafted), allocs)
	}
	var before, after strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&before, "Punkt %d: Karen Østergaard og Søren Hansen talte om stien ved Skarresø.\n", i)
		fmt.Fprintf(&after, "Punkt %d: %s og Søren Hansen talte om stien ved Skarresø.\n", i, FormerMember)
	}
	if !ScrubbedOnly(before.String(), after.String()) {
		t.Error("a long text with the name erased on every line is not taken for an erasure")
	}
	if ns, ok := ErasedNames(before.String(), after.String()); !ok || !slices.Equal(ns, []string{"Karen Østergaard"}) && len(ns) != 3000 {
		t.Errorf("ErasedNames of the long text = %d names, %v", len(ns), ok)
	}
}

// MeetErasedLines takes a line one side erased as erased into the
// ancestor and into the other side where it kept the line, and changes
// nothing else: not the other side's own lines naming the person, not a
// line the other side changed.
func TestMeetErasedLines(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		anc, ours, theirs       string
		wantAnc, wantOurs, want string
	}{
		{"the erasure's edit against a line written beside it",
			"Linje 1\nKaren Østergaard kom\nLinje 3\n",
			"Linje 1\ntidligere medlem kom\nLinje 3\n",
			"Linje 1\nKaren Østergaard kom\nT1 Karen Østergaard sagde\n",
			"Linje 1\ntidligere medlem kom\nLinje 3\n",
			"Linje 1\ntidligere medlem kom\nLinje 3\n",
			"Linje 1\ntidligere medlem kom\nT1 Karen Østergaard sagde\n"},
		{"the other side changed the line",
			"Karen Østergaard kom\n", "Peter Jensen kom\n", "tidligere medlem kom\n",
			"tidligere medlem kom\n", "Peter Jensen kom\n", "tidligere medlem kom\n"},
		{"no erased line",
			"Karen kom\n", "Karen kom\nny\n", "Karen kom for sent\n",
			"Karen kom\n", "Karen kom\nny\n", "Karen kom for sent\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			anc, ours, theirs := MeetErasedLines(tc.anc, tc.ours, tc.theirs)
			if anc != tc.wantAnc || ours != tc.wantOurs || theirs != tc.want {
				t.Errorf("MeetErasedLines =\n%q\n%q\n%q\nwant\n%q\n%q\n%q", anc, ours, theirs, tc.wantAnc, tc.wantOurs, tc.want)
			}
		})
	}
}
