package model

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Copenhagen's rules on machines without a zoneinfo database
)

// Copenhagen is Danish local time, in which every date and time is shown.
var Copenhagen = mustZone("Europe/Copenhagen")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded
	}
	return loc
}

// Lang is the language of screens and documents: "da" (the default) or "en".
type Lang string

// The two languages.
const (
	Danish  Lang = "da"
	English Lang = "en"
)

var monthsDa = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}
var weekdaysDa = [...]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"}

// LongDate formats a date as "26. november 2026" (English: "26 November 2026"),
// in Danish local time.
func LongDate(t time.Time, l Lang) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Copenhagen)
	if l == English {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d. %s %d", t.Day(), monthsDa[t.Month()-1], t.Year())
}

// WeekdayDate formats a date as "torsdag 26. november 2026".
func WeekdayDate(t time.Time, l Lang) string {
	if t.IsZero() {
		return ""
	}
	if l == English {
		return t.In(Copenhagen).Format("Monday ") + LongDate(t, l)
	}
	return weekdaysDa[t.In(Copenhagen).Weekday()] + " " + LongDate(t, l)
}

// ShortDate formats a date as "26.11.2026".
func ShortDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Copenhagen).Format("02.01.2006")
}

// Clock formats a time of day as "19:30".
func Clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Copenhagen).Format("15:04")
}

// DateTime formats as "26.11.2026 19:30".
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return ShortDate(t) + " " + Clock(t)
}

// Week gives the ISO week number, "uge 48" (English "week 48").
func Week(t time.Time, l Lang) string {
	_, w := t.In(Copenhagen).ISOWeek()
	if l == English {
		return fmt.Sprintf("week %d", w)
	}
	return fmt.Sprintf("uge %d", w)
}

// ErrBadDate is returned by ParseDate for text that is no date.
var ErrBadDate = errors.New("ugyldig dato, skriv fx 26.11.2026")

// ParseDate reads a date typed the Danish way, "26.11.2026", "26-11-2026",
// "26/11/2026" or "2026-11-26", as midnight in Danish local time. Empty text
// gives the zero time.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	// "1/3-2027" and "1/3 2027" are how many Danes write the first of March.
	for _, layout := range []string{"2.1.2006", "2-1-2006", "2/1/2006", "2/1-2006", "2/1 2006", "2006-01-02", "2.1.06"} {
		if t, err := time.ParseInLocation(layout, s, Copenhagen); err == nil {
			return t, nil
		}
	}
	if t, ok := parseLongDate(s); ok {
		return t, nil
	}
	return time.Time{}, ErrBadDate
}

