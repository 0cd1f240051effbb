package pdf

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
)

// accountsFixture is the data the test below prints (also printed as a golden).
func accountsFixture() *model.CouncilData {
	return &model.CouncilData{
		Council:  model.Council{ID: "c", Name: "Jyderup Lokalråd"},
		Projects: []model.Project{{ID: "p", Title: "Shelter ved Skarresø"}},
		Accounts: []model.AccountEntry{
			{ID: "1", Date: day(2027, 1, 15), Text: "Tilskud 2027", Kind: model.EntryIncome, Amount: 30_000_00, Category: "Tilskud fra kommunen", Receipt: "1"},
			{ID: "2", Date: day(2027, 3, 25), Text: "Kaffe til generalforsamlingen, Łukasz", Kind: model.EntryExpense, Amount: 850_50, Category: "Møder og generalforsamling", Receipt: "2"},
			{ID: "3", Date: day(2027, 6, 1), Text: "Tømmer", Kind: model.EntryExpense, Amount: 12_000_00, Category: "Projekter", ProjectID: "p"},
			{ID: "4", Date: day(2027, 8, 1), Text: "Løn til oprydning", Kind: model.EntryExpense, Amount: 4_000_00, Category: model.WageCategory},
			{ID: "5", Date: day(2026, 8, 1), Text: "Sidste år", Kind: model.EntryExpense, Amount: 1},
		},
		AccountYears: []model.AccountsYear{{ID: "y", Year: 2027, Opening: 2_500_00}},
	}
}

