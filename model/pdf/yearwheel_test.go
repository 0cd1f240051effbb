package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
)

// The årshjul is one page whatever the year holds: every month's name, its
// dates with kind and title (Danish names and Latin letters intact), and a
// month too full to list says how many more it has.
func TestYearWheelOnePage(t *testing.T) {
	in := model.YearWheelInput{
		Rules:   model.DefaultYearRules("c", model.Danish),
		Members: []model.Member{{ID: "m", Name: "Łukasz Nowak", TermEnd: day(2027, 3, 1)}},
		Pools:   []model.Pool{{ID: "p", Name: "Lokalområdernes Udviklingspulje", Deadline: day(2027, 3, 1)}},
	}
	for i := 0; i < 40; i++ { // a crowded October
		in.Municipal = append(in.Municipal, model.MunicipalDeadline{ID: fmt.Sprint(i), Title: fmt.Sprintf("Frist nr. %d", i), Date: day(2027, 10, 1+i%28)})
	}
	rs := model.YearWheel(2027, in)
	var buf bytes.Buffer
	o := Options{Now: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)}
	if err := YearWheel(&buf, "Jyderup Lokalråd", 2027, rs, o); err != nil {
		t.Fatal(err)
	}
	ps := pages(t, buf.Bytes())
	if len(ps) != 1 {
		t.Fatalf("%d pages, want 1", len(ps))
	}
	text := strings.Join(strings.Fields(ps[0]), " ")
	for _, want := range []string{"Årshjul 2027", "Jyderup Lokalråd", "Januar", "December",
		"25. ", "Generalforsamling", "11. Sidste frist for indkaldelse", "Valgperiode udløber", "Łukasz Nowak",
		"Puljefrist", "flere", "Ingen datoer", "Side 1 af 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q:\n%s", want, ps[0])
		}
	}
	// The same input gives the same bytes.
	var again bytes.Buffer
	if err := YearWheel(&again, "Jyderup Lokalråd", 2027, rs, o); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("output is not deterministic")
	}
	// English.
	buf.Reset()
	o.Lang = model.English
	if err := YearWheel(&buf, "Jyderup Lokalråd", 2027, rs, o); err != nil {
		t.Fatal(err)
	}
	if p := pages(t, buf.Bytes()); !strings.Contains(p[0], "Year wheel 2027") || !strings.Contains(p[0], "Last day for the notice") {
		t.Errorf("English page:\n%s", p[0])
	}
}