// parseLongDate reads the long date the app prints, »3. marts 2027« (the
// dot may be left out, the month capitalised) or »3 March 2027«.
func parseLongDate(s string) (time.Time, bool) {
	f := strings.Fields(s)
	if len(f) != 3 {
		return time.Time{}, false
	}
	d, err := strconv.Atoi(strings.TrimSuffix(f[0], "."))
	if err != nil {
		return time.Time{}, false
	}
	y, err := strconv.Atoi(f[2])
	if err != nil || len(f[2]) != 4 {
		return time.Time{}, false
	}
	name := strings.ToLower(f[1])
	for i, m := range monthsDa {
		if name == m || name == strings.ToLower(time.Month(i+1).String()) {
			t := time.Date(y, time.Month(i+1), d, 0, 0, 0, 0, Copenhagen)
			if d < 1 || t.Day() != d {
				return time.Time{}, false // 31. februar
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// ErrBadTime is returned by ParseClock for text that is no time of day.
var ErrBadTime = errors.New("ugyldigt klokkeslæt, skriv fx 19:30")

// ParseClock reads "19:30" or "19.30" and returns the date d at that time in
// Danish local time.
func ParseClock(d time.Time, s string) (time.Time, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ".", ":")
	if s == "" {
		s = "00:00"
	}
	c, err := time.Parse("15:04", s)
	if err != nil {
		return time.Time{}, ErrBadTime
	}
	d = d.In(Copenhagen)
	return time.Date(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), 0, 0, Copenhagen), nil
}

// Kroner formats øre as Danish kroner: "12.500 kr." or "12.500,50 kr.".
func Kroner(øre int64) string {
	return KronerNumber(øre) + " kr."
}

// KronerNumber formats øre without the unit: "12.500" or "12.500,50".
func KronerNumber(øre int64) string {
	neg := øre < 0
	if neg {
		øre = -øre
	}
	kr, rest := øre/100, øre%100
	digits := strconv.FormatInt(kr, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if rest != 0 {
		fmt.Fprintf(&b, ",%02d", rest)
	}
	return b.String()
}

// ErrBadAmount is returned by ParseKroner for text that is no amount.
var ErrBadAmount = errors.New("ugyldigt beløb, skriv fx 12.500,50")

// ParseKroner reads an amount typed the Danish way ("12.500,50", "12500",
// "12.500 kr.", "1 500") into øre. Empty text is 0.
func ParseKroner(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "kr.")
	s = strings.TrimSuffix(s, "kr")
	s = strings.TrimPrefix(s, "kr.")
	s = strings.NewReplacer(" ", "", "\u00a0", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0, nil
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ",")
	// Dots group thousands: "1.250.000". "1.234.50" or "3.12.2026" is a
	// typo or a date, never an amount a hundred times too big.
	if strings.Contains(whole, ".") {
		groups := strings.Split(whole, ".")
		if n := len(groups[0]); n == 0 || n > 3 {
			return 0, ErrBadAmount
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, ErrBadAmount
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" {
		whole = "0"
	}
	if strings.ContainsAny(whole, "+-") {
		return 0, ErrBadAmount
	}
	kr, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || kr > 1e15 {
		return 0, ErrBadAmount
	}
	var øre int64
	if hasFrac {
		if len(frac) == 0 || len(frac) > 2 {
			return 0, ErrBadAmount
		}
		if len(frac) == 1 {
			frac += "0"
		}
		øre, err = strconv.ParseInt(frac, 10, 64)
		if err != nil {
			return 0, ErrBadAmount
		}
	}
	v := kr*100 + øre
	if neg {
		v = -v
	}
	return v, nil
}

// ListLines is the entries of a text typed one a line (names, areas): its
// lines trimmed, the empty ones left out.
func ListLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Label gives the Danish (or English) name of a role, kind or status, as
// shown on screen and paper.
func Label(v any, l Lang) string {
	var key string
	switch x := v.(type) {
	case Role:
		key = string(x)
	case MeetingKind:
		key = string(x)
	case MeetingStatus:
		key = "meeting." + string(x)
	case ItemKind:
		key = string(x)
	case ProjectStatus:
		key = "project." + string(x)
	case LineKind:
		key = string(x)
	case ApplicationStatus:
		key = "application." + string(x)
	case WishStatus:
		key = "wish." + string(x)
	case Answer:
		key = "answer." + string(x)
	case PBPhase:
		key = "pbphase." + string(x)
	case PBBallotKind:
		key = "pbkind." + string(x)
	case PBTieRule:
		key = "pbtie." + string(x)
	case CountMethod:
		key = "pbmethod." + string(x)
	case ProposalStatus:
		key = "proposal." + string(x)
	default:
		return fmt.Sprint(v)
	}
	if p, ok := labels[key]; ok {
		if l == English {
			return p[1]
		}
		return p[0]
	}
	return fmt.Sprint(v)
}

var labels = map[string][2]string{
	"formand":              {"Formand", "Chair"},
	"naestformand":         {"Næstformand", "Vice chair"},
	"kasserer":             {"Kasserer", "Treasurer"},
	"sekretaer":            {"Sekretær", "Secretary"},
	"medlem":               {"Medlem", "Member"},
	"suppleant":            {"Suppleant", "Substitute"},
	"bestyrelsesmoede":     {"Bestyrelsesmøde", "Board meeting"},
	"borgermoede":          {"Borgermøde", "Citizens' meeting"},
	"generalforsamling":    {"Generalforsamling", "Annual general meeting"},
	"dialogmoede":          {"Dialogmøde", "Dialogue meeting"},
	"meeting.planlagt":     {"Planlagt", "Planned"},
	"meeting.afholdt":      {"Afholdt", "Held"},
	"meeting.godkendt":     {"Referat godkendt", "Minutes approved"},
	"orientering":          {"Til orientering", "For information"},
	"droeftelse":           {"Til drøftelse", "For discussion"},
	"beslutning":           {"Til beslutning", "For decision"},
	"project.ide":          {"Idé", "Idea"},
	"project.planlaegning": {"Under planlægning", "Planning"},
	"project.soegt":        {"Søgt om midler", "Funding applied for"},
	"project.igang":        {"I gang", "Running"},
	"project.afsluttet":    {"Afsluttet", "Completed"},
	"project.opgivet":      {"Opgivet", "Abandoned"},
	"udgift":               {"Udgift", "Expense"},
	"egenfinansiering":     {"Egenfinansiering", "Own financing"},
	"application.udkast":   {"Udkast", "Draft"},
	"application.sendt":    {"Sendt", "Sent"},
	"application.bevilget": {"Bevilget", "Granted"},
	"application.delvist":  {"Delvist bevilget", "Partly granted"},
	"application.afslag":   {"Afslag", "Rejected"},
	"wish.udkast":          {"Udkast", "Draft"},
	"wish.klar":            {"Klar", "Ready"},
	"wish.indsendt":        {"Indsendt", "Submitted"},
	"wish.besvaret":        {"Besvaret", "Answered"},
	"answer.":              {"Intet svar endnu", "No answer yet"},
	"answer.bevilget":      {"Bevilget", "Granted"},
	"answer.delvist":       {"Delvist bevilget", "Partly granted"},
	"answer.afslag":        {"Afslag", "Rejected"},
	"answer.udskudt":       {"Udskudt til senere år", "Moved to a later year"},
}

// MeetingTitle is the title a meeting is shown with: its own, or its kind
// and date.
func MeetingTitle(m Meeting, l Lang) string {
	if strings.TrimSpace(m.Title) != "" {
		return m.Title
	}
	return Label(m.Kind, l) + " " + ShortDate(m.Start)
}

// FileName makes a file name a user recognises from its parts, e.g.
// "Mødemappe – Jyderup Lokalråd – 12.12.2026.pdf", that NTFS and a USB
// stick's FAT32 both accept: the characters they refuse (<>:"/\|?* and
// control characters) become "-", a name Windows reserves for a device
// (CON, PRN, AUX, NUL, COM1–9, LPT1–9, whatever follows the first dot)
// gets a "_" before that dot, no part ends in a dot or space, and the name
// before the extension is at most maxFileNameRunes characters, so that it
// fits in Windows' 260-character paths from a folder a few levels deep.
func FileName(ext string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		p = strings.Map(func(r rune) rune {
			if strings.ContainsRune(`<>:"/\|?*`, r) || r < 32 || r == 0x7f {
				return '-'
			}
			return r
		}, strings.TrimSpace(p))
		p = strings.TrimRight(p, ". ")
		if p != "" {
			kept = append(kept, p)
		}
	}
	name := strings.Join(kept, " – ")
	if r := []rune(name); len(r) > maxFileNameRunes {
		name = strings.TrimRight(string(r[:maxFileNameRunes]), ". –-")
	}
	if name == "" {
		name = "Lokalråd"
	}
	if reservedOnWindows(name) {
		base, rest, dot := strings.Cut(name, ".")
		name = strings.TrimRight(base, " ") + "_"
		if dot {
			name += "." + rest
		}
	}
	ext = strings.Trim(strings.TrimPrefix(ext, "."), ". ")
	if ext == "" {
		return name
	}
	return name + "." + ext
}

// maxFileNameRunes bounds FileName's name before the extension; NTFS and
// FAT32 allow 255 UTF-16 units, but the whole path must stay under 260.
const maxFileNameRunes = 100

// reservedOnWindows says whether Windows takes a file of this name (before
// its first dot, in any case, with or without trailing spaces) for a device.
func reservedOnWindows(name string) bool {
	base, _, _ := strings.Cut(name, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT") {
		switch base[3:] {
		case "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}
