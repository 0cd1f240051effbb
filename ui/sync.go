package ui

import (
	"context"
	"errors"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// syncer syncs with the municipality's server in the background and keeps
// the status bar at the bottom of the main window.
//
// Once the computer is enrolled, exchange.Syncer (bg) does every sync in
// its own goroutine: at start, every period, when edits have rested, and
// when asked ("Synkronisér nu"); it also holds the one lock for talking to
// the server, so a sync and an enrolment never run at once. This screen
// only starts it, asks it, and shows what it reports. Failures only change
// the status bar: a server that is away for weeks gives no dialogs, just
// the same quiet line. Widgets are touched on the UI goroutine only (the
// reports come through u.do, fyne.Do).
type syncer struct {
	u *App
	// client talks to the server; bg syncs through it.
	client *exchange.Client
	bg     *exchange.Syncer

	ctx    context.Context // ends when the window closes
	cancel context.CancelFunc

	// UI goroutine only.
	started bool
	asking  bool   // the link question is on screen
	arrive  string // the enrolled council, shown once its first sync brings it
	running bool
	lastErr error // the last sync's error in this session
	synced  bool  // a sync ran in this session

	bar       *fyne.Container
	state     *widget.Label
	pending   *widget.Label
	problem   *widget.Label
	conflicts *widget.Button
	nowBtn    *widget.Button // in the toolbar

	settings *syncSettings  // while the settings dialog is open
	view     *conflictsView // while the conflicts dialog is open
}

func newSyncer(u *App) *syncer {
	ctx, cancel := context.WithCancel(u.ctx)
	s := &syncer{u: u, client: exchange.NewClient(), ctx: ctx, cancel: cancel}
	s.bg = exchange.NewSyncer(s.client, u.db)
	// The open editors' own rows are read before the sync sends anything,
	// and noted before its outcome is shown (ownReaders).
	s.bg.Started = func() {
		note := u.own.readAll(s.ctx)
		u.do(func() {
			note()
			s.setRunning(true)
		})
	}
	s.bg.Pending = func(int) { u.do(s.refreshPending) }
	u.saver.mu.Lock()
	u.saver.saved = s.bg.Changed
	u.saver.mu.Unlock()
	s.bg.Done = func(r exchange.Report) {
		u.do(func() {
			s.running, s.synced, s.lastErr = false, true, r.Err
			s.nowBtn.Enable()
			if r.Result.Pulled > 0 {
				u.refreshAfterSync(r.Result.Rows)
			}
			if back := u.revivedText(r.Result.Revived); back != "" {
				dialog.ShowInformation(lang.L("Back after the sync"), back, u.win)
			}
			u.noteKids()
			s.refresh()
		})
	}
	s.state = widget.NewLabel("")
	s.pending = widget.NewLabel("")
	s.problem = widget.NewLabel("")
	s.problem.Importance = widget.DangerImportance
	s.problem.Wrapping = fyne.TextWrapWord
	s.problem.Hide()
	s.conflicts = widget.NewButtonWithIcon("", theme.WarningIcon(), u.showConflicts)
	s.conflicts.Importance = widget.WarningImportance
	s.conflicts.Hide()
	s.nowBtn = widget.NewButtonWithIcon(lang.L("Sync now"), theme.ViewRefreshIcon(), s.onSyncNow)
	left := container.NewHBox(widget.NewIcon(theme.UploadIcon()), s.state, s.pending)
	s.bar = container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, left, s.conflicts), s.problem)
	return s
}

// enrolment is what the database says about this computer's enrolment.
type enrolment struct {
	server, council string
	staff, enrolled bool
}

// A state that cannot be read is shown as not enrolled (refresh says why).
func (s *syncer) enrolment() enrolment {
	st, err := s.u.db.SyncState(s.ctx)
	if err != nil {
		return enrolment{}
	}
	return enrolment{server: st.Server, council: st.Council, staff: st.Staff, enrolled: st.Enrolled()}
}

// isStaff tells whether this is one of the municipality's devices.
func (u *App) isStaff() bool { return u.sync.enrolment().staff }

// councilDevice tells whether this computer syncs a council (and so may
// not write the municipality's answers).
func (u *App) councilDevice() bool {
	e := u.sync.enrolment()
	return e.enrolled && !e.staff
}

// start begins background sync when the computer is enrolled.
func (s *syncer) start() {
	if s.started || s.ctx.Err() != nil || !s.enrolment().enrolled {
		return
	}
	if s.askLink() {
		return // it starts once the question is answered
	}
	s.started = true
	go s.bg.Run(s.ctx)
}

