package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/model/pb"
	"lokalraad/model/pdf"
	"lokalraad/model/xlsx"
	"lokalraad/storage"
)

// resultView is the round counted by its method: the winners (each may
// become a project), the money left, the turnout, the invalid ballots by
// reason, the count's steps in the screen's language, and a manual
// override (only with a written reason). Its buttons print the ballots and
// the result, and export the round as a workbook and as a Pabulib file.
//
// The count runs in the background (a city's 90,000 ballots take about a
// second) with a busy bar, and its result is shown through fyne.Do. A
// recount asked for while one runs starts none beside it: one more runs
// when it ends. Leaving the round or closing the window stops a count
// (model.CountContext).
type resultView struct {
	s       *pbScreen
	body    *fyne.Container
	msg     *widget.Label
	busy    *widget.ProgressBarInfinite
	data    storage.PBRoundData
	res     model.PBResult
	counted bool
	// winnerBtns are the "Opret projekt" buttons by proposal id (tests).
	winnerBtns map[string]*widget.Button
	override   *widget.Button

	// The background count; touched on the UI thread only.
	running bool
	again   bool               // a recount was asked for while one ran
	cancel  context.CancelFunc // stops the running count
	counts  int                // counts started (tests)
}

func newResultView(s *pbScreen) *resultView { return &resultView{s: s} }

func (v *resultView) build() fyne.CanvasObject {
	v.msg = newErrLabel()
	v.body = container.NewVBox()
	ballots := widget.NewButtonWithIcon(lang.L("Print ballots…"), theme.DocumentPrintIcon(), v.onBallots)
	resPDF := widget.NewButtonWithIcon(lang.L("Result as PDF…"), theme.DocumentSaveIcon(), v.onResultPDF)
	book := widget.NewButtonWithIcon(lang.L("Workbook…"), theme.GridIcon(), v.onWorkbook)
	pbExp := widget.NewButtonWithIcon(lang.L("Pabulib export…"), theme.UploadIcon(), v.onPabulib)
	v.override = widget.NewButtonWithIcon(lang.L("Change the result by hand…"), theme.DocumentCreateIcon(), v.onOverride)
	if v.s.readOnly() {
		v.override.Hide()
	}
	bar := container.NewHBox(ballots, resPDF, book, pbExp, v.override)
	v.busy = widget.NewProgressBarInfinite()
	v.busy.Stop()
	v.busy.Hide()
	// Counted when the tab is chosen (pbScreen.show), not with every
	// round opened.
	return container.NewBorder(container.NewVBox(container.NewHScroll(bar), v.busy, v.msg), nil, nil, nil, newVScroll(v.body))
}

// stop ends a running count (the round is left, the window closed); its
// result is never shown.
func (v *resultView) stop() {
	if v.cancel != nil {
		v.cancel()
	}
	v.again = false
}

// refresh counts the round again in the background and then shows it.
func (v *resultView) refresh() {
	if v.body == nil {
		return
	}
	if v.running {
		v.again = true
		return
	}
	v.running = true
	v.counts++
	v.busy.Show()
	v.busy.Start()
	ctx, cancel := context.WithCancel(v.s.u.ctx)
	v.cancel = cancel
	db, id, do := v.s.u.db, v.s.round.ID, v.s.u.do
	go func() {
		data, err := db.PBRoundData(ctx, id)
		read := err == nil
		var res model.PBResult
		if read {
			res, err = data.Round.ResultContext(ctx, data.Proposals, data.Ballots, data.Totals)
		}
		do(func() {
			v.running = false
			v.busy.Stop()
			v.busy.Hide()
			if ctx.Err() != nil {
				return // left or closed: nothing to show
			}
			cancel()
			if read {
				v.data = data
			}
			v.res, v.counted = res, err == nil
			v.render(err)
			if v.again {
				v.again = false
				v.refresh()
			}
		})
	}()
}

