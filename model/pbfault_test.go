package model

import "testing"

// The report groups invalid ballots by the kind of fault, named in the
// reader's language.
func TestFaultKindTexts(t *testing.T) {
	for _, tt := range []struct {
		kind   PBFaultKind
		da, en string
	}{
		{FaultBlank, "blank stemmeseddel", "blank ballot"},
		{FaultNotOn, "kryds ved et nummer, der ikke er på stemmesedlen", "a mark at a number that is not on the ballot"},
		{FaultTwice, "kryds ved samme forslag to gange", "the same proposal marked twice"},
		{FaultTooMany, "for mange krydser", "too many marks"},
		{FaultOverPot, "de valgte forslag koster mere end puljen", "the marked proposals cost more than the pot"},
		{FaultTooMuchPt, "for mange point", "too many points"},
	} {
		f := PBFault{Kind: tt.kind, Number: 3, Count: 5, Max: 2}
		if got := f.KindText(Danish); got != tt.da {
			t.Errorf("%s in Danish: %q, want %q", tt.kind, got, tt.da)
		}
		if got := f.KindText(English); got != tt.en {
			t.Errorf("%s in English: %q, want %q", tt.kind, got, tt.en)
		}
	}
	// a blank ballot has no numbers of its own: its sentence is its kind
	if got := (PBFault{Kind: FaultBlank}).Text(English); got != "blank ballot" {
		t.Errorf("a blank ballot: %q", got)
	}
}
