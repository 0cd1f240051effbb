package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// publicationDialog lets the council switch its public page at the
// municipality's server on and pick what is on it (model.Publication).
// Each tick is saved at once and reaches the server with the next sync.
type publicationDialog struct {
	u                                        *App
	p                                        model.Publication
	enabled, meetings, minutes, plan, budget *widget.Check
	intro                                    *entry
	msg                                      *widget.Label
}

func (u *App) onPublication() {
	if u.councilID == "" {
		return
	}
	p, err := u.db.Publication(u.ctx, u.councilID)
	if err != nil {
		u.showError(err)
		return
	}
	d := &publicationDialog{u: u, p: p, msg: newErrLabel()}
	check := func(text string, v bool) *widget.Check {
		c := widget.NewCheck(text, nil)
		c.SetChecked(v)
		c.OnChanged = func(bool) { d.save() }
		return c
	}
	d.enabled = check(lang.L("Show a public page for the council"), p.Enabled)
	d.meetings = check(lang.L("Upcoming meetings with their agendas"), p.Meetings)
	d.minutes = check(lang.L("Approved minutes (never drafts)"), p.Minutes)
	d.plan = check(lang.L("The development plan"), p.Plan)
	d.budget = check(lang.L("Citizen budget results (rounds whose result is published)"), p.Budget)
	d.intro = newMultiEntry(3)
	setText(d.intro, p.Intro)
	u.autosave(d.intro, "publication", d.save)
	note := widget.NewLabel(lang.L("The page is shown by the municipality's server at /offentlig/{{.ID}}/ after the next sync. Attendee lists, phone numbers and e-mail addresses are never shown.", map[string]any{"ID": u.councilID}))
	note.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(d.enabled, widget.NewSeparator(), d.meetings, d.minutes, d.plan, d.budget,
		widget.NewLabel(lang.L("A few words on the page's top")), d.intro, note, d.msg)
	dlg := dialog.NewCustom(lang.L("Public page"), lang.L("Close"), body, u.win)
	dlg.SetOnClosed(func() { u.saver.flush() })
	dlg.Resize(dlg.MinSize().AddWidthHeight(200, 0))
	dlg.Show()
	u.publication = d
}

func (d *publicationDialog) save() {
	p := d.p
	p.CouncilID = d.u.councilID
	p.Enabled, p.Meetings, p.Minutes, p.Plan, p.Budget, p.Intro = d.enabled.Checked, d.meetings.Checked, d.minutes.Checked, d.plan.Checked, d.budget.Checked, d.intro.Text
	var loaded model.Publication
	if d.p.ID != "" {
		loaded = d.p
	}
	err := d.u.db.SavePublication(d.u.ctx, loaded, &p)
	showErr(d.msg, err)
	if err == nil {
		d.p = p
	}
}
