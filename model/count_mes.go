package model

import (
	"fmt"
	"math/big"
	"runtime"
	"sort"
	"sync"
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
	tieAt    []bool // a float run's selections that won an exact tie
	cost     *big.Rat
}

// replayed is r's selection replayed exactly, keeping r's ties.
func (c *compiled) replayed(r mesResult, per *big.Rat) mesResult {
	res := c.mesExact(per, r.selected)
	res.tie = r.tie
	for i := range res.steps {
		if i < len(r.tieAt) {
			res.steps[i].Tie = r.tieAt[i]
		}
	}
	return res
}

// mesRun is the state of one run.
type mesRun struct {
	c         *compiled
	val       []big.Rat // money of each class; class 0 is the empty purse
	fval      []float64 // val as floats: sort keys only, fixed up exactly
	typeClass []int32
	cnt       []int64 // scratch: weight per class of a proposal's supporters
	trans     []int32 // scratch: class → class after a payment
	touched   []int32
}

// mesExact runs MES exactly. With a replay order (from the float run,
// which chose it) it funds those proposals in that order and computes
// only their shares exactly, for the explanation.
func (c *compiled) mesExact(per *big.Rat, replay []int32) mesResult {
	r := &mesRun{c: c}
	r.val = make([]big.Rat, 2, 64)
	r.val[1].Set(per)
	f, _ := per.Float64()
	r.fval = []float64{0, f}
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
	for _, p := range replay {
		if !r.afford(p, alpha) {
			panic("model: MES replay of an unaffordable proposal")
		}
		share := new(big.Rat).Set(alpha)
		st := r.pay(p, share)
		st.Rho = new(big.Rat).Quo(share, c.cost[p])
		res.cost.Add(res.cost, c.cost[p])
		res.selected = append(res.selected, p)
		res.steps = append(res.steps, st)
	}
	if replay != nil {
		return res
	}
	for len(remaining) > 0 && c.ctx.Err() == nil {
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
	// Sort by the float keys, then fix the order exactly: insertion sort
	// on a nearly sorted list is one exact comparison per class.
	sort.Slice(r.touched, func(a, b int) bool {
		return r.fval[r.touched[a]] < r.fval[r.touched[b]]
	})
	for i := 1; i < len(r.touched); i++ {
		for j := i; j > 0 && r.val[r.touched[j]].Cmp(&r.val[r.touched[j-1]]) < 0; j-- {
			r.touched[j], r.touched[j-1] = r.touched[j-1], r.touched[j]
		}
	}
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
				v := &r.val[len(r.val)-1]
				v.Sub(&r.val[k], share)
				f, _ := v.Float64()
				r.fval = append(r.fval, f)
				r.trans[k] = int32(len(r.val) - 1)
			}
		}
		r.typeClass[t] = r.trans[k]
	}
	st.FullPayers, st.PartPayers = int(full), int(part)
	st.Funded = true
	st.Reason = paidReason(st, c.cost[p])
	return st
}

// paidReason explains a funded proposal's payment in Danish.
func paidReason(st CountStep, cost *big.Rat) string {
	if st.PartPayers == 0 {
		each := " hver"
		if st.FullPayers == 1 {
			each = ""
		}
		return fmt.Sprintf("Valgt: %s, der stemte på forslaget, betalte %s%s (ρ = %s af prisen).",
			voters(st.FullPayers), ratKroner(st.Share), each, ratDecimal(new(big.Rat).Quo(st.Share, cost), 6))
	}
	each, they := " hver", "de"
	if st.FullPayers == 1 {
		each = ""
	}
	if st.PartPayers == 1 {
		they = "vedkommende"
	}
	return fmt.Sprintf("Valgt: %d af dem, der stemte på forslaget, betalte %s%s, og %d betalte alt, hvad %s havde tilbage (%s i alt).",
		st.FullPayers, ratKroner(st.Share), each, st.PartPayers, they, ratKroner(st.PartPaid))
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
			st.Reason = "Ikke valgt: forslaget koster 0 kr., og lige store andele vælger kun forslag, der koster noget."
		default:
			st.Reason = fmt.Sprintf("Ikke valgt: %s, der stemte på forslaget, havde ikke %s tilbage tilsammen.",
				voters(int(c.supp[p])), ratKroner(c.cost[p]))
		}
		out.Steps = append(out.Steps, st)
	}
	return out
}

// round is one run of MES in mes-add1: from the float run (replay: the
// shares are not computed exactly yet) or from the exact one.
type round struct {
	mesResult
	replay bool
	paid   []fastPaid // a float run too big to replay: what was paid, for the steps
	fcost  []float64
}

// explained fills in r's steps: replayed exactly, or from the float run.
func (c *compiled) explained(r round, per *big.Rat) mesResult {
	switch {
	case r.replay:
		return c.replayed(r.mesResult, per)
	case r.paid != nil:
		r.steps = c.stepsOf(r.fcost, r.paid, r.selected)
		for i := range r.steps {
			r.steps[i].Tie = i < len(r.tieAt) && r.tieAt[i]
		}
	}
	return r.mesResult
}

