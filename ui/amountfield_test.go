package ui

// A form with several amounts says which one the rules refused: the
// message shows at the bottom of the form, far from the field, and
// "Beløbet kan ikke være negativt" alone left the user guessing which of
// the pool's four amounts was wrong.

import (
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
	if got := errText(&model.FieldError{Field: "granted", Key: "The amount is too large", Da: "Beløbet er for stort"}); got != "Granted (kr.): the amount is too large" {
		t.Errorf("in English: %q", got)
	}
}
