package model

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// What a results page says about a counted round besides the winners: the
// invalid ballots grouped by what was wrong with them, and the turnout.
// Shared by the results PDF, the workbook and the screens.

// PBInvalidGroup is the invalid ballots of one kind of fault.
type PBInvalidGroup struct {
	Reason  string // the fault in the language asked for, without the ballot's own numbers
	Numbers []int  // the ballots' numbers, ascending
}

// invalidKind gives the kind of fault of a CheckBallot reason: the
// reasons name the proposal or count ("for mange krydser: 4, højst 3"),
// which would make a group of every ballot.
func invalidKind(reason string) string {
	switch {
	case strings.HasPrefix(reason, "forslag nr. ") && strings.HasSuffix(reason, "er ikke på stemmesedlen"):
		return "kryds ved et nummer, der ikke er på stemmesedlen"
	case strings.HasPrefix(reason, "forslag nr. ") && strings.HasSuffix(reason, "to gange"):
		return "kryds ved samme forslag to gange"
	case strings.HasPrefix(reason, "for mange krydser"):
		return "for mange krydser"
	case strings.HasPrefix(reason, "for mange point"):
		return "for mange point"
	case strings.HasPrefix(reason, "de valgte forslag koster"):
		return "de valgte forslag koster mere end puljen"
	}
	return reason
}

// PBInvalidGroups groups invalid ballots by the kind of fault, said in
// language l, the largest group first (then by reason). An invalid ballot
// without a recorded fault (made elsewhere than Tally) is grouped by its
// Danish reason.
func PBInvalidGroups(inv []PBInvalid, l Lang) []PBInvalidGroup {
	idx := map[string]int{}
	var out []PBInvalidGroup
	for _, b := range inv {
		k := b.Fault.KindText(l)
		if b.Fault.Kind == "" {
			k = invalidKind(b.Reason)
		}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, PBInvalidGroup{Reason: k})
		}
		out[i].Numbers = append(out[i].Numbers, b.Ballot.Number)
	}
	for i := range out {
		slices.Sort(out[i].Numbers)
	}
	slices.SortStableFunc(out, func(a, b PBInvalidGroup) int {
		return cmp.Or(cmp.Compare(len(b.Numbers), len(a.Numbers)), strings.Compare(a.Reason, b.Reason))
	})
	return out
}

// TurnoutPercent is ballots against population as a Danish percentage with
// one decimal, rounded half up ("12,5 %"); "" when the population is not
// known.
func TurnoutPercent(ballots, population int) string {
	if population <= 0 {
		return ""
	}
	permille := (int64(ballots)*2000 + int64(population)) / (2 * int64(population))
	return fmt.Sprintf("%d,%d %%", permille/10, permille%10)
}
