package model

// The counting code as it stood before the speed work of issue 11
// (main at 59eeb02): the float MES kept money per class of ballots, and
// the election was compiled and restricted through string-keyed maps. It
// is kept here, in a test file, as the reference the new code is checked
// against on random elections (TestFastMESAgreesWithPrevious) and measured
// against side by side (BenchmarkCountMESAdd1Warsaw/previous).

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

const refFastTol = 1e-9

// refMesAdd1 is the previous mes-add1 loop, selection only: the rounds in
// batches on the machine's cores, each by the float MES with the exact one
// where the float one is unsure.
func (c *compiled) refMesAdd1() (selected []int32, per *big.Rat, rounds int, err error) {
	start := new(big.Rat).Quo(c.budget, new(big.Rat).SetInt64(c.n))
	perAt := func(k int) *big.Rat { return new(big.Rat).Add(start, new(big.Rat).SetInt64(int64(k))) }
	workers := max(1, min(runtime.GOMAXPROCS(0), 8))
	runs := make([]*refFastRun, workers)
	var view *compiled
	var viewPer *big.Rat
	batch := make([][]int32, workers*2)
	costs := make([]*big.Rat, workers*2)
	var prev []int32
	prevK := 0
	for k0 := 0; ; k0 += len(batch) {
		if k0 >= MaxCompletionRounds {
			return nil, nil, 0, errors.New("too many rounds")
		}
		n := len(batch)
		if k0 == 0 {
			n = 1
		}
		if last := perAt(k0 + n - 1); view == nil || last.Cmp(viewPer) > 0 {
			viewPer = new(big.Rat).Mul(last, big.NewRat(5, 4))
			viewPer.Add(viewPer, big.NewRat(int64(len(batch)), 1))
			view = c.refRestricted(viewPer)
			for i := range runs {
				runs[i] = view.refNewFastRun()
			}
		}
		var wg sync.WaitGroup
		next := make(chan int, n)
		for i := range n {
			next <- i
		}
		close(next)
		for w := range min(workers, n) {
			wg.Add(1)
			go func(fr *refFastRun) {
				defer wg.Done()
				for i := range next {
					p := perAt(k0 + i)
					f, _ := p.Float64()
					sel, ok := view.refMesFast(fr, f)
					if ok {
						sel = append([]int32(nil), sel...)
					} else {
						sel = view.mesExact(p, nil).selected
					}
					batch[i] = sel
					costs[i] = new(big.Rat)
					for _, q := range sel {
						costs[i].Add(costs[i], c.cost[q])
					}
				}
			}(runs[w])
		}
		wg.Wait()
		for i, sel := range batch[:n] {
			k := k0 + i
			if costs[i].Cmp(c.budget) > 0 {
				return prev, perAt(prevK), k + 1, nil
			}
			if c.exhaustive(mesResult{selected: sel, cost: costs[i]}) {
				return sel, perAt(k), k + 1, nil
			}
			prev, prevK = sel, k
		}
		if k0 == 0 {
			k0 = 1 - len(batch)
		}
	}
}

func refCompile(e Election) (*compiled, error) {
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
	types := make(map[string]int32)
	seen := make([]int, np) // ballot number+1 that last named each proposal
	var key []byte
	var set []int32
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
		set = set[:0]
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
			set = append(set, p)
		}
		sort.Slice(set, func(a, b int) bool { return set[a] < set[b] })
		key = key[:0]
		for _, p := range set {
			key = append(key, byte(p>>24), byte(p>>16), byte(p>>8), byte(p))
		}
		t, ok := types[string(key)]
		if !ok {
			t = int32(len(c.typeW))
			types[string(key)] = t
			c.typeW = append(c.typeW, 0)
			c.typeProj = append(c.typeProj, append([]int32(nil), set...))
		}
		c.typeW[t]++
	}
	c.projType = make([][]int32, np)
	c.projW = make([][]int64, np)
	for t, ps := range c.typeProj {
		for _, p := range ps {
			c.projType[p] = append(c.projType[p], int32(t))
			c.projW[p] = append(c.projW[p], c.typeW[t])
		}
	}
	for p := range np {
		if c.cost[p].Sign() > 0 && c.supp[p] > 0 {
			c.cand = append(c.cand, int32(p))
		}
	}
	return c, nil
}

