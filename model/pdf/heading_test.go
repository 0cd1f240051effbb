package pdf

import (
	"strings"
	"testing"
)

// A section heading never ends a page: however long the minutes before it
// are, "Åbne opgaver", "Projekter" and "Budgetønsker 2027" stand on the
// page that begins their table (the walk printed a packet whose page 3
// ended with "Open action items" and page 4 began with its table).
func TestSectionHeadingNeverEndsAPage(t *testing.T) {
	d := fixture()
	var prev int
	for i, it := range d.Items {
		if it.ID == "o1" {
			prev = i
		}
	}
	base := d.Items[prev].Notes
	for n := 0; n < 60; n++ {
		d.Items[prev].Notes = base + strings.Repeat("\nDer blev talt om løst og fast.", n)
		for i, p := range pages(t, encode(t, Packet, d, "nov", o)) {
			last := lastBodyLine(p)
			for _, h := range []string{"Åbne opgaver", "Projekter", "Budgetønsker 2027"} {
				if last == h {
					t.Errorf("padding %d: page %d ends with the heading %q:\n%s", n, i+1, h, p)
				}
			}
		}
	}
}

// lastBodyLine is the last line of a page above its footer.
func lastBodyLine(p string) string {
	last := ""
	for _, l := range strings.Split(p, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.Contains(l, "Side ") || strings.HasPrefix(l, "Udskrevet") {
			continue
		}
		last = l
	}
	return last
}
