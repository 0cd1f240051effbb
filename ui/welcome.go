package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/assets"
	"lokalraad/model"
	"lokalraad/storage/demo"
	"lokalraad/storage/exchange"
)

// welcomeScreen is shown on first start, when there is no council yet.
type welcomeScreen struct {
	u      *App
	name   *widget.Entry
	area   *widget.Entry
	create *widget.Button
	demo   *widget.Button
	msg    *widget.Label

	// Enrolment of a computer that starts empty (a second laptop, or the
	// municipality's own): the council arrives with the first sync.
	scroll    *container.Scroll
	enrolBox  *fyne.Container
	enrolForm *widget.Form
	server    *widget.Entry
	code      *widget.Entry
	enrol     *widget.Button
	progress  *widget.ProgressBarInfinite
	enrolNote *widget.Label
	enrolMsg  *widget.Label
}

func newWelcomeScreen(u *App) *welcomeScreen {
	return &welcomeScreen{u: u}
}

func (s *welcomeScreen) build() fyne.CanvasObject {
	s.name = widget.NewEntry()
	s.name.SetPlaceHolder("Jyderup Lokalråd")
	s.name.OnSubmitted = func(string) { s.onCreate() }
	s.area = widget.NewEntry()
	s.area.SetPlaceHolder("Jyderup")
	s.area.OnSubmitted = func(string) { s.onCreate() }
	s.msg = newErrLabel()
	s.create = widget.NewButtonWithIcon(lang.L("Create local council"), theme.ContentAddIcon(), s.onCreate)
	s.create.Importance = widget.HighImportance
	s.demo = widget.NewButtonWithIcon(lang.L("Open demo local council"), theme.FolderOpenIcon(), s.onDemo)

	icon := canvas.NewImageFromResource(fyne.NewStaticResource("icon.png", assets.Icon))
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(96, 96))

	title := widget.NewLabelWithStyle(lang.L("Welcome to Lokalråd"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel(lang.L("Keep your local council's meetings, minutes, projects and budget wishes in one place, also without internet."))
	intro.Wrapping = fyne.TextWrapWord
	intro.Alignment = fyne.TextAlignCenter

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Name"), s.name),
		widget.NewFormItem(lang.L("Area"), s.area),
	)
	createCard := widget.NewCard(lang.L("Create local council"), lang.L("Start with an empty council of your own."),
		container.NewVBox(form, s.msg, s.create))
	demoCard := widget.NewCard(lang.L("Open demo local council"), lang.L("Look around in a council with a year of example data."),
		container.NewVBox(s.demo))

	body := container.NewVBox(icon, title, intro, createCard, demoCard, s.buildEnrol())
	s.scroll = container.NewVScroll(container.New(narrow{width: 560}, body))
	return s.scroll
}

// onCreate stores the council typed in and opens it.
func (s *welcomeScreen) onCreate() {
	c := model.Council{Name: s.name.Text, Area: s.area.Text}
	if err := c.Validate(); err != nil {
		showErr(s.msg, err)
		return
	}
	if err := s.u.db.SaveCouncil(s.u.ctx, model.Council{}, &c); err != nil {
		showErr(s.msg, err)
		return
	}
	s.u.openCouncil(c.ID)
}

// onDemo writes the demo council and opens it.
func (s *welcomeScreen) onDemo() {
	id, err := demo.Council(s.u.ctx, s.u.db, s.u.now())
	if err != nil {
		showErr(s.msg, err)
		return
	}
	s.u.openCouncil(id)
}

// buildEnrol is the choice of fetching a council from the municipality's
// server: its address and a one-time code.
func (s *welcomeScreen) buildEnrol() fyne.CanvasObject {
	s.server = widget.NewEntry()
	s.server.SetPlaceHolder("https://lokalraad.holbaek.dk")
	s.code = widget.NewEntry()
	s.code.SetPlaceHolder("abcd-efgh-ijkl-mnop")
	s.code.OnSubmitted = func(string) { s.onEnrol() }
	s.enrol = widget.NewButtonWithIcon(lang.L("Enrol and fetch"), theme.LoginIcon(), s.onEnrol)
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Stop()
	s.progress.Hide()
	s.enrolNote = widget.NewLabel("")
	s.enrolNote.Wrapping = fyne.TextWrapWord
	s.enrolNote.Hide()
	s.enrolMsg = newErrLabel()
	s.enrolForm = widget.NewForm(
		widget.NewFormItem(lang.L("Server address"), s.server),
		widget.NewFormItem(lang.L("Enrolment code"), s.code),
	)
	s.enrolBox = container.NewVBox(s.enrolForm, s.enrolNote, s.progress, s.enrolMsg, s.enrol)
	if e := s.u.sync.enrolment(); e.enrolled { // enrolled before: the data has not come yet
		s.showEnrolled(lang.L("This computer is enrolled at {{.Server}}. The council's data comes with the next sync.", map[string]any{"Server": e.server}))
	}
	return widget.NewCard(lang.L("Enrol the computer with the municipality"),
		lang.L("Fetch a council from the municipality's server onto this computer."),
		s.enrolBox)
}

// showEnrolled replaces the enrolment form with a note and "Synkronisér nu".
func (s *welcomeScreen) showEnrolled(note string) {
	s.enrolForm.Hide()
	s.enrol.Hide()
	s.enrolNote.SetText(note)
	s.enrolNote.Show()
	s.enrolBox.Add(container.NewHBox(s.u.sync.nowBtn))
}

// onEnrol enrols the computer in the background, fetches the council's
// data and opens it.
func (s *welcomeScreen) onEnrol() {
	showErr(s.enrolMsg, nil)
	s.busy(true)
	s.enrolNote.SetText(lang.L("Enrolling and fetching the data from the municipality's server…"))
	s.enrolNote.Show()
	if err := s.u.sync.enrol(s.server.Text, s.code.Text, true, s.onEnrolled); err != nil {
		s.busy(false)
		s.enrolNote.Hide()
		showErr(s.enrolMsg, err)
		s.scroll.ScrollToBottom()
	}
}

// busy shows the progress and keeps the other choices from being taken
// meanwhile.
func (s *welcomeScreen) busy(on bool) {
	for _, b := range []*widget.Button{s.enrol, s.create, s.demo} {
		if on {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if on {
		s.progress.Show()
		s.progress.Start()
		s.scroll.ScrollToBottom()
	} else {
		s.progress.Stop()
		s.progress.Hide()
	}
}

// onEnrolled opens the council that arrived (on the municipality's
// device, its staff view) and keeps syncing in the background.
func (s *welcomeScreen) onEnrolled(resp exchange.EnrollResponse, err error) {
	u := s.u
	u.sync.refresh()
	u.sync.start()
	if u.welcome == s {
		s.busy(false)
		s.enrolNote.Hide()
	}
	if err != nil {
		if u.welcome == s {
			showErr(s.enrolMsg, err)
			s.scroll.ScrollToBottom()
		}
		return
	}
	cs, err := u.db.Councils(u.ctx)
	if err != nil || len(cs) == 0 {
		if u.welcome == s {
			s.showEnrolled(lang.L("The computer is enrolled, but the municipality's server holds no local council yet. It is fetched when it comes."))
		}
		return
	}
	id := cs[0].ID
	for _, c := range cs {
		if c.ID == resp.Council {
			id = c.ID
		}
	}
	if u.tabs == nil || u.councilID != id {
		u.openCouncil(id)
	}
	if resp.Staff {
		u.tabs.SelectIndex(6)
	}
}
