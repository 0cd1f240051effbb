package xlsx

import (
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"lokalraad/model"
)

// Template writes an empty import template: the sheets Budgetønsker,
// Projekter and Medlemmer with the Danish headers Read understands, columns
// formatted for dates and kroner, drop-down lists for statuses and roles,
// and one example row on each sheet. The example rows start with
// "Eksempel:" and Read skips them silently, so a template filled in below
// its example imports exactly what the user typed.
func Template(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	day := func(y int, m time.Month, d int) any { return date(time.Date(y, m, d, 12, 0, 0, 0, model.Copenhagen)) }
	labels := func(vs ...any) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = model.Label(v, model.Danish)
		}
		return out
	}
	sheets := []struct {
		kind    sheetKind
		cols    []column
		example []any
		lists   map[string][]string // field → drop-down values
		strict  map[string]bool     // fields whose list allows nothing else
	}{
		{
			kind: sheetWishes,
			cols: []column{
				{key: fYear, kind: kInt, width: 7}, {key: fRank, kind: kInt, width: 10},
				{key: fTitle, width: 40}, {key: fCategory, width: 18}, {key: fJustification, width: 60},
				{key: fEstimate, kind: kMoney}, {key: fStatus, width: 12},
			},
			example: []any{time.Now().In(model.Copenhagen).Year() + 1, 1, "Eksempel: Bænk ved gadekæret", "Fællesskab",
				"En bænk og en affaldsspand ved gadekæret, så de ældre kan hvile på gåturen.", 12500.50, model.Label(model.WishDraft, model.Danish)},
			lists: map[string][]string{
				fCategory: model.WishCategories,
				fStatus:   labels(model.WishDraft, model.WishReady, model.WishSubmitted, model.WishAnswered),
			},
			strict: map[string]bool{fStatus: true},
		},
		{
			kind: sheetProjects,
			cols: []column{
				{key: fTitle, width: 40}, {key: fStatus, width: 20},
				{key: fStart, kind: kDate}, {key: fEnd, kind: kDate},
				{key: fProgress, kind: kPercent, width: 14}, {key: fDescription, width: 50}, {key: fWorkingGroup, width: 30},
			},
			example: []any{"Eksempel: Shelterplads i Skarresø-skoven", model.Label(model.ProjectPlanning, model.Danish),
				day(2027, 3, 1), day(2027, 9, 30), 10, "To shelters og en bålplads, som skolen og spejderne kan bruge.", "Anne Sørensen, Łukasz Nowak"},
			lists: map[string][]string{fStatus: labels(model.ProjectIdea, model.ProjectPlanning, model.ProjectApplied,
				model.ProjectRunning, model.ProjectDone, model.ProjectAbandoned)},
			strict: map[string]bool{fStatus: true},
		},
		{
			kind: sheetMembers,
			cols: []column{
				{key: fName, width: 28}, {key: fRole, width: 14}, {key: fContact, width: 15},
				{key: fTermStart, kind: kDate}, {key: fTermEnd, kind: kDate},
				{key: fPhone, width: 14}, {key: fEmail, width: 28},
			},
			example: []any{"Eksempel: Anne Sørensen", model.Label(model.RoleChair, model.Danish), "Ja",
				day(2026, 3, 1), day(2028, 3, 1), "12 34 56 78", "anne@example.dk"},
			lists: map[string][]string{
				fRole:    labels(model.RoleChair, model.RoleViceChair, model.RoleTreasurer, model.RoleSecretary, model.RoleMember, model.RoleSubstitute),
				fContact: {"Ja", "Nej"},
			},
			strict: map[string]bool{fRole: true, fContact: true},
		},
	}
	for i, s := range sheets {
		name := sheetName(s.kind, model.Danish)
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return err
		}
		for j, c := range s.cols {
			col, _ := excelize.ColumnNumberToName(j + 1)
			if err := f.SetColWidth(name, col, col, c.least()); err != nil {
				return err
			}
			if err := f.SetColStyle(name, col, st.column(c.kind)); err != nil {
				return err
			}
			cell := col + "1"
			if err := f.SetCellStr(name, cell, header(c.key, model.Danish)); err != nil {
				return err
			}
			if err := f.SetCellStyle(name, cell, cell, st.header); err != nil {
				return err
			}
			if err := f.SetCellValue(name, col+"2", s.example[j]); err != nil {
				return err
			}
			if list, ok := s.lists[c.key]; ok {
				dv := excelize.NewDataValidation(true)
				dv.Sqref = col + "2:" + col + "1000"
				if err := dv.SetDropList(list); err != nil {
					return err
				}
				if s.strict[c.key] {
					dv.SetError(excelize.DataValidationErrorStyleStop, "Ugyldig værdi", "Vælg en af værdierne på listen: "+strings.Join(list, ", "))
				} else {
					// Other categories are welcome; the list only helps.
					dv.ShowErrorMessage = false
				}
				if err := f.AddDataValidation(name, dv); err != nil {
					return err
				}
			}
		}
		if err := freezeHeader(f, name); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

// freezeHeader keeps a sheet's first row (its header) in view.
func freezeHeader(f *excelize.File, sheet string) error {
	return f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
}
