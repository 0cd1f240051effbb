package ui

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// pbScreen is the Borgerbudget tab (issue 11): the council's rounds of
// citizen budgeting in a list, and for the round chosen its settings and
// rules, its proposals, the ballot entry, the differences between the two
// counters, the totals of places that report only sums, and the result.
//
// The rules of a round are fixed once voting opens: the form then shows
// them as text with a line that says why. On a staff device every round is
// read-only but for the municipality's cost of a proposal (a municipal
// field: only staff devices write it).
type pbScreen struct {
	// the rounds beside the round chosen: its form and its other tabs
	*editPane[model.PBRound, *roundEditor]
	impBtn *widget.Button
	tabs   *container.AppTabs

	round     model.PBRound // the round open, as stored
	proposals *proposalsPane
	entry     *ballotEntry
	diffs     *diffView
	totals    *totalsView
	result    *resultView
}

func newPBScreen(u *App) *pbScreen {
	s := &pbScreen{}
	s.editPane = newPane(u, editKind[model.PBRound]{
		key: "pbround", newText: lang.L("New round"), choose: lang.L("Choose a round, or create a new one."),
		load: func(ctx context.Context) ([]model.PBRound, error) { return u.db.PBRounds(ctx, u.councilID) },
		get:  u.db.PBRound,
		save: func(ctx context.Context, loaded model.PBRound, r *model.PBRound) error {
			if s.readOnly() {
				return errStaffReadOnly()
			}
			err := u.db.SavePBRound(ctx, loaded, r)
			if err == nil && r.ID == s.round.ID {
				s.round = *r
			}
			return err
		},
		remove: u.db.DeletePBRound,
		closed: s.closed,
		id:     func(r model.PBRound) string { return r.ID },
		row: func(r model.PBRound) (string, string) {
			return r.Title, label(r.Phase) + " · " + model.Kroner(r.Pot)
		},
		create: func() model.PBRound {
			return model.PBRound{CouncilID: u.councilID, Title: lang.L("New round"), Phase: model.PhaseProposals,
				BallotKind: model.PBApproval, MaxChoices: 3, Method: model.CountVotes, TieRule: model.TieByID}
		},
		deleteTitle: lang.L("Delete round"),
		deleteQuestion: func(t string) string {
			return lang.L("Delete the round «{{.Title}}» with its proposals and ballots? It cannot be undone.", map[string]any{"Title": t})
		},
		goesWith: func(ctx context.Context, r model.PBRound) (goesWith, error) {
			ps, err1 := u.db.PBProposals(ctx, r.ID)
			bs, err2 := u.db.PBBallots(ctx, r.ID)
			ts, err3 := u.db.PBTotals(ctx, r.ID)
			var g goesWith
			g.add(len(ps), lang.L("proposals ({{.N}})", count(len(ps))))
			g.add(len(bs), lang.L("ballots ({{.N}})", count(len(bs))))
			g.add(len(ts), lang.L("vote totals from polling places ({{.N}})", count(len(ts))))
			return g, errors.Join(err1, err2, err3)
		},
		form: s.roundForm,
		note: lang.L("Saved as you type, and sent to the municipality at the next sync."),
		// A round shows its proposals, ballots and totals, and the
		// pools, the projects a proposal may become and the council's
		// name on its printouts.
		table: "pb_rounds", editorTables: []string{"pools", "projects", "councils"},
		children: func(ctx context.Context, r model.PBRound) (storage.Changed, error) {
			rows := storage.Changed{}
			ps, err := u.db.PBProposals(ctx, r.ID)
			for _, p := range ps {
				rows.Add("pb_proposals", p.ID)
			}
			bs, err2 := u.db.PBBallots(ctx, r.ID)
			ids := make([]string, len(bs))
			for i, b := range bs {
				ids[i] = b.ID
			}
			rows.Add("pb_ballots", ids...)
			ts, err3 := u.db.PBTotals(ctx, r.ID)
			for _, t := range ts {
				rows.Add("pb_totals", t.ID)
			}
			return rows, errors.Join(err, err2, err3)
		},
	}, func(r model.PBRound) *roundEditor {
		return &roundEditor{itemEditor: newItemEditor(s.editPane, r), s: s}
	})
	return s
}

