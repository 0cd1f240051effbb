package xlsx

import (
	"context"
	"fmt"
	"io"
	"maps"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"lokalraad/model"
)

// Borgerbudgettering (issue 11): a round as a workbook (proposals, ballots,
// the votes per polling place and the result), the template for typing in
// proposals from paper forms, and reading that template back.

const (
	sheetPBProposals sheetKind = 110
	sheetPBBallots   sheetKind = 111
	sheetPBPlaces    sheetKind = 112
	sheetPBResult    sheetKind = 113
)

const (
	fNumber       = "pb.number"
	fProposer     = "pb.proposer"
	fProposerMail = "pb.proposercontact"
	fCost         = "pb.cost"
	fAdjusted     = "pb.adjusted"
	fReason       = "pb.reason"
	fVotes        = "pb.votes"
	fChosen       = "pb.chosen"
	fEntry        = "pb.entry"
	fMarks        = "pb.marks"
	fBallotStatus = "pb.ballotstatus"
	fTotals       = "pb.totals"
	fProposal     = "pb.proposal"
	fStep         = "pb.step"
)

// pbReadFields are the columns ReadPBProposals takes. The municipality's
// adjusted cost is not among them: only staff devices write it, and a
// council's import must not.
var pbReadFields = []string{fNumber, fTitle, fDescription, fProposer, fProposerMail, fCost, fCategory, fPlace, fStatus, fReason}

var pbSynonyms = map[string][]string{
	fNumber:       {"Nummer", "Nr", "Forslagsnummer", "Number", "No"},
	fTitle:        {"Forslag", "Navn", "Overskrift", "Projekt", "Name", "Proposal"},
	fDescription:  {"Tekst", "Hvad", "Beskrivelse af forslaget", "Text"},
	fProposer:     {"Stillet af", "Forslagsstillers navn", "Indsendt af", "Proposed by", "Navn på forslagsstiller"},
	fProposerMail: {"E-mail", "Mail", "Telefon", "Kontaktoplysninger", "Contact", "Tlf"},
	fCost:         {"Pris", "Beløb", "Anslået udgift", "Udgift", "Budget", "Estimat", "Cost", "Price", "Amount", "kr."},
	fCategory:     {"Område", "Emne", "Type"},
	fPlace:        {"Placering", "Hvor", "Location", "By", "Landsby"},
	fStatus:       {"Tilstand", "State"},
	fReason:       {"Begrundelse", "Begrundelse for afslag", "Why"},
}

// pbSheetNames are the names (folded) by which the Forslag sheet is found.
var pbSheetNames = []string{"Forslag", "Proposals", "Borgerbudget", "Forslag til borgerbudget", "Ark1", "Sheet1"}

func init() {
	sheetNames[sheetPBProposals] = [2]string{"Forslag", "Proposals"}
	sheetNames[sheetPBBallots] = [2]string{"Stemmesedler", "Ballots"}
	sheetNames[sheetPBPlaces] = [2]string{"Steder", "Places"}
	sheetNames[sheetPBResult] = [2]string{"Resultat", "Result"}
	maps.Copy(headers, map[string][2]string{
		fNumber:       {"Nr.", "No."},
		fProposer:     {"Forslagsstiller", "Proposer"},
		fProposerMail: {"Kontakt", "Contact"},
		fCost:         {"Anslået pris", "Estimated cost"},
		fAdjusted:     {"Kommunens pris", "Municipality's cost"},
		fReason:       {"Begrundelse for afvisning", "Reason for rejection"},
		fVotes:        {"Stemmer", "Votes"},
		fChosen:       {"Valgt", "Funded"},
		fEntry:        {"Tæller", "Counter"},
		fMarks:        {"Krydser", "Marks"},
		fBallotStatus: {"Status", "Status"},
		fTotals:       {"Heraf meldt som total", "Of which reported as totals"},
		fProposal:     {"Forslag", "Proposal"},
		fStep:         {"Forklaring", "Explanation"},
	})
	keyField[sheetPBProposals] = fTitle
}

