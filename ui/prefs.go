package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"fyne.io/fyne/v2"
)

// PrefsFile is the app's own preferences file, in Fyne's folder for the
// app (a.Storage().RootURI()).
const PrefsFile = "lokalraad-indstillinger.json"

// filePrefs is fyne.Preferences kept in a JSON file that every change
// replaces whole and at once (writeWhole), before the change returns.
//
// Fyne 2.7.1's own preferences write their file in place, and a write
// within 100 ms of the last is left to a goroutine: a process that ends
// then (every quit that saves the window's size, or a log-out) can leave
// the file cut short, and the next start finds it empty (»Preferences load
// error: EOF«) and forgets the language, the council shown and the
// window's size. Here a quit can only keep the old file or the new one.
// Each change first takes what the file holds (reload), so that two
// windows of the app at once do not undo each other's changes.
type filePrefs struct {
	path string

	mu        sync.Mutex
	values    map[string]any
	listeners []func()
	// unsaved is set while the file lacks a change (its last write
	// failed): the values in memory are then the ones to keep.
	unsaved bool
}

// OpenPrefs reads the preferences kept at path, or starts from seed's
// (Fyne's preferences, which an earlier version kept its own in) when
// there is no file yet. A damaged file is logged and read as empty:
// preferences are conveniences, never a reason for the app not to start.
func OpenPrefs(path string, seed fyne.Preferences) fyne.Preferences {
	p := &filePrefs{path: path, values: map[string]any{}}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Fyne's preferences hold their values in a map they lend out.
		if r, ok := seed.(interface{ ReadValues(func(map[string]any)) }); ok {
			r.ReadValues(func(m map[string]any) { maps.Copy(p.values, m) })
		}
		if len(p.values) > 0 {
			p.mu.Lock()
			p.save()
			p.mu.Unlock()
		}
	case err != nil:
		log.Printf("lokalraad: indstillinger %s: %v", path, err)
	default:
		if err := json.Unmarshal(data, &p.values); err != nil || p.values == nil {
			log.Printf("lokalraad: indstillinger %s kan ikke læses og bruges ikke: %v", path, err)
			p.values = map[string]any{}
		}
	}
	return p
}

// save writes the values; p.mu is held. A failure is logged: the values
// stay in memory for this session.
func (p *filePrefs) save() {
	data, err := json.MarshalIndent(p.values, "", "  ")
	if err == nil {
		if err = os.MkdirAll(filepath.Dir(p.path), 0o700); err == nil {
			err = writeWhole(p.path, data)
		}
	}
	p.unsaved = err != nil
	if err != nil {
		log.Printf("lokalraad: gem indstillinger: %v", err)
	}
}

// writeWhole replaces the file at path by data at once: written beside it,
// synced and renamed over it (which replaces a file on Windows too), so
// the file is always the old one or the new one, whole.
func writeWhole(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // nothing there after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// reload takes the values in the file before a change is written: another
// window of the app (another process) may have saved its own changes
// since this one read it, and the change replaces the file whole. A file
// that cannot be read, or that lacks this window's unsaved changes, leaves
// the values in memory as they are. p.mu is held.
func (p *filePrefs) reload() {
	if p.unsaved {
		return
	}
	data, err := os.ReadFile(p.path)
	if err != nil {
		return
	}
	var values map[string]any
	if json.Unmarshal(data, &values) != nil || values == nil {
		return
	}
	p.values = values
}

func (p *filePrefs) get(key string) (any, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.values[key]
	return v, ok
}

func (p *filePrefs) set(key string, value any) {
	p.mu.Lock()
	p.reload()
	if old, ok := p.values[key]; ok && fmt.Sprint(old) == fmt.Sprint(value) {
		p.mu.Unlock()
		return // unchanged: no write
	}
	p.values[key] = value
	p.save()
	listeners := slices.Clone(p.listeners)
	p.mu.Unlock()
	for _, l := range listeners {
		l()
	}
}

func (p *filePrefs) RemoveValue(key string) {
	p.mu.Lock()
	p.reload()
	if _, ok := p.values[key]; !ok {
		p.mu.Unlock()
		return
	}
	delete(p.values, key)
	p.save()
	listeners := slices.Clone(p.listeners)
	p.mu.Unlock()
	for _, l := range listeners {
		l()
	}
}

func (p *filePrefs) AddChangeListener(l func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.listeners = append(p.listeners, l)
}

func (p *filePrefs) ChangeListeners() []func() {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.listeners)
}