// render shows the count (err: why it could not be counted).
func (v *resultView) render(err error) {
	showErr(v.msg, err)
	v.winnerBtns = map[string]*widget.Button{}
	r, res := v.data.Round, v.res
	var objs []fyne.CanvasObject
	add := func(o ...fyne.CanvasObject) { objs = append(objs, o...) }
	para := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	if res.Pending {
		why := lang.L("PRELIMINARY RESULT: one ballot number was entered differently by the two counters and is not counted until it is settled (Differences).")
		if n := len(res.Tally.Differences); n != 1 {
			why = lang.L("PRELIMINARY RESULT: {{.N}} ballot numbers were entered differently by the two counters and are not counted until they are settled (Differences).",
				map[string]any{"N": n})
		}
		l := para(why)
		l.Importance = widget.WarningImportance
		l.TextStyle.Bold = true
		add(l)
	}
	if res.Overridden {
		l := para(lang.L("The result was changed by hand. Reason: {{.Reason}}", map[string]any{"Reason": res.Reason}))
		l.Importance = widget.DangerImportance
		l.TextStyle.Bold = true
		add(l)
	}
	add(heading(lang.L("Winners") + " (" + model.MethodLabel(r.Method, current()) + ")"))
	if v.counted && len(res.Winners) == 0 {
		add(para(lang.L("No proposal is funded yet.")))
	}
	for _, p := range res.Winners {
		votes := countOf(int(res.Tally.Votes[p.Number]), "1 vote", "%d votes")
		line := fmt.Sprintf("%d. %s — %s — %s", p.Number, p.Title, votes, model.Kroner(p.VoteCost()))
		var act fyne.CanvasObject
		if p.ProjectID != "" {
			act = widget.NewLabel(lang.L("Became a project"))
		} else {
			p := p
			btn := widget.NewButtonWithIcon(lang.L("Create project"), theme.ContentAddIcon(), func() { v.onProject(p) })
			if v.s.readOnly() {
				btn.Disable()
			}
			v.winnerBtns[p.ID] = btn
			act = btn
		}
		add(container.NewBorder(nil, nil, nil, act, para(line)))
	}
	if v.counted {
		add(para(lang.L("Pot {{.Pot}}; the winners cost {{.Cost}}; left {{.Left}}",
			map[string]any{"Pot": model.Kroner(r.Pot), "Cost": model.Kroner(res.Cost), "Left": model.Kroner(res.Left)})))
	}
	turnout := countOf(res.Tally.Turnout, "1 ballot handed in.", "%d ballots handed in.")
	if pct := model.TurnoutPercent(res.Tally.Turnout, r.Population); pct != "" {
		turnout += " " + lang.L("Turnout {{.Pct}} of {{.Pop}} inhabitants.", map[string]any{"Pct": pct, "Pop": model.KronerNumber(int64(r.Population) * 100)})
	}
	add(para(turnout))
	if len(res.Tally.Invalid) > 0 {
		add(heading(lang.L("Invalid ballots")))
		for _, g := range model.PBInvalidGroups(res.Tally.Invalid, current()) {
			nums := make([]int, len(g.Numbers))
			copy(nums, g.Numbers)
			add(para(fmt.Sprintf("%d × %s (%s %s)", len(g.Numbers), g.Reason, lang.L("No."), model.FormatNumbers(nums))))
		}
	}
	if len(res.Tally.Places) > 1 {
		add(heading(lang.L("Polling places")))
		for _, pl := range res.Tally.Places {
			name := pl.Place
			if name == "" {
				name = lang.L("(no place given)")
			}
			add(para(lang.L("{{.Place}}: {{.Ballots}}, {{.Valid}}", map[string]any{"Place": name,
				"Ballots": countOf(pl.Ballots, "1 ballot", "%d ballots"), "Valid": countOf(pl.Valid, "1 valid", "%d valid")})))
		}
	}
	if len(res.Outcome.Steps) > 0 {
		add(heading(lang.L("How the count went, step by step")))
		for i, st := range res.Outcome.Steps {
			add(para(fmt.Sprintf("%d. %s %s: %s", i+1, st.Project, st.Name, res.StepReason(st, current()))))
		}
	}
	if len(r.OverrideNumbers) > 0 && !v.s.readOnly() {
		add(widget.NewButton(lang.L("Remove the change by hand"), v.onRemoveOverride))
	}
	v.body.Objects = objs
	v.body.Refresh()
}

// onProject makes the winner a project in Projekter, keeping the link.
func (v *resultView) onProject(p model.PBProposal) {
	pr, err := v.s.u.db.PBWinnerToProject(v.s.u.ctx, p.ID)
	if err != nil {
		v.s.u.showError(err)
		return
	}
	if v.s.u.built(tabProjects) { // otherwise Projekter reads it when first chosen
		v.s.u.projects.refreshList()
	}
	v.refresh()
	dialog.ShowInformation(lang.L("Create project"),
		lang.L("The project «{{.Title}}» is in Projects now.", map[string]any{"Title": pr.Title}), v.s.u.win)
}

