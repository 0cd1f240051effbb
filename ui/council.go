package ui

import (
	"cmp"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
)

// councilDialog edits the open council's name, area and annual grant, and
// deletes the council.
type councilDialog struct {
	u                 *App
	c                 model.Council
	name, area, grant *widget.Entry
	quorum            *widget.Entry // board members present for a quorum; empty: more than half
	grantErr, msg     *widget.Label
	quorumErr         *widget.Label
	dlg               dialog.Dialog
}

// onEditCouncil opens the council's dialog ("Lokalrådet…").
func (u *App) onEditCouncil() *councilDialog {
	u.saver.flush()
	c, err := u.db.Council(u.ctx, u.councilID)
	if err != nil {
		u.showError(err)
		return nil
	}
	d := &councilDialog{u: u, c: c, name: widget.NewEntry(), area: widget.NewEntry(), grant: widget.NewEntry(),
		grantErr: newErrLabel(), msg: newErrLabel(), quorum: widget.NewEntry(), quorumErr: newErrLabel()}
	if c.Quorum > 0 {
		d.quorum.SetText(strconv.Itoa(c.Quorum))
	}
	d.quorum.SetPlaceHolder(lang.L("Empty: more than half the board"))
	d.name.SetText(c.Name)
	d.area.SetText(c.Area)
	d.grant.SetText(model.KronerNumber(c.AnnualGrant))
	d.grant.SetPlaceHolder(lang.L("e.g. 30.000"))
	del := widget.NewButtonWithIcon(lang.L("Delete the local council…"), theme.DeleteIcon(), d.onDelete)
	del.Importance = widget.DangerImportance
	delNote := widget.NewLabel("")
	delNote.Wrapping = fyne.TextWrapWord
	// A council shared with the municipality or other computers is not
	// deleted here: its delete would travel to all of them
	// (storage.ErrCouncilShared). The button says so before anyone asks.
	if shared, err := u.db.CouncilShared(u.ctx, c.ID); err != nil || shared {
		del.Disable()
		delNote.SetText(errText(cmp.Or(err, storage.ErrCouncilShared)))
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Name"), d.name),
		widget.NewFormItem(lang.L("Area"), d.area),
		widget.NewFormItem(lang.L("Annual grant (kr.)"), container.NewVBox(d.grant, d.grantErr)),
		widget.NewFormItem(lang.L("Quorum (board members present)"), container.NewVBox(d.quorum, d.quorumErr)),
	)
	content := container.NewVBox(form, d.msg, widget.NewSeparator(), del, delNote)
	d.dlg = dialog.NewCustomConfirm(lang.L("The local council"), lang.L("Save"), lang.L("Cancel"), content, func(ok bool) {
		if ok {
			d.onSave()
		}
	}, u.win)
	d.dlg.Resize(fyne.NewSize(560, 380))
	d.dlg.Show()
	return d
}

// onSave stores the edits; invalid input keeps the dialog's message and
// saves nothing.
func (d *councilDialog) onSave() {
	grant, err := model.ParseKroner(d.grant.Text)
	if err != nil {
		showErr(d.grantErr, err)
		d.dlg.Show()
		return
	}
	quorum, err := parseInt(d.quorum.Text)
	if err == nil && (quorum < 0 || quorum > 1000) {
		err = errBadNumber
	}
	if err != nil {
		showErr(d.quorumErr, err)
		d.dlg.Show()
		return
	}
	showErr(d.quorumErr, nil)
	c := d.c
	c.Name, c.Area, c.AnnualGrant, c.Quorum = d.name.Text, d.area.Text, grant, quorum
	if err := d.u.db.SaveCouncil(d.u.ctx, d.c, &c); err != nil {
		showErr(d.msg, err)
		d.dlg.Show()
		return
	}
	d.u.openCouncil(c.ID)
}

// onDelete deletes the council after a clear confirmation, keeping a
// backup of the whole database first.
func (d *councilDialog) onDelete() {
	if shared, err := d.u.db.CouncilShared(d.u.ctx, d.c.ID); err != nil || shared {
		d.u.showError(cmp.Or(err, storage.ErrCouncilShared)) // before any backup or question
		return
	}
	d.u.confirmDelete(lang.L("Delete the local council"),
		lang.L("Delete «{{.Name}}» and everything it keeps: meetings, minutes, projects, budget wishes and members? A backup of everything is taken first.",
			map[string]any{"Name": d.c.Name}),
		func() {
			dir := d.u.db.BackupDir()
			backup := filepath.Join(dir, "foer-sletning-"+time.Now().Format("2006-01-02_150405")+".db")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				d.u.showError(err)
				return
			}
			if err := d.u.db.Backup(d.u.appCtx(), backup); err != nil {
				d.u.showError(err)
				return
			}
			if err := d.u.db.DeleteCouncil(d.u.ctx, d.c.ID); err != nil {
				d.u.showError(err)
				return
			}
			d.dlg.Hide()
			d.u.start()
		})
}
