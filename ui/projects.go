package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// projectsScreen is the Projekter tab: the projects and the editor of the
// one selected.
type projectsScreen struct {
	*editPane[model.Project, *projectEditor]
	members []model.Member
}

func newProjectsScreen(u *App) *projectsScreen {
	s := &projectsScreen{}
	s.editPane = newPane(u, editKind[model.Project]{
		key: "project", newText: lang.L("New project"), choose: lang.L("Choose a project, or create a new one."),
		load: func(ctx context.Context) ([]model.Project, error) { return u.db.Projects(ctx, u.councilID) },
		get:  u.db.Project,
		id:   func(p model.Project) string { return p.ID },
		row: func(p model.Project) (string, string) {
			return p.Title, label(p.Status) + " · " + strconv.Itoa(p.Progress) + " %"
		},
		create: func() model.Project {
			return model.Project{CouncilID: u.councilID, Title: lang.L("New project"), Status: model.ProjectIdea}
		},
		save: u.db.SaveProject, remove: u.db.DeleteProject,
		deleteTitle: lang.L("Delete project"),
		deleteQuestion: func(t string) string {
			return lang.L("Delete the project «{{.Title}}»? It cannot be undone.", map[string]any{"Title": t})
		},
		goesWith: func(ctx context.Context, p model.Project) (goesWith, error) {
			lines, err1 := u.db.BudgetLines(ctx, p.ID)
			apps, err2 := u.db.FundingApplications(ctx, p.ID)
			bilag, err3 := u.db.Attachments(ctx, model.OwnerProject, p.ID)
			var g goesWith
			g.add(len(lines), lang.L("budget lines ({{.N}})", count(len(lines))))
			g.add(len(apps), lang.L("funding applications ({{.N}})", count(len(apps))))
			g.addAttachments(len(bilag))
			return g, errors.Join(err1, err2, err3)
		},
		// The editor shows the members (the responsible) and the pools
		// as choices.
		table: "projects", listTables: []string{"members"}, editorTables: []string{"members", "pools"},
		children: func(ctx context.Context, p model.Project) (storage.Changed, error) {
			rows := storage.Changed{}
			lines, err := u.db.BudgetLines(ctx, p.ID)
			for _, l := range lines {
				rows.Add("budget_lines", l.ID)
			}
			apps, err2 := u.db.FundingApplications(ctx, p.ID)
			for _, a := range apps {
				rows.Add("funding_applications", a.ID)
			}
			return rows, errors.Join(err, err2, u.addAttachments(ctx, rows, model.OwnerProject, p.ID))
		},
	}, func(p model.Project) *projectEditor { return &projectEditor{s: s, u: u, p: p} })
	return s
}

func (s *projectsScreen) build() fyne.CanvasObject {
	s.parts()
	s.refreshMembers()
	s.refreshList()
	left := container.NewBorder(container.NewVBox(s.newBtn, s.msg), nil, nil, nil, s.list)
	return s.split(left, 0.28)
}

func (s *projectsScreen) refreshMembers() {
	ms, err := s.u.db.Members(s.editPane.u.ctx, s.u.councilID)
	if err != nil {
		showErr(s.msg, err)
		return
	}
	s.members = ms
	if s.editor != nil {
		s.editor.setMemberOptions()
	}
}

// refreshChanged is the pane's, with the members the editor offers as the
// responsible read again first when a sync changed one and nobody types
// (the editor, read again then, offers them).
func (s *projectsScreen) refreshChanged(changed storage.Changed, typing bool) {
	if s.list != nil && !typing && touches(changed, "members") {
		s.refreshMembers()
	}
	s.editPane.refreshChanged(changed, typing)
}

func (s *projectsScreen) selectProject(id string) { s.choose(id) }

