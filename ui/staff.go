package ui

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// staffScreen is the municipality's view on a staff device: every
// council's budget wishes in one list, each to answer (answer, answer
// text, granted amount). An answer sets the wish's status to besvaret.
type staffScreen struct {
	*editPane[staffWish, *answerEditor] // the wishes the filter shows
	filter                              *widget.Select
	count                               *widget.Label
}

type staffWish struct {
	w       model.BudgetWish
	council string // the council's name
}

func newStaffScreen(u *App) *staffScreen {
	s := &staffScreen{}
	s.editPane = newPane(u, editKind[staffWish]{
		key: "answer", choose: lang.L("Choose a budget wish to answer."),
		load: s.load,
		id:   func(x staffWish) string { return x.w.ID },
		row: func(x staffWish) (string, string) {
			st := model.Kroner(x.w.Estimate) + " · " + label(x.w.Status)
			if x.w.Answer != model.AnswerNone {
				st += " · " + answerLine(x.w)
			}
			return x.council + " · " + strconv.Itoa(x.w.Year) + " · " + x.w.Title, st
		},
		listed: func(shown []staffWish) {
			s.count.SetText(lang.L("{{.Count}} shown", map[string]any{"Count": len(shown)}))
		},
	}, func(x staffWish) *answerEditor { return &answerEditor{s: s, u: u, w: x.w, council: x.council} })
	return s
}

func (s *staffScreen) build() fyne.CanvasObject {
	s.count = widget.NewLabel("")
	s.filter = staffFilters.newSelect(nil)
	staffFilters.set(s.filter, staffWaiting)
	s.filter.OnChanged = func(string) {
		s.u.saver.flush()
		s.refreshList()
	}
	s.parts()
	s.refreshList()
	top := container.NewVBox(
		heading(lang.L("Budget wishes from every local council")),
		container.NewHBox(widget.NewLabel(lang.L("Show")), container.New(minWidth{240}, s.filter), layout.NewSpacer(), s.count),
		s.msg)
	return container.NewBorder(top, nil, nil, nil, s.split(s.list, 0.4))
}

// load reads every council's wishes, newest year first, and keeps those
// the filter asks for and the one open.
func (s *staffScreen) load(ctx context.Context) ([]staffWish, error) {
	cs, err := s.u.db.Councils(ctx)
	if err != nil {
		return nil, err
	}
	var all []staffWish
	for _, c := range cs {
		ws, err := s.u.db.BudgetWishes(ctx, c.ID, 0)
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			all = append(all, staffWish{w: w, council: c.Name})
		}
	}
	slices.SortStableFunc(all, func(a, b staffWish) int {
		return cmp.Or(b.w.Year-a.w.Year, cmp.Compare(a.council, b.council), a.w.Rank-b.w.Rank)
	})
	return slices.DeleteFunc(all, func(x staffWish) bool {
		return s.showing() != staffAll && !waiting(x.w) && (s.editor == nil || s.editor.w.ID != x.w.ID)
	}), nil
}

// waiting tells whether a wish waits for the municipality's answer.
func waiting(w model.BudgetWish) bool {
	return w.Answer == model.AnswerNone && (w.Status == model.WishSubmitted || w.Status == model.WishReady)
}

// update shows a saved wish in the list.
func (s *staffScreen) update(w model.BudgetWish) {
	if i := s.index(w.ID); i >= 0 {
		s.items[i].w = w
		s.list.RefreshItem(i)
	}
}

// answerEditor shows a council's wish read-only and edits the
// municipality's answer on it, saving as it is typed.
type answerEditor struct {
	s       *staffScreen
	u       *App
	w       model.BudgetWish
	council string

	answer     *widget.Select
	text       *entry
	granted    *entry
	grantedErr *widget.Label
	msg        *widget.Label
	status     *widget.Label
	saving     *editSave[model.BudgetWish]
}

func (e *answerEditor) item() staffWish { return staffWish{w: e.w, council: e.council} }

// unsaved is empty: a refused field keeps its draft and says why at once.
func (e *answerEditor) unsaved() []string { return nil }

