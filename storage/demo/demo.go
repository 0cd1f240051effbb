// Package demo writes data sets to a database: a realistic Danish demo
// council to look at on first start, and a large generated data set (ten
// years for 18 councils) for benchmarks and for trying the app under load.
// Everything is written through storage, so the change log is complete.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// at is a Danish local time.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, model.Copenhagen)
}

type writer struct {
	ctx context.Context
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
func Council(ctx context.Context, db *storage.DB, now time.Time) (string, error) {
	w := &writer{ctx: ctx, db: db}
	c := model.Council{Name: "Jyderup Lokalråd", Area: "Jyderup", AnnualGrant: 30_000_00}
	w.do(db.SaveCouncil(ctx, model.Council{}, &c))
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
		w.do(db.SaveMember(ctx, model.Member{}, &members[i]))
	}
	names := "Karen Østergaard\nSøren Ærenlund\nŁukasz Nowak\nŞule Yılmaz\nŐdön Kovács"

	// Holbæk's pools and the municipality's dates (examples, never sent),
	// and the council's årshjul.
	udvikling, faelles := demoMunicipal(w, db, year, now)
	for _, r := range append(model.DefaultYearRules(c.ID, model.Danish), model.YearRule{CouncilID: c.ID, Title: "Jyderup Byfest",
		Category: model.YearOwnCateg, Kind: model.YearWeekday, Month: 8, Weekday: time.Saturday, Nth: 3}) {
		w.do(db.SaveYearRule(ctx, model.YearRule{}, &r))
	}

	// Projects with budgets and funding.
	shelter := model.Project{CouncilID: c.ID, Title: "Shelter ved Skarresø", Status: model.ProjectApplied,
		Description:   "To sheltere og en bålplads ved søen, bygget af frivillige, til skoler, spejdere og alle andre.",
		ResponsibleID: members[1].ID, WorkingGroup: "Søren Ærenlund\nŐdön Kovács\nJyderup Spejderne",
		Start: at(year, 4, 1, 0, 0), End: at(year, 10, 31, 0, 0), Progress: 35}
	w.do(db.SaveProject(ctx, model.Project{}, &shelter))
	for _, l := range []model.BudgetLine{
		{Text: "Tømmer og tagpap", Kind: model.LineExpense, Amount: 68_500_00},
		{Text: "Bålplads og bænke", Kind: model.LineExpense, Amount: 24_000_00},
		{Text: "Skilte og formidling", Kind: model.LineExpense, Amount: 12_500_50},
		{Text: "Lokalrådets egen kasse", Kind: model.LineOwn, Amount: 15_000_00},
	} {
		l.CouncilID, l.ProjectID = c.ID, shelter.ID
		w.do(db.SaveBudgetLine(ctx, model.BudgetLine{}, &l))
	}
	w.do(db.SaveFundingApplication(ctx, model.FundingApplication{}, &model.FundingApplication{CouncilID: c.ID, ProjectID: shelter.ID,
		Pool: "Lokalområdernes Udviklingspulje", PoolID: udvikling, Deadline: at(year+1, 3, 1, 0, 0), Applied: 50_000_00,
		Status: model.ApplicationDraft, VolunteerHours: 150}))
	w.do(db.SaveFundingApplication(ctx, model.FundingApplication{}, &model.FundingApplication{CouncilID: c.ID, ProjectID: shelter.ID,
		Pool: "Friluftsrådet", Deadline: at(year, 9, 15, 0, 0), Applied: 25_000_00, Granted: 20_000_00,
		Status: model.ApplicationPartly, VolunteerHours: 150}))

	byfest := model.Project{CouncilID: c.ID, Title: "Jyderup Byfest", Status: model.ProjectRunning,
		Description:   "Byfest i august med loppemarked, musik og fællesspisning på torvet.",
		ResponsibleID: members[0].ID, Start: at(year, 8, 20, 0, 0), End: at(year, 8, 22, 0, 0), Progress: 80}
	w.do(db.SaveProject(ctx, model.Project{}, &byfest))
	w.do(db.SaveBudgetLine(ctx, model.BudgetLine{}, &model.BudgetLine{CouncilID: c.ID, ProjectID: byfest.ID, Text: "Scene og lyd", Kind: model.LineExpense, Amount: 18_000_00}))
	w.do(db.SaveFundingApplication(ctx, model.FundingApplication{}, &model.FundingApplication{CouncilID: c.ID, ProjectID: byfest.ID,
		Pool: "Fællesskabspuljen", PoolID: faelles, Deadline: at(year, 5, 1, 0, 0), Applied: 15_000_00, Granted: 15_000_00, Status: model.ApplicationGranted}))
	sti := model.Project{CouncilID: c.ID, Title: "Stiforbindelse til Kalundborgvej", Status: model.ProjectIdea,
		Description: "Sikker sti for skolebørn mellem Nyvang og skolen."}
	w.do(db.SaveProject(ctx, model.Project{}, &sti))

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
		w.do(db.SaveMeeting(ctx, model.Meeting{}, &m))
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
			w.do(db.SaveAgendaItem(ctx, model.AgendaItem{}, &items[j]))
		}
		if m.Status != model.MeetingPlanned && len(items) > 2 {
			w.do(db.SaveActionItem(ctx, model.ActionItem{}, &model.ActionItem{CouncilID: c.ID, MeetingID: m.ID, AgendaItemID: items[2].ID,
				Who: members[i%len(members)].Name, What: fmt.Sprintf("Følg op på %s", items[2].Title),
				Due: m.Start.AddDate(0, 0, 30), Done: i < 3, DoneAt: m.Start.AddDate(0, 0, 20)}))
		}
		if approve {
			held := m
			m.Status, m.ApprovedAt, m.ApprovedBy = model.MeetingApproved, m.Start.AddDate(0, 2, 0), "Karen Østergaard"
			w.do(db.SaveMeeting(ctx, held, &m))
		}
		meetings = append(meetings, m)
	}
	w.do(db.SaveActionItem(ctx, model.ActionItem{}, &model.ActionItem{CouncilID: c.ID, MeetingID: meetings[4].ID, Who: "Karen Østergaard",
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
		w.do(db.SaveBudgetWish(ctx, model.BudgetWish{}, &bw))
	}
	// Last year's wishes, answered by the municipality.
	w.do(db.SaveBudgetWish(ctx, model.BudgetWish{}, &model.BudgetWish{CouncilID: c.ID, Year: year, Rank: 1, Title: "Fartdæmpning på Søndergade",
		Category: "Trafiksikkerhed", Estimate: 220_000_00, Status: model.WishAnswered, Answer: model.AnswerPartly,
		AnswerText: "Byrådet har afsat midler til to bump i 2026.", Granted: 120_000_00}))
	demoAccounts(w, db, c.ID, year, now, byfest.ID, shelter.ID)
	demoPlan(w, db, c.ID, year, shelter.ID, sti.ID, byfest.ID)
	demoBorgerbudget(w, db, c.ID, year)
	w.do(db.SetMeta(ctx, metaDemo, c.ID))
	if w.err != nil {
		return "", fmt.Errorf("demo-lokalråd: %w", w.err)
	}
	return c.ID, nil
}

// demoAccounts writes last year's accounts, approved at this year's
// generalforsamling, and this year's lines up to now: the grant, meetings,
// the byfest, a pool grant passed on to a project, and one wage (flagged).
func demoAccounts(w *writer, db *storage.DB, council string, year int, now time.Time, byfest, shelter string) {
	last := model.AccountsYear{CouncilID: council, Year: year - 1, Opening: 4_210_75}
	lines := []model.AccountEntry{
		{Date: at(year-1, 1, 20, 0, 0), Text: "Tilskud fra Holbæk Kommune", Kind: model.EntryIncome, Amount: 30_000_00, Category: "Tilskud fra kommunen", Receipt: "1"},
		{Date: at(year-1, 3, 12, 0, 0), Text: "Generalforsamling: kaffe og kage", Kind: model.EntryExpense, Amount: 1_245_50, Category: "Møder og generalforsamling", Receipt: "2"},
		{Date: at(year-1, 5, 2, 0, 0), Text: "Hjemmeside, et år", Kind: model.EntryExpense, Amount: 1_188_00, Category: "Kommunikation", Receipt: "3"},
		{Date: at(year-1, 8, 22, 0, 0), Text: "Byfest: scene og lyd", Kind: model.EntryExpense, Amount: 18_000_00, Category: "Arrangementer", Receipt: "4"},
		{Date: at(year-1, 8, 23, 0, 0), Text: "Byfest: salg af øl og pølser", Kind: model.EntryIncome, Amount: 9_870_00, Category: "Egne indtægter", Receipt: "5"},
		{Date: at(year-1, 11, 30, 0, 0), Text: "Julebelysning, el", Kind: model.EntryExpense, Amount: 2_340_25, Category: "Arrangementer", Receipt: "6"},
		{Date: at(year, 1, 18, 0, 0), Text: "Tilskud fra Holbæk Kommune", Kind: model.EntryIncome, Amount: 30_000_00, Category: "Tilskud fra kommunen", Receipt: "1"},
		{Date: at(year, 2, 10, 0, 0), Text: "Mødelokale, Forsamlingshuset", Kind: model.EntryExpense, Amount: 600_00, Category: "Møder og generalforsamling", Receipt: "2"},
		{Date: at(year, 5, 20, 0, 0), Text: "Fællesskabspuljen: bevilling til byfesten", Kind: model.EntryIncome, Amount: 15_000_00, Category: "Puljemidler", ProjectID: byfest, Receipt: "3"},
		{Date: at(year, 6, 15, 0, 0), Text: "Tømmer til shelter", Kind: model.EntryExpense, Amount: 8_450_00, Category: "Projekter", ProjectID: shelter, Receipt: "4"},
		{Date: at(year, 8, 21, 0, 0), Text: "Byfest: scene og lyd", Kind: model.EntryExpense, Amount: 18_000_00, Category: "Arrangementer", ProjectID: byfest, Receipt: "5"},
		{Date: at(year, 8, 25, 0, 0), Text: "Oprydning efter byfesten (løn)", Kind: model.EntryExpense, Amount: 1_500_00, Category: model.WageCategory, ProjectID: byfest, Receipt: "6"},
	}
	for _, e := range lines {
		if e.Date.After(now) {
			continue
		}
		e.CouncilID = council
		w.do(db.SaveAccountEntry(w.ctx, model.AccountEntry{}, &e))
	}
	l := model.BuildLedger(year-1, last.Opening, lines)
	w.do(db.SaveAccountsYear(w.ctx, model.AccountsYear{}, &last))
	this := model.AccountsYear{CouncilID: council, Year: year, Opening: l.Closing}
	w.do(db.SaveAccountsYear(w.ctx, model.AccountsYear{}, &this))
	if agm := at(year, 3, 12, 0, 0); agm.Before(now) {
		approved := last
		approved.Approved = agm
		w.do(db.SaveAccountsYear(w.ctx, last, &approved))
	}
}

// demoPlan writes this year's development plan.
func demoPlan(w *writer, db *storage.DB, council string, year int, shelter, sti, byfest string) {
	p := model.DevPlan{CouncilID: council, Year: year,
		Vision: "Jyderup er et levende lokalsamfund ved Skarresø, hvor børn, unge og ældre mødes om naturen, fællesskabet og byens liv."}
	// A demo written for a year gone by (a test's fixed clock) has no plan:
	// that year's plan would be read-only.
	if err := db.SavePlan(w.ctx, model.DevPlan{}, &p); errors.Is(err, storage.ErrOldPlan) {
		return
	} else if w.do(err); w.err != nil {
		return
	}
	areas := []model.FocusArea{
		{Title: "Natur og friluftsliv", Goals: "Sheltere og bålplads ved søen\nEn sti hele vejen rundt om Skarresø", Projects: []string{shelter}},
		{Title: "Trafik og sikre skoleveje", Goals: "Sikker sti fra Nyvang til skolen\nLavere fart på Søndergade", Projects: []string{sti}},
		{Title: "Fællesskab og byliv", Goals: "Byfest hvert år\nFlere frivillige under 30", Projects: []string{byfest}},
	}
	for i := range areas {
		areas[i].CouncilID, areas[i].PlanID, areas[i].Position = council, p.ID, i+1
		w.do(db.SaveFocusArea(w.ctx, model.FocusArea{}, &areas[i]))
	}
	for _, a := range []model.PlanAction{
		{FocusID: areas[0].ID, Who: "Søren Ærenlund", What: "Søg Lokalområdernes Udviklingspulje til sheltere", Due: at(year+1, 3, 1, 0, 0), Status: model.ActionStarted},
		{FocusID: areas[1].ID, Who: "Karen Østergaard", What: "Budgetønske om stien til budgethøringen", Due: at(year, 6, 1, 0, 0), Status: model.ActionDone},
		{FocusID: areas[1].ID, Who: "Şule Yılmaz", What: "Trafiktælling på Søndergade med skolen", Status: model.ActionNotStarted},
		{FocusID: areas[2].ID, Who: "Bestyrelsen", What: "Byfest i august", Due: at(year, 8, 22, 0, 0), Status: model.ActionDone},
	} {
		a.CouncilID, a.PlanID = council, p.ID
		w.do(db.SavePlanAction(w.ctx, model.PlanAction{}, &a))
	}
}

// demoMunicipal writes Holbæk's pools (DOMAIN.md) with their rules and
// two of the municipality's dates, unless the computer holds pools
// already (then those are linked by name), and marks them as the demo's so
// they are never sent. It returns the ids of Udviklingspuljen and
// Fællesskabspuljen.
func demoMunicipal(w *writer, db *storage.DB, year int, now time.Time) (udvikling, faelles string) {
	have, err := db.Pools(w.ctx)
	w.do(err)
	for _, p := range have {
		switch p.Name {
		case "Lokalområdernes Udviklingspulje":
			udvikling = p.ID
		case "Fællesskabspuljen":
			faelles = p.ID
		}
	}
	// An enrolled computer has the real pools from the server, or will.
	token, err := db.Meta(w.ctx, storage.MetaToken)
	w.do(err)
	if len(have) > 0 || token != "" || w.err != nil {
		return udvikling, faelles
	}
	deadline := at(year, 3, 1, 0, 0)
	if deadline.Before(now) {
		deadline = at(year+1, 3, 1, 0, 0)
	}
	pools := []model.Pool{
		{Name: "Lokalområdernes Udviklingspulje", Available: 200_000_00, MaxPerApp: 50_000_00, Deadline: deadline,
			Description:     "200.000 kr. om året, fordelt som 4 × 50.000 kr. til udviklingsprojekter i lokalområderne.",
			Rules:           "Projektet skal i alt være på mindst 100.000 kr.\nFrivillige timer tæller 100 kr. i timen, højst 50 % af egenfinansieringen.\nIngen projekter, der efterlader driftsudgifter til kommunen.\nRegnskab og evaluering senest 3 måneder efter projektets afslutning.",
			MinProjectTotal: 100_000_00, VolunteerRate: 100_00, VolunteerCapPct: 50, NoRunningCosts: true, AccountsMonths: 3},
		{Name: "Fællesskabspuljen", MaxPerApp: 20_000_00, OpenAllYear: true,
			Description: "Op til 20.000 kr. til fællesskaber og arrangementer, åben hele året.",
			Rules:       "Regnskab efter arrangementet.", AccountsMonths: 3},
	}
	var rows []string
	for i := range pools {
		w.do(db.SavePool(w.ctx, model.Pool{}, &pools[i]))
		rows = append(rows, "pools "+pools[i].ID)
	}
	for _, d := range []model.MunicipalDeadline{
		{Title: fmt.Sprintf("Høringssvar til budget %d", year+1), Kind: "Budgethøring", Date: at(year, 8, 30, 0, 0)},
		{Title: "Dialogmøde med Udvalget for Land og By", Kind: "Dialogmøde", Date: at(year, 9, 22, 0, 0)},
	} {
		w.do(db.SaveDeadline(w.ctx, model.MunicipalDeadline{}, &d))
		rows = append(rows, "deadlines "+d.ID)
	}
	w.do(db.SetMeta(w.ctx, storage.MetaDemoMunicipal, strings.Join(rows, "\n")))
	return pools[0].ID, pools[1].ID
}

// metaDemo holds the id of the demo council written on this computer.
const metaDemo = storage.MetaDemo

// Is tells whether council is the demo council Council wrote on this
// computer. The demo is example data: it is never linked with a council at
// the municipality, nor sent there. (A demo written before Council marked
// it is a council with data like any other: enrolling asks before linking
// it.)
func Is(ctx context.Context, db *storage.DB, council string) (bool, error) {
	id, err := db.Meta(ctx, metaDemo)
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
func Large(ctx context.Context, db *storage.DB, now time.Time, size LargeSize, progress func(done, total int)) error {
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
	w := &writer{ctx: ctx, db: db}
	for ci := 0; ci < size.Councils && w.err == nil; ci++ {
		c := model.Council{Name: fmt.Sprintf("Lokalområde %02d", ci+1), Area: fmt.Sprintf("Område %02d", ci+1), AnnualGrant: int64(20_000_00 + rng.IntN(20)*1_000_00)}
		w.do(db.SaveCouncil(ctx, model.Council{}, &c))
		for i := 0; i < 9; i++ {
			w.do(db.SaveMember(ctx, model.Member{}, &model.Member{CouncilID: c.ID, Name: fmt.Sprintf("Medlem %d af råd %d", i+1, ci+1), Role: model.Roles[min(i, len(model.Roles)-1)]}))
		}
		for y := 0; y < size.Years && w.err == nil; y++ {
			year := now.Year() - size.Years + 1 + y
			for month := 1; month <= 12; month++ {
				m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Start: at(year, time.Month(month), 10, 19, 0),
					Place: "Forsamlingshuset", Status: model.MeetingHeld, Attendees: "Medlem 1\nMedlem 2\nMedlem 3"}
				w.do(db.SaveMeeting(ctx, model.Meeting{}, &m))
				for k := 0; k < 8; k++ {
					it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: text(3), Kind: model.ItemKinds[k%3], Minutes: 10,
						Background: text(30), Notes: text(40), Decision: text(10)}
					w.do(db.SaveAgendaItem(ctx, model.AgendaItem{}, &it))
					if k%4 == 0 {
						w.do(db.SaveActionItem(ctx, model.ActionItem{}, &model.ActionItem{CouncilID: c.ID, MeetingID: m.ID, AgendaItemID: it.ID, Who: "Medlem 1",
							What: text(6), Due: m.Start.AddDate(0, 1, 0), Done: year < now.Year(), DoneAt: m.Start.AddDate(0, 0, 20)}))
					}
				}
			}
			for p := 0; p < 4; p++ {
				pr := model.Project{CouncilID: c.ID, Title: text(3), Description: text(50), Status: model.ProjectStatuses[rng.IntN(len(model.ProjectStatuses))], Progress: rng.IntN(101)}
				w.do(db.SaveProject(ctx, model.Project{}, &pr))
				w.do(db.SaveBudgetLine(ctx, model.BudgetLine{}, &model.BudgetLine{CouncilID: c.ID, ProjectID: pr.ID, Text: text(2), Kind: model.LineExpense, Amount: int64(rng.IntN(200_000)) * 100}))
				w.do(db.SaveFundingApplication(ctx, model.FundingApplication{}, &model.FundingApplication{CouncilID: c.ID, ProjectID: pr.ID, Pool: "Udviklingspuljen",
					Deadline: at(year, 3, 1, 0, 0), Applied: 50_000_00, Status: model.ApplicationSent}))
			}
			for k := 0; k < 5; k++ {
				w.do(db.SaveBudgetWish(ctx, model.BudgetWish{}, &model.BudgetWish{CouncilID: c.ID, Year: year, Rank: k + 1, Title: text(4), Justification: text(30),
					Category: model.WishCategories[k%len(model.WishCategories)], Estimate: int64(rng.IntN(1_000_000)) * 100, Status: model.WishSubmitted}))
			}
			if progress != nil {
				progress(ci*size.Years+y+1, size.Councils*size.Years)
			}
		}
	}
	return w.err
}
