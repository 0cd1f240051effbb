package model

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"
)

// Counting the votes of a citizen budget (borgerbudget, "participatory
// budgeting"): which proposals are funded from a fixed budget, given the
// citizens' ballots. The rules give exactly the outcomes of pabutools, the
// reference library of pabulib.org, with the deviations the Lokalråd README
// for citizen budgeting names (a proposal nobody voted for is never funded by
// the votes rule; completion of MES adds one currency unit per ballot a round,
// with no greedy step afterwards). Arithmetic is exact (math/big.Rat).

// BallotKind is what a ballot holds, as Pabulib's vote_type.
type BallotKind string

// The ballot kinds.
const (
	BallotApproval   BallotKind = "approval"   // the proposals the voter supports
	BallotCumulative BallotKind = "cumulative" // points spread over proposals
	BallotOrdinal    BallotKind = "ordinal"    // proposals in order of preference
	BallotScoring    BallotKind = "scoring"    // a score per proposal
)

// CountMethod is the rule that turns ballots into funded proposals.
type CountMethod string

// The counting rules.
const (
	// CountVotes funds the proposals with most votes (or points) first,
	// skipping any that no longer fit in what is left.
	CountVotes CountMethod = "votes"
	// CountMES is the Method of Equal Shares with cost satisfaction: every
	// ballot gets an equal share of the budget, and a proposal is funded
	// when its supporters can pay for it together.
	CountMES CountMethod = "mes"
	// CountMESAdd1 is MES completed by raising each ballot's share one
	// currency unit at a time until the budget is used as well as it can be.
	CountMESAdd1 CountMethod = "mes-add1"
)

// Limits on what Count takes, so that a hand-written or hostile file cannot
// make the counting run for ever or overflow.
const (
	MaxElectionProjects = 100_000       // proposals in one election
	MaxElectionBallots  = 10_000_000    // ballots in one election
	MaxBallotPoints     = 1_000_000_000 // points on one proposal on one ballot
	// MaxCompletionRounds bounds the rounds of mes-add1. A real city
	// needs hundreds; the bound only stops nonsense input.
	MaxCompletionRounds = 5_000_000
)

// ElectionProject is a proposal on the ballot. Cost is in currency units
// (kroner), exact; a nil Cost is an error.
type ElectionProject struct {
	ID   string
	Name string
	Cost *big.Rat
}

// ElectionBallot is one citizen's ballot. Projects are the ids named on it;
// on an ordinal ballot in order of preference, first the most preferred.
// Points go with Projects position by position, on cumulative and scoring
// ballots only.
type ElectionBallot struct {
	Projects []string
	Points   []int64
}

// Election is everything the counting needs: the budget, the proposals and
// the ballots.
type Election struct {
	Budget *big.Rat // currency units (kroner), exact; must be ≥ 0
	Kind   BallotKind
	// MaxLength is the most proposals an ordinal ballot may rank; a
	// proposal ranked r (0 for the first) gets MaxLength−r points. 0 means
	// the longest ballot given.
	MaxLength int
	Projects  []ElectionProject
	Ballots   []ElectionBallot
	// TieOrder is an optional drawn lot: on a tie the proposal named
	// earlier here wins. Proposals not named come after those named, in
	// order of id. Without a lot, ties go to the smaller id as a string.
	TieOrder []string
}

// CountStep is one line of the explanation of a count: a proposal that was
// funded or passed over, and why. It carries what a results page needs.
type CountStep struct {
	Project    string   // the proposal's id
	Name       string   // its name
	Supporters int      // ballots that name it
	Score      int64    // votes rule: supporters, or points on cumulative, scoring and ordinal ballots
	Cost       *big.Rat // its cost
	Funded     bool
	// Rho is MES's ρ: the share of the cost each supporter pays when all
	// can pay equally; the proposal with the smallest ρ is funded next.
	Rho *big.Rat
	// Share is ρ·cost, what a supporter with money enough paid.
	Share *big.Rat
	// FullPayers paid the whole Share; PartPayers had less left and paid
	// all they had, PartPaid together.
	FullPayers, PartPayers int
	PartPaid               *big.Rat
	Left                   *big.Rat // budget left after this step (MES: of the real budget)
	Tie                    bool     // it won a tie with another proposal, decided by the tie order
	Reason                 string   // a sentence in Danish a citizen can follow
}