// readOnly tells whether this computer only looks at the rounds: a staff
// device (the municipality answers, it does not run a council's round).
func (s *pbScreen) readOnly() bool { return s.u.isStaff() }

func (s *pbScreen) build() fyne.CanvasObject {
	s.parts()
	s.impBtn = widget.NewButtonWithIcon(lang.L("Import from Pabulib…"), theme.FolderOpenIcon(), s.onImportPB)
	if s.readOnly() {
		s.newBtn.Hide()
		s.impBtn.Hide()
	}
	s.refreshList()
	left := container.NewBorder(container.NewVBox(container.NewHBox(s.newBtn, s.impBtn), s.msg), nil, nil, nil, s.list)
	return s.split(left, 0.25)
}

// errStaffReadOnly says that a staff device does not change a council's
// round.
func errStaffReadOnly() error {
	return &userError{lang.L("The municipality sees the council's rounds but does not change them; only the municipality's cost of a proposal is written here.")}
}

// selectRound selects round id in the list and opens it.
func (s *pbScreen) selectRound(id string) { s.choose(id) }

// openRoundAgain rebuilds the round open from what is stored (after a
// change of phase), keeping the tab shown.
func (s *pbScreen) openRoundAgain() {
	s.u.saver.flush()
	s.refreshChanged(nil, false)
}

// roundEditor is the round chosen: its form (its settings, rules and phase)
// in the first of its tabs, beside its proposals, the ballot entry, the
// differences between the two counters, the totals and the result.
type roundEditor struct {
	*itemEditor[model.PBRound]
	s *pbScreen
}

// build lays out the round with the tab shown before when it is the same
// round built again (a sync, a change of phase), else its form.
func (e *roundEditor) build() fyne.CanvasObject {
	s := e.s
	tab := 0
	if s.tabs != nil && s.round.ID == e.x.ID {
		tab = s.tabs.SelectedIndex()
	}
	s.stop()
	s.round = e.x
	form := e.itemEditor.build()
	// A round whose voting opened cannot be deleted (storage refuses it):
	// no button that only leads to a refusal.
	if s.readOnly() || e.x.RulesLocked() {
		e.del.Hide()
	}
	s.proposals = newProposalsPane(s)
	s.entry = newBallotEntry(s)
	s.diffs = newDiffView(s)
	s.totals = newTotalsView(s)
	s.result = newResultView(s)
	items := []*container.TabItem{
		container.NewTabItem(lang.L("Round and rules"), form),
		container.NewTabItem(lang.L("Proposals"), s.proposals.build()),
		container.NewTabItem(lang.L("Ballot entry"), s.entry.build()),
		container.NewTabItem(lang.L("Differences"), s.diffs.build()),
		container.NewTabItem(lang.L("Totals"), s.totals.build()),
		container.NewTabItem(lang.L("Result"), s.result.build()),
	}
	s.tabs = container.NewAppTabs(items...)
	s.tabs.OnSelected = func(*container.TabItem) {
		s.u.saver.flush()
		switch s.tabs.SelectedIndex() {
		case 1:
			s.proposals.pane.refreshList()
		case 2:
			s.entry.refresh()
			s.entry.focus()
		case 3:
			s.diffs.refresh()
		case 4:
			s.totals.refresh()
		case 5:
			s.result.refresh()
		}
	}
	if tab > 0 && tab < len(items) {
		s.tabs.SelectIndex(tab)
	}
	return s.tabs
}

// stop ends the open round's count, if one runs (the round is left, the
// window closed).
func (s *pbScreen) stop() {
	if s.result != nil {
		s.result.stop()
	}
}

// closed forgets the round that was open (it was deleted, or is gone
// after a sync): its count stops.
func (s *pbScreen) closed() {
	s.stop()
	s.round = model.PBRound{}
	s.tabs = nil
}

