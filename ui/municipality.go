package ui

import (
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// municipalScreen is the tab "Fra kommunen": on a council's computer the
// municipality's answers on the council's budget wishes; on the
// municipality's own device (staff) every council's budget wishes to
// answer (staffScreen).
type municipalScreen struct {
	u       *App
	staff   *staffScreen
	info    *municipalInfo // on a council's computer
	editors []refresher    // on a staff device: pools, deadlines, contacts, announcements
	all     *allCouncils   // on a staff device: the overview of every council

	wishes  []model.BudgetWish // answered, newest year first
	list    *widget.List
	detail  *fyne.Container
	msg     *widget.Label
	empty   *widget.Label
	shownID string
}

func newMunicipalScreen(u *App) *municipalScreen {
	s := &municipalScreen{u: u}
	if u.isStaff() {
		s.staff = newStaffScreen(u)
	}
	return s
}

// title is the tab's name.
func (s *municipalScreen) title() string {
	if s.staff != nil {
		return lang.L("Answer budget wishes")
	}
	return lang.L("From the municipality")
}

// build lays out the answers beside the municipality's pools, deadlines,
// contacts and announcements; on a staff device the wishes to answer
// beside the editors of the municipality's data.
func (s *municipalScreen) build() fyne.CanvasObject {
	if s.staff != nil {
		first := container.NewTabItem(lang.L("Budget wishes"), s.staff.build())
		s.all = &allCouncils{u: s.u}
		tabs := append([]*container.TabItem{first}, s.staffEditors()...)
		return container.NewAppTabs(append(tabs, container.NewTabItem(lang.L("All councils"), s.all.build()))...)
	}
	first := container.NewTabItem(lang.L("Answers on budget wishes"), s.buildAnswers())
	s.info = &municipalInfo{u: s.u}
	return container.NewAppTabs(append([]*container.TabItem{first}, s.info.build()...)...)
}

// buildAnswers lays out the municipality's answers on the council's wishes.
func (s *municipalScreen) buildAnswers() fyne.CanvasObject {
	s.msg = newErrLabel()
	s.empty = widget.NewLabel(lang.L("The municipality has not answered any of the council's budget wishes yet."))
	s.list = newRowList(func() int { return len(s.wishes) },
		func(i int) (string, string) {
			w := s.wishes[i]
			return strconv.Itoa(w.Year) + " · " + w.Title, answerLine(w)
		},
		func(i int) { s.show(s.wishes[i]) })
	s.detail = container.NewStack()
	s.refresh()
	top := container.NewVBox(heading(lang.L("The municipality's answers on the council's budget wishes")), s.msg)
	left := container.NewBorder(nil, nil, nil, nil, s.list)
	split := container.NewHSplit(left, s.detail)
	split.Offset = 0.35
	return container.NewBorder(top, nil, nil, nil, split)
}

// answerLine is a wish's answer in one line: "Bevilget · 50.000 kr.".
func answerLine(w model.BudgetWish) string {
	s := label(w.Answer)
	if w.Granted != 0 {
		s += " · " + model.Kroner(w.Granted)
	}
	if w.Estimate > 0 && w.Granted > w.Estimate {
		// Allowed (the grant is the municipality's to set), but likely a
		// slip of the keyboard: said where both sides read the answer.
		s += " · " + lang.L("more than the estimate")
	}
	return s
}

// refreshChanged reads everything again after any sync: the
// municipality's screen shows a little of nearly every table.
func (s *municipalScreen) refreshChanged(storage.Changed, bool) { s.refresh() }

// refresh reads the answers again.
func (s *municipalScreen) refresh() {
	if s.info != nil {
		s.info.refresh()
	}
	for _, e := range s.editors {
		e.refresh()
	}
	if s.all != nil {
		s.all.refresh()
	}
	if s.staff != nil {
		s.staff.refresh()
		return
	}
	if s.list == nil {
		return
	}
	all, err := s.u.db.BudgetWishes(s.u.ctx, s.u.councilID, 0)
	showErr(s.msg, err)
	if err != nil {
		return
	}
	var ws []model.BudgetWish
	for _, w := range all {
		if w.Answer != model.AnswerNone || w.Status == model.WishAnswered {
			ws = append(ws, w)
		}
	}
	slices.SortStableFunc(ws, func(a, b model.BudgetWish) int {
		if a.Year != b.Year {
			return b.Year - a.Year
		}
		return a.Rank - b.Rank
	})
	shown := s.shownID
	s.wishes = ws
	s.list.UnselectAll()
	s.list.Refresh()
	if len(ws) == 0 {
		showIn(s.detail, container.NewCenter(s.empty))
		return
	}
	i := slices.IndexFunc(ws, func(w model.BudgetWish) bool { return w.ID == shown })
	s.list.Select(max(i, 0))
}

// show shows one answer in full.
func (s *municipalScreen) show(w model.BudgetWish) {
	s.shownID = w.ID
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Budget year"), widget.NewLabel(strconv.Itoa(w.Year))),
		widget.NewFormItem(lang.L("Estimate (kr.)"), widget.NewLabel(model.Kroner(w.Estimate))),
		widget.NewFormItem(lang.L("Answer"), widget.NewLabelWithStyle(label(w.Answer), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		widget.NewFormItem(lang.L("Granted"), widget.NewLabel(model.Kroner(w.Granted))),
		widget.NewFormItem(lang.L("Answer text"), wrapLabel(w.AnswerText)),
	)
	card := widget.NewCard(w.Title, label(w.Status), form)
	showIn(s.detail, container.NewVScroll(card))
}

// infoItem is one row of the municipality's information: a title, a line
// under it and the full text shown when it is chosen.
type infoItem struct{ title, sub, body string }

// infoPane lists the municipality's pools, deadlines, contacts or
// announcements (read-only) with the chosen one in full.
type infoPane struct {
	load   func() ([]infoItem, error)
	items  []infoItem
	list   *widget.List
	detail *fyne.Container
	msg    *widget.Label
	empty  string
	shown  string // the title of the item shown
}

func newInfoPane(empty string, load func() ([]infoItem, error)) *infoPane {
	p := &infoPane{load: load, empty: empty, msg: newErrLabel()}
	p.list = newRowList(func() int { return len(p.items) },
		func(i int) (string, string) { return p.items[i].title, p.items[i].sub },
		func(i int) {
			it := p.items[i]
			p.shown = it.title
			body := wrapLabel(it.body)
			body.Selectable = true
			showIn(p.detail, container.NewVScroll(widget.NewCard(it.title, it.sub, body)))
		})
	p.detail = container.NewStack()
	return p
}

func (p *infoPane) build() fyne.CanvasObject {
	p.refresh()
	split := container.NewHSplit(container.NewBorder(p.msg, nil, nil, nil, p.list), p.detail)
	split.Offset = 0.35
	return split
}

func (p *infoPane) refresh() {
	items, err := p.load()
	showErr(p.msg, err)
	if err != nil {
		return
	}
	shown := p.shown
	p.items = items
	p.list.UnselectAll()
	p.list.Refresh()
	if len(items) == 0 {
		showIn(p.detail, container.NewCenter(widget.NewLabel(p.empty)))
		return
	}
	p.list.Select(max(0, slices.IndexFunc(items, func(it infoItem) bool { return it.title == shown })))
}

// municipalInfo is the municipality's pools, deadlines, contacts and
// announcements, as tabs; contacts on a council's computer are those who
// serve its area.
type municipalInfo struct {
	u     *App
	panes []*infoPane
}

func (m *municipalInfo) build() []*container.TabItem {
	db := m.u.db
	pools := newInfoPane(lang.L("The municipality has published no pools yet."), func() ([]infoItem, error) {
		ps, err := db.Pools(m.u.ctx)
		var out []infoItem
		for _, p := range ps {
			sub := poolDeadline(p)
			body := p.Description
			if p.Available != 0 {
				body += "\n\n" + lang.L("Available") + ": " + model.Kroner(p.Available)
			}
			if p.MaxPerApp != 0 {
				body += "\n" + lang.L("At most per application") + ": " + model.Kroner(p.MaxPerApp)
			}
			if p.Rules != "" {
				body += "\n\n" + lang.L("Rules") + ":\n" + p.Rules
			}
			out = append(out, infoItem{p.Name, sub, body})
		}
		return out, err
	})
	deadlines := newInfoPane(lang.L("No coming deadlines from the municipality."), func() ([]infoItem, error) {
		ds, err := db.Deadlines(m.u.ctx)
		today := m.u.now().In(model.Copenhagen).AddDate(0, 0, -1)
		var out []infoItem
		for _, d := range ds {
			if d.Date.Before(today) {
				continue
			}
			sub := model.ShortDate(d.Date)
			if d.Kind != "" {
				sub += " · " + d.Kind
			}
			out = append(out, infoItem{d.Title, sub, d.Description})
		}
		return out, err
	})
	contacts := newInfoPane(lang.L("The municipality has published no contacts yet."), func() ([]infoItem, error) {
		cs, err := db.Contacts(m.u.ctx)
		area := ""
		if c, err := db.Council(m.u.ctx, m.u.councilID); err == nil {
			area = c.Area
		}
		staff := m.u.isStaff()
		var out []infoItem
		for _, c := range cs {
			if !staff && area != "" && !c.ServesArea(area) {
				continue
			}
			body := ""
			if c.Phone != "" {
				body += lang.L("Phone") + ": " + c.Phone + "\n"
			}
			if c.Email != "" {
				body += lang.L("E-mail") + ": " + c.Email + "\n"
			}
			if len(c.Areas) > 0 {
				body += "\n" + lang.L("Areas") + ": " + strings.Join(c.Areas, ", ")
			}
			out = append(out, infoItem{c.Name, c.Role, body})
		}
		return out, err
	})
	news := newInfoPane(lang.L("No announcements from the municipality."), func() ([]infoItem, error) {
		as, err := db.Announcements(m.u.ctx)
		var out []infoItem
		for _, a := range as {
			out = append(out, infoItem{a.Title, model.ShortDate(a.Date), a.Text})
		}
		return out, err
	})
	m.panes = []*infoPane{pools, deadlines, contacts, news}
	return []*container.TabItem{
		container.NewTabItem(lang.L("Pools"), pools.build()),
		container.NewTabItem(lang.L("Deadlines"), deadlines.build()),
		container.NewTabItem(lang.L("Contacts"), contacts.build()),
		container.NewTabItem(lang.L("Announcements"), news.build()),
	}
}

func (m *municipalInfo) refresh() {
	for _, p := range m.panes {
		p.refresh()
	}
}
