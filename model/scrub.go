package model

// What an erasure may do to a text.
//
// An erasure (Erase, Anonymise) replaces a person's name by FormerMember
// and changes nothing else. When an erasure travels to other replicas it
// rewrites texts, also approved and locked minutes, so every receiver
// checks that the rewrite is one: ScrubMeet aligns two versions of a text
// and accepts them only when every difference is a name on one side where
// the other side has FormerMember.

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameTokens bounds a name: words and the spaces and marks between
// them ("Anne-Mette O'Brien Ærenlund" is 7 tokens).
const maxNameTokens = 15

var formerTokens = tokens(FormerMember)

// tokens splits a text into words (runs of letters, digits and hyphens, as
// Mentions sees words) and single other characters.
func tokens(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			out = append(out, s[i:i+n])
			i += n
			continue
		}
		j := i + n
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r) {
				break
			}
			j += n
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

func isWord(tok string) bool {
	r, _ := utf8.DecodeRuneInString(tok)
	return isWordRune(r)
}

// ScrubMeet tells whether a and b are two erasures of one text: equal but
// for names on one side where the other has FormerMember. It returns the
// text with every name either side erased erased (the most erased of the
// two), which does not depend on the order of a and b. A name is one to
// fifteen tokens on one line starting with a word; it must start with a
// capital letter, or be the same name (in any case) as another erased
// name that does, so that an "erasure" cannot turn "ikke" into "tidligere
// medlem" and so reverse a decision.
func ScrubMeet(a, b string) (string, bool) {
	if a == b {
		return a, true
	}
	ta, tb := tokens(a), tokens(b)
	left := alignWork(ta, tb)
	s := aligner{a: ta, b: tb, failed: map[[2]int]bool{}, left: &left}
	if !s.align(0, 0) {
		return "", false
	}
	// Names must look like names.
	for _, n := range s.names {
		if !startsUpper(n) && !hasUpperTwin(n, s.names) {
			return "", false
		}
	}
	var out strings.Builder
	for i := len(s.path) - 1; i >= 0; i-- {
		out.WriteString(s.path[i])
	}
	return out.String(), true
}

// ScrubbedOnly tells whether after is before with names erased and
// nothing else changed: what an erasure may write to a locked text.
func ScrubbedOnly(before, after string) bool {
	m, ok := ScrubMeet(before, after)
	return ok && m == after
}

// ErasedNames tells whether after is before with names erased and nothing
// else changed (ScrubbedOnly), and which names of before were erased: what
// an erasure that reached a replica while an editor held before did to it,
// so that the editor's save can erase the same names from what it writes.
func ErasedNames(before, after string) ([]string, bool) {
	return erasedNames(before, after, nil)
}

