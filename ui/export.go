package ui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/model/ical"
	"lokalraad/model/pdf"
	"lokalraad/model/xlsx"
	db "lokalraad/storage"
)

// fileNamesEn are the English starts of the files the app saves, by their
// Danish ones: a file saved from the English window is named in English.
var fileNamesEn = map[string]string{
	"Mødemappe": "Meeting packet", "Formandens eksemplar": "Chair's copy", "Referat": "Minutes",
	"Deltagerliste": "Attendance list", "Notatark": "Note sheet", "Invitation": "Invitation",
	"Budgetønsker": "Budget wishes", "Årshjul": "Year wheel", "Lokalråd": "Local council",
	"Møder": "Meetings", "Kalender": "Calendar", "Kalender med opgaver": "Calendar with tasks",
	"Skabelon til import": "Import template", "Årsregnskab": "Annual accounts",
	"Årsregnskab med bilag": "Annual accounts with receipts", "Udviklingsplan": "Development plan",
	"Sikkerhedskopi": "Backup", "Ændringer": "Changes", "Persondata": "Personal data",
	"Skabelon til borgerforslag": "Citizen proposals template", "Stemmesedler": "Ballots",
	"Resultat": "Result", "Borgerbudget": "Citizen budget",
}

// fileName is model.FileName with its first part (Danish) in the window's
// language.
func fileName(ext, danish string, parts ...string) string {
	first := danish
	if en, ok := fileNamesEn[danish]; ok && current() == model.English {
		first = en
	}
	return model.FileName(ext, append([]string{first}, parts...)...)
}

// document is one thing the export dialogs can make.
type document struct {
	key   string // the English catalogue key of its name
	base  string // the Danish start of its file name
	ext   string
	write func(w io.Writer, d *model.CouncilData, ref string, year int, o exportOptions) error
}

// exportOptions are the options of every document: a PDF's, and the
// municipality's deadlines for a calendar.
type exportOptions struct {
	pdf.Options
	Deadlines []model.MunicipalDeadline
	// Reminders are the årshjul's dates (storage's YearReminders): of the
	// year asked for, or of this year and the next for a calendar.
	Reminders []model.Deadline
}

// yearWheelDoc is the årshjul of a year on one page.
var yearWheelDoc = document{"Year wheel (PDF)", "Årshjul", "pdf", func(w io.Writer, d *model.CouncilData, _ string, year int, o exportOptions) error {
	return pdf.YearWheel(w, d.Council.Name, year, o.Reminders, o.Options)
}}

// meetingDocs are the documents of one meeting, in the order offered.
var meetingDocs = []document{
	{"Meeting packet", "Mødemappe", "pdf", func(w io.Writer, d *model.CouncilData, ref string, _ int, o exportOptions) error {
		return pdf.Packet(w, d, ref, o.Options)
	}},
	{"Chair's copy", "Formandens eksemplar", "pdf", func(w io.Writer, d *model.CouncilData, ref string, _ int, o exportOptions) error {
		return pdf.ChairCopy(w, d, ref, o.Options)
	}},
	{"Minutes", "Referat", "pdf", func(w io.Writer, d *model.CouncilData, ref string, _ int, o exportOptions) error {
		return pdf.Minutes(w, d, ref, o.Options)
	}},
	{"Attendance list", "Deltagerliste", "pdf", func(w io.Writer, d *model.CouncilData, ref string, _ int, o exportOptions) error {
		return pdf.Attendance(w, d, ref, o.Options)
	}},
	{"Note sheet", "Notatark", "pdf", func(w io.Writer, d *model.CouncilData, ref string, _ int, o exportOptions) error {
		return pdf.NoteSheet(w, d, ref, o.Options)
	}},
	{"Invitation (calendar file)", "Invitation", "ics", func(w io.Writer, d *model.CouncilData, ref string, _ int, o exportOptions) error {
		return ical.WriteMeeting(w, d, ref, ical.Options{Lang: o.Lang, Now: o.Now})
	}},
}

