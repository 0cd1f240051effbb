package model_test

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return r
}

// approval builds an approval election: costs as "id=cost", ballots as
// comma-separated ids ("" is an empty ballot).
func approval(budget string, costs []string, ballots ...string) model.Election {
	e := model.Election{Budget: rat(budget), Kind: model.BallotApproval}
	for _, c := range costs {
		id, cost, _ := strings.Cut(c, "=")
		e.Projects = append(e.Projects, model.ElectionProject{ID: id, Name: "Forslag " + id, Cost: rat(cost)})
	}
	for _, b := range ballots {
		var bal model.ElectionBallot
		if b != "" {
			bal.Projects = strings.Split(b, ",")
		}
		e.Ballots = append(e.Ballots, bal)
	}
	return e
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestCountRules(t *testing.T) {
	// Six ballots for A and B, four for C; A and B tie on everything.
	tieABC := approval("10", []string{"A=6", "B=6", "C=4"},
		append(repeat("A,B", 6), repeat("C", 4)...)...)
	lotB := tieABC
	lotB.TieOrder = []string{"B", "A"}
	cases := []struct {
		name     string
		e        model.Election
		m        model.CountMethod
		want     []string
		tie      bool
		wantCost string
	}{
		{"votes: most votes first, a project that no longer fits is skipped and the scan goes on",
			approval("100", []string{"a=60", "b=50", "c=40"}, "a,b", "a,b", "a", "c"), model.CountVotes,
			[]string{"a", "c"}, false, "100"},
		{"votes: a tie goes to the smaller id as a string ('10' before '9')",
			approval("10", []string{"9=10", "10=10"}, "9", "10"), model.CountVotes,
			[]string{"10"}, true, "10"},
		{"votes: a project nobody voted for is never funded, even when money is left",
			approval("100", []string{"a=10", "nobody=1"}, "a"), model.CountVotes,
			[]string{"a"}, false, "10"},
		{"votes: a supported project that costs 0 fits always",
			approval("5", []string{"a=5", "free=0"}, "a", "free"), model.CountVotes,
			[]string{"a", "free"}, false, "5"},
		{"votes: decimal budget is exact: 100.10 funds 60.05 + 40.05 but not one øre more",
			approval("100.10", []string{"a=60.05", "b=40.05", "c=0.01"}, "a,b,c", "a,b", "a"), model.CountVotes,
			[]string{"a", "b"}, false, "100.10"},
		{"votes: no ballots funds nothing",
			approval("100", []string{"a=10"}), model.CountVotes,
			nil, false, "0"},
		{"mes: equal shares; the tie between A and B goes to A, whose supporters are then spent",
			tieABC, model.CountMES, []string{"A", "C"}, true, "10"},
		{"mes: a drawn lot decides the tie instead of the id",
			lotB, model.CountMES, []string{"B", "C"}, true, "10"},
		{"votes: a drawn lot decides the tie instead of the id",
			lotB, model.CountVotes, []string{"B", "C"}, true, "10"},
		{"mes: a project that costs 0 is never selected",
			approval("10", []string{"a=5", "free=0"}, "a,free", "a,free"), model.CountMES,
			[]string{"a"}, false, "5"},
		{"mes: a project nobody supports is never selected",
			approval("10", []string{"a=5", "nobody=1"}, "a", "a"), model.CountMES,
			[]string{"a"}, false, "5"},
		{"mes: a majority cannot take it all: 2 of 3 ballots get 2/3 of the budget",
			approval("30", []string{"m1=10", "m2=10", "m3=10", "x=10"}, "m1,m2,m3", "m1,m2,m3", "x"), model.CountMES,
			[]string{"m1", "m2", "x"}, true, "30"},
		{"mes: leaves money unspent when supporters cannot pay (C then A is exhaustive only with add1)",
			approval("9", []string{"A=2", "C=7"}, "A,C", "A,C", "C"), model.CountMES,
			[]string{"C"}, false, "7"},
		{"mes-add1: one unit more per ballot funds A too",
			approval("9", []string{"A=2", "C=7"}, "A,C", "A,C", "C"), model.CountMESAdd1,
			[]string{"C", "A"}, false, "9"},
		{"mes-add1: stops before the outcome costs more than the budget",
			approval("10", []string{"big=9", "small=2"}, "big", "big", "big,small", "small"), model.CountMESAdd1,
			nil, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := model.Count(c.e, c.m)
			if err != nil {
				t.Fatal(err)
			}
			if c.want != nil && !reflect.DeepEqual(out.Selected, c.want) {
				t.Errorf("selected %v, want %v", out.Selected, c.want)
			}
			if c.want != nil && out.TieDecided != c.tie {
				t.Errorf("TieDecided = %v, want %v", out.TieDecided, c.tie)
			}
			if c.wantCost != "" && out.Cost.Cmp(rat(c.wantCost)) != 0 {
				t.Errorf("cost %s, want %s", out.Cost.RatString(), c.wantCost)
			}
			if new(big.Rat).Add(out.Cost, out.Left).Cmp(c.e.Budget) != 0 {
				t.Errorf("cost %s + left %s ≠ budget", out.Cost.RatString(), out.Left.RatString())
			}
			if len(out.Steps) != len(c.e.Projects) {
				t.Errorf("%d steps for %d projects", len(out.Steps), len(c.e.Projects))
			}
			for _, st := range out.Steps {
				if st.Reason == "" {
					t.Errorf("step %s has no explanation", st.Project)
				}
			}
		})
	}
}

