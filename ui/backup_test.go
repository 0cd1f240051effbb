package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// "Tag sikkerhedskopi nu" writes a copy; "Gendan" asks first, then puts it
// back in place under the open app.
func TestBackupNowAndRestore(t *testing.T) {
	u, db, council := withCouncil(t)
	path := backupOnStick(t, u)

	later := model.Member{CouncilID: council, Name: "Kom til efter kopien", Role: model.RoleMember}
	if err := db.SaveMember(t.Context(), model.Member{}, &later); err != nil {
		t.Fatal(err)
	}
	u.confirmRestore(path)
	if ms := noerr.Get(db.Members(t.Context(), council))(t); len(ms) != 1 {
		t.Fatal("restored before the user confirmed")
	}
	test.Tap(overlayButton(t, u, "Ja"))
	waitRestored(t, u)
	if ms, err := db.Members(t.Context(), council); err != nil || len(ms) != 0 {
		t.Errorf("after restore: %v, %v", ms, err)
	}
	if u.tabs == nil {
		t.Error("the app does not show the council after the restore")
	}
}

// A restore whose attachment files cannot all be brought back has still
// put the backup in the database's place: the app shows what it holds and
// says that the files come with the next sync, instead of an error over
// screens of the database that was replaced.
func TestRestorePartlyShowsTheRestoredDatabase(t *testing.T) {
	u, db, council := withCouncil(t)
	path := backupOnStick(t, u)
	// The backup's attachment folder cannot be read: a file stands in its
	// place (a stick written by another program).
	os.RemoveAll(path + ".bilag")
	if err := os.WriteFile(path+".bilag", []byte("ikke en mappe"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := model.Member{CouncilID: council, Name: "Kom til efter kopien", Role: model.RoleMember}
	if err := db.SaveMember(t.Context(), model.Member{}, &later); err != nil {
		t.Fatal(err)
	}
	u.tabs.SelectIndex(tabMembers)
	u.members.refresh()
	if len(u.members.items) != 1 {
		t.Fatalf("Medlemmer shows %+v before the restore", u.members.items)
	}
	u.confirmRestore(path)
	test.Tap(overlayButton(t, u, "Ja"))
	waitRestored(t, u)

	if ms, err := db.Members(t.Context(), council); err != nil || len(ms) != 0 {
		t.Fatalf("after restore: %v, %v", ms, err)
	}
	shown := texts(u.win.Canvas().Overlays().Top())
	for _, want := range []string{"Sikkerhedskopien er gendannet.", "Nogle bilagsfiler kom ikke med tilbage"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the dialog does not say %q:\n%s", want, shown)
		}
	}
	u.tabs.SelectIndex(tabMembers)
	if len(u.members.items) != 0 {
		t.Errorf("Medlemmer still shows %+v, which the restored database does not hold", u.members.items)
	}
}

// backupOnStick takes a backup through "Tag sikkerhedskopi nu" to a
// folder standing for a USB stick and waits until the file is written.
func backupOnStick(t *testing.T, u *App) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "usb", "kopi.db")
	os.MkdirAll(filepath.Dir(path), 0o755)
	u.backupTo(path)
	eventually(t, "the backup file", func() bool {
		data, err := os.ReadFile(path)
		return err == nil && len(data) > 100 && string(data[:15]) == "SQLite format 3"
	})
	return path
}

// waitRestored waits for the restore in the background to be done and
// shown.
func waitRestored(t *testing.T, u *App) {
	t.Helper()
	eventually(t, "the restore", func() bool { return !u.restoring.Load() })
}

// While a restore runs, the menus and their shortcuts (Ctrl+N: a new
// meeting) write nothing into the database being replaced; quitting is
// still possible. Afterwards they work again.
func TestMenusWaitForARestore(t *testing.T) {
	u, db, council := withCouncil(t)
	meetings := func() int { return len(noerr.Get(db.Meetings(t.Context(), council))(t)) }
	before := meetings()
	u.restoring.Store(true)
	menuItem(t, menu(t, u, "Filer"), "Nyt møde").Action()
	if meetings() != before {
		t.Fatal("Ctrl+N made a meeting while a restore ran")
	}
	if quit := menuItem(t, menu(t, u, "Filer"), "Afslut"); !quit.IsQuit {
		t.Error("Afslut is not the menu's quit")
	}
	u.restoring.Store(false)
	menuItem(t, menu(t, u, "Filer"), "Nyt møde").Action()
	if meetings() != before+1 {
		t.Errorf("%d meetings after Ctrl+N once the restore was done, want %d", meetings(), before+1)
	}
}
