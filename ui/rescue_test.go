package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// A damaged database gets a plain message and the offer to restore the
// newest backup; after confirming, the backup is in place and the app goes
// on.
func TestRescueRestoresNewestBackup(t *testing.T) {
	if err := SetupLanguage("da"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "lokalraad.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	c := model.Council{Name: "Jyderup Lokalråd"}
	if err := db.SaveCouncil(t.Context(), model.Council{}, &c); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AutoBackup(t.Context()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.WriteFile(path, []byte("ødelagt af en strømafbrydelse"), 0o644)
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")

	a := test.NewApp()
	restored := false
	w := Rescue(a, path, storage.ErrDamaged, func() { restored = true })
	w.Show()
	shown := texts(w.Content())
	if !strings.Contains(shown, "Databasen er beskadiget") || !strings.Contains(shown, "Nyeste sikkerhedskopi") {
		t.Fatalf("the rescue window says:\n%s", shown)
	}
	var restore *widget.Button
	for _, o := range test.LaidOutObjects(w.Content()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Gendan den nyeste sikkerhedskopi" {
			restore = b
		}
	}
	if restore == nil {
		t.Fatal("no restore button")
	}
	test.Tap(restore)
	if restored {
		t.Fatal("restored before the user confirmed")
	}
	var yes *widget.Button
	for _, o := range test.LaidOutObjects(w.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Ja" {
			yes = b
		}
	}
	test.Tap(yes)
	if !restored {
		t.Fatal("onRestored was not called")
	}
	again, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got, err := again.Council(t.Context(), c.ID); err != nil || got.Name != c.Name {
		t.Errorf("after the rescue: %+v, %v", got, err)
	}
	// The damaged file is kept, not thrown away.
	kept := noerr.Get(filepath.Glob(filepath.Join(dir, "sikkerhedskopier", "foer-gendannelse-*")))(t)
	if len(kept) != 1 {
		t.Errorf("the damaged database was not kept: %v", kept)
	}
}

// The rescue window says what is wrong in the user's language and names
// the file; SQLite's own English findings go to the log, never on screen.
func TestRescueSaysTheDamageInTheUsersLanguage(t *testing.T) {
	defer SetupLanguage("da")
	path := filepath.Join(t.TempDir(), "lokalraad.db")
	cause := &storage.DamageError{Problems: []string{"*** in database main ***", "Page 5: btree page is malformed"}}
	for _, c := range []struct{ lang, want, not string }{
		{"da", "Databasen kan ikke åbnes", "cannot be opened"},
		{"en", "cannot be opened", "kan ikke åbnes"},
	} {
		if err := SetupLanguage(c.lang); err != nil {
			t.Fatal(err)
		}
		w := Rescue(test.NewApp(), path, cause, func() {})
		shown := texts(w.Content())
		w.Close()
		if !strings.Contains(shown, c.want) || strings.Contains(shown, c.not) || !strings.Contains(shown, path) {
			t.Errorf("%s: the rescue window says:\n%s", c.lang, shown)
		}
		for _, en := range []string{"malformed", "btree", "Page 5", "beskadiget; gendan"} {
			if strings.Contains(shown, en) {
				t.Errorf("%s: the rescue window shows %q:\n%s", c.lang, en, shown)
			}
		}
		// Where the open window found it, the dialog's words are the
		// user's language too.
		if got := errText(cause); strings.Contains(got, "malformed") || (c.lang == "en") != strings.Contains(got, "restore the newest") {
			t.Errorf("%s: the damage is said as %q", c.lang, got)
		}
	}
}
