package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// attachList shows the attachments (bilag) of an agenda item, a project,
// a budget wish or an accounts line (its receipt): attach a file, open one in the system's viewer, remove
// one (after asking).
type attachList struct {
	u      *App
	kind   model.OwnerKind
	owner  string
	locked bool

	add  *widget.Button
	rows *fyne.Container
	msg  *widget.Label
	obj  fyne.CanvasObject
	// shown are the attachments listed, in order, with their buttons.
	shown []attachRow
	// changed, if set, is called after a file is attached or removed.
	changed func()
}

type attachRow struct {
	a            model.Attachment
	open, remove *widget.Button
}

func newAttachList(u *App, kind model.OwnerKind, owner string, locked bool) *attachList {
	l := &attachList{u: u, kind: kind, owner: owner, locked: locked}
	l.add = widget.NewButtonWithIcon(lang.L("Attach file…"), theme.ContentAddIcon(), l.onAdd)
	if locked {
		l.add.Hide()
	}
	l.rows = container.NewVBox()
	l.msg = newErrLabel()
	l.obj = container.NewVBox(container.NewHBox(widget.NewLabel(lang.L("Attachments")), layout.NewSpacer(), l.add), l.rows, l.msg)
	l.refresh()
	return l
}

// refresh lists the attachments as stored.
func (l *attachList) refresh() {
	as, err := l.u.db.Attachments(l.u.ctx, l.kind, l.owner)
	if err != nil {
		showErr(l.msg, err)
	}
	l.shown = nil
	var objs []fyne.CanvasObject
	for _, a := range as {
		r := attachRow{a: a}
		r.open = widget.NewButtonWithIcon(lang.L("Open"), theme.FileIcon(), func() { l.onOpen(a) })
		r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { l.onRemove(a) })
		if l.locked {
			r.remove.Hide()
		}
		name := widget.NewLabel(a.Name + "  (" + model.Bytes(a.Size) + ")")
		name.Truncation = fyne.TextTruncateEllipsis
		objs = append(objs, container.NewBorder(nil, nil, nil, container.NewHBox(r.open, r.remove), name))
		l.shown = append(l.shown, r)
	}
	l.rows.Objects = objs
	l.rows.Refresh()
}

// onAdd asks for a file and attaches it.
func (l *attachList) onAdd() {
	l.u.openDialog(func(rc fyne.URIReadCloser) {
		defer rc.Close()
		l.attach(rc.URI().Name(), rc)
	}).Show()
}

// attach stores the file r named name: what the file dialog hands over.
func (l *attachList) attach(name string, r io.Reader) {
	_, err := l.u.db.AddAttachment(l.u.ctx, l.kind, l.owner, name, r)
	showErr(l.msg, err)
	l.refresh()
	if err == nil && l.changed != nil {
		l.changed()
	}
}

// onOpen opens the attachment in the system's viewer, fetching its file
// from the municipality's server first when this laptop has not got it.
func (l *attachList) onOpen(a model.Attachment) {
	path, err := l.u.db.ViewableFile(a)
	if errors.Is(err, storage.ErrBlobMissing) {
		progress := l.u.working(lang.L("Fetching the attachment…"))
		go func() {
			ctx, cancel := context.WithTimeout(l.u.ctx, 10*time.Minute)
			ferr := l.u.sync.client.FetchBlob(ctx, l.u.db, a)
			cancel()
			l.u.do(func() {
				progress.Hide()
				if ferr != nil {
					l.u.showError(fmt.Errorf("%s: %w", lang.L("The attachment could not be fetched"), ferr))
					return
				}
				l.onOpen(a)
			})
		}()
		return
	}
	if err != nil {
		l.u.showError(err)
		return
	}
	if err := l.u.app.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}); err != nil {
		l.u.showError(&userError{lang.L("No program on this computer could open the attachment. It is saved here:") + " " + path})
	}
}

// onRemove removes the attachment after asking.
func (l *attachList) onRemove(a model.Attachment) {
	l.u.confirmDelete(lang.L("Remove attachment"), fmt.Sprintf(lang.L("Remove the attachment «%s»? It cannot be undone."), a.Name), func() {
		err := l.u.db.DeleteAttachment(l.u.ctx, a.ID)
		showErr(l.msg, err)
		l.refresh()
		if err == nil && l.changed != nil {
			l.changed()
		}
	})
}
