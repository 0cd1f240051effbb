package pb

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"lokalraad/model"
)

// A council's borgerbudget round as a Pabulib file and back.
//
// FromRound writes what researchers and other tools need to recount: the
// proposals on the ballot (id = the proposal's number on the ballot), the
// valid ballots (voter_id = the number printed on the sheet, never anything
// that names the voter), the pot and the rules. Personal data (the
// proposer's name and contact) is never written. Round reads such a file,
// or any approval or cumulative file from pabulib.org, into a new round
// whose count gives the same winners.
//
// Besides Pabulib's own META keys (budget, vote_type, max_length,
// max_sum_cost, max_sum_points, rule, date_begin, date_end) an export
// writes these of Lokalråd, which other tools ignore: tie_order (a drawn
// lot, proposal numbers in order), override_reason (the winners in the
// selected column were chosen by hand, with this reason, and
// override_order their order), min_age and
// residents_only. The VOTES section has a place column (the polling place)
// when a ballot names one.

// FromRound makes the Pabulib file of a counted round: the proposals on the
// ballot, the valid ballots of the tally (each counted ballot once, the
// invalid ones and the differences left out), and the winners of res as
// selected (nil res: none selected). On a round where some places reported
// only totals, those votes are in PROJECTS' votes column but not in VOTES
// (they are no ballots); META comment says so.
func FromRound(council string, r model.PBRound, ps []model.PBProposal, t model.PBTally, res *model.PBResult) *File {
	e := r.Election(ps, t, nil)
	var selected []string
	if res != nil {
		for _, w := range res.Winners {
			selected = append(selected, strconv.Itoa(w.Number))
		}
	}
	instance := ""
	// The instance is the round's year: of its vote, its result, or else
	// of its proposals' or review's start.
	for _, d := range []struct{ y int }{{r.VotingFrom.Year()}, {r.VotingTo.Year()}, {r.ResultDate.Year()}, {r.ProposalsFrom.Year()}, {r.ReviewFrom.Year()}} {
		if d.y > 1 && instance == "" {
			instance = strconv.Itoa(d.y)
		}
	}
	desc := strings.TrimSpace(r.Title)
	if c := strings.TrimSpace(council); c != "" {
		desc += ", " + c
	}
	f := FromElection(e, Info{Description: desc, Unit: strings.TrimSpace(council), Instance: instance, Rule: string(r.Method)}, selected)
	f.Set("language", "danish")
	f.Set("currency", "DKK")
	switch r.BallotKind {
	case model.PBApproval:
		if r.MaxChoices > 0 {
			f.Set("max_length", strconv.Itoa(r.MaxChoices))
		}
	case model.PBApprovalPot:
		f.Set("max_sum_cost", FormatAmount(big.NewRat(r.Pot, 100)))
	case model.PBPoints:
		f.Set("max_sum_points", strconv.Itoa(r.Points))
	}
	if !r.VotingFrom.IsZero() {
		f.Set("date_begin", r.VotingFrom.In(model.Copenhagen).Format("2.01.2006"))
	}
	if !r.VotingTo.IsZero() {
		f.Set("date_end", r.VotingTo.In(model.Copenhagen).Format("2.01.2006"))
	}
	if r.MinAge > 0 {
		f.Set("min_age", strconv.Itoa(r.MinAge))
	}
	if r.ResidentsOnly {
		f.Set("residents_only", "1")
	}
	if r.TieRule == model.TieByLot && len(r.TieOrder) > 0 {
		f.Set("tie_order", joinInts(r.TieOrder, ","))
	}
	if res != nil && res.Overridden {
		f.Set("override_reason", res.Reason)
		f.Set("override_order", joinInts(r.OverrideNumbers, ","))
	}
	totals := t.FromTotals(r.BallotKind)
	if totals > 0 {
		f.Set("comment", fmt.Sprintf("%d stemmer fra steder, der kun meldte totaler, er med i kolonnen votes, men ikke i VOTES", totals))
	}

	// The votes column from the tally (totals included), and the proposals'
	// category and description when any has one.
	byNumber := map[string]model.PBProposal{}
	for _, p := range model.OnBallot(ps) {
		byNumber[strconv.Itoa(p.Number)] = p
	}
	pt := &f.Projects
	votesCol, scoreCol := pt.Col("votes"), pt.Col("score")
	hasCat, hasText := false, false
	for _, p := range byNumber {
		hasCat = hasCat || strings.TrimSpace(p.Category) != ""
		hasText = hasText || strings.TrimSpace(p.Text) != ""
	}
	if hasCat {
		pt.Header = append(pt.Header, "category")
	}
	if hasText {
		pt.Header = append(pt.Header, "description")
	}
	for i, row := range pt.Rows {
		p := byNumber[row[0]]
		n := p.Number
		if r.BallotKind == model.PBPoints && scoreCol >= 0 {
			row[scoreCol] = strconv.FormatInt(t.Votes[n], 10)
		} else if r.BallotKind != model.PBPoints {
			row[votesCol] = strconv.FormatInt(t.Votes[n], 10)
		}
		if hasCat {
			row = append(row, p.Category)
		}
		if hasText {
			row = append(row, p.Text)
		}
		pt.Rows[i] = row
	}

	// voter_id is the ballot's number; the place when any ballot has one.
	hasPlace := false
	for _, b := range t.Valid {
		hasPlace = hasPlace || b.Place != ""
	}
	if hasPlace {
		f.Votes.Header = append(f.Votes.Header, "place")
	}
	for i, b := range t.Valid {
		f.Votes.Rows[i][0] = strconv.Itoa(b.Number)
		if hasPlace {
			f.Votes.Rows[i] = append(f.Votes.Rows[i], b.Place)
		}
	}
	return f
}

