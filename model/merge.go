package model

import "strings"

// Merge3 merges two edits of a long text (minutes, descriptions,
// justifications) line by line from their common ancestor base, the way
// diff3 does: lines changed on one side only are taken from that side, lines
// changed the same way on both sides are taken once. Where both sides
// changed the same lines differently, ours is kept in merged and the hunk is
// counted in conflicts; the caller keeps theirs as a visible conflict so that
// nothing is lost.
//
// Two refinements of diff3 keep a line added beside another's edit in the
// text instead of only in a conflict (a tester's new line vanished from the
// minutes that way):
//   - The newline after the last line is merged apart from the lines, so
//     that a line added at the end of a text that lacks one (as a typed
//     text usually does) does not count as an edit of its last line.
//   - Lines one side added just after lines it kept, which the other side
//     changed or deleted, go after the other side's version of them, when
//     each kept line stands once in the ancestor and in that side. Lines
//     both sides added at the same place stay a conflict: their order is
//     nobody's to choose.
//
// Merge3 is deterministic; when conflicts is 0 the result does not depend on
// which side is ours.
func Merge3(base, ours, theirs string) (merged string, conflicts int) {
	if ours == theirs {
		return ours, 0
	}
	if base == ours {
		return theirs, 0
	}
	if base == theirs {
		return ours, 0
	}
	merged, conflicts = mergeLines(withNewline(base), withNewline(ours), withNewline(theirs))
	// The last newline as ours has it if ours changed it, else as theirs;
	// an empty text has none to change.
	nl := func(s string) bool { return endsInNewline(s) || s == "" && endsInNewline(base) }
	end := nl(theirs)
	if nl(ours) != nl(base) {
		end = nl(ours)
	}
	// A last line that is empty keeps its newline: without it the line
	// would be gone. A line that ends in CR LF loses both.
	if !end && merged != "\n" && !strings.HasSuffix(merged, "\n\n") {
		merged = strings.TrimSuffix(strings.TrimSuffix(merged, "\n"), "\r")
	}
	return merged, conflicts
}

func endsInNewline(s string) bool { return strings.HasSuffix(s, "\n") }

// withNewline is s ending in a newline, unless it is empty.
func withNewline(s string) string {
	if s == "" || endsInNewline(s) {
		return s
	}
	return s + "\n"
}

// mergeLines is Merge3 of texts whose every line ends in a newline.
func mergeLines(base, ours, theirs string) (merged string, conflicts int) {
	o, a, b := splitLines(base), splitLines(ours), splitLines(theirs)
	ma, mb := matchLines(o, a), matchLines(o, b)
	var out strings.Builder
	// once tells whether line l stands once in base and once in text
	// side (1 ours, 2 theirs); each text's lines are counted when first
	// asked.
	texts := [3][]string{o, a, b}
	var counts [3]map[string]int
	once := func(l string, side int) bool {
		for _, i := range []int{0, side} {
			if counts[i] == nil {
				counts[i] = make(map[string]int, len(texts[i]))
				for _, x := range texts[i] {
					counts[i][x]++
				}
			}
			if counts[i][l] != 1 {
				return false
			}
		}
		return true
	}
	resolve := func(os, as, bs []string) {
		switch {
		case equalLines(as, os):
			writeLines(&out, bs)
		case equalLines(bs, os), equalLines(as, bs):
			writeLines(&out, as)
		case besideKept(&out, os, as, bs, func(l string) bool { return once(l, 1) }),
			besideKept(&out, os, bs, as, func(l string) bool { return once(l, 2) }):
		default:
			conflicts++
			writeLines(&out, as)
		}
	}
	io, ia, ib := 0, 0, 0
	for {
		n := 0
		for io+n < len(o) && ma[io+n] == ia+n && mb[io+n] == ib+n {
			n++
		}
		if n > 0 {
			writeLines(&out, o[io:io+n])
			io, ia, ib = io+n, ia+n, ib+n
			continue
		}
		next := -1
		for k := io; k < len(o); k++ {
			if ma[k] >= 0 && mb[k] >= 0 {
				next = k
				break
			}
		}
		if next < 0 {
			if io < len(o) || ia < len(a) || ib < len(b) {
				resolve(o[io:], a[ia:], b[ib:])
			}
			break
		}
		resolve(o[io:next], a[ia:ma[next]], b[ib:mb[next]])
		io, ia, ib = next, ma[next], mb[next]
	}
	return out.String(), conflicts
}

