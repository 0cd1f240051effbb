package model

import (
	"fmt"
	"math/big"
)

// The count's reasons in the reader's language: why a ballot is invalid
// (PBFault) and why a proposal was or was not funded (StepReason). Danish
// is the default everywhere; an English screen, PDF, workbook or
// `--lang en` output says the same in English. The reasons are built from
// what the check and the count recorded, never by translating a sentence.

// PBFaultKind is what is wrong with an invalid ballot.
type PBFaultKind string

// The kinds of fault of a ballot.
const (
	FaultBlank     PBFaultKind = "blank"      // nothing marked (and blank ballots are invalid)
	FaultNotOn     PBFaultKind = "not_on"     // a number that is not on the ballot
	FaultTwice     PBFaultKind = "twice"      // the same proposal marked twice
	FaultTooMany   PBFaultKind = "too_many"   // more marks than allowed
	FaultOverPot   PBFaultKind = "over_pot"   // the marked proposals cost more than the pot
	FaultTooMuchPt PBFaultKind = "too_many_p" // more points than allowed
)

// PBFault is why a ballot is invalid, with the numbers the sentence needs.
type PBFault struct {
	Kind   PBFaultKind
	Number int   // the proposal (FaultNotOn, FaultTwice)
	Count  int64 // marks or points given, or what the marks cost (øre)
	Max    int64 // marks or points allowed, or the pot (øre)
}

// checkBallotFault is CheckBallot's rule: the fault, or ok.
func checkBallotFault(r PBRound, onBallot map[int]PBProposal, b PBBallot) (PBFault, bool) {
	if len(b.Marks) == 0 {
		if r.BlankValid {
			return PBFault{}, true
		}
		return PBFault{Kind: FaultBlank}, false
	}
	seen := map[int]bool{}
	var cost, points int64
	for _, m := range b.Marks {
		p, ok := onBallot[m.Number]
		if !ok {
			return PBFault{Kind: FaultNotOn, Number: m.Number}, false
		}
		if seen[m.Number] {
			return PBFault{Kind: FaultTwice, Number: m.Number}, false
		}
		seen[m.Number] = true
		cost += p.VoteCost()
		points += m.Points
	}
	switch r.BallotKind {
	case PBApproval:
		if r.MaxChoices > 0 && len(b.Marks) > r.MaxChoices {
			return PBFault{Kind: FaultTooMany, Count: int64(len(b.Marks)), Max: int64(r.MaxChoices)}, false
		}
	case PBApprovalPot:
		if cost > r.Pot {
			return PBFault{Kind: FaultOverPot, Count: cost, Max: r.Pot}, false
		}
	case PBPoints:
		if points > int64(r.Points) {
			return PBFault{Kind: FaultTooMuchPt, Count: points, Max: int64(r.Points)}, false
		}
	}
	return PBFault{}, true
}

// CheckBallotIn is CheckBallot with the reason in language l.
func CheckBallotIn(r PBRound, onBallot map[int]PBProposal, b PBBallot, l Lang) string {
	f, ok := checkBallotFault(r, onBallot, b)
	if ok {
		return ""
	}
	return f.Text(l)
}

// Text is the fault as a sentence for one ballot.
func (f PBFault) Text(l Lang) string {
	en := l == English
	switch f.Kind {
	case FaultBlank: // nothing of its own to say
		return f.KindText(l)
	case FaultNotOn:
		return fmt.Sprintf(pick(en, "forslag nr. %d er ikke på stemmesedlen", "proposal no. %d is not on the ballot"), f.Number)
	case FaultTwice:
		return fmt.Sprintf(pick(en, "forslag nr. %d er sat kryds ved to gange", "proposal no. %d is marked twice"), f.Number)
	case FaultTooMany:
		return fmt.Sprintf(pick(en, "for mange krydser: %d, højst %d", "too many marks: %d, at most %d"), f.Count, f.Max)
	case FaultOverPot:
		return fmt.Sprintf(pick(en, "de valgte forslag koster %s, mere end puljen på %s", "the marked proposals cost %s, more than the pot of %s"), Kroner(f.Count), Kroner(f.Max))
	case FaultTooMuchPt:
		return fmt.Sprintf(pick(en, "for mange point: %d, højst %d", "too many points: %d, at most %d"), f.Count, f.Max)
	}
	return ""
}