var wishesDoc = document{"Budget wishes", "Budgetønsker", "pdf", func(w io.Writer, d *model.CouncilData, _ string, year int, o exportOptions) error {
	return pdf.Wishes(w, d, year, o.Options)
}}

// councilDocs are the exports of a whole council.
var councilDocs = []document{
	{"Workbook (Excel)", "Lokalråd", "xlsx", func(w io.Writer, d *model.CouncilData, _ string, _ int, o exportOptions) error {
		return xlsx.Write(w, d, xlsx.Options{Lang: o.Lang, ContactDetails: o.ContactDetails})
	}},
	{"Meetings as calendar (iCalendar)", "Møder", "ics", func(w io.Writer, d *model.CouncilData, _ string, _ int, o exportOptions) error {
		return ical.Write(w, d, ical.Options{Lang: o.Lang, Now: o.Now, Reminders: o.Reminders})
	}},
	{"Meetings, deadlines and action items as calendar days", "Kalender", "ics", func(w io.Writer, d *model.CouncilData, _ string, _ int, o exportOptions) error {
		return ical.Write(w, d, ical.Options{Lang: o.Lang, Now: o.Now, Tasks: ical.TasksAllDay, Deadlines: o.Deadlines, Reminders: o.Reminders})
	}},
	{"Meetings, with deadlines and action items as tasks", "Kalender med opgaver", "ics", func(w io.Writer, d *model.CouncilData, _ string, _ int, o exportOptions) error {
		return ical.Write(w, d, ical.Options{Lang: o.Lang, Now: o.Now, Tasks: ical.TasksTodo, Deadlines: o.Deadlines, Reminders: o.Reminders})
	}},
	{"Import template (Excel)", "Skabelon til import", "xlsx", func(w io.Writer, _ *model.CouncilData, _ string, _ int, _ exportOptions) error {
		return xlsx.Template(w)
	}},
}

// UseBuiltinExporters wires the print and export buttons to the PDF,
// workbook and calendar encoders and the workbook import.
func (u *App) UseBuiltinExporters() {
	u.Exporters = Exporters{
		Meeting: func(w fyne.Window, d *db.DB, meetingID string) {
			m, err := d.Meeting(u.ctx, meetingID)
			if err != nil {
				u.showError(err)
				return
			}
			choice := u.exportDialog(lang.L("Print meeting"), meetingDocs, m.CouncilID, meetingID, 0, m.Start, nil)
			// From the Referat tab the minutes are what is printed.
			if ms := u.meetings; ms != nil && ms.editor != nil && ms.editor.m.ID == meetingID &&
				ms.editor.views != nil && ms.editor.views.SelectedIndex() == 1 {
				choice.SetSelected(lang.L("Minutes"))
			}
		},
		Wishes: func(w fyne.Window, d *db.DB, councilID string, year int) {
			u.exportDialog(lang.L("Print budget wishes"), []document{wishesDoc}, councilID, "", year, time.Time{}, nil)
		},
		Council: func(w fyne.Window, d *db.DB, councilID string) {
			importBtn := widget.NewButton(lang.L("Import from a workbook…"), func() { u.onImportWorkbook(councilID) })
			u.exportDialog(lang.L("Export the council"), councilDocs, councilID, "", 0, time.Time{}, importBtn)
		},
	}
}

// carriesBilag tells whether a document includes the meeting's
// attachments: the packet and the chair's copy.
func carriesBilag(doc document) bool {
	return doc.key == "Meeting packet" || doc.key == "Chair's copy"
}

// meetingBilag reads a meeting's attachments with their files; a file not
// on this laptop has no bytes (the packet lists it as sent separately),
// a damaged one is handed on for pdf to name.
func (u *App) meetingBilag(meetingID string) ([]pdf.Bilag, error) {
	as, err := u.db.MeetingAttachments(u.ctx, meetingID)
	if err != nil {
		return nil, err
	}
	return u.readBilag(as), nil
}

