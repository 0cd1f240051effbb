package storage

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// StatusNote is the status bar's note about this device's clock or its
// refused changes (MetaNote), kept as what happened rather than as
// sentences, so that each screen says it in its own language; Danish words
// it for the command line and the log. The zero StatusNote is no note (or
// a note an older version stored as Danish text, SyncState.Note).
type StatusNote struct {
	Clock   ClockNote   `json:"clock,omitzero"`
	Refused RefusedNote `json:"refused,omitzero"`
}

// ClockNote says this device's clock ran Ahead of the hub's and Ops unsent
// changes got a new stamp (Restamped); StillWrong that it still runs ahead.
type ClockNote struct {
	AheadSeconds int64 `json:"ahead_s,omitempty"`
	Ops          int   `json:"ops,omitempty"`
	StillWrong   bool  `json:"still_wrong,omitempty"`
}

// RefusedNote says Count of this device's changes were refused for good
// and set aside (Filer › Afviste ændringer): by the hub at a push, or,
// Bundle, by a file of the hub's that made them refused now. Reason is the
// first one's, as the hub words it (Danish).
type RefusedNote struct {
	Count  int    `json:"count,omitempty"`
	Reason string `json:"reason,omitempty"`
	Bundle bool   `json:"bundle,omitempty"`
}

// IsZero tells whether nothing is noted.
func (n StatusNote) IsZero() bool { return n == StatusNote{} }

// IsZero tells whether nothing is noted about the clock.
func (c ClockNote) IsZero() bool { return c == ClockNote{} }

// IsZero tells whether no refused changes are noted.
func (r RefusedNote) IsZero() bool { return r == RefusedNote{} }

// Ahead is how far the clock ran ahead.
func (c ClockNote) Ahead() time.Duration { return time.Duration(c.AheadSeconds) * time.Second }

// AheadUnit rounds the clock's lead to days, hours or minutes: n of unit
// "day", "hour" or "minute", as every language says it.
func (c ClockNote) AheadUnit() (n int64, unit string) {
	d := c.Ahead()
	switch {
	case d >= 36*time.Hour:
		return int64((d + 12*time.Hour) / (24 * time.Hour)), "day"
	case d >= 90*time.Minute:
		return int64((d + 30*time.Minute) / time.Hour), "hour"
	default:
		return max(1, int64((d+30*time.Second)/time.Minute)), "minute"
	}
}

// Danish words the clock note: "Enhedens ur gik 3 dage for hurtigt; 12
// ændringer er omstemplet."; "" for none.
func (c ClockNote) Danish() string {
	if c.IsZero() {
		return ""
	}
	what := "det er nu stillet tilbage"
	switch c.Ops {
	case 0:
	case 1:
		what = "1 ændring er omstemplet"
	default:
		what = fmt.Sprintf("%d ændringer er omstemplet", c.Ops)
	}
	n, unit := c.AheadUnit()
	words := map[string][2]string{"day": {"dag", "dage"}, "hour": {"time", "timer"}, "minute": {"minut", "minutter"}}[unit]
	ahead := fmt.Sprintf("%d %s", n, words[1])
	if n == 1 {
		ahead = "1 " + words[0]
	}
	s := fmt.Sprintf("Enhedens ur gik %s for hurtigt; %s.", ahead, what)
	if c.StillWrong {
		s += " Uret går stadig forkert: ret datoen på computeren."
	}
	return s
}

// Danish words the note of refused changes, with the hub's reason; "" for
// none.
func (r RefusedNote) Danish() string {
	var s string
	switch {
	case r.Count == 0:
		return ""
	case r.Bundle:
		s = fmt.Sprintf("%d af denne computers ændringer afvises nu og er lagt til side (se Filer › Afviste ændringer)", r.Count)
	case r.Count == 1:
		s = "Kommunen afviste 1 ændring, som er lagt til side (se Filer › Afviste ændringer)"
	default:
		s = fmt.Sprintf("Kommunen afviste %d ændringer, som er lagt til side (se Filer › Afviste ændringer)", r.Count)
	}
	if r.Reason != "" {
		return s + ": " + r.Reason
	}
	return s + "."
}

// Danish words the whole note, as the command line prints it.
func (n StatusNote) Danish() string {
	return strings.TrimSpace(n.Clock.Danish() + " " + n.Refused.Danish())
}

// storedNote is a note as MetaNote keeps it after its time: the
// StatusNote as JSON, or, from an older version or without a StatusNote,
// the text.
func storedNote(data StatusNote, text string) string {
	if data.IsZero() {
		return text
	}
	b, err := json.Marshal(data)
	if err != nil { // cannot happen: plain fields
		return text
	}
	return string(b)
}

// readNote reads a note MetaNote keeps after its time: JSON gives the
// StatusNote and its Danish; anything else is an older version's text,
// shown as it is.
func readNote(v string) (StatusNote, string) {
	var n StatusNote
	if strings.HasPrefix(v, "{") && json.Unmarshal([]byte(v), &n) == nil && !n.IsZero() {
		return n, n.Danish()
	}
	return StatusNote{}, v
}