// onOverride asks which proposals win instead, and why.
func (v *resultView) onOverride() {
	// The proposals and the current choice are read here; the count is
	// the one shown (never counted again on the UI thread).
	data, err := v.s.u.db.PBRoundData(v.s.u.ctx, v.s.round.ID)
	if err != nil {
		v.s.u.showError(err)
		return
	}
	if len(data.Proposals) == 0 {
		return
	}
	v.data = data
	if !v.counted {
		v.res = model.PBResult{}
	}
	var names []string
	byName := map[string]int{}
	for _, p := range model.OnBallot(v.data.Proposals) {
		n := strconv.Itoa(p.Number) + ". " + p.Title
		names = append(names, n)
		byName[n] = p.Number
	}
	choice := widget.NewCheckGroup(names, nil)
	var sel []string
	for _, n := range names {
		if slices.Contains(v.data.Round.OverrideNumbers, byName[n]) {
			sel = append(sel, n)
		}
	}
	if len(sel) == 0 {
		for _, w := range v.res.Winners {
			sel = append(sel, strconv.Itoa(w.Number)+". "+w.Title)
		}
	}
	choice.SetSelected(sel)
	reason := newMultiEntry(3)
	reason.SetText(v.data.Round.OverrideReason)
	msg := newErrLabel()
	note := widget.NewLabel(lang.L("The reason is printed on every printout of the result."))
	note.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(nil, container.NewVBox(widget.NewLabel(lang.L("Why the result was changed by hand")), reason, note, msg), nil, nil, newVScroll(choice))
	var d *dialog.CustomDialog
	save := widget.NewButton(lang.L("Save"), func() {
		stored, err := v.s.u.db.PBRound(v.s.u.ctx, v.s.round.ID)
		if err != nil {
			showErr(msg, err)
			return
		}
		r := stored
		r.OverrideNumbers = nil
		for _, n := range names {
			if slices.Contains(choice.Selected, n) {
				r.OverrideNumbers = append(r.OverrideNumbers, byName[n])
			}
		}
		r.OverrideReason = strings.TrimSpace(reason.Text)
		if len(r.OverrideNumbers) == 0 {
			showErr(msg, &userError{lang.L("Choose the proposals that win.")})
			return
		}
		if err := v.s.u.db.SavePBRound(v.s.u.ctx, stored, &r); err != nil {
			showErr(msg, err)
			return
		}
		d.Hide()
		v.s.round = r
		v.refresh()
	})
	save.Importance = widget.HighImportance
	d = dialog.NewCustomWithoutButtons(lang.L("Change the result by hand"), body, v.s.u.win)
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(lang.L("Cancel"), func() { d.Hide() }), save})
	d.Resize(fyne.NewSize(560, 520))
	d.Show()
}

// onRemoveOverride goes back to the counted result.
func (v *resultView) onRemoveOverride() {
	v.s.u.confirm(lang.L("Remove the change by hand"), lang.L("Go back to the result as counted?"), func() {
		stored, err := v.s.u.db.PBRound(v.s.u.ctx, v.s.round.ID)
		if err == nil {
			r := stored
			r.OverrideNumbers, r.OverrideReason = nil, ""
			if err = v.s.u.db.SavePBRound(v.s.u.ctx, stored, &r); err == nil {
				v.s.round = r
			}
		}
		showErr(v.msg, err)
		v.refresh()
	})
}

// fileName is a file name of the round: "Stemmesedler Jyderup Lokalråd Borgerbudget 2026.pdf".
func (v *resultView) fileName(ext, what string) string {
	council := v.data.Council.Name
	if council == "" || v.data.Round.ID != v.s.round.ID {
		if c, err := v.s.u.db.Council(v.s.u.ctx, v.s.round.CouncilID); err == nil {
			council = c.Name
		}
	}
	return fileName(ext, what, council, v.s.round.Title)
}

func (v *resultView) pdfOptions() pdf.Options {
	return pdf.Options{Lang: model.Lang(Language(v.s.u.app)), Now: v.s.u.now()}
}

