package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"fyne.io/fyne/v2"
	fstorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
)

// sqliteLocks counts the POSIX locks this process holds on the file at
// path, as Linux lists them in /proc/locks.
func sqliteLocks(t *testing.T, path string) int {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("/proc/locks")
	if err != nil {
		t.Skip("no /proc/locks:", err)
	}
	pid := fmt.Sprint(os.Getpid())
	n := 0
	for _, l := range strings.Split(string(raw), "\n") {
		f := strings.Fields(l)
		// 1: POSIX  ADVISORY  READ 1234 fe:00:9979456 1073741826 1073742335
		if len(f) >= 6 && f[1] == "POSIX" && f[4] == pid && strings.HasSuffix(f[5], fmt.Sprintf(":%d", st.Ino)) {
			n++
		}
	}
	return n
}

// A file dialog shown in the folder of the open database must not read the
// database's files: Fyne opens a file of unknown type to sniff it, and on
// Linux and macOS closing any handle on a file drops every lock the
// process holds on it. SQLite's locks gone, a second program on the same
// file (lokalraad backup or sync from a script beside the open window)
// takes the database for unused, folds the write-ahead log in and deletes
// it while the app still writes there, and what was typed after that
// can be lost. Found by driving the real app: after one »Gem som…« in
// the database's folder the process held no lock on it.
func TestFileDialogsKeepTheDatabaseLocked(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts locks in /proc/locks")
	}
	u, db, _ := withCouncil(t)
	dir := filepath.Dir(db.Path())
	t.Setenv("HOME", dir) // the dialogs open in the home folder
	u.win.Resize(fyne.NewSize(1280, 680))
	before := sqliteLocks(t, db.Path())
	if before == 0 {
		t.Skip("SQLite holds no lock on the open database here")
	}

	for _, show := range []struct {
		name string
		open func()
	}{
		{"save", func() { u.saveAs("Referat.pdf", func() ([]byte, error) { return nil, nil }) }},
		{"open any file", func() {
			fd := u.openDialog(func(fyne.URIReadCloser) {})
			if l, err := fstorage.ListerForURI(fstorage.NewFileURI(dir)); err == nil {
				fd.SetLocation(l)
			}
			fd.Show()
		}},
	} {
		show.open()
		drainUI()
		top := u.win.Canvas().Overlays().Top()
		if top == nil {
			t.Fatalf("%s: no file dialog shown", show.name)
		}
		shown := texts(top)
		test.LaidOutObjects(top) // every file's icon made, as on screen
		// Closing a handle on the file drops every lock the process holds
		// on it, so the fault leaves none. How many SQLite holds besides
		// varies with the reads under way (CI once counted 2, then 1).
		if after := sqliteLocks(t, db.Path()); after == 0 {
			t.Errorf("%s: the file dialog in the database's folder dropped SQLite's locks on it (%d before, none after); it lists:\n%s", show.name, before, shown)
		}
		u.win.Canvas().Overlays().Remove(top)
	}
}

// The file dialogs name the places in their left column in Danish: Fyne
// 2.7.1 writes »Home«, »Computer«, »Documents« … without translating them,
// so a Danish save dialog said »Home« above »Gem fil« and »Annullér«.
func TestFileDialogPlacesInDanish(t *testing.T) {
	u, db, _ := withCouncil(t)
	home := filepath.Dir(db.Path())
	t.Setenv("HOME", home)
	u.win.Resize(fyne.NewSize(1280, 680))
	u.saveAs("Referat.pdf", func() ([]byte, error) { return nil, nil })
	drainUI()
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no file dialog shown")
	}
	shown := texts(top)
	if !strings.Contains(shown, "Hjem") {
		t.Errorf("the save dialog does not offer »Hjem«:\n%s", shown)
	}
	if strings.Contains(shown, "Home\n") {
		t.Errorf("the Danish save dialog says »Home«:\n%s", shown)
	}
}