func joinInts(ns []int, sep string) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, sep)
}

// Round reads the file as a new round of citizen budgeting, counted (phase
// resultat): its proposals (all on the ballot) and its ballots (each
// entered once). Ids and the council are left empty for the caller.
//
// A blank vote in the file is a valid blank ballot (the round's
// BlankValid): the voter took part and counts in MES's pot/n.
//
// Approval files become rounds of "kryds ved højst N forslag" (META
// max_length) or, when META max_sum_cost is the budget, "kryds inden for
// puljen"; cumulative files rounds of points (META max_sum_points). When a
// ballot in the file breaks the file's own limit, the limit is widened so
// that every ballot the file counts is counted (and the round's note says
// so). Numeric project ids (1, 2, … 1000000000, written without leading
// zeros) become the proposals' numbers; other ids are numbered 1, 2, … in
// file order and the ties are broken in the order of the original ids as
// text, recorded as the round's lot, so that the count gives the same
// winners as the file's. voter_ids that are numbers become the ballots'
// numbers; otherwise the ballots are numbered 1, 2, ….
//
// Errors (Danish, code model.Invalid, naming the META key or the line):
// ordinal and scoring files (the app has no such ballots); a budget or
// cost that is not whole øre or too large; a ballot with 0 or more than
// model.MaxPBPoints points on a proposal; more proposals or ballots than a
// round may have.
func (f *File) Round() (model.PBRound, []model.PBProposal, []model.PBBallot, error) {
	r, ps, bs, err := f.round()
	return r, ps, bs, invalid(err)
}