// Outcome is the result of a count.
type Outcome struct {
	Method   CountMethod
	Selected []string // ids of the funded proposals, in the order they were funded
	Cost     *big.Rat // what the funded proposals cost together
	Left     *big.Rat // Budget − Cost
	Steps    []CountStep
	// TieDecided tells that a tie (equal votes, points or ρ) decided which
	// proposal was funded at some step, so a different lot could fund
	// different proposals.
	TieDecided bool
	// PerBallot is MES's starting money per ballot in the run returned
	// (mes-add1: Budget/ballots plus Rounds−1 units); nil for votes.
	PerBallot *big.Rat
	// Rounds is how many runs of MES mes-add1 made (1 for mes, 0 for votes).
	Rounds int
}

// Errors of Count, in Danish: they reach the user as they are.
var (
	ErrCountNoBallots = NewError(Invalid, "der er ingen stemmesedler at tælle")
	ErrCountMethod    = NewError(Invalid, "ukendt optællingsmetode; brug votes, mes eller mes-add1")
	// ErrCountCanceled: the count was stopped (Ctrl-C, a closed window)
	// before it finished; nothing was decided.
	ErrCountCanceled = NewError(Invalid, "optællingen blev afbrudt, før den var færdig; intet er afgjort")
)

// Count counts the ballots of e by method m.
//
// Outcomes:
//   - CountVotes: proposals in order of votes (approval: supporters;
//     cumulative and scoring: total points; ordinal: MaxLength−rank points),
//     ties by the tie order; each is funded if it still fits in what is
//     left, else skipped and the scan goes on. A proposal with no votes
//     (or no points) is never funded.
//   - CountMES: Method of Equal Shares with cost satisfaction; only who
//     supports what counts (points and ranks are ignored). A proposal that
//     costs 0 or that nobody supports is never funded.
//   - CountMESAdd1: MES with Budget/n, Budget/n+1, … per ballot; the first
//     outcome that is exhaustive (no unfunded, supported proposal with a
//     cost above 0 fits in what is left of Budget) is returned; if an
//     outcome costs more than Budget first, the one before it is returned
//     (which may be the empty outcome).
//
// The selected proposals never cost more than Budget. Steps explain the
// count in Danish, one per funded proposal and then one per proposal not
// funded.
//
// Errors (in Danish, naming what is wrong): an unknown method or ballot
// kind; a missing or negative budget; no ballots (MES, mes-add1) — the votes
// rule funds nothing then; a proposal without id, a repeated id, a missing
// or negative cost; a ballot naming an unknown proposal or one twice, with
// points on an approval or ordinal ballot or without them on a cumulative or
// scoring ballot, negative points, or more ranks than MaxLength; more
// proposals, ballots or points than the Max… limits; mes-add1 needing more
// than MaxCompletionRounds rounds. Every error has the code Invalid.
func Count(e Election, m CountMethod) (Outcome, error) {
	return CountContext(context.Background(), e, m)
}

