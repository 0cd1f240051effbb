package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// "Tag sikkerhedskopi nu" writes a copy; "Gendan" asks first, then puts it
// back in place under the open app.
func TestBackupNowAndRestore(t *testing.T) {
	u, db, council := withCouncil(t)
	path := filepath.Join(t.TempDir(), "usb", "kopi.db")
	os.MkdirAll(filepath.Dir(path), 0o755)
	u.backupTo(path)
	eventually(t, "the backup file", func() bool {
		data, err := os.ReadFile(path)
		return err == nil && len(data) > 100 && string(data[:15]) == "SQLite format 3"
	})

	later := model.Member{CouncilID: council, Name: "Kom til efter kopien", Role: model.RoleMember}
	if err := db.SaveMember(t.Context(), model.Member{}, &later); err != nil {
		t.Fatal(err)
	}
	u.confirmRestore(path)
	if ms := noerr.Get(db.Members(t.Context(), council))(t); len(ms) != 1 {
		t.Fatal("restored before the user confirmed")
	}
	test.Tap(overlayButton(t, u, "Ja"))
	if ms, err := db.Members(t.Context(), council); err != nil || len(ms) != 0 {
		t.Errorf("after restore: %v, %v", ms, err)
	}
	if u.tabs == nil {
		t.Error("the app does not show the council after the restore")
	}
}
