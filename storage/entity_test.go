package storage

import (
	"strings"
	"testing"
	"time"

	"lokalraad/model"
)

// The entity descriptions hold every column of the registry and every
// field of the model, each once: describe refuses any other description.
func TestEntitiesMatchRegistry(t *testing.T) {
	id := func(b *model.BudgetLine) *string { return &b.ID }
	council := func(b *model.BudgetLine) *string { return &b.CouncilID }
	project := textCol("project_id", func(b *model.BudgetLine) *string { return &b.ProjectID })
	text := textCol("text", func(b *model.BudgetLine) *string { return &b.Text })
	kind := textCol("kind", func(b *model.BudgetLine) *model.LineKind { return &b.Kind })
	amount := intCol("amount", func(b *model.BudgetLine) *int64 { return &b.Amount })

	good, err := describeErr("budget_lines", id, council, nil, amount, kind, text, project)
	if err != nil {
		t.Fatalf("a right description, in another order, is refused: %v", err)
	}
	if got := strings.Join(good.table.cols, ","); got != "project_id,text,kind,amount" {
		t.Errorf("columns in %s, want the registry's order", got)
	}

	for _, c := range []struct {
		why  string
		cols []col[model.BudgetLine]
		want string
	}{
		{"a registry column without a field", []col[model.BudgetLine]{project, text, kind}, "budget_lines.amount is in the field registry"},
		{"a field without a registry column", []col[model.BudgetLine]{project, text, amount,
			textCol("kind", func(b *model.BudgetLine) *model.LineKind { return &b.Kind }),
			textCol("colour", func(b *model.BudgetLine) *string { return &b.Text })}, "budget_lines.colour is described but not"},
		{"two columns in one field", []col[model.BudgetLine]{project, amount, kind,
			textCol("text", func(b *model.BudgetLine) *string { return &b.ProjectID })}, "hold the same field"},
		{"a column described twice", []col[model.BudgetLine]{project, text, kind, amount, amount}, "described twice"},
		{"money in a date field", []col[model.BudgetLine]{project, text, kind,
			dateCol("amount", func(b *model.BudgetLine) *time.Time { return new(time.Time) })}, "cannot hold"},
	} {
		_, err := describeErr("budget_lines", id, council, nil, c.cols...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.why, err, c.want)
		}
	}

	// A field of the model that no column holds (a struct field added and
	// not registered): Note has no column.
	type lineWithNote struct {
		model.BudgetLine
		Note string
	}
	_, err = describeErr("budget_lines", func(b *lineWithNote) *string { return &b.ID },
		func(b *lineWithNote) *string { return &b.CouncilID }, nil,
		textCol("project_id", func(b *lineWithNote) *string { return &b.ProjectID }),
		textCol("text", func(b *lineWithNote) *string { return &b.Text }),
		textCol("kind", func(b *lineWithNote) *model.LineKind { return &b.Kind }),
		intCol("amount", func(b *lineWithNote) *int64 { return &b.Amount }))
	if err == nil || !strings.Contains(err.Error(), "Note") {
		t.Errorf("a struct field without a column: %v, want an error naming Note", err)
	}
}

// storedRow scans a row of stored values, as the driver gives them.
type storedRow []any

func (r storedRow) Scan(dest ...any) error {
	for i, d := range dest {
		*d.(*any) = r[i]
	}
	return nil
}

// roundTrip gives every column of e a value unlike its zero, as the
// database would return it, and checks that scan then record gives back
// exactly the stored values: no column is read into one field and written
// from another, or dropped.
func roundTrip[T any](t *testing.T, e entity[T]) {
	t.Helper()
	row := storedRow{"id-1", "council-1"}
	for i, c := range e.binds {
		f, _ := model.FieldOf(e.name, c.name)
		var v any
		switch f.Kind {
		case model.FieldInt, model.FieldMoney:
			v = int64(i + 1)
		case model.FieldBool:
			v = int64(1)
		case model.FieldDate:
			v = time.Date(2026, 1, i+1, 0, 0, 0, 0, model.Copenhagen).Format(dateLayout)
		case model.FieldStamp:
			v = time.Date(2026, 1, 1, 12, i, 0, 0, time.UTC).Format(stampLayout)
		case model.FieldAgenda:
			v = model.FormatTemplateItems([]model.TemplateItem{{Title: "Godkendelse af referat", Kind: model.ItemKinds[0], Minutes: 5},
				{Title: "Eventuelt", Kind: model.ItemKinds[0], Minutes: 10}})
		case model.FieldNumbers:
			v = "4 1 7"
		case model.FieldLines:
			v = "første linje\nanden linje"
		default:
			v = "value of " + c.name
		}
		row = append(row, v)
	}
	got, err := e.scan(row)
	if err != nil {
		t.Fatalf("%s: %v", e.name, err)
	}
	rec := e.record(&got)
	if rec.id != "id-1" || (rec.council != "council-1" && e.name != "councils") {
		t.Errorf("%s: id %q council %q", e.name, rec.id, rec.council)
	}
	for i, f := range rec.fields {
		if f.name != e.binds[i].name || f.value != row[2+i] {
			t.Errorf("%s.%s: stored %v, written back as %s = %v", e.name, e.binds[i].name, row[2+i], f.name, f.value)
		}
	}
}

func TestEntityRoundTrip(t *testing.T) {
	roundTrip(t, councilD)
	roundTrip(t, memberD)
	roundTrip(t, meetingD)
	roundTrip(t, itemD)
	roundTrip(t, actionD)
	roundTrip(t, projectD)
	roundTrip(t, lineD)
	roundTrip(t, appD)
	roundTrip(t, wishD)
	roundTrip(t, entryD)
	roundTrip(t, accYearD)
	roundTrip(t, attachD)
	roundTrip(t, yearRuleD)
	roundTrip(t, templateD)
	roundTrip(t, poolD)
	roundTrip(t, deadlineD)
	roundTrip(t, contactD)
	roundTrip(t, announcementD)
	roundTrip(t, planD)
	roundTrip(t, focusD)
	roundTrip(t, planActionD)
	roundTrip(t, pubD)
	roundTrip(t, pbRoundD)
	roundTrip(t, pbProposalD)
	roundTrip(t, pbTotalD)
}
