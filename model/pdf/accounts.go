package pdf

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"lokalraad/model"
)

func init() {
	addTexts(map[string][2]string{
		"accountsyear": {"Årsregnskab %d", "Annual accounts %d"},
		"acc.date":     {"Dato", "Date"},
		"acc.receipt":  {"Bilag", "Receipt"},
		"acc.text":     {"Tekst", "Text"},
		"acc.category": {"Kategori", "Category"},
		"acc.income":   {"Indtægt", "Income"},
		"acc.expense":  {"Udgift", "Expense"},
		"acc.balance":  {"Saldo", "Balance"},
		"acc.opening":  {"Primo saldo 1. januar", "Opening balance 1 January"},
		"acc.closing":  {"Ultimo saldo 31. december", "Closing balance 31 December"},
		"acc.total":    {"I alt / ultimo saldo", "Total / closing balance"},
		"acc.income2":  {"Indtægter i alt", "Total income"},
		"acc.expense2": {"Udgifter i alt", "Total expenses"},
		"acc.result":   {"Årets resultat", "Result of the year"},
		"acc.bycat":    {"Fordelt på kategorier", "By category"},
		"acc.wages":    {"Løn: kommunens tilskud må ikke betale løn. Disse linjer skal dækkes af andre midler:", "Wages: the municipality's grant may not pay wages. These lines must be paid from other money:"},
		"acc.approved": {"Godkendt på generalforsamlingen %s.", "Approved at the annual general meeting on %s."},
		"acc.notyet":   {"Ikke godkendt endnu: forelægges generalforsamlingen.", "Not approved yet: to be put to the annual general meeting."},
		"acc.none":     {"Ingen posteringer i %d.", "No entries in %d."},
		"acc.project":  {"Projekt", "Project"},
		"acc.sign1":    {"Kasserer", "Treasurer"},
		"acc.sign2":    {"Formand", "Chair"},
		"acc.sign3":    {"Revisor", "Auditor"},
		"acc.attached": {"Bilag vedhæftet", "Receipt attached"},
		"acc.bilaghow": {"I regnskabet", "In the accounts"},
	})
}

