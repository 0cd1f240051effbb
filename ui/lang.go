package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"lokalraad/assets"
	"lokalraad/model"
	"lokalraad/model/xlsx"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// PrefLanguage is the preference that keeps the chosen language ("da" or
// "en"); cmd/lokalraad reads it with Language before calling SetupLanguage.
const PrefLanguage = "language"

// prefCouncil keeps the council shown last.
const prefCouncil = "council"

var (
	langMu  sync.RWMutex
	uiLang  = model.Danish
	catalog = map[string]string{} // the chosen catalogue, key → text
)

// Language returns the language chosen in a's preferences, "da" by default.
func Language(a fyne.App) string {
	if a.Preferences().StringWithFallback(PrefLanguage, "da") == "en" {
		return "en"
	}
	return "da"
}

// SetupLanguage loads the embedded catalogues into fyne's lang and selects
// the language: "da" (the default, whatever the system language) or "en".
//
// Fyne picks the catalogue closest to the system's locale and offers no way
// to choose another. When the system's language is the one chosen (Danish
// on a Danish computer) that is the chosen catalogue itself, given under
// its own tag. Otherwise the chosen catalogue is also registered under the
// system's locale (and its base language, and "en" for a system that names
// none): whatever Fyne then matches, it finds our texts. The Danish
// catalogue translates Fyne's own keys too.
//
// go-i18n parses the catalogue once for every tag it is given, about a
// millisecond and 1.5 MB each at start-up (issue 10): on a Danish computer
// it is given once. A later switch gives the new catalogue to every tag an
// earlier one was given to, so that none keeps the other language.
func SetupLanguage(code string) error {
	l := model.Danish
	if code == "en" {
		l = model.English
	} else if code != "" && code != "da" {
		return fmt.Errorf("ukendt sprog %q (da eller en)", code)
	}
	data, msgs, err := loadCatalog(string(l))
	if err != nil {
		return err
	}
	langMu.Lock()
	defer langMu.Unlock()
	for _, t := range catalogTags(l, lang.SystemLocale(), registered) {
		if err := lang.AddTranslationsForLocale(data, t); err != nil {
			return fmt.Errorf("%s.json: %w", l, err)
		}
		registered = append(registered, t)
	}
	uiLang, catalog = l, msgs
	return nil
}

// registered are the locale tags the app's catalogue has been given to
// fyne's lang under, in that order (SetupLanguage; under langMu).
var registered []fyne.Locale