func (f *File) round() (model.PBRound, []model.PBProposal, []model.PBBallot, error) {
	var r model.PBRound
	e, err := f.election()
	if err != nil {
		return r, nil, nil, err
	}
	switch e.Kind {
	case model.BallotApproval, model.BallotCumulative:
	default:
		return r, nil, nil, fmt.Errorf("META vote_type %q: Lokalråd kan kun indlæse afstemninger med krydser (approval) eller point (cumulative), ikke rangordnede (ordinal) eller karakterer (scoring)", f.Get("vote_type"))
	}
	pot, err := øre(e.Budget)
	if err != nil {
		return r, nil, nil, fmt.Errorf("META budget: %v", err)
	}
	if len(e.Projects) > model.MaxPBProposals {
		return r, nil, nil, fmt.Errorf("PROJECTS har %d forslag; en runde kan højst have %d", len(e.Projects), model.MaxPBProposals)
	}
	if len(e.Ballots) > model.MaxPBBallots {
		return r, nil, nil, fmt.Errorf("VOTES har %d stemmer; en runde kan højst have %d", len(e.Ballots), model.MaxPBBallots)
	}
	// FromRound writes the description as "title, council" with the council
	// as the unit: the round's own title comes back without it.
	desc := strings.TrimSpace(f.Get("description"))
	if u := strings.TrimSpace(f.Get("unit")); u != "" {
		if t, ok := strings.CutSuffix(desc, ", "+u); ok && strings.TrimSpace(t) != "" {
			desc = t
		}
	}
	r = model.PBRound{
		Title:   clipText(desc, model.MaxShort),
		Pot:     pot,
		Phase:   model.PhaseResult,
		Method:  method(f.Get("rule")),
		TieRule: model.TieByID,
		// In Pabulib a voter with no vote is a voter: MES gives every
		// voter of the file pot/n, so a blank ballot is a valid one.
		BlankValid: true,
	}
	if r.Title == "" {
		r.Title = "Borgerbudget fra Pabulib"
	}
	var notes []string
	if u := strings.TrimSpace(strings.Join(nonEmpty(f.Get("unit"), f.Get("subunit"), f.Get("instance")), ", ")); u != "" {
		notes = append(notes, "Indlæst fra en Pabulib-fil: "+u+".")
	} else {
		notes = append(notes, "Indlæst fra en Pabulib-fil.")
	}
	if d, err := model.ParseDate(f.Get("date_begin")); err == nil {
		r.VotingFrom = d
	}
	if d, err := model.ParseDate(f.Get("date_end")); err == nil && (r.VotingFrom.IsZero() || !d.Before(r.VotingFrom)) {
		r.VotingTo = d
	}
	if n, err := strconv.Atoi(f.Get("min_age")); err == nil && n > 0 && n <= 120 {
		r.MinAge = n
	}
	r.ResidentsOnly = f.Get("residents_only") == "1"

	// The proposals: numbers from numeric ids, else 1, 2, … with the ids'
	// string order as the lot.
	numeric := true
	for _, p := range e.Projects {
		n, err := strconv.Atoi(p.ID)
		if err != nil || n < 1 || n > model.MaxPBNumber || strconv.Itoa(n) != p.ID {
			numeric = false
			break
		}
	}
	number := make(map[string]int, len(e.Projects))
	pt := &f.Projects
	catCol, textCol, idCol := pt.Col("category"), pt.Col("description"), pt.Col("project_id")
	if idCol < 0 {
		idCol = 0
	}
	rowOf := make(map[string]int, len(pt.Rows))
	for i := range pt.Rows {
		rowOf[pt.Get(i, idCol)] = i
	}
	ps := make([]model.PBProposal, 0, len(e.Projects))
	for i, p := range e.Projects {
		n := i + 1
		if numeric {
			n, _ = strconv.Atoi(p.ID)
		}
		number[p.ID] = n
		row := rowOf[p.ID]
		cost, err := øre(p.Cost)
		if err != nil {
			return r, nil, nil, lineError(pt.Line[row], "pris: %v", err)
		}
		q := model.PBProposal{
			Number:   n,
			Title:    clipText(p.Name, model.MaxShort),
			Text:     clipText(pt.Get(row, textCol), model.MaxLong),
			Cost:     cost,
			Category: clipText(pt.Get(row, catCol), model.MaxShort),
			Status:   model.ProposalOnBallot,
		}
		if q.Title == "" {
			q.Title = "Forslag " + p.ID
		}
		if !numeric {
			q.Text = strings.TrimSpace(q.Text + "\n\n(Pabulib-id " + p.ID + ")")
		}
		if err := q.Validate(); err != nil {
			return r, nil, nil, lineError(pt.Line[row], "%s", fieldText(err))
		}
		ps = append(ps, q)
	}
	if f.Get("tie_order") != "" && numeric {
		if r.TieOrder, err = f.proposalNumbers("tie_order", ps, "lodtrækningen"); err != nil {
			return r, nil, nil, err
		}
		r.TieRule = model.TieByLot
	}
	if !numeric {
		ids := make([]string, 0, len(e.Projects))
		for _, p := range e.Projects {
			ids = append(ids, p.ID)
		}
		slices.Sort(ids)
		for _, id := range ids {
			r.TieOrder = append(r.TieOrder, number[id])
		}
		r.TieRule = model.TieByLot
		notes = append(notes, "Forslagene er nummereret 1, 2, … i filens rækkefølge; stemmelighed afgøres i rækkefølgen af deres Pabulib-id som tekst.")
	}

	// The ballots.
	vt := &f.Votes
	voterCol, placeCol := vt.Col("voter_id"), vt.Col("place")
	numbered := voterCol >= 0
	seen := make(map[int]bool, len(vt.Rows))
	for i := range vt.Rows {
		n, err := strconv.Atoi(vt.Get(i, voterCol))
		if !numbered || err != nil || n < 1 || n > model.MaxPBNumber || seen[n] {
			numbered = false
			break
		}
		seen[n] = true
	}
	points := e.Kind == model.BallotCumulative
	costOf := make(map[int]int64, len(ps))
	for _, p := range ps {
		costOf[p.Number] = p.Cost
	}
	bs := make([]model.PBBallot, 0, len(e.Ballots))
	longest, most := 0, int64(0)
	overPot := false
	blank := 0
	for i, eb := range e.Ballots {
		b := model.PBBallot{Entry: 1, Number: i + 1, Place: clipText(vt.Get(i, placeCol), model.MaxShort)}
		if numbered {
			b.Number, _ = strconv.Atoi(vt.Get(i, voterCol))
		}
		sum, cost := int64(0), int64(0)
		for k, id := range eb.Projects {
			m := model.PBMark{Number: number[id]}
			if points {
				m.Points = eb.Points[k]
				if m.Points < 1 || m.Points > model.MaxPBPoints {
					return r, nil, nil, lineError(vt.Line[i], "%d point til forslaget %q; Lokalråd tager 1 til %d point pr. forslag", m.Points, id, model.MaxPBPoints)
				}
				sum += m.Points
			}
			cost += costOf[m.Number]
			b.Marks = append(b.Marks, m)
		}
		if len(b.Marks) == 0 {
			blank++
		}
		longest = max(longest, len(b.Marks))
		most = max(most, sum)
		overPot = overPot || cost > pot
		bs = append(bs, b)
	}
	if blank > 0 {
		notes = append(notes, fmt.Sprintf("Filen har %d blanke stemmer; de er gyldige stemmer på intet, som i Pabulib, så hver vælgers andel af puljen er puljen delt med alle %d stemmer.", blank, len(bs)))
	}
	if !numbered && len(bs) > 0 {
		notes = append(notes, "Stemmesedlerne er nummereret 1, 2, … i filens rækkefølge.")
	}

	// The rules, from META, widened where a ballot of the file breaks them.
	if points {
		r.BallotKind = model.PBPoints
		r.Points = int(most)
		if n, err := strconv.Atoi(f.Get("max_sum_points")); err == nil && n > 0 {
			r.Points = n
			if int64(n) < most {
				r.Points = int(most)
				notes = append(notes, fmt.Sprintf("Filen siger højst %d point, men en stemme giver %d; grænsen er sat til %d, så alle filens stemmer tæller.", n, most, most))
			}
		}
		if r.Points > model.MaxPBPoints {
			return r, nil, nil, fmt.Errorf("META max_sum_points: %d point; Lokalråd tager højst %d", r.Points, model.MaxPBPoints)
		}
		r.Points = max(r.Points, 1)
	} else {
		r.BallotKind = model.PBApproval
		maxLen, err := strconv.Atoi(f.Get("max_length"))
		sumCost, costErr := ParseAmount(f.Get("max_sum_cost"))
		switch {
		case err == nil && maxLen > 0:
			r.MaxChoices = maxLen
			if maxLen < longest {
				r.MaxChoices = longest
				notes = append(notes, fmt.Sprintf("Filen siger højst %d krydser, men en stemme har %d; grænsen er sat til %d, så alle filens stemmer tæller.", maxLen, longest, longest))
			}
		case costErr == nil && sumCost.Cmp(e.Budget) == 0 && !overPot:
			r.BallotKind = model.PBApprovalPot
		}
	}
	if reason := strings.TrimSpace(f.Get("override_reason")); reason != "" {
		if f.Get("override_order") != "" && numeric {
			if r.OverrideNumbers, err = f.proposalNumbers("override_order", ps, "det manuelle resultat"); err != nil {
				return r, nil, nil, err
			}
		} else {
			sel := f.Projects.Col("selected")
			for i := range f.Projects.Rows {
				if f.Projects.Get(i, sel) == "1" {
					r.OverrideNumbers = append(r.OverrideNumbers, number[f.Projects.Get(i, idCol)])
				}
			}
		}
		r.OverrideReason = clipText(reason, model.MaxLong)
	}
	r.Note = clipText(strings.Join(notes, "\n"), model.MaxLong)
	if err := r.Validate(); err != nil {
		return r, nil, nil, fmt.Errorf("META: %s", fieldText(err))
	}
	return r, ps, bs, nil
}

