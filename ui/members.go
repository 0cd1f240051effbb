package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// membersScreen is the Medlemmer tab: the board and the editor of the
// member selected.
type membersScreen struct {
	*editPane[model.Member, *memberEditor]
}

func newMembersScreen(u *App) *membersScreen {
	s := &membersScreen{}
	s.editPane = newPane(u, editKind[model.Member]{
		key: "member", newText: lang.L("New member"), choose: lang.L("Choose a member, or add a new one."),
		load: func(ctx context.Context) ([]model.Member, error) { return u.db.Members(ctx, u.councilID) },
		id:   func(m model.Member) string { return m.ID },
		row: func(m model.Member) (string, string) {
			role := label(m.Role)
			if m.Contact {
				role += " · " + lang.L("Contact person")
			}
			return m.Name, role
		},
		create: func() model.Member {
			return model.Member{CouncilID: u.councilID, Name: lang.L("New member"), Role: model.RoleMember}
		},
		save: u.db.SaveMember, remove: u.db.DeleteMember,
		deleteTitle: lang.L("Delete member"),
		deleteQuestion: func(t string) string {
			return lang.L("Delete the member «{{.Title}}»? It cannot be undone.", map[string]any{"Title": t})
		},
		// The projects they are responsible for stay, without a
		// responsible person (storage's DeleteMember).
		alsoChanges: func(ctx context.Context, m model.Member) (string, error) {
			ps, err := u.db.Projects(ctx, u.councilID)
			var names []string
			for _, p := range ps {
				if p.ResponsibleID == m.ID {
					names = append(names, "«"+p.Title+"»")
				}
			}
			if err != nil || len(names) == 0 {
				return "", err
			}
			return lang.L("{{.Projects}} will have no responsible person; the projects stay.", map[string]any{"Projects": listSaid(names)}), nil
		},
		table: "members",
	}, func(m model.Member) *memberEditor { return &memberEditor{s: s, u: u, m: m} })
	return s
}

func (s *membersScreen) build() fyne.CanvasObject {
	s.parts()
	s.refreshList()
	// A citizen who is no member may ask too.
	person := widget.NewButton(lang.L("Find a person (GDPR)…"), func() { s.u.showPersonData("") })
	left := container.NewBorder(container.NewVBox(s.newBtn, s.msg), person, nil, nil, s.list)
	return s.split(left, 0.28)
}

// memberEditor edits one member.
type memberEditor struct {
	s *membersScreen
	u *App
	m model.Member

	name         *entry
	role         *widget.Select
	contact      *widget.Check
	termStart    *entry
	termEnd      *entry
	phone, email *entry
	startErr     *widget.Label
	endErr       *widget.Label
	msg          *widget.Label
	saving       *editSave[model.Member]
}

func (e *memberEditor) item() model.Member { return e.m }

func (e *memberEditor) unsaved() []string {
	return append(unsavedDate(e.startErr, e.termStart), unsavedDate(e.endErr, e.termEnd)...)
}

func (e *memberEditor) focusNew() { e.u.focusAll(e.name) }

func (e *memberEditor) build() fyne.CanvasObject {
	u, m := e.u, e.m
	key := "member:" + m.ID
	e.msg, e.startErr, e.endErr = newErrLabel(), newErrLabel(), newErrLabel()
	e.saving = &editSave[model.Member]{u: u, key: key, msg: e.msg, entries: e.entries,
		read: e.read, validate: (*model.Member).Validate, fields: memberFields,
		also:   map[string][]string{"term": {"term start", "term end"}},
		unread: map[string]*widget.Label{"term start": e.startErr, "term end": e.endErr},
		store:  u.db.SaveMember, saved: func(model.Member) { e.s.refreshList() }}
	e.name, e.termStart, e.termEnd, e.phone, e.email = newEntry(), newEntry(), newEntry(), newEntry(), newEntry()
	setText(e.name, m.Name)
	e.termStart.SetPlaceHolder(datePlaceholder())
	e.termEnd.SetPlaceHolder(datePlaceholder())
	setText(e.termStart, model.ShortDate(m.TermStart))
	setText(e.termEnd, model.ShortDate(m.TermEnd))
	setText(e.phone, m.Phone)
	setText(e.email, m.Email)
	for _, en := range []*entry{e.name, e.termStart, e.termEnd, e.phone, e.email} {
		u.autosave(en, key, e.save)
	}
	e.role = roles.newSelect(func(string) { e.save() })
	roles.set(e.role, m.Role)
	e.contact = widget.NewCheck(lang.L("Contact person for the municipality"), func(bool) { e.save() })
	setChecked(e.contact, m.Contact)

	del := widget.NewButtonWithIcon(lang.L("Delete member"), theme.DeleteIcon(), func() { e.s.onDelete() })
	del.Importance = widget.DangerImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Name"), e.name),
		widget.NewFormItem(lang.L("Role"), e.role),
		widget.NewFormItem("", e.contact),
		widget.NewFormItem(lang.L("Elected from"), withErr(e.termStart, e.startErr)),
		widget.NewFormItem(lang.L("Elected until"), withErr(e.termEnd, e.endErr)),
		widget.NewFormItem(lang.L("Phone"), e.phone),
		widget.NewFormItem(lang.L("E-mail"), e.email),
	)
	gdpr := widget.NewButtonWithIcon(lang.L("Personal data (GDPR)…"), theme.AccountIcon(), func() { u.showPersonData(e.m.Name) })
	toolbar := container.NewHBox(heading(lang.L("Member")), layout.NewSpacer(), gdpr, del)
	e.saving.restore(m, e.save)
	return container.NewBorder(toolbar, nil, nil, nil, newVScroll(container.NewVBox(form, e.msg)))
}

// read is m with what the editor's fields hold; a wrong date keeps m's
// and shows why.
func (e *memberEditor) read(m model.Member) model.Member {
	m.Name = e.name.Text
	if r, ok := roles.chosen(e.role); ok {
		m.Role = r
	}
	m.Contact = e.contact.Checked
	if d, err := model.ParseDate(e.termStart.Text); err == nil {
		m.TermStart = d
		showErr(e.startErr, nil)
	} else {
		showErr(e.startErr, err)
	}
	if d, err := model.ParseDate(e.termEnd.Text); err == nil {
		m.TermEnd = d
		showErr(e.endErr, nil)
	} else {
		showErr(e.endErr, err)
	}
	m.Phone = e.phone.Text
	m.Email = e.email.Text
	return m
}

// memberFields are the member's fields the model may refuse; "term" is an
// end before the start, so it puts both dates back.
var memberFields = map[string]revert[model.Member]{
	"name":  func(x *model.Member, s model.Member) { x.Name = s.Name },
	"phone": func(x *model.Member, s model.Member) { x.Phone = s.Phone },
	"email": func(x *model.Member, s model.Member) { x.Email = s.Email },
	"term":  func(x *model.Member, s model.Member) { x.TermStart, x.TermEnd = s.TermStart, s.TermEnd },
	"role":  func(x *model.Member, s model.Member) { x.Role = s.Role },
}

func (e *memberEditor) entries() map[string]*entry {
	return map[string]*entry{"name": e.name, "phone": e.phone, "email": e.email,
		"term start": e.termStart, "term end": e.termEnd}
}

// save stores the fields that are valid; a refused one stays on screen
// with its message.
func (e *memberEditor) save() { e.saving.save(&e.m) }
