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

// accountsScreen is the Regnskab tab: one year's accounts of the grant,
// line by line with the running balance, the opening balance, the totals
// with wages flagged, and the approval at the generalforsamling.
type accountsScreen struct {
	u        *App
	year     int
	label    *widget.Label
	opening  *entry
	approved *entry
	yearMsg  *widget.Label
	totals   *widget.Label
	wages    *widget.Label
	lines    *formPane[model.AccountEntry]
	y        model.AccountsYear // as stored
	balance  map[string]int64   // each line's balance after it
	receipts map[string]int     // each line's number of attached receipts
	projects []model.Project
	// bilag are the receipts of the line open in the editor.
	bilag *attachList
	// withReceipts: the printed accounts are followed by the receipts.
	withReceipts *widget.Check
}

func newAccountsScreen(u *App) *accountsScreen {
	return &accountsScreen{u: u, year: u.now().In(model.Copenhagen).Year(), balance: map[string]int64{}, receipts: map[string]int{}}
}

func (s *accountsScreen) build() fyne.CanvasObject {
	u := s.u
	s.label = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.setYear(s.year - 1) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.setYear(s.year + 1) })
	print := widget.NewButtonWithIcon(lang.L("Print the accounts…"), theme.DocumentPrintIcon(), s.onPrint)
	s.withReceipts = widget.NewCheck(lang.L("with the receipts"), nil)
	s.opening, s.approved = newEntry(), newEntry()
	s.opening.SetPlaceHolder("0,00")
	s.approved.SetPlaceHolder(datePlaceholder())
	u.autosave(s.opening, "accountsyear", s.saveYear)
	u.autosave(s.approved, "accountsyear", s.saveYear)
	s.yearMsg = newErrLabel()
	s.totals = widget.NewLabel("")
	s.wages = newErrLabel()
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Opening balance 1 January (kr.)"), s.opening),
		widget.NewFormItem(lang.L("Approved at the annual general meeting on"), s.approved),
	)
	top := container.NewVBox(
		container.NewHBox(prev, container.New(minWidth{80}, s.label), next, layout.NewSpacer(), s.withReceipts, print),
		form, s.yearMsg, s.totals, s.wages)

	s.lines = newEditPane(u, editKind[model.AccountEntry]{
		note: lang.L("Saved as you type, and sent to the municipality at the next sync."),
		key:  "entry", newText: lang.L("New entry"), choose: lang.L("Choose an entry, or create a new one."),
		load: s.load,
		save: func(ctx context.Context, loaded model.AccountEntry, e *model.AccountEntry) error {
			err := u.db.SaveAccountEntry(ctx, loaded, e)
			s.refreshTotals()
			return err
		},
		remove: func(ctx context.Context, id string) error {
			err := u.db.DeleteAccountEntry(ctx, id)
			s.refreshTotals()
			return err
		},
		id: func(e model.AccountEntry) string { return e.ID },
		row: func(e model.AccountEntry) (string, string) {
			sign := "+"
			if e.Kind == model.EntryExpense {
				sign = "−"
			}
			if e.Amount == 0 {
				sign = "" // no amount typed yet: »0 kr.«, not »−0 kr.«
			}
			sub := sign + model.Kroner(e.Amount) + " · " + lang.L("balance") + " " + model.Kroner(s.balance[e.ID])
			if e.Category != "" {
				sub += " · " + e.Category
			}
			if e.IsWage() {
				sub += " · " + lang.L("WAGES: not from the grant")
			}
			if s.receipts[e.ID] > 0 {
				sub += " · " + lang.L("receipt attached")
			}
			return model.ShortDate(e.Date) + "  " + e.Text, sub
		},
		create: func() model.AccountEntry {
			d := u.today()
			if d.Year() != s.year {
				d = time.Date(s.year, 1, 1, 0, 0, 0, 0, model.Copenhagen)
			}
			return model.AccountEntry{CouncilID: u.councilID, Date: d, Text: lang.L("New entry"), Kind: model.EntryExpense}
		},
		deleteTitle: lang.L("Delete entry"),
		// The question names the line by its date and text, with one
		// space between them (the list lines them up with two).
		title: func(e model.AccountEntry) string { return model.ShortDate(e.Date) + " " + e.Text },
		deleteQuestion: func(t string) string {
			return lang.L("Delete the entry «{{.Title}}»? It cannot be undone.", map[string]any{"Title": t})
		},
		goesWith: func(ctx context.Context, e model.AccountEntry) (goesWith, error) {
			return u.attachmentsGoWith(ctx, model.OwnerEntry, e.ID)
		},
		form: s.entryForm,
		// A line's balance follows the opening balance, and it shows
		// whether a receipt is attached; the approval of the year locks
		// the line, and its form offers the projects.
		table: "account_entries", listTables: []string{"accounts_years", "attachments"},
		editorTables: []string{"accounts_years", "projects"},
		children: func(ctx context.Context, e model.AccountEntry) (storage.Changed, error) {
			return u.attachmentRows(ctx, model.OwnerEntry, e.ID)
		},
		// The line's scanned receipts (bilag), locked with the line when
		// the year is approved.
		extra: func(e model.AccountEntry) fyne.CanvasObject {
			s.bilag = newAttachList(u, model.OwnerEntry, e.ID, !s.y.Approved.IsZero())
			s.bilag.changed = s.refreshTotals
			return s.bilag.obj
		},
	})
	body := s.lines.build()
	s.setYear(s.year)
	return container.NewBorder(top, nil, nil, nil, body)
}

