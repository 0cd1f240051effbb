package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// "Alle råd" on a staff device: each council's newest borgerbudget round
// and its phase in the Borgerbudget column, a dash for a council without.
func TestAllCouncilsShowsBorgerbudget(t *testing.T) {
	u, db := staffUI(t)
	fixClock(u)
	cs, err := db.Councils(t.Context())
	ok(t, err)
	b := model.Council{Name: "Tølløse Lokalråd", Area: "Tølløse"}
	ok(t, db.SaveCouncil(t.Context(), model.Council{}, &b))
	for _, year := range []int{2025, 2026} {
		r := model.PBRound{CouncilID: cs[0].ID, Title: fmt.Sprint("Borgerbudget ", year), Phase: model.PhaseProposals, BallotKind: model.PBApproval,
			Method: model.CountVotes, TieRule: model.TieByID, ProposalsFrom: time.Date(year, 2, 1, 0, 0, 0, 0, model.Copenhagen)}
		ok(t, db.SavePBRound(t.Context(), model.PBRound{}, &r))
	}
	tabs := u.tabs.Items[6].Content.(*container.AppTabs)
	tabs.SelectIndex(len(tabs.Items) - 1)
	a := u.municipal.all
	a.refresh()
	col := -1
	for i, c := range overviewCols {
		if c.key == "Citizen budgeting round" {
			col = i
		}
	}
	if col < 0 {
		t.Fatal("no Borgerbudget column")
	}
	if h := widget.NewLabel(lang.L(overviewCols[col].key)); h.Text != "Borgerbudget" {
		t.Errorf("the column is headed %q", h.Text)
	}
	if len(a.rows) != 2 || a.rows[0].Name != "Jyderup Lokalråd" {
		t.Fatalf("rows %+v", a.rows)
	}
	if got := overviewCols[col].cell(a.rows[0], 2026); got != "Borgerbudget 2026 (Forslag), 2 runder i alt" {
		t.Errorf("Jyderup's cell %q", got)
	}
	if got := overviewCols[col].cell(a.rows[1], 2026); got != "–" {
		t.Errorf("Tølløse's cell %q", got)
	}
	// On an English desktop the cell is English too.
	defer SetupLanguage("da")
	if err := SetupLanguage("en"); err != nil {
		t.Fatal(err)
	}
	if got := overviewCols[col].cell(a.rows[0], 2026); got != "Borgerbudget 2026 (Proposals), 2 rounds in all" {
		t.Errorf("Jyderup's cell in English %q", got)
	}
}
