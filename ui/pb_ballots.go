package ui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// ballotEntry is counting by hand, by keyboard only: the counter (1 or 2
// of a double entry) and the polling place are chosen once; then for each
// paper ballot its number, Enter, the marked proposal numbers ("3 7 12"),
// Enter. The ballot is saved at once and checked against the round's rules
// (gyldig, or ugyldig and why); the fields clear and the number moves on
// by one. A number this counter already entered is refused: it is
// corrected from the list of the last entries instead.
type ballotEntry struct {
	s       *pbScreen
	counter *widget.RadioGroup
	place   *widget.SelectEntry
	number  *entry
	marks   *entry
	saveBtn *widget.Button
	status  *widget.Label
	count   *widget.Label
	note    *widget.Label
	recent  *widget.List
	cancel  *widget.Button
	del     *widget.Button

	ballots  []model.PBBallot // the round's, as stored
	last     []model.PBBallot // this counter's, newest first
	onBallot map[int]model.PBProposal
	editing  *model.PBBallot // the entry being corrected
}

func newBallotEntry(s *pbScreen) *ballotEntry { return &ballotEntry{s: s} }

// counterNames are the choices of the counter.
func counterNames() []string {
	return []string{lang.L("Counter 1"), lang.L("Counter 2")}
}

func (b *ballotEntry) prefKey(what string) string { return "pb." + what + "." + b.s.round.ID }

func (b *ballotEntry) build() fyne.CanvasObject {
	u := b.s.u
	prefs := u.app.Preferences()
	b.counter = widget.NewRadioGroup(counterNames(), func(string) {
		prefs.SetInt(b.prefKey("counter"), b.entryNo())
		b.stopCorrecting()
		b.refresh()
		if b.number != nil {
			// The number offered is this counter's next, not the other's:
			// the second counter starts at 1 on a laptop that holds the
			// first counter's 300 (after a sync).
			b.number.SetText(strconv.Itoa(b.nextNumber()))
			b.focus()
		}
	})
	b.counter.Horizontal = true
	b.counter.Required = true
	b.counter.SetSelected(counterNames()[max(0, min(1, prefs.IntWithFallback(b.prefKey("counter"), 1)-1))])
	b.place = widget.NewSelectEntry(nil)
	b.place.SetPlaceHolder(lang.L("e.g. Forsamlingshuset"))
	b.place.SetText(prefs.String(b.prefKey("place")))
	b.place.OnChanged = func(v string) { prefs.SetString(b.prefKey("place"), v) }
	b.place.OnSubmitted = func(string) { b.focus() }

	b.number, b.marks = newEntry(), newEntry()
	b.number.SetPlaceHolder("1")
	b.marks.SetPlaceHolder("3 7 12")
	if b.s.round.BallotKind == model.PBPoints {
		b.marks.SetPlaceHolder("3:2 7:1")
	}
	// Enter in the number goes to the marks with their text selected: marks
	// left from a ballot refused for its number are typed over, not added to.
	b.number.OnSubmitted = func(string) {
		// A number this counter typed already is said at once, before its
		// marks are typed for nothing.
		if n, err := strconv.Atoi(strings.TrimSpace(b.number.Text)); err == nil && b.typedAlready(n) {
			return
		}
		u.win.Canvas().Focus(b.marks)
		b.marks.TypedShortcut(&fyne.ShortcutSelectAll{})
	}
	b.marks.OnSubmitted = func(string) { b.onSave() }
	b.saveBtn = widget.NewButtonWithIcon(lang.L("Save (Enter)"), theme.ConfirmIcon(), b.onSave)
	b.status = widget.NewLabel("")
	b.status.Wrapping = fyne.TextWrapWord
	b.status.TextStyle.Bold = true
	b.count = widget.NewLabel("")
	b.count.Wrapping = fyne.TextWrapWord
	b.note = widget.NewLabel("")
	b.note.Wrapping = fyne.TextWrapWord
	b.note.Importance = widget.WarningImportance

	b.recent = widget.NewList(func() int { return len(b.last) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(b.last) {
				o.(*widget.Label).SetText(b.line(b.last[i]))
			}
		})
	b.recent.OnSelected = func(i widget.ListItemID) {
		if i < len(b.last) {
			b.onCorrect(b.last[i])
		}
	}
	b.cancel = widget.NewButton(lang.L("Cancel the correction"), b.stopCorrecting)
	b.del = widget.NewButtonWithIcon(lang.L("Delete this ballot"), theme.DeleteIcon(), b.onDelete)
	b.del.Importance = widget.DangerImportance
	b.cancel.Hide()
	b.del.Hide()

	marksLabel := lang.L("Marked proposals")
	if b.s.round.BallotKind == model.PBPoints {
		marksLabel = lang.L("Marked proposals (number:points)")
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Counter"), b.counter),
		widget.NewFormItem(lang.L("Polling place"), b.place),
		widget.NewFormItem(lang.L("Ballot no."), b.number),
		widget.NewFormItem(marksLabel, b.marks),
	)
	help := widget.NewLabel(lang.L("Type the ballot's number, Enter, the numbers of the marked proposals separated by spaces, Enter. An empty ballot is saved as blank."))
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	top := container.NewVBox(b.note, form, container.NewHBox(b.saveBtn, b.cancel, b.del), b.status, b.count, help,
		heading(lang.L("Your last entries (choose one to correct it)")))
	b.refresh()
	b.number.SetText(strconv.Itoa(b.nextNumber()))
	return container.NewBorder(top, nil, nil, nil, b.recent)
}