// entryBilag reads the receipts of the council's accounts lines of year
// with their files, as meetingBilag reads a meeting's.
func (u *App) entryBilag(councilID string, year int) ([]pdf.Bilag, error) {
	as, err := u.db.EntryAttachments(u.ctx, councilID, year)
	if err != nil {
		return nil, err
	}
	return u.readBilag(as), nil
}

// readBilag reads the files of attachments for a PDF (see meetingBilag).
func (u *App) readBilag(as []model.Attachment) []pdf.Bilag {
	out := make([]pdf.Bilag, 0, len(as))
	for _, a := range as {
		b := pdf.Bilag{Attachment: a}
		if data, err := u.db.ReadAttachment(a); err == nil {
			b.Data = data
		} else if errors.Is(err, db.ErrBlobDamaged) {
			b.Data = []byte{} // read as damaged by pdf
		}
		out = append(out, b)
	}
	return out
}

// withBilagChecked runs next at once, or, when the document carries a
// damaged bilag, after naming it and asking whether to make the rest
// (next(true) leaves the damaged ones out).
func (u *App) withBilagChecked(doc document, ref string, next func(skip bool)) {
	if !carriesBilag(doc) {
		next(false)
		return
	}
	bs, err := u.meetingBilag(ref)
	if err != nil {
		u.showError(err)
		return
	}
	if err := pdf.CheckBilag(bs); err != nil {
		u.confirm(lang.L("Damaged attachments"), errText(err)+"\n\n"+lang.L("Print the rest without them?"), func() { next(true) })
		return
	}
	next(false)
}

// render makes a document's bytes from what is stored now.
func (u *App) render(doc document, councilID, ref string, year int, contacts bool) ([]byte, error) {
	return u.renderSkipping(doc, councilID, ref, year, contacts, false)
}

