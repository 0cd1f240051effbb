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
	o, a, b := splitLines(base), splitLines(ours), splitLines(theirs)
	ma, mb := matchLines(o, a), matchLines(o, b)
	var out strings.Builder
	resolve := func(os, as, bs []string) {
		switch {
		case equalLines(as, os):
			writeLines(&out, bs)
		case equalLines(bs, os), equalLines(as, bs):
			writeLines(&out, as)
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
