// Package demo writes data sets to a database: a realistic Danish demo
// council to look at on first start, and a large generated data set (ten
// years for 18 councils) for benchmarks and for trying the app under load.
// Everything is written through storage, so the change log is complete.
package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// at is a Danish local time.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, model.Copenhagen)
}

type writer struct {
	db  *storage.DB
	err error
}

// do keeps the first error, so a data set reads as a plain list of saves.
func (w *writer) do(err error) {
	if w.err == nil && err != nil {
		w.err = err
	}
}

// Council writes the demo council "Jyderup Lokalråd": members, a year of
// board meetings with agendas, minutes and action items up to now, the next
// meeting planned, projects with budgets and funding applications, and
// budget wishes. It returns the council's id.
func Council(db *storage.DB, now time.Time) (string, error) {
	w := &writer{db: db}
	c := model.Council{Name: "Jyderup Lokalråd", Area: "Jyderup", AnnualGrant: 30_000_00}
	w.do(db.SaveCouncil(model.Council{}, &c))
	if w.err != nil {
		return "", w.err
	}
	year := now.In(model.Copenhagen).Year()
	members := []model.Member{
		{Name: "Karen Østergaard", Role: model.RoleChair, Contact: true, Phone: "20 11 22 33", Email: "karen@jyderup-lokalraad.dk"},
		{Name: "Søren Ærenlund", Role: model.RoleViceChair, Phone: "30 44 55 66"},
		{Name: "Łukasz Nowak", Role: model.RoleTreasurer, Email: "lukasz@example.dk"},
		{Name: "Şule Yılmaz", Role: model.RoleSecretary, Email: "sule@example.dk"},
		{Name: "Ődön Kovács", Role: model.RoleMember},
		{Name: "Anne-Mette Brøndum", Role: model.RoleMember},
		{Name: "Jens Åkjær", Role: model.RoleSubstitute},
	}
	for i := range members {
		members[i].CouncilID = c.ID
		members[i].TermStart = at(year-1, 3, 1, 0, 0)
		members[i].TermEnd = at(year+1, 3, 1, 0, 0)
		w.do(db.SaveMember(model.Member{}, &members[i]))
	}
	names := "Karen Østergaard\nSøren Ærenlund\nŁukasz Nowak\nŞule Yılmaz\nŐdön Kovács"

	// Projects with budgets and funding.
	shelter := model.Project{CouncilID: c.ID, Title: "Shelter ved Skarresø", Status: model.ProjectApplied,
		Description:   "To sheltere og en bålplads ved søen, bygget af frivillige, til skoler, spejdere og alle andre.",
		ResponsibleID: members[1].ID, WorkingGroup: "Søren Ærenlund\nŐdön Kovács\nJyderup Spejderne",
		Start: at(year, 4, 1, 0, 0), End: at(year, 10, 31, 0, 0), Progress: 35}
	w.do(db.SaveProject(model.Project{}, &shelter))
	for _, l := range []model.BudgetLine{
		{Text: "Tømmer og tagpap", Kind: model.LineExpense, Amount: 68_500_00},
		{Text: "Bålplads og bænke", Kind: model.LineExpense, Amount: 24_000_00},
		{Text: "Skilte og formidling", Kind: model.LineExpense, Amount: 12_500_50},
		{Text: "Lokalrådets egen kasse", Kind: model.LineOwn, Amount: 15_000_00},
	} {
		l.CouncilID, l.ProjectID = c.ID, shelter.ID
		w.do(db.SaveBudgetLine(model.BudgetLine{}, &l))
	}
	w.do(db.SaveFundingApplication(model.FundingApplication{}, &model.FundingApplication{CouncilID: c.ID, ProjectID: shelter.ID,
		Pool: "Lokalområdernes Udviklingspulje", Deadline: at(year+1, 3, 1, 0, 0), Applied: 50_000_00,
		Status: model.ApplicationDraft, VolunteerHours: 150}))
	w.do(db.SaveFundingApplication(model.FundingApplication{}, &model.FundingApplication{CouncilID: c.ID, ProjectID: shelter.ID,
		Pool: "Friluftsrådet", Deadline: at(year, 9, 15, 0, 0), Applied: 25_000_00, Granted: 20_000_00,
		Status: model.ApplicationPartly, VolunteerHours: 150}))

	byfest := model.Project{CouncilID: c.ID, Title: "Jyderup Byfest", Status: model.ProjectRunning,
		Description:   "Byfest i august med loppemarked, musik og fællesspisning på torvet.",
		ResponsibleID: members[0].ID, Start: at(year, 8, 20, 0, 0), End: at(year, 8, 22, 0, 0), Progress: 80}
	w.do(db.SaveProject(model.Project{}, &byfest))
	w.do(db.SaveBudgetLine(model.BudgetLine{}, &model.BudgetLine{CouncilID: c.ID, ProjectID: byfest.ID, Text: "Scene og lyd", Kind: model.LineExpense, Amount: 18_000_00}))
	w.do(db.SaveFundingApplication(model.FundingApplication{}, &model.FundingApplication{CouncilID: c.ID, ProjectID: byfest.ID,
		Pool: "Fællesskabspuljen", Deadline: at(year, 5, 1, 0, 0), Applied: 15_000_00, Granted: 15_000_00, Status: model.ApplicationGranted}))
	sti := model.Project{CouncilID: c.ID, Title: "Stiforbindelse til Kalundborgvej", Status: model.ProjectIdea,
		Description: "Sikker sti for skolebørn mellem Nyvang og skolen."}
	w.do(db.SaveProject(model.Project{}, &sti))

	// A year of board meetings, the last one still to come.
	var meetings []model.Meeting
	for i := 0; i < 6; i++ {
		start := now.AddDate(0, -9+2*i, 0).In(model.Copenhagen)
		start = at(start.Year(), start.Month(), 12, 19, 0)
		m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Start: start, Place: "Jyderup Forsamlingshus, Lille sal", Status: model.MeetingApproved, Attendees: names, Apologies: "Anne-Mette Brøndum"}
		if i == 0 {
			m.Kind, m.Place = model.MeetingAGM, "Jyderup Hallen, cafeteriet"
			m.Start = at(start.Year(), start.Month(), 12, 19, 30)
		}
		if !m.Start.Before(now) {
			m.Status, m.Attendees, m.Apologies = model.MeetingPlanned, "", ""
		} else if i == 5 || m.Start.After(now.AddDate(0, -2, 0)) {
			m.Status = model.MeetingHeld
		}
		// Minutes are approved at the next meeting, after the agenda and
		// minutes are written: save as held first.
		approve := m.Status == model.MeetingApproved
		if approve {
			m.Status = model.MeetingHeld
		}
		w.do(db.SaveMeeting(model.Meeting{}, &m))
		items := []model.AgendaItem{
			{Title: "Godkendelse af dagsorden", Kind: model.ItemDecision, Minutes: 5, Decision: "Dagsordenen blev godkendt."},
			{Title: "Godkendelse af referat fra sidste møde", Kind: model.ItemDecision, Minutes: 5, Decision: "Referatet blev godkendt uden bemærkninger."},
			{Title: "Shelter ved Skarresø", Kind: model.ItemDiscussion, Minutes: 25,
				Background: "Arbejdsgruppen fremlægger tegninger og budget. Grundejerforeningen er positiv.",
				Notes:      "Søren fremlagde tegningerne. Der var enighed om placeringen ved badebroen.",
				Decision:   "Arbejdsgruppen søger Udviklingspuljen inden fristen 1. marts."},
			{Title: "Økonomi", Kind: model.ItemInformation, Minutes: 10, Background: "Kassereren orienterer om regnskabet.",
				Notes: "Łukasz gennemgik regnskabet. Der er 18.400 kr. tilbage af årets tilskud."},
			{Title: "Budgetønsker til byrådet", Kind: model.ItemDecision, Minutes: 20,
				Background: "Høringsfristen for budgetønsker er 1. september.", Decision: "Ønskerne prioriteres som foreslået."},
			{Title: "Eventuelt", Kind: model.ItemInformation, Minutes: 10},
		}
		if m.Kind == model.MeetingAGM {
			items = nil
			for j, t := range model.AGMAgenda {
				items = append(items, model.AgendaItem{Title: t, Kind: model.ItemDecision, Minutes: 10 + 5*(j%3)})
			}
			items[0].Decision = "Şule Yılmaz blev valgt som dirigent."
			items[5].Decision = "Karen Østergaard og Łukasz Nowak blev genvalgt."
		}
		for j := range items {
			items[j].CouncilID, items[j].MeetingID = c.ID, m.ID
			if m.Status == model.MeetingPlanned {
				items[j].Notes, items[j].Decision = "", ""
			}
		}
		for j := range items {
			w.do(db.SaveAgendaItem(model.AgendaItem{}, &items[j]))
		}
		if m.Status != model.MeetingPlanned && len(items) > 2 {
			w.do(db.SaveActionItem(model.ActionItem{}, &model.ActionItem{CouncilID: c.ID, MeetingID: m.ID, AgendaItemID: items[2].ID,
				Who: members[i%len(members)].Name, What: fmt.Sprintf("Følg op på %s", items[2].Title),
				Due: m.Start.AddDate(0, 0, 30), Done: i < 3, DoneAt: m.Start.AddDate(0, 0, 20)}))
		}
		if approve {
			held := m
			m.Status, m.ApprovedAt, m.ApprovedBy = model.MeetingApproved, m.Start.AddDate(0, 2, 0), "Karen Østergaard"
			w.do(db.SaveMeeting(held, &m))
		}
		meetings = append(meetings, m)
	}
	w.do(db.SaveActionItem(model.ActionItem{}, &model.ActionItem{CouncilID: c.ID, MeetingID: meetings[4].ID, Who: "Karen Østergaard",
		What: "Book Forsamlingshuset til borgermødet", Due: now.AddDate(0, 0, 10)}))

	// Budget wishes for next year.
	for i, bw := range []model.BudgetWish{
		{Title: "Cykelsti langs Kalundborgvej", Category: "Veje og stier", Estimate: 1_250_000_00, Status: model.WishSubmitted,
			Justification: "Skolebørn cykler i dag på en smal vej med 80 km/t. En sti vil gøre skolevejen sikker."},
		{Title: "Bedre belysning ved stationen", Category: "Trafiksikkerhed", Estimate: 180_000_00, Status: model.WishSubmitted,
			Justification: "Stien fra stationen til Nyvang er mørk om vinteren."},
		{Title: "Legeplads i Østerparken", Category: "Leg og bevægelse", Estimate: 450_000_50, Status: model.WishReady,
			Justification: "Den gamle legeplads er nedslidt og lukket af sikkerhedshensyn."},
		{Title: "Istandsættelse af gadekæret", Category: "Natur", Estimate: 75_000_00, Status: model.WishDraft},
	} {
		bw.CouncilID, bw.Year, bw.Rank = c.ID, year+1, i+1
		w.do(db.SaveBudgetWish(model.BudgetWish{}, &bw))
	}
	// Last year's wishes, answered by the municipality.
	w.do(db.SaveBudgetWish(model.BudgetWish{}, &model.BudgetWish{CouncilID: c.ID, Year: year, Rank: 1, Title: "Fartdæmpning på Søndergade",
		Category: "Trafiksikkerhed", Estimate: 220_000_00, Status: model.WishAnswered, Answer: model.AnswerPartly,
		AnswerText: "Byrådet har afsat midler til to bump i 2026.", Granted: 120_000_00}))
	w.do(db.SetMeta(metaDemo, c.ID))
	if w.err != nil {
		return "", fmt.Errorf("demo-lokalråd: %w", w.err)
	}
	return c.ID, nil
}