// addPB adds the Forslag sheet's headers and the proposals' statuses to
// the index.
func (ix *index) addPB() {
	pbColumn := map[string]string{}
	// The headers Write and the template use first, then the synonyms.
	for _, f := range pbReadFields {
		for _, h := range headers[f] {
			pbColumn[fold(h)] = f
		}
	}
	for f, syn := range pbSynonyms {
		for _, s := range syn {
			if _, taken := pbColumn[fold(s)]; !taken {
				pbColumn[fold(s)] = f
			}
		}
	}
	for _, s := range model.ProposalStatuses {
		addLabels(ix.proposalStatus, s, string(s))
	}
	ix.proposalStatus[fold("Godkendt")] = model.ProposalOnBallot
	ix.proposalStatus[fold("På stemmesedlen")] = model.ProposalOnBallot
	ix.proposalStatus[fold("Ny")] = model.ProposalReceived
	ix.column[sheetPBProposals] = pbColumn
}

// PBWorkbook writes a round as a workbook with the sheets Forslag (every
// proposal with its costs, status, votes and whether it won), Stemmesedler
// (every entry of every ballot, with its status: valid, invalid and why,
// or a difference between the counters), Steder (the votes of each polling
// place for each proposal, with what the place reported as totals) and
// Resultat (the pot, the method, the winners, the money left, the turnout
// and, when the result was changed by hand, the reason). res may be nil
// (the round is not counted yet): then the result sheet says so. The
// proposer's contact is personal data and is written only with
// o.ContactDetails.
func PBWorkbook(w io.Writer, council string, r model.PBRound, ps []model.PBProposal, bs []model.PBBallot, ts []model.PBTotal, res *model.PBResult, o Options) error {
	if o.Lang != model.English {
		o.Lang = model.Danish
	}
	var tally model.PBTally
	if res != nil {
		tally = res.Tally
	} else {
		tally = model.Tally(r, ps, bs, ts)
	}
	won := map[int]bool{}
	if res != nil {
		for _, p := range res.Winners {
			won[p.Number] = true
		}
	}
	points := r.BallotKind == model.PBPoints

	props := &table{kind: sheetPBProposals, totals: 1, cols: []column{
		{key: fNumber, kind: kInt, width: 6},
		{key: fTitle, width: 20, max: 50},
		{key: fDescription, width: 20, max: 60},
		{key: fProposer, width: 14, max: 30},
	}}
	if o.ContactDetails {
		props.cols = append(props.cols, column{key: fProposerMail, width: 14, max: 30})
	}
	props.cols = append(props.cols,
		column{key: fCost, kind: kMoney},
		column{key: fAdjusted, kind: kMoney},
		column{key: fCategory, width: 12, max: 30},
		column{key: fPlace, width: 12, max: 30},
		column{key: fStatus, width: 14},
		column{key: fReason, width: 20, max: 50},
		column{key: fVotes, kind: kInt, width: 10, sum: true},
		column{key: fChosen, width: 8},
	)
	for _, p := range ps {
		row := []any{p.Number, text(p.Title), text(p.Text), text(p.ProposerName)}
		if o.ContactDetails {
			row = append(row, text(p.ProposerContact))
		}
		var adjusted any
		if p.AdjustedCost > 0 {
			adjusted = kroner(p.AdjustedCost)
		}
		var votes, chosen any
		if p.Status == model.ProposalOnBallot {
			votes = int(tally.Votes[p.Number])
			chosen = yesNoBlank(won[p.Number], o.Lang)
		}
		row = append(row, kroner(p.Cost), adjusted, text(p.Category), text(p.Place), p.Status.Label(o.Lang), text(p.Reason), votes, chosen)
		props.rows = append(props.rows, row)
	}

	ballots := &table{kind: sheetPBBallots, totals: -1, cols: []column{
		{key: fNumber, kind: kInt, width: 8},
		{key: fEntry, kind: kInt, width: 8},
		{key: fPlace, width: 14, max: 40},
		{key: fMarks, width: 14, max: 40},
		{key: fBallotStatus, width: 14, max: 60},
	}}
	invalid := map[int]string{}
	for _, iv := range tally.Invalid {
		invalid[iv.Ballot.Number] = iv.Reason
		if iv.Fault.Kind != "" {
			invalid[iv.Ballot.Number] = iv.Fault.Text(o.Lang)
		}
	}
	differ := map[int]bool{}
	for _, d := range tally.Differences {
		differ[d.Number] = true
	}
	for _, b := range bs {
		status := map[model.Lang]string{model.Danish: "Gyldig", model.English: "Valid"}[o.Lang]
		switch {
		case differ[b.Number]:
			status = map[model.Lang]string{model.Danish: "Forskel mellem tællerne – ikke talt med", model.English: "The counters differ – not counted"}[o.Lang]
		case invalid[b.Number] != "":
			status = map[model.Lang]string{model.Danish: "Ugyldig: ", model.English: "Invalid: "}[o.Lang] + invalid[b.Number]
		}
		ballots.rows = append(ballots.rows, []any{b.Number, b.Entry, text(b.Place), text(model.FormatMarks(b.Marks, points)), status})
	}

	places := &table{kind: sheetPBPlaces, totals: 0, cols: []column{
		{key: fPlace, width: 14, max: 40},
		{key: fNumber, kind: kInt, width: 6},
		{key: fProposal, width: 20, max: 50},
		{key: fVotes, kind: kInt, width: 10, sum: true},
		{key: fTotals, kind: kInt, width: 12, sum: true},
	}}
	onBallot := model.OnBallot(ps)
	reported := map[[2]string]int64{}
	for _, t := range ts {
		reported[[2]string{t.Place, t.ProposalID}] += t.Votes
	}
	for _, pl := range tally.Places {
		for _, p := range onBallot {
			var tot any
			if v := reported[[2]string{pl.Place, p.ID}]; v > 0 {
				tot = int(v)
			}
			places.rows = append(places.rows, []any{text(pl.Place), p.Number, text(p.Title), int(pl.Votes[p.Number]), tot})
		}
	}

	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := writeSheets(f, []*table{props, ballots, places}, st, o.Lang); err != nil {
		return err
	}
	if err := resultSheet(f, st, council, r, tally, res, o.Lang); err != nil {
		return err
	}
	full := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full}); err != nil {
		return err
	}
	return finish(w, f, strings.TrimSpace(r.Title+", "+council), o)
}