func TestCountMESAdd1StopsBeforeOverspending(t *testing.T) {
	e := approval("11", []string{"big=9", "small=2"}, "big", "big", "big,small", "small")
	out, err := model.Count(e, model.CountMESAdd1)
	if err != nil {
		t.Fatal(err)
	}
	// At 11/4 per ballot big's three supporters have 8.25 < 9: only small
	// (cost 2), and big would fit in the 9 left: not exhaustive. One unit
	// more: 3.75 each; big (ρ 1/3) is paid 3 each, then small by v3's last
	// 0.75 and 1.25 from v4: cost 11 ≤ 11, exhaustive.
	if !reflect.DeepEqual(out.Selected, []string{"big", "small"}) || out.Rounds != 2 {
		t.Errorf("selected %v after %d rounds, want [big small] after 2", out.Selected, out.Rounds)
	}
	// With budget 10.5 the same second round costs 11 > 10.5: the first
	// round's outcome is returned.
	e.Budget = rat("10.5")
	out, err = model.Count(e, model.CountMESAdd1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.Selected, []string{"small"}) {
		t.Errorf("over budget: selected %v, want [small]", out.Selected)
	}
	if out.Cost.Cmp(e.Budget) > 0 {
		t.Errorf("cost %s above budget", out.Cost.RatString())
	}
}

func TestCountMESPartPayers(t *testing.T) {
	// S (4 supporters) goes first and leaves v1 with 0.1; T is then paid
	// by v1's last 0.1 and 1 each from v5 and v6.
	e := approval("6", []string{"S=3.6", "T=2.1"}, "S,T", "S", "S", "S", "T", "T")
	out, err := model.Count(e, model.CountMES)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.Selected, []string{"S", "T"}) {
		t.Fatalf("selected %v", out.Selected)
	}
	s, tt := out.Steps[0], out.Steps[1]
	if s.FullPayers != 4 || s.PartPayers != 0 || s.Share.Cmp(rat("0.9")) != 0 || s.Rho.Cmp(rat("1/4")) != 0 {
		t.Errorf("S: %d full, %d part, share %s, ρ %s", s.FullPayers, s.PartPayers, s.Share.RatString(), s.Rho.RatString())
	}
	if tt.FullPayers != 2 || tt.PartPayers != 1 || tt.Share.Cmp(rat("1")) != 0 || tt.PartPaid.Cmp(rat("0.1")) != 0 {
		t.Errorf("T: %d full, %d part (%s), share %s", tt.FullPayers, tt.PartPayers, tt.PartPaid.RatString(), tt.Share.RatString())
	}
	if !strings.Contains(tt.Reason, "betalte alt") || !strings.Contains(tt.Reason, "1,00 kr.") && !strings.Contains(tt.Reason, "1 kr.") {
		t.Errorf("T's explanation: %q", tt.Reason)
	}
	if s.Left.Cmp(rat("2.4")) != 0 || tt.Left.Cmp(rat("0.3")) != 0 {
		t.Errorf("left after S %s, after T %s", s.Left.RatString(), tt.Left.RatString())
	}
}