// metaDemo holds the id of the demo council written on this computer.
const metaDemo = storage.MetaDemo

// Is tells whether council is the demo council Council wrote on this
// computer. The demo is example data: it is never linked with a council at
// the municipality, nor sent there. (A demo written before Council marked
// it is a council with data like any other: enrolling asks before linking
// it.)
func Is(db *storage.DB, council string) (bool, error) {
	id, err := db.Meta(metaDemo)
	return id != "" && id == council, err
}

// LargeSize describes a generated data set.
type LargeSize struct {
	Councils int // 18 in Holbæk
	Years    int // of history
}

// Large writes a generated data set as big as ten years for every council
// of a municipality: a board meeting a month with eight agenda items and
// minutes, action items, projects with budgets and applications, and wishes
// every year. The data is random but reproducible (fixed seed).
func Large(db *storage.DB, now time.Time, size LargeSize, progress func(done, total int)) error {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"sti", "shelter", "byfest", "legeplads", "forsamlingshus", "søen", "skolen", "bålplads", "trafik",
		"belysning", "natur", "kultur", "frivillige", "fællesspisning", "bænke", "træer", "cykelsti", "hal", "bibliotek", "kirken"}
	text := func(n int) string {
		s := ""
		for i := 0; i < n; i++ {
			if i > 0 {
				s += " "
			}
			s += words[rng.IntN(len(words))]
		}
		return s
	}
	w := &writer{db: db}
	for ci := 0; ci < size.Councils && w.err == nil; ci++ {
		c := model.Council{Name: fmt.Sprintf("Lokalområde %02d", ci+1), Area: fmt.Sprintf("Område %02d", ci+1), AnnualGrant: int64(20_000_00 + rng.IntN(20)*1_000_00)}
		w.do(db.SaveCouncil(model.Council{}, &c))
		for i := 0; i < 9; i++ {
			w.do(db.SaveMember(model.Member{}, &model.Member{CouncilID: c.ID, Name: fmt.Sprintf("Medlem %d af råd %d", i+1, ci+1), Role: model.Roles[min(i, len(model.Roles)-1)]}))
		}
		for y := 0; y < size.Years && w.err == nil; y++ {
			year := now.Year() - size.Years + 1 + y
			for month := 1; month <= 12; month++ {
				m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Start: at(year, time.Month(month), 10, 19, 0),
					Place: "Forsamlingshuset", Status: model.MeetingHeld, Attendees: "Medlem 1\nMedlem 2\nMedlem 3"}
				w.do(db.SaveMeeting(model.Meeting{}, &m))
				for k := 0; k < 8; k++ {
					it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: text(3), Kind: model.ItemKinds[k%3], Minutes: 10,
						Background: text(30), Notes: text(40), Decision: text(10)}
					w.do(db.SaveAgendaItem(model.AgendaItem{}, &it))
					if k%4 == 0 {
						w.do(db.SaveActionItem(model.ActionItem{}, &model.ActionItem{CouncilID: c.ID, MeetingID: m.ID, AgendaItemID: it.ID, Who: "Medlem 1",
							What: text(6), Due: m.Start.AddDate(0, 1, 0), Done: year < now.Year(), DoneAt: m.Start.AddDate(0, 0, 20)}))
					}
				}
			}
			for p := 0; p < 4; p++ {
				pr := model.Project{CouncilID: c.ID, Title: text(3), Description: text(50), Status: model.ProjectStatuses[rng.IntN(len(model.ProjectStatuses))], Progress: rng.IntN(101)}
				w.do(db.SaveProject(model.Project{}, &pr))
				w.do(db.SaveBudgetLine(model.BudgetLine{}, &model.BudgetLine{CouncilID: c.ID, ProjectID: pr.ID, Text: text(2), Kind: model.LineExpense, Amount: int64(rng.IntN(200_000)) * 100}))
				w.do(db.SaveFundingApplication(model.FundingApplication{}, &model.FundingApplication{CouncilID: c.ID, ProjectID: pr.ID, Pool: "Udviklingspuljen",
					Deadline: at(year, 3, 1, 0, 0), Applied: 50_000_00, Status: model.ApplicationSent}))
			}
			for k := 0; k < 5; k++ {
				w.do(db.SaveBudgetWish(model.BudgetWish{}, &model.BudgetWish{CouncilID: c.ID, Year: year, Rank: k + 1, Title: text(4), Justification: text(30),
					Category: model.WishCategories[k%len(model.WishCategories)], Estimate: int64(rng.IntN(1_000_000)) * 100, Status: model.WishSubmitted}))
			}
			if progress != nil {
				progress(ci*size.Years+y+1, size.Councils*size.Years)
			}
		}
	}
	return w.err
}
