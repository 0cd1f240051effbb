package ui

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/model/pdf"
	"lokalraad/storage"
)

// planScreen is the Udviklingsplan tab: the plan of a year — vision,
// focus areas with goals and linked projects, action plan. A plan of a
// year gone by is shown read-only; a new year's plan is made empty or as
// a copy of the year before.
type planScreen struct {
	u        *App
	year     int
	label    *widget.Label
	body     *fyne.Container
	msg      *widget.Label
	create   *widget.Button
	copyBtn  *widget.Button
	data     model.PlanData
	has      bool
	vision   *entry
	focus    *formPane[model.FocusArea]
	actions  *formPane[model.PlanAction]
	projects []model.Project
}

func newPlanScreen(u *App) *planScreen {
	return &planScreen{u: u, year: u.now().In(model.Copenhagen).Year()}
}

func (s *planScreen) build() fyne.CanvasObject {
	s.label = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.setYear(s.year - 1) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.setYear(s.year + 1) })
	print := widget.NewButtonWithIcon(lang.L("Print the plan…"), theme.DocumentPrintIcon(), s.onPrint)
	s.create = widget.NewButtonWithIcon(lang.L("New plan"), theme.ContentAddIcon(), s.onCreate)
	s.copyBtn = widget.NewButtonWithIcon(lang.L("New plan as a copy of last year's"), theme.ContentCopyIcon(), s.onCopy)
	s.msg = newErrLabel()
	s.body = container.NewStack()
	top := container.NewVBox(container.NewHBox(prev, container.New(minWidth{80}, s.label), next, layout.NewSpacer(), s.create, s.copyBtn, print), s.msg)
	s.setYear(s.year)
	return container.NewBorder(top, nil, nil, nil, s.body)
}

// refresh is called when the tab is shown.
func (s *planScreen) refresh() {
	if s.label != nil {
		s.setYear(s.year)
	}
}

// refreshChanged shows what a sync brought of the plan shown. A new or
// changed plan (its vision) or project is shown whole again unless someone
// is typing; else the focus areas and actions are read again, each open one
// when its row changed and nobody types.
func (s *planScreen) refreshChanged(changed storage.Changed, typing bool) {
	if s.label == nil || !touches(changed, "dev_plans", "focus_areas", "plan_actions", "projects") {
		return
	}
	editing := s.has && !model.PlanReadOnly(s.year, s.u.now())
	if !typing && (!editing || touches(changed, "dev_plans", "projects")) {
		s.setYear(s.year)
		return
	}
	if editing {
		s.focus.refreshChanged(changed, typing)
		s.actions.refreshChanged(changed, typing)
	}
}

// setYear shows the plan of year.
func (s *planScreen) setYear(year int) {
	s.u.saver.flush()
	s.year = year
	s.label.SetText(strconv.Itoa(year))
	showErr(s.msg, nil)
	var err error
	if s.projects, err = s.u.db.Projects(s.u.ctx, s.u.councilID); err != nil {
		showErr(s.msg, err)
		return
	}
	s.data, s.has, err = s.u.db.PlanOf(s.u.ctx, s.u.councilID, year)
	if err != nil {
		showErr(s.msg, err)
		return
	}
	old := model.PlanReadOnly(year, s.u.now())
	_, hasLast, _ := s.u.db.PlanOf(s.u.ctx, s.u.councilID, year-1)
	s.create.Hidden, s.copyBtn.Hidden = s.has || old, s.has || old || !hasLast
	s.create.Refresh()
	s.copyBtn.Refresh()
	switch {
	case !s.has:
		text := lang.L("There is no development plan for {{.Year}}.", map[string]any{"Year": year})
		showIn(s.body, container.NewCenter(widget.NewLabel(text)))
	case old:
		showIn(s.body, s.readOnly())
	default:
		showIn(s.body, s.editor())
	}
}

