package ui

import (
	"context"
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// meetingsScreen is the Møder tab: the meetings, newest first, and the
// editor of the one selected.
type meetingsScreen struct {
	*editPane[model.Meeting, *meetingEditor]                // newest first, of the year chosen
	rowHeight                                float32        // a row with its year shown
	year                                     *widget.Select // Alle år, or one year
	years                                    []int          // the years of the select's options after the first
	decBtn                                   *widget.Button // the decisions register
	register                                 *decisionsView
}

func newMeetingsScreen(u *App) *meetingsScreen {
	s := &meetingsScreen{}
	s.editPane = newPane(u, editKind[model.Meeting]{
		key: "meeting", newText: lang.L("New meeting"), choose: lang.L("Choose a meeting, or create a new one."),
		load: s.load,
		get:  u.db.Meeting,
		id:   func(m model.Meeting) string { return m.ID },
		rowTemplate: func() fyne.CanvasObject {
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
		showRow: s.showRow,
		listed:  s.listed,
		reveal: func(string) {
			if s.chosenYear() != 0 {
				s.year.SetSelectedIndex(0) // all years, so that the meeting is listed
			}
		},
		// A board meeting a week from now at 19:30.
		create: func() model.Meeting {
			d := u.now().In(model.Copenhagen).AddDate(0, 0, 7)
			return model.Meeting{
				CouncilID: u.councilID,
				Kind:      model.MeetingBoard,
				Status:    model.MeetingPlanned,
				Start:     time.Date(d.Year(), d.Month(), d.Day(), 19, 30, 0, 0, model.Copenhagen).UTC(),
			}
		},
		save: u.db.SaveMeeting,
		// The editor shows the members (attendance), the templates,
		// the projects and the council's quorum as choices.
		table: "meetings", editorTables: []string{"members", "agenda_templates", "projects", "councils"},
		children: s.children,
	}, func(m model.Meeting) *meetingEditor { return newMeetingEditor(s, m) })
	return s
}

// children are the rows a meeting's editor shows as its own: its agenda
// items with their attachments, its action items and the open ones carried
// from earlier meetings, and the meeting its minutes were approved at.
func (s *meetingsScreen) children(ctx context.Context, m model.Meeting) (storage.Changed, error) {
	db, rows := s.u.db, storage.Changed{}
	items, err := db.AgendaItems(ctx, m.ID)
	if err != nil {
		return rows, err
	}
	for _, it := range items {
		rows.Add("agenda_items", it.ID)
		if err := s.u.addAttachments(ctx, rows, model.OwnerItem, it.ID); err != nil {
			return rows, err
		}
	}
	own, err := db.MeetingActionItems(ctx, m.ID)
	if err != nil {
		return rows, err
	}
	carried, err := db.CarriedOver(ctx, m)
	for _, a := range append(own, carried...) {
		rows.Add("action_items", a.ID)
	}
	if m.ApprovedIn != "" {
		rows.Add("meetings", m.ApprovedIn)
	}
	return rows, err
}

func (s *meetingsScreen) build() fyne.CanvasObject {
	s.year = widget.NewSelect(nil, func(string) { s.refreshList() })
	s.decBtn = widget.NewButtonWithIcon(lang.L("Decisions"), theme.ListIcon(), s.showDecisions)
	s.parts()
	s.refreshList()
	top := container.NewVBox(s.newBtn, container.NewGridWithColumns(2, s.year, s.decBtn), s.msg)
	left := container.NewBorder(top, nil, nil, nil, s.list)
	return s.split(left, 0.28)
}

// showRow shows meeting i in row o.
func (s *meetingsScreen) showRow(i int, o fyne.CanvasObject) {
	m := s.items[i]
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

// load reads the meetings newest first, offering their years, and keeps
// those of the year chosen.
func (s *meetingsScreen) load(ctx context.Context) ([]model.Meeting, error) {
	ms, err := s.u.db.Meetings(ctx, s.u.councilID)
	if err != nil {
		return nil, err
	}
	slices.Reverse(ms) // newest first
	s.setYears(model.MeetingYears(ms))
	if y := s.chosenYear(); y != 0 {
		ms = slices.DeleteFunc(ms, func(m model.Meeting) bool { return m.Start.In(model.Copenhagen).Year() != y })
	}
	return ms, nil
}

// listed makes the first row of each year the taller, with the year.
func (s *meetingsScreen) listed(ms []model.Meeting) {
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
}

// selectMeeting shows meeting id, selecting it in the list.
func (s *meetingsScreen) selectMeeting(id string) { s.choose(id) }

// firstOfYear tells whether meeting i is the first listed of its year.
func (s *meetingsScreen) firstOfYear(i int) bool {
	if i <= 0 || i >= len(s.items) {
		return i == 0
	}
	return s.items[i].Start.In(model.Copenhagen).Year() != s.items[i-1].Start.In(model.Copenhagen).Year()
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
