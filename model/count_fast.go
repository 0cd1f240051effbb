package model

import (
	"cmp"
	"math"
	"math/big"
	"slices"
)

// A fast MES in float64 that knows when it cannot be trusted.
//
// mes-add1 runs MES hundreds of times on a large city, and exact big.Rat
// arithmetic in every run is too slow. The float run makes the same
// decisions as the exact one except where two quantities are within a
// relative 1e-9 of each other (a near tie of ρ, a purse almost exactly the
// share, supporters with almost exactly the cost); there it gives up and the
// caller runs the exact MES for that round. Rounding errors of float64 on
// these sums are below 1e-13 relative, so a decision outside the margin is
// the exact decision. The run finally returned is replayed exactly for the
// explanation.

const fastTol = 1e-9

// fastRun holds the buffers of the float MES, reused across rounds.
//
// Money is kept per ballot type, not per class of equal purses as in the
// exact MES: a float purse needs no sharing, and reading a type's money
// directly spares a scan the indirection through its class (the types are
// numbered so that a proposal's supporters lie close together, see
// setTypes).
type fastRun struct {
	money []float64 // each ballot type's money
	vals  []float64 // scratch: the purses of a proposal's supporters that hold money
	ws    []int64   // scratch: their weights
	vals2 []float64 // scratch: vals split around a purse
	ws2   []int64
	// seen is every supporter's money as the last afford read it, in the
	// order of the proposal's types; bestSeen is that of the proposal with
	// the smallest ρ in this step's scan (bestP), so that paying it reads
	// its supporters' money in order instead of scattered.
	seen, bestSeen []float64
	bestP          int32
	lower          []float64
	fcost          []float64
	remaining      []int32
	selected       []int32
	paid           []fastPaid // per selection, for the explanation
	evals          []fastEval
	// bounds[s][p] is a lower bound of p's ρ at step s of the last run
	// (after the step's scan), +Inf if p could not be paid then; for
	// the run of a smaller share that follows (see mesFast's ref).
	bounds  [][]float64
	boundOK bool // the last run was sure, so its bounds hold
	// tally: pay counts who paid in full and who paid all they had, for
	// the explanation (paid); a round of mes-add1 that is not returned
	// needs only the selection and what each paid.
	tally bool
}

// fastPaid is what a selection's supporters paid, in float64 (only alpha
// and tie unless the run tallies).
type fastPaid struct {
	alpha, partPaid float64
	full, part      int64
	tie             bool // won an exact tie of ρ
}

// fastEval is a proposal's share and ρ in one step of a float run; w is
// its supporters if every one of them pays the same share, else 0.
type fastEval struct {
	p          int32
	rho, alpha float64
	w          int64
}

type fastStatus int

const (
	fastOK fastStatus = iota
	fastUnaffordable
	fastUnsure
)

func (c *compiled) newFastRun() *fastRun {
	fr := &fastRun{
		tally: true,
		money: make([]float64, len(c.typeW)),
		lower: make([]float64, len(c.cost)),
		fcost: make([]float64, len(c.cost)),
	}
	for p, cost := range c.cost {
		fr.fcost[p], _ = cost.Float64()
	}
	return fr
}