// CountContext is Count that stops when ctx is done: between the rounds of
// mes-add1 and between the steps of a round of MES. It then returns
// ErrCountCanceled and no outcome. A hostile file within the limits can
// ask for millions of rounds; this is how the caller ends it.
func CountContext(ctx context.Context, e Election, m CountMethod) (Outcome, error) {
	switch m {
	case CountVotes, CountMES, CountMESAdd1:
	default:
		return Outcome{}, ErrCountMethod
	}
	c, err := compile(e)
	if err != nil {
		return Outcome{}, &Error{Code: Invalid, Msg: err.Error()}
	}
	c.ctx = ctx
	switch m {
	case CountVotes:
		return c.greedy(), nil
	case CountMES:
		if c.n == 0 {
			return Outcome{}, ErrCountNoBallots
		}
		per := new(big.Rat).Quo(c.budget, new(big.Rat).SetInt64(c.n))
		v := c.restricted(per)
		r := v.mesRound(v.newFastRun(), per, nil)
		if ctx.Err() != nil {
			return Outcome{}, ErrCountCanceled
		}
		out := c.outcome(CountMES, c.explained(r, per))
		out.PerBallot, out.Rounds = per, 1
		return out, nil
	default:
		if c.n == 0 {
			return Outcome{}, ErrCountNoBallots
		}
		out, err := c.mesAdd1()
		if errors.Is(err, ErrCountCanceled) {
			return Outcome{}, err
		}
		if err != nil {
			return Outcome{}, &Error{Code: Invalid, Msg: err.Error()}
		}
		return out, nil
	}
}

// compiled is an election checked and turned into indices: ballots with
// the same supported set are one ballot type with a weight.
type compiled struct {
	ctx      context.Context // stops a long count (CountContext)
	e        Election
	budget   *big.Rat
	n        int64 // ballots, empty ones included
	cost     []*big.Rat
	rank     []int     // position in the tie order: smaller wins
	score    []int64   // votes rule score
	supp     []int64   // supporters (ballots naming it)
	typeW    []int64   // weight of each ballot type
	typeProj [][]int32 // proposals each ballot type supports
	projType [][]int32 // ballot types supporting each proposal
	projW    [][]int64 // their weights, beside them for the fast MES's scans
	pop      []int32   // each proposal's place by support, 0 for the most supported
	byPop    []int32   // the proposals by support, most first
	cand     []int32   // MES candidates: cost > 0 and a supporter
}