func (c *compiled) refRestricted(per *big.Rat) *compiled {
	var live []int32
	tmp := new(big.Rat)
	for _, p := range c.cand {
		tmp.SetInt64(c.supp[p])
		if tmp.Mul(tmp, per).Cmp(c.cost[p]) >= 0 {
			live = append(live, p)
		}
	}
	if len(live) == len(c.cand) {
		return c
	}
	isLive := make([]bool, len(c.cost))
	for _, p := range live {
		isLive[p] = true
	}
	v := *c
	v.cand = live
	v.typeW, v.typeProj = nil, nil
	types := make(map[string]int32)
	var key []byte
	var set []int32
	for t, ps := range c.typeProj {
		set = set[:0]
		for _, p := range ps {
			if isLive[p] {
				set = append(set, p)
			}
		}
		if len(set) == 0 {
			continue
		}
		key = key[:0]
		for _, p := range set {
			key = append(key, byte(p>>24), byte(p>>16), byte(p>>8), byte(p))
		}
		nt, ok := types[string(key)]
		if !ok {
			nt = int32(len(v.typeW))
			types[string(key)] = nt
			v.typeW = append(v.typeW, 0)
			v.typeProj = append(v.typeProj, append([]int32(nil), set...))
		}
		v.typeW[nt] += c.typeW[t]
	}
	v.projType = make([][]int32, len(c.cost))
	v.projW = make([][]int64, len(c.cost))
	for t, ps := range v.typeProj {
		for _, p := range ps {
			v.projType[p] = append(v.projType[p], int32(t))
			v.projW[p] = append(v.projW[p], v.typeW[t])
		}
	}
	return &v
}

// refFastRun holds the buffers of the float MES, reused across rounds.
type refFastRun struct {
	val       []float64 // money of each class; class 0 is the empty purse
	typeClass []int32
	cnt       []int64
	trans     []int32
	transAt   []int32 // the payment trans[k] was set in
	touched   []int32
	w         []int64
	lower     []float64
	fcost     []float64
	remaining []int32
	selected  []int32
	payment   int32
	paid      []refFastPaid // per selection, for the explanation
	evals     []refFastEval
}

// refFastPaid is what a selection's supporters paid, in float64.
type refFastPaid struct {
	alpha, partPaid float64
	full, part      int64
	tie             bool // won an exact tie of ρ
}

// refFastEval is a proposal's share and ρ in one step of a float run; w is
// its supporters if every one of them pays the same share, else 0.
type refFastEval struct {
	p          int32
	rho, alpha float64
	w          int64
}

type refFastStatus int

const (
	refFastOK refFastStatus = iota
	refFastUnaffordable
	refFastUnsure
)

func (c *compiled) refNewFastRun() *refFastRun {
	fr := &refFastRun{
		typeClass: make([]int32, len(c.typeW)),
		lower:     make([]float64, len(c.cost)),
		fcost:     make([]float64, len(c.cost)),
	}
	for p, cost := range c.cost {
		fr.fcost[p], _ = cost.Float64()
	}
	return fr
}

