package model

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCheckField(t *testing.T) {
	long := strings.Repeat("x", MaxShort+1)
	tests := []struct {
		table, field string
		value        any
		bad          string // a part of the Danish error; "" when accepted
	}{
		{"budget_wishes", "estimate", int64(250_000_00), ""},
		{"budget_wishes", "estimate", int64(0), ""},
		{"budget_wishes", "estimate", int64(-1), "beløbet i feltet »overslag« er uden for det tilladte"},
		{"budget_wishes", "estimate", MaxAmount + 1, "uden for det tilladte"},
		{"budget_wishes", "granted", int64(99_999_999_999_99), "»bevilget beløb«"},
		{"budget_wishes", "estimate", "100", "skal være et tal"},
		{"budget_wishes", "status", "indsendt", ""},
		{"budget_wishes", "status", "slettet", "ikke en kendt værdi for feltet »status«"},
		{"budget_wishes", "status", "", "må ikke være tomt"},
		{"budget_wishes", "answer", "", ""},
		{"budget_wishes", "answer", "bevilget", ""},
		{"budget_wishes", "answer", "ja tak", "»kommunens svar«"},
		{"budget_wishes", "year", int64(2027), ""},
		{"budget_wishes", "year", int64(1999), "»budgetår« skal være mellem 2000 og 2200"},
		{"budget_wishes", "category", "Noget helt andet", ""}, // a wish may use another text
		{"budget_wishes", "title", "", "»titel« må ikke være tomt"},
		{"budget_wishes", "title", long, "for lang"},
		{"budget_wishes", "justification", strings.Repeat("æ", MaxLong), ""},
		{"budget_wishes", "justification", strings.Repeat("æ", MaxLong+1), "»begrundelse« er for lang"},
		{"meetings", "kind", "bestyrelsesmoede", ""},
		{"meetings", "kind", "fest", "»mødetype«"},
		{"meetings", "start", "2026-11-26T18:30:00Z", ""},
		{"meetings", "start", "26.11.2026 19:30", "ikke et gyldigt tidspunkt"},
		{"meetings", "start", "", "må ikke være tomt"},
		{"meetings", "approved_at", "", ""},
		{"meetings", "status", "godkendt", ""},
		{"meetings", "status", "arkiveret", "ikke en kendt værdi"},
		{"agenda_items", "minutes", int64(1440), ""},
		{"agenda_items", "minutes", int64(1441), "»varighed« skal være mellem 0 og 1440"},
		{"agenda_items", "kind", "beslutning", ""},
		{"agenda_items", "meeting_id", "", "»møde« må ikke være tomt"},
		{"agenda_items", "meeting_id", "a b", "ikke en gyldig henvisning"},
		{"action_items", "due", "2026-02-30", "ikke en gyldig dato"},
		{"action_items", "due", "", ""},
		{"action_items", "done", int64(2), "ja eller nej"},
		{"members", "role", "kasserer", ""},
		{"members", "role", "konge", "»rolle«"},
		{"members", "email", "karen@example.dk", ""},
		{"members", "email", "karen", "ikke en gyldig e-mailadresse"},
		{"members", "email", "", ""},
		{"members", "email", " karen@example.dk ", ""}, // Validate takes it, so must the hub
		{"projects", "progress", int64(101), "»fremdrift«"},
		{"funding_applications", "volunteer_hours", int64(-3), "»frivillige timer«"},
		{"budget_lines", "kind", "indtægt", "»type«"},
		{"pools", "available", int64(200_000_00), ""},
		{"pools", "available", int64(-200_000_00), "»puljens beløb«"},
		{"contacts", "areas", "Jyderup\nHolbæk", ""},
		{"contacts", "areas", "Jyderup\n\nHolbæk", "mangler navn"},
		{"deadlines", "date", "", "må ikke være tomt"},
		{"budget_wishes", "secret", "x", "ukendt"},
	}
	for _, tt := range tests {
		err := CheckField(tt.table, tt.field, tt.value)
		switch {
		case tt.bad == "" && err != nil:
			t.Errorf("%s.%s = %v: refused: %v", tt.table, tt.field, tt.value, err)
		case tt.bad != "" && err == nil:
			t.Errorf("%s.%s = %.30v: accepted", tt.table, tt.field, tt.value)
		case tt.bad != "" && !strings.Contains(err.Error(), tt.bad):
			t.Errorf("%s.%s = %.30v: %q does not say %q", tt.table, tt.field, tt.value, err, tt.bad)
		}
		var fe *FieldError
		if err != nil && (!errors.As(err, &fe) || fe.Field != tt.field) {
			t.Errorf("%s.%s: not a FieldError of the field: %#v", tt.table, tt.field, err)
		}
	}
}

