package ui

import (
	"slices"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"lokalraad/model"
)

// options are the choices of a select or radio group: a list of values,
// shown by their labels in the screen's language, in the list's order. The
// labels are made when asked for, so a change of language shows at the next
// build; a chosen label (or a select's index) gives back its value.
type options[T ~string] struct {
	values []T
	show   func(T) string
}

// enumOptions shows the values by model.Label (roles, kinds, statuses).
func enumOptions[T ~string](values []T) options[T] {
	return options[T]{values: values, show: func(v T) string { return label(v) }}
}

// keyOptions shows each value as the catalogue's text for a key.
func keyOptions[T ~string](values []T, key func(T) string) options[T] {
	return options[T]{values: values, show: func(v T) string { return lang.L(key(v)) }}
}

// labels are the values' labels, in order.
func (o options[T]) labels() []string {
	out := make([]string, len(o.values))
	for i, v := range o.values {
		out[i] = o.show(v)
	}
	return out
}

// labelOf is v's label ("" for a value not in the list).
func (o options[T]) labelOf(v T) string {
	if !slices.Contains(o.values, v) {
		return ""
	}
	return o.show(v)
}

// valueOf is the value shown as s, if one is.
func (o options[T]) valueOf(s string) (T, bool) {
	if i := slices.Index(o.labels(), s); i >= 0 {
		return o.values[i], true
	}
	var zero T
	return zero, false
}

// newSelect is a select of the labels that calls changed on a choice.
func (o options[T]) newSelect(changed func(string)) *widget.Select {
	return widget.NewSelect(o.labels(), changed)
}

// set shows v as chosen without calling the select's OnChanged; a value not
// in the list leaves the select as it is.
func (o options[T]) set(s *widget.Select, v T) {
	if l := o.labelOf(v); l != "" {
		setSelected(s, l)
	}
}

// chosen is the value the select shows, if it shows one.
func (o options[T]) chosen(s *widget.Select) (T, bool) {
	if i := s.SelectedIndex(); i >= 0 && i < len(o.values) {
		return o.values[i], true
	}
	var zero T
	return zero, false
}

// The screens' choices, one each.
var (
	itemKinds           = enumOptions(model.ItemKinds)
	meetingKinds        = enumOptions(model.MeetingKinds)
	meetingStatuses     = enumOptions(model.MeetingStatuses)
	roles               = enumOptions(model.Roles)
	projectStatuses     = enumOptions(model.ProjectStatuses)
	lineKinds           = enumOptions([]model.LineKind{model.LineExpense, model.LineOwn})
	applicationStatuses = enumOptions(model.ApplicationStatuses)
	answers             = enumOptions(model.Answers)
	wishStatuses        = enumOptions(model.WishStatuses)
	ballotKinds         = enumOptions(model.PBBallotKinds)
	countMethods        = enumOptions(model.PBMethods)
	tieRules            = enumOptions(model.PBTieRules)
	proposalStatuses    = enumOptions(model.ProposalStatuses)
	presences           = keyOptions(model.Presences, func(p model.Presence) string {
		return map[model.Presence]string{model.Present: "Present", model.Apology: "Apology (attendance)", model.AbsentP: "Absent"}[p]
	})
	planStatuses = options[model.PlanActionStatus]{values: model.PlanActionStatuses,
		show: func(s model.PlanActionStatus) string { return s.StatusLabel(current()) }}
	staffFilters = keyOptions([]staffFilter{staffWaiting, staffAll}, func(f staffFilter) string { return string(f) })
)

// staffFilter is what the staff's list shows: the wishes waiting for an
// answer, or all; its value is its catalogue key.
type staffFilter string

const (
	staffWaiting staffFilter = "Waiting for an answer"
	staffAll     staffFilter = "All budget wishes"
)

// optionField is a select of o in form f, showing cur (nothing when cur is
// not in the list); a choice is stored through set.
func optionField[T any, V ~string](f *form[T], title string, o options[V], cur V, set func(*T, V)) *widget.Select {
	return selectField(f, title, o.labels(), slices.Index(o.values, cur), func(x *T, i int) { set(x, o.values[i]) })
}