func compile(e Election) (*compiled, error) {
	switch e.Kind {
	case BallotApproval, BallotCumulative, BallotOrdinal, BallotScoring:
	case "":
		e.Kind = BallotApproval
	default:
		return nil, fmt.Errorf("ukendt stemmeform %q; brug approval, cumulative, ordinal eller scoring", string(e.Kind))
	}
	if e.Budget == nil || e.Budget.Sign() < 0 {
		return nil, errors.New("budgettet mangler eller er negativt")
	}
	if len(e.Projects) > MaxElectionProjects {
		return nil, fmt.Errorf("for mange forslag: %d (højst %d)", len(e.Projects), MaxElectionProjects)
	}
	if len(e.Ballots) > MaxElectionBallots {
		return nil, fmt.Errorf("for mange stemmesedler: %d (højst %d)", len(e.Ballots), MaxElectionBallots)
	}
	c := &compiled{ctx: context.Background(), e: e, budget: e.Budget, n: int64(len(e.Ballots))}
	np := len(e.Projects)
	index := make(map[string]int32, np)
	for i, p := range e.Projects {
		if strings.TrimSpace(p.ID) == "" {
			return nil, fmt.Errorf("forslag nr. %d mangler et id", i+1)
		}
		if _, dup := index[p.ID]; dup {
			return nil, fmt.Errorf("forslaget %q står der to gange", p.ID)
		}
		if p.Cost == nil || p.Cost.Sign() < 0 {
			return nil, fmt.Errorf("forslaget %q mangler en pris eller har en negativ pris", p.ID)
		}
		index[p.ID] = int32(i)
		c.cost = append(c.cost, p.Cost)
	}
	// Tie order: the lot first, then ids ascending.
	order := make([]int, np)
	for i := range order {
		order[i] = i
	}
	lot := make(map[string]int, len(e.TieOrder))
	for i, id := range e.TieOrder {
		if _, ok := lot[id]; !ok {
			lot[id] = i
		}
	}
	sort.Slice(order, func(a, b int) bool {
		pa, pb := e.Projects[order[a]].ID, e.Projects[order[b]].ID
		la, oka := lot[pa]
		lb, okb := lot[pb]
		if oka != okb {
			return oka
		}
		if oka && la != lb {
			return la < lb
		}
		return pa < pb
	})
	c.rank = make([]int, np)
	for r, i := range order {
		c.rank[i] = r
	}

	maxLen := e.MaxLength
	if e.Kind == BallotOrdinal && maxLen <= 0 {
		for _, b := range e.Ballots {
			maxLen = max(maxLen, len(b.Projects))
		}
	}
	c.score = make([]int64, np)
	c.supp = make([]int64, np)
	seen := make([]int, np) // ballot number+1 that last named each proposal
	// Every ballot's proposals, one after another: ballot bi's are
	// flat[off[bi]:off[bi+1]].
	marks := 0
	for _, b := range e.Ballots {
		marks += len(b.Projects)
	}
	flat := make([]int32, 0, marks)
	off := make([]int, 1, len(e.Ballots)+1)
	for bi, b := range e.Ballots {
		where := func() string { return fmt.Sprintf("stemmeseddel nr. %d", bi+1) }
		switch e.Kind {
		case BallotCumulative, BallotScoring:
			if len(b.Points) != len(b.Projects) {
				return nil, fmt.Errorf("%s: %d forslag men %d point", where(), len(b.Projects), len(b.Points))
			}
		default:
			if len(b.Points) > 0 {
				return nil, fmt.Errorf("%s: point hører ikke til stemmeformen %s", where(), e.Kind)
			}
		}
		if e.Kind == BallotOrdinal && len(b.Projects) > maxLen {
			return nil, fmt.Errorf("%s rangordner %d forslag, men højst %d er tilladt", where(), len(b.Projects), maxLen)
		}
		for k, id := range b.Projects {
			p, ok := index[id]
			if !ok {
				return nil, fmt.Errorf("%s: ukendt forslag %q", where(), id)
			}
			if seen[p] == bi+1 {
				return nil, fmt.Errorf("%s nævner forslaget %q to gange", where(), id)
			}
			seen[p] = bi + 1
			var pts int64 = 1
			switch e.Kind {
			case BallotCumulative, BallotScoring:
				pts = b.Points[k]
				low := int64(0)
				if e.Kind == BallotScoring {
					low = -MaxBallotPoints // a score may be negative; a cumulative point not
				}
				if pts < low || pts > MaxBallotPoints {
					return nil, fmt.Errorf("%s: %d point til %q er uden for 0–%d", where(), pts, id, int64(MaxBallotPoints))
				}
			case BallotOrdinal:
				pts = int64(maxLen - k)
			}
			c.score[p] += pts // ≤ 1e9 · 1e7 ballots: no overflow
			c.supp[p]++
			flat = append(flat, p)
		}
		off = append(off, len(flat))
	}
	// Proposals by support, most first: a ballot type's proposals are
	// kept in this order, and the types are numbered by it (setTypes).
	c.byPop = make([]int32, np)
	for p := range c.byPop {
		c.byPop[p] = int32(p)
	}
	slices.SortStableFunc(c.byPop, func(a, b int32) int { return cmp.Compare(c.supp[b], c.supp[a]) })
	c.pop = make([]int32, np)
	for r, p := range c.byPop {
		c.pop[p] = int32(r)
	}
	ones := make([]int64, len(e.Ballots))
	for i := range ones {
		ones[i] = 1
	}
	c.setTypes(flat, off, ones, false)
	for p := range np {
		if c.cost[p].Sign() > 0 && c.supp[p] > 0 {
			c.cand = append(c.cand, int32(p))
		}
	}
	return c, nil
}

// less is the tie order: true if proposal a goes before b on a tie.
func (c *compiled) less(a, b int32) bool { return c.rank[a] < c.rank[b] }