// projectEditor edits one project with its budget and applications.
type projectEditor struct {
	s *projectsScreen
	u *App
	p model.Project

	title        *entry
	description  *entry
	status       *widget.Select
	responsible  *widget.Select
	workingGroup *entry
	start, end   *entry
	bilag        *attachList
	startErr     *widget.Label
	endErr       *widget.Label
	progress     *widget.Slider
	progressText *widget.Label
	msg          *widget.Label

	lines    []*lineRow
	linesBox *fyne.Container
	apps     []*appRow
	appsBox  *fyne.Container
	totals   *widget.Label
	pools    []model.Pool // the municipality's, to pick from
	saving   *editSave[model.Project]
}

func (e *projectEditor) item() model.Project { return e.p }

func (e *projectEditor) unsaved() []string {
	return append(unsavedDate(e.startErr, e.start), unsavedDate(e.endErr, e.end)...)
}

func (e *projectEditor) focusNew() { e.u.focusAll(e.title) }

func (e *projectEditor) build() fyne.CanvasObject {
	u, p := e.u, e.p
	key := "project:" + p.ID
	e.msg, e.startErr, e.endErr = newErrLabel(), newErrLabel(), newErrLabel()
	e.saving = &editSave[model.Project]{u: u, key: key, msg: e.msg, entries: e.entries,
		read: e.read, validate: (*model.Project).Validate, fields: projectFields,
		also:   map[string][]string{"start": {"end"}},
		unread: map[string]*widget.Label{"start": e.startErr, "end": e.endErr},
		store:  u.db.SaveProject, stored: e.showStored,
		saved: func(model.Project) { e.s.refreshList(); e.updateTotals() }} // the pools' rules read the project's end
	e.title = newEntry()
	setText(e.title, p.Title)
	e.description = newMultiEntry(4)
	setText(e.description, p.Description)
	e.workingGroup = newMultiEntry(3)
	e.workingGroup.SetPlaceHolder(lang.L("One name a line"))
	setText(e.workingGroup, p.WorkingGroup)
	e.start, e.end = newEntry(), newEntry()
	e.start.SetPlaceHolder(datePlaceholder())
	e.end.SetPlaceHolder(datePlaceholder())
	setText(e.start, model.ShortDate(p.Start))
	setText(e.end, model.ShortDate(p.End))
	for _, en := range []*entry{e.title, e.description, e.workingGroup, e.start, e.end} {
		u.autosave(en, key, e.save)
	}
	e.status = projectStatuses.newSelect(func(string) { e.save() })
	projectStatuses.set(e.status, p.Status)
	e.responsible = widget.NewSelect(nil, func(string) { e.save() })
	e.setMemberOptions()
	e.progressText = widget.NewLabel(strconv.Itoa(p.Progress) + " %")
	e.progress = widget.NewSlider(0, 100)
	e.progress.Step = 5
	e.progress.SetValue(float64(p.Progress))
	e.progress.OnChanged = func(v float64) {
		e.progressText.SetText(strconv.Itoa(int(v)) + " %")
		u.saver.schedule(key, e.save)
	}
	e.progress.OnChangeEnded = func(float64) { u.saver.flush() }

	del := widget.NewButtonWithIcon(lang.L("Delete project"), theme.DeleteIcon(), func() { e.s.onDelete() })
	del.Importance = widget.DangerImportance
	toolbar := container.NewHBox(heading(lang.L("Project")), layout.NewSpacer(), del)

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Title"), e.title),
		widget.NewFormItem(lang.L("Description of the project"), e.description),
		widget.NewFormItem(lang.L("Status"), e.status),
		widget.NewFormItem(lang.L("Responsible"), e.responsible),
		widget.NewFormItem(lang.L("Working group"), e.workingGroup),
		widget.NewFormItem(lang.L("Start"), withErr(e.start, e.startErr)),
		widget.NewFormItem(lang.L("End"), withErr(e.end, e.endErr)),
		widget.NewFormItem(lang.L("Progress"), container.NewBorder(nil, nil, nil, e.progressText, e.progress)),
	)

	e.linesBox = container.NewVBox()
	e.appsBox = container.NewVBox()
	e.totals = widget.NewLabel("")
	e.loadBudget()

	addLine := widget.NewButtonWithIcon(lang.L("Add budget line"), theme.ContentAddIcon(), func() {
		l := model.BudgetLine{CouncilID: p.CouncilID, ProjectID: p.ID, Kind: model.LineExpense}
		r := newLineRow(e, l)
		e.lines = append(e.lines, r)
		u.focusFresh(r.text)
	})
	addApp := widget.NewButtonWithIcon(lang.L("Add funding application"), theme.ContentAddIcon(), func() {
		a := model.FundingApplication{CouncilID: p.CouncilID, ProjectID: p.ID, Status: model.ApplicationDraft}
		r := newAppRow(e, a)
		e.apps = append(e.apps, r)
		u.focusFresh(r.pool)
	})
	e.bilag = newAttachList(u, model.OwnerProject, p.ID, false)
	body := container.NewVBox(form, e.msg,
		e.bilag.obj,
		widget.NewSeparator(),
		container.NewHBox(heading(lang.L("Budget")), layout.NewSpacer(), addLine),
		e.linesBox,
		widget.NewSeparator(),
		container.NewHBox(heading(lang.L("Funding applications")), layout.NewSpacer(), addApp),
		e.appsBox,
		widget.NewSeparator(),
		widget.NewCard(lang.L("Totals"), "", e.totals))
	e.saving.restore(p, e.save)
	return container.NewBorder(toolbar, nil, nil, nil, newVScroll(body))
}