// A local edit that Validate accepts makes ops CheckField accepts: the
// bounds are the same on both sides.
func TestCheckFieldAgreesWithValidate(t *testing.T) {
	w := BudgetWish{Year: 2027, Title: "Shelter", Estimate: MaxAmount, Status: WishSubmitted, Rank: MaxPosition}
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	for f, v := range map[string]any{"year": int64(w.Year), "title": w.Title, "estimate": w.Estimate, "status": string(w.Status), "priority": int64(w.Rank)} {
		if err := CheckField("budget_wishes", f, v); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	w.Estimate = MaxAmount + 1
	if w.Validate() == nil {
		t.Error("Validate took an amount CheckField refuses")
	}
}

func TestScrubMeet(t *testing.T) {
	const fm = FormerMember
	tests := []struct {
		name, a, b string
		ok         bool
		meet       string
	}{
		{"equal", "Shelteret bygges.", "Shelteret bygges.", true, "Shelteret bygges."},
		{"one name erased", "Karen Østergaard fremlagde.", fm + " fremlagde.", true, fm + " fremlagde."},
		{"either order", fm + " fremlagde.", "Karen Østergaard fremlagde.", true, fm + " fremlagde."},
		{"every mention", "Karen sagde ja. karen stemte.", fm + " sagde ja. " + fm + " stemte.", true, fm + " sagde ja. " + fm + " stemte."},
		{"two erasures, one each", fm + " og Søren Ærenlund", "Karen og " + fm, true, fm + " og " + fm},
		{"older erasure after newer", fm + " og " + fm, fm + " og Søren", true, fm + " og " + fm},
		{"name across lines", "Karen\nHansen", fm, false, ""},
		{"decision rewritten", "Shelteret bygges.", "Shelteret bygges ikke.", false, ""},
		{"decision rewritten beside an erasure", "Karen: Shelteret bygges.", fm + ": Shelteret bygges ikke.", false, ""},
		{"a word that is no name", "Shelteret bygges ikke.", "Shelteret bygges " + fm + ".", false, ""},
		{"a line removed", "Karen fremlagde.\nShelteret bygges.", fm + " fremlagde.", false, ""},
		{"placeholder turned into text", fm + " fremlagde.", "Ingen fremlagde.", true, fm + " fremlagde."},
		{"text added after", "Karen", fm + " og flere", false, ""},
		{"hyphenated name", "Anne-Mette sagde nej", fm + " sagde nej", true, fm + " sagde nej"},
		{"placeholder in the original text", "et tidligere medlem, Karen, talte", "et tidligere medlem, " + fm + ", talte", true, "et tidligere medlem, " + fm + ", talte"},
		{"empty", "", "", true, ""},
		{"erased to nothing", "Karen", "", false, ""},
	}
	for _, tt := range tests {
		got, ok := ScrubMeet(tt.a, tt.b)
		if ok != tt.ok || ok && got != tt.meet {
			t.Errorf("%s: ScrubMeet = %q, %v; want %q, %v", tt.name, got, ok, tt.meet, tt.ok)
		}
		if ok {
			if got2, ok2 := ScrubMeet(tt.b, tt.a); !ok2 || got2 != got {
				t.Errorf("%s: not symmetric: %q, %v", tt.name, got2, ok2)
			}
		}
	}
	// What Anonymise writes is always a scrub.
	for _, s := range []string{"Karen Østergaard fremlagde. Spørgsmål fra karen østergaard.", "Mødet blev ledet af Karen Østergaard\nKaren Østergaard-Nielsen deltog"} {
		if after := Anonymise(s, "Karen Østergaard", fm); !ScrubbedOnly(s, after) {
			t.Errorf("Anonymise(%q) = %q is not ScrubbedOnly", s, after)
		}
	}
	if ScrubbedOnly(fm+" fremlagde.", "Ingen fremlagde.") {
		t.Error("ScrubbedOnly let a placeholder become text")
	}
}

func TestErasedNames(t *testing.T) {
	const fm = FormerMember
	tests := []struct {
		name, before, after string
		ok                  bool
		names               []string
	}{
		{"unchanged", "Linje 1\nLinje 2\n", "Linje 1\nLinje 2\n", true, nil},
		{"a full name", "Linje 1\nKaren Østergaard kom\n", "Linje 1\n" + fm + " kom\n", true, []string{"Karen Østergaard"}},
		{"two names", "Karen sagde ja til Søren Ærenlund.", fm + " sagde ja til " + fm + ".", true, []string{"Karen", "Søren Ærenlund"}},
		{"an edit beside the erasure", "Karen: Shelteret bygges.", fm + ": Shelteret bygges ikke.", false, nil},
		{"a name brought back", fm + " fremlagde.", "Karen fremlagde.", false, nil},
		{"a word that is no name", "Shelteret bygges ikke.", "Shelteret bygges " + fm + ".", false, nil},
	}
	for _, tt := range tests {
		names, ok := ErasedNames(tt.before, tt.after)
		if ok != tt.ok || fmt.Sprint(names) != fmt.Sprint(tt.names) {
			t.Errorf("%s: ErasedNames = %q, %v; want %q, %v", tt.name, names, ok, tt.names, tt.ok)
		}
		if ok != ScrubbedOnly(tt.before, tt.after) {
			t.Errorf("%s: ErasedNames says %v, ScrubbedOnly the opposite", tt.name, ok)
		}
		// Erasing the names it found from before gives after.
		if ok {
			got := tt.before
			for _, n := range names {
				got = Anonymise(got, n, fm)
			}
			if got != tt.after {
				t.Errorf("%s: erasing %q gives %q, want %q", tt.name, names, got, tt.after)
			}
		}
	}
}
