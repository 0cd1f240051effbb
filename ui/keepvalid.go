package ui

import (
	"errors"
	"slices"

	"lokalraad/model"
)

// An invalid field must never cost the valid ones. Every editor reads all
// its fields into the value it saves; when the model refuses one of them
// (an empty title, a 300-character name, an e-mail without @), that field
// alone goes back to its stored value and the others are saved. The
// refused text stays in its field with its message, and is kept as a
// draft while the user looks at something else, so that coming back shows
// it again until it is fixed.

// revert puts one field of dst back to its value in stored.
type revert[T any] func(dst *T, stored T)

// keepValid is x, read from the screen, with every field the model
// refuses put back to its value in stored (the fields are the names in
// model.FieldError). err lists what was refused, for the editor to show;
// bad names those fields. ok is false when x still cannot be saved (a
// refused field no editor field maps to).
func keepValid[T any](x, stored T, validate func(*T) error, fields map[string]revert[T]) (out T, bad []string, err error, ok bool) {
	err = validate(&x)
	if err == nil {
		return x, nil, nil, true
	}
	for _, e := range flatten(err) {
		var fe *model.FieldError
		if !errors.As(e, &fe) {
			continue
		}
		if r, found := fields[fe.Field]; found && !slices.Contains(bad, fe.Field) {
			r(&x, stored)
			bad = append(bad, fe.Field)
		}
	}
	return x, bad, err, validate(&x) == nil
}

// drafts keeps the text of fields that were refused, by editor and field,
// while the user looks at something else.
type drafts map[string]string

// keep remembers the text of the named entries that are bad and forgets
// the drafts of those that are not. prefix names the row ("wish:ID"); a
// row not yet stored (no id) keeps no drafts.
func (d drafts) keep(prefix string, entries map[string]*entry, bad []string) {
	if prefix == "" {
		return
	}
	for name, e := range entries {
		k := prefix + "\x00" + name
		if slices.Contains(bad, name) {
			d[k] = e.Text
		} else {
			delete(d, k)
		}
	}
}

// restore shows the remembered drafts in their entries and tells whether
// there were any.
func (d drafts) restore(prefix string, entries map[string]*entry) bool {
	if prefix == "" {
		return false
	}
	any := false
	for name, e := range entries {
		if s, ok := d[prefix+"\x00"+name]; ok {
			setText(e, s)
			any = true
		}
	}
	return any
}

// forget drops the drafts of a row (it was deleted).
func (d drafts) forget(prefix string) {
	for k := range d {
		if len(k) > len(prefix) && k[:len(prefix)+1] == prefix+"\x00" {
			delete(d, k)
		}
	}
}

// parseBad adds name to bad when the field's own message (a date or an
// amount that could not be read) is shown.
func parseBad(bad []string, l interface{ Visible() bool }, name string) []string {
	if l.Visible() {
		return append(bad, name)
	}
	return bad
}

// shownBase is what the next save edits: x as the fields show it (read
// again after a save, so that a field nobody typed in keeps what a sync
// brought), with the refused fields at their stored value.
func shownBase[T any](x, stored T, fields map[string]revert[T], bad []string) T {
	for _, f := range bad {
		if r, ok := fields[f]; ok {
			r(&x, stored)
		}
	}
	return x
}