// setMemberOptions offers the council's members as responsible.
func (e *projectEditor) setMemberOptions() {
	opts := []string{lang.L("(nobody)")}
	sel := opts[0]
	for _, m := range e.s.members {
		opts = append(opts, m.Name)
		if m.ID == e.p.ResponsibleID {
			sel = m.Name
		}
	}
	e.responsible.Options = opts
	setSelected(e.responsible, sel)
}

// read is p with what the editor's fields hold; a wrong date keeps p's and
// shows why.
func (e *projectEditor) read(p model.Project) model.Project {
	p.Title = e.title.Text
	p.Description = e.description.Text
	p.WorkingGroup = e.workingGroup.Text
	if st, ok := projectStatuses.chosen(e.status); ok {
		p.Status = st
	}
	if i := e.responsible.SelectedIndex(); i > 0 && i-1 < len(e.s.members) {
		p.ResponsibleID = e.s.members[i-1].ID
	} else if i == 0 {
		p.ResponsibleID = ""
	}
	if d, err := model.ParseDate(e.start.Text); err == nil {
		p.Start = d
		showErr(e.startErr, nil)
	} else {
		showErr(e.startErr, err)
	}
	if d, err := model.ParseDate(e.end.Text); err == nil {
		p.End = d
		showErr(e.endErr, nil)
	} else {
		showErr(e.endErr, err)
	}
	p.Progress = int(e.progress.Value)
	return p
}

// projectFields are the project's fields the model may refuse; "start" is
// also an end before the start, so it puts both dates back.
var projectFields = map[string]revert[model.Project]{
	"title":         func(x *model.Project, s model.Project) { x.Title = s.Title },
	"description":   func(x *model.Project, s model.Project) { x.Description = s.Description },
	"working group": func(x *model.Project, s model.Project) { x.WorkingGroup = s.WorkingGroup },
	"start":         func(x *model.Project, s model.Project) { x.Start, x.End = s.Start, s.End },
}

func (e *projectEditor) entries() map[string]*entry {
	return map[string]*entry{"title": e.title, "description": e.description,
		"working group": e.workingGroup, "start": e.start, "end": e.end}
}

// showStored shows what storing changed of the project sent (a title
// trimmed).
func (e *projectEditor) showStored(sent, p model.Project) {
	showStored(e.title, sent.Title, p.Title)
	showStored(e.description, sent.Description, p.Description)
	showStored(e.workingGroup, sent.WorkingGroup, p.WorkingGroup)
}

// save stores the fields that are valid; a refused one stays on screen
// with its message.
func (e *projectEditor) save() { e.saving.save(&e.p) }

