package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// The council's name, area and grant are edited in "Lokalrådet…"; a bad
// amount saves nothing; deleting asks first and keeps a backup.
func TestEditAndDeleteCouncil(t *testing.T) {
	u, db, council := withCouncil(t)
	other := model.Council{Name: "Tølløse Lokalråd"}
	if err := db.SaveCouncil(t.Context(), model.Council{}, &other); err != nil {
		t.Fatal(err)
	}
	u.openCouncil(council)

	d := u.onEditCouncil()
	d.area.SetText("Jyderup og omegn")
	d.grant.SetText("tredive tusind")
	test.Tap(overlayButton(t, u, "Gem"))
	if c := noerr.Get(db.Council(t.Context(), council))(t); c.Area != "Jyderup" {
		t.Fatalf("saved with a bad amount: %+v", c)
	}
	if !strings.Contains(d.grantErr.Text, "Ugyldigt beløb") {
		t.Errorf("no message for the bad amount: %q", d.grantErr.Text)
	}
	d.grant.SetText("32.500,50")
	test.Tap(overlayButton(t, u, "Gem"))
	if c := noerr.Get(db.Council(t.Context(), council))(t); c.Area != "Jyderup og omegn" || c.AnnualGrant != 32_500_50 {
		t.Errorf("after saving: %+v", c)
	}

	d = u.onEditCouncil()
	d.onDelete()
	if _, err := db.Council(t.Context(), council); err != nil {
		t.Fatal("deleted before the user confirmed")
	}
	test.Tap(overlayButton(t, u, "Slet"))
	if _, err := db.Council(t.Context(), council); err == nil {
		t.Error("the council is still there")
	}
	if cs := noerr.Get(db.Councils(t.Context()))(t); len(cs) != 1 || cs[0].ID != other.ID {
		t.Errorf("councils left: %+v", cs)
	}
	if backups := noerr.Get(filepath.Glob(filepath.Join(db.BackupDir(), "foer-sletning-*.db")))(t); len(backups) != 1 {
		t.Errorf("no backup before deleting: %v", backups)
	}
	if u.councilID != other.ID {
		t.Errorf("the app shows %q, want the remaining council", u.councilID)
	}
}

// A council this computer syncs with the municipality cannot be deleted
// here: its delete would go to the hub and every laptop of the council.
// The dialog says so next to a disabled button, in the screen's language,
// before anyone asks, and nothing is backed up or deleted.
func TestSharedCouncilIsNotDeletedHere(t *testing.T) {
	t.Cleanup(func() { SetupLanguage("da") })
	for _, tc := range []struct {
		lang, button, want string
	}{
		{"da", "Slet lokalrådet…", "Lokalrådet deles med kommunen"},
		{"en", "Delete the local council…", "The local council is shared with the municipality"},
	} {
		if err := SetupLanguage(tc.lang); err != nil {
			t.Fatal(err)
		}
		u, db, council := withCouncilLang(t)
		if err := db.SetMeta(t.Context(), storage.MetaCouncil, council); err != nil {
			t.Fatal(err)
		}
		u.openCouncil(council)
		u.onEditCouncil()
		del := overlayButton(t, u, tc.button)
		if !del.Disabled() {
			t.Errorf("%s: the delete button is enabled for a shared council", tc.lang)
		}
		if shown := texts(u.win.Canvas().Overlays().Top()); !strings.Contains(shown, tc.want) {
			t.Errorf("%s: the dialog does not say why:\n%s", tc.lang, shown)
		}
		test.Tap(del)
		if _, err := db.Council(t.Context(), council); err != nil {
			t.Errorf("%s: the shared council was deleted: %v", tc.lang, err)
		}
		if backups := noerr.Get(filepath.Glob(filepath.Join(db.BackupDir(), "foer-sletning-*.db")))(t); len(backups) != 0 {
			t.Errorf("%s: a backup was taken for a delete that cannot happen: %v", tc.lang, backups)
		}
	}
}
