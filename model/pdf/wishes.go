package pdf

import (
	"fmt"
	"io"
	"strings"

	"lokalraad/model"
)

// yearWishes returns the council's wishes for year in priority order.
func yearWishes(d *model.CouncilData, year int) []model.BudgetWish {
	var ws []model.BudgetWish
	for _, w := range d.Wishes {
		if w.Year == year {
			ws = append(ws, w)
		}
	}
	model.RankWishes(ws)
	return ws
}

// answerText is the municipality's answer to a wish: the answer, the amount
// granted, and the answer's text on the next line.
func answerText(b *doc, w model.BudgetWish) string {
	s := model.Label(w.Answer, b.lang)
	if w.Granted > 0 {
		s += ": " + model.Kroner(w.Granted)
	}
	if t := strings.TrimSpace(w.AnswerText); t != "" {
		s += "\n" + t
	}
	return s
}

// wishStatus prints the packet's overview of a year's budget wishes: where
// each one is and what the municipality answered.
func wishStatus(b *doc, d *model.CouncilData, year int) {
	ws := yearWishes(d, year)
	if len(ws) == 0 {
		b.para(fmt.Sprintf(b.t("nowishes"), year))
		return
	}
	t := table{cols: []col{
		{title: b.t("no"), w: 9, align: "R"},
		{title: b.t("wish"), w: 57},
		{title: b.t("estimcol"), w: 24, align: "R"},
		{title: b.t("status"), w: 20},
		{title: b.t("answer"), w: 36},
		{title: b.t("granted"), w: 24, align: "R"},
	}}
	for i, w := range ws {
		answer := model.Label(w.Answer, b.lang)
		if at := strings.TrimSpace(w.AnswerText); at != "" {
			answer += "\n" + at
		}
		granted := ""
		if w.Answer != model.AnswerNone {
			granted = model.Kroner(w.Granted)
		}
		t.rows = append(t.rows, []string{
			fmt.Sprint(i + 1), w.Title, model.Kroner(w.Estimate),
			model.Label(w.Status, b.lang), answer, granted,
		})
	}
	estimate, granted := model.WishTotals(ws)
	t.total = []string{"", b.t("total"), model.Kroner(estimate), "", "", model.Kroner(granted)}
	b.table(t)
}

func wishes(w io.Writer, d *model.CouncilData, year int, o Options) error {
	l := o.lang()
	title := fmt.Sprintf(tr(l, "wishesyear"), year)
	ws := yearWishes(d, year)
	return render(w, o, d.Council.Name, title, false, false, func(b *doc) {
		f := b.f
		b.docTitle(fmt.Sprintf(b.t("wishesfor"), year), d.Council.Name)
		f.SetY(f.GetY() + 3)
		name := strings.TrimSpace(d.Council.Name)
		if name == "" {
			name = "Lokalrådet"
		}
		b.para(fmt.Sprintf(b.t("wishintro"), name, year))
		b.space(2)
		if c := contacts(d, o); c != "" {
			b.kv(36, [2]string{b.t("contact"), c})
		}
		b.space(2)
		if len(ws) == 0 {
			b.para(fmt.Sprintf(b.t("nowishes"), year))
			return
		}
		t := table{cols: []col{
			{title: b.t("prio"), w: 20, align: "R"},
			{title: b.t("wish"), w: 84},
			{title: b.t("category"), w: 36},
			{title: b.t("estimcol"), w: 30, align: "R"},
		}}
		for i, w := range ws {
			t.rows = append(t.rows, []string{fmt.Sprint(i + 1), w.Title, orDash(w.Category), model.Kroner(w.Estimate)})
		}
		estimate, _ := model.WishTotals(ws)
		t.total = []string{"", b.t("total"), "", model.Kroner(estimate)}
		b.table(t)

		for i, w := range ws {
			b.heading(1, itemTitle(i, model.AgendaItem{Title: w.Title}))
			b.kv(36,
				[2]string{b.t("category"), orDash(w.Category)},
				[2]string{b.t("estimate"), model.Kroner(w.Estimate)},
			)
			if j := strings.TrimSpace(w.Justification); j != "" {
				b.space(1)
				b.heading(2, b.t("justify"))
				b.para(j)
			}
			if w.Answer != model.AnswerNone {
				b.space(1)
				b.kv(36, [2]string{b.t("answerby"), answerText(b, w)})
			}
		}
	})
}

// contacts names the council's contact persons, with phone and e-mail only
// when the options allow personal details.
func contacts(d *model.CouncilData, o Options) string {
	var out []string
	for _, m := range d.Members {
		if !m.Contact {
			continue
		}
		s := m.Name
		if o.ContactDetails {
			for _, x := range []string{m.Phone, m.Email} {
				if strings.TrimSpace(x) != "" {
					s += ", " + x
				}
			}
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}