// loadBudget reads the budget lines and applications and builds their rows.
func (e *projectEditor) loadBudget() {
	lines, err := e.u.db.BudgetLines(e.u.ctx, e.p.ID)
	if err != nil {
		showErr(e.msg, err)
		return
	}
	apps, err := e.u.db.FundingApplications(e.u.ctx, e.p.ID)
	if err != nil {
		showErr(e.msg, err)
		return
	}
	if e.pools, err = e.u.db.Pools(e.u.ctx); err != nil {
		showErr(e.msg, err)
		return
	}
	e.linesBox.RemoveAll()
	e.appsBox.RemoveAll()
	e.lines, e.apps = nil, nil
	for _, l := range lines {
		e.lines = append(e.lines, newLineRow(e, l))
	}
	for _, a := range apps {
		e.apps = append(e.apps, newAppRow(e, a))
	}
	e.updateTotals()
}

// updateTotals shows model.Totals of the stored lines and applications.
func (e *projectEditor) updateTotals() {
	var lines []model.BudgetLine
	var apps []model.FundingApplication
	for _, r := range e.lines {
		if r.l.ID != "" {
			lines = append(lines, r.l)
		}
	}
	for _, r := range e.apps {
		if r.a.ID != "" {
			apps = append(apps, r.a)
		}
	}
	t := model.Totals(e.p.ID, lines, apps)
	for _, r := range e.apps {
		r.showFindings(t)
	}
	text := fmt.Sprintf("%s: %s\n%s: %s\n%s: %s",
		lang.L("Expenses"), model.Kroner(t.Expenses),
		lang.L("Own financing (cash)"), model.Kroner(t.CoFinancing.Cash),
		lang.L("Volunteer work counted"), model.Kroner(t.CoFinancing.VolunteerCounts))
	if t.CoFinancing.Capped {
		text += " " + lang.L("(of {{.Value}}: volunteer work counts for at most half of the own financing)",
			map[string]any{"Value": model.Kroner(t.CoFinancing.VolunteerValue)})
	}
	text += fmt.Sprintf("\n%s: %s\n%s: %s\n%s: %s",
		lang.L("Own financing in all"), model.Kroner(t.CoFinancing.Total),
		lang.L("Granted"), model.Kroner(t.Granted),
		lang.L("Missing"), model.Kroner(t.Missing))
	e.totals.SetText(text)
}

// lineRow edits one budget line.
type lineRow struct {
	e         *projectEditor
	l         model.BudgetLine
	text      *entry
	kind      *widget.Select
	amount    *entry
	amountErr *widget.Label
	msg       *widget.Label
	row       fyne.CanvasObject
	saving    *editSave[model.BudgetLine]
}

func newLineRow(e *projectEditor, l model.BudgetLine) *lineRow {
	r := &lineRow{e: e, l: l}
	rowSeq++
	key := "line:" + strconv.Itoa(rowSeq)
	r.text, r.amount = newEntry(), newEntry()
	r.text.SetPlaceHolder(lang.L("Text"))
	r.amount.SetPlaceHolder(lang.L("e.g. 12.500,50"))
	setText(r.text, l.Text)
	if l.ID != "" {
		setText(r.amount, model.KronerNumber(l.Amount))
	}
	r.amountErr, r.msg = newErrLabel(), newErrLabel()
	r.saving = &editSave[model.BudgetLine]{u: e.u, msg: r.msg, entries: r.entries,
		keyOf: func(l model.BudgetLine) string { return rowKey("line", l.ID) },
		read:  r.read, validate: (*model.BudgetLine).Validate, fields: lineFields,
		unread: map[string]*widget.Label{"amount": r.amountErr},
		store:  e.u.db.SaveBudgetLine, saved: func(model.BudgetLine) { e.updateTotals() }}
	e.u.autosave(r.text, key, r.save)
	e.u.autosave(r.amount, key, r.save)
	r.kind = lineKinds.newSelect(func(string) { r.save() })
	if l.Kind == model.LineOwn {
		lineKinds.set(r.kind, model.LineOwn)
	} else {
		lineKinds.set(r.kind, model.LineExpense)
	}
	del := widget.NewButtonWithIcon("", theme.DeleteIcon(), r.onDelete)
	amount := container.NewBorder(nil, nil, nil, widget.NewLabel("kr."), r.amount)
	fields := container.NewGridWithColumns(3, r.text, r.kind, amount)
	// The message goes below the row, so that no field grows to its height.
	r.row = container.NewVBox(container.NewBorder(nil, nil, nil, del, fields), r.amountErr, r.msg)
	e.linesBox.Add(r.row)
	r.saving.restore(l, r.save)
	return r
}