// resultSheet writes the sheet Resultat: the facts, then the winners (or,
// before the count, that there is no result yet).
func resultSheet(f *excelize.File, st styles, council string, r model.PBRound, t model.PBTally, res *model.PBResult, l model.Lang) error {
	name := sheetName(sheetPBResult, l)
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	da := l != model.English
	say := func(d, e string) string {
		if da {
			return d
		}
		return e
	}
	var rows [][]any
	rows = append(rows,
		[]any{say("Runde", "Round"), r.Title},
		[]any{say("Lokalråd", "Council"), council},
		[]any{say("Pulje", "Pot"), kroner(r.Pot)},
		[]any{say("Optællingsmetode", "Counting method"), model.MethodLabel(r.Method, l)},
		[]any{say("Afgivne stemmesedler", "Ballots handed in"), t.Turnout},
		[]any{say("Gyldige", "Valid"), len(t.Valid)},
		[]any{say("Ugyldige", "Invalid"), len(t.Invalid)},
	)
	if r.BlankValid {
		rows = append(rows, []any{say("Blanke stemmesedler", "Blank ballots"), say("gyldige: en stemme på intet", "valid: a vote for nothing")})
	}
	if pct := model.TurnoutPercent(t.Turnout, r.Population); pct != "" {
		rows = append(rows, []any{say("Stemmeprocent", "Turnout"), pct + say(" af ", " of ") + strconv.Itoa(r.Population)})
	}
	money := map[int]int{2: 2} // row → the column of its amount
	if res == nil {
		rows = append(rows, []any{say("Resultat", "Result"), say("Runden er ikke talt op endnu", "The round has not been counted yet")})
	} else {
		if res.Pending {
			why := fmt.Sprintf(say("%d stemmesedler er tastet forskelligt af de to tællere og er ikke talt med", "%d ballots differ between the counters and are not counted"), len(t.Differences))
			if len(t.Differences) == 1 {
				why = say("1 stemmeseddel er tastet forskelligt af de to tællere og er ikke talt med", "1 ballot differs between the counters and is not counted")
			}
			rows = append(rows, []any{say("FORELØBIGT RESULTAT", "PRELIMINARY RESULT"), why})
		}
		if res.Overridden {
			rows = append(rows, []any{say("Ændret i hånden", "Changed by hand"), res.Reason})
		}
		money[len(rows)] = 2
		rows = append(rows, []any{say("Vindernes pris", "Winners' cost"), kroner(res.Cost)})
		money[len(rows)] = 2
		rows = append(rows, []any{say("Tilbage af puljen", "Left of the pot"), kroner(res.Left)})
		rows = append(rows, nil)
		head := len(rows)
		rows = append(rows, []any{header(fNumber, l), header(fProposal, l), header(fVotes, l), header(fCost, l), header(fStep, l)})
		reasons := map[string]string{}
		for _, s := range res.Outcome.Steps {
			reasons[s.Project] = res.StepReason(s, l)
		}
		for _, p := range res.Winners {
			money[len(rows)] = 4
			rows = append(rows, []any{p.Number, p.Title, int(t.Votes[p.Number]), kroner(p.VoteCost()), text(reasons[strconv.Itoa(p.Number)])})
		}
		defer func() {
			cell, _ := excelize.CoordinatesToCellName(1, head+1)
			end, _ := excelize.CoordinatesToCellName(5, head+1)
			f.SetCellStyle(name, cell, end, st.header)
		}()
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(name, cell, &row); err != nil {
			return err
		}
		if col, ok := money[i]; ok {
			c, _ := excelize.CoordinatesToCellName(col, i+1)
			if err := f.SetCellStyle(name, c, c, st.money); err != nil {
				return err
			}
		}
	}
	f.SetColWidth(name, "A", "A", 24)
	f.SetColWidth(name, "B", "B", 40)
	f.SetColWidth(name, "C", "D", 16)
	f.SetColWidth(name, "E", "E", 60)
	return nil
}

