package model

import (
	"errors"
	"testing"
)

// A refused amount names its column in the field registry, so that the
// screens can name it with the registry's label in the user's language.
func TestRefusedAmountsNameTheirRegistryColumn(t *testing.T) {
	for _, tt := range []struct {
		v             validatable
		table, column string
	}{
		{&Council{Name: "R", AnnualGrant: -1}, "councils", "annual_grant"},
		{&BudgetLine{ProjectID: "p", Text: "x", Kind: LineExpense, Amount: -1}, "budget_lines", "amount"},
		{&FundingApplication{ProjectID: "p", Pool: "P", Status: ApplicationDraft, Applied: -1}, "funding_applications", "applied"},
		{&FundingApplication{ProjectID: "p", Pool: "P", Status: ApplicationDraft, Granted: MaxAmount + 1}, "funding_applications", "granted"},
		{&BudgetWish{Year: 2027, Title: "C", Status: WishDraft, Estimate: -1}, "budget_wishes", "estimate"},
		{&BudgetWish{Year: 2027, Title: "C", Status: WishDraft, Granted: MaxAmount + 1}, "budget_wishes", "granted"},
		{&Pool{Name: "P", OpenAllYear: true, Available: -1}, "pools", "available"},
		{&Pool{Name: "P", OpenAllYear: true, MaxPerApp: -1}, "pools", "max_per_application"},
		{&Pool{Name: "P", OpenAllYear: true, Available: 100, MaxPerApp: 200}, "pools", "max_per_application"},
		{&Pool{Name: "P", OpenAllYear: true, MinProjectTotal: -1}, "pools", "min_project_total"},
		{&Pool{Name: "P", OpenAllYear: true, VolunteerRate: -1}, "pools", "volunteer_rate"},
		{&PBProposal{RoundID: "r", Number: 1, Title: "F", Status: ProposalReceived, Cost: -1}, "pb_proposals", "cost"},
		{&PBProposal{RoundID: "r", Number: 1, Title: "F", Status: ProposalReceived, AdjustedCost: -1}, "pb_proposals", "adjusted_cost"},
		{&PBRound{Title: "B", Pot: MaxAmount + 1}, "pb_rounds", "pot"},
		{&AccountEntry{Text: "x", Kind: EntryIncome, Date: day(2026, 3, 1), Amount: -1}, "account_entries", "amount"},
	} {
		// the other fields may be refused too (a round without a phase):
		// the amount's error is the one that names a column
		var named []*FieldError
		for _, e := range unjoin(tt.v.Validate()) {
			var fe *FieldError
			if errors.As(e, &fe) && fe.Table != "" {
				named = append(named, fe)
			}
		}
		if len(named) != 1 || named[0].Table != tt.table || named[0].Field != tt.column {
			t.Errorf("%T %+v: %+v, want one FieldError on %s.%s", tt.v, tt.v, named, tt.table, tt.column)
			continue
		}
		if f, ok := FieldOf(tt.table, tt.column); !ok || f.Kind != FieldMoney {
			t.Errorf("%s.%s: not an amount of the registry", tt.table, tt.column)
		}
	}
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unjoin(e)...)
		}
		return out
	}
	return []error{err}
}