// read is l with what the row's fields hold; a wrong amount keeps l's and
// shows why.
func (r *lineRow) read(l model.BudgetLine) model.BudgetLine {
	l.Text = r.text.Text
	if k, _ := lineKinds.chosen(r.kind); k == model.LineOwn {
		l.Kind = model.LineOwn
	} else {
		l.Kind = model.LineExpense
	}
	readKroner(r.amount.Text, r.amountErr, &l.Amount)
	return l
}

// lineFields are the budget line's fields the model may refuse.
var lineFields = map[string]revert[model.BudgetLine]{
	"text":   func(x *model.BudgetLine, s model.BudgetLine) { x.Text = s.Text },
	"amount": func(x *model.BudgetLine, s model.BudgetLine) { x.Amount = s.Amount },
}

func (r *lineRow) entries() map[string]*entry {
	return map[string]*entry{"text": r.text, "amount": r.amount}
}

// save stores the line once it has a text; a refused field is shown and
// not saved, the other fields are.
func (r *lineRow) save() {
	if r.l.ID == "" && r.read(r.l).Text == "" {
		return
	}
	r.saving.save(&r.l)
}

func (r *lineRow) onDelete() {
	r.e.u.saver.flush()
	r.e.u.deleteRow(r.l.ID, lang.L("Delete budget line"),
		lang.L("Delete the budget line «{{.Title}}»? It cannot be undone.", map[string]any{"Title": r.l.Text}),
		r.e.u.db.DeleteBudgetLine, func() {
			r.e.linesBox.Remove(r.row)
			r.e.lines = slices.DeleteFunc(r.e.lines, func(x *lineRow) bool { return x == r })
			r.e.updateTotals()
		})
}

// appRow edits one funding application.
type appRow struct {
	e                *projectEditor
	a                model.FundingApplication
	pool             *entry
	deadline         *entry
	applied, granted *entry
	hours            *entry
	status           *widget.Select
	pick             *widget.Select // the municipality's pool, or a foundation typed in
	running          *widget.Check
	findings         *widget.Label // the pool's rules, checked
	fieldErr         *widget.Label
	unread           []string // the fields whose text could not be read
	msg              *widget.Label
	row              fyne.CanvasObject
	saving           *editSave[model.FundingApplication]
}