// PBProposalsTemplate writes an empty workbook to type proposals into from
// the paper forms: the sheet Forslag with the headers ReadPBProposals
// understands, kroner formatted, a drop-down of statuses and one example
// row (starting "Eksempel:", which the reading skips).
func PBProposalsTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	name := sheetName(sheetPBProposals, model.Danish)
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		return err
	}
	cols := []column{
		{key: fNumber, kind: kInt, width: 6}, {key: fTitle, width: 36}, {key: fDescription, width: 50},
		{key: fProposer, width: 24}, {key: fProposerMail, width: 24}, {key: fCost, kind: kMoney},
		{key: fCategory, width: 16}, {key: fPlace, width: 18}, {key: fStatus, width: 16},
	}
	example := []any{1, "Eksempel: Shelter ved Skarresø", "To shelters og en bålplads, som skolen og spejderne kan bruge.",
		"Anne Sørensen", "anne@example.dk", 45000.0, "Natur", "Skarresø", model.ProposalReceived.Label(model.Danish)}
	for j, c := range cols {
		col, _ := excelize.ColumnNumberToName(j + 1)
		if err := f.SetColWidth(name, col, col, c.least()); err != nil {
			return err
		}
		if err := f.SetColStyle(name, col, st.column(c.kind)); err != nil {
			return err
		}
		if err := f.SetCellStr(name, col+"1", header(c.key, model.Danish)); err != nil {
			return err
		}
		if err := f.SetCellStyle(name, col+"1", col+"1", st.header); err != nil {
			return err
		}
		if err := f.SetCellValue(name, col+"2", example[j]); err != nil {
			return err
		}
		if c.key == fStatus {
			var labels []string
			for _, s := range model.ProposalStatuses {
				labels = append(labels, s.Label(model.Danish))
			}
			dv := excelize.NewDataValidation(true)
			dv.Sqref = col + "2:" + col + "2000"
			if err := dv.SetDropList(labels); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, "Ugyldig værdi", "Vælg en af værdierne på listen: "+strings.Join(labels, ", "))
			if err := f.AddDataValidation(name, dv); err != nil {
				return err
			}
		}
	}
	if err := freezeHeader(f, name); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// ReadPBProposals reads proposals from a workbook, as written by