// entryForm edits one line.
func (s *accountsScreen) entryForm(f *form[model.AccountEntry], e model.AccountEntry) {
	dateField(f, lang.L("Date"), e.Date, func(e *model.AccountEntry, v time.Time) { e.Date = v })
	f.text(lang.L("Text"), e.Text, 0, func(e *model.AccountEntry, v string) { e.Text = v })
	kinds := []string{lang.L("An income"), lang.L("An expense")}
	selectField(f, lang.L("Income or expense"), kinds, indexOf(model.EntryKinds, e.Kind), func(e *model.AccountEntry, i int) { e.Kind = model.EntryKinds[i] })
	kronerField(f, lang.L("Amount (kr.)"), e.Amount, func(e *model.AccountEntry, v int64) { e.Amount = v })
	cats := append(append([]string{}, model.IncomeCategories...), model.ExpenseCategories...)
	f.choice(lang.L("Category"), e.Category, dedupe(cats), func(e *model.AccountEntry, v string) { e.Category = v })
	opts := []string{lang.L("(no project)")}
	sel := 0
	for i, p := range s.projects {
		opts = append(opts, p.Title)
		if p.ID == e.ProjectID {
			sel = i + 1
		}
	}
	projects := s.projects
	selectField(f, lang.L("Project"), opts, sel, func(e *model.AccountEntry, i int) {
		if e.ProjectID = ""; i > 0 && i-1 < len(projects) {
			e.ProjectID = projects[i-1].ID
		}
	})
	f.text(lang.L("Receipt no."), e.Receipt, 0, func(e *model.AccountEntry, v string) { e.Receipt = v })
	f.check("", lang.L("Wages (the grant may not pay wages)"), e.Wages, func(e *model.AccountEntry, v bool) { e.Wages = v })
}

func dedupe(xs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// load reads the year's lines and works out their balances.
func (s *accountsScreen) load(ctx context.Context) ([]model.AccountEntry, error) {
	l, y, err := s.u.db.Ledger(ctx, s.u.councilID, s.year)
	if err != nil {
		return nil, err
	}
	s.y = y
	s.receipts = map[string]int{}
	as, err := s.u.db.EntryAttachments(ctx, s.u.councilID, s.year)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		s.receipts[a.OwnerID]++
	}
	s.balance = map[string]int64{}
	out := make([]model.AccountEntry, len(l.Rows))
	for i, r := range l.Rows {
		out[i] = r.Entry
		s.balance[r.Entry.ID] = r.Balance
	}
	s.showTotals(l)
	return out, nil
}

// showTotals shows the year's totals and the wages the grant may not pay.
func (s *accountsScreen) showTotals(l model.Ledger) {
	s.totals.SetText(lang.L("Income") + ": " + model.Kroner(l.Income) + "   " +
		lang.L("Expenses") + ": " + model.Kroner(l.Expenses) + "   " +
		lang.L("Result") + ": " + model.Kroner(l.Result) + "   " +
		lang.L("Closing balance") + ": " + model.Kroner(l.Closing))
	if len(l.Wages) == 0 {
		showErr(s.wages, nil)
		return
	}
	var sum int64
	for _, e := range l.Wages {
		sum += e.Amount
	}
	showErr(s.wages, &userError{lang.L("Wages: {{.Sum}} in all. The municipality's grant may not pay wages.",
		map[string]any{"Sum": model.Kroner(sum)})})
}