// renderSkipping is render that, with skip, leaves out damaged bilag
// (pdf.Options.SkipDamaged) instead of refusing the packet.
func (u *App) renderSkipping(doc document, councilID, ref string, year int, contacts, skip bool) ([]byte, error) {
	d, err := u.db.CouncilData(u.ctx, councilID)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	o := exportOptions{Options: pdf.Options{Lang: model.Lang(Language(u.app)), Now: u.now(), ContactDetails: contacts, SkipDamaged: skip}}
	if carriesBilag(doc) {
		if o.Bilag, err = u.meetingBilag(ref); err != nil {
			return nil, err
		}
	}
	if doc.key == accountsReceiptsDoc.key {
		// A damaged receipt is listed as such; the accounts still print.
		if o.Bilag, err = u.entryBilag(councilID, year); err != nil {
			return nil, err
		}
		o.SkipDamaged = true
	}
	if doc.ext == "ics" {
		if o.Deadlines, err = u.db.Deadlines(u.ctx); err != nil {
			return nil, err
		}
	}
	if doc.ext == "ics" || doc.key == yearWheelDoc.key {
		years := []int{year}
		if year == 0 {
			y := u.now().In(model.Copenhagen).Year()
			years = []int{y, y + 1}
		}
		if o.Reminders, err = u.db.YearReminders(u.ctx, councilID, years...); err != nil {
			return nil, err
		}
	}
	if err := doc.write(&buf, d, ref, year, o); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// exportDialog offers docs, asks where to save the chosen one, and offers
// to open it. It gives the choice of document, the first chosen.
func (u *App) exportDialog(title string, docs []document, councilID, ref string, year int, when time.Time, extra fyne.CanvasObject) *widget.RadioGroup {
	u.saver.flush()
	var names []string
	for _, d := range docs {
		names = append(names, lang.L(d.key))
	}
	choice := widget.NewRadioGroup(names, nil)
	choice.Required = true
	choice.SetSelected(names[0])
	contacts := widget.NewCheck(lang.L("Include members' phone and e-mail"), nil)
	items := []fyne.CanvasObject{choice, contacts}
	if extra != nil {
		items = append(items, widget.NewSeparator(), extra)
	}
	var dlg dialog.Dialog
	save := widget.NewButton(lang.L("Save as…"), func() {
		i := 0
		for k, n := range names {
			if n == choice.Selected {
				i = k
			}
		}
		doc := docs[i]
		council, _ := u.db.Council(u.ctx, councilID)
		var tail string
		switch {
		case !when.IsZero():
			tail = model.ShortDate(when)
		case year != 0:
			tail = strconv.Itoa(year)
		}
		name := fileName(doc.ext, doc.base, council.Name, tail)
		dlg.Hide()
		u.withBilagChecked(doc, ref, func(skip bool) {
			u.saveAs(name, func() ([]byte, error) { return u.renderSkipping(doc, councilID, ref, year, contacts.Checked, skip) })
		})
	})
	save.Importance = widget.HighImportance
	items = append(items, save)
	if docs[0].ext == "pdf" {
		printBtn := widget.NewButtonWithIcon(lang.L("Print"), theme.DocumentPrintIcon(), func() {
			doc := docs[slices.Index(names, choice.Selected)]
			if doc.ext != "pdf" {
				dialog.ShowInformation(lang.L("Print"), lang.L("Only the PDF documents can be printed. Save this one instead."), u.win)
				return
			}
			council, _ := u.db.Council(u.ctx, councilID)
			name := fileName(doc.ext, doc.base, council.Name, "")
			dlg.Hide()
			u.withBilagChecked(doc, ref, func(skip bool) {
				u.printInBackground(name, func() ([]byte, error) { return u.renderSkipping(doc, councilID, ref, year, contacts.Checked, skip) })
			})
		})
		items = append(items, printBtn)
		u.printBtn = printBtn
	}
	dlg = dialog.NewCustom(title, lang.L("Close"), container.NewVBox(items...), u.win)
	dlg.Show()
	return choice
}

// saveAs asks where to save, makes the bytes in the background with a
// progress dialog, writes them, and offers to open the file.
func (u *App) saveAs(name string, make func() ([]byte, error)) {
	fd := u.saveDialog(name, func(wc fyne.URIWriteCloser) { u.writeInBackground(wc, make) })
	if home, err := os.UserHomeDir(); err == nil {
		if l, err := storage.ListerForURI(storage.NewFileURI(home)); err == nil {
			fd.SetLocation(l)
		}
	}
	// Shown on the next turn of the event loop: the dialog puts the cursor
	// in the file name, and a button pressed with Space would otherwise
	// have its space typed in front of the name.
	u.do(fd.Show)
}

// openDialog is the dialog that asks for a file to read: chosen gets the
// file (and closes it); a cancel does nothing and the dialog's own error
// is shown. exts, when given, are the endings of the files it lists. The
// caller may set its location, then shows it.
func (u *App) openDialog(chosen func(fyne.URIReadCloser), exts ...string) fileDialog {
	fd := dialog.NewFileOpen(fileChosen(u, chosen), u.win)
	fd.SetFilter(u.fileFilter(exts...))
	fd.Resize(fyne.NewSize(800, 560))
	return fileDialog{fd, u}
}

// fileChosen is a file dialog's callback: the dialog's own error is
// shown, a cancel (no file) does nothing, and a chosen file goes to chosen.
func fileChosen[F any](u *App, chosen func(F)) func(F, error) {
	return func(f F, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if any(f) == nil {
			return // cancelled
		}
		chosen(f)
	}
}

// saveDialog is the dialog that asks where to save a file, offering name:
// chosen gets the file the dialog made (and closes it); a cancel does
// nothing and the dialog's own error is shown. The caller may set its
// location, then shows it.
func (u *App) saveDialog(name string, chosen func(fyne.URIWriteCloser)) fileDialog {
	fd := dialog.NewFileSave(fileChosen(u, chosen), u.win)
	fd.SetFilter(u.fileFilter())
	fd.SetFileName(name)
	fd.Resize(fyne.NewSize(800, 560))
	return fileDialog{fd, u}
}

// writeInBackground runs make off the UI thread while a progress dialog
// shows, then writes to wc and offers to open the file.
func (u *App) writeInBackground(wc fyne.URIWriteCloser, make func() ([]byte, error)) {
	progress := u.working(lang.L("Making the file…"))
	go func() {
		data, err := make()
		if err == nil {
			_, err = wc.Write(data)
		}
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		uri := wc.URI()
		u.do(func() {
			progress.Hide()
			if err != nil {
				u.showError(fmt.Errorf("%s: %w", uri.Name(), err))
				return
			}
			u.offerToOpen(uri)
		})
	}()
}

// printInBackground makes a PDF off the UI thread and sends it to the
// printer, then says how it went.
func (u *App) printInBackground(name string, make func() ([]byte, error)) {
	progress := u.working(lang.L("Making the file…"))
	done := func(err error) {
		progress.Hide()
		if err != nil {
			u.showError(err)
			return
		}
		dialog.ShowInformation(lang.L("Print"), lang.L("Sent to the printer."), u.win)
	}
	go func() {
		data, err := make()
		if err == nil {
			err = printPDF(name, data)
		}
		u.do(func() { done(err) })
	}()
}

// offerToOpen says where the file went and opens it in the system's viewer
// on request (Fyne has no print API: the viewer prints).
func (u *App) offerToOpen(uri fyne.URI) {
	msg := widget.NewLabel(lang.L("Saved") + ": " + uri.Path())
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.L("Saved"), lang.L("Open"), lang.L("Close"), msg, func(open bool) {
		if !open {
			return
		}
		if err := u.openFile(uri.Path()); err != nil {
			u.showError(err)
		}
	}, u.win)
	d.Resize(fyne.NewSize(520, 200))
	d.Show()
}