// askLink asks, when an enrolment left the question, whether the council
// made on this computer joins the server's council (nothing is synced
// until it is answered), and reports whether it asked. The answer is
// stored, then the council is shown and sync starts.
func (s *syncer) askLink() bool {
	u := s.u
	q, asked, err := exchange.PendingLink(u.ctx, u.db)
	if err != nil || !asked {
		return false // an error is the sync's to report
	}
	if s.asking {
		return true
	}
	s.asking = true
	server := q.ServerName
	if server == "" { // a server that does not say the name
		server = lang.L("the council")
	}
	args := map[string]any{"Local": q.Local.Name, "Server": server}
	d := dialog.NewConfirm(lang.L("Link the local council?"),
		lang.L("Do you want to link the council «{{.Local}}» with «{{.Server}}» at the municipality? Everything in «{{.Local}}» on this computer is then sent to the municipality and becomes part of «{{.Server}}», also on the council's other computers. Choose «Keep apart» to keep it on this computer only.", args),
		func(yes bool) {
			s.asking = false
			if err := exchange.AnswerLink(u.ctx, u.db, yes); err != nil {
				u.showError(err)
				return
			}
			if s.settings != nil {
				s.settings.showStatus()
			}
			u.afterEnrol(q.Server)
		}, u.win)
	d.SetConfirmText(lang.L("Link"))
	d.SetDismissText(lang.L("Keep apart"))
	d.Show()
	return true
}

// appCtx is the app's context: it ends when the main window closes.
func (u *App) appCtx() context.Context { return u.sync.ctx }

// stop ends background sync and cancels a sync in flight (the window
// closes; nothing is lost, the changes wait in the database).
func (s *syncer) stop() { s.cancel() }

// request asks the loop for a sync soon.
func (s *syncer) request() { s.bg.SyncNow() }

// onSyncNow is "Synkronisér nu" (Ctrl+S): a sync at once, or the settings
// when the computer is not enrolled.
func (s *syncer) onSyncNow() {
	s.u.saver.flush()
	if !s.enrolment().enrolled {
		s.u.onSettings()
		return
	}
	s.start()
	s.request()
}

func (s *syncer) setRunning(on bool) {
	s.running = on
	if on {
		s.nowBtn.Disable()
		s.state.SetText(lang.L("Syncing…"))
	} else {
		s.nowBtn.Enable()
	}
}

// refresh shows the state of sync in the status bar.
func (s *syncer) refresh() {
	st, err := s.u.db.SyncState(s.ctx)
	if err != nil {
		s.state.SetText("")
		s.pending.Hide()
		s.problem.SetText(errText(err))
		s.problem.Show()
		return
	}
	if !st.Enrolled() {
		s.state.SetText(lang.L("Not connected to the municipality's server: everything is kept on this computer only."))
		s.pending.Hide()
		s.problem.Hide()
		s.refreshConflicts()
		return
	}
	if !s.running {
		if !st.Last.IsZero() {
			s.state.SetText(lang.L("Last synced {{.When}}", map[string]any{"When": model.DateTime(st.Last)}))
		} else {
			s.state.SetText(lang.L("Not synced yet"))
		}
	}
	s.refreshPending()
	msg := ""
	switch {
	case s.synced:
		msg = syncErrText(s.lastErr)
	default: // before the first sync of this session: the one remembered
		msg = storedErrText(st.Error, st.ErrorCode)
	}
	// What this device did about its own clock, or its refused changes,
	// kept a week, in the screen's language.
	if note := syncNoteText(st, s.u.db.Now()); note != "" {
		msg = strings.TrimSpace(msg + "\n" + note)
	}
	s.problem.SetText(msg)
	if msg == "" {
		s.problem.Hide()
	} else {
		s.problem.Show()
	}
	s.refreshConflicts()
}

func (s *syncer) refreshPending() {
	if !s.enrolment().enrolled {
		s.pending.Hide()
		return
	}
	n, err := s.u.db.PendingCount(s.ctx, "")
	switch {
	case err != nil:
		s.pending.SetText(errText(err))
	case n == 0:
		s.pending.SetText("· " + lang.L("All changes are sent"))
	case n == 1:
		s.pending.SetText("· " + lang.L("1 change waits to be sent"))
	default:
		s.pending.SetText("· " + lang.L("{{.Count}} changes wait to be sent", map[string]any{"Count": n}))
	}
	s.pending.Show()
}