// catalogTags are the locale tags language l's catalogue is given to fyne's
// lang under on a system whose locale is sys, when it was given under
// before (an earlier language) too.
func catalogTags(l model.Lang, sys fyne.Locale, before []fyne.Locale) []fyne.Locale {
	tags := []fyne.Locale{fyne.Locale(l)}
	if base, _, _ := strings.Cut(string(sys), "-"); base != string(l) {
		tags = append(tags, sys, fyne.Locale(sys.LanguageString()), fyne.Locale(base),
			"en") // the fallback when the system names no locale
	}
	tags = append(tags, before...)
	var out []fyne.Locale
	seen := map[fyne.Locale]bool{}
	for _, t := range tags {
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// loadCatalog reads a language's catalogue: its main file (da.json) and
// every feature file beside it (da-borgerbudget.json, …), so that features
// built side by side each keep their own texts. A key given twice is an
// error: one text, one place. It returns the merged catalogue as fyne's
// lang reads it, and its plain entries.
func loadCatalog(code string) ([]byte, map[string]string, error) {
	tr := assets.Translations()
	names, err := fs.Glob(tr, code+"-*.json")
	if err != nil {
		return nil, nil, err
	}
	names = append([]string{code + ".json"}, names...)
	merged := map[string]json.RawMessage{}
	msgs := map[string]string{}
	for _, name := range names {
		data, err := fs.ReadFile(tr, name)
		if err != nil {
			return nil, nil, err
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		for k, v := range raw {
			if _, dup := merged[k]; dup {
				return nil, nil, fmt.Errorf("%s: %q står også i en anden fil", name, k)
			}
			merged[k] = v
			text, ok, err := plainText(v)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %q: %w", name, k, err)
			}
			if ok {
				msgs[k] = text
			}
		}
	}
	data, err := json.Marshal(merged)
	if err != nil {
		return nil, nil, err
	}
	return data, msgs, nil
}

// plainText is a catalogue entry's text: the entry itself when it is a
// string, its "other" form when it has plural forms; ok is false for an
// entry that is neither.
func plainText(v json.RawMessage) (text string, ok bool, err error) {
	switch {
	case len(v) > 0 && v[0] == '"':
		err = json.Unmarshal(v, &text)
		return text, err == nil, err
	case len(v) > 0 && v[0] == '{':
		var forms struct {
			Other *string `json:"other"`
		}
		if err := json.Unmarshal(v, &forms); err != nil {
			return "", false, err
		}
		if forms.Other != nil {
			return *forms.Other, true, nil
		}
	}
	return "", false, nil
}

// current is the language of the screens.
func current() model.Lang {
	langMu.RLock()
	defer langMu.RUnlock()
	return uiLang
}

func translated(key string) bool {
	langMu.RLock()
	defer langMu.RUnlock()
	_, ok := catalog[key]
	return ok
}

// label is model.Label in the screen's language.
func label(v any) string { return model.Label(v, current()) }

// errText says what went wrong in the screen's language: validation errors
// through their catalogue key, the model's parse errors and storage's
// errors with their own (Danish) text.
func errText(err error) string {
	if err == nil {
		return ""
	}
	var parts []string
	for _, e := range flatten(err) {
		parts = append(parts, oneErr(e))
	}
	return strings.Join(parts, "\n")
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// errFieldLabel names the registry field a FieldError is about, as the
// forms label it: a form holds several amounts and shows the rules' message
// below them all, so the message names the one it is about. An amount's
// label says its unit, "(kr.)", also where the registry's label (which the
// conflicts view shows beside a value in kroner) does not.
func errFieldLabel(fe *model.FieldError) (string, bool) {
	if fe.Table == "" {
		return "", false
	}
	f, ok := model.FieldOf(fe.Table, fe.Field)
	if !ok {
		return "", false
	}
	key := f.Label
	if f.Kind == model.FieldMoney && !strings.HasSuffix(key, "(kr.)") {
		key += " (kr.)"
	}
	if !translated(key) {
		return "", false
	}
	return lang.L(key), true
}

// number writes n with the screen's language's thousands separator:
// "100.000" in Danish, "100,000" in English.
func number(n int) string {
	s := model.KronerNumber(int64(n) * 100)
	if current() != model.Danish {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// lowerFirst is s with its first letter small, for a message after a
// field's name and a colon.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func oneErr(err error) string {
	var fe *model.FieldError
	var ue *userError
	switch {
	case errors.As(err, &ue):
		return ue.msg
	case current() != model.Danish && sentinelKey(err) != "":
		return lang.L(sentinelKey(err))
	case errors.As(err, &fe):
		if label, ok := errFieldLabel(fe); ok && translated(fe.Key) {
			return label + ": " + lowerFirst(lang.L(fe.Key))
		}
		if translated(fe.Key) {
			if fe.Max > 0 {
				return lang.L(fe.Key) + " " + lang.L("(at most {{.Max}} characters)", map[string]any{"Max": number(fe.Max)})
			}
			return lang.L(fe.Key)
		}
		if current() == model.Danish {
			return fe.Da
		}
		return fe.Key
	case errors.Is(err, model.ErrBadDate):
		return lang.L("Invalid date, type e.g. 26.11.2026")
	case errors.Is(err, model.ErrBadTime):
		return lang.L("Invalid time, type e.g. 19:30")
	case errors.Is(err, model.ErrBadAmount):
		return lang.L("Invalid amount, type e.g. 12.500,50")
	case errors.Is(err, errBadNumber):
		return lang.L("Type a whole number")
	case errors.Is(err, storage.ErrDamaged):
		logDamage(err)
		return lang.L("The database is damaged; restore the newest good backup.")
	case errors.Is(err, storage.ErrNotDatabase):
		return lang.L("The file is not a Lokalråd database, or it is damaged.")
	case refusedAs(err, storage.ErrAccountsApproved):
		return lang.L("The year's accounts are approved at the annual general meeting and cannot be changed. Remove the approval first.")
	case refusedAs(err, storage.ErrOldPlan):
		return lang.L("The development plan of a year gone by cannot be changed. Make this year's plan as a copy.")
	case refusedAs(err, storage.ErrCouncilShared):
		return lang.L("The local council is shared with the municipality or with other computers, so deleting it here would delete it, and all it keeps, on all of them. It can only be deleted on a computer where it is not shared.")
	case errors.Is(err, storage.ErrLocked):
		return lang.L("The minutes are approved and locked. Reopen them to make changes.")
	}
	// Sync's stops that ask for a new enrolment code, also as the status
	// bar keeps them (their Danish text).
	for _, k := range enrolAgain {
		if errors.Is(err, k.err) || err.Error() == k.err.Error() {
			return lang.L(k.key)
		}
	}
	// A coded error (model.Error, a hub's refusal) carries a Danish
	// sentence; in English the screens say its code instead. An error
	// without a code is shown as it is.
	// An error without a code (model.Internal) carries Danish or a
	// library's English: in English the screens say that something
	// unexpected failed, and the text goes to the log.
	if current() != model.Danish {
		code := model.ErrorCode(err)
		if code == model.Internal {
			fyne.LogError("shown as an unexpected error", err)
		}
		if key, ok := codeTexts[code]; ok {
			return lang.L(key)
		}
	}
	return err.Error()
}

// refusedAs tells whether err is storage's refusal sentinel itself (a
// local edit refused), said as a sentence of the catalogue; a refusal
// that names the row and the year (a sync's, yearlock.go) keeps its text.
func refusedAs(err, sentinel error) bool {
	return errors.Is(err, sentinel) && err.Error() == sentinel.Error()
}

// enrolAgain are the catalogue keys of the errors after which this
// computer syncs only once enrolled again.
var enrolAgain = []errKey{
	{storage.ErrCopiedDevice, "This computer's data was copied from another computer, which uses the same identity. Your changes are kept here and are sent once the computer is enrolled again with a new enrolment code from the municipality."},
	{storage.ErrSecretMissing, "The database was moved or copied without its key file. Enrol the computer again with a new enrolment code from the municipality."},
}

// errKey is an error and the catalogue key that says it.
type errKey struct {
	err error
	key string
}

// sentinels are the catalogue keys of errors whose Danish sentence says
// more than the key (a file's or a sheet's name, details): a Danish screen
// shows the error as it is, the others the key's text. A sync file refused
// (exchange), and a workbook that cannot be read at all (model/xlsx).
var sentinels = []errKey{
	{exchange.ErrForeignBundle, "The sync file belongs to another local council."},
	{exchange.ErrRefusedBundle, "The sync file is refused, and nothing was read in."},
	{exchange.ErrBadBundle, "The file is not a sync file of Lokalråd, or it is damaged."},
	{exchange.ErrBundleTooMany, "Too many changes for one sync file: sync over the network instead."},
	{exchange.ErrBundleBlob, "An attachment in the sync file is damaged or unknown."},
	{xlsx.ErrNotWorkbook, "The file is not an Excel workbook (.xlsx)"},
	{xlsx.ErrNoSheets, "The workbook has no sheet of budget wishes, projects or members (the sheets must be named Budgetønsker, Projekter or Medlemmer)"},
	{xlsx.ErrOldFormat, "The file is in the old Excel format (.xls); open it in Excel or LibreOffice, save it as .xlsx and try again"},
	{xlsx.ErrPassword, "The workbook is protected by a password; save it without a password and try again"},
	{xlsx.ErrDamaged, "The workbook is damaged and cannot be read; open it in Excel or LibreOffice, save it again and try again"},
	{xlsx.ErrTooLarge, "The workbook is too large to be imported; a council's workbook is far smaller, so the file may be damaged"},
}

// sentinelKey is the key of the first of sentinels err is, or "".
func sentinelKey(err error) string {
	for _, k := range sentinels {
		if errors.Is(err, k.err) {
			return k.key
		}
	}
	return ""
}

// codeTexts are the catalogue keys of the error codes (model.Code).
var codeTexts = map[model.Code]string{
	model.NotFound:    "It is no longer there: perhaps it was deleted on another computer.",
	model.Locked:      "It is approved and locked. Reopen it to make changes.",
	model.Invalid:     "The input breaks a rule and was not saved.",
	model.Forbidden:   "This computer may not do that.",
	model.Conflict:    "It clashes with what is already there.",
	model.Unavailable: "The municipality's server does not answer – your changes are saved on this computer and will be sent when there is a connection.",
	model.DiskFull:    "The disk is full or the folder cannot be written. Nothing saved is lost.",
	model.Internal:    "Something unexpected went wrong, and it was not done. Try again; if it happens again, tell the municipality's IT staff what you did.",
	model.Canceled:    "It was stopped before it was done.",
}

// logDamage writes what SQLite's check found (its own English) to the
// log, where IT staff look; the screens say it in words.
func logDamage(err error) {
	var de *storage.DamageError
	if errors.As(err, &de) {
		fyne.LogError("SQLite's check of the database", errors.New(strings.Join(de.Problems, "; ")))
	}
}

var errBadNumber = errors.New("skriv et helt tal")