// Accounts writes the council's annual accounts of year: every line with
// its running balance from the opening balance, the receipts attached to
// it by file name (d.Attachments of owner kind entry), the totals and the
// result, the sums by category, the lines that pay wages flagged (the
// grant may not pay them), whether the generalforsamling approved them,
// and lines to sign. Lines are marked "UDKAST" until approved.
//
// With o.Bilag (the year's receipts with their files), the receipts
// follow the accounts as in the meeting packet: a list of them, then each
// PDF page by page and each picture on a page of its own, in ledger
// order. A damaged one is an error naming it unless o.SkipDamaged.
func Accounts(w io.Writer, d *model.CouncilData, year int, o Options) error {
	if d == nil {
		d = &model.CouncilData{}
	}
	var y model.AccountsYear
	for _, a := range d.AccountYears {
		if a.Year == year && (y.ID == "" || a.ID < y.ID) {
			y = a
		}
	}
	l := model.BuildLedger(year, y.Opening, d.Accounts)
	projects := map[string]string{}
	for _, p := range d.Projects {
		projects[p.ID] = p.Title
	}
	receipts := map[string][]string{}
	for _, a := range d.Attachments {
		if a.OwnerKind == model.OwnerEntry {
			receipts[a.OwnerID] = append(receipts[a.OwnerID], a.Name)
		}
	}
	bilag, err := accountsBilag(o, l)
	if err != nil {
		return err
	}
	title := fmt.Sprintf(tr(o.lang(), "accountsyear"), year)
	return render(w, o, d.Council.Name, title, y.Approved.IsZero(), false, func(b *doc) {
		f := b.f
		b.docTitle(title, d.Council.Name)
		f.SetY(f.GetY() + 3)
		if y.Approved.IsZero() {
			b.para(b.t("acc.notyet"))
		} else {
			b.para(fmt.Sprintf(b.t("acc.approved"), model.LongDate(y.Approved, b.lang)))
		}
		t := table{cols: []col{
			{title: b.t("acc.date"), w: 21},
			{title: b.t("acc.receipt"), w: 12},
			{title: b.t("acc.text"), w: 45},
			{title: b.t("acc.category"), w: 28},
			{title: b.t("acc.income"), w: 21, align: "R"},
			{title: b.t("acc.expense"), w: 21, align: "R"},
			{title: b.t("acc.balance"), w: 22, align: "R"},
		}}
		t.rows = append(t.rows, []string{"", "", b.t("acc.opening"), "", "", "", money(l.Opening)})
		for _, r := range l.Rows {
			e := r.Entry
			in, out := "", ""
			if e.Kind == model.EntryIncome {
				in = money(e.Amount)
			} else {
				out = money(e.Amount)
			}
			text := e.Text
			if p, ok := projects[e.ProjectID]; ok {
				text += "\n" + b.t("acc.project") + ": " + p
			}
			if e.IsWage() {
				text += "\n" + wageMark(b)
			}
			if names := receipts[e.ID]; len(names) > 0 {
				text += "\n" + b.t("acc.attached") + ": " + strings.Join(names, ", ")
			}
			t.rows = append(t.rows, []string{model.ShortDate(e.Date), e.Receipt, text, orDash(e.Category), in, out, money(r.Balance)})
		}
		t.total = []string{"", "", b.t("acc.total"), "", money(l.Income), money(l.Expenses), money(l.Closing)}
		b.table(t)
		b.space(3)
		if len(l.Rows) == 0 {
			b.para(fmt.Sprintf(b.t("acc.none"), year))
		}
		// The signatures never stand alone on a page: when they would, the
		// totals they sign go with them (a second pass).
		b.keepFrom("sign")
		b.kv(60,
			[2]string{b.t("acc.income2"), model.Kroner(l.Income)},
			[2]string{b.t("acc.expense2"), model.Kroner(l.Expenses)},
			[2]string{b.t("acc.result"), model.Kroner(l.Result)},
			[2]string{b.t("acc.closing"), model.Kroner(l.Closing)},
		)
		if len(l.ByCategory) > 0 {
			b.heading(2, b.t("acc.bycat"))
			var cats []string
			for c := range l.ByCategory {
				cats = append(cats, c)
			}
			slices.Sort(cats)
			var pairs [][2]string
			for _, c := range cats {
				pairs = append(pairs, [2]string{c, model.Kroner(l.ByCategory[c])})
			}
			b.kv(60, pairs...)
		}
		if len(l.Wages) > 0 {
			b.space(2)
			b.heading(2, b.t("acc.wages"))
			for _, e := range l.Wages {
				b.para(model.ShortDate(e.Date) + "  " + e.Text + "  " + model.Kroner(e.Amount))
			}
		}
		b.space(6)
		b.ensure(20)
		b.aloneCheck("sign")
		b.signLines(b.t("acc.sign1"), b.t("acc.sign2"), b.t("acc.sign3"))
		for _, s := range bilagSections(b.lang, bilag) {
			b.newPage()
			b.heading(s.level, s.text)
			s.body(b)
		}
	})
}

// accountsBilag prepares the receipts of o.Bilag that belong to lines of
// the ledger, in ledger order, each named by its line's date.
func accountsBilag(o Options, l model.Ledger) ([]preparedBilag, error) {
	if len(o.Bilag) == 0 {
		return nil, nil
	}
	pos := map[string]int{}
	for i, r := range l.Rows {
		pos[r.Entry.ID] = i
	}
	var bs []Bilag
	for _, b := range o.Bilag {
		if _, ok := pos[b.Attachment.OwnerID]; ok && b.Attachment.OwnerKind == model.OwnerEntry {
			bs = append(bs, b)
		}
	}
	slices.SortStableFunc(bs, func(a, b Bilag) int { return pos[a.Attachment.OwnerID] - pos[b.Attachment.OwnerID] })
	ps, err := prepareBilag(bs, nil, o.SkipDamaged)
	for i := range ps {
		ps[i].line = model.ShortDate(l.Rows[pos[ps[i].Attachment.OwnerID]].Entry.Date)
	}
	return ps, err
}

// wageMark is the short flag on a wage line in the table.
func wageMark(b *doc) string {
	if b.lang == model.English {
		return "Wages: not from the grant"
	}
	return "Løn: ikke af tilskuddet"
}

// money is an amount in the table: "12.500,50" without "kr.", negative with
// a minus.
func money(v int64) string {
	s := model.KronerNumber(v)
	if s == "" {
		return "0"
	}
	return s
}
