package ui

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// privacyDialog answers a person's GDPR request: what the council keeps
// about them (to see, and to save as a file for them), and erasure.
type privacyDialog struct {
	u      *App
	name   *widget.Entry
	result *widget.Label
	save   *widget.Button
	erase  *widget.Button
	report *model.PersonReport
	dlg    dialog.Dialog
}

// showPersonData opens the dialog for name (a member's, or empty to type a
// citizen's name).
func (u *App) showPersonData(name string) *privacyDialog {
	u.saver.flush()
	p := &privacyDialog{u: u}
	p.name = widget.NewEntry()
	p.name.SetText(name)
	p.name.SetPlaceHolder(lang.L("Full name"))
	p.name.OnSubmitted = func(string) { p.onLookUp() }
	p.result = widget.NewLabel("")
	p.result.Wrapping = fyne.TextWrapWord
	look := widget.NewButton(lang.L("Look up"), p.onLookUp)
	p.save = widget.NewButton(lang.L("Save as file…"), p.onSave)
	p.erase = widget.NewButton(lang.L("Erase the person…"), p.onErase)
	p.erase.Importance = widget.DangerImportance
	top := container.NewBorder(nil, nil, nil, look, p.name)
	buttons := container.NewHBox(p.save, p.erase)
	body := container.NewBorder(top, buttons, nil, nil, container.NewVScroll(p.result))
	p.dlg = dialog.NewCustom(lang.L("Personal data (GDPR)"), lang.L("Close"), body, u.win)
	p.dlg.Resize(fyne.NewSize(640, 520))
	p.dlg.Show()
	p.onLookUp()
	return p
}

func (p *privacyDialog) onLookUp() {
	p.report = nil
	p.save.Disable()
	p.erase.Disable()
	name := strings.TrimSpace(p.name.Text)
	if name == "" {
		p.result.SetText(lang.L("Type the person's full name."))
		return
	}
	r, err := p.u.db.PersonData(p.u.ctx, p.u.councilID, name)
	if err != nil {
		p.result.SetText(errText(err))
		return
	}
	p.report = r
	if r.Empty() {
		p.result.SetText(lang.L("Nothing is kept about {{.Name}}.", map[string]any{"Name": name}))
		return
	}
	p.result.SetText(describeReport(r, model.Lang(Language(p.u.app))))
	p.save.Enable()
	p.erase.Enable()
}

// describeReport lists what is kept, group by group.
func describeReport(r *model.PersonReport, l model.Lang) string {
	var b strings.Builder
	section := func(key string, n int, lines func(add func(string))) {
		if n == 0 {
			return
		}
		fmt.Fprintf(&b, "%s (%d)\n", lang.L(key), n)
		lines(func(s string) { b.WriteString("  • " + s + "\n") })
		b.WriteString("\n")
	}
	section("Board records", len(r.Members), func(add func(string)) {
		for _, m := range r.Members {
			add(strings.Join(nonEmpty(m.Name, model.Label(m.Role, l), m.Phone, m.Email), ", "))
		}
	})
	section("Attended meetings", len(r.Attended), func(add func(string)) {
		for _, m := range r.Attended {
			add(model.MeetingTitle(m, l))
		}
	})
	section("Sent apologies", len(r.Apologies), func(add func(string)) {
		for _, m := range r.Apologies {
			add(model.MeetingTitle(m, l))
		}
	})
	section("Action items", len(r.Actions), func(add func(string)) {
		for _, a := range r.Actions {
			add(strings.Join(nonEmpty(a.Who, a.What, model.ShortDate(a.Due)), " – "))
		}
	})
	section("Mentioned in minutes", len(r.Mentions), func(add func(string)) {
		for _, it := range r.Mentions {
			add(it.Title)
		}
	})
	section("Projects", len(r.Projects), func(add func(string)) {
		for _, pr := range r.Projects {
			add(pr.Title)
		}
	})
	section("Budget wishes", len(r.Wishes), func(add func(string)) {
		for _, w := range r.Wishes {
			add(w.Title)
		}
	})
	section("Attachments named after the person", len(r.Attachments), func(add func(string)) {
		for _, a := range r.Attachments {
			add(a.Name)
		}
	})
	section("Citizen budgeting proposals", len(r.Proposals), func(add func(string)) {
		for _, p := range r.Proposals {
			line := strconv.Itoa(p.Number) + ". " + p.Title
			if r.Proposer(p) {
				line += " – " + lang.L("Proposed by") + ": " + strings.Join(nonEmpty(p.ProposerName, p.ProposerContact), ", ")
			}
			add(line)
		}
	})
	if len(r.Attachments) > 0 {
		b.WriteString(lang.L("Erasing renames these files; what is inside them is not read. Remove an attachment that names the person inside.") + "\n")
	}
	return b.String()
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

// onSave writes the report as JSON, to hand to the person.
func (p *privacyDialog) onSave() {
	if p.report == nil {
		return
	}
	r := p.report
	p.u.saveAs(fileName("json", "Persondata", r.Name), func() ([]byte, error) {
		return json.MarshalIndent(r, "", "  ")
	})
}

// onErase removes the person after a clear confirmation.
func (p *privacyDialog) onErase() {
	if p.report == nil {
		return
	}
	name := p.report.Name
	p.u.confirmDelete(lang.L("Erase the person"),
		lang.L("Erase everything kept about «{{.Name}}»? Phone and e-mail are deleted, and the name becomes «tidligere medlem» in minutes and decisions, also on other computers after sync. It cannot be undone.",
			map[string]any{"Name": name}),
		func() {
			n, err := p.u.db.ErasePerson(p.u.ctx, p.u.councilID, name)
			if err != nil {
				p.u.showError(err)
				return
			}
			p.dlg.Hide()
			p.u.openCouncil(p.u.councilID)
			dialog.ShowInformation(lang.L("Erase the person"),
				lang.L("{{.Name}} is erased from {{.Count}} records.", map[string]any{"Name": name, "Count": n}), p.u.win)
		})
}
