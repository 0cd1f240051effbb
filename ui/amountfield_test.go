package ui

// A form with several amounts says which one the rules refused: the
// message shows at the bottom of the form, far from the field, and
// "Beløbet kan ikke være negativt" alone left the user guessing which of
// the pool's four amounts was wrong.

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"lokalraad/model"
	"lokalraad/storage"
)

func TestPoolEditorNamesTheRefusedAmount(t *testing.T) {
	u, db := staffUI(t)
	p := pane[model.Pool](t, u, 0)
	test.Tap(p.newBtn)
	id := p.editor.x.ID
	retype(entryField(t, p, "Navn"), "Fællesskabspuljen")
	retype(entryField(t, p, "Til rådighed (kr.)"), "-20.000")
	retype(entryField(t, p, "Højst pr. ansøgning (kr.)"), "20.000")
	u.saver.flush()

	got := storage.Overwriting(t.Context(), db, model.Pool{ID: id})
	if got.Name != "Fællesskabspuljen" || got.MaxPerApp != 20_000_00 || got.Available != 0 {
		t.Errorf("stored %+v: want the name and the maximum, not the negative amount", got)
	}
	showsErr(t, "available", p.editor.msg, "Til rådighed (kr.): beløbet kan ikke være negativt")
}

func TestAnswerEditorNamesTheRefusedAmount(t *testing.T) {
	_, u, _, ed := answering(t)
	test.Type(ed.granted, "2.000.000.000")
	u.saver.flush()
	showsErr(t, "granted", ed.msg, "Bevilget (kr.): beløbet er for stort")

	if err := SetupLanguage("en"); err != nil {
		t.Fatal(err)
	}
	defer SetupLanguage("da")
	tooMuch := model.BudgetWish{Year: 2027, Title: "Cykelsti", Status: model.WishAnswered, Granted: model.MaxAmount + 1}
	if got := errText(tooMuch.Validate()); got != "Granted (kr.): the amount is too large" {
		t.Errorf("in English: %q", got)
	}
}

// Every amount the registry holds is named by its label, with its unit,
// when the rules refuse it: in Danish and in English.
func TestRefusedAmountsNamedInBothLanguages(t *testing.T) {
	defer SetupLanguage("da")
	for _, l := range []struct{ code, msg string }{
		{"da", ": beløbet er for stort"},
		{"en", ": the amount is too large"},
	} {
		if err := SetupLanguage(l.code); err != nil {
			t.Fatal(err)
		}
		for _, e := range model.Entities() {
			for _, f := range e.Fields {
				if f.Kind != model.FieldMoney {
					continue
				}
				fe := &model.FieldError{Table: e.Table, Field: f.Column, Key: "The amount is too large", Da: "Beløbet er for stort"}
				got := errText(fe)
				name, ok := strings.CutSuffix(got, l.msg)
				if !ok || !strings.HasSuffix(name, " (kr.)") || len(name) <= len(" (kr.)") {
					t.Errorf("%s: %s.%s refused: %q, want the field's label (kr.) before %q", l.code, e.Table, f.Column, got, l.msg)
				}
			}
		}
	}
}
