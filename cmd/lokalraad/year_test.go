package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/model/pdf/pdftext"
)

// `lokalraad export yearwheel` prints the demo council's year on one page:
// its generalforsamling with the notice deadline, Holbæk's pool deadline
// and the municipality's dates; the calendar export carries the same dates.
func TestExportYearWheel(t *testing.T) {
	pdftext.Need(t)
	path, _ := demoDB(t)
	year := time.Now().In(model.Copenhagen).Year()
	out := filepath.Join(t.TempDir(), "årshjul.pdf")
	if _, stderr, err := runCmd(t, "export", "yearwheel", "--db", path, "--year", strconv.Itoa(year+1), "--out", out); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	text := pdftext.File(t, out, true)
	page := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"Årshjul " + strconv.Itoa(year+1), "Jyderup Lokalråd", "Generalforsamling", "Sidste frist for indkaldelse",
		"Puljefrist", "Lokalområdernes Udviklingspulje", "Årsregnskab til kommunen", "Side 1 af 1"} {
		if !strings.Contains(page, want) {
			t.Errorf("the year wheel lacks %q:\n%s", want, text)
		}
	}
	ics := filepath.Join(t.TempDir(), "kalender.ics")
	if _, stderr, err := runCmd(t, "export", "calendar", "--db", path, "--out", ics); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	data, err := os.ReadFile(ics)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "SUMMARY:Sidste frist for indkaldelse: Generalforsamling") ||
		!strings.Contains(string(data), "DTSTART;VALUE=DATE:") {
		t.Errorf("the calendar lacks the årshjul's dates:\n%s", data)
	}
}

// `lokalraad export accounts` prints the demo council's accounts of last
// year: approved, with the grant, the running balance and the totals.
func TestExportAccounts(t *testing.T) {
	pdftext.Need(t)
	path, _ := demoDB(t)
	year := time.Now().In(model.Copenhagen).Year() - 1
	out := filepath.Join(t.TempDir(), "regnskab.pdf")
	if _, stderr, err := runCmd(t, "export", "accounts", "--db", path, "--year", strconv.Itoa(year), "--out", out); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	text := pdftext.File(t, out, true)
	page := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"Årsregnskab " + strconv.Itoa(year), "Tilskud fra Holbæk", "Primo saldo 1. januar",
		"4.210,75", "Årets resultat", "Ultimo saldo 31. december", "21.307 kr.", "Kasserer"} {
		if !strings.Contains(page, want) {
			t.Errorf("the accounts lack %q:\n%s", want, text)
		}
	}
}

// `lokalraad export plan` prints the demo council's development plan.
func TestExportPlan(t *testing.T) {
	pdftext.Need(t)
	path, _ := demoDB(t)
	year := time.Now().In(model.Copenhagen).Year()
	out := filepath.Join(t.TempDir(), "plan.pdf")
	if _, stderr, err := runCmd(t, "export", "plan", "--db", path, "--year", strconv.Itoa(year), "--out", out); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	text := pdftext.File(t, out, true)
	page := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"Udviklingsplan " + strconv.Itoa(year), "Vision", "Natur og friluftsliv", "Shelter ved Skarresø",
		"Handlingsplan", "Şule Yılmaz"} {
		if !strings.Contains(page, want) {
			t.Errorf("the plan lacks %q:\n%s", want, text)
		}
	}
}