func newAppRow(e *projectEditor, a model.FundingApplication) *appRow {
	r := &appRow{e: e, a: a}
	rowSeq++
	key := "app:" + strconv.Itoa(rowSeq)
	r.pool, r.deadline, r.applied, r.granted, r.hours = newEntry(), newEntry(), newEntry(), newEntry(), newEntry()
	r.pool.SetPlaceHolder(lang.L("Pool or foundation"))
	r.deadline.SetPlaceHolder(datePlaceholder())
	r.applied.SetPlaceHolder(lang.L("e.g. 12.500,50"))
	r.granted.SetPlaceHolder("0")
	r.hours.SetPlaceHolder("0")
	setText(r.pool, a.Pool)
	setText(r.deadline, model.ShortDate(a.Deadline))
	if a.ID != "" {
		setText(r.applied, model.KronerNumber(a.Applied))
		setText(r.granted, model.KronerNumber(a.Granted))
		setText(r.hours, strconv.Itoa(a.VolunteerHours))
	}
	for _, en := range []*entry{r.pool, r.deadline, r.applied, r.granted, r.hours} {
		e.u.autosave(en, key, r.save)
	}
	r.status = applicationStatuses.newSelect(func(string) { r.save() })
	applicationStatuses.set(r.status, a.Status)
	r.running = widget.NewCheck(lang.L("The project leaves running costs to the municipality"), nil)
	r.running.SetChecked(a.RunningCosts) // before OnChanged: loading is no edit
	r.running.OnChanged = func(bool) { r.save() }
	r.findings = widget.NewLabel("")
	r.findings.Wrapping = fyne.TextWrapWord
	r.findings.Hide()
	r.pick = widget.NewSelect(r.poolOptions(), nil)
	if i := slices.IndexFunc(e.pools, func(p model.Pool) bool { return p.ID == a.PoolID }); a.PoolID != "" && i >= 0 {
		r.pick.SetSelectedIndex(i + 1)
		r.pool.Disable()
	} else {
		r.pick.SetSelectedIndex(0)
	}
	r.pick.OnChanged = func(string) { r.onPick() }
	r.fieldErr, r.msg = newErrLabel(), newErrLabel()
	r.saving = &editSave[model.FundingApplication]{u: e.u, msg: r.msg, entries: r.entries,
		keyOf: func(a model.FundingApplication) string { return rowKey("app", a.ID) },
		check: func(loaded model.FundingApplication) (model.FundingApplication, []string, error, bool) {
			a, bad, verr, ok := keepValid(r.read(loaded), loaded, (*model.FundingApplication).Validate, appFields)
			return a, append(bad, r.unread...), verr, ok
		},
		shown: func(a model.FundingApplication, bad []string) model.FundingApplication {
			return shownBase(r.read(a), a, appFields, bad)
		},
		store: e.u.db.SaveFundingApplication, saved: func(model.FundingApplication) { e.updateTotals() }}
	del := widget.NewButtonWithIcon("", theme.DeleteIcon(), r.onDelete)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("The municipality's pool"), r.pick),
		widget.NewFormItem(lang.L("Pool"), r.pool),
		widget.NewFormItem(lang.L("Deadline"), r.deadline),
		widget.NewFormItem(lang.L("Applied for (kr.)"), r.applied),
		widget.NewFormItem(lang.L("Granted (kr.)"), r.granted),
		widget.NewFormItem(lang.L("Status"), r.status),
		widget.NewFormItem(lang.L("Volunteer hours"), r.hours),
		widget.NewFormItem("", r.running),
	)
	r.row = container.NewVBox(container.NewBorder(nil, nil, nil, container.NewVBox(del), form), r.findings, r.fieldErr, r.msg, widget.NewSeparator())
	e.appsBox.Add(r.row)
	r.saving.restore(a, r.save)
	return r
}

// read is a with what the row's fields hold; a field typed wrong keeps a's
// value and shows why (r.unread names it).
func (r *appRow) read(a model.FundingApplication) model.FundingApplication {
	a.Pool = r.pool.Text
	a.PoolID = ""
	if p, ok := r.picked(); ok {
		a.PoolID, a.Pool = p.ID, p.Name
	}
	a.RunningCosts = r.running.Checked
	if st, ok := applicationStatuses.chosen(r.status); ok {
		a.Status = st
	}
	var errs []error
	r.unread = nil
	fail := func(name string, err error) {
		errs = append(errs, err)
		r.unread = append(r.unread, name)
	}
	if d, err := model.ParseDate(r.deadline.Text); err == nil {
		a.Deadline = d
	} else {
		fail("deadline", err)
	}
	if v, err := model.ParseKroner(r.applied.Text); err == nil {
		a.Applied = v
	} else {
		fail("applied", err)
	}
	if v, err := model.ParseKroner(r.granted.Text); err == nil {
		a.Granted = v
	} else {
		fail("granted", err)
	}
	if n, err := parseInt(r.hours.Text); err == nil {
		a.VolunteerHours = n
	} else {
		fail("volunteer hours", err)
	}
	var ferr error
	if len(errs) > 0 {
		ferr = joinErrs(errs)
	}
	showErr(r.fieldErr, ferr)
	return a
}