// readOnly shows a plan of a year gone by as text.
func (s *planScreen) readOnly() fyne.CanvasObject {
	var b strings.Builder
	b.WriteString(lang.L("The plan of a year gone by is kept as it was.") + "\n\n")
	b.WriteString(lang.L("Vision") + ":\n" + s.data.Plan.Vision + "\n")
	areas := map[string]string{}
	for i, f := range s.data.Focus {
		areas[f.ID] = f.Title
		b.WriteString("\n" + strconv.Itoa(i+1) + ". " + f.Title + "\n" + f.Goals + "\n")
		for _, t := range s.projectTitles(f.Projects) {
			b.WriteString("• " + t + "\n")
		}
	}
	b.WriteString("\n" + lang.L("Action plan") + ":\n")
	for _, a := range s.data.Actions {
		b.WriteString("• " + a.What + " – " + a.Who + " – " + model.ShortDate(a.Due) + " – " + a.Status.StatusLabel(current()) + "\n")
	}
	l := widget.NewLabel(b.String())
	l.Wrapping = fyne.TextWrapWord
	return newVScroll(l)
}

func (s *planScreen) projectTitles(ids []string) []string {
	var out []string
	for _, id := range ids {
		for _, p := range s.projects {
			if p.ID == id {
				out = append(out, p.Title)
			}
		}
	}
	return out
}

// editor edits this year's (or a coming year's) plan.
func (s *planScreen) editor() fyne.CanvasObject {
	u, plan := s.u, s.data.Plan
	s.vision = newMultiEntry(3)
	setText(s.vision, plan.Vision)
	u.autosave(s.vision, "plan:"+plan.ID, s.saveVision)
	s.focus = newEditPane(u, editKind[model.FocusArea]{
		note: lang.L("Saved as you type, and sent to the municipality at the next sync."),
		key:  "focus", newText: lang.L("New focus area"), choose: lang.L("Choose a focus area, or create a new one."),
		load: func(ctx context.Context) ([]model.FocusArea, error) {
			d, err := u.db.PlanData(ctx, plan.ID)
			return d.Focus, err
		},
		save:   u.db.SaveFocusArea,
		remove: u.db.DeleteFocusArea,
		id:     func(f model.FocusArea) string { return f.ID },
		row: func(f model.FocusArea) (string, string) {
			return f.Title, strings.Join(s.projectTitles(f.Projects), ", ")
		},
		create: func() model.FocusArea {
			return model.FocusArea{CouncilID: u.councilID, PlanID: plan.ID, Title: lang.L("New focus area"), Position: len(s.focus.items) + 1}
		},
		deleteTitle: lang.L("Delete focus area"),
		deleteQuestion: func(t string) string {
			return lang.L("Delete the focus area «{{.Title}}»? It cannot be undone.", map[string]any{"Title": t})
		},
		form: func(f *form[model.FocusArea], x model.FocusArea) {
			f.text(lang.L("Title"), x.Title, 0, func(x *model.FocusArea, v string) { x.Title = v })
			f.text(lang.L("Goals (one a line)"), x.Goals, 4, func(x *model.FocusArea, v string) { x.Goals = v })
			var names []string
			for _, p := range s.projects {
				names = append(names, p.Title)
			}
			cg := widget.NewCheckGroup(names, nil)
			cg.SetSelected(s.projectTitles(x.Projects))
			cg.OnChanged = func([]string) { f.u.saver.schedule(f.key, f.save); f.u.saver.flush() }
			projects := s.projects
			f.add(lang.L("Projects"), cg, cg, func(x *model.FocusArea) {
				x.Projects = nil
				for _, p := range projects {
					for _, sel := range cg.Selected {
						if sel == p.Title {
							x.Projects = append(x.Projects, p.ID)
							break
						}
					}
				}
			})
		},
		table: "focus_areas",
	})
	s.actions = newEditPane(u, editKind[model.PlanAction]{
		note: lang.L("Saved as you type, and sent to the municipality at the next sync."),
		key:  "planaction", newText: lang.L("New action"), choose: lang.L("Choose an action, or create a new one."),
		load: func(ctx context.Context) ([]model.PlanAction, error) {
			d, err := u.db.PlanData(ctx, plan.ID)
			s.data.Focus = d.Focus
			return d.Actions, err
		},
		save:   u.db.SavePlanAction,
		remove: u.db.DeletePlanAction,
		id:     func(a model.PlanAction) string { return a.ID },
		row: func(a model.PlanAction) (string, string) {
			sub := a.Status.StatusLabel(current())
			if a.Who != "" {
				sub = a.Who + " · " + sub
			}
			if !a.Due.IsZero() {
				sub += " · " + model.ShortDate(a.Due)
			}
			return a.What, sub
		},
		create: func() model.PlanAction {
			return model.PlanAction{CouncilID: u.councilID, PlanID: plan.ID, What: lang.L("New action"), Status: model.ActionNotStarted}
		},
		deleteTitle: lang.L("Delete action"),
		deleteQuestion: func(t string) string {
			return lang.L("Delete the action «{{.Title}}»? It cannot be undone.", map[string]any{"Title": t})
		},
		form: func(f *form[model.PlanAction], a model.PlanAction) {
			f.text(lang.L("What"), a.What, 2, func(a *model.PlanAction, v string) { a.What = v })
			f.text(lang.L("Who"), a.Who, 0, func(a *model.PlanAction, v string) { a.Who = v })
			dateField(f, lang.L("By when"), a.Due, func(a *model.PlanAction, v time.Time) { a.Due = v })
			// A status not in the list shows the first, as before.
			selectField(f, lang.L("Status"), planStatuses.labels(), indexOf(planStatuses.values, a.Status), func(a *model.PlanAction, i int) { a.Status = planStatuses.values[i] })
			areas := []string{lang.L("(no focus area)")}
			sel := 0
			focus := s.data.Focus
			for i, fa := range focus {
				areas = append(areas, fa.Title)
				if fa.ID == a.FocusID {
					sel = i + 1
				}
			}
			selectField(f, lang.L("Focus area"), areas, sel, func(a *model.PlanAction, i int) {
				if a.FocusID = ""; i > 0 && i-1 < len(focus) {
					a.FocusID = focus[i-1].ID
				}
			})
		},
		// The form offers the focus areas.
		table: "plan_actions", editorTables: []string{"focus_areas"},
	})
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("Focus areas"), s.focus.build()),
		container.NewTabItem(lang.L("Action plan"), s.actions.build()),
	)
	tabs.OnSelected = func(*container.TabItem) { s.actions.refreshList(); s.focus.refreshList() }
	vision := widget.NewForm(widget.NewFormItem(lang.L("Vision"), s.vision))
	return container.NewBorder(vision, nil, nil, nil, tabs)
}