// KindText is the kind of fault without the ballot's own numbers, to
// group invalid ballots by.
func (f PBFault) KindText(l Lang) string {
	t := faultKindTexts[f.Kind]
	return pick(l == English, t[0], t[1])
}

// faultKindTexts name the kinds of fault in Danish and English.
var faultKindTexts = map[PBFaultKind][2]string{
	FaultBlank:     {"blank stemmeseddel", "blank ballot"},
	FaultNotOn:     {"kryds ved et nummer, der ikke er på stemmesedlen", "a mark at a number that is not on the ballot"},
	FaultTwice:     {"kryds ved samme forslag to gange", "the same proposal marked twice"},
	FaultTooMany:   {"for mange krydser", "too many marks"},
	FaultOverPot:   {"de valgte forslag koster mere end puljen", "the marked proposals cost more than the pot"},
	FaultTooMuchPt: {"for mange point", "too many points"},
}

// pick is da, or eng when en: a text of the model in the language asked.
func pick(en bool, da, eng string) string {
	if en {
		return eng
	}
	return da
}

// StepReason explains a step of the count in language l: Danish is the
// count's own sentence (CountStep.Reason); English says the same from the
// step's figures. points tells that votes were points (a points ballot,
// or totals reported by places).
func StepReason(st CountStep, m CountMethod, points bool, l Lang) string {
	if l != English {
		return st.Reason
	}
	cost := st.Cost
	if cost == nil {
		cost = new(big.Rat)
	}
	left := st.Left
	if left == nil {
		left = new(big.Rat)
	}
	if m == CountVotes {
		votes := func(n int64) string {
			switch {
			case points:
				return fmt.Sprintf("%d points", n)
			case n == 1:
				return "1 vote"
			}
			return fmt.Sprintf("%d votes", n)
		}
		switch {
		case st.Score <= 0 && st.Supporters > 0:
			return fmt.Sprintf("Not chosen: the proposal got %s in all, and only proposals with more than 0 points can be chosen.", votes(st.Score))
		case st.Score <= 0:
			return "Not chosen: nobody voted for the proposal."
		case st.Funded:
			return fmt.Sprintf("Chosen with %s: the price %s was within the %s that were left.",
				votes(st.Score), ratKroner(cost), ratKroner(new(big.Rat).Add(left, cost)))
		}
		return fmt.Sprintf("Not chosen: %s, but the price %s is more than the %s that were left.",
			votes(st.Score), ratKroner(cost), ratKroner(left))
	}
	who := func(n int) string {
		if n == 1 {
			return "the one voter"
		}
		return fmt.Sprintf("the %d voters", n)
	}
	switch {
	case st.Funded && st.PartPayers == 0 && st.Share != nil && cost.Sign() > 0:
		each := " each"
		if st.FullPayers == 1 {
			each = ""
		}
		return fmt.Sprintf("Chosen: %s who voted for the proposal paid %s%s (ρ = %s of the price).",
			who(st.FullPayers), ratKroner(st.Share), each, ratDecimal(new(big.Rat).Quo(st.Share, cost), 6))
	case st.Funded && st.Share != nil && st.PartPaid != nil:
		each := " each"
		if st.FullPayers == 1 {
			each = ""
		}
		return fmt.Sprintf("Chosen: %d of those who voted for the proposal paid %s%s, and %d paid all they had left (%s in all).",
			st.FullPayers, ratKroner(st.Share), each, st.PartPayers, ratKroner(st.PartPaid))
	case st.Funded:
		return fmt.Sprintf("Chosen: its voters paid the price %s.", ratKroner(cost))
	case st.Supporters == 0:
		return "Not chosen: nobody voted for the proposal."
	case cost.Sign() == 0:
		return "Not chosen: the proposal costs 0 kr., and equal shares choose only proposals that cost something."
	}
	return fmt.Sprintf("Not chosen: %s who voted for the proposal did not have %s left together.", who(st.Supporters), ratKroner(cost))
}

// StepReason is a step of the round's count explained in language l.
func (res PBResult) StepReason(st CountStep, l Lang) string {
	return StepReason(st, res.Outcome.Method, res.Points, l)
}