// roundForm is the round's settings, its rules and its phase.
func (s *pbScreen) roundForm(f *form[model.PBRound], r model.PBRound) {
	ro := s.readOnly()
	locked := r.RulesLocked() || ro
	text := func(label, v string, rows int, set func(*model.PBRound, string)) {
		if ro {
			f.items = append(f.items, widget.NewFormItem(label, lockedText(v)))
			return
		}
		f.text(label, v, rows, set)
	}
	text(lang.L("Title"), r.Title, 0, func(r *model.PBRound, v string) { r.Title = v })
	f.items = append(f.items, widget.NewFormItem(lang.L("Phase"), s.phaseRow(r)))
	if ro {
		f.items = append(f.items, widget.NewFormItem(lang.L("Inhabitants of the area"), lockedText(numberText(r.Population))))
	} else {
		intField(f, lang.L("Inhabitants of the area"), r.Population, func(r *model.PBRound, v int) { r.Population = v })
	}
	dates := []struct {
		label string
		v     time.Time
		set   func(*model.PBRound, time.Time)
	}{
		{lang.L("Proposals from"), r.ProposalsFrom, func(r *model.PBRound, v time.Time) { r.ProposalsFrom = v }},
		{lang.L("Review from"), r.ReviewFrom, func(r *model.PBRound, v time.Time) { r.ReviewFrom = v }},
		{lang.L("Voting from"), r.VotingFrom, func(r *model.PBRound, v time.Time) { r.VotingFrom = v }},
		{lang.L("Voting until"), r.VotingTo, func(r *model.PBRound, v time.Time) { r.VotingTo = v }},
		{lang.L("Result on"), r.ResultDate, func(r *model.PBRound, v time.Time) { r.ResultDate = v }},
	}
	for _, d := range dates {
		if ro {
			f.items = append(f.items, widget.NewFormItem(d.label, lockedText(model.ShortDate(d.v))))
			continue
		}
		dateField(f, d.label, d.v, d.set)
	}

	// The rules: fixed once voting opens.
	rules := heading(lang.L("The rules of the round"))
	f.items = append(f.items, widget.NewFormItem("", rules))
	if r.RulesLocked() {
		why := widget.NewLabel(lang.L("Voting has opened, so the rules are fixed and cannot be changed.") + " " +
			lang.L("The round can no longer be deleted either."))
		why.Wrapping = fyne.TextWrapWord
		why.Importance = widget.WarningImportance
		f.items = append(f.items, widget.NewFormItem("", why))
	}
	if locked {
		for _, it := range []struct{ label, v string }{
			{lang.L("Pot (kr.)"), model.Kroner(r.Pot)},
			{lang.L("Voters at least (years)"), numberText(r.MinAge)},
			{lang.L("Only residents of the area may vote"), yesNoText(r.ResidentsOnly)},
			{lang.L("Ballot"), label(r.BallotKind)},
			{lang.L("Marks at most (0: any)"), numberText(r.MaxChoices)},
			{lang.L("Points to spread"), numberText(r.Points)},
			{lang.L("Counting method"), model.MethodLabel(r.Method, current())},
			{lang.L("Tie broken by"), label(r.TieRule)},
			{lang.L("Some places report only totals"), yesNoText(r.TotalsMode)},
			{lang.L("A blank ballot is a valid vote for nothing"), yesNoText(r.BlankValid)},
		} {
			f.items = append(f.items, widget.NewFormItem(it.label, lockedText(it.v)))
		}
	} else {
		kronerField(f, lang.L("Pot (kr.)"), r.Pot, func(r *model.PBRound, v int64) { r.Pot = v })
		intField(f, lang.L("Voters at least (years)"), r.MinAge, func(r *model.PBRound, v int) { r.MinAge = v })
		f.check("", lang.L("Only residents of the area may vote"), r.ResidentsOnly, func(r *model.PBRound, v bool) { r.ResidentsOnly = v })
		optionField(f, lang.L("Ballot"), ballotKinds, r.BallotKind, func(r *model.PBRound, v model.PBBallotKind) { r.BallotKind = v })
		intField(f, lang.L("Marks at most (0: any)"), r.MaxChoices, func(r *model.PBRound, v int) { r.MaxChoices = v })
		intField(f, lang.L("Points to spread"), r.Points, func(r *model.PBRound, v int) { r.Points = v })
		optionField(f, lang.L("Counting method"), countMethods, r.Method, func(r *model.PBRound, v model.CountMethod) { r.Method = v })
		optionField(f, lang.L("Tie broken by"), tieRules, r.TieRule, func(r *model.PBRound, v model.PBTieRule) { r.TieRule = v })
		f.check("", lang.L("Some places report only totals"), r.TotalsMode, func(r *model.PBRound, v bool) { r.TotalsMode = v })
		f.check("", lang.L("A blank ballot is a valid vote for nothing"), r.BlankValid, func(r *model.PBRound, v bool) { r.BlankValid = v })
	}
	rule := widget.NewLabel(r.RuleText())
	rule.Wrapping = fyne.TextWrapWord
	f.items = append(f.items, widget.NewFormItem(lang.L("On the ballot"), rule))
	// The lot may be recorded until the result is published.
	if r.Phase == model.PhaseResult || ro {
		f.items = append(f.items, widget.NewFormItem(lang.L("Lot drawn (proposal numbers, winner first)"), lockedText(model.FormatNumbers(r.TieOrder))))
	} else {
		parsedField(f, lang.L("Lot drawn (proposal numbers, winner first)"), model.FormatNumbers(r.TieOrder), "4 1 7",
			model.ParseNumbers, func(r *model.PBRound, v []int) { r.TieOrder = v })
	}
	text(lang.L("Note"), r.Note, 3, func(r *model.PBRound, v string) { r.Note = v })
}