// onBallots asks for the numbers, the place and the type size, then saves
// the ballots as a PDF (made in the background: 500 sheets take a moment).
func (v *resultView) onBallots() {
	u := v.s.u
	data, err := u.db.PBRoundData(u.ctx, v.s.round.ID)
	if err != nil {
		u.showError(err)
		return
	}
	from, to, place := newEntry(), newEntry(), newEntry()
	from.SetText("1")
	to.SetText("500")
	place.SetPlaceHolder(lang.L("e.g. Forsamlingshuset"))
	large := widget.NewCheck(lang.L("Large type"), nil)
	msg := newErrLabel()
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("From ballot no."), from),
		widget.NewFormItem(lang.L("To ballot no."), to),
		widget.NewFormItem(lang.L("Polling place (printed on the ballot)"), place),
		widget.NewFormItem("", large),
		widget.NewFormItem("", msg),
	}
	dialog.ShowForm(lang.L("Print ballots"), lang.L("Save as…"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		a, errA := parseInt(from.Text)
		b, errB := parseInt(to.Text)
		if errA != nil || errB != nil || a < 1 || b < a || b-a >= model.MaxPBBallots {
			u.showError(&userError{lang.L("Give the numbers of the first and the last ballot, e.g. 1 and 500.")})
			return
		}
		bo := pdf.BallotOptions{From: a, To: b, Place: strings.TrimSpace(place.Text), Large: large.Checked}
		o := v.pdfOptions()
		u.saveAs(v.fileName("pdf", "Stemmesedler"), func() ([]byte, error) {
			var buf bytes.Buffer
			err := pdf.Ballots(&buf, data.Council.Name, data.Round, data.Proposals, bo, o)
			return buf.Bytes(), err
		})
	}, u.win)
}

// onResultPDF saves the result as a PDF. The round is read and counted
// again while the file is made, off the UI thread (a city's round takes a
// moment), so the file holds what is stored at that moment.
func (v *resultView) onResultPDF() { v.s.u.saveAs(v.fileName("pdf", "Resultat"), v.resultPDF()) }

// resultPDF makes the result PDF of the round as stored when it runs.
func (v *resultView) resultPDF() func() ([]byte, error) {
	db, id, o := v.s.u.db, v.s.round.ID, v.pdfOptions()
	return func() ([]byte, error) {
		data, err := db.PBRoundData(v.s.u.ctx, id)
		if err != nil {
			return nil, err
		}
		res, err := data.Result()
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		err = pdf.PBResults(&buf, data.Council.Name, data.Round, data.Proposals, res, o)
		return buf.Bytes(), err
	}
}

// countedRound reads a round and counts it, for the files made of it: res
// is nil when the round cannot be counted (the workbook and the Pabulib
// file are still made, without a result); err when it cannot be read.
func countedRound(ctx context.Context, db *storage.DB, id string) (storage.PBRoundData, *model.PBResult, error) {
	data, err := db.PBRoundData(ctx, id)
	if err != nil {
		return data, nil, err
	}
	res, err := data.Result()
	if err != nil {
		return data, nil, nil
	}
	return data, &res, nil
}

// onWorkbook saves the round as a workbook: proposals, ballots, places,
// result.
func (v *resultView) onWorkbook() { v.s.u.saveAs(v.fileName("xlsx", "Borgerbudget"), v.workbook()) }

// workbook makes the round's workbook as stored when it runs.
func (v *resultView) workbook() func() ([]byte, error) {
	ctx, db, id := v.s.u.ctx, v.s.u.db, v.s.round.ID
	o := xlsx.Options{Lang: model.Lang(Language(v.s.u.app))}
	return func() ([]byte, error) {
		data, res, err := countedRound(ctx, db, id)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		err = xlsx.PBWorkbook(&buf, data.Council.Name, data.Round, data.Proposals, data.Ballots, data.Totals, res, o)
		return buf.Bytes(), err
	}
}

// onPabulib saves the round as a Pabulib file, for a recount elsewhere.
func (v *resultView) onPabulib() { v.s.u.saveAs(v.fileName("pb", "Borgerbudget"), v.pabulib()) }

// pabulib makes the round's Pabulib file as stored when it runs.
func (v *resultView) pabulib() func() ([]byte, error) {
	ctx, db, id := v.s.u.ctx, v.s.u.db, v.s.round.ID
	return func() ([]byte, error) {
		data, res, err := countedRound(ctx, db, id)
		if err != nil {
			return nil, err
		}
		tally := model.Tally(data.Round, data.Proposals, data.Ballots, data.Totals)
		var buf bytes.Buffer
		err = pb.Write(&buf, pb.FromRound(data.Council.Name, data.Round, data.Proposals, tally, res))
		return buf.Bytes(), err
	}
}

// onImportPB reads a Pabulib file into a new round of the council, in the
// background with a progress dialog.
func (s *pbScreen) onImportPB() {
	u := s.u
	u.openDialog(func(rc fyne.URIReadCloser) { s.importPB(rc, rc.URI().Name()) }, ".pb").Show()
}