// The annual accounts print every line with its running balance, the
// totals, the wages flagged, and say whether the generalforsamling
// approved them (a draft until then).
func TestAccountsPDF(t *testing.T) {
	d := accountsFixture()
	o := Options{Now: time.Date(2028, 3, 1, 12, 0, 0, 0, time.UTC)}
	var buf bytes.Buffer
	if err := Accounts(&buf, d, 2027, o); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(strings.Join(pages(t, buf.Bytes()), " ")), " ")
	for _, want := range []string{"Årsregnskab 2027", "UDKAST", "Ikke godkendt endnu", "Primo saldo 1. januar", "2.500",
		"Tilskud 2027", "32.500", "Łukasz", "31.649,50", "Projekt: Shelter ved Skarresø", "19.649,50",
		"Løn: ikke af tilskuddet", "15.649,50", "Indtægter i alt", "30.000 kr.", "Udgifter i alt", "16.850,50 kr.",
		"Årets resultat", "13.149,50 kr.", "Ultimo saldo 31. december", "15.649,50 kr.", "Kasserer", "Revisor"} {
		if !strings.Contains(text, want) {
			t.Errorf("accounts lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Sidste år") {
		t.Error("a line of another year is printed")
	}
	d.AccountYears[0].Approved = day(2028, 2, 24)
	buf.Reset()
	if err := Accounts(&buf, d, 2027, o); err != nil {
		t.Fatal(err)
	}
	text = strings.Join(strings.Fields(strings.Join(pages(t, buf.Bytes()), " ")), " ")
	if !strings.Contains(text, "Godkendt på generalforsamlingen 24. februar 2028") || strings.Contains(text, "UDKAST") {
		t.Errorf("approved accounts:\n%s", text)
	}
}

// However many lines the accounts have, the page with the signature lines
// holds more than the signatures: the totals they sign go with them.
func TestAccountsSignaturesNeverAlone(t *testing.T) {
	o := Options{Now: time.Date(2028, 3, 1, 12, 0, 0, 0, time.UTC)}
	for n := 20; n < 70; n++ {
		d := &model.CouncilData{Council: model.Council{ID: "c", Name: "Jyderup Lokalråd"},
			AccountYears: []model.AccountsYear{{ID: "y", Year: 2027}}}
		for i := range n {
			d.Accounts = append(d.Accounts, model.AccountEntry{ID: string(rune('a'+i%26)) + strings.Repeat("x", i/26),
				Date: day(2027, time.Month(1+i%12), 1+i%28), Text: "Indkøb", Kind: model.EntryExpense, Amount: 100_00})
		}
		var buf bytes.Buffer
		if err := Accounts(&buf, d, 2027, o); err != nil {
			t.Fatal(err)
		}
		for i, p := range pages(t, buf.Bytes()) {
			if before, _, ok := strings.Cut(p, "Kasserer"); ok && i > 0 && !strings.Contains(before, "Ultimo saldo") && accountsBody(before) == 0 {
				t.Errorf("%d lines: page %d holds the signatures alone:\n%s", n, i+1, p)
			}
		}
	}
}

func accountsBody(p string) int {
	n := 0
	for _, l := range strings.Split(p, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.Contains(l, "Side ") || strings.Contains(l, "UDKAST") || strings.Contains(l, "Jyderup Lokalråd") || strings.Contains(l, "Årsregnskab") {
			continue
		}
		n++
	}
	return n
}

// Each line's attached receipts are named on the line; with the files, the
// receipts follow the accounts in ledger order (a PDF page by page, a
// picture on a page of its own), each named by its line's date; another
// year's receipt is not among them, and a damaged one is named.
func TestAccountsReceipts(t *testing.T) {
	receipt := func(b Bilag, entry string) Bilag {
		b.Attachment.OwnerKind, b.Attachment.OwnerID = model.OwnerEntry, entry
		return b
	}
	scan := receipt(bilagOf("", "Kvittering Brugsen.pdf", makePDF(t, "KVITTERING", 2)), "2")
	photo := receipt(bilagOf("", "Bon.png", makePNG(t)), "3")
	old := receipt(bilagOf("", "Gammel.pdf", makePDF(t, "GAMMEL", 1)), "5")
	d := &model.CouncilData{
		Council: model.Council{ID: "c", Name: "Jyderup Lokalråd"},
		Accounts: []model.AccountEntry{
			{ID: "1", Date: day(2027, 1, 15), Text: "Tilskud 2027", Kind: model.EntryIncome, Amount: 30_000_00},
			{ID: "3", Date: day(2027, 6, 1), Text: "Tømmer", Kind: model.EntryExpense, Amount: 12_000_00},
			{ID: "2", Date: day(2027, 3, 25), Text: "Kaffe", Kind: model.EntryExpense, Amount: 850_50},
			{ID: "5", Date: day(2026, 8, 1), Text: "Sidste år", Kind: model.EntryExpense, Amount: 1},
		},
		Attachments: []model.Attachment{photo.Attachment, scan.Attachment, old.Attachment},
	}
	o := Options{Now: time.Date(2028, 3, 1, 12, 0, 0, 0, time.UTC)}
	var buf bytes.Buffer
	if err := Accounts(&buf, d, 2027, o); err != nil {
		t.Fatal(err)
	}
	plain := strings.Join(strings.Fields(text(t, buf.Bytes())), " ")
	for _, want := range []string{"Bilag vedhæftet: Kvittering Brugsen.pdf", "Bilag vedhæftet: Bon.png"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the accounts lack %q:\n%s", want, plain)
		}
	}
	if strings.Contains(plain, "Gammel.pdf") || strings.Contains(plain, "KVITTERING") {
		t.Errorf("another year's receipt, or a file without the option:\n%s", plain)
	}

	o.Bilag = []Bilag{photo, old, scan}
	buf.Reset()
	if err := Accounts(&buf, d, 2027, o); err != nil {
		t.Fatal(err)
	}
	ps := pages(t, buf.Bytes())
	all := strings.Join(strings.Fields(strings.Join(ps, " ")), " ")
	for _, want := range []string{"I regnskabet", "Bilag 1: Kvittering Brugsen.pdf (25.03.2027)", "BILAGTEKST KVITTERING side 2",
		"Bilag 2: Bon.png (01.06.2027)", "billede, 1 side"} {
		if !strings.Contains(all, want) {
			t.Errorf("the receipts after the accounts lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "GAMMEL") {
		t.Error("another year's receipt is appended")
	}
	if i, j := strings.Index(all, "Revisor"), strings.Index(all, "BILAGTEKST KVITTERING side 1"); i < 0 || j < i {
		t.Error("the receipts do not follow the accounts")
	}

	bad := receipt(bilagOf("", "Ødelagt.pdf", []byte("%PDF-1.4 ødelagt")), "1")
	o.Bilag = append(o.Bilag, bad)
	if err := Accounts(&bytes.Buffer{}, d, 2027, o); !errors.Is(err, ErrDamagedBilag) || !strings.Contains(err.Error(), "Ødelagt.pdf") {
		t.Errorf("a damaged receipt: %v", err)
	}
	o.SkipDamaged = true
	if err := Accounts(&bytes.Buffer{}, d, 2027, o); err != nil {
		t.Errorf("skipping the damaged receipt: %v", err)
	}
}

// No word of a table cell is broken in two: the accounts printed the
// built-in category »Møder og generalforsamling« as »generalforsamli« and
// »ng« on two lines, because the Kategori column was narrower than the word.
func TestAccountsNeverBreakAWord(t *testing.T) {
	var buf bytes.Buffer
	if err := Accounts(&buf, accountsFixture(), 2027, Options{Now: time.Date(2028, 3, 1, 12, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	for i, p := range pages(t, buf.Bytes()) {
		for _, l := range strings.Split(p, "\n") {
			for _, w := range strings.Fields(l) {
				if w == "generalforsamli" || w == "ng" {
					t.Errorf("page %d breaks »generalforsamling« inside the word: %q", i+1, l)
				}
			}
		}
	}
}
