package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// syncNoteText is the status bar's note about this device's clock or its
// refused changes (exchange.SyncNote, kept a week) in the screen's
// language; "" when there is none. A note an older version stored as
// Danish text is shown as it is. The hub's reason for a refusal, which it
// words in Danish, is said only on a Danish screen; every screen says
// where the refused changes are (setAsideText does the same).
func syncNoteText(st storage.SyncState, now time.Time) string {
	n, ok := exchange.SyncNoteData(st, now)
	switch {
	case !ok:
		return ""
	case n.IsZero():
		return exchange.SyncNote(st, now)
	}
	var parts []string
	if c := n.Clock; !c.IsZero() {
		parts = append(parts, clockNoteText(c))
	}
	if r := n.Refused; !r.IsZero() {
		parts = append(parts, refusedNoteText(r))
	}
	return strings.Join(parts, " ")
}

// clockNoteText says that this device's clock ran ahead and what was done.
func clockNoteText(c storage.ClockNote) string {
	n, unit := c.AheadUnit()
	var ahead string
	switch unit {
	case "day":
		ahead = countOf(int(n), "1 day", "%d days")
	case "hour":
		ahead = countOf(int(n), "1 hour", "%d hours")
	default:
		ahead = countOf(int(n), "1 minute", "%d minutes")
	}
	what := lang.L("it is set back now")
	if c.Ops > 0 {
		what = countOf(c.Ops, "1 change is re-stamped", "%d changes are re-stamped")
	}
	text := lang.L("This computer's clock ran {{.Ahead}} fast; {{.What}}.", map[string]any{"Ahead": ahead, "What": what})
	if c.StillWrong {
		text += " " + lang.L("The clock is still wrong: correct the date on the computer.")
	}
	return text
}

// refusedNoteText says that changes were refused and set aside, and where
// they are; the hub's reason on a Danish screen only.
func refusedNoteText(r storage.RefusedNote) string {
	args := map[string]any{"Count": r.Count, "Menu": refusedMenu()}
	var text string
	switch {
	case r.Bundle && r.Count == 1:
		text = lang.L("1 of this computer's changes is refused now and set aside (see {{.Menu}})", args)
	case r.Bundle:
		text = lang.L("{{.Count}} of this computer's changes are refused now and set aside (see {{.Menu}})", args)
	case r.Count == 1:
		text = lang.L("The municipality refused 1 change, which is set aside (see {{.Menu}})", args)
	default:
		text = lang.L("The municipality refused {{.Count}} changes, which are set aside (see {{.Menu}})", args)
	}
	if current() == model.Danish && r.Reason != "" {
		return text + ": " + r.Reason
	}
	return text + "."
}
