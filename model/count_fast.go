package model

import (
	"math"
	"math/big"
	"sort"
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
type fastRun struct {
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
	paid      []fastPaid // per selection, for the explanation
	evals     []fastEval
}

// fastPaid is what a selection's supporters paid, in float64.
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
func (c *compiled) mesFast(fr *fastRun, per float64) (selected []int32, ok bool) {
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
		fr.lower[p] = 1 / float64(c.supp[p]) * (1 - fastTol)
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
			if fr.lower[p] > best*(1+4*fastTol) {
				keep = append(keep, rem[i:]...)
				break
			}
			alpha, st, w := fr.afford(c, p)
			switch st {
			case fastUnsure:
				return nil, false
			case fastUnaffordable:
				continue
			}
			keep = append(keep, p)
			rho := alpha / fr.fcost[p]
			fr.lower[p] = rho * (1 - fastTol)
			best = min(best, rho)
			fr.evals = append(fr.evals, fastEval{p, rho, alpha, w})
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
		for i, p := range fr.remaining {
			if p == win {
				fr.remaining = append(fr.remaining[:i], fr.remaining[i+1:]...)
				break
			}
		}
	}
	return fr.selected, true
}

func (fr *fastRun) afford(c *compiled, p int32) (float64, fastStatus, int64) {
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
	case total < cost*(1-fastTol):
		return 0, fastUnaffordable, 0
	case total <= cost*(1+fastTol):
		return 0, fastUnsure, 0
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
			if pass == 0 && minVal >= alpha*(1+fastTol) {
				return alpha, fastOK, all
			}
			return alpha, fastOK, 0
		}
		rest, ws = rest[:n], ws[:n]
		num := cost - poor
		if rich == 0 || num < cost*1e-6 {
			return 0, fastUnsure, 0
		}
		alpha = num / float64(rich)
	}
}

// pay moves p's supporters to their classes after paying alpha each (or
// all they have); false if a purse is too close to alpha to tell.
func (fr *fastRun) pay(c *compiled, p int32, alpha, per float64) bool {
	fr.payment++
	pd := fastPaid{alpha: alpha}
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
			case math.Abs(d) <= fastTol*per:
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