// mesFast runs MES with per on every ballot in float64. ok is false if a
// decision was too close to call; the selection is then meaningless.
//
// ref, if not nil, is a sure run of the same view with more money per
// ballot. While this run has funded the same proposals as ref so far, ref's
// bounds hold here too: with equal funding so far, every purse holds at
// most what it holds in ref (MES with less money each: each share is at
// least ref's, so what is left is at most ref's), so every proposal's ρ is
// at least its ρ in ref, and one ref could not pay cannot be paid here.
// The bounds only spare evaluations; every decision is still made here.
func (c *compiled) mesFast(fr *fastRun, per float64, ref *fastRun) (selected []int32, ok bool) {
	fr.boundOK = false
	if per <= 0 || math.IsInf(per, 0) || math.IsNaN(per) {
		return nil, false
	}
	if ref != nil && !ref.boundOK {
		ref = nil
	}
	for t := range fr.money {
		fr.money[t] = per
	}
	fr.remaining = append(fr.remaining[:0], c.cand...)
	for _, p := range c.cand {
		fr.lower[p] = 1 / float64(c.supp[p]) * (1 - fastTol)
	}
	fr.selected = fr.selected[:0]
	fr.paid = fr.paid[:0]
	recorded := 0 // steps whose bounds are in fr.bounds
	for len(fr.remaining) > 0 {
		if c.ctx.Err() != nil {
			return nil, false // canceled: mesRound looks
		}
		step := len(fr.selected)
		rem := fr.remaining
		if ref != nil && step < len(ref.bounds) {
			// Same funding as ref so far (ref is dropped at the first
			// difference): take ref's bounds where they are higher.
			b := ref.bounds[step]
			keep := rem[:0]
			for _, p := range rem {
				if b[p] > fr.lower[p] {
					fr.lower[p] = b[p]
				}
				if !math.IsInf(fr.lower[p], 1) {
					keep = append(keep, p)
				}
			}
			rem = keep
		} else {
			ref = nil
		}
		slices.SortFunc(rem, func(pa, pb int32) int {
			if fr.lower[pa] != fr.lower[pb] {
				return cmp.Compare(fr.lower[pa], fr.lower[pb])
			}
			return cmp.Compare(c.rank[pa], c.rank[pb])
		})
		best := math.Inf(1)
		fr.bestP = -1
		fr.evals = fr.evals[:0]
		keep := rem[:0]
		for i, p := range rem {
			if fr.lower[p] > best*(1+4*fastTol) {
				keep = append(keep, rem[i:]...)
				break
			}
			alpha, st, w := fr.afford(c, p, fr.lower[p]*fr.fcost[p])
			switch st {
			case fastUnsure:
				return nil, false
			case fastUnaffordable:
				continue
			}
			keep = append(keep, p)
			rho := alpha / fr.fcost[p]
			fr.lower[p] = rho * (1 - fastTol)
			if rho < best {
				best = rho
				fr.seen, fr.bestSeen, fr.bestP = fr.bestSeen, fr.seen, p
			}
			fr.evals = append(fr.evals, fastEval{p, rho, alpha, w})
		}
		fr.remaining = keep
		// This step's bounds, for a run with less money to come.
		if step == len(fr.bounds) {
			fr.bounds = append(fr.bounds, make([]float64, len(c.cost)))
		}
		b := fr.bounds[step]
		recorded = step + 1
		for _, p := range c.cand {
			b[p] = math.Inf(1)
		}
		for _, p := range fr.remaining {
			b[p] = fr.lower[p]
		}
		if len(fr.evals) == 0 {
			break
		}
		// The winner, and whether another is within the margin of it.
		var win int32 = -1
		var winAlpha float64
		var winW int64
		near, exactTie := 0, true
		for _, ev := range fr.evals {
			if ev.rho > best*(1+4*fastTol) {
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
		if !fr.pay(c, win, winAlpha, per) {
			return nil, false
		}
		fr.selected = append(fr.selected, win)
		fr.paid[len(fr.paid)-1].tie = tie
		if ref != nil && (step >= len(ref.selected) || ref.selected[step] != win) {
			ref = nil
		}
		for i, p := range fr.remaining {
			if p == win {
				fr.remaining = append(fr.remaining[:i], fr.remaining[i+1:]...)
				break
			}
		}
	}
	// The last step's bounds: nothing left could be paid.
	n := len(fr.selected)
	if recorded == n {
		if n == len(fr.bounds) {
			fr.bounds = append(fr.bounds, make([]float64, len(c.cost)))
		}
		for _, p := range c.cand {
			fr.bounds[n][p] = math.Inf(1)
		}
	}
	fr.bounds = fr.bounds[:n+1]
	fr.boundOK = true
	return fr.selected, true
}

// afford is p's share α (Σ min(money, α) over its supporters = cost),
// whether they can pay it at all, and their number if every one of them
// pays α in full (then ρ is exactly 1/supporters), else 0.
func (fr *fastRun) afford(c *compiled, p int32, low float64) (float64, fastStatus, int64) {
	types, tw := c.projType[p], c.projW[p]
	tw = tw[:len(types)]
	money := fr.money
	// The purses above low, copied once (the one scattered read of each
	// supporter's money); every later pass runs over dense memory. A
	// purse of low or less pays all it has, as low is at most the share.
	if cap(fr.vals) < len(types) {
		fr.vals, fr.ws = make([]float64, len(types)), make([]int64, len(types))
	}
	vals, ws := fr.vals[:len(types)], fr.ws[:len(types)]
	if cap(fr.seen) < len(types) {
		fr.seen = make([]float64, len(types))
	}
	seen := fr.seen[:len(types)]
	n := 0
	var poor, total float64
	var rich int64
	minVal := math.Inf(1)
	for i, t := range types {
		// Without branches on the purse: which purses are empty, and on
		// which side of a pivot a purse falls, cannot be predicted.
		m, w := money[t], tw[i]
		seen[i] = m
		vals[n], ws[n] = m, w
		paid := float64(w) * m
		total += paid
		var above int
		if m > low {
			above = 1
		}
		n += above
		rich += w * int64(above)
		poor += paid * float64(1-above)
		if m > low && m < minVal {
			minVal = m
		}
	}
	vals, ws = vals[:n], ws[:n]
	cost := fr.fcost[p]
	switch {
	case total < cost*(1-fastTol):
		return 0, fastUnaffordable, 0
	case total <= cost*(1+fastTol):
		return 0, fastUnsure, 0
	case rich == 0:
		return 0, fastUnsure, 0 // low was not below the share after all
	}
	alpha := (cost - poor) / float64(rich)
	if minVal >= alpha {
		// Nobody above low is poor: they pay alpha.
		if rich == c.supp[p] && minVal >= alpha*(1+fastTol) {
			return alpha, fastOK, rich // every supporter pays alpha
		}
		if cost-poor < cost*1e-6 {
			return 0, fastUnsure, 0
		}
		return alpha, fastOK, 0
	}
	// Some pay all they have, the rest alpha: find alpha by halving the
	// purses still in doubt around a pivot purse x, as quickselect does.
	// One pass splits them into those below x and those above (into the
	// other buffer, from its two ends) and counts those equal to x. If the
	// supporters would pay the cost or more with a share of x, the share is
	// at most x and every purse of x or more pays it in full; else the
	// share is above x and every purse of x or less is emptied. x itself
	// is settled either way, so every pass settles at least one purse.
	if cap(fr.vals2) < len(vals) {
		fr.vals2, fr.ws2 = make([]float64, len(vals)), make([]int64, len(vals))
	}
	vals2, ws2 := fr.vals2[:len(vals)], fr.ws2[:len(vals)]
	rich = 0 // weight of the purses that pay the share in full; poor: what the emptied ones hold
	for pass := 0; len(vals) > 0; pass++ {
		var x float64
		if pass < 64 {
			x = pivot(vals)
		} else {
			// Pivots keep missing (never seen): the median, by sorting.
			x = slices.Sorted(slices.Values(vals))[len(vals)/2]
		}
		var eq, above int64 // weights
		var belowSum float64
		n := len(vals)
		lo, hi := 0, n
		for i, m := range vals {
			w := ws[i]
			// Written at both ends; the side it belongs to keeps it.
			vals2[lo], ws2[lo] = m, w
			vals2[hi-1], ws2[hi-1] = m, w
			var lt, gt int
			if m < x {
				lt = 1
			}
			if m > x {
				gt = 1
			}
			lo += lt
			hi -= gt
			belowSum += float64(w*int64(lt)) * m
			above += w * int64(gt)
			eq += w * int64(1-lt-gt)
		}
		got := poor + belowSum + x*float64(rich+eq+above)
		vals, vals2, ws, ws2 = vals2, vals[:cap(vals)], ws2, ws[:cap(ws)]
		if got >= cost {
			rich += eq + above
			vals, ws = vals[:lo], ws[:lo]
		} else {
			poor += belowSum + x*float64(eq)
			vals, ws = vals[hi:n], ws[hi:n]
		}
		vals2, ws2 = vals2[:cap(vals2)], ws2[:cap(ws2)]
	}
	num := cost - poor
	if rich == 0 || num < cost*1e-6 {
		return 0, fastUnsure, 0
	}
	return num / float64(rich), fastOK, 0
}

// pivot is a purse to split vals around: the median of the first, middle
// and last.
func pivot(vals []float64) float64 {
	a, b, c := vals[0], vals[len(vals)/2], vals[len(vals)-1]
	return max(min(a, b), min(max(a, b), c))
}

// pay makes p's supporters pay alpha each (or all they have); false if a
// purse is too close to alpha to tell whether it is emptied.
func (fr *fastRun) pay(c *compiled, p int32, alpha, per float64) bool {
	pd := fastPaid{alpha: alpha}
	defer func() { fr.paid = append(fr.paid, pd) }()
	types, tw := c.projType[p], c.projW[p]
	tw = tw[:len(types)]
	money := fr.money
	var seen []float64
	if p == fr.bestP {
		seen = fr.bestSeen[:len(types)] // as afford read it, in order
	} else {
		if cap(fr.seen) < len(types) {
			fr.seen = make([]float64, len(types))
		}
		seen = fr.seen[:len(types)]
		for i, t := range types {
			seen[i] = money[t]
		}
	}
	eps := fastTol * per
	if !fr.tally {
		for i, t := range types {
			m := seen[i]
			d := m - alpha
			if d <= eps && d >= -eps && m != 0 {
				return false
			}
			if d < 0 {
				d = 0
			}
			money[t] = d
		}
		return true
	}
	var full, part int64
	for i, t := range types {
		// Without branches on the purse, as in afford; an empty purse
		// stays empty (0 − alpha < 0).
		m, w := seen[i], tw[i]
		d := m - alpha
		if d <= eps && d >= -eps && m != 0 {
			return false
		}
		var f int64
		if d >= 0 {
			f = 1
		}
		full += w * f
		part += w * (1 - f)
		pd.partPaid += float64(w*(1-f)) * m
		if d < 0 {
			d = 0
		}
		money[t] = d
	}
	pd.full, pd.part = full, part
	return true
}

// exactReplayTypes is the most distinct ballots for which the explanation
// of a float run is recomputed exactly; beyond it, exact shares of many
// purses take seconds, and the explanation's amounts come from the float
// run (rounded, relative error below 1e-9; the selection is exact anyway).
const exactReplayTypes = 20_000

// stepsOf is the explanation from what a float run's selections paid.
func (c *compiled) stepsOf(fcost []float64, paid []fastPaid, sel []int32) []CountStep {
	var steps []CountStep
	for i, p := range sel {
		pd := paid[i]
		st := c.step(p)
		st.Funded = true
		st.Share = new(big.Rat).SetFloat64(pd.alpha)
		st.Rho = new(big.Rat).SetFloat64(pd.alpha / fcost[p])
		st.PartPaid = new(big.Rat).SetFloat64(pd.partPaid)
		st.FullPayers, st.PartPayers = int(pd.full), int(pd.part)
		st.Tie = pd.tie
		st.Reason = paidReason(st, c.cost[p])
		steps = append(steps, st)
	}
	return steps
}