// mesRound runs MES with per on every ballot: in float64 if that is sure,
// else exactly. ref is nil or the float run of this view just before, with
// more money per ballot (see mesFast).
func (c *compiled) mesRound(fr *fastRun, per *big.Rat, ref *fastRun) round {
	f, _ := per.Float64()
	sel, ok := c.mesFast(fr, f, ref)
	if c.ctx.Err() != nil {
		return round{mesResult: mesResult{cost: new(big.Rat)}} // canceled: the caller looks
	}
	if ok {
		res := mesResult{selected: append([]int32(nil), sel...), cost: new(big.Rat)}
		for i, p := range sel {
			res.cost.Add(res.cost, c.cost[p])
			res.tieAt = append(res.tieAt, fr.paid[i].tie)
			res.tie = res.tie || fr.paid[i].tie
		}
		if len(c.typeW) > exactReplayTypes {
			// The explanation is written only for the round returned.
			return round{res, false, append([]fastPaid(nil), fr.paid...), fr.fcost}
		}
		return round{mesResult: res, replay: true}
	}
	return round{mesResult: c.mesExact(per, nil)}
}

// mesAdd1 is MES completed by adding one unit per ballot a round. Rounds
// are independent, so a batch of them runs at once on the machine's cores;
// they are then taken in order, and rounds after the one that decides are
// thrown away. Each core takes a window of consecutive rounds and runs it
// from the most money down, so that each run can use the bounds of the
// one before (mesFast's ref): it then evaluates little more than the
// proposal it funds at each step.
func (c *compiled) mesAdd1() (Outcome, error) {
	start := new(big.Rat).Quo(c.budget, new(big.Rat).SetInt64(c.n))
	perAt := func(k int) *big.Rat { return new(big.Rat).Add(start, new(big.Rat).SetInt64(int64(k))) }
	workers := max(1, min(runtime.GOMAXPROCS(0), 8))
	runs := make([][2]*fastRun, workers) // a core's run and the one before it
	var view *compiled
	var viewPer *big.Rat
	batch := make([]round, workers*add1Window)
	prev := round{mesResult: mesResult{cost: new(big.Rat)}}
	prevK := 0
	finish := func(r round, k, rounds int) (Outcome, error) {
		per := perAt(k)
		if r.paid != nil {
			// Its explanation comes from the float run, which did not
			// tally who paid what: run it again, tallying.
			r = view.mesRound(view.newFastRun(), per, nil)
			if c.ctx.Err() != nil {
				return Outcome{}, ErrCountCanceled
			}
		}
		out := c.outcome(CountMESAdd1, c.explained(r, per))
		out.PerBallot, out.Rounds = per, rounds
		return out, nil
	}
	for k0 := 0; ; k0 += len(batch) {
		if c.ctx.Err() != nil {
			return Outcome{}, ErrCountCanceled
		}
		if k0 >= MaxCompletionRounds {
			return Outcome{}, fmt.Errorf("fuldførelsen af lige store andele stoppede efter %d runder uden resultat", MaxCompletionRounds)
		}
		n := len(batch)
		if k0 == 0 {
			n = 1 // most small elections finish in the first round or few
		}
		// The proposals that no run of this batch can fund are left out;
		// the view is made for a quarter more money than the batch needs,
		// so that it serves the next batches too.
		if last := perAt(k0 + n - 1); view == nil || last.Cmp(viewPer) > 0 {
			viewPer = new(big.Rat).Mul(last, big.NewRat(5, 4))
			viewPer.Add(viewPer, big.NewRat(int64(len(batch)), 1))
			view = c.restricted(viewPer)
			for i := range runs {
				runs[i] = [2]*fastRun{view.newFastRun(), view.newFastRun()}
				runs[i][0].tally, runs[i][1].tally = false, false
			}
		}
		var wg sync.WaitGroup
		size := (n + workers - 1) / workers
		for w := range workers {
			lo, hi := w*size, min(n, (w+1)*size)
			if lo >= hi {
				break
			}
			wg.Add(1)
			go func(frs [2]*fastRun) {
				defer wg.Done()
				var ref *fastRun
				for i := hi - 1; i >= lo; i-- {
					fr := frs[i%2]
					batch[i] = view.mesRound(fr, perAt(k0+i), ref)
					ref = fr
				}
			}(runs[w])
		}
		wg.Wait()
		if c.ctx.Err() != nil {
			return Outcome{}, ErrCountCanceled // the batch's rounds may be cut short
		}
		for i, r := range batch[:n] {
			k := k0 + i
			if r.cost.Cmp(c.budget) > 0 {
				return finish(prev, prevK, k+1)
			}
			if c.exhaustive(r.mesResult) {
				return finish(r, k, k+1)
			}
			prev, prevK = r, k
		}
		if k0 == 0 {
			k0 = 1 - len(batch) // the next batch starts at round 2 (k = 1)
		}
	}
}

// add1Window is how many consecutive rounds of mes-add1 one core runs
// from the top down in a batch.
const add1Window = 4

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

// voters is "den ene" or "de 12" (who voted), for the explanations.
func voters(n int) string {
	if n == 1 {
		return "den ene"
	}
	return fmt.Sprintf("de %d", n)
}

// restricted is c without the proposals whose supporters cannot pay them
// even with per each (supporters · per < cost): MES starting every ballot
// with at most per can never fund them, so ballots that differ only in
// them are one ballot type, and ballots naming none of the rest drop out
// (they never pay). Fewer ballot types make a run faster; the outcome is
// the same.
func (c *compiled) restricted(per *big.Rat) *compiled {
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
	flat := make([]int32, 0, len(c.typeProj)*2)
	off := make([]int, 1, len(c.typeProj)+1)
	for _, ps := range c.typeProj {
		for _, p := range ps {
			if isLive[p] {
				flat = append(flat, p)
			}
		}
		off = append(off, len(flat))
	}
	v.setTypes(flat, off, c.typeW, true)
	return &v
}
