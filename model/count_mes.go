package model

import (
	"fmt"
	"math/big"
	"sort"
)

// The Method of Equal Shares, exactly.
//
// Ballots with the same supported set always hold the same money, so MES
// works on ballot types with weights. A ballot's money is always the
// starting share minus the shares of the funded proposals it supports, or 0
// once it paid all it had, so the ballots fall into few "money classes":
// each ballot type points at its class, and a class holds one exact value.
// Funding a proposal moves its supporters' types to new classes.

// mesResult is one run of MES.
type mesResult struct {
	selected []int32
	steps    []CountStep // funded proposals, in order
	tie      bool
	cost     *big.Rat
}

// mesRun is the state of one run.
type mesRun struct {
	c         *compiled
	val       []big.Rat // money of each class; class 0 is the empty purse
	typeClass []int32
	cnt       []int64 // scratch: weight per class of a proposal's supporters
	trans     []int32 // scratch: class → class after a payment
	touched   []int32
}

// mes runs MES with per money on every ballot.
func (c *compiled) mes(per *big.Rat) mesResult {
	r := &mesRun{c: c}
	r.val = make([]big.Rat, 2, 64)
	r.val[1].Set(per)
	r.typeClass = make([]int32, len(c.typeW))
	for t := range r.typeClass {
		r.typeClass[t] = 1
	}
	res := mesResult{cost: new(big.Rat)}

	remaining := append([]int32(nil), c.cand...)
	// lower[p] never exceeds p's ρ: money only shrinks, so ρ only grows.
	lower := make(map[int32]*big.Rat, len(remaining))
	for _, p := range remaining {
		lower[p] = big.NewRat(1, c.supp[p])
	}
	rho := new(big.Rat)
	alpha := new(big.Rat)
	for len(remaining) > 0 {
		sort.Slice(remaining, func(a, b int) bool {
			pa, pb := remaining[a], remaining[b]
			if d := lower[pa].Cmp(lower[pb]); d != 0 {
				return d < 0
			}
			return c.less(pa, pb)
		})
		var best *big.Rat
		var tied []int32
		keep := remaining[:0]
		for i, p := range remaining {
			if best != nil && lower[p].Cmp(best) > 0 {
				keep = append(keep, remaining[i:]...)
				break
			}
			if !r.afford(p, alpha) {
				continue // its supporters cannot pay it, now or later
			}
			keep = append(keep, p)
			rho.Quo(alpha, c.cost[p])
			lower[p].Set(rho)
			switch {
			case best == nil || rho.Cmp(best) < 0:
				best = new(big.Rat).Set(rho)
				tied = append(tied[:0], p)
			case rho.Cmp(best) == 0:
				tied = append(tied, p)
			}
		}
		remaining = keep
		if len(tied) == 0 {
			break
		}
		win := tied[0]
		for _, p := range tied[1:] {
			if c.less(p, win) {
				win = p
			}
		}
		if len(tied) > 1 {
			res.tie = true
		}
		share := new(big.Rat).Mul(best, c.cost[win])
		st := r.pay(win, share)
		st.Rho = new(big.Rat).Set(best)
		st.Tie = len(tied) > 1
		res.cost.Add(res.cost, c.cost[win])
		res.selected = append(res.selected, win)
		res.steps = append(res.steps, st)
		for i, p := range remaining {
			if p == win {
				remaining = append(remaining[:i], remaining[i+1:]...)
				break
			}
		}
	}
	return res
}

// afford sets alpha to the share each supporter of p pays when those with
// less pay all they have: Σ min(money, alpha) = cost. It reports false if
// the supporters together have less than the cost.
func (r *mesRun) afford(p int32, alpha *big.Rat) bool {
	c := r.c
	if len(r.cnt) < len(r.val) {
		r.cnt = make([]int64, len(r.val)+len(r.val)/2)
	}
	r.touched = r.touched[:0]
	for _, t := range c.projType[p] {
		k := r.typeClass[t]
		if r.cnt[k] == 0 {
			r.touched = append(r.touched, k)
		}
		r.cnt[k] += c.typeW[t]
	}
	defer func() {
		for _, k := range r.touched {
			r.cnt[k] = 0
		}
	}()
	sort.Slice(r.touched, func(a, b int) bool {
		return r.val[r.touched[a]].Cmp(&r.val[r.touched[b]]) < 0
	})
	total := new(big.Rat)
	tmp := new(big.Rat)
	var rich int64
	for _, k := range r.touched {
		total.Add(total, tmp.Mul(&r.val[k], tmp.SetInt64(r.cnt[k])))
		rich += r.cnt[k]
	}
	cost := c.cost[p]
	if total.Cmp(cost) < 0 {
		return false
	}
	poor := new(big.Rat)
	for _, k := range r.touched {
		alpha.Sub(cost, poor)
		alpha.Quo(alpha, tmp.SetInt64(rich))
		if alpha.Cmp(&r.val[k]) <= 0 {
			return true
		}
		poor.Add(poor, tmp.Mul(&r.val[k], tmp.SetInt64(r.cnt[k])))
		rich -= r.cnt[k]
	}
	panic("model: MES afford found no share") // total ≥ cost guarantees one
}