// importPB reads a Pabulib file from rc (closed when done) into a new
// round and opens it.
func (s *pbScreen) importPB(rc io.ReadCloser, name string) {
	u := s.u
	progress := u.working(lang.L("Reading the file…"))
	council := u.councilID
	go func() {
		defer rc.Close()
		r, err := readPB(u.ctx, u.db, council, rc)
		u.do(func() {
			progress.Hide()
			if err != nil {
				u.showError(fmt.Errorf("%s: %w", name, err))
				return
			}
			s.refreshList()
			s.selectRound(r.ID)
		})
	}()
}

// readPB reads a Pabulib file and stores it as a new round of council.
func readPB(ctx context.Context, db *storage.DB, council string, rc io.Reader) (model.PBRound, error) {
	f, err := pb.Parse(rc)
	if err != nil {
		return model.PBRound{}, err
	}
	r, ps, bs, err := f.Round()
	if err != nil {
		return model.PBRound{}, err
	}
	r.CouncilID = council
	return db.CreatePBRound(ctx, storage.PBRoundData{Round: r, Proposals: ps, Ballots: bs})
}

// onTemplate saves the workbook template for proposals.
func (pp *proposalsPane) onTemplate() {
	pp.s.u.saveAs(fileName("xlsx", "Skabelon til borgerforslag"), func() ([]byte, error) {
		var buf bytes.Buffer
		err := xlsx.PBProposalsTemplate(&buf)
		return buf.Bytes(), err
	})
}

// onImport reads proposals from a workbook, shows them and every row's
// problem, and stores nothing until the user confirms.
func (pp *proposalsPane) onImport() {
	u := pp.s.u
	u.openDialog(func(rc fyne.URIReadCloser) { pp.readWorkbook(rc, rc.URI().Name()) }, ".xlsx", ".xlsm").Show()
}

// readWorkbook reads the proposals in the background, then previews them.
func (pp *proposalsPane) readWorkbook(rc io.ReadCloser, name string) {
	u := pp.s.u
	progress := u.working(lang.L("Reading the file…"))
	go func() {
		defer rc.Close()
		ps, problems, err := xlsx.ReadPBProposals(rc)
		var lines []string
		for _, p := range problems {
			lines = append(lines, importProblem(p))
		}
		u.do(func() {
			progress.Hide()
			if err != nil {
				u.showError(fmt.Errorf("%s: %w", name, err))
				return
			}
			pp.preview(ps, lines)
		})
	}()
}

// preview shows what the workbook holds. The import is all or nothing
// (as the CLI's budget import-proposals): when any row has a problem, the
// rows are listed with their problems and nothing can be imported until
// the workbook is corrected; else Import stores every proposal read.
func (pp *proposalsPane) preview(ps []model.PBProposal, problems []string) {
	u, r := pp.s.u, pp.s.round
	summary := widget.NewLabel(countOf(len(ps), "Ready to import: 1 proposal.", "Ready to import: %d proposals."))
	summary.Wrapping = fyne.TextWrapWord
	var titles []string
	for _, p := range ps {
		t := p.Title + " — " + model.Kroner(p.Cost)
		if p.Number > 0 {
			t = strconv.Itoa(p.Number) + ". " + t
		}
		titles = append(titles, t)
	}
	list := widget.NewList(func() int { return len(titles) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(titles[i]) })
	title := lang.L("Import proposals from a workbook")
	if len(problems) > 0 {
		l := widget.NewLabel(countOf(len(problems), "1 row has a problem, so nothing is imported. Correct it in the workbook and import it again:",
			"%d rows have problems, so nothing is imported. Correct them in the workbook and import it again:") +
			"\n" + strings.Join(problems, "\n"))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.DangerImportance
		d := dialog.NewCustom(title, lang.L("Close"), container.NewVScroll(l), u.win)
		d.Resize(fyne.NewSize(640, 520))
		d.Show()
		return
	}
	body := container.NewBorder(container.NewVBox(summary, widget.NewLabel(lang.L("No problems found."))), nil, nil, nil, list)
	d := dialog.NewCustomConfirm(title, lang.L("Import"), lang.L("Cancel"), body, func(ok bool) {
		if !ok || len(ps) == 0 {
			return
		}
		for i := range ps {
			ps[i].CouncilID, ps[i].RoundID = r.CouncilID, r.ID
		}
		if err := u.db.ImportPBProposals(u.ctx, r.ID, ps); err != nil {
			u.showError(err)
			return
		}
		pp.pane.refreshList()
		dialog.ShowInformation(title, countOf(len(ps), "1 proposal imported.", "%d proposals imported."), u.win)
	}, u.win)
	d.Resize(fyne.NewSize(640, 520))
	d.Show()
}