// greedy is the votes rule.
func (c *compiled) greedy() Outcome {
	np := len(c.cost)
	order := make([]int32, np)
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(a, b int) bool {
		pa, pb := order[a], order[b]
		if c.score[pa] != c.score[pb] {
			return c.score[pa] > c.score[pb]
		}
		return c.less(pa, pb)
	})
	out := Outcome{Method: CountVotes, Cost: new(big.Rat)}
	left := new(big.Rat).Set(c.budget)
	votes := func(n int64) string {
		switch {
		case c.e.Kind != BallotApproval:
			return fmt.Sprintf("%d point", n)
		case n == 1:
			return "1 stemme"
		}
		return fmt.Sprintf("%d stemmer", n)
	}
	var funded []CountStep
	var fundedScore []int64
	var skipped []CountStep
	for g := 0; g < np; {
		// A group of proposals with the same score.
		h := g
		for h < np && c.score[order[h]] == c.score[order[g]] {
			h++
		}
		leftBefore := new(big.Rat).Set(left)
		groupFunded, groupSkippedFit := false, false
		for _, p := range order[g:h] {
			st := c.step(p)
			st.Score = c.score[p]
			switch {
			case c.score[p] <= 0 && c.supp[p] > 0:
				st.Reason = fmt.Sprintf("Ikke valgt: forslaget fik %s i alt, og kun forslag med point over 0 kan vælges.", votes(c.score[p]))
			case c.score[p] <= 0:
				st.Reason = "Ikke valgt: ingen har stemt på forslaget."
			case c.cost[p].Cmp(left) <= 0:
				left.Sub(left, c.cost[p])
				out.Cost.Add(out.Cost, c.cost[p])
				out.Selected = append(out.Selected, c.e.Projects[p].ID)
				st.Funded = true
				groupFunded = true
				st.Reason = fmt.Sprintf("Valgt med %s: prisen %s var inden for de %s, der var tilbage.",
					votes(c.score[p]), ratKroner(c.cost[p]), ratKroner(new(big.Rat).Add(left, c.cost[p])))
			default:
				if c.cost[p].Cmp(leftBefore) <= 0 {
					groupSkippedFit = true
				}
				st.Reason = fmt.Sprintf("Ikke valgt: %s, men prisen %s er mere end de %s, der var tilbage.",
					votes(c.score[p]), ratKroner(c.cost[p]), ratKroner(left))
			}
			st.Left = new(big.Rat).Set(left)
			if st.Funded {
				funded = append(funded, st)
				fundedScore = append(fundedScore, c.score[p])
			} else {
				skipped = append(skipped, st)
			}
		}
		if h-g > 1 && groupFunded && groupSkippedFit {
			// Another order within the group could have funded another.
			out.TieDecided = true
			for i := len(funded) - 1; i >= 0 && fundedScore[i] == c.score[order[g]]; i-- {
				funded[i].Tie = true
			}
		}
		g = h
	}
	out.Steps = append(funded, skipped...)
	out.Left = left
	return out
}

func (c *compiled) step(p int32) CountStep {
	return CountStep{
		Project:    c.e.Projects[p].ID,
		Name:       c.e.Projects[p].Name,
		Supporters: int(c.supp[p]),
		Score:      c.supp[p],
		Cost:       c.cost[p],
	}
}

// ratKroner formats an exact amount of kroner the Danish way, rounded to
// øre: "1.234,50 kr.".
func ratKroner(r *big.Rat) string {
	øre := new(big.Rat).Mul(r, big.NewRat(100, 1))
	q, m := new(big.Int).QuoRem(øre.Num(), øre.Denom(), new(big.Int))
	// Round half away from zero.
	if new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2)).Cmp(øre.Denom()) >= 0 {
		if r.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if q.IsInt64() {
		return Kroner(q.Int64())
	}
	return q.String() + " øre"
}

// ratDecimal formats a ratio with up to digits decimals, Danish comma.
func ratDecimal(r *big.Rat, digits int) string {
	s := r.FloatString(digits)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return strings.Replace(s, ".", ",", 1)
}