func (s *planScreen) saveVision() {
	p := s.data.Plan
	p.Vision = s.vision.Text
	err := s.u.db.SavePlan(s.u.ctx, s.data.Plan, &p)
	showErr(s.msg, err)
	if err == nil {
		s.data.Plan = p
	}
}

// onCreate makes an empty plan for the year shown.
func (s *planScreen) onCreate() {
	p := model.DevPlan{CouncilID: s.u.councilID, Year: s.year}
	if err := s.u.db.SavePlan(s.u.ctx, model.DevPlan{}, &p); err != nil {
		showErr(s.msg, err)
		return
	}
	s.setYear(s.year)
}

// onCopy makes the year's plan as a copy of last year's.
func (s *planScreen) onCopy() {
	last, has, err := s.u.db.PlanOf(s.u.ctx, s.u.councilID, s.year-1)
	if err == nil && has {
		_, err = s.u.db.CopyPlan(s.u.ctx, last.Plan.ID, s.year)
	}
	if err != nil {
		showErr(s.msg, err)
		return
	}
	s.setYear(s.year)
}

// onPrint saves the year's plan as a PDF.
func (s *planScreen) onPrint() {
	s.u.saver.flush()
	council, _ := s.u.db.Council(s.u.ctx, s.u.councilID)
	name := fileName("pdf", "Udviklingsplan", council.Name, strconv.Itoa(s.year))
	id, year := s.u.councilID, s.year
	s.u.saveAs(name, func() ([]byte, error) { return s.u.render(planDoc, id, "", year, false) })
}

var planDoc = document{"Development plan (PDF)", "Udviklingsplan", "pdf", func(w io.Writer, d *model.CouncilData, _ string, year int, o exportOptions) error {
	return pdf.Plan(w, d, year, o.Options)
}}