// pay makes p's supporters pay share each, or all they have if less.
func (r *mesRun) pay(p int32, share *big.Rat) CountStep {
	c := r.c
	st := c.step(p)
	st.Share = new(big.Rat).Set(share)
	st.PartPaid = new(big.Rat)
	r.trans = r.trans[:0]
	for range r.val {
		r.trans = append(r.trans, -1)
	}
	tmp := new(big.Rat)
	var full, part int64
	for _, t := range c.projType[p] {
		k := r.typeClass[t]
		w := c.typeW[t]
		if r.val[k].Cmp(share) >= 0 {
			full += w
		} else {
			part += w
			st.PartPaid.Add(st.PartPaid, tmp.Mul(&r.val[k], tmp.SetInt64(w)))
		}
		if r.trans[k] < 0 {
			if r.val[k].Cmp(share) <= 0 {
				r.trans[k] = 0
			} else {
				r.val = append(r.val, big.Rat{})
				r.val[len(r.val)-1].Sub(&r.val[k], share)
				r.trans[k] = int32(len(r.val) - 1)
			}
		}
		r.typeClass[t] = r.trans[k]
	}
	st.FullPayers, st.PartPayers = int(full), int(part)
	st.Funded = true
	if part == 0 {
		st.Reason = fmt.Sprintf("Valgt: de %d, der stemte på forslaget, betalte %s hver (ρ = %s af prisen).",
			full, ratKroner(share), ratDecimal(new(big.Rat).Quo(share, c.cost[p]), 6))
	} else {
		st.Reason = fmt.Sprintf("Valgt: %d af dem, der stemte på forslaget, betalte %s hver, og %d betalte alt, hvad de havde tilbage (%s i alt).",
			full, ratKroner(share), part, ratKroner(st.PartPaid))
	}
	return st
}

// outcome turns a run into an Outcome with steps for the proposals not
// funded too.
func (c *compiled) outcome(m CountMethod, res mesResult) Outcome {
	out := Outcome{Method: m, Cost: res.cost, TieDecided: res.tie}
	left := new(big.Rat).Set(c.budget)
	funded := make([]bool, len(c.cost))
	for i, p := range res.selected {
		out.Selected = append(out.Selected, c.e.Projects[p].ID)
		left.Sub(left, c.cost[p])
		st := res.steps[i]
		st.Left = new(big.Rat).Set(left)
		out.Steps = append(out.Steps, st)
		funded[p] = true
	}
	out.Left = left
	order := make([]int32, 0, len(c.cost))
	for p := range c.cost {
		if !funded[p] {
			order = append(order, int32(p))
		}
	}
	sort.Slice(order, func(a, b int) bool {
		pa, pb := order[a], order[b]
		if c.supp[pa] != c.supp[pb] {
			return c.supp[pa] > c.supp[pb]
		}
		return c.less(pa, pb)
	})
	for _, p := range order {
		st := c.step(p)
		st.Left = new(big.Rat).Set(left)
		switch {
		case c.supp[p] == 0:
			st.Reason = "Ikke valgt: ingen har stemt på forslaget."
		case c.cost[p].Sign() == 0:
			st.Reason = "Ikke valgt: forslaget koster 0 kr., og lige store andele fordeler kun penge."
		default:
			st.Reason = fmt.Sprintf("Ikke valgt: de %d, der stemte på forslaget, havde ikke %s tilbage tilsammen.",
				c.supp[p], ratKroner(c.cost[p]))
		}
		out.Steps = append(out.Steps, st)
	}
	return out
}

// mesAdd1 is MES completed by adding one unit per ballot a round.
func (c *compiled) mesAdd1() (Outcome, error) {
	per := new(big.Rat).Quo(c.budget, new(big.Rat).SetInt64(c.n))
	one := big.NewRat(1, 1)
	prev := mesResult{cost: new(big.Rat)}
	prevPer := new(big.Rat).Set(per)
	for round := 1; ; round++ {
		if round > MaxCompletionRounds {
			return Outcome{}, fmt.Errorf("fuldførelsen af lige store andele stoppede efter %d runder uden resultat", MaxCompletionRounds)
		}
		res := c.mes(per)
		if res.cost.Cmp(c.budget) > 0 {
			out := c.outcome(CountMESAdd1, prev)
			out.PerBallot, out.Rounds = prevPer, round
			return out, nil
		}
		if c.exhaustive(res) {
			out := c.outcome(CountMESAdd1, res)
			out.PerBallot, out.Rounds = new(big.Rat).Set(per), round
			return out, nil
		}
		prev, prevPer = res, new(big.Rat).Set(per)
		per.Add(per, one)
	}
}

// exhaustive reports that no unfunded candidate fits in what res leaves.
func (c *compiled) exhaustive(res mesResult) bool {
	left := new(big.Rat).Sub(c.budget, res.cost)
	funded := make(map[int32]bool, len(res.selected))
	for _, p := range res.selected {
		funded[p] = true
	}
	for _, p := range c.cand {
		if !funded[p] && c.cost[p].Cmp(left) <= 0 {
			return false
		}
	}
	return true
}
