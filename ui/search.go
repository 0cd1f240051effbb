package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// searchScreen is the Søg tab: full-text search over the council.
type searchScreen struct {
	u        *App
	query    *widget.Entry
	hits     []model.SearchHit
	meetings map[string]model.Meeting // of the hits, by id
	list     *widget.List
	info     *widget.Label
	sort     *widget.Select // by relevance or by date
	timer    *debounce
}

// searchLimit is how many hits the Søg tab shows.
const searchLimit = 200

func newSearchScreen(u *App) *searchScreen { return &searchScreen{u: u} }

func (s *searchScreen) build() fyne.CanvasObject {
	s.query = widget.NewEntry()
	s.query.SetPlaceHolder(lang.L("Search meetings, minutes, decisions, projects and budget wishes"))
	s.query.ActionItem = widget.NewButtonWithIcon("", theme.SearchIcon(), s.onSearch)
	s.query.OnSubmitted = func(string) { s.onSearch() }
	s.timer = &debounce{delay: 300e6, do: s.u.do}
	s.query.OnChanged = func(string) { s.timer.run(s.onSearch) }
	s.info = widget.NewLabel("")
	s.sort = widget.NewSelect([]string{lang.L("Best match first"), lang.L("Newest first")}, nil)
	s.sort.SetSelectedIndex(0)
	s.sort.OnChanged = func(string) { s.onSearch() }
	s.list = widget.NewList(
		func() int { return len(s.hits) },
		func() fyne.CanvasObject {
			t := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			t.Truncation = fyne.TextTruncateEllipsis
			where := widget.NewLabel("")
			where.Truncation = fyne.TextTruncateEllipsis
			sn := widget.NewLabel("")
			sn.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(t, where, sn)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(s.hits) {
				return
			}
			h := s.hits[i]
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(h.Title)
			c.Objects[1].(*widget.Label).SetText(s.where(h))
			c.Objects[2].(*widget.Label).SetText(h.Snippet)
		})
	s.list.OnSelected = func(i widget.ListItemID) {
		if i < len(s.hits) {
			h := s.hits[i]
			s.list.UnselectAll()
			s.u.openHit(h)
			if ed := s.u.meetings.editor; ed != nil && (h.Kind == "item" || h.Kind == "action") && ed.m.ID == h.MeetingID {
				ed.showHit(h.Kind, h.ID)
			}
		}
	}
	return container.NewBorder(container.NewVBox(s.query, container.NewBorder(nil, nil, nil, s.sort, s.info)), nil, nil, nil, s.list)
}

// where tells what a hit is and, for meetings, agenda items and action
// items, which meeting: "Dagsordenspunkt · Møde: Bestyrelsesmøde om trafik
// · 17.12.2026 19:00".
func (s *searchScreen) where(h model.SearchHit) string {
	id := h.MeetingID
	if h.Kind == "meeting" {
		id = h.ID
	}
	m, ok := s.meetings[id]
	if !ok {
		return hitKind(h.Kind)
	}
	name := m.Title
	if name == "" {
		name = label(m.Kind)
	}
	ctx := name + " · " + model.DateTime(m.Start)
	if h.Kind == "meeting" {
		return hitKind(h.Kind) + " · " + model.DateTime(m.Start) + " · " + label(m.Status)
	}
	return hitKind(h.Kind) + " · " + lang.L("Meeting") + ": " + ctx
}

func hitKind(k string) string {
	switch k {
	case "meeting":
		return lang.L("Meeting")
	case "item":
		return lang.L("Agenda item")
	case "project":
		return lang.L("Project")
	case "wish":
		return lang.L("Budget wish")
	case "action":
		return lang.L("Action item")
	}
	return k
}

// onSearch runs the search typed.
func (s *searchScreen) onSearch() {
	s.timer.stop() // a search typed and then run at once (Enter) runs once
	hits, err := s.u.db.Search(s.u.ctx, s.u.councilID, s.query.Text, searchLimit)
	if err != nil {
		s.info.SetText(errText(err))
		return
	}
	total := len(hits)
	if total == searchLimit {
		if total, err = s.u.db.SearchTotal(s.u.ctx, s.u.councilID, s.query.Text); err != nil {
			s.info.SetText(errText(err))
			return
		}
	}
	s.hits = hits
	s.meetings = map[string]model.Meeting{}
	if len(hits) > 0 {
		ms, err := s.u.db.Meetings(s.u.ctx, s.u.councilID)
		if err != nil {
			s.info.SetText(errText(err))
			return
		}
		for _, m := range ms {
			s.meetings[m.ID] = m
		}
	}
	if s.sort.SelectedIndex() == 1 {
		dates := make(map[string]time.Time, len(s.meetings))
		for id, m := range s.meetings {
			dates[id] = m.Start
		}
		model.SortHitsByDate(s.hits, dates)
	}
	switch {
	case s.query.Text == "":
		s.info.SetText("")
	case len(hits) == 0:
		s.info.SetText(lang.L("Nothing found."))
	case total > len(hits):
		s.info.SetText(lang.L("Showing the first {{.N}} of {{.Total}}", map[string]any{"N": len(hits), "Total": total}))
	default:
		s.info.SetText(lang.L("{{.N}} found", map[string]any{"N": len(hits)}))
	}
	s.list.Refresh()
}
