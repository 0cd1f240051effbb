package storage

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"lokalraad/model"
)

// An entity describes how one registered table's row is a model struct T:
// which field holds the id and the council id, and for every column of the
// field registry (model/fields.go) which field of T holds it. The column
// order is the registry's; describe takes the columns in any order, by
// name, so the order is written once. record and scan, used by save, get
// and list, walk the same columns, so the two cannot disagree.
//
// describe checks the description against the registry and against T when
// the package is initialised (a registry column without a field, a column
// the registry does not have, a field of T that no column holds, a column
// whose Go type does not fit its kind): a mistake fails every test and
// every start, never a save in the field. TestEntitiesMatchRegistry names
// the mistake.
type entity[T any] struct {
	table
	id, council func(*T) *string
	binds       []col[T] // in registry order
}

// A col binds one column to one field of T.
type col[T any] struct {
	name  string
	kinds []model.FieldKind // the registry kinds the field's Go type can hold
	// addr is the field's address in *T (checked against T's fields).
	addr func(*T) any
	// get is the field's value as stored; set stores a scanned value in it.
	get func(*T) any
	set func(*T, any) error
}

// bindCol binds column name to the field f returns, of a Go type that can
// hold the registry's kinds: a field is stored as out(field) and set from
// the scanned value read as its stored type (asText, asInt) and turned
// into the field's type by in. Every …Col below is one line of it, so
// that the address, the stored value and the scan of a column are made
// in one place.
func bindCol[T, F, S any](name string, kinds []model.FieldKind, f func(*T) *F,
	read func(any) (S, error), out func(F) any, in func(S) F) col[T] {
	return col[T]{name: name, kinds: kinds,
		addr: func(p *T) any { return f(p) },
		get:  func(p *T) any { return out(*f(p)) },
		set: func(p *T, v any) error {
			s, err := read(v)
			*f(p) = in(s)
			return err
		},
	}
}

// textCol binds a text column (text, long text, enum, ref, e-mail, …) to a
// string field or a named string type (model.Role).
func textCol[T any, S ~string](name string, f func(*T) *S) col[T] {
	return bindCol(name, []model.FieldKind{model.FieldText, model.FieldLongText, model.FieldRef, model.FieldEnum,
		model.FieldEmail, model.FieldLines, model.FieldSHA256, model.FieldFileName, model.FieldAgenda,
		model.FieldMarks, model.FieldNumbers},
		f, asText, func(v S) any { return string(v) }, func(s string) S { return S(s) })
}

// intCol binds a whole number or an amount in øre (stored as int64) to an
// int or int64 field.
func intCol[T any, I ~int | ~int64](name string, f func(*T) *I) col[T] {
	return bindCol(name, []model.FieldKind{model.FieldInt, model.FieldMoney},
		f, asInt, func(v I) any { return int64(v) }, func(n int64) I { return I(n) })
}

// boolCol binds a 0-or-1 column to a bool field.
func boolCol[T any](name string, f func(*T) *bool) col[T] {
	return bindCol(name, []model.FieldKind{model.FieldBool},
		f, asInt, func(v bool) any { return boolInt(v) }, func(n int64) bool { return n != 0 })
}

// dateCol binds a date column (DateLayout, "" for none) to a time field.
func dateCol[T any](name string, f func(*T) *time.Time) col[T] {
	return bindCol(name, []model.FieldKind{model.FieldDate},
		f, asText, func(t time.Time) any { return dateText(t) }, parseDateText)
}

// stampCol binds a time stamp column (StampLayout, UTC) to a time field.
func stampCol[T any](name string, f func(*T) *time.Time) col[T] {
	return bindCol(name, []model.FieldKind{model.FieldStamp},
		f, asText, func(t time.Time) any { return stampText(t) }, parseStampText)
}

// asText is a scanned value as text, as database/sql converts into a
// *string.
func asText(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("storage: %T where text was expected", v)
}

// asInt is a scanned value as a whole number, as database/sql converts
// into an *int64: a text must be a number.
func asInt(v any) (int64, error) {
	switch v := v.(type) {
	case int64:
		return v, nil
	case string:
		return strconv.ParseInt(v, 10, 64)
	case []byte:
		return strconv.ParseInt(string(v), 10, 64)
	case nil:
		return 0, nil
	}
	return 0, fmt.Errorf("storage: %T where a whole number was expected", v)
}

// describe is the entity of a registered table; see entity for what it
// checks. unstored names fields of T that are not columns (derived or
// joined values), which a scan leaves zero.
func describe[T any](name string, id, council func(*T) *string, unstored []string, cols ...col[T]) entity[T] {
	e, err := describeErr(name, id, council, unstored, cols...)
	if err != nil {
		panic("storage: " + err.Error())
	}
	return e
}

