package pdf

import (
	"fmt"
	"io"
	"strings"

	"lokalraad/model"
)

func init() {
	addTexts(map[string][2]string{
		"yearwheel":   {"Årshjul %d", "Year wheel %d"},
		"more":        {"+ %d flere", "+ %d more"},
		"noreminders": {"Ingen datoer", "No dates"},
	})
}

var monthTitles = [2][12]string{
	{"Januar", "Februar", "Marts", "April", "Maj", "Juni", "Juli", "August", "September", "Oktober", "November", "December"},
	{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// YearWheel writes the council's årshjul for year on one A4 page: twelve
// boxes, one a month, each listing the month's dates (model.YearWheel) as
// "25. Generalforsamling" with its kind. A month with more dates than its
// box holds ends with "+ n flere"; the page never overflows.
func YearWheel(w io.Writer, council string, year int, reminders []model.Deadline, o Options) error {
	title := fmt.Sprintf(tr(o.lang(), "yearwheel"), year)
	return render(w, o, council, title, false, false, func(b *doc) {
		f := b.f
		b.font("B", 16)
		b.black()
		f.SetXY(marginL, marginT)
		f.CellFormat(contentW, 8, title, "", 0, "L", false, 0, "")
		const cols, rows, gap = 3, 4, 3.0
		top := marginT + 11
		boxW := (contentW - gap*(cols-1)) / cols
		boxH := (bottom - 4 - top - gap*(rows-1)) / rows
		en := 0
		if b.lang == model.English {
			en = 1
		}
		months := model.ByMonth(model.MergeSameDay(reminders))
		for m := 0; m < 12; m++ {
			x := marginL + float64(m%cols)*(boxW+gap)
			y := top + float64(m/cols)*(boxH+gap)
			f.SetDrawColor(greyRule, greyRule, greyRule)
			f.SetFillColor(greyFill, greyFill, greyFill)
			f.SetLineWidth(0.2)
			f.Rect(x, y, boxW, boxH, "D")
			f.Rect(x, y, boxW, 7, "FD")
			b.font("B", 10)
			b.black()
			f.SetXY(x+2, y+1)
			f.CellFormat(boxW-4, 5, monthTitles[en][m], "", 0, "L", false, 0, "")
			ds := months[m]
			const lh = 3.6
			capacity := int((boxH - 9) / (2 * lh)) // each date takes two lines: day and kind, then the title
			ly := y + 8.5
			if len(ds) == 0 {
				b.font("I", 7.5)
				b.grey(greyText)
				f.SetXY(x+2, ly)
				f.CellFormat(boxW-4, lh, b.t("noreminders"), "", 0, "L", false, 0, "")
				continue
			}
			shown := ds
			if len(ds) > capacity {
				shown = ds[:capacity-1]
			}
			for _, d := range shown {
				b.font("B", 7.5)
				b.black()
				f.SetXY(x+2, ly)
				day := fmt.Sprintf("%d.", d.Date.In(model.Copenhagen).Day())
				if d.Kind == model.DeadlineMeeting {
					day += " " + model.Clock(d.Date)
				}
				f.CellFormat(boxW-4, lh, fit(f, strings.TrimSpace(day+" "+model.DeadlineKindLabel(d.Kind, b.lang)), boxW-4), "", 0, "L", false, 0, "")
				b.font("", 7.5)
				f.SetXY(x+2, ly+lh)
				f.CellFormat(boxW-4, lh, fit(f, model.DeadlineTitle(d, b.lang), boxW-4), "", 0, "L", false, 0, "")
				ly += 2 * lh
			}
			if len(shown) < len(ds) {
				b.font("I", 7.5)
				b.grey(greyText)
				f.SetXY(x+2, ly)
				f.CellFormat(boxW-4, lh, fmt.Sprintf(b.t("more"), len(ds)-len(shown)), "", 0, "L", false, 0, "")
			}
		}
	})
}
