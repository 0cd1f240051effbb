package pdf

import (
	"io"
	"regexp"
	"strings"
	"testing"

	"lokalraad/model"
)

func wishesOf(year int) encoder {
	return func(w io.Writer, d *model.CouncilData, _ string, o Options) error { return Wishes(w, d, year, o) }
}

// Money never wraps inside a number: the amount column is as wide as its
// widest amount, the total included.
func TestAmountsNeverWrap(t *testing.T) {
	d := fixture()
	for i := range d.Wishes {
		if d.Wishes[i].Year == 2027 {
			d.Wishes[i].Estimate = 1_955_000_50
		}
	}
	got := text(t, encode(t, wishesOf(2027), d, "", o))
	for _, want := range []string{`1\.955\.000,50 kr\.`, `I alt\s+5\.865\.001,50 kr\.`} {
		if !regexp.MustCompile(want).MatchString(got) {
			t.Errorf("the amount %s is not on one line:\n%s", want, got)
		}
	}
}

// The approval block keeps its heading: however long the minutes are, the
// page with the signature lines also holds "Godkendelse", and no page of
// the minutes holds a lone line of text or the approval block alone.
func TestApprovalBlockKeptTogether(t *testing.T) {
	d := fixture()
	base := d.Items
	for n := 0; n < 40; n++ {
		d.Items = append(base[:len(base):len(base)], model.AgendaItem{ID: "pad", CouncilID: "c1", MeetingID: "nov", Position: 9,
			Title: "Eventuelt", Kind: model.ItemInformation, Notes: strings.TrimSpace(strings.Repeat("Der blev talt om løst og fast. ", 8*n))})
		ps := pages(t, encode(t, Minutes, d, "nov", o))
		for i, p := range ps {
			if strings.Contains(p, "Referent") && strings.Contains(p, "Formand") && !strings.Contains(p, "Godkendelse") {
				t.Errorf("padding %d: page %d holds the signatures without their heading:\n%s", n, i+1, p)
			}
			if before, _, ok := strings.Cut(p, "Godkendelse\n"); ok && i > 0 && bodyLines(before) == 0 {
				t.Errorf("padding %d: page %d holds the approval block alone:\n%s", n, i+1, p)
			}
			if i > 0 && bodyLines(p) == 1 {
				t.Errorf("padding %d: page %d holds one lone line:\n%s", n, i+1, p)
			}
		}
	}
}

// bodyLines counts a page's lines of text other than the running header
// and footer.
func bodyLines(p string) int {
	n := 0
	for _, l := range strings.Split(p, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.Contains(l, "Side ") || strings.Contains(l, "UDKAST") || strings.Contains(l, "Jyderup Lokalråd") || strings.HasPrefix(l, "Referat") {
			continue
		}
		n++
	}
	return n
}