// refreshConflicts shows the number of conflicts of the open council.
func (s *syncer) refreshConflicts() {
	n := 0
	if s.u.councilID != "" {
		cs, err := s.u.conflicts()
		if err == nil {
			n = len(cs)
		}
	}
	switch n {
	case 0:
		s.conflicts.Hide()
		return
	case 1:
		s.conflicts.SetText(lang.L("1 conflict"))
	default:
		s.conflicts.SetText(lang.L("{{.Count}} conflicts", map[string]any{"Count": n}))
	}
	s.conflicts.Show()
}

// syncErrText says in plain words why a sync failed; "" when it did not.
func syncErrText(err error) string {
	var re *exchange.RemoteError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, exchange.ErrUnreachable):
		return lang.L("The municipality's server does not answer – your changes are saved on this computer and will be sent when there is a connection.")
	case errors.Is(err, exchange.ErrNotEnrolled):
		return lang.L("This computer is not enrolled with the municipality's server. Enter the server's address and the enrolment code in Settings.")
	case errors.Is(err, storage.ErrRevoked):
		return lang.L("The municipality has blocked this computer. Ask the municipality for a new enrolment code.")
	case errors.Is(err, exchange.ErrLinkUnanswered):
		return lang.L("Answer first whether the local council on this computer is to be linked with the council at the municipality.")
	case errors.Is(err, storage.ErrUnauthorized):
		return lang.L("The server does not know this computer. Enrol it again with a new code from the municipality.")
	case errors.As(err, &re) && re.Code == "clock":
		return capitalize(re.Msg)
	case errors.As(err, &re):
		return lang.L("The server refused the changes: {{.Reason}}", map[string]any{"Reason": re.Msg})
	}
	return errText(err)
}

// storedErrText is the error the last sync (perhaps in an earlier session)
// remembered, with its code, in plain words where the code says enough.
func storedErrText(s string, code model.Code) string {
	switch {
	case s == "":
		return ""
	case code == model.Unavailable:
		return syncErrText(exchange.ErrUnreachable)
	}
	return capitalize(errText(&model.Error{Code: code, Msg: s}))
}

func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// refreshAfterSync shows what a sync (or a bundle) brought: new or renamed
// councils, and the screens showing the rows it changed read again (all of
// them when changed is nil: refreshScreens). An editor the user is typing
// in is left alone (its list is refreshed); it shows the news when opened
// again.
func (u *App) refreshAfterSync(changed storage.Changed) {
	cs, err := u.db.Councils(u.ctx)
	if err != nil {
		return
	}
	if u.tabs == nil { // the welcome screen: the council may have arrived
		if len(cs) > 0 {
			u.start()
		}
		return
	}
	if id := u.sync.arrive; id != "" && slices.ContainsFunc(cs, func(c model.Council) bool { return c.ID == id }) {
		u.sync.arrive = ""
		u.openCouncil(id) // the council this computer was enrolled for has come
		return
	}
	if !sameCouncils(cs, u.councils) {
		found := false
		for _, c := range cs {
			found = found || c.ID == u.councilID
		}
		if !found {
			u.start()
			return
		}
		u.councils = cs
		cb := u.councilSelect.OnChanged
		u.councilSelect.OnChanged = nil
		u.councilSelect.Options = u.councilOptions()
		for i, c := range cs {
			if c.ID == u.councilID {
				u.councilSelect.SetSelectedIndex(i)
				u.win.SetTitle("Lokalråd – " + c.Name)
			}
		}
		u.councilSelect.OnChanged = cb
	}
	u.refreshScreens(changed)
}

func sameCouncils(a, b []model.Council) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Name != b[i].Name {
			return false
		}
	}
	return true
}

// syncSettings is the settings' section about the municipality's server.
type syncSettings struct {
	s      *syncer
	server *widget.Entry
	code   *widget.Entry
	enrol  *widget.Button
	status *widget.Label
	msg    *widget.Label
	// done closes the settings once the computer is enrolled.
	done func()
}

// settingsSection is the part of Settings where the computer is enrolled.
func (s *syncer) settingsSection() fyne.CanvasObject {
	e := s.enrolment()
	st := &syncSettings{s: s}
	s.settings = st
	st.server = widget.NewEntry()
	st.server.SetPlaceHolder("https://lokalraad.holbaek.dk")
	st.server.SetText(e.server)
	st.code = widget.NewEntry()
	st.code.SetPlaceHolder("abcd-efgh-ijkl-mnop")
	st.status = widget.NewLabel("")
	st.status.Wrapping = fyne.TextWrapWord
	st.msg = newErrLabel()
	st.enrol = widget.NewButtonWithIcon(lang.L("Enrol this computer"), theme.LoginIcon(), st.onEnrol)
	st.enrol.Importance = widget.HighImportance
	st.showStatus()
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Server address"), st.server),
		widget.NewFormItem(lang.L("Enrolment code"), st.code),
	)
	note := widget.NewLabel(lang.L("The municipality gives each computer a one-time enrolment code."))
	note.Wrapping = fyne.TextWrapWord
	return container.NewVBox(heading(lang.L("The municipality's server")), st.status, form, note,
		container.NewHBox(layout.NewSpacer(), st.enrol), st.msg)
}

