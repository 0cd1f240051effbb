package xlsx_test

import (
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/xlsx"
)

// The sheet Beslutninger lists every decision of every meeting: date,
// meeting, item and decision, oldest first, with Danish letters and long
// decisions whole.
func TestWriteDecisionsSheet(t *testing.T) {
	d := sample()
	d.Items = append(d.Items,
		model.AgendaItem{ID: "i3", MeetingID: "m2", Position: 4, Title: "Valg til bestyrelsen", Kind: model.ItemDecision, Decision: "Åse Ærø Østergård blev genvalgt."},
		model.AgendaItem{ID: "i4", MeetingID: "m1", Position: 2, Title: "Søen", Kind: model.ItemDiscussion, Decision: "Rådet søger Fællesskabspuljen.\nŁukasz skriver ansøgningen."},
	)
	f := open(t, write(t, d, xlsx.Options{}))
	const s = "Beslutninger"
	rows, err := f.GetRows(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want a header and 2 decisions: %q", len(rows), rows)
	}
	if got := noerr.Get(f.GetCellValue(s, "A2"))(t); got != "26.11.2026" {
		t.Errorf("date shown as %q", got)
	}
	if got := cell(t, f, s, "B2") + "|" + cell(t, f, s, "C2") + "|" + cell(t, f, s, "D2"); got != "Bestyrelsesmøde 26.11.2026|2. Søen|Rådet søger Fællesskabspuljen.\nŁukasz skriver ansøgningen." {
		t.Errorf("first decision %q", got)
	}
	if got := cell(t, f, s, "B3") + "|" + cell(t, f, s, "D3"); got != "Generalforsamling 2027|Åse Ærø Østergård blev genvalgt." {
		t.Errorf("second decision %q", got)
	}
}
