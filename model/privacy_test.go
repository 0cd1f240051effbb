package model

import "testing"

func TestAnonymise(t *testing.T) {
	cases := []struct{ text, name, want string }{
		{"Karen Østergaard fremlagde budgettet.", "Karen Østergaard", "tidligere medlem fremlagde budgettet."},
		{"Deltagere:\nKAREN ØSTERGAARD\nSøren", "Karen Østergaard", "Deltagere:\ntidligere medlem\nSøren"},
		{"Karen Østergaards forslag", "Karen Østergaard", "Karen Østergaards forslag"}, // not a whole word: left
		{"Łukasz og Łukasz", "Łukasz", "tidligere medlem og tidligere medlem"},
		{"Ingen navne her", "Şule", "Ingen navne her"},
		{"Anne-Mette Brøndum, Anne", "Anne", "Anne-Mette Brøndum, tidligere medlem"},
		{"", "Karen", ""},
		{"Karen", "", "Karen"},
	}
	for _, c := range cases {
		if got := Anonymise(c.text, c.name, FormerMember); got != c.want {
			t.Errorf("Anonymise(%q, %q) = %q, want %q", c.text, c.name, got, c.want)
		}
		if Mentions(c.text, c.name) != (c.text != c.want) {
			t.Errorf("Mentions(%q, %q) disagrees with Anonymise", c.text, c.name)
		}
	}
}