// showStatus says whether and as what the computer is enrolled.
func (st *syncSettings) showStatus() {
	e := st.s.enrolment()
	switch {
	case !e.enrolled:
		st.status.SetText(lang.L("This computer is not enrolled: everything is kept on this computer only."))
	case e.staff:
		st.status.SetText(lang.L("Enrolled as the municipality's device at {{.Server}}.", map[string]any{"Server": e.server}))
	default:
		name := e.council
		if c, err := st.s.u.db.Council(st.s.u.ctx, e.council); err == nil {
			name = c.Name
		}
		st.status.SetText(lang.L("Enrolled for {{.Council}} at {{.Server}}.", map[string]any{"Council": name, "Server": e.server}))
	}
}

// onEnrol trades the code for this computer's own key, in the
// background, and then syncs.
func (st *syncSettings) onEnrol() {
	u := st.s.u
	showErr(st.msg, nil)
	st.enrol.Disable()
	st.status.SetText(lang.L("Enrolling…"))
	err := st.s.enrol(st.server.Text, st.code.Text, false, func(resp exchange.EnrollResponse, err error) {
		st.enrol.Enable()
		if err != nil {
			st.showStatus()
			showErr(st.msg, err)
			return
		}
		st.code.SetText("")
		st.showStatus()
		if st.done != nil {
			st.done()
		}
		u.afterEnrol(resp.Council)
	})
	if err != nil {
		st.enrol.Enable()
		st.showStatus()
		showErr(st.msg, err)
	}
}

// enrol trades a one-time code for this computer's own key in the
// background and, when first is set, fetches the council's data with one
// sync. done runs on the UI goroutine with the outcome (an error says what
// went wrong in plain words). A server or code left out is an error at
// once, and done is not called.
func (s *syncer) enrol(server, code string, first bool, done func(exchange.EnrollResponse, error)) error {
	server, code = strings.TrimSpace(server), strings.TrimSpace(code)
	if server == "" || code == "" {
		return &userError{lang.L("Type the server's address and the enrolment code from the municipality.")}
	}
	if !strings.Contains(server, "://") {
		server = "https://" + server
	}
	s.u.saver.flush()
	go func() {
		resp, err := s.bg.Enroll(s.ctx, server, code)
		if err != nil {
			s.u.do(func() { done(resp, &userError{enrolErrText(err)}) })
			return
		}
		if _, asked, _ := exchange.PendingLink(s.u.ctx, s.u.db); asked {
			first = false // nothing is fetched before the question is answered
		}
		if first {
			if err := s.bg.SyncOnce(s.ctx).Err; err != nil {
				msg := lang.L("The computer is enrolled, but the data could not be fetched yet: {{.Reason}} Lokalråd keeps trying.",
					map[string]any{"Reason": syncErrText(err)})
				s.u.do(func() { done(resp, &userError{msg}) })
				return
			}
		}
		s.u.do(func() { done(resp, nil) })
	}()
	return nil
}

func enrolErrText(err error) string {
	var re *exchange.RemoteError
	switch {
	case errors.Is(err, exchange.ErrUnreachable):
		return lang.L("The server does not answer. Check the address and the internet connection, and try again.")
	case errors.Is(err, storage.ErrRevoked):
		return lang.L("The municipality has blocked this computer. Ask the municipality for a new enrolment code.")
	case errors.As(err, &re):
		return lang.L("The enrolment was refused: {{.Reason}}", map[string]any{"Reason": re.Msg})
	}
	return capitalize(errText(err))
}

// afterEnrol shows the enrolled council (its id may have changed: a
// council made here before enrolment takes the server's id) and starts
// background sync, which syncs at once.
func (u *App) afterEnrol(council string) {
	if u.sync.askLink() {
		return // shown again once answered
	}
	if council != "" && u.tabs != nil {
		if _, err := u.db.Council(u.ctx, council); err == nil {
			u.openCouncil(council)
		} else {
			u.sync.arrive = council
			u.start()
		}
	} else if u.tabs != nil {
		u.openCouncil(u.councilID)
	}
	u.sync.refresh()
	if u.sync.started {
		u.sync.request()
	} else {
		u.sync.start()
	}
}