// erasedNames is ErasedNames within the work left (nil: alignWork's).
func erasedNames(before, after string, left *int) ([]string, bool) {
	if before == after {
		return nil, true
	}
	ta, tb := tokens(before), tokens(after)
	if left == nil {
		w := alignWork(ta, tb)
		left = &w
	}
	s := aligner{a: ta, b: tb, failed: map[[2]int]bool{}, left: left}
	if !s.align(0, 0) {
		return nil, false
	}
	var out strings.Builder
	for i := len(s.path) - 1; i >= 0; i-- {
		out.WriteString(s.path[i])
	}
	if out.String() != after {
		return nil, false // after names someone before had erased
	}
	for _, n := range s.names {
		if !startsUpper(n) && !hasUpperTwin(n, s.names) {
			return nil, false
		}
	}
	sort.Strings(s.names)
	return s.names, true
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

func hasUpperTwin(n string, names []string) bool {
	for _, m := range names {
		if startsUpper(m) && strings.EqualFold(m, n) {
			return true
		}
	}
	return false
}

// aligner matches two token lists. Where neither side has FormerMember the
// tokens must be equal, so only the choice of a name's end branches; failed
// remembers positions that led nowhere, so the search stays linear in
// practice. path and names are built on the way back from a success, in
// reverse.
type aligner struct {
	a, b   []string
	failed map[[2]int]bool
	path   []string
	names  []string
	// left is the work an alignment may still do (tokens compared,
	// positions tried): alignWork's, or shared by RestoredNames across
	// the lines it aligns. Past it nothing more aligns.
	left *int
}

// alignWork is the work an alignment of two texts may do: an erasure of
// real texts costs about the tokens of one of them (a name's end is
// chosen among a few tokens, and a position that led nowhere is not tried
// again; TestScrubMeetWorkIsBounded passes with a quarter of this), a
// crafted line of names alike the square of them, which a receiver
// checking an erasure at its door must not pay; past it the texts are
// no erasure of each other, on every replica alike.
func alignWork(a, b []string) int { return 4*(len(a)+len(b)) + 4096 }

// spend takes n from the work left, telling whether there was enough.
func (s *aligner) spend(n int) bool {
	if *s.left < n {
		*s.left = 0
		return false
	}
	*s.left -= n
	return true
}

func (s *aligner) former(t []string, i int) bool {
	if i+len(formerTokens) > len(t) {
		return false
	}
	for k, f := range formerTokens {
		if t[i+k] != f {
			return false
		}
	}
	return true
}

func (s *aligner) align(i, j int) bool {
	start := len(s.path)
	var run strings.Builder
	// Equal tokens where no placeholder stands need no choice.
	for i < len(s.a) && j < len(s.b) && !s.former(s.a, i) && !s.former(s.b, j) {
		if s.a[i] != s.b[j] || !s.spend(1) {
			return false
		}
		run.WriteString(s.a[i])
		i, j = i+1, j+1
	}
	ok := s.alignAt(i, j)
	if ok && run.Len() > 0 {
		s.path = append(s.path, run.String())
	}
	if !ok {
		s.path = s.path[:start]
	}
	return ok
}

func (s *aligner) alignAt(i, j int) bool {
	if i == len(s.a) && j == len(s.b) {
		return true
	}
	key := [2]int{i, j}
	if s.failed[key] || !s.spend(1) {
		return false
	}
	fa, fb := s.former(s.a, i), s.former(s.b, j)
	n := len(formerTokens)
	switch {
	case fa && fb:
		if s.align(i+n, j+n) {
			s.path = append(s.path, FormerMember)
			return true
		}
	case fa:
		if s.name(s.b, j, func(k int) bool { return s.align(i+n, k) }) {
			return true
		}
	case fb:
		if s.name(s.a, i, func(k int) bool { return s.align(k, j+n) }) {
			return true
		}
	}
	s.failed[key] = true
	return false
}

// name tries every name starting at t[i] (shortest first), continuing
// with rest after it.
func (s *aligner) name(t []string, i int, rest func(end int) bool) bool {
	if i >= len(t) || !isWord(t[i]) {
		return false
	}
	for k := i + 1; k <= len(t) && k-i <= maxNameTokens; k++ {
		if strings.ContainsAny(t[k-1], "\n\r") {
			return false
		}
		if k < len(t) && isWord(t[k-1]) && isWord(t[k]) {
			continue // a name ends at a word's end
		}
		if rest(k) {
			s.path = append(s.path, FormerMember)
			s.names = append(s.names, strings.Join(t[i:k], ""))
			return true
		}
	}
	return false
}

// RestoredNames lists the names that text brings back into ancestor, an
// erased text: text was written on ancestor's lines as they stood before
// an erasure rewrote them, so where text has, in the place of a line of
// ancestor with FormerMember (the two texts aligned line by line, as
// Merge3 aligns them), that line with a name instead, the name is one the
// erasure took out (an edit made offline while another laptop erased a
// person, merged from the state its author saw, whose copies the erasure
// has since rewritten). A line added beside an erased line that is still
// there is no such name, nor is a name ancestor still mentions. Longer
// names come first, so that erasing them in order (EraseNames) leaves no
// part of one behind.
func RestoredNames(ancestor, text string) []string {
	if !strings.Contains(ancestor, FormerMember) || text == "" {
		return nil
	}
	// Lines are compared as Merge3 compares them: the last with its
	// newline whether or not the text has one.
	o, t := splitLines(withNewline(ancestor)), splitLines(withNewline(text))
	var names []string
	w := newPairing()
	eachChangedBlock(o, t, matchLines(o, t), func(_ int, os, ts []string) {
		w.pair(ts, os, func(_, _ int, ns []string) {
			for _, n := range ns {
				if !Mentions(ancestor, n) && !slices.ContainsFunc(names, func(x string) bool { return strings.EqualFold(x, n) }) {
					names = append(names, n)
				}
			}
		})
	})
	sort.SliceStable(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	return names
}

// MeetErasedLines takes the lines that ours or theirs erased into the
// other two texts: where a side has, in the place of a line of ancestor,
// that line with FormerMember where it has a name, ancestor's line
// becomes the erased one, and so does the other side's line where it kept
// ancestor's line as it was. No other line changes. Such a side is an
// erasure's own edit of the text, merged before the erasure's rewrite of
// the change log arrived: the merge then comes out as it will once that
// rewrite gives ancestor those lines. A hand edit that writes "tidligere
// medlem" in a name's place is the same to it, and changes only that line.
func MeetErasedLines(ancestor, ours, theirs string) (string, string, string) {
	if ancestor == "" || !strings.Contains(ours, FormerMember) && !strings.Contains(theirs, FormerMember) {
		return ancestor, ours, theirs
	}
	// Lines are compared as Merge3 compares them: the last with its
	// newline whether or not the text has one (asGiven takes it away
	// again).
	o, a, b := splitLines(withNewline(ancestor)), splitLines(withNewline(ours)), splitLines(withNewline(theirs))
	ma, mb := matchLines(o, a), matchLines(o, b)
	erased := map[int]string{} // ancestor's line → its erased form
	w := newPairing()
	for _, side := range []struct {
		lines []string
		match []int
	}{{a, ma}, {b, mb}} {
		eachChangedBlock(o, side.lines, side.match, func(at int, os, ts []string) {
			w.pair(os, ts, func(i, j int, _ []string) {
				if _, done := erased[at+i]; !done {
					erased[at+i] = ts[j]
				}
			})
		})
	}
	if len(erased) == 0 {
		return ancestor, ours, theirs
	}
	for i, l := range erased {
		o[i] = l
		if k := ma[i]; k >= 0 {
			a[k] = l
		}
		if k := mb[i]; k >= 0 {
			b[k] = l
		}
	}
	return asGiven(ancestor, o), asGiven(ours, a), asGiven(theirs, b)
}

// asGiven is lines joined, without the last newline when text, which they
// stand for, had none.
func asGiven(text string, lines []string) string {
	s := strings.Join(lines, "")
	if !endsInNewline(text) {
		s = strings.TrimSuffix(s, "\n")
	}
	return s
}

// eachChangedBlock calls f with each block of o that t changed (from o's
// line at) and the lines of t in its place, between two lines t kept
// (match: matchLines(o, t)), as Merge3 sees the change.
func eachChangedBlock(o, t []string, match []int, f func(at int, os, ts []string)) {
	for io, it := 0, 0; ; {
		for io < len(o) && match[io] == it {
			io, it = io+1, it+1
		}
		next := io // the next line of o that t kept
		for next < len(o) && match[next] < 0 {
			next++
		}
		end := len(t)
		if next < len(o) {
			end = match[next]
		}
		if io < next && it < end {
			f(io, o[io:next], t[it:end])
		}
		if next == len(o) {
			break
		}
		io, it = next, end
	}
}

// pairing pairs lines with names with their erased forms, within the
// bounds of maxRestoreTries and maxRestoreWork over all its calls.
type pairing struct{ tries, left int }

func newPairing() *pairing { return &pairing{left: maxRestoreWork} }

// pair pairs each line of erased with FormerMember, in order, with the
// first line of named not paired yet that is it with names in
// FormerMember's place, and calls found with their indexes and the names.
func (w *pairing) pair(named, erased []string, found func(i, j int, names []string)) {
	bySkeleton := map[string][]int{}
	for i, l := range named {
		k := skeleton(l)
		bySkeleton[k] = append(bySkeleton[k], i)
	}
	used := make([]bool, len(named))
	for j, m := range erased {
		if !strings.Contains(m, FormerMember) {
			continue
		}
		for _, i := range bySkeleton[skeleton(strings.ReplaceAll(m, FormerMember, ""))] {
			if used[i] {
				continue
			}
			if w.tries++; w.tries > maxRestoreTries {
				return
			}
			ns, ok := erasedNames(named[i], m, &w.left)
			if !ok || len(ns) == 0 {
				continue
			}
			used[i] = true
			found(i, j, ns)
			break
		}
	}
}

// maxRestoreTries bounds the pairs of lines RestoredNames aligns: a
// changed block of many lines alike, each a line of the ancestor with
// another capitalised word, would otherwise cost their product. Real
// minutes name an erased person on a few lines.
const maxRestoreTries = 4096

// maxRestoreWork bounds the work of RestoredNames's alignments together
// (aligner.left): a line of real minutes costs about its tokens, a
// crafted line of many names alike the square of them.
const maxRestoreWork = 1 << 18

// skeleton is a line without its capitalised words and white space: the
// same for a line with a name and the line with FormerMember in its place
// (FormerMember taken out first), so that RestoredNames aligns only the
// lines that can match. A name with a lower-case word in it ("Hans von
// Holstein") gives another skeleton and is not found from that line.
func skeleton(line string) string {
	var b strings.Builder
	for _, t := range tokens(line) {
		if isWord(t) && startsUpper(t) || strings.TrimSpace(t) == "" {
			continue
		}
		b.WriteString(t)
	}
	return b.String()
}

// EraseNames replaces every whole-word mention of each name in text by
// FormerMember, in the order given.
func EraseNames(text string, names []string) string {
	for _, n := range names {
		text = Anonymise(text, n, FormerMember)
	}
	return text
}