// PBProposalsTemplate or PBWorkbook or typed by hand, as Read reads budget
// wishes: the sheet Forslag (or the only sheet), columns by their headers
// in any order with synonyms ("Titel", "Forslag"; "Anslået pris", "Pris",
// "Beløb"), amounts as a treasurer types them ("12.500", "12.500,50 kr.",
// numbers), the template's example row and empty rows skipped. Every
// proposal returned is valid; a proposal without a number has Number 0
// (storage gives it the next free one). A row that cannot be taken is a
// Problem naming the sheet, the row and the column, in Danish; a number
// used twice is a Problem on the second row. The municipality's adjusted
// cost is never read (only staff devices set it).
//
// Errors: ErrNotWorkbook, ErrOldFormat, ErrPassword, ErrTooLarge as Read,
// and ErrNoProposalSheet when no sheet is named Forslag (and there is more
// than one).
func ReadPBProposals(r io.Reader) ([]model.PBProposal, []Problem, error) {
	f, err := openWorkbook(r)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var sheets []string
	if err := safely(func() error { sheets = f.GetSheetList(); return nil }); err != nil || len(sheets) == 0 {
		return nil, nil, ErrNotWorkbook
	}
	name := ""
	for _, want := range pbSheetNames {
		for _, s := range sheets {
			if fold(s) == fold(want) && name == "" {
				name = s
			}
		}
	}
	if name == "" && len(sheets) == 1 {
		name = sheets[0]
	}
	if name == "" {
		return nil, nil, ErrNoProposalSheet
	}
	rd := &reader{ctx: context.Background(), f: f, imp: &Import{}}
	if err := rd.sheet(sheetPBProposals, name); err != nil {
		return nil, nil, err
	}
	// A number used twice.
	seen := map[int]bool{}
	var out []model.PBProposal
	for i, p := range rd.imp.PBProposals {
		if p.Number > 0 && seen[p.Number] {
			rd.imp.Problems = append(rd.imp.Problems, newProblem(name, rd.pbRows[i],
				say("{{.Header}}: number {{.Number}} is used by another proposal in the sheet", "Header", headerWord(fNumber), "Number", p.Number)))
			continue
		}
		seen[p.Number] = true
		out = append(out, p)
	}
	return out, rd.imp.Problems, nil
}

// ErrNoProposalSheet is returned by ReadPBProposals for a workbook with
// several sheets and none named Forslag.
var ErrNoProposalSheet = fmt.Errorf("regnearket har ingen fane, der hedder »Forslag«; omdøb fanen med forslagene til Forslag, eller brug skabelonen")

// pbProposal reads one row of the Forslag sheet.
func (rd *reader) pbProposal(c *rowCtx) {
	p := model.PBProposal{
		Title:           c.text(fTitle),
		Text:            c.text(fDescription),
		ProposerName:    c.text(fProposer),
		ProposerContact: c.text(fProposerMail),
		// An empty price is not 0 kr., as an empty amount of a wish.
		Cost:     c.requiredMoney(fCost, "is missing; type 0 if the proposal costs nothing"),
		Category: c.text(fCategory),
		Place:    c.text(fPlace),
		Status:   choice(c, fStatus, indexes().proposalStatus, model.ProposalReceived, model.ProposalStatuses),
		Reason:   c.text(fReason),
	}
	if n, ok := c.integer(fNumber); ok {
		if n < 1 || n > model.MaxPBNumber {
			c.fail(fNumber, "»{{.Value}}« is not a proposal number (1 or more)", "Value", n)
		} else {
			p.Number = n
		}
	}
	// Without a number the proposal gets the next free one when saved;
	// the rest of it is checked as if it had one.
	check := p
	if check.Number == 0 {
		check.Number = 1
	}
	c.done(&check, func() {
		rd.imp.PBProposals = append(rd.imp.PBProposals, p)
		rd.pbRows = append(rd.pbRows, c.row)
	})
}
