package ui

import (
	"context"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// wishesScreen is the Budgetønsker tab: a budget year's wishes in priority
// order and the editor of the one selected.
type wishesScreen struct {
	*editPane[model.BudgetWish, *wishEditor]
	year  int
	years *widget.Select
	total *widget.Label
}

func newWishesScreen(u *App) *wishesScreen {
	s := &wishesScreen{}
	s.editPane = newPane(u, editKind[model.BudgetWish]{
		key: "wish", newText: lang.L("New budget wish"), choose: lang.L("Choose a budget wish, or create a new one."),
		load: s.load,
		id:   func(w model.BudgetWish) string { return w.ID },
		row: func(w model.BudgetWish) (string, string) {
			return strconv.Itoa(w.Rank) + ". " + w.Title, model.Kroner(w.Estimate) + " · " + label(w.Status)
		},
		listed: s.listed,
		reveal: s.reveal,
		create: func() model.BudgetWish {
			return model.BudgetWish{CouncilID: u.councilID, Year: s.year, Title: lang.L("New budget wish"), Status: model.WishDraft}
		},
		save: u.db.SaveBudgetWish, remove: u.db.DeleteBudgetWish,
		title:       func(w model.BudgetWish) string { return w.Title },
		deleteTitle: lang.L("Delete budget wish"),
		deleteQuestion: func(t string) string {
			return lang.L("Delete the budget wish «{{.Title}}»? It cannot be undone.", map[string]any{"Title": t})
		},
		goesWith: func(ctx context.Context, w model.BudgetWish) (goesWith, error) {
			return u.attachmentsGoWith(ctx, model.OwnerWish, w.ID)
		},
		table: "budget_wishes",
		children: func(ctx context.Context, w model.BudgetWish) (storage.Changed, error) {
			return u.attachmentRows(ctx, model.OwnerWish, w.ID)
		},
	}, func(w model.BudgetWish) *wishEditor { return &wishEditor{s: s, u: u, w: w} })
	return s
}

func (s *wishesScreen) build() fyne.CanvasObject {
	s.total = widget.NewLabel("")
	s.years = widget.NewSelect(nil, func(v string) {
		y, err := strconv.Atoi(v)
		if err == nil && y != s.year {
			s.u.saver.flush()
			s.year = y
			s.close()
			s.refreshList()
		}
	})
	s.parts()
	s.refreshList()

	export := widget.NewButtonWithIcon(lang.L("Print / export…"), theme.DocumentPrintIcon(), func() {
		s.u.saver.flush()
		if s.u.Exporters.Wishes == nil {
			s.u.notAvailable()
			return
		}
		s.u.Exporters.Wishes(s.u.win, s.u.db, s.u.councilID, s.year)
	})
	top := container.NewHBox(widget.NewLabel(lang.L("Budget year")), s.years, s.newBtn, layout.NewSpacer(), export)
	left := container.NewBorder(container.NewVBox(s.msg), s.total, nil, nil, s.list)
	return container.NewBorder(top, nil, nil, nil, s.split(left, 0.32))
}

// load offers the years with wishes and next year, and reads the wishes of
// the year chosen.
func (s *wishesScreen) load(ctx context.Context) ([]model.BudgetWish, error) {
	ys, err := s.u.db.WishYears(ctx, s.u.councilID)
	if err != nil {
		return nil, err
	}
	next := s.u.now().In(model.Copenhagen).Year() + 1
	if !slices.Contains(ys, next) {
		ys = append(ys, next)
	}
	slices.Sort(ys)
	slices.Reverse(ys)
	var opts []string
	for _, y := range ys {
		opts = append(opts, strconv.Itoa(y))
	}
	s.years.Options = opts
	if s.year == 0 {
		s.year = next
	}
	setSelected(s.years, strconv.Itoa(s.year))
	return s.u.db.BudgetWishes(ctx, s.u.councilID, s.year)
}

// refreshYears reads the years and the wishes again.
func (s *wishesScreen) refreshYears() { s.refreshList() }

// listed shows the year's totals, and the open wish's rank as moved.
func (s *wishesScreen) listed(ws []model.BudgetWish) {
	est, granted := model.WishTotals(ws)
	s.total.SetText(lang.L("Total {{.Year}}: {{.Estimate}} wished, {{.Granted}} granted",
		map[string]any{"Year": s.year, "Estimate": model.Kroner(est), "Granted": model.Kroner(granted)}))
	if s.editor != nil {
		if i := s.index(s.editor.w.ID); i >= 0 {
			s.editor.w.Rank = ws[i].Rank
		}
	}
}

// reveal chooses the year of wish id.
func (s *wishesScreen) reveal(id string) {
	w, err := s.u.db.BudgetWishes(s.editPane.u.ctx, s.u.councilID, 0)
	if err != nil {
		return
	}
	for _, x := range w {
		if x.ID == id && x.Year != s.year {
			s.year = x.Year
			setSelected(s.years, strconv.Itoa(x.Year))
			s.refreshList()
		}
	}
}

// selectWish shows wish id, choosing its year.
func (s *wishesScreen) selectWish(id string) { s.choose(id) }

// wishEditor edits one budget wish; the municipality's answer is shown but
// not editable.
type wishEditor struct {
	s *wishesScreen
	u *App
	w model.BudgetWish

	title         *entry
	category      *widget.SelectEntry
	justification *entry
	estimate      *entry
	estimateErr   *widget.Label
	status        *widget.Select
	up, down, del *widget.Button
	msg           *widget.Label
	bilag         *attachList
	saving        *editSave[model.BudgetWish]
}

func (e *wishEditor) item() model.BudgetWish { return e.w }

// unsaved is empty: a refused field keeps its draft and says why at once.
func (e *wishEditor) unsaved() []string { return nil }

func (e *wishEditor) focusNew() { e.u.focusAll(e.title) }

func (e *wishEditor) build() fyne.CanvasObject {
	u, w := e.u, e.w
	key := "wish:" + w.ID
	e.msg, e.estimateErr = newErrLabel(), newErrLabel()
	e.saving = &editSave[model.BudgetWish]{u: u, key: key, msg: e.msg, entries: e.entries,
		read: e.read, validate: (*model.BudgetWish).Validate, fields: wishFields,
		unread: map[string]*widget.Label{"estimate": e.estimateErr},
		store:  u.db.SaveBudgetWish,
		stored: func(sent, w model.BudgetWish) {
			showStored(e.title, sent.Title, w.Title)
			showStored(e.justification, sent.Justification, w.Justification)
		},
		saved: func(model.BudgetWish) { e.s.refreshList() }}
	e.title = newEntry()
	setText(e.title, w.Title)
	e.justification = newMultiEntry(6)
	e.justification.SetPlaceHolder(lang.L("What and why"))
	setText(e.justification, w.Justification)
	e.estimate = newEntry()
	e.estimate.SetPlaceHolder(lang.L("e.g. 12.500,50"))
	if w.Estimate != 0 {
		setText(e.estimate, model.KronerNumber(w.Estimate))
	}
	for _, en := range []*entry{e.title, e.justification, e.estimate} {
		u.autosave(en, key, e.save)
	}
	e.category = widget.NewSelectEntry(model.WishCategories)
	e.category.SetText(w.Category)
	e.category.OnChanged = func(string) { u.saver.schedule(key, e.save) }
	e.category.OnSubmitted = func(string) { u.saver.flush() }
	e.status = wishStatuses.newSelect(func(string) { e.save() })
	wishStatuses.set(e.status, w.Status)
	if u.councilDevice() { // only the municipality answers: the server refuses besvaret
		if w.Status == model.WishAnswered {
			e.status.Disable()
		} else {
			e.status.Options = e.status.Options[:len(e.status.Options)-1]
		}
	}

	e.up = widget.NewButtonWithIcon(lang.L("Move up"), theme.MoveUpIcon(), func() { e.onMove(-1) })
	e.down = widget.NewButtonWithIcon(lang.L("Move down"), theme.MoveDownIcon(), func() { e.onMove(1) })
	e.del = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), func() { e.s.onDelete() })
	e.del.Importance = widget.DangerImportance
	toolbar := container.NewHBox(heading(lang.L("Priority")), e.up, e.down, layout.NewSpacer(), e.del)

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Title"), e.title),
		widget.NewFormItem(lang.L("Category"), e.category),
		widget.NewFormItem(lang.L("Justification"), e.justification),
		widget.NewFormItem(lang.L("Estimate (kr.)"), withErr(e.estimate, e.estimateErr)),
		widget.NewFormItem(lang.L("Status"), e.status),
	)
	answer := widget.NewForm(
		widget.NewFormItem(lang.L("Answer"), widget.NewLabel(label(w.Answer))),
		widget.NewFormItem(lang.L("Granted"), widget.NewLabel(model.Kroner(w.Granted))),
		widget.NewFormItem(lang.L("Answer text"), wrapLabel(w.AnswerText)),
	)
	e.bilag = newAttachList(u, model.OwnerWish, w.ID, false)
	body := container.NewVBox(form, e.msg, e.bilag.obj, widget.NewCard(lang.L("The municipality's answer"), "", answer))
	e.saving.restore(w, e.save)
	return container.NewBorder(toolbar, nil, nil, nil, newVScroll(body))
}

func wrapLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// read is w with what the editor's fields hold; a wrong estimate keeps w's
// and shows why.
func (e *wishEditor) read(w model.BudgetWish) model.BudgetWish {
	w.Title = e.title.Text
	w.Category = e.category.Text
	w.Justification = e.justification.Text
	if st, ok := wishStatuses.chosen(e.status); ok {
		w.Status = st
	}
	readKroner(e.estimate.Text, e.estimateErr, &w.Estimate)
	return w
}

// wishFields are the wish editor's fields the model may refuse.
var wishFields = map[string]revert[model.BudgetWish]{
	"title":         func(w *model.BudgetWish, s model.BudgetWish) { w.Title = s.Title },
	"justification": func(w *model.BudgetWish, s model.BudgetWish) { w.Justification = s.Justification },
	"category":      func(w *model.BudgetWish, s model.BudgetWish) { w.Category = s.Category },
	"estimate":      func(w *model.BudgetWish, s model.BudgetWish) { w.Estimate = s.Estimate },
}

func (e *wishEditor) entries() map[string]*entry {
	return map[string]*entry{"title": e.title, "justification": e.justification, "estimate": e.estimate}
}

// save stores the fields that are valid; a refused one stays on screen
// with its message (and as a draft when the user looks elsewhere).
func (e *wishEditor) save() { e.saving.save(&e.w) }

func (e *wishEditor) onMove(delta int) {
	e.u.saver.flush()
	if err := e.u.db.MoveBudgetWish(e.u.ctx, e.w.ID, delta); err != nil {
		showErr(e.msg, err)
		return
	}
	e.s.refreshList()
}
