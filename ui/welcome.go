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
)

// welcomeScreen is shown on first start, when there is no council yet.
type welcomeScreen struct {
	u      *App
	name   *widget.Entry
	area   *widget.Entry
	create *widget.Button
	demo   *widget.Button
	msg    *widget.Label
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

	body := container.NewVBox(icon, title, intro, createCard, demoCard)
	return container.NewVScroll(container.New(narrow{width: 560}, body))
}

// onCreate stores the council typed in and opens it.
func (s *welcomeScreen) onCreate() {
	c := model.Council{Name: s.name.Text, Area: s.area.Text}
	if err := c.Validate(); err != nil {
		showErr(s.msg, err)
		return
	}
	if err := s.u.db.SaveCouncil(&c); err != nil {
		showErr(s.msg, err)
		return
	}
	s.u.openCouncil(c.ID)
}

// onDemo writes the demo council and opens it.
func (s *welcomeScreen) onDemo() {
	id, err := demo.Council(s.u.db, s.u.now())
	if err != nil {
		showErr(s.msg, err)
		return
	}
	s.u.openCouncil(id)
}
