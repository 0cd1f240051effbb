package ui

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"
)

// What the app keeps (the language, the council shown, the window's size)
// is there at the next start, in a file replaced whole: no other file is
// left in the folder, and a change that changes nothing writes nothing.
func TestPrefsKeptForTheNextStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fyne", PrefsFile)
	p := OpenPrefs(path, nil)
	changes := 0
	p.AddChangeListener(func() { changes++ })
	p.SetString(PrefLanguage, "en")
	p.SetString(prefCouncil, "c-1")
	p.SetFloat(prefWindowWidth, 1150)
	p.SetFloat(prefWindowHeight, 640)
	p.SetInt("tal", 7)
	p.SetBool("slået til", true)
	p.SetStringList("navne", []string{"Anna", "Bo"})
	p.SetIntList("numre", []int{3, 1})
	p.SetFloat(prefWindowWidth, 1150) // unchanged
	if changes != 8 {
		t.Errorf("%d changes told, want 8 (an unchanged value is no change)", changes)
	}

	next := OpenPrefs(path, nil)
	if got := next.String(PrefLanguage); got != "en" {
		t.Errorf("language %q at the next start, want en", got)
	}
	if got := next.StringWithFallback(prefCouncil, ""); got != "c-1" {
		t.Errorf("council %q, want c-1", got)
	}
	if w, h := next.Float(prefWindowWidth), next.FloatWithFallback(prefWindowHeight, 0); w != 1150 || h != 640 {
		t.Errorf("window %vx%v, want 1150x640", w, h)
	}
	if got := next.Int("tal"); got != 7 {
		t.Errorf("int %d, want 7", got)
	}
	if !next.Bool("slået til") {
		t.Error("bool lost")
	}
	if got := next.StringList("navne"); !slices.Equal(got, []string{"Anna", "Bo"}) {
		t.Errorf("string list %v", got)
	}
	if got := next.IntList("numre"); !slices.Equal(got, []int{3, 1}) {
		t.Errorf("int list %v", got)
	}
	if got := next.StringWithFallback("ukendt", "standard"); got != "standard" {
		t.Errorf("a missing key gave %q, want its fallback", got)
	}
	if got := next.IntWithFallback(PrefLanguage, 5); got != 5 {
		t.Errorf("a string read as an int gave %d, want the fallback", got)
	}
	next.RemoveValue(prefCouncil)
	if got := OpenPrefs(path, nil).String(prefCouncil); got != "" {
		t.Errorf("a removed council is back: %q", got)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != PrefsFile {
		t.Errorf("the folder holds %v, want only %s", entries, PrefsFile)
	}
}

// The first start of this version takes the preferences an older version
// kept in Fyne's own file: the user's language and window stay. Later
// starts read their own file, whatever Fyne's holds.
func TestPrefsTakenFromFyneOnce(t *testing.T) {
	a := test.NewTempApp(t)
	a.Preferences().SetString(PrefLanguage, "en")
	a.Preferences().SetFloat(prefWindowWidth, 1000)
	path := filepath.Join(t.TempDir(), PrefsFile)

	p := OpenPrefs(path, a.Preferences())
	if got := p.String(PrefLanguage); got != "en" {
		t.Errorf("language %q, want Fyne's en", got)
	}
	if got := p.Float(prefWindowWidth); got != 1000 {
		t.Errorf("width %v, want Fyne's 1000", got)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the values taken are not kept in the file: %v", err)
	}
	a.Preferences().SetString(PrefLanguage, "da")
	if got := OpenPrefs(path, a.Preferences()).String(PrefLanguage); got != "en" {
		t.Errorf("the next start read Fyne's %q, want its own en", got)
	}
}

// A file cut short or not JSON (a disk that failed, a hand edit) does not
// stop the app: it starts with no preferences, and the next change writes
// a whole file again.
func TestPrefsDamagedFileStartsEmpty(t *testing.T) {
	for name, data := range map[string]string{"empty": "", "cut short": `{"language": "e`, "a list": `["en"]`, "null": "null"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), PrefsFile)
			if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
			p := OpenPrefs(path, nil)
			if got := p.StringWithFallback(PrefLanguage, "da"); got != "da" {
				t.Errorf("language %q from a damaged file, want the fallback da", got)
			}
			p.SetString(PrefLanguage, "en")
			if got := OpenPrefs(path, nil).String(PrefLanguage); got != "en" {
				t.Errorf("after a change the file gives %q, want en", got)
			}
		})
	}
}

// Two windows of the app at once (two processes) each keep their own
// change: the language chosen in one is not undone when the other saves
// its window's size at its quit, though each change replaces the file
// whole.
func TestPrefsOfTwoWindowsAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fyne", PrefsFile)
	first := OpenPrefs(path, nil)
	first.SetString(prefCouncil, "c-1")
	second := OpenPrefs(path, nil)
	first.SetString(PrefLanguage, "en")
	second.SetFloat(prefWindowWidth, 1150)
	second.SetString(prefCouncil, "c-2")
	first.SetFloat(prefWindowHeight, 640)

	next := OpenPrefs(path, nil)
	if got := next.String(PrefLanguage); got != "en" {
		t.Errorf("language %q at the next start, want the en chosen in the first window", got)
	}
	if got := next.String(prefCouncil); got != "c-2" {
		t.Errorf("council %q, want c-2, the last one shown", got)
	}
	if w, h := next.Float(prefWindowWidth), next.Float(prefWindowHeight); w != 1150 || h != 640 {
		t.Errorf("window %vx%v, want 1150x640", w, h)
	}
}
