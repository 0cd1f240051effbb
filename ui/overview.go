package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// overviewScreen shows what is next: the next meeting, open action items
// and coming deadlines.
type overviewScreen struct {
	u         *App
	next      *widget.Label
	nextPlace *widget.Label
	openBtn   *widget.Button
	nextID    string
	actions   []model.ActionItem
	actList   *widget.List
	deadlines []model.Deadline
	dlList    *widget.List
	msg       *widget.Label
}

func newOverviewScreen(u *App) *overviewScreen { return &overviewScreen{u: u} }

func (s *overviewScreen) build() fyne.CanvasObject {
	s.next = widget.NewLabel("")
	s.next.Wrapping = fyne.TextWrapWord
	s.nextPlace = widget.NewLabel("")
	s.msg = newErrLabel()
	s.openBtn = widget.NewButton(lang.L("Open meeting"), func() {
		if s.nextID != "" {
			s.u.tabs.SelectIndex(1)
			s.u.meetings.selectMeeting(s.nextID)
		}
	})
	s.actList = widget.NewList(
		func() int { return len(s.actions) },
		func() fyne.CanvasObject {
			text := widget.NewLabel("")
			text.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewCheck("", nil), widget.NewLabel("00.00.0000"), text)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(s.actions) {
				return
			}
			a := s.actions[i]
			c := o.(*fyne.Container)
			text := a.What
			if a.Who != "" {
				text = a.Who + ": " + a.What
			}
			c.Objects[0].(*widget.Label).SetText(text)
			c.Objects[1].(*widget.Check).OnChanged = nil
			c.Objects[1].(*widget.Check).SetChecked(a.Done)
			c.Objects[1].(*widget.Check).OnChanged = func(done bool) { s.onDone(a, done) }
			due := c.Objects[2].(*widget.Label)
			if a.Overdue(s.u.now()) {
				due.Importance = widget.DangerImportance
				due.SetText(model.ShortDate(a.Due) + " " + lang.L("(overdue)"))
			} else {
				due.Importance = widget.MediumImportance
				due.SetText(model.ShortDate(a.Due))
			}
		})
	s.dlList = widget.NewList(
		func() int { return len(s.deadlines) },
		func() fyne.CanvasObject {
			// A day's merged dates can be long: cut with "…" rather than
			// widen the window.
			text := widget.NewLabel("")
			text.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewLabel("00.00.0000"), nil, text)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(s.deadlines) {
				return
			}
			d := s.deadlines[i]
			c := o.(*fyne.Container)
			// The municipality's own kinds are Danish words, shown as they are.
			c.Objects[0].(*widget.Label).SetText(model.DeadlineText(d, current()))
			c.Objects[1].(*widget.Label).SetText(model.ShortDate(d.Date))
		})
	s.refresh()
	top := widget.NewCard(lang.L("Next meeting"), "", container.NewVBox(s.next, s.nextPlace, container.NewHBox(s.openBtn), s.msg))
	lists := container.NewGridWithColumns(2,
		container.NewBorder(heading(lang.L("Open action items")), nil, nil, nil, s.actList),
		container.NewBorder(heading(lang.L("Coming deadlines (90 days)")), nil, nil, nil, s.dlList))
	return container.NewBorder(top, nil, nil, nil, lists)
}

// refreshChanged reads everything again after any sync: the overview
// shows a little of nearly every table.
func (s *overviewScreen) refreshChanged(storage.Changed, bool) { s.refresh() }

// refresh reads the council's meetings, actions and deadlines again.
func (s *overviewScreen) refresh() {
	now := s.u.now()
	meetings, err := s.u.db.Meetings(s.u.ctx, s.u.councilID)
	if err != nil {
		showErr(s.msg, err)
		return
	}
	if m, ok := model.NextMeeting(meetings, now); ok {
		s.nextID = m.ID
		s.next.SetText(model.MeetingTitle(m, current()) + "\n" +
			model.WeekdayDate(m.Start, current()) + ", " + lang.L("at") + " " + model.Clock(m.Start))
		s.nextPlace.SetText(m.Place)
		s.openBtn.Show()
	} else {
		s.nextID = ""
		s.next.SetText(lang.L("No meeting is planned."))
		s.nextPlace.SetText("")
		s.openBtn.Hide()
	}
	actions, err := s.u.db.ActionItems(s.u.ctx, s.u.councilID)
	if err != nil {
		showErr(s.msg, err)
		return
	}
	apps, err := s.u.db.CouncilApplications(s.u.ctx, s.u.councilID)
	if err != nil {
		showErr(s.msg, err)
		return
	}
	s.actions = model.OpenActions(actions)
	horizon := now.Add(90 * 24 * time.Hour)
	// The council's own deadlines and the municipality's (pools, budget
	// consultations, …): the year's wheel in one list.
	municipal, err := s.u.db.UpcomingDeadlines(s.u.ctx, now, horizon)
	if err != nil {
		showErr(s.msg, err)
		return
	}
	s.deadlines = append(model.ComingDeadlines(now, horizon, apps, actions), municipal...)
	// The årshjul's own dates: the council's yearly rules, members' terms
	// and accounts due for pool grants.
	if more, err := s.yearReminders(now, horizon, apps); err != nil {
		showErr(s.msg, err)
	} else {
		s.deadlines = append(s.deadlines, more...)
	}
	model.SortByDayAndKind(s.deadlines)
	s.deadlines = model.MergeSameDay(s.deadlines)
	s.actList.Refresh()
	s.dlList.Refresh()
}

func (s *overviewScreen) onDone(loaded model.ActionItem, done bool) {
	a := loaded
	a.Done = done
	if err := s.u.db.SaveActionItem(s.u.ctx, loaded, &a); err != nil {
		s.u.showError(err)
	}
	s.refresh()
}