// one reads key as a T; a number read back from JSON is a float64.
func one[T bool | float64 | int | string](p *filePrefs, key string, fallback T) T {
	v, ok := p.get(key)
	if !ok {
		return fallback
	}
	var zero T
	switch any(zero).(type) {
	case int:
		if f, ok := v.(float64); ok {
			return any(int(f)).(T)
		}
	case float64:
		if i, ok := v.(int); ok {
			return any(float64(i)).(T)
		}
	}
	if t, ok := v.(T); ok {
		return t
	}
	return fallback
}

// many reads key as a list of T, from memory ([]T) or from JSON ([]any).
func many[T bool | float64 | int | string](p *filePrefs, key string, fallback []T) []T {
	v, ok := p.get(key)
	if !ok {
		return fallback
	}
	if l, ok := v.([]T); ok {
		return slices.Clone(l)
	}
	items, ok := v.([]any)
	if !ok {
		return fallback
	}
	out := make([]T, 0, len(items))
	for _, item := range items {
		var zero T
		if _, isInt := any(zero).(int); isInt {
			if f, ok := item.(float64); ok {
				item = int(f)
			}
		}
		t, ok := item.(T)
		if !ok {
			return fallback
		}
		out = append(out, t)
	}
	return out
}

func (p *filePrefs) Bool(key string) bool { return one(p, key, false) }
func (p *filePrefs) BoolWithFallback(key string, fallback bool) bool {
	return one(p, key, fallback)
}
func (p *filePrefs) SetBool(key string, value bool)     { p.set(key, value) }
func (p *filePrefs) BoolList(key string) []bool         { return many[bool](p, key, nil) }
func (p *filePrefs) SetBoolList(key string, v []bool)   { p.set(key, slices.Clone(v)) }
func (p *filePrefs) Float(key string) float64           { return one(p, key, 0.0) }
func (p *filePrefs) SetFloat(key string, value float64) { p.set(key, value) }
func (p *filePrefs) FloatList(key string) []float64     { return many[float64](p, key, nil) }
func (p *filePrefs) SetFloatList(key string, v []float64) {
	p.set(key, slices.Clone(v))
}
func (p *filePrefs) Int(key string) int                 { return one(p, key, 0) }
func (p *filePrefs) SetInt(key string, value int)       { p.set(key, value) }
func (p *filePrefs) IntList(key string) []int           { return many[int](p, key, nil) }
func (p *filePrefs) SetIntList(key string, v []int)     { p.set(key, slices.Clone(v)) }
func (p *filePrefs) String(key string) string           { return one(p, key, "") }
func (p *filePrefs) SetString(key string, value string) { p.set(key, value) }
func (p *filePrefs) StringList(key string) []string     { return many[string](p, key, nil) }
func (p *filePrefs) SetStringList(key string, v []string) {
	p.set(key, slices.Clone(v))
}
func (p *filePrefs) BoolListWithFallback(key string, fallback []bool) []bool {
	return many(p, key, fallback)
}
func (p *filePrefs) FloatWithFallback(key string, fallback float64) float64 {
	return one(p, key, fallback)
}
func (p *filePrefs) FloatListWithFallback(key string, fallback []float64) []float64 {
	return many(p, key, fallback)
}
func (p *filePrefs) IntWithFallback(key string, fallback int) int { return one(p, key, fallback) }
func (p *filePrefs) IntListWithFallback(key string, fallback []int) []int {
	return many(p, key, fallback)
}
func (p *filePrefs) StringWithFallback(key, fallback string) string {
	return one(p, key, fallback)
}
func (p *filePrefs) StringListWithFallback(key string, fallback []string) []string {
	return many(p, key, fallback)
}

// WithPrefs is a with its preferences kept in p instead of Fyne's.
func WithPrefs(a fyne.App, p fyne.Preferences) fyne.App { return prefsApp{a, p} }

type prefsApp struct {
	fyne.App
	prefs fyne.Preferences
}

func (a prefsApp) Preferences() fyne.Preferences { return a.prefs }
