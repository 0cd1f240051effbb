package ui

import (
	"path/filepath"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
)

// notTheDatabase is the file filter of every file dialog: it lists what
// exts allow (everything when none is given) but never the open database's
// own files. Fyne opens a listed file whose type its name does not tell
// (".db", ".db-wal") to look at its first bytes, and on Linux and macOS
// closing that handle drops every lock the process holds on the file:
// SQLite's locks gone, a script beside the window (lokalraad backup, sync)
// takes the database for unused and deletes the write-ahead log the app
// still writes to. Filtered out, the files are never opened.
type notTheDatabase struct {
	files []string // the database and its journal files, cleaned
	exts  storage.FileFilter
}

func (u *App) fileFilter(exts ...string) storage.FileFilter {
	f := notTheDatabase{}
	if len(exts) > 0 {
		f.exts = storage.NewExtensionFileFilter(exts)
	}
	if u.db != nil && u.db.Path() != "" {
		p := u.db.Path()
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		for _, s := range []string{"", "-wal", "-shm", "-journal"} {
			f.files = append(f.files, filepath.Clean(p+s))
		}
	}
	return f
}

func (f notTheDatabase) Matches(u fyne.URI) bool {
	if u.Scheme() == "file" {
		p := filepath.Clean(filepath.FromSlash(u.Path()))
		for _, d := range f.files {
			if p == d || caseless && strings.EqualFold(p, d) {
				return false
			}
		}
	}
	return f.exts == nil || f.exts.Matches(u)
}

// caseless: the file systems where »X.db« and »x.db« are one file.
var caseless = runtime.GOOS == "windows" || runtime.GOOS == "darwin"