// øre is an exact amount in kroner as whole øre.
// proposalNumbers reads the META list key ("3,1,2") of the numbers of
// proposals in ps; each is named once (which place would a second count
// for?), and list says in Danish where it stands.
func (f *File) proposalNumbers(key string, ps []model.PBProposal, list string) ([]int, error) {
	var out []int
	for _, s := range strings.Split(f.Get(key), ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || !slices.ContainsFunc(ps, func(p model.PBProposal) bool { return p.Number == n }) {
			return nil, f.metaError(key, "%q er ikke et forslag i filen", strings.TrimSpace(s))
		}
		if slices.Contains(out, n) {
			return nil, f.metaError(key, "forslag %d står to gange i %s", n, list)
		}
		out = append(out, n)
	}
	return out, nil
}

func øre(v *big.Rat) (int64, error) {
	o := new(big.Rat).Mul(v, big.NewRat(100, 1))
	if !o.IsInt() {
		return 0, fmt.Errorf("%s er ikke et helt antal øre", FormatAmount(v))
	}
	if !o.Num().IsInt64() || o.Num().Int64() > model.MaxAmount {
		return 0, fmt.Errorf("%s er for stort et beløb", FormatAmount(v))
	}
	return o.Num().Int64(), nil
}

// method is the counting method a META rule names; votes when unknown.
func method(rule string) model.CountMethod {
	switch strings.ToLower(strings.TrimSpace(rule)) {
	case "mes", "equalshares", "equal_shares":
		return model.CountMES
	case "mes-add1", "equalshares/add1", "equalshares-add1", "mes_add1":
		return model.CountMESAdd1
	}
	return model.CountVotes
}

// clipText trims s and cuts it to at most n characters.
func clipText(s string, n int) string {
	s = strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n]))
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// fieldText is the Danish of a validation error, its fields' messages
// joined.
func fieldText(err error) string {
	var msgs []string
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var fe *model.FieldError
		if errors.As(err, &fe) {
			msgs = append(msgs, fe.Field+": "+fe.Da)
			return
		}
		msgs = append(msgs, err.Error())
	}
	walk(err)
	return strings.Join(msgs, "; ")
}
