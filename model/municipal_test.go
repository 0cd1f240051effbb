package model

import (
	"strings"
	"testing"
)

func TestValidateMunicipal(t *testing.T) {
	ok := []validatable{
		&Pool{Name: "Lokalområdernes Udviklingspulje", Available: 200_000_00, MaxPerApp: 50_000_00, Deadline: day(2027, 3, 1),
			Rules: "Projektet skal i alt være på mindst 100.000 kr.\nFrivillige timer tæller 100 kr./time.\n"},
		&Pool{CouncilID: MunicipalityID, Name: "Fællesskabspuljen", MaxPerApp: 20_000_00, OpenAllYear: true},
		&MunicipalDeadline{Title: "Høringssvar til budget 2028", Date: day(2027, 8, 30), Kind: "Budgethøring"},
		&Contact{Name: "Ida Ørsted", Role: "Fælles-skaber", Phone: "72 36 36 36", Email: "ida@holbaek.dk", Areas: []string{"Jyderup", "Tornved"}},
		&Contact{Name: "Vej og Park", Role: "Afdeling"},
		&Announcement{Title: "Nye regler for Udviklingspuljen", Text: "Se vejledningen.", Date: day(2026, 11, 26)},
	}
	checkValidate(t, ok, []refusedField{
		{&Pool{Name: " ", OpenAllYear: true}, "name"},
		{&Pool{Name: "P", Available: -1, OpenAllYear: true}, "available"},
		{&Pool{Name: "P", Available: 100, MaxPerApp: 200, OpenAllYear: true}, "max_per_application"},
		{&Pool{Name: "P"}, "deadline"},
		{&Pool{Name: "P", OpenAllYear: true, Deadline: day(2027, 3, 1)}, "deadline"},
		{&Pool{Name: "P", OpenAllYear: true, CouncilID: "jyderup"}, "council"},
		{&MunicipalDeadline{Title: "Budget"}, "date"},
		{&MunicipalDeadline{Date: day(2027, 1, 1)}, "title"},
		{&Contact{Name: "A", Email: "ikke en adresse"}, "email"},
		{&Contact{Name: "A", Areas: []string{"Jyderup", ""}}, "areas"},
		{&Contact{Name: "A", Areas: []string{"Jyderup\nTornved"}}, "areas"},
		{&Contact{Name: "A", Role: strings.Repeat("x", MaxShort+1)}, "role"},
		{&Announcement{Title: "Nyt"}, "date"},
		{&Announcement{Date: day(2027, 1, 1)}, "title"},
	})
	// Danish messages name the field in Danish.
	if err := (&Pool{Name: "P", OpenAllYear: true, Rules: strings.Repeat("x", MaxLong+1)}).Validate(); err == nil || err.Error() != "regler er for lang (højst 100.000 tegn)" {
		t.Errorf("message = %v", err)
	}
}

func TestContactServesArea(t *testing.T) {
	all := Contact{Name: "Borgerservice"}
	some := Contact{Name: "Ida", Areas: []string{"Jyderup", " Tornved "}}
	for _, c := range []struct {
		c    Contact
		area string
		want bool
	}{
		{all, "Jyderup", true}, {all, "", true},
		{some, "jyderup", true}, {some, "Tornved", true}, {some, "Mørkøv", false},
	} {
		if got := c.c.ServesArea(c.area); got != c.want {
			t.Errorf("%s serves %q = %v", c.c.Name, c.area, got)
		}
	}
}
