package pdf

import (
	"fmt"
	"io"
	"strings"

	"lokalraad/model"
)

func init() {
	addTexts(map[string][2]string{
		"planyear":    {"Udviklingsplan %d", "Development plan %d"},
		"plan.intro":  {"Lokal udviklingsplan for %s %d.", "Local development plan of %s for %d."},
		"plan.vision": {"Vision", "Vision"},
		"plan.focus":  {"Indsatsområder", "Focus areas"},
		"plan.goals":  {"Mål", "Goals"},
		"plan.proj":   {"Projekter", "Projects"},
		"plan.action": {"Handlingsplan", "Action plan"},
		"plan.who":    {"Hvem", "Who"},
		"plan.what":   {"Hvad", "What"},
		"plan.when":   {"Hvornår", "By when"},
		"plan.area":   {"Indsatsområde", "Focus area"},
		"plan.none":   {"Ingen udviklingsplan for %d.", "No development plan for %d."},
	})
}

// Plan writes the council's development plan of year as the council can
// put it on its website: the vision, each focus area with its goals and
// linked projects (status and progress), and the action plan (hvem – hvad
// – hvornår – status). Every council's plan has the same headings, so the
// municipality can compare them.
func Plan(w io.Writer, d *model.CouncilData, year int, o Options) error {
	if d == nil {
		d = &model.CouncilData{}
	}
	var p *model.PlanData
	for i := range d.Plans {
		if d.Plans[i].Plan.Year == year {
			p = &d.Plans[i]
			break
		}
	}
	projects := map[string]model.Project{}
	for _, pr := range d.Projects {
		projects[pr.ID] = pr
	}
	title := fmt.Sprintf(tr(o.lang(), "planyear"), year)
	return render(w, o, d.Council.Name, title, false, false, func(b *doc) {
		f := b.f
		b.docTitle(title, d.Council.Name)
		f.SetY(f.GetY() + 3)
		if p == nil {
			b.para(fmt.Sprintf(b.t("plan.none"), year))
			return
		}
		b.heading(1, b.t("plan.vision"))
		b.para(orDash(strings.TrimSpace(p.Plan.Vision)))
		b.heading(1, b.t("plan.focus"))
		areas := map[string]string{}
		for i, fa := range p.Focus {
			areas[fa.ID] = fa.Title
			b.heading(2, fmt.Sprintf("%d. %s", i+1, fa.Title))
			var goals []string
			for _, g := range strings.Split(fa.Goals, "\n") {
				if g = strings.TrimSpace(g); g != "" {
					goals = append(goals, "• "+g)
				}
			}
			var prs []string
			for _, id := range fa.Projects {
				if pr, ok := projects[id]; ok {
					prs = append(prs, fmt.Sprintf("• %s (%s, %d %%)", pr.Title, model.Label(pr.Status, b.lang), pr.Progress))
				}
			}
			b.kv(30, [2]string{b.t("plan.goals"), orDash(strings.Join(goals, "\n"))}, [2]string{b.t("plan.proj"), orDash(strings.Join(prs, "\n"))})
		}
		b.heading(1, b.t("plan.action"))
		t := table{cols: []col{
			{title: b.t("plan.area"), w: 38},
			{title: b.t("plan.what"), w: 62},
			{title: b.t("plan.who"), w: 26},
			{title: b.t("plan.when"), w: 22},
			{title: b.t("status"), w: 22},
		}}
		for _, a := range p.Actions {
			t.rows = append(t.rows, []string{orDash(areas[a.FocusID]), a.What, orDash(a.Who), orDash(model.ShortDate(a.Due)), a.Status.StatusLabel(b.lang)})
		}
		b.table(t)
	})
}
