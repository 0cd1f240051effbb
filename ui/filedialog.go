package ui

import (
	"path/filepath"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// fileDialog is Fyne's file dialog that, once shown, names its places in
// the user's language.
type fileDialog struct {
	*dialog.FileDialog
	u *App
}

// Show shows the dialog. Fyne 2.7.1 writes the places in its left column
// (»Home«, »Computer«, »Documents«, …) in English whatever the language:
// the list of them is found in the dialog and its rows are named anew.
func (d fileDialog) Show() {
	d.FileDialog.Show()
	top, isPop := d.u.win.Canvas().Overlays().Top().(*widget.PopUp)
	if !isPop {
		return
	}
	places := placesList(top.Content)
	if places == nil || places.UpdateItem == nil {
		return
	}
	update := places.UpdateItem
	places.UpdateItem = func(id widget.ListItemID, item fyne.CanvasObject) {
		update(id, item)
		if row, ok := item.(*fyne.Container); ok && len(row.Objects) > 1 {
			if l, ok := row.Objects[1].(*widget.Label); ok {
				if key, known := fynePlaces[l.Text]; known {
					l.SetText(lang.L(key))
				}
			}
		}
	}
	places.Refresh()
}

// fynePlaces are the names Fyne gives the places, and their keys in our
// catalogues (»Place: Home« is »Hjem«).
var fynePlaces = map[string]string{
	"Home": "Place: Home", "Computer": "Place: Computer", "App Files": "Place: App Files",
	"Desktop": "Place: Desktop", "Documents": "Place: Documents", "Downloads": "Place: Downloads",
	"Music": "Place: Music", "Pictures": "Place: Pictures", "Videos": "Place: Videos", "Movies": "Place: Movies",
}

// placesList finds the list of places: the leading side of the dialog's
// split between places and files.
func placesList(o fyne.CanvasObject) *widget.List {
	switch v := o.(type) {
	case *container.Split:
		if l, ok := v.Leading.(*widget.List); ok {
			return l
		}
		if l := placesList(v.Leading); l != nil {
			return l
		}
		return placesList(v.Trailing)
	case *fyne.Container:
		for _, c := range v.Objects {
			if l := placesList(c); l != nil {
				return l
			}
		}
	}
	return nil
}

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