// refreshTotals reads the lines again after an edit (balances move).
func (s *accountsScreen) refreshTotals() {
	if s.lines != nil && s.lines.list != nil {
		s.lines.refreshList()
	}
}

// setYear shows year.
func (s *accountsScreen) setYear(year int) {
	s.u.saver.flush()
	s.year = year
	s.label.SetText(strconv.Itoa(year))
	ps, err := s.u.db.Projects(s.u.ctx, s.u.councilID)
	if err == nil {
		s.projects = ps
	}
	if s.lines.editor != nil {
		s.lines.close()
	}
	s.lines.refreshList()
	s.showYear()
}

// showYear shows the year's opening balance and approval as stored.
func (s *accountsScreen) showYear() {
	setText(s.opening, "")
	if s.y.Opening != 0 {
		setText(s.opening, model.KronerNumber(s.y.Opening))
	}
	setText(s.approved, model.ShortDate(s.y.Approved))
	showErr(s.yearMsg, nil)
}

// refreshChanged shows what a sync brought of the accounts: the lines are
// read again when one of them, the year, or a receipt changed, the line
// open when its row, its receipts or the year did, and the opening balance
// and approval unless someone is typing.
func (s *accountsScreen) refreshChanged(changed storage.Changed, typing bool) {
	if s.label == nil || !touches(changed, "account_entries", "accounts_years", "attachments", "projects") {
		return
	}
	if touches(changed, "projects") {
		if ps, err := s.u.db.Projects(s.u.ctx, s.u.councilID); err == nil {
			s.projects = ps
		}
	}
	s.lines.refreshChanged(changed, typing)
	if !typing {
		s.showYear()
	}
}

// noteKids has the open line note its receipts as stored now
// (editPane.noteKids).
func (s *accountsScreen) noteKids() {
	if s.lines != nil {
		s.lines.noteKids()
	}
}

// refresh is called when the tab is shown.
func (s *accountsScreen) refresh() {
	if s.label != nil {
		s.setYear(s.year)
	}
}

// saveYear stores the opening balance and the approval.
func (s *accountsScreen) saveYear() {
	y := s.y
	var errs []string
	if v, err := parseSignedKroner(s.opening.Text); err == nil {
		y.Opening = v
	} else {
		errs = append(errs, errText(err))
	}
	if d, err := model.ParseDate(s.approved.Text); err == nil {
		y.Approved = d
		// A date to come is refused as typed (one stored already, or come
		// by sync, stays): it would lock the year at once.
		if !d.Equal(s.y.Approved) {
			if err := y.CheckApproved(s.u.today()); err != nil {
				errs = append(errs, errText(err))
			}
		}
	} else {
		errs = append(errs, errText(err))
	}
	if len(errs) > 0 {
		showErr(s.yearMsg, &userError{strings.Join(errs, "\n")})
		return
	}
	y.CouncilID, y.Year = s.u.councilID, s.year
	var loaded model.AccountsYear
	if s.y.ID != "" {
		loaded = s.y
	}
	err := s.u.db.SaveAccountsYear(s.u.ctx, loaded, &y)
	showErr(s.yearMsg, err)
	if err == nil {
		s.y = y
		s.lines.refreshList()
	}
}

// parseSignedKroner reads an amount that may be negative (an overdraft).
func parseSignedKroner(s string) (int64, error) {
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-") || strings.HasPrefix(t, "−")
	t = strings.TrimPrefix(strings.TrimPrefix(t, "-"), "−")
	v, err := model.ParseKroner(t)
	if neg {
		v = -v
	}
	return v, err
}

// onPrint saves the year's accounts as a PDF.
func (s *accountsScreen) onPrint() {
	s.u.saver.flush()
	council, _ := s.u.db.Council(s.u.ctx, s.u.councilID)
	name := fileName("pdf", "Årsregnskab", council.Name, strconv.Itoa(s.year))
	id, year, doc := s.u.councilID, s.year, accountsDoc
	if s.withReceipts.Checked {
		doc = accountsReceiptsDoc
	}
	s.u.saveAs(name, func() ([]byte, error) { return s.u.render(doc, id, "", year, false) })
}

// accountsReceiptsDoc is the accounts followed by the year's receipts.
var accountsReceiptsDoc = document{"Annual accounts with receipts (PDF)", "Årsregnskab med bilag", "pdf", accountsDoc.write}

var accountsDoc = document{"Annual accounts (PDF)", "Årsregnskab", "pdf", func(w io.Writer, d *model.CouncilData, _ string, year int, o exportOptions) error {
	return pdf.Accounts(w, d, year, o.Options)
}}
