package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// Sync by a file on a USB stick, from the Filer menu: what `lokalraad
// bundle export` and `bundle import` do, for a chair with no terminal and
// no connection. The file holds every change of the council (signed, as a
// sync sends them) and is read in whole or not at all.

// bundleExt is the sync file's extension, as the README's examples name it.
const bundleExt = ".lokalraad"

// onBundleExport saves the council's changes to a file the user chooses.
func (u *App) onBundleExport() {
	if u.councilID == "" {
		return
	}
	u.saver.flush()
	name := fileName(bundleExt[1:], "Ændringer", u.councilName(), model.ShortDate(u.now()))
	u.saveDialog(name, func(wc fyne.URIWriteCloser) {
		// The dialog made an empty file: the bundle is written beside it
		// and takes its name when whole.
		path := wc.URI().Path()
		wc.Close()
		u.bundleTo(path, u.councilID)
	}).Show()
}

// bundleTo writes the council's bundle to path in the background, through a
// temporary file, so a full USB stick never leaves half a file under the
// name.
func (u *App) bundleTo(path, council string) {
	progress := u.working(lang.L("Writing the changes to the file…"))
	go func() {
		h, err := writeBundleFile(u, path, council)
		err = fileError(err)
		u.do(func() {
			progress.Hide()
			if err != nil {
				os.Remove(path) // the dialog's empty file
				u.showError(err)
				return
			}
			dialog.ShowInformation(lang.L("Sync by file"),
				lang.L("{{.Count}} changes for {{.Council}} are saved in", map[string]any{"Count": h.Count, "Council": h.CouncilName})+":\n"+path+"\n\n"+
					lang.L("Take the file to the municipality or another computer of the council, and read it in there with {{.Menu}}.", map[string]any{"Menu": lang.L("File menu") + " › " + strings.TrimSuffix(lang.L("Read changes from a file…"), "…")}), u.win)
		})
	}()
}

func writeBundleFile(u *App, path, council string) (exchange.BundleHeader, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".lokalraad-*")
	if err != nil {
		return exchange.BundleHeader{}, err
	}
	defer os.Remove(tmp.Name())
	h, err := u.sync.client.WriteBundle(u.appCtx(), tmp, u.db, council)
	if err == nil {
		// Readable on the other computer too (a temporary file is the
		// owner's only), as a file the save dialog makes is.
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return h, err
}

// onBundleImport reads a sync file the user chooses.
func (u *App) onBundleImport() {
	u.saver.flush()
	u.openDialog(func(rc fyne.URIReadCloser) {
		path := rc.URI().Path()
		rc.Close()
		u.bundleFrom(path)
	}, bundleExt).Show()
}

// bundleFrom reads the bundle at path in the background and shows what it
// brought, as a sync does.
func (u *App) bundleFrom(path string) {
	progress := u.working(lang.L("Reading the changes from the file…"))
	go func() {
		var (
			h       exchange.BundleHeader
			applied storage.Applied
		)
		f, err := os.Open(path)
		if err == nil {
			h, applied, err = u.sync.client.ImportBundleReport(u.appCtx(), f, u.db)
			f.Close()
		}
		err = fileError(err)
		n := applied.New
		u.do(func() {
			progress.Hide()
			if err != nil {
				u.showError(fmt.Errorf("%s: %w", filepath.Base(path), err))
				return
			}
			u.refreshAfterSync(applied.Rows) // the screens show what came
			msg := lang.L("{{.New}} new changes of {{.Count}} for {{.Council}} are read in.", map[string]any{"New": n, "Count": h.Count, "Council": h.CouncilName})
			if n == 0 {
				msg = lang.L("The file brought nothing new: this computer has every change in it.")
			}
			if back := u.revivedText(applied.Revived); back != "" {
				msg += "\n\n" + back
			}
			if aside := setAsideText(applied.SetAside); aside != "" {
				msg += "\n\n" + aside
			}
			if relayed := relayedText(applied.Relayed); relayed != "" {
				msg += "\n\n" + relayed
			}
			switch applied.Revoked {
			case 0:
			case 1:
				msg += "\n\n" + lang.L("A change in the file was written by a computer the municipality has revoked, after the revocation. It is left out; the rest is read in.")
			default:
				msg += "\n\n" + lang.L("{{.N}} changes in the file were written by a computer the municipality has revoked, after the revocation. They are left out; the rest is read in.", map[string]any{"N": applied.Revoked})
			}
			dialog.ShowInformation(lang.L("Sync by file"), msg, u.win)
		})
	}()
}

// fileError words the operating system's errors of a file on a stick
// (gone, not allowed, full) for the screens; others pass as they are.
func fileError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return &userError{msg: lang.L("The file or its folder is no longer there: perhaps the USB stick was taken out.")}
	case errors.Is(err, fs.ErrPermission):
		return &userError{msg: lang.L("Lokalråd may not read or write there: choose another folder.")}
	case errors.Is(err, syscall.ENOSPC):
		return storage.ErrDiskFull
	}
	return err
}

// refusedMenu names the menu item that shows the refused changes:
// »Filer › Afviste ændringer«.
func refusedMenu() string {
	return lang.L("File menu") + " › " + strings.TrimSuffix(lang.L("Refused changes…"), "…")
}

// setAsideText says that a file of the hub's set this computer's own
// refused changes aside (storage.SetAsideRefusedOwn), and where they are;
// the rule's reason, which storage words in Danish, only on a Danish
// screen.
func setAsideText(aside []storage.Refused) string {
	if len(aside) == 0 {
		return ""
	}
	menu := refusedMenu()
	text := lang.L("{{.N}} of this computer's changes are refused now, for instance because the minutes were approved meanwhile. They are set aside, so that the rest of its changes still go out: see {{.Menu}}.", map[string]any{"N": len(aside), "Menu": menu})
	if current() == model.Danish {
		text += "\n" + lang.L("Why: {{.Reason}}", map[string]any{"Reason": aside[0].Reason})
	}
	return text
}

// relayedText says that a file of the hub's set aside changes of other
// computers that this one took by file and the hub refuses
// (storage.SetAsideRefusedOwn), and where they are.
func relayedText(relayed []storage.Refused) string {
	switch len(relayed) {
	case 0:
		return ""
	case 1:
		return lang.L("A change from another computer, which this computer took by file, is refused by the municipality. It is set aside, so that this computer's files are taken: see {{.Menu}}.", map[string]any{"Menu": refusedMenu()})
	}
	return lang.L("{{.N}} changes from other computers, which this computer took by file, are refused by the municipality. They are set aside, so that this computer's files are taken: see {{.Menu}}.", map[string]any{"N": len(relayed), "Menu": refusedMenu()})
}