// mesFast runs MES with per on every ballot in float64. ok is false if a
// decision was too close to call; the selection is then meaningless.
func (c *compiled) refMesFast(fr *refFastRun, per float64) (selected []int32, ok bool) {
	if per <= 0 || math.IsInf(per, 0) || math.IsNaN(per) {
		return nil, false
	}
	fr.val = append(fr.val[:0], 0, per)
	for t := range fr.typeClass {
		fr.typeClass[t] = 1
	}
	fr.trans, fr.transAt = fr.trans[:0], fr.transAt[:0]
	fr.payment = 0
	fr.remaining = append(fr.remaining[:0], c.cand...)
	for _, p := range c.cand {
		fr.lower[p] = 1 / float64(c.supp[p]) * (1 - refFastTol)
	}
	fr.selected = fr.selected[:0]
	fr.paid = fr.paid[:0]
	for len(fr.remaining) > 0 {
		if c.ctx.Err() != nil {
			return nil, false // canceled: mesRound looks
		}
		rem := fr.remaining
		sort.Slice(rem, func(a, b int) bool {
			pa, pb := rem[a], rem[b]
			if fr.lower[pa] != fr.lower[pb] {
				return fr.lower[pa] < fr.lower[pb]
			}
			return c.less(pa, pb)
		})
		best := math.Inf(1)
		fr.evals = fr.evals[:0]
		keep := rem[:0]
		for i, p := range rem {
			if fr.lower[p] > best*(1+4*refFastTol) {
				keep = append(keep, rem[i:]...)
				break
			}
			alpha, st, w := fr.refAfford(c, p)
			switch st {
			case refFastUnsure:
				return nil, false
			case refFastUnaffordable:
				continue
			}
			keep = append(keep, p)
			rho := alpha / fr.fcost[p]
			fr.lower[p] = rho * (1 - refFastTol)
			best = min(best, rho)
			fr.evals = append(fr.evals, refFastEval{p, rho, alpha, w})
		}
		fr.remaining = keep
		if len(fr.evals) == 0 {
			break
		}
		// The winner, and whether another is within the margin of it.
		var win int32 = -1
		var winAlpha float64
		var winW int64
		near, exactTie := 0, true
		for _, ev := range fr.evals {
			if ev.rho > best*(1+4*refFastTol) {
				continue
			}
			near++
			if win < 0 || c.less(ev.p, win) {
				win, winAlpha = ev.p, ev.alpha
			}
			// ρ is exactly 1/W when every supporter pays the same share
			// (W: the supporters): such ties are exact.
			if ev.w == 0 || winW != 0 && ev.w != winW {
				exactTie = false
			}
			winW = ev.w
		}
		tie := near > 1
		if tie && !exactTie {
			return nil, false // too close to tell: the exact run decides
		}
		if !fr.refPay(c, win, winAlpha, per) {
			return nil, false
		}
		fr.selected = append(fr.selected, win)
		fr.paid[len(fr.paid)-1].tie = tie
		for i, p := range fr.remaining {
			if p == win {
				fr.remaining = append(fr.remaining[:i], fr.remaining[i+1:]...)
				break
			}
		}
	}
	return fr.selected, true
}

func (fr *refFastRun) refAfford(c *compiled, p int32) (float64, refFastStatus, int64) {
	if len(fr.cnt) < len(fr.val) {
		fr.cnt = make([]int64, len(fr.val)*2)
	}
	touched, cnt, tc := fr.touched[:0], fr.cnt, fr.typeClass
	types, ws := c.projType[p], c.projW[p]
	ws = ws[:len(types)]
	if len(types) > 2*len(fr.val) {
		// Many ballots, few purses: add up without a branch, then
		// collect the purses.
		for i, t := range types {
			cnt[tc[t]] += ws[i]
		}
		for k := range fr.val {
			if cnt[k] != 0 {
				touched = append(touched, int32(k))
			}
		}
	} else {
		for i, t := range types {
			k := tc[t]
			if cnt[k] == 0 {
				touched = append(touched, k)
			}
			cnt[k] += ws[i]
		}
	}
	fr.touched = touched
	val := fr.val
	var total float64
	var rich int64
	fr.w = fr.w[:0]
	for _, k := range fr.touched {
		w := fr.cnt[k]
		fr.cnt[k] = 0
		fr.w = append(fr.w, w)
		total += float64(w) * val[k]
		rich += w
	}
	cost := fr.fcost[p]
	switch {
	case total < cost*(1-refFastTol):
		return 0, refFastUnaffordable, 0
	case total <= cost*(1+refFastTol):
		return 0, refFastUnsure, 0
	}
	// Poor and rich, without sorting: start with everyone paying
	// cost/supporters; those with less pay all they have, which raises
	// the share of the rest; repeat until nobody new is poor. The share
	// only grows, so few passes are needed.
	rest, ws := fr.touched, fr.w
	var poor float64
	all := rich
	alpha := cost / float64(rich)
	minVal := math.Inf(1)
	for pass := 0; ; pass++ {
		n := 0
		for i, k := range rest {
			minVal = min(minVal, val[k])
			if val[k] < alpha {
				poor += float64(ws[i]) * val[k]
				rich -= ws[i]
			} else {
				rest[n], ws[n] = k, ws[i]
				n++
			}
		}
		if n == len(rest) {
			if pass == 0 && minVal >= alpha*(1+refFastTol) {
				return alpha, refFastOK, all
			}
			return alpha, refFastOK, 0
		}
		rest, ws = rest[:n], ws[:n]
		num := cost - poor
		if rich == 0 || num < cost*1e-6 {
			return 0, refFastUnsure, 0
		}
		alpha = num / float64(rich)
	}
}