// setTypes makes c's ballot types of the sets flat[off[i]:off[i+1]], each
// with weight w[i]: equal sets become one type with the weights summed,
// and with dropEmpty an empty set is no type. The proposals of a type are
// kept in order of support (c.pop), and the types are numbered in order of
// their most supported proposals, so that the supporters of a proposal are
// near each other in memory: the scans of MES then run almost in order.
func (c *compiled) setTypes(flat []int32, off []int, w []int64, dropEmpty bool) {
	n := len(off) - 1
	pop := c.pop
	for i := range n {
		set := flat[off[i]:off[i+1]]
		if len(set) > 16 {
			slices.SortFunc(set, func(a, b int32) int { return cmp.Compare(pop[a], pop[b]) })
			continue
		}
		for j := 1; j < len(set); j++ { // a ballot names few proposals
			for k := j; k > 0 && pop[set[k]] < pop[set[k-1]]; k-- {
				set[k], set[k-1] = set[k-1], set[k]
			}
		}
	}
	// Equal sets by a hash of their proposals, with a chain for the rare
	// hashes that two different sets share.
	first := make(map[uint64]int32, min(n/2, 1<<20))
	var sameHash []int32 // type → the next type with the same hash, or −1
	var repr []int       // type → a set that is it
	var typeW []int64
	for i := range n {
		set := flat[off[i]:off[i+1]]
		if len(set) == 0 && dropEmpty {
			continue
		}
		h := uint64(14695981039346656037)
		for _, p := range set {
			h = (h ^ uint64(p)) * 1099511628211
			h ^= h >> 29
		}
		t, ok := first[h]
		for ok && !slices.Equal(flat[off[repr[t]]:off[repr[t]+1]], set) {
			t = sameHash[t]
			ok = t >= 0
		}
		if !ok {
			t = int32(len(typeW))
			if prev, had := first[h]; had {
				sameHash = append(sameHash, prev)
			} else {
				sameHash = append(sameHash, -1)
			}
			first[h] = t
			repr = append(repr, i)
			typeW = append(typeW, 0)
		}
		typeW[t] += w[i]
	}
	// Number the types by their first three proposals' places: a radix
	// sort, last place first, each pass stable (a missing place sorts
	// last).
	np := len(c.cost)
	keys := make([]int32, len(typeW))
	for t := range keys {
		keys[t] = int32(t)
	}
	tmp := make([]int32, len(keys))
	count := make([]int, np+2)
	for j := 2; j >= 0; j-- {
		digit := func(t int32) int {
			set := flat[off[repr[t]]:off[repr[t]+1]]
			if j < len(set) {
				return int(pop[set[j]])
			}
			return np
		}
		clear(count)
		for _, t := range keys {
			count[digit(t)+1]++
		}
		for d := 1; d < len(count); d++ {
			count[d] += count[d-1]
		}
		for _, t := range keys {
			d := digit(t)
			tmp[count[d]] = t
			count[d]++
		}
		keys, tmp = tmp, keys
	}
	c.typeW = make([]int64, len(keys))
	c.typeProj = make([][]int32, len(keys))
	size := make([]int, len(c.cost))
	total := 0
	for nt, k := range keys {
		i := repr[k]
		c.typeW[nt] = typeW[k]
		c.typeProj[nt] = flat[off[i]:off[i+1]:off[i+1]]
		for _, p := range c.typeProj[nt] {
			size[p]++
		}
		total += len(c.typeProj[nt])
	}
	types, ws := make([]int32, total), make([]int64, total)
	c.projType = make([][]int32, len(c.cost))
	c.projW = make([][]int64, len(c.cost))
	at := 0
	for p, k := range size {
		c.projType[p], c.projW[p] = types[at:at:at+k], ws[at:at:at+k]
		at += k
	}
	for t, ps := range c.typeProj {
		for _, p := range ps {
			c.projType[p] = append(c.projType[p], int32(t))
			c.projW[p] = append(c.projW[p], c.typeW[t])
		}
	}
}