// onImportWorkbook reads a workbook, shows what it holds and every row's
// problem, and saves nothing until the user confirms.
func (u *App) onImportWorkbook(councilID string) {
	u.openDialog(func(rc fyne.URIReadCloser) {
		defer rc.Close()
		imp, err := xlsx.Read(rc, councilID, u.now().Year()+1)
		if err != nil {
			u.showError(fmt.Errorf("%s: %w", rc.URI().Name(), err))
			return
		}
		u.previewImport(councilID, imp)
	}, ".xlsx", ".xlsm").Show()
}

// countOf says n of something in the user's language: one's own sentence
// for 1 (»1 række«, not »1 rækker«), many's with the number otherwise.
func countOf(n int, one, many string) string {
	if n == 1 {
		return lang.L(one)
	}
	return fmt.Sprintf(lang.L(many), n)
}

// previewImport is the confirmation step of an import: what the file
// holds, the rows with problems, the notes (totals rows skipped, columns
// not used, a second chair) and, when rows are already stored, the
// choice to skip or update them.
func (u *App) previewImport(councilID string, imp *xlsx.Import) {
	matches, err := u.db.ImportMatches(u.ctx, councilID, imp.Members, imp.Projects, imp.Wishes)
	if err != nil {
		u.showError(err)
		return
	}
	summary := widget.NewLabel(lang.L("Ready to import: {{.What}}.", map[string]any{"What": strings.Join([]string{
		countOf(len(imp.Wishes), "1 budget wish", "%d budget wishes"),
		countOf(len(imp.Projects), "1 project", "%d projects"),
		countOf(len(imp.Members), "1 member", "%d members")}, ", ")}))
	summary.Wrapping = fyne.TextWrapWord
	content := []fyne.CanvasObject{summary}
	for _, n := range imp.Notes {
		l := widget.NewLabel(lang.L("Note") + ": " + importProblem(n))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		content = append(content, l)
	}
	strangers, err := u.db.NotMembers(u.ctx, imp.Members, imp.Projects, imp.Responsible)
	if err != nil {
		u.showError(err)
		return
	}
	for _, name := range strangers {
		l := widget.NewLabel(lang.L("Note") + ": " + lang.L("»{{.Name}}« is no member of the local council: the name is kept in the project's working group.", map[string]any{"Name": name}))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		content = append(content, l)
	}
	stored, err := u.db.BudgetWishes(u.ctx, councilID, 0)
	if err != nil {
		u.showError(err)
		return
	}
	for i, w := range imp.Wishes {
		if _, again := matches.Wishes[i]; again || w.Rank == 0 {
			continue
		}
		for _, s := range stored {
			if s.Year == w.Year && s.Rank == w.Rank && !strings.EqualFold(strings.TrimSpace(s.Title), strings.TrimSpace(w.Title)) {
				l := widget.NewLabel(lang.L("Note") + ": " + lang.L("»{{.Title}}« ({{.Year}}) has priority {{.Rank}}, which »{{.Stored}}« has already; set the order of the wishes after the import.",
					map[string]any{"Title": w.Title, "Year": w.Year, "Rank": w.Rank, "Stored": s.Title}))
				l.Wrapping = fyne.TextWrapWord
				l.Importance = widget.WarningImportance
				content = append(content, l)
				break
			}
		}
	}
	how := db.ExistingSkip
	if matches.Len() > 0 {
		skip, update := lang.L("Skip them"), lang.L("Update them with the file's values")
		choice := widget.NewRadioGroup([]string{skip, update}, func(s string) {
			how = db.ExistingSkip
			if s == update {
				how = db.ExistingUpdate
			}
		})
		choice.SetSelected(skip)
		choice.Required = true
		l := widget.NewLabel(countOf(matches.Len(), "1 row is already stored (same name, or same title and year):", "%d rows are already stored (same name, or same title and year):"))
		l.Wrapping = fyne.TextWrapWord
		content = append(content, l, choice)
		u.importChoice = choice
	}
	var problems fyne.CanvasObject = widget.NewLabel(lang.L("No problems found."))
	if len(imp.Problems) > 0 {
		list := widget.NewList(func() int { return len(imp.Problems) },
			func() fyne.CanvasObject { l := widget.NewLabel(""); l.Wrapping = fyne.TextWrapWord; return l },
			func(i widget.ListItemID, o fyne.CanvasObject) {
				o.(*widget.Label).SetText(importProblem(imp.Problems[i]))
			})
		note := widget.NewLabel(countOf(len(imp.Problems), "1 row has problems and will not be imported:", "%d rows have problems and will not be imported:"))
		note.Wrapping = fyne.TextWrapWord
		problems = container.NewBorder(note, nil, nil, nil, list)
	}
	body := container.NewBorder(container.NewVBox(content...), nil, nil, nil, problems)
	d := dialog.NewCustomConfirm(lang.L("Import from a workbook"), lang.L("Import"), lang.L("Cancel"), body, func(ok bool) {
		if !ok {
			return
		}
		ms, ps, ws, err := u.db.Resolve(u.ctx, matches, how, imp.Members, imp.Projects, imp.Responsible, imp.Wishes)
		if err != nil {
			u.showError(err)
			return
		}
		n := len(ms) + len(ps) + len(ws)
		if n == 0 {
			// Importér that brings nothing says so, and why.
			why := lang.L("Nothing was imported: the file has no rows that can be imported.")
			if matches.Len() > 0 && how == db.ExistingSkip {
				why = lang.L("Nothing was imported: the rows are already stored and were skipped.")
			}
			dialog.ShowInformation(lang.L("Import from a workbook"), why, u.win)
			return
		}
		if err := u.db.Import(u.ctx, ms, ps, ws); err != nil {
			u.showError(err)
			return
		}
		// The screen the user was on is shown again, with what came in.
		u.keepPlace(func() { u.openCouncil(councilID) })
		dialog.ShowInformation(lang.L("Import from a workbook"), countOf(n, "1 row imported.", "%d rows imported."), u.win)
	}, u.win)
	d.Resize(fyne.NewSize(640, 520))
	d.Show()
}