func describeErr[T any](name string, id, council func(*T) *string, unstored []string, cols ...col[T]) (entity[T], error) {
	reg, ok := model.EntityOf(name)
	if !ok {
		return entity[T]{}, fmt.Errorf("%s is not in the field registry", name)
	}
	byName := map[string]col[T]{}
	for _, c := range cols {
		if _, dup := byName[c.name]; dup {
			return entity[T]{}, fmt.Errorf("%s.%s is described twice", name, c.name)
		}
		f, ok := model.FieldOf(name, c.name)
		if !ok {
			return entity[T]{}, fmt.Errorf("%s.%s is described but not in the field registry", name, c.name)
		}
		if !kindIn(f.Kind, c.kinds) {
			return entity[T]{}, fmt.Errorf("%s.%s: its field's Go type cannot hold the registry's kind %d", name, c.name, f.Kind)
		}
		byName[c.name] = c
	}
	out := entity[T]{table: table{reg.Table, reg.Columns()}, id: id, council: council}
	for _, f := range reg.Fields {
		c, ok := byName[f.Column]
		if !ok {
			return entity[T]{}, fmt.Errorf("%s.%s is in the field registry but no field of %T holds it", name, f.Column, *new(T))
		}
		out.binds = append(out.binds, c)
	}

	// Every field of T is the id, the council id, one column, or unstored.
	var probe T
	base := reflect.ValueOf(&probe).Pointer()
	typ := reflect.TypeOf(probe)
	held := map[uintptr]string{}
	hold := func(what string, addr any) error {
		off := reflect.ValueOf(addr).Pointer() - base
		if prev, ok := held[off]; ok && !(what == "council_id" && prev == "id") {
			return fmt.Errorf("%s: %s and %s hold the same field of %s", name, prev, what, typ)
		}
		held[off] = what
		return nil
	}
	if err := hold("id", id(&probe)); err != nil {
		return entity[T]{}, err
	}
	if err := hold("council_id", council(&probe)); err != nil {
		return entity[T]{}, err
	}
	for _, c := range out.binds {
		if err := hold(c.name, c.addr(&probe)); err != nil {
			return entity[T]{}, err
		}
	}
	skip := map[string]bool{}
	for _, u := range unstored {
		skip[u] = true
	}
	for i := range typ.NumField() {
		sf := typ.Field(i)
		if _, ok := held[sf.Offset]; !ok && sf.IsExported() && !skip[sf.Name] {
			return entity[T]{}, fmt.Errorf("%s: no column of the field registry holds %s.%s", name, typ, sf.Name)
		}
	}
	return out, nil
}

func kindIn(k model.FieldKind, ks []model.FieldKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// record is p's row as the write path writes it.
func (e entity[T]) record(p *T) record {
	r := record{table: e.name, id: *e.id(p), council: *e.council(p), fields: make([]field, len(e.binds))}
	for i, c := range e.binds {
		r.fields[i] = field{c.name, c.get(p)}
	}
	return r
}

// records is the rows of vs as the write path writes them.
func (e entity[T]) records(vs []T) []record {
	out := make([]record, len(vs))
	for i := range vs {
		out[i] = e.record(&vs[i])
	}
	return out
}

// scan reads a row selected by selectSQL.
func (e entity[T]) scan(s scanner) (T, error) {
	var v T
	vals := make([]any, 2+len(e.binds))
	dest := make([]any, len(vals))
	for i := range vals {
		dest[i] = &vals[i]
	}
	if err := s.Scan(dest...); err != nil {
		return v, err
	}
	council, err := asText(vals[1])
	if err != nil {
		return v, err
	}
	*e.council(&v) = council
	if *e.id(&v), err = asText(vals[0]); err != nil {
		return v, err
	}
	for i, c := range e.binds {
		if err := c.set(&v, vals[2+i]); err != nil {
			var coded *model.Error
			if errors.As(err, &coded) {
				return v, err // says what is wrong in the user's words
			}
			return v, fmt.Errorf("%s.%s: %w", e.name, c.name, err)
		}
	}
	return v, nil
}

// linesCol binds a column of lines (FieldLines) to a []string field: one
// element a line, none for "".
func linesCol[T any](name string, f func(*T) *[]string) col[T] {
	return bindCol(name, []model.FieldKind{model.FieldLines},
		f, asText, func(l []string) any { return strings.Join(l, "\n") },
		func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, "\n")
		})
}

// agendaCol binds an agenda template's items (FieldAgenda) to their field.
// Ops were checked on the way in; a line that no longer reads is left out
// rather than hiding the whole template.
func agendaCol[T any](name string, f func(*T) *[]model.TemplateItem) col[T] {
	return bindCol(name, []model.FieldKind{model.FieldAgenda},
		f, asText, func(items []model.TemplateItem) any { return model.FormatTemplateItems(items) },
		func(s string) []model.TemplateItem {
			items, _ := model.ParseTemplateItems(s)
			return items
		})
}

// numbersCol binds proposal numbers (FieldNumbers, "4 1 7") to an []int
// field; numbers that no longer read are left out, as ops were checked on
// the way in.
func numbersCol[T any](name string, f func(*T) *[]int) col[T] {
	return bindCol(name, []model.FieldKind{model.FieldNumbers},
		f, asText, func(ns []int) any { return model.FormatNumbers(ns) },
		func(s string) []int {
			ns, _ := model.ParseNumbers(s)
			return ns
		})
}
