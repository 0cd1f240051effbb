package ui

import (
	"context"
	"errors"
	"slices"

	"fyne.io/fyne/v2/widget"
)

// editSave is how every editor saves the item it shows, as it is typed:
// read the fields, keep the valid ones (keepValid), keep the text of the
// refused ones as drafts, store an edit of what the editor loaded (storage
// compares the two, EditOf, so that a field nobody typed in keeps what a
// sync brought), say what was refused and why storing failed (the error
// vocabulary, showErr), and then show what was stored. An editor gives only
// what differs: its fields, its storage call and what it shows after.
type editSave[T any] struct {
	u       *App
	key     string        // names the editor's drafts: "member:" + id
	msg     *widget.Label // says what was refused or failed
	entries func() map[string]*entry
	// keyOf, given instead of key, names the drafts of a row of an
	// editor's list by what it holds (rowKey): none until it is stored.
	keyOf func(T) string

	// An editor whose fields the model names in its FieldErrors gives
	// read, validate and fields (keepValid).
	read     func(T) T // T with what the fields hold
	validate func(*T) error
	fields   map[string]revert[T]
	// also names the fields a refused one stands for as well (an end
	// before the start refuses both dates).
	also map[string][]string
	// unread are the fields whose own message says that their text could
	// not be read (a date, an amount), by name.
	unread map[string]*widget.Label

	// A form (itemEditor) gives check and shown instead: check is what of
	// loaded may be stored, with the refused fields (bad) and why (verr);
	// ok is false when nothing may be. shown is what the next save edits:
	// x as stored with what the fields show, but for the bad ones.
	check func(loaded T) (x T, bad []string, verr error, ok bool)
	shown func(x T, bad []string) T

	store func(ctx context.Context, loaded T, x *T) error
	// stored, when given, shows what storing changed of what was sent (a
	// title trimmed).
	stored func(sent, x T)
	// saved, when given, tells the screen that x was saved (its row), once
	// the editor holds it.
	saved func(x T)
}

// save stores what the fields hold as an edit of *loaded and, when it was
// stored, makes *loaded what the fields show.
func (s *editSave[T]) save(loaded *T) {
	x, bad, verr, ok := s.valid(*loaded)
	s.u.drafts.keep(s.draftKey(*loaded), s.entries(), bad)
	sent := x
	var err error
	if ok {
		err = s.store(s.u.ctx, *loaded, &x)
	}
	showErr(s.msg, errors.Join(verr, err))
	if !ok || err != nil {
		return
	}
	if s.stored != nil {
		s.stored(sent, x)
	}
	*loaded = s.next(x, bad)
	if s.keyOf != nil { // a new row has its id now
		s.u.drafts.keep(s.draftKey(*loaded), s.entries(), bad)
	}
	if s.saved != nil {
		s.saved(x)
	}
}

// restore shows the drafts kept for the item loaded, the text of fields
// refused before the user looked elsewhere, and saves them again with the
// editor's save, which says why they were refused.
func (s *editSave[T]) restore(loaded T, save func()) {
	if s.u.drafts.restore(s.draftKey(loaded), s.entries()) {
		save()
	}
}

// draftKey names the drafts of the editor, or of the row that holds x.
func (s *editSave[T]) draftKey(x T) string {
	if s.keyOf != nil {
		return s.keyOf(x)
	}
	return s.key
}

// rowKey names the drafts of a row of an editor's list ("line:" + id);
// a row not yet stored keeps none.
func rowKey(kind, id string) string {
	if id == "" {
		return ""
	}
	return kind + ":" + id
}

// valid is loaded with what the fields hold that may be stored.
func (s *editSave[T]) valid(loaded T) (T, []string, error, bool) {
	if s.check != nil {
		return s.check(loaded)
	}
	x, bad, verr, ok := keepValid(s.read(loaded), loaded, s.validate, s.fields)
	for f, more := range s.also {
		if slices.Contains(bad, f) {
			bad = append(bad, more...)
		}
	}
	for f, l := range s.unread {
		bad = parseBad(bad, l, f)
	}
	return x, bad, verr, ok
}

// next is what the next save edits: x as stored with what the fields
// show, but for the refused fields.
func (s *editSave[T]) next(x T, bad []string) T {
	if s.shown != nil {
		return s.shown(x, bad)
	}
	return shownBase(s.read(x), x, s.fields, bad)
}