func TestCountPointsAndRanks(t *testing.T) {
	projects := []model.ElectionProject{
		{ID: "a", Cost: rat("5")}, {ID: "b", Cost: rat("5")}, {ID: "c", Cost: rat("5")},
	}
	// Cumulative: a is named most, but c has most points.
	cum := model.Election{Budget: rat("5"), Kind: model.BallotCumulative, Projects: projects, Ballots: []model.ElectionBallot{
		{Projects: []string{"a", "c"}, Points: []int64{1, 9}},
		{Projects: []string{"a", "b"}, Points: []int64{1, 2}},
		{Projects: []string{"a"}, Points: []int64{3}},
	}}
	out, err := model.Count(cum, model.CountVotes)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.Selected, []string{"c"}) || out.Steps[0].Score != 9 {
		t.Errorf("cumulative: %v (score %d), want [c] with 9 points", out.Selected, out.Steps[0].Score)
	}
	// MES ignores points: a has 3 supporters.
	if out := noerr.Get(model.Count(cum, model.CountMES))(t); !reflect.DeepEqual(out.Selected, []string{"a"}) {
		t.Errorf("cumulative MES: %v, want [a]", out.Selected)
	}
	// Ordinal with three ranks: 3/2/1 points. b: 3+3 = 6, a: 1+1+3 = 5 … .
	ord := model.Election{Budget: rat("5"), Kind: model.BallotOrdinal, MaxLength: 3, Projects: projects, Ballots: []model.ElectionBallot{
		{Projects: []string{"b", "c", "a"}},
		{Projects: []string{"b", "c", "a"}},
		{Projects: []string{"a"}},
	}}
	out, err = model.Count(ord, model.CountVotes)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.Selected, []string{"b"}) || out.Steps[0].Score != 6 {
		t.Errorf("ordinal: %v (score %d), want [b] with 6", out.Selected, out.Steps[0].Score)
	}
	// Scoring: a tie in points goes to the smaller id.
	sc := model.Election{Budget: rat("5"), Kind: model.BallotScoring, Projects: projects, Ballots: []model.ElectionBallot{
		{Projects: []string{"c", "b"}, Points: []int64{4, 4}},
	}}
	out = noerr.Get(model.Count(sc, model.CountVotes))(t)
	if !reflect.DeepEqual(out.Selected, []string{"b"}) || !out.TieDecided {
		t.Errorf("scoring tie: %v tie=%v, want [b] decided by a tie", out.Selected, out.TieDecided)
	}
}