// focusNew is never called: the municipality makes no wishes.
func (e *answerEditor) focusNew() {}

func (e *answerEditor) build() fyne.CanvasObject {
	w, key := e.w, "answer:"+e.w.ID
	e.msg, e.grantedErr = newErrLabel(), newErrLabel()
	e.saving = &editSave[model.BudgetWish]{u: e.u, key: key, msg: e.msg, entries: e.entries,
		read: e.read, validate: (*model.BudgetWish).Validate, fields: answerFields,
		unread: map[string]*widget.Label{"granted": e.grantedErr},
		store:  e.u.db.SaveBudgetWish,
		stored: func(_, w model.BudgetWish) {
			e.status.SetText(label(w.Status))
			e.s.update(w)
		}}
	e.answer = answers.newSelect(func(string) { e.u.saver.schedule(key, e.save); e.u.saver.flush() })
	e.answer.PlaceHolder = label(model.AnswerNone)
	if w.Answer != model.AnswerNone {
		answers.set(e.answer, w.Answer)
	}
	e.text = newMultiEntry(6)
	setText(e.text, w.AnswerText)
	e.granted = newEntry()
	e.granted.SetPlaceHolder("12.500,50")
	if w.Granted != 0 {
		setText(e.granted, model.KronerNumber(w.Granted))
	}
	e.u.autosave(e.text, key, e.save)
	e.u.autosave(e.granted, key, e.save)

	e.status = widget.NewLabel(label(w.Status))
	wish := widget.NewForm(
		widget.NewFormItem(lang.L("Local council"), widget.NewLabel(e.council)),
		widget.NewFormItem(lang.L("Budget year"), widget.NewLabel(strconv.Itoa(w.Year))),
		widget.NewFormItem(lang.L("Priority"), widget.NewLabel(strconv.Itoa(w.Rank))),
		widget.NewFormItem(lang.L("Category"), widget.NewLabel(w.Category)),
		widget.NewFormItem(lang.L("Estimate (kr.)"), widget.NewLabel(model.Kroner(w.Estimate))),
		widget.NewFormItem(lang.L("Status"), e.status),
		widget.NewFormItem(lang.L("Justification"), wrapLabel(w.Justification)),
	)
	answer := widget.NewForm(
		widget.NewFormItem(lang.L("Answer"), e.answer),
		widget.NewFormItem(lang.L("Answer text"), e.text),
		widget.NewFormItem(lang.L("Granted (kr.)"), withErr(e.granted, e.grantedErr)),
	)
	body := container.NewVBox(
		widget.NewCard(w.Title, "", wish),
		widget.NewCard(lang.L("The municipality's answer"), lang.L("Saved as you type, and sent to the local council at the next sync."), container.NewVBox(answer, e.msg)),
	)
	e.saving.restore(w, e.save)
	return container.NewVScroll(body)
}

// answerFields are the answer's fields the model may refuse.
var answerFields = map[string]revert[model.BudgetWish]{
	"answer text": func(x *model.BudgetWish, s model.BudgetWish) { x.AnswerText = s.AnswerText },
	"granted":     func(x *model.BudgetWish, s model.BudgetWish) { x.Granted = s.Granted },
}

func (e *answerEditor) entries() map[string]*entry {
	return map[string]*entry{"answer text": e.text, "granted": e.granted}
}

// save stores the answer; a wish with an answer is besvaret. A refused
// field stays on screen with its message; the other fields are saved.
func (e *answerEditor) save() { e.saving.save(&e.w) }

// read is w with the answer the fields hold; a wrong amount keeps w's and
// shows why.
func (e *answerEditor) read(w model.BudgetWish) model.BudgetWish {
	if a, ok := answers.chosen(e.answer); ok {
		w.Answer = a
	}
	w.AnswerText = e.text.Text
	readKroner(e.granted.Text, e.grantedErr, &w.Granted)
	if w.Answer != model.AnswerNone {
		w.Status = model.WishAnswered
	}
	return w
}

// showing is what the filter asks for.
func (s *staffScreen) showing() staffFilter {
	f, _ := staffFilters.chosen(s.filter)
	return f
}