// besideKept writes, when side (a hunk of one text) kept the ancestor's
// lines os whole and only added lines just after them, and other has not
// kept os, other's version followed by side's added lines, and tells
// whether it did. When other kept os too, both added lines beside them: a
// conflict. once tells whether a line stands once in the ancestor and once
// in side's text.
//
// The line alignment (matchLines) says which lines side kept, and it
// cannot tell a kept line from an equal line added elsewhere: with
// "Beslutning: Godkendt" under every item, side's new item could stand
// for the old one that side in fact changed (a review's case: the other
// side's decision then moved under the new item, and the new item's line
// was lost). So each line of os must stand once in the ancestor and in
// side's text, and only lines added after os count: lines added before a
// line read as the line's edit as often as not.
//
// The lines are counted once a text (once), not once a hunk: a crafted
// pair of texts of 100,000 characters cost seconds a merge, on every
// replica and the hub. Checked first, the lines of os stand once, so
// containsRun's partial matches cannot overlap and it reads other once.
func besideKept(out *strings.Builder, os, side, other []string, once func(string) bool) bool {
	if len(os) == 0 || len(side) <= len(os) || !equalLines(side[:len(os)], os) {
		return false
	}
	for _, l := range os {
		if !once(l) {
			return false
		}
	}
	if containsRun(other, os) {
		return false
	}
	writeLines(out, other)
	writeLines(out, side[len(os):])
	return true
}

// containsRun tells whether run stands in lines, whole and in order.
func containsRun(lines, run []string) bool {
	for i := 0; i+len(run) <= len(lines); i++ {
		if equalLines(lines[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

// splitLines splits text after each newline; the last line may lack one.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func writeLines(b *strings.Builder, lines []string) {
	for _, l := range lines {
		b.WriteString(l)
	}
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// maxLCSCells bounds the work of matchLines: texts whose changed middle is
// larger than this are compared as one changed block.
const maxLCSCells = 4 << 20

// matchLines matches the lines of o to the lines of a by a longest common
// subsequence: m[i] is the index in a of o[i], or -1. Matches increase.
func matchLines(o, a []string) []int {
	m := make([]int, len(o))
	for i := range m {
		m[i] = -1
	}
	// Common prefix and suffix first: edits are usually small.
	pre := 0
	for pre < len(o) && pre < len(a) && o[pre] == a[pre] {
		m[pre] = pre
		pre++
	}
	suf := 0
	for suf < len(o)-pre && suf < len(a)-pre && o[len(o)-1-suf] == a[len(a)-1-suf] {
		m[len(o)-1-suf] = len(a) - 1 - suf
		suf++
	}
	os, as := o[pre:len(o)-suf], a[pre:len(a)-suf]
	n, k := len(os), len(as)
	if n == 0 || k == 0 || n*k > maxLCSCells {
		return m
	}
	// lcs[i][j] = length of the LCS of os[i:] and as[j:].
	lcs := make([]int32, (n+1)*(k+1))
	at := func(i, j int) int { return i*(k+1) + j }
	for i := n - 1; i >= 0; i-- {
		for j := k - 1; j >= 0; j-- {
			if os[i] == as[j] {
				lcs[at(i, j)] = lcs[at(i+1, j+1)] + 1
			} else if l, r := lcs[at(i+1, j)], lcs[at(i, j+1)]; l >= r {
				lcs[at(i, j)] = l
			} else {
				lcs[at(i, j)] = r
			}
		}
	}
	for i, j := 0, 0; i < n && j < k; {
		switch {
		case os[i] == as[j]:
			m[pre+i] = pre + j
			i++
			j++
		case lcs[at(i+1, j)] >= lcs[at(i, j+1)]:
			i++
		default:
			j++
		}
	}
	return m
}