func TestCountRefusesBadInput(t *testing.T) {
	ok := approval("10", []string{"a=5"}, "a")
	cases := []struct {
		name string
		mod  func(*model.Election)
		m    model.CountMethod
		want string
	}{
		{"unknown method", func(*model.Election) {}, "borda", "ukendt optællingsmetode"},
		{"no budget", func(e *model.Election) { e.Budget = nil }, model.CountVotes, "budgettet mangler"},
		{"negative budget", func(e *model.Election) { e.Budget = rat("-1") }, model.CountVotes, "negativt"},
		{"unknown kind", func(e *model.Election) { e.Kind = "stv" }, model.CountVotes, "ukendt stemmeform"},
		{"project twice", func(e *model.Election) { e.Projects = append(e.Projects, e.Projects[0]) }, model.CountVotes, "to gange"},
		{"project without cost", func(e *model.Election) { e.Projects[0].Cost = nil }, model.CountVotes, "mangler en pris"},
		{"unknown project on a ballot", func(e *model.Election) { e.Ballots[0].Projects = []string{"zz"} }, model.CountMES, `ukendt forslag "zz"`},
		{"a project twice on a ballot", func(e *model.Election) { e.Ballots[0].Projects = []string{"a", "a"} }, model.CountMES, "to gange"},
		{"points on approval", func(e *model.Election) { e.Ballots[0].Points = []int64{1} }, model.CountVotes, "point hører ikke til"},
		{"points missing on cumulative", func(e *model.Election) { e.Kind = model.BallotCumulative }, model.CountVotes, "1 forslag men 0 point"},
		{"negative points", func(e *model.Election) { e.Kind = model.BallotCumulative; e.Ballots[0].Points = []int64{-2} }, model.CountVotes, "uden for"},
		{"too many ranks", func(e *model.Election) {
			e.Kind, e.MaxLength = model.BallotOrdinal, 1
			e.Projects = append(e.Projects, model.ElectionProject{ID: "b", Cost: rat("1")})
			e.Ballots[0].Projects = []string{"a", "b"}
		}, model.CountVotes, "højst 1"},
		{"no ballots for MES", func(e *model.Election) { e.Ballots = nil }, model.CountMES, "ingen stemmesedler"},
		{"no ballots for add1", func(e *model.Election) { e.Ballots = nil }, model.CountMESAdd1, "ingen stemmesedler"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := ok
			e.Projects = slices.Clone(ok.Projects)
			e.Ballots = []model.ElectionBallot{{Projects: []string{"a"}}}
			c.mod(&e)
			_, err := model.Count(e, c.m)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// randomElection makes a small approval election with ties and odd costs
// likely: few distinct costs, few projects, decimal budgets.
func randomElection(r *rand.Rand) model.Election {
	np := 1 + r.Intn(7)
	e := model.Election{Kind: model.BallotApproval}
	var total int64
	diverse := r.Intn(2) == 0 // costs seldom equal: the float path decides
	for i := range np {
		c := int64(r.Intn(8)) * int64(1+r.Intn(3)) * 25 // 0 possible
		if diverse {
			c = int64(1 + r.Intn(10_000))
		}
		total += c
		e.Projects = append(e.Projects, model.ElectionProject{ID: fmt.Sprint(i), Cost: big.NewRat(c, 1)})
	}
	e.Budget = big.NewRat(int64(r.Intn(int(total+2)))*10+int64(r.Intn(10)), 10)
	nb := r.Intn(12)
	if diverse {
		nb = r.Intn(40)
	}
	for range nb {
		var b model.ElectionBallot
		for i := range np {
			if r.Intn(3) == 0 {
				b.Projects = append(b.Projects, fmt.Sprint(i))
			}
		}
		e.Ballots = append(e.Ballots, b)
	}
	if r.Intn(4) == 0 {
		for _, i := range r.Perm(np) {
			e.TieOrder = append(e.TieOrder, fmt.Sprint(i))
		}
	}
	return e
}

// naiveMES is MES written the plain way, one purse per ballot, every
// project's share recomputed every round: the reference for the grouped,
// lazy one.
func naiveMES(e model.Election, per *big.Rat) (selected []string, cost *big.Rat) {
	money := make([]*big.Rat, len(e.Ballots))
	for i := range money {
		money[i] = new(big.Rat).Set(per)
	}
	rank := map[string]int{}
	for i, id := range e.TieOrder {
		rank[id] = i - len(e.TieOrder)
	}
	before := func(a, b string) bool {
		ra, rb := rank[a], rank[b]
		if ra != rb {
			return ra < rb
		}
		return a < b
	}
	supporters := func(id string) []int {
		var s []int
		for i, b := range e.Ballots {
			if slices.Contains(b.Projects, id) {
				s = append(s, i)
			}
		}
		return s
	}
	done := map[string]bool{}
	cost = new(big.Rat)
	for {
		var best *big.Rat
		var win string
		var winShare *big.Rat
		for _, p := range e.Projects {
			s := supporters(p.ID)
			if done[p.ID] || p.Cost.Sign() == 0 || len(s) == 0 {
				continue
			}
			sort.Slice(s, func(a, b int) bool { return money[s[a]].Cmp(money[s[b]]) < 0 })
			paid := new(big.Rat)
			var share *big.Rat
			for k, i := range s {
				a := new(big.Rat).Sub(p.Cost, paid)
				a.Quo(a, big.NewRat(int64(len(s)-k), 1))
				if a.Cmp(money[i]) <= 0 {
					share = a
					break
				}
				paid.Add(paid, money[i])
			}
			if share == nil {
				continue
			}
			rho := new(big.Rat).Quo(share, p.Cost)
			if best == nil || rho.Cmp(best) < 0 || rho.Cmp(best) == 0 && before(p.ID, win) {
				best, win, winShare = rho, p.ID, share
			}
		}
		if best == nil {
			return selected, cost
		}
		for _, i := range supporters(win) {
			if money[i].Cmp(winShare) <= 0 {
				money[i].SetInt64(0)
			} else {
				money[i].Sub(money[i], winShare)
			}
		}
		done[win] = true
		selected = append(selected, win)
		for _, p := range e.Projects {
			if p.ID == win {
				cost.Add(cost, p.Cost)
			}
		}
	}
}

// TestCountProperties checks, on 1,200 generated elections: the
// selected never cost more than the budget; MES selects exactly what the
// plain one-purse-per-ballot MES selects (so never a project its
// supporters cannot pay); mes-add1 returns an outcome within budget that is
// exhaustive or was followed by one over budget; and adding a ballot for a
// project funded by votes never makes it lose.
func TestCountProperties(t *testing.T) {
	r := rand.New(rand.NewSource(2026))
	for i := range 1200 {
		e := randomElection(r)
		for _, m := range []model.CountMethod{model.CountVotes, model.CountMES, model.CountMESAdd1} {
			out, err := model.Count(e, m)
			if len(e.Ballots) == 0 && m != model.CountVotes {
				if err == nil {
					t.Fatalf("#%d %s: no ballots but no error", i, m)
				}
				continue
			}
			if err != nil {
				t.Fatalf("#%d %s: %v", i, m, err)
			}
			if out.Cost.Cmp(e.Budget) > 0 {
				t.Fatalf("#%d %s: cost %s above budget %s", i, m, out.Cost.RatString(), e.Budget.RatString())
			}
			if m == model.CountMES {
				per := new(big.Rat).Quo(e.Budget, big.NewRat(int64(len(e.Ballots)), 1))
				want, _ := naiveMES(e, per)
				if !slices.Equal(out.Selected, want) {
					t.Fatalf("#%d MES %v, plain MES %v\n%+v", i, out.Selected, want, e)
				}
			}
			if m == model.CountMESAdd1 {
				want, _ := naiveMES(e, out.PerBallot)
				if !slices.Equal(out.Selected, want) {
					t.Fatalf("#%d add1 %v, plain MES at %s %v", i, out.Selected, out.PerBallot.RatString(), want)
				}
				// The next round must be over budget, unless this one is exhaustive.
				_, nextCost := naiveMES(e, new(big.Rat).Add(out.PerBallot, big.NewRat(1, 1)))
				if !exhaustive(e, out) && nextCost.Cmp(e.Budget) <= 0 {
					t.Fatalf("#%d add1 stopped at %s per ballot, neither exhaustive nor followed by overspending", i, out.PerBallot.RatString())
				}
			}
		}
		// Monotonicity of votes.
		out := noerr.Get(model.Count(e, model.CountVotes))(t)
		for _, id := range out.Selected {
			more := e
			more.Ballots = append(slices.Clone(e.Ballots), model.ElectionBallot{Projects: []string{id}})
			out2, err := model.Count(more, model.CountVotes)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(out2.Selected, id) {
				t.Fatalf("#%d: one more ballot for %s made it lose: %v → %v", i, id, out.Selected, out2.Selected)
			}
		}
	}
}

func exhaustive(e model.Election, out model.Outcome) bool {
	for _, p := range e.Projects {
		supported := false
		for _, b := range e.Ballots {
			supported = supported || slices.Contains(b.Projects, p.ID)
		}
		if supported && p.Cost.Sign() > 0 && !slices.Contains(out.Selected, p.ID) && p.Cost.Cmp(out.Left) <= 0 {
			return false
		}
	}
	return true
}

func TestCountErrorsAreInvalidInput(t *testing.T) {
	_, err := model.Count(approval("10", []string{"a=1"}, "zz"), model.CountMES)
	if model.ErrorCode(err) != model.Invalid {
		t.Errorf("code %q for %v, want invalid", model.ErrorCode(err), err)
	}
	if _, err := model.Count(approval("10", nil), model.CountMES); !errors.Is(err, model.ErrCountNoBallots) {
		t.Errorf("no ballots: %v", err)
	}
}

// One voter paying in full and one paying all they had left are said in
// the singular (the walk's results PDF said »1 af dem … betalte 71.667,07
// kr. hver, og 1 betalte alt, hvad de havde tilbage«).
func TestMESExplanationOfOnePayer(t *testing.T) {
	e := approval("6", []string{"S=3.6", "T=1"}, "S,T", "S", "S", "S", "T")
	out, err := model.Count(e, model.CountMES)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.Selected, []string{"S", "T"}) {
		t.Fatalf("selected %v", out.Selected)
	}
	tt := out.Steps[1]
	if tt.FullPayers != 1 || tt.PartPayers != 1 {
		t.Fatalf("T: %d full, %d part; the test wants one of each", tt.FullPayers, tt.PartPayers)
	}
	if da := tt.Reason; strings.Contains(da, "hver") || !strings.Contains(da, "og 1 betalte alt, hvad vedkommende havde tilbage") {
		t.Errorf("in Danish: %q", da)
	}
	if en := model.StepReason(tt, model.CountMES, false, model.English); strings.Contains(en, " each") || !strings.Contains(en, "1 of those who voted for the proposal paid") {
		t.Errorf("in English: %q", en)
	}
}