// numberText is a whole number, or a dash for 0.
func numberText(n int) string {
	if n == 0 {
		return "–"
	}
	return strconv.Itoa(n)
}

// phaseRow shows the phase and the button that moves it on. Opening the
// vote asks first: the rules become fixed.
func (s *pbScreen) phaseRow(r model.PBRound) fyne.CanvasObject {
	phase := widget.NewLabelWithStyle(label(r.Phase), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	row := container.NewHBox(phase)
	if s.readOnly() {
		return row
	}
	switch r.Phase {
	case model.PhaseProposals:
		row.Add(widget.NewButton(lang.L("Start the review"), func() { s.setPhase(model.PhaseReview) }))
		fallthrough
	case model.PhaseReview:
		open := widget.NewButtonWithIcon(lang.L("Open the vote"), theme.ConfirmIcon(), s.onOpenVoting)
		open.Importance = widget.HighImportance
		row.Add(open)
	case model.PhaseVoting:
		row.Add(widget.NewButtonWithIcon(lang.L("Close the vote and publish the result"), theme.ConfirmIcon(), s.onPublish))
	}
	return row
}

// onOpenVoting asks, then opens the vote: the rules become fixed.
// Proposals still received or under review are named: they will not be
// on the ballot (the command line says the same).
func (s *pbScreen) onOpenVoting() {
	s.u.saver.flush()
	q := lang.L("Open the vote on «{{.Title}}»? The rules (pot, ballot, blank ballots, counting method, who may vote, tie rule) become fixed and cannot be changed afterwards.",
		map[string]any{"Title": s.round.Title})
	ps, err := s.u.db.PBProposals(s.u.ctx, s.round.ID)
	if err != nil {
		s.u.showError(err)
		return
	}
	if n := model.NotReviewed(ps); n > 0 {
		q += "\n\n" + countOf(n, "1 proposal still has the status »received« or »under review« and will not be on the ballot.",
			"%d proposals still have the status »received« or »under review« and will not be on the ballot.")
	}
	s.u.confirm(lang.L("Open the vote"), q, func() { s.setPhase(model.PhaseVoting) })
}

// onPublish asks, then closes the vote: no more ballots can be entered.
func (s *pbScreen) onPublish() {
	s.u.saver.flush()
	s.u.confirm(lang.L("Close the vote and publish the result"),
		lang.L("Close the vote on «{{.Title}}»? No ballots can be entered or corrected afterwards.", map[string]any{"Title": s.round.Title}),
		func() { s.setPhase(model.PhaseResult) })
}

// setPhase stores the round in phase p and shows it again.
func (s *pbScreen) setPhase(p model.PBPhase) {
	s.u.saver.flush()
	stored, err := s.u.db.PBRound(s.u.ctx, s.round.ID)
	if err != nil {
		s.u.showError(err)
		return
	}
	r := stored
	r.Phase = p
	if err := s.u.db.SavePBRound(s.u.ctx, stored, &r); err != nil {
		s.u.showError(err)
		return
	}
	s.round = r
	s.openRoundAgain()
}

// onBallot lists the round's proposals up for vote.
func (s *pbScreen) onBallot() ([]model.PBProposal, error) {
	ps, err := s.u.db.PBProposals(s.u.ctx, s.round.ID)
	return model.OnBallot(ps), err
}

// proposalsPane is the round's proposals: a list beside the editor of the
// one chosen, with the feasibility review, and an import from a workbook.
type proposalsPane struct {
	s    *pbScreen
	pane *formPane[model.PBProposal]
}

func newProposalsPane(s *pbScreen) *proposalsPane {
	u, r := s.u, s.round
	pp := &proposalsPane{s: s}
	pp.pane = newEditPane(u, editKind[model.PBProposal]{
		key: "pbproposal", newText: lang.L("New proposal"), choose: lang.L("Choose a proposal, or create a new one."),
		load: func(ctx context.Context) ([]model.PBProposal, error) { return u.db.PBProposals(ctx, r.ID) },
		save: func(ctx context.Context, loaded model.PBProposal, p *model.PBProposal) error {
			if s.readOnly() && !staffCostOnly(loaded, *p) {
				return errStaffReadOnly()
			}
			return u.db.SavePBProposal(ctx, loaded, p)
		},
		remove: func(ctx context.Context, id string) error {
			if s.readOnly() {
				return errStaffReadOnly()
			}
			return u.db.DeletePBProposal(ctx, id)
		},
		// Once voting opened the ballot's proposals stay (storage refuses
		// the delete too); a staff device deletes none.
		fixed: func(model.PBProposal) bool { return s.readOnly() || r.RulesLocked() },
		id:    func(p model.PBProposal) string { return p.ID },
		row: func(p model.PBProposal) (string, string) {
			sub := model.Kroner(p.VoteCost()) + " · " + label(p.Status)
			if pot := s.round.Pot; pot > 0 && p.VoteCost() > pot {
				// Allowed (the municipality may still raise the pot), but
				// as it stands no count can fund it.
				sub += " · " + lang.L("costs more than the whole pot")
			}
			if p.Status == model.ProposalRejected && p.Reason != "" {
				sub += ": " + firstLine(p.Reason)
			}
			return strconv.Itoa(p.Number) + ". " + p.Title, sub
		},
		create: func() model.PBProposal {
			return model.PBProposal{CouncilID: r.CouncilID, RoundID: r.ID, Title: lang.L("New proposal"), Status: model.ProposalReceived}
		},
		deleteTitle: lang.L("Delete proposal"),
		deleteQuestion: func(t string) string {
			return lang.L("Delete the proposal «{{.Title}}»? It cannot be undone.", map[string]any{"Title": t})
		},
		goesWith: func(ctx context.Context, p model.PBProposal) (goesWith, error) {
			ts, err := u.db.PBTotals(ctx, p.RoundID)
			ts = slices.DeleteFunc(ts, func(t model.PBTotal) bool { return t.ProposalID != p.ID })
			var g goesWith
			g.add(len(ts), lang.L("vote totals from polling places ({{.N}})", count(len(ts))))
			return g, err
		},
		form: pp.form,
		note: lang.L("Saved as you type, and sent to the municipality at the next sync."),
	})
	return pp
}

// staffCostOnly tells whether an edit changes nothing but the
// municipality's cost.
func staffCostOnly(loaded, p model.PBProposal) bool {
	p.AdjustedCost = loaded.AdjustedCost
	return p == loaded
}

func (pp *proposalsPane) build() fyne.CanvasObject {
	s := pp.s
	body := pp.pane.build()
	if s.readOnly() || s.round.RulesLocked() {
		pp.pane.newBtn.Hide()
	}
	imp := widget.NewButtonWithIcon(lang.L("Import proposals from a workbook…"), theme.FolderOpenIcon(), pp.onImport)
	tmpl := widget.NewButtonWithIcon(lang.L("Workbook template for proposals…"), theme.DocumentSaveIcon(), pp.onTemplate)
	if s.readOnly() || s.round.RulesLocked() {
		imp.Hide()
	}
	return container.NewBorder(container.NewHBox(layout.NewSpacer(), tmpl, imp), nil, nil, nil, body)
}

// form edits a proposal. Once voting opened, its number, cost and status
// are fixed; the municipality's cost is written only on a staff device.
func (pp *proposalsPane) form(f *form[model.PBProposal], p model.PBProposal) {
	ro := pp.s.readOnly()
	voting := pp.s.round.RulesLocked()
	show := func(label, v string) { f.items = append(f.items, widget.NewFormItem(label, lockedText(v))) }
	if voting || ro {
		show(lang.L("No."), strconv.Itoa(p.Number))
	} else {
		intField(f, lang.L("No."), p.Number, func(p *model.PBProposal, v int) { p.Number = v })
	}
	if ro {
		show(lang.L("Title"), p.Title)
		show(lang.L("The proposal"), p.Text)
		show(lang.L("Proposed by"), p.ProposerName)
		show(lang.L("Estimated cost (kr.)"), model.Kroner(p.Cost))
		show(lang.L("Category"), p.Category)
		show(lang.L("Place"), p.Place)
		show(lang.L("Status"), label(p.Status))
		show(lang.L("Reason"), p.Reason)
	} else {
		f.text(lang.L("Title"), p.Title, 0, func(p *model.PBProposal, v string) { p.Title = v })
		f.text(lang.L("The proposal"), p.Text, 4, func(p *model.PBProposal, v string) { p.Text = v })
		f.text(lang.L("Proposed by"), p.ProposerName, 0, func(p *model.PBProposal, v string) { p.ProposerName = v })
		f.text(lang.L("Proposer's phone or e-mail"), p.ProposerContact, 0, func(p *model.PBProposal, v string) { p.ProposerContact = v })
		if voting {
			show(lang.L("Estimated cost (kr.)"), model.Kroner(p.Cost))
		} else {
			kronerField(f, lang.L("Estimated cost (kr.)"), p.Cost, func(p *model.PBProposal, v int64) { p.Cost = v })
		}
		f.text(lang.L("Category"), p.Category, 0, func(p *model.PBProposal, v string) { p.Category = v })
		f.text(lang.L("Place"), p.Place, 0, func(p *model.PBProposal, v string) { p.Place = v })
		if voting {
			show(lang.L("Status"), label(p.Status))
		} else {
			optionField(f, lang.L("Status"), proposalStatuses, p.Status, func(p *model.PBProposal, v model.ProposalStatus) { p.Status = v })
		}
		f.text(lang.L("Reason"), p.Reason, 2, func(p *model.PBProposal, v string) { p.Reason = v })
	}
	if ro && !voting {
		kronerField(f, lang.L("The municipality's cost (kr.)"), p.AdjustedCost, func(p *model.PBProposal, v int64) { p.AdjustedCost = v })
	} else {
		cost := "–"
		if p.AdjustedCost > 0 {
			cost = model.Kroner(p.AdjustedCost)
		}
		show(lang.L("The municipality's cost (kr.)"), cost)
	}
	if p.ProjectID != "" {
		show(lang.L("Project"), pp.projectTitle(p.ProjectID))
	}
}

func (pp *proposalsPane) projectTitle(id string) string {
	ps, err := pp.s.u.db.Projects(pp.s.u.ctx, pp.s.round.CouncilID)
	if err == nil {
		for _, p := range ps {
			if p.ID == id {
				return p.Title
			}
		}
	}
	return "–"
}
