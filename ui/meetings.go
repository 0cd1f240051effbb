package ui

import (
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// meetingsScreen is the Møder tab: the meetings, newest first, and the
// editor of the one selected.
type meetingsScreen struct {
	u         *App
	meetings  []model.Meeting // newest first, of the year chosen
	rowHeight float32         // a row with its year shown
	list      *widget.List
	newBtn    *widget.Button
	year      *widget.Select // Alle år, or one year
	years     []int          // the years of the select's options after the first
	decBtn    *widget.Button // the decisions register
	register  *decisionsView
	detail    *fyne.Container
	editor    *meetingEditor
	msg       *widget.Label
}

func newMeetingsScreen(u *App) *meetingsScreen { return &meetingsScreen{u: u} }

func (s *meetingsScreen) build() fyne.CanvasObject {
	s.msg = newErrLabel()
	s.newBtn = widget.NewButtonWithIcon(lang.L("New meeting"), theme.ContentAddIcon(), s.onNew)
	s.newBtn.Importance = widget.HighImportance
	s.list = widget.NewList(
		func() int { return len(s.meetings) },
		func() fyne.CanvasObject {
			t := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			t.Truncation = fyne.TextTruncateEllipsis
			d := widget.NewLabel("")
			d.Truncation = fyne.TextTruncateEllipsis
			// The status has its own place on the right, so that a
			// narrow list cuts the kind, never whether the minutes are
			// approved.
			st := widget.NewLabel("")
			// The first meeting of a year carries the year above it, so
			// the list reads in groups by year.
			y := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			y.Importance = widget.HighImportance
			return container.NewVBox(y, t, container.NewBorder(nil, nil, nil, st, d))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(s.meetings) {
				return
			}
			m := s.meetings[i]
			c := o.(*fyne.Container)
			y := c.Objects[0].(*widget.Label)
			if s.firstOfYear(i) {
				y.SetText(strconv.Itoa(m.Start.In(model.Copenhagen).Year()))
				y.Show()
			} else {
				y.Hide()
			}
			c.Objects[1].(*widget.Label).SetText(model.MeetingTitle(m, current()))
			line := c.Objects[2].(*fyne.Container)
			line.Objects[0].(*widget.Label).SetText(model.DateTime(m.Start) + " · " + label(m.Kind))
			st := line.Objects[1].(*widget.Label)
			st.Importance = statusImportance(m.Status)
			st.SetText(label(m.Status))
		})
	s.list.OnSelected = func(i widget.ListItemID) {
		if i < len(s.meetings) {
			s.open(s.meetings[i].ID)
		}
	}
	s.detail = container.NewStack(hintLabel(lang.L("Choose a meeting, or create a new one.")))
	s.year = widget.NewSelect(nil, func(string) { s.refreshList() })
	s.decBtn = widget.NewButtonWithIcon(lang.L("Decisions"), theme.ListIcon(), s.showDecisions)
	s.refreshList()
	top := container.NewVBox(s.newBtn, container.NewGridWithColumns(2, s.year, s.decBtn), s.msg)
	left := container.NewBorder(top, nil, nil, nil, s.list)
	split := container.NewHSplit(left, s.detail)
	split.Offset = 0.28
	return split
}

// statusImportance colours a meeting's status: approved minutes green,
// minutes waiting for approval in the warning colour.
func statusImportance(st model.MeetingStatus) widget.Importance {
	switch st {
	case model.MeetingApproved:
		return widget.SuccessImportance
	case model.MeetingHeld:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// refreshList reads the meetings again, keeping the selection.
func (s *meetingsScreen) refreshList() {
	ms, err := s.u.db.Meetings(s.u.ctx, s.u.councilID)
	if err != nil {
		showErr(s.msg, err)
		return
	}
	slices.Reverse(ms) // newest first
	s.setYears(model.MeetingYears(ms))
	if y := s.chosenYear(); y != 0 {
		ms = slices.DeleteFunc(ms, func(m model.Meeting) bool { return m.Start.In(model.Copenhagen).Year() != y })
	}
	s.meetings = ms
	s.list.Refresh()
	for i := range ms {
		h := s.rowHeight
		if h == 0 {
			h = s.list.CreateItem().MinSize().Height
			s.rowHeight = h
		}
		if !s.firstOfYear(i) {
			h -= s.yearHeight()
		}
		s.list.SetItemHeight(i, h)
	}
	if s.editor != nil {
		if i := slices.IndexFunc(ms, func(m model.Meeting) bool { return m.ID == s.editor.m.ID }); i >= 0 {
			s.list.Select(i) // the editor is already open: nothing rebuilt
		}
	}
}

// selectMeeting shows meeting id, selecting it in the list.
func (s *meetingsScreen) selectMeeting(id string) {
	if !slices.ContainsFunc(s.meetings, func(m model.Meeting) bool { return m.ID == id }) && s.chosenYear() != 0 {
		s.year.SetSelectedIndex(0) // all years, so that the meeting is listed
	}
	if i := slices.IndexFunc(s.meetings, func(m model.Meeting) bool { return m.ID == id }); i >= 0 {
		s.list.Select(i)
		s.list.ScrollTo(i)
	}
	s.open(id)
}

// open shows the editor of meeting id unless it is open already.
func (s *meetingsScreen) open(id string) {
	if s.editor != nil && s.editor.m.ID == id {
		return
	}
	s.leave()
	m, err := s.u.db.Meeting(s.u.ctx, id)
	if err != nil {
		showErr(s.msg, err)
		return
	}
	s.editor = newMeetingEditor(s, m)
	showIn(s.detail, s.editor.build())
}

// close empties the editor (after a delete).
func (s *meetingsScreen) close() {
	s.editor = nil
	s.list.UnselectAll()
	showIn(s.detail, hintLabel(lang.L("Choose a meeting, or create a new one.")))
}

// leave saves the open meeting and tells what could not be saved.
func (s *meetingsScreen) leave() {
	s.u.saver.flush()
	if s.editor != nil {
		warnUnsaved(s.u.win, s.editor.unsaved())
	}
}

// onNew creates a board meeting a week from now at 19:30 and opens it.
func (s *meetingsScreen) onNew() {
	s.leave()
	d := s.u.now().In(model.Copenhagen).AddDate(0, 0, 7)
	m := model.Meeting{
		CouncilID: s.u.councilID,
		Kind:      model.MeetingBoard,
		Status:    model.MeetingPlanned,
		Start:     time.Date(d.Year(), d.Month(), d.Day(), 19, 30, 0, 0, model.Copenhagen).UTC(),
	}
	if err := s.u.db.SaveMeeting(s.u.ctx, model.Meeting{}, &m); err != nil {
		showErr(s.msg, err)
		return
	}
	showErr(s.msg, nil)
	s.editor = nil
	s.refreshList()
	s.selectMeeting(m.ID)
	if s.editor != nil {
		s.u.win.Canvas().Focus(s.editor.title)
	}
}

// firstOfYear tells whether meeting i is the first listed of its year.
func (s *meetingsScreen) firstOfYear(i int) bool {
	if i <= 0 || i >= len(s.meetings) {
		return i == 0
	}
	return s.meetings[i].Start.In(model.Copenhagen).Year() != s.meetings[i-1].Start.In(model.Copenhagen).Year()
}

// yearHeight is the height a year above a row takes.
func (s *meetingsScreen) yearHeight() float32 {
	return widget.NewLabelWithStyle("2026", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}).MinSize().Height + theme.Padding()
}

// setYears offers the years meetings are held in, keeping the choice.
func (s *meetingsScreen) setYears(years []int) {
	if slices.Equal(years, s.years) && len(s.year.Options) > 0 {
		return
	}
	chosen := s.chosenYear()
	s.years = years
	opts := []string{lang.L("All years")}
	for _, y := range years {
		opts = append(opts, strconv.Itoa(y))
	}
	cb := s.year.OnChanged
	s.year.OnChanged = nil
	s.year.SetOptions(opts)
	s.year.SetSelectedIndex(0)
	if i := slices.Index(years, chosen); i >= 0 {
		s.year.SetSelectedIndex(i + 1)
	}
	s.year.OnChanged = cb
}

// chosenYear is the year the list shows, 0 for all.
func (s *meetingsScreen) chosenYear() int {
	if i := s.year.SelectedIndex(); i > 0 && i-1 < len(s.years) {
		return s.years[i-1]
	}
	return 0
}