// pay moves p's supporters to their classes after paying alpha each (or
// all they have); false if a purse is too close to alpha to tell.
func (fr *refFastRun) refPay(c *compiled, p int32, alpha, per float64) bool {
	fr.payment++
	pd := refFastPaid{alpha: alpha}
	defer func() { fr.paid = append(fr.paid, pd) }()
	for len(fr.trans) < len(fr.val) {
		fr.trans = append(fr.trans, 0)
		fr.transAt = append(fr.transAt, 0)
	}
	tc, tw := fr.typeClass, c.typeW
	for _, t := range c.projType[p] {
		k := tc[t]
		if fr.val[k] >= alpha {
			pd.full += tw[t]
		} else {
			pd.part += tw[t]
			pd.partPaid += float64(tw[t]) * fr.val[k]
		}
		if fr.transAt[k] != fr.payment {
			d := fr.val[k] - alpha
			switch {
			case k == 0:
				fr.trans[k] = 0
			case math.Abs(d) <= refFastTol*per:
				return false
			case d < 0:
				fr.trans[k] = 0
			default:
				fr.val = append(fr.val, d)
				fr.trans = append(fr.trans, 0)
				fr.transAt = append(fr.transAt, 0)
				fr.trans[k] = int32(len(fr.val) - 1)
			}
			fr.transAt[k] = fr.payment
		}
		tc[t] = fr.trans[k]
	}
	return true
}

// TestFastMESAgreesWithPrevious counts generated elections of thousands of
// ballots (where the float MES works on many ballot types and purses) with
// Count and with the previous code: mes and mes-add1 select the same
// proposals in the same order, and mes-add1 stops at the same round.
func TestFastMESAgreesWithPrevious(t *testing.T) {
	r := rand.New(rand.NewSource(23))
	for i := range 6 {
		np := 15 + r.Intn(50)
		nb := 2000 + r.Intn(6000)
		e := bigElection(np, nb, int64(100+i))
		// Costs and budget a tenth to a fortieth: tens of rounds, not
		// thousands; the budget with øre.
		scale := big.NewRat(1, int64(10+r.Intn(30)))
		e.Budget.Mul(e.Budget, scale)
		e.Budget.Add(e.Budget, big.NewRat(int64(r.Intn(100)), 100))
		for p := range e.Projects {
			e.Projects[p].Cost.Mul(e.Projects[p].Cost, scale)
			if i%2 == 1 {
				e.Projects[p].Cost = big.NewRat(int64(1+r.Intn(4))*10_000, 1) // equal costs: ties
			}
		}
		c, err := refCompile(e)
		if err != nil {
			t.Fatal(err)
		}
		per := new(big.Rat).Quo(c.budget, big.NewRat(c.n, 1))
		f, _ := per.Float64()
		v := c.refRestricted(per)
		prevMES, ok := v.refMesFast(v.refNewFastRun(), f)
		if !ok {
			prevMES = v.mesExact(per, nil).selected
		}
		prevAdd1, prevPer, prevRounds, err := c.refMesAdd1()
		if err != nil {
			t.Fatal(err)
		}
		ids := func(sel []int32) []string {
			var out []string
			for _, p := range sel {
				out = append(out, e.Projects[p].ID)
			}
			return out
		}
		mes, err := Count(e, CountMES)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(mes.Selected, ids(prevMES)) {
			t.Fatalf("election %d: mes %v, previously %v", i, mes.Selected, ids(prevMES))
		}
		add1, err := Count(e, CountMESAdd1)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(add1.Selected, ids(prevAdd1)) || add1.PerBallot.Cmp(prevPer) != 0 || add1.Rounds != prevRounds {
			t.Fatalf("election %d: mes-add1 %v at %s after %d rounds, previously %v at %s after %d", i,
				add1.Selected, add1.PerBallot.RatString(), add1.Rounds, ids(prevAdd1), prevPer.RatString(), prevRounds)
		}
		t.Logf("election %d: %d proposals, %d ballots, %d rounds, %d selected", i, np, nb, add1.Rounds, len(add1.Selected))
	}
}