// appFields are the application's fields the model may refuse.
var appFields = map[string]revert[model.FundingApplication]{
	"pool":            func(x *model.FundingApplication, s model.FundingApplication) { x.Pool = s.Pool },
	"applied":         func(x *model.FundingApplication, s model.FundingApplication) { x.Applied = s.Applied },
	"granted":         func(x *model.FundingApplication, s model.FundingApplication) { x.Granted = s.Granted },
	"volunteer hours": func(x *model.FundingApplication, s model.FundingApplication) { x.VolunteerHours = s.VolunteerHours },
}

func (r *appRow) entries() map[string]*entry {
	return map[string]*entry{"pool": r.pool, "deadline": r.deadline, "applied": r.applied,
		"granted": r.granted, "volunteer hours": r.hours}
}

// save stores the application once it names a pool; a refused field is
// shown and not saved, the other fields are.
func (r *appRow) save() {
	if r.a.ID == "" && r.read(r.a).Pool == "" {
		return
	}
	r.saving.save(&r.a)
}

// poolOptions offers the municipality's pools after the choice of a
// foundation or pool typed in.
func (r *appRow) poolOptions() []string {
	opts := []string{lang.L("Another pool or foundation (type its name)")}
	for _, p := range r.e.pools {
		opts = append(opts, p.Name)
	}
	return opts
}

// picked is the municipality's pool chosen, if one is.
func (r *appRow) picked() (model.Pool, bool) {
	i := r.pick.SelectedIndex()
	if i < 1 || i-1 >= len(r.e.pools) {
		return model.Pool{}, false
	}
	return r.e.pools[i-1], true
}

// onPick takes the pool's name and deadline when a municipal pool is
// chosen, and lets the name be typed when a foundation is.
func (r *appRow) onPick() {
	if p, ok := r.picked(); ok {
		setText(r.pool, p.Name)
		r.pool.Disable()
		if r.deadline.Text == "" && !p.OpenAllYear {
			setText(r.deadline, model.ShortDate(p.Deadline))
		}
	} else {
		r.pool.Enable()
		r.e.u.focusFresh(r.pool)
	}
	r.save()
}

// showFindings shows what the picked pool's rules say about the stored
// application, given the project's totals t.
func (r *appRow) showFindings(t model.ProjectTotals) {
	p, ok := r.picked()
	if !ok || r.a.ID == "" {
		r.findings.Hide()
		return
	}
	c := model.CheckPool(p, r.a, t, r.e.p.End, r.e.u.now())
	if len(c.Findings) == 0 {
		r.findings.Hide()
		return
	}
	var b strings.Builder
	for i, f := range c.Findings {
		if i > 0 {
			b.WriteString("\n")
		}
		if f.OK {
			b.WriteString(lang.L("Met:") + " ")
		} else {
			b.WriteString(lang.L("Not met:") + " ")
		}
		b.WriteString(f.Text(current()))
	}
	r.findings.SetText(b.String())
	if c.OK() {
		r.findings.Importance = widget.SuccessImportance
	} else {
		r.findings.Importance = widget.WarningImportance
	}
	r.findings.Show()
	r.findings.Refresh()
}

func (r *appRow) onDelete() {
	r.e.u.saver.flush()
	r.e.u.deleteRow(r.a.ID, lang.L("Delete funding application"),
		lang.L("Delete the application to «{{.Title}}»? It cannot be undone.", map[string]any{"Title": r.a.Pool}),
		r.e.u.db.DeleteFundingApplication, func() {
			r.e.appsBox.Remove(r.row)
			r.e.apps = slices.DeleteFunc(r.e.apps, func(x *appRow) bool { return x == r })
			r.e.updateTotals()
		})
}