// entryNo is the counter chosen: 1 or 2.
func (b *ballotEntry) entryNo() int {
	if b.counter.Selected == counterNames()[1] {
		return 2
	}
	return 1
}

// open tells whether ballots may be entered: the vote is open and this is
// not a staff device.
func (b *ballotEntry) open() bool {
	return b.s.round.Phase == model.PhaseVoting && !b.s.readOnly()
}

// focus puts the cursor in the number field with its text selected, so
// that typing replaces the number offered.
func (b *ballotEntry) focus() {
	if b.number == nil || !b.open() {
		return
	}
	c := b.s.u.win.Canvas()
	c.Focus(b.number)
	b.number.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// refresh reads the round's ballots again and shows the count.
func (b *ballotEntry) refresh() {
	if b.number == nil {
		return
	}
	u, r := b.s.u, b.s.round
	var err error
	if b.ballots, err = u.db.PBBallots(u.ctx, r.ID); err != nil {
		b.show(err.Error(), false)
		return
	}
	ps, err := b.s.onBallot()
	if err != nil {
		b.show(errText(err), false)
		return
	}
	b.onBallot = map[int]model.PBProposal{}
	for _, p := range ps {
		b.onBallot[p.Number] = p
	}
	me := b.entryNo()
	b.last = b.last[:0]
	places := map[string]bool{}
	for _, x := range b.ballots {
		if x.Entry == me {
			b.last = append(b.last, x)
		}
		if x.Place != "" {
			places[x.Place] = true
		}
	}
	slices.SortStableFunc(b.last, func(x, y model.PBBallot) int {
		if c := y.Entered.Compare(x.Entered); c != 0 {
			return c
		}
		return y.Number - x.Number
	})
	if len(b.last) > 50 {
		b.last = b.last[:50]
	}
	b.recent.UnselectAll()
	b.recent.Refresh()
	var opts []string
	for p := range places {
		opts = append(opts, p)
	}
	slices.Sort(opts)
	b.place.SetOptions(opts)

	t := model.Tally(r, nil, nil, nil)
	if all, err := u.db.PBProposals(u.ctx, r.ID); err == nil {
		t = model.Tally(r, all, b.ballots, nil)
	}
	mine := 0
	for _, x := range b.ballots {
		if x.Entry == me {
			mine++
		}
	}
	b.count.SetText(lang.L("Counter {{.N}} has entered {{.Ballots}}. In all: {{.Turnout}} counted, {{.Valid}}, {{.Invalid}}, {{.Diffs}}.",
		map[string]any{"N": me, "Ballots": countOf(mine, "1 ballot", "%d ballots"), "Turnout": countOf(t.Turnout, "1 ballot", "%d ballots"),
			"Valid": countOf(len(t.Valid), "1 valid", "%d valid"), "Invalid": countOf(len(t.Invalid), "1 invalid", "%d invalid"),
			"Diffs": countOf(len(t.Differences), "1 number where the counters differ", "%d numbers where the counters differ")}))

	switch {
	case b.s.readOnly():
		b.note.SetText(lang.L("The municipality sees the ballots; they are entered on the council's computers."))
	case r.Phase == model.PhaseResult:
		b.note.SetText(lang.L("The vote is closed: ballots can no longer be entered or corrected."))
	case r.Phase != model.PhaseVoting:
		b.note.SetText(lang.L("Ballots are entered once the vote is open (Round and rules › Open the vote)."))
	default:
		b.note.SetText("")
	}
	b.note.Hidden = b.note.Text == ""
	b.note.Refresh()
	for _, w := range []fyne.Disableable{b.number, b.marks, b.saveBtn, b.place} {
		if b.open() {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// line is one of the last entries as listed.
func (b *ballotEntry) line(x model.PBBallot) string {
	points := b.s.round.BallotKind == model.PBPoints
	marks := model.FormatMarks(x.Marks, points)
	if marks == "" {
		marks = "–"
	}
	out := lang.L("No.") + " " + strconv.Itoa(x.Number) + ":  " + marks + "  ·  " + b.verdict(x)
	if x.Place != "" {
		out += "  ·  " + x.Place
	}
	return out
}

// verdict is "gyldig" or "ugyldig: why".
func (b *ballotEntry) verdict(x model.PBBallot) string {
	if reason := model.CheckBallotIn(b.s.round, b.onBallot, x, current()); reason != "" {
		return lang.L("invalid") + ": " + reason
	}
	return lang.L("valid")
}

// nextNumber is one more than the highest number this counter entered.
func (b *ballotEntry) nextNumber() int {
	n := 0
	for _, x := range b.ballots {
		if x.Entry == b.entryNo() && x.Number > n {
			n = x.Number
		}
	}
	return n + 1
}

// show puts a message in the status line: good or not.
func (b *ballotEntry) show(text string, good bool) {
	b.status.SetText(text)
	b.status.Importance = widget.DangerImportance
	if good {
		b.status.Importance = widget.SuccessImportance
	}
	b.status.Refresh()
}

// onSave stores the ballot typed, says whether it is valid, and gets
// ready for the next one.
func (b *ballotEntry) onSave() {
	u, r := b.s.u, b.s.round
	if !b.open() {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(b.number.Text))
	if err != nil || n < 1 || n > model.MaxPBNumber {
		b.show(lang.L("Type the number printed on the ballot."), false)
		u.win.Canvas().Focus(b.number)
		return
	}
	marks, err := model.ParseMarks(b.marks.Text, r.BallotKind == model.PBPoints)
	if err != nil {
		b.show(errText(err), false)
		u.win.Canvas().Focus(b.marks)
		return
	}
	me := b.entryNo()
	var loaded model.PBBallot
	if b.editing != nil {
		loaded = *b.editing
	}
	if b.typedAlready(n) {
		return
	}
	x := loaded
	x.CouncilID, x.RoundID, x.Entry, x.Number = r.CouncilID, r.ID, me, n
	x.Place, x.Marks = strings.TrimSpace(b.place.Text), marks
	if loaded.ID == "" {
		x.Entered = u.now()
	}
	if err := u.db.SavePBBallot(u.ctx, loaded, &x); err != nil {
		b.show(errText(err), false)
		return
	}
	b.show(lang.L("No.")+" "+strconv.Itoa(n)+": "+b.verdict(x), model.CheckBallot(r, b.onBallot, x) == "")
	b.stopCorrecting()
	b.refresh()
	b.marks.SetText("")
	b.number.SetText(strconv.Itoa(b.nextNumber()))
	b.focus()
}

// typed tells whether a ballot is typed and not stored: marks typed for a
// new ballot (the number alone is the one offered), or a correction's
// marks changed. Enter stores it; quitting stores it too (saveTyped).
func (b *ballotEntry) typed() bool {
	if b.number == nil || b.marks == nil || !b.open() {
		return false
	}
	if b.editing != nil {
		return strings.TrimSpace(b.marks.Text) != model.FormatMarks(b.editing.Marks, b.s.round.BallotKind == model.PBPoints)
	}
	return strings.TrimSpace(b.marks.Text) != ""
}

// refusal is why the ballot typed cannot be stored as it is, "" when it
// can (or none is typed): what onSave would refuse.
func (b *ballotEntry) refusal() string {
	if !b.typed() {
		return ""
	}
	n, err := strconv.Atoi(strings.TrimSpace(b.number.Text))
	if err != nil || n < 1 || n > model.MaxPBNumber {
		return lang.L("Type the number printed on the ballot.")
	}
	if _, err := model.ParseMarks(b.marks.Text, b.s.round.BallotKind == model.PBPoints); err != nil {
		return errText(err)
	}
	var editing string
	if b.editing != nil {
		editing = b.editing.ID
	}
	for _, x := range b.ballots {
		if x.Number == n && x.Entry == b.entryNo() && x.ID != editing {
			return lang.L("No. {{.N}} is already entered by this counter ({{.Marks}}). Choose it in the list below to correct it.",
				map[string]any{"N": n, "Marks": model.FormatMarks(x.Marks, b.s.round.BallotKind == model.PBPoints)})
		}
	}
	return ""
}

// saveTyped stores the ballot typed but not yet entered with Enter, when
// it can be stored: the app quits (App.end), and closing never loses what
// was typed.
func (b *ballotEntry) saveTyped() {
	if b.typed() && b.refusal() == "" {
		b.onSave()
	}
}

// typedAlready tells, and says, that this counter has entered ballot n
// already (other than the one being corrected), and puts the cursor back
// in the number, selected.
func (b *ballotEntry) typedAlready(n int) bool {
	var editing string
	if b.editing != nil {
		editing = b.editing.ID
	}
	me := b.entryNo()
	for _, x := range b.ballots {
		if x.Number == n && x.Entry == me && x.ID != editing {
			b.show(lang.L("No. {{.N}} is already entered by this counter ({{.Marks}}). Choose it in the list below to correct it.",
				map[string]any{"N": n, "Marks": model.FormatMarks(x.Marks, b.s.round.BallotKind == model.PBPoints)}), false)
			b.s.u.win.Canvas().Focus(b.number)
			b.number.TypedShortcut(&fyne.ShortcutSelectAll{})
			return true
		}
	}
	return false
}

// onCorrect puts an entry back in the fields for correcting.
func (b *ballotEntry) onCorrect(x model.PBBallot) {
	if !b.open() {
		return
	}
	b.editing = &x
	b.number.SetText(strconv.Itoa(x.Number))
	b.marks.SetText(model.FormatMarks(x.Marks, b.s.round.BallotKind == model.PBPoints))
	b.place.SetText(x.Place)
	b.cancel.Show()
	b.del.Show()
	b.show(lang.L("Correcting no. {{.N}}: change the marks and press Enter.", map[string]any{"N": x.Number}), true)
	b.s.u.win.Canvas().Focus(b.marks)
}

// stopCorrecting goes back to entering new ballots.
func (b *ballotEntry) stopCorrecting() {
	if b.editing == nil {
		return
	}
	b.editing = nil
	b.cancel.Hide()
	b.del.Hide()
	b.marks.SetText("")
	b.number.SetText(strconv.Itoa(b.nextNumber()))
	b.recent.UnselectAll()
}

// onDelete deletes the entry being corrected, after asking.
func (b *ballotEntry) onDelete() {
	if b.editing == nil {
		return
	}
	x := *b.editing
	b.s.u.confirmDelete(lang.L("Delete this ballot"),
		lang.L("Delete counter {{.C}}'s entry of ballot no. {{.N}}?", map[string]any{"C": x.Entry, "N": x.Number}), func() {
			if err := b.s.u.db.DeletePBBallot(b.s.u.ctx, x.ID); err != nil {
				b.show(errText(err), false)
				return
			}
			b.stopCorrecting()
			b.refresh()
			b.number.SetText(strconv.Itoa(b.nextNumber()))
			b.show(lang.L("No. {{.N}} deleted.", map[string]any{"N": x.Number}), true)
		})
}

// diffView lists the ballot numbers where the two counters' entries
// differ (after a sync brought the other counter's), each entry side by
// side; choosing one makes the others equal to it, so the ballot counts.
type diffView struct {
	s    *pbScreen
	box  *fyne.Container
	msg  *widget.Label
	head *widget.Label
}

func newDiffView(s *pbScreen) *diffView { return &diffView{s: s} }

func (d *diffView) build() fyne.CanvasObject {
	d.msg = newErrLabel()
	d.head = widget.NewLabel("")
	d.head.Wrapping = fyne.TextWrapWord
	d.box = container.NewVBox()
	d.refresh()
	return container.NewBorder(container.NewVBox(d.head, d.msg), nil, nil, nil, newVScroll(d.box))
}

func (d *diffView) refresh() {
	if d.box == nil {
		return
	}
	r := d.s.round
	data, err := d.s.u.db.PBRoundData(d.s.u.ctx, r.ID)
	showErr(d.msg, err)
	if err != nil {
		return
	}
	t := model.Tally(data.Round, data.Proposals, data.Ballots, data.Totals)
	d.box.Objects = nil
	if len(t.Differences) == 0 {
		d.head.SetText(lang.L("The two counters' entries agree: no differences to settle."))
	} else if len(t.Differences) == 1 {
		d.head.SetText(lang.L("One ballot number was entered differently. Look at the paper ballot and choose the entry that is right; the other is made equal to it."))
	} else {
		d.head.SetText(lang.L("{{.N}} ballot numbers were entered differently. Look at the paper ballot and choose the entry that is right; the other is made equal to it.",
			map[string]any{"N": len(t.Differences)}))
	}
	points := r.BallotKind == model.PBPoints
	for _, diff := range t.Differences {
		row := container.NewGridWithColumns(len(diff.Entries))
		for _, e := range diff.Entries {
			marks := model.FormatMarks(e.Marks, points)
			if marks == "" {
				marks = lang.L("blank")
			}
			text := lang.L("Counter {{.N}}", map[string]any{"N": e.Entry}) + ": " + marks
			if e.Place != "" {
				text += "\n" + e.Place
			}
			use := widget.NewButton(lang.L("Use counter {{.N}}'s", map[string]any{"N": e.Entry}), func() { d.settle(diff, e) })
			if r.Phase != model.PhaseVoting || d.s.readOnly() {
				use.Disable()
			}
			row.Add(container.NewVBox(widget.NewLabel(text), use))
		}
		d.box.Add(widget.NewCard(lang.L("Ballot no.")+" "+strconv.Itoa(diff.Number), "", row))
	}
	d.box.Refresh()
}

// settle makes every other entry of the number equal to chosen.
func (d *diffView) settle(diff model.PBDifference, chosen model.PBBallot) {
	var errs []error
	for _, e := range diff.Entries {
		if e.ID == chosen.ID {
			continue
		}
		x := e
		x.Marks, x.Place = slices.Clone(chosen.Marks), chosen.Place
		errs = append(errs, d.s.u.db.SavePBBallot(d.s.u.ctx, e, &x))
	}
	showErr(d.msg, errors.Join(errs...))
	d.refresh()
}

// totalsView is where places that report only sums (totals mode) have
// their votes per proposal typed in.
type totalsView struct {
	s      *pbScreen
	place  *widget.SelectEntry
	fields map[string]*entry // by proposal id
	errs   map[string]*widget.Label
	form   *widget.Form
	sum    *widget.Label
	msg    *widget.Label
	save   *widget.Button
	ps     []model.PBProposal
	stored []model.PBTotal
}

func newTotalsView(s *pbScreen) *totalsView { return &totalsView{s: s} }

func (t *totalsView) build() fyne.CanvasObject {
	r := t.s.round
	if !r.TotalsMode {
		return hintLabel(lang.L("All places hand in their ballots. Totals are typed in only when the round says that some places report only totals."))
	}
	t.msg = newErrLabel()
	t.sum = widget.NewLabel("")
	t.sum.Wrapping = fyne.TextWrapWord
	t.place = widget.NewSelectEntry(nil)
	t.place.SetPlaceHolder(lang.L("e.g. Forsamlingshuset"))
	t.place.OnChanged = func(string) { t.fill() }
	t.fields, t.errs = map[string]*entry{}, map[string]*widget.Label{}
	t.form = widget.NewForm(widget.NewFormItem(lang.L("Polling place"), t.place))
	var err error
	t.ps, err = t.s.onBallot()
	showErr(t.msg, err)
	for _, p := range t.ps {
		e, msg := newEntry(), newErrLabel()
		e.SetPlaceHolder("0")
		e.OnSubmitted = func(string) { t.u().win.Canvas().FocusNext() }
		t.fields[p.ID], t.errs[p.ID] = e, msg
		t.form.Append(strconv.Itoa(p.Number)+". "+p.Title, withErr(e, msg))
	}
	t.save = widget.NewButtonWithIcon(lang.L("Save the place's totals"), theme.DocumentSaveIcon(), t.onSave)
	t.save.Importance = widget.HighImportance
	t.refresh()
	return container.NewBorder(nil, nil, nil, nil, newVScroll(container.NewVBox(t.form, t.save, t.msg, t.sum)))
}

func (t *totalsView) u() *App { return t.s.u }

func (t *totalsView) refresh() {
	if t.place == nil {
		return
	}
	var err error
	t.stored, err = t.u().db.PBTotals(t.s.u.ctx, t.s.round.ID)
	showErr(t.msg, err)
	places := map[string]int64{}
	for _, x := range t.stored {
		places[x.Place] += x.Votes
	}
	var opts, lines []string
	for p, v := range places {
		opts = append(opts, p)
		lines = append(lines, fmt.Sprintf("%s: %d", p, v))
	}
	slices.Sort(opts)
	slices.Sort(lines)
	t.place.SetOptions(opts)
	text := lang.L("No totals yet.")
	if len(lines) > 0 {
		text = lang.L("Votes reported as totals, by place:") + "\n" + strings.Join(lines, "\n")
	}
	t.sum.SetText(text)
	open := t.s.round.Phase == model.PhaseVoting && !t.s.readOnly()
	for _, e := range t.fields {
		if open {
			e.Enable()
		} else {
			e.Disable()
		}
	}
	if open {
		t.save.Enable()
	} else {
		t.save.Disable()
	}
	t.fill()
}

// fill shows the stored totals of the place chosen.
func (t *totalsView) fill() {
	place := strings.TrimSpace(t.place.Text)
	for id, e := range t.fields {
		text := ""
		for _, x := range t.stored {
			if x.Place == place && x.ProposalID == id {
				text = strconv.FormatInt(x.Votes, 10)
			}
		}
		e.SetText(text)
	}
}

// onSave stores the place's totals, one per proposal.
func (t *totalsView) onSave() {
	place := strings.TrimSpace(t.place.Text)
	if place == "" {
		showErr(t.msg, &userError{lang.L("Name the polling place first.")})
		return
	}
	r := t.s.round
	var errs []error
	for _, p := range t.ps {
		v, err := parseInt(t.fields[p.ID].Text)
		showErr(t.errs[p.ID], err)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var loaded model.PBTotal
		for _, x := range t.stored {
			if x.Place == place && x.ProposalID == p.ID {
				loaded = x
			}
		}
		if loaded.ID == "" && v == 0 {
			continue
		}
		x := loaded
		x.CouncilID, x.RoundID, x.Place, x.ProposalID, x.Votes = r.CouncilID, r.ID, place, p.ID, int64(v)
		if err := t.u().db.SavePBTotal(t.s.u.ctx, loaded, &x); err != nil {
			errs = append(errs, err)
		}
	}
	showErr(t.msg, errors.Join(errs...))
	t.refresh()
}
