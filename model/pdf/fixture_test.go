package pdf

import (
	"fmt"
	"strings"
	"time"

	"lokalraad/model"
)

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, model.Copenhagen)
}

func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, model.Copenhagen).UTC()
}

// printedAt is the fixed "now" of the tests.
var printedAt = at(2026, time.November, 20, 10, 0)

// fixture is Jyderup Lokalråd with a board, an approved meeting in October
// and a held meeting in November whose minutes are still a draft.
func fixture() *model.CouncilData {
	const c = "c1"
	return &model.CouncilData{
		Council: model.Council{ID: c, Name: "Jyderup Lokalråd", Area: "Jyderup", AnnualGrant: 30_000_00},
		Members: []model.Member{
			{ID: "m-mette", CouncilID: c, Name: "Mette Bødker", Role: model.RoleMember},
			{ID: "m-sule", CouncilID: c, Name: "Şule Yılmaz", Role: model.RoleViceChair},
			{ID: "m-lukasz", CouncilID: c, Name: "Łukasz Nowak", Role: model.RoleChair, Contact: true,
				Phone: "+45 20 30 40 50", Email: "lukasz@example.dk"},
			{ID: "m-odon", CouncilID: c, Name: "Ődön Kovács", Role: model.RoleTreasurer},
			{ID: "m-soren", CouncilID: c, Name: "Søren Ærø Åkjær", Role: model.RoleSecretary, Phone: "61 62 63 64"},
			{ID: "m-jens", CouncilID: c, Name: "Jens Østergaard", Role: model.RoleSubstitute},
		},
		Meetings: []model.Meeting{
			{ID: "okt", CouncilID: c, Kind: model.MeetingBoard, Start: at(2026, time.October, 29, 19, 0),
				Place: "Jyderup Hallen", Status: model.MeetingApproved,
				Attendees:  "Łukasz Nowak\nŞule Yılmaz\nSøren Ærø Åkjær\n",
				Apologies:  "Ődön Kovács",
				ApprovedAt: at(2026, time.November, 26, 20, 0)},
			{ID: "nov", CouncilID: c, Kind: model.MeetingBoard, Start: at(2026, time.November, 26, 19, 30),
				Place: "Jyderup Hallen, mødelokale 2, Skolevej 15", Status: model.MeetingHeld,
				Attendees: "Łukasz Nowak\nŞule Yılmaz\nŐdön Kovács\n\nSøren Ærø Åkjær",
				Apologies: "Mette Bødker\nJens Østergaard"},
		},
		Items: []model.AgendaItem{
			{ID: "o1", CouncilID: c, MeetingID: "okt", Position: 1, Title: "Legepladsen ved Søndergade", Kind: model.ItemDecision, Minutes: 30,
				Notes:    "Ődön fremlagde tilbud fra to leverandører. Rådet foretrækker robinienes træ frem for plast.",
				Decision: "Rådet søger Fællesskabspuljen om 20.000 kr. til legepladsen."},
			// Out of order on purpose: the agenda is sorted by position.
			{ID: "n3", CouncilID: c, MeetingID: "nov", Position: 3, Title: "Trafiksikkerhed på Holbækvej", Kind: model.ItemDiscussion, Minutes: 30,
				Background: "Borgere har klaget over farten på Holbækvej ved skolen. Vejdirektoratet har bedt om lokalrådets syn på et fodgængerfelt, og Şule har samlet bemærkninger fra forældrene.",
				Notes:      "Drøftelse af forældrenes bemærkninger. Enighed om, at et fodgængerfelt ved skolen er vigtigst.",
				Decision:   "Lokalrådet anbefaler et fodgængerfelt ved Jyderup Skole og beder Łukasz skrive til Vejdirektoratet."},
			{ID: "n1", CouncilID: c, MeetingID: "nov", Position: 1, Title: "Godkendelse af dagsorden", Kind: model.ItemDecision, Minutes: 5,
				Decision: "Dagsordenen blev godkendt."},
			{ID: "n2", CouncilID: c, MeetingID: "nov", Position: 2, Title: "Godkendelse af referat fra 29. oktober", Kind: model.ItemDecision, Minutes: 5,
				Decision: "Referatet blev godkendt uden ændringer."},
			{ID: "n4", CouncilID: c, MeetingID: "nov", Position: 4, Title: "Budgetønsker 2027", Kind: model.ItemDecision, Minutes: 20,
				Background: "Kassereren har samlet rådets ønsker til kommunens budget for 2027. Prioriteringen skal vedtages.",
				Notes:      "Stien langs åen flyttes op som første prioritet.",
				Decision:   "Budgetønskerne for 2027 blev vedtaget i den viste rækkefølge."},
			{ID: "n5", CouncilID: c, MeetingID: "nov", Position: 5, Title: "Orientering fra kassereren", Kind: model.ItemInformation, Minutes: 10,
				Background: "Status på regnskabet: der er brugt 18.250 kr. af det årlige tilskud."},
			{ID: "n6", CouncilID: c, MeetingID: "nov", Position: 6, Title: "Eventuelt", Kind: model.ItemInformation, Minutes: 10},
		},
		Actions: []model.ActionItem{
			{ID: "a1", CouncilID: c, MeetingID: "okt", Who: "Łukasz Nowak", What: "Kontakte Vejdirektoratet om fodgængerfelt", Due: day(2026, time.November, 15)},
			{ID: "a2", CouncilID: c, MeetingID: "okt", Who: "Mette Bødker", What: "Bestille kaffe til borgermødet", Due: day(2026, time.November, 1),
				Done: true, DoneAt: at(2026, time.November, 2, 12, 0)},
			{ID: "a3", CouncilID: c, MeetingID: "okt", Who: "Ődön Kovács", What: "Søge Fællesskabspuljen om tilskud til legepladsen"},
			{ID: "a4", CouncilID: c, MeetingID: "nov", AgendaItemID: "n4", Who: "Şule Yılmaz", What: "Indsende budgetønskerne til kommunen", Due: day(2026, time.December, 1)},
			{ID: "a5", CouncilID: c, MeetingID: "nov", AgendaItemID: "n3", Who: "Łukasz Nowak", What: "Skrive til Vejdirektoratet om fodgængerfeltet", Due: day(2026, time.December, 10)},
		},
		Projects: []model.Project{
			{ID: "p1", CouncilID: c, Title: "Ny legeplads ved Søndergade", Status: model.ProjectRunning, ResponsibleID: "m-odon", Progress: 40},
			{ID: "p2", CouncilID: c, Title: "Shelter ved Skarresø", Status: model.ProjectIdea, ResponsibleID: "m-sule", Progress: 5},
			{ID: "p3", CouncilID: c, Title: "Skøjtebane på torvet", Status: model.ProjectAbandoned},
		},
		Lines: []model.BudgetLine{
			{ID: "l1", CouncilID: c, ProjectID: "p1", Text: "Legeredskaber", Kind: model.LineExpense, Amount: 150_000_00},
			{ID: "l2", CouncilID: c, ProjectID: "p1", Text: "Faldunderlag", Kind: model.LineExpense, Amount: 30_000_00},
			{ID: "l3", CouncilID: c, ProjectID: "p1", Text: "Lokalrådets midler", Kind: model.LineOwn, Amount: 20_000_00},
		},
		Applications: []model.FundingApplication{
			{ID: "f1", CouncilID: c, ProjectID: "p1", Pool: "Lokalområdernes Udviklingspulje", Applied: 50_000_00, Granted: 50_000_00,
				Status: model.ApplicationGranted, VolunteerHours: 100},
		},
		Wishes: []model.BudgetWish{
			{ID: "w1", CouncilID: c, Year: 2027, Title: "Belysning på stien til stationen", Category: "Trafiksikkerhed", Estimate: 75_000_00, Rank: 2,
				Justification: "Stien er mørk om vinteren, og mange børn går den til skole.", Status: model.WishReady},
			{ID: "w2", CouncilID: c, Year: 2027, Title: "Sti langs åen", Category: "Veje og stier", Estimate: 25_000_00, Rank: 1,
				Justification: "En sti langs Jyderup Å vil binde byen sammen med skoven.\nDen kan anlægges i etaper.", Status: model.WishReady},
			{ID: "w3", CouncilID: c, Year: 2027, Title: "Bænke ved gadekæret", Category: "Fællesskab", Estimate: 12_500_00, Rank: 3, Status: model.WishDraft},
			{ID: "w4", CouncilID: c, Year: 2026, Title: "Ny hjertestarter ved hallen", Category: "Andet", Estimate: 18_000_00, Rank: 1,
				Status: model.WishAnswered, Answer: model.AnswerPartly, Granted: 10_000_00, AnswerText: "Kommunen betaler halvdelen."},
		},
	}
}

// bigFixture adds a meeting with n items, each with a paragraph of
// background, for the benchmark and the layout tests.
func bigFixture(n int) *model.CouncilData {
	d := fixture()
	d.Meetings = append(d.Meetings, model.Meeting{ID: "big", CouncilID: "c1", Kind: model.MeetingCitizens,
		Title: "Borgermøde om byens udvikling", Start: at(2026, time.December, 3, 19, 0), Place: "Jyderup Skole, aulaen",
		Status: model.MeetingPlanned})
	para := strings.Repeat("Lokalrådet har drøftet sagen med borgere, foreninger og kommunens fælles-skabere. ", 6)
	for i := range n {
		d.Items = append(d.Items, model.AgendaItem{
			ID: fmt.Sprintf("b%02d", i), CouncilID: "c1", MeetingID: "big", Position: i + 1,
			Title: fmt.Sprintf("Punkt om byens udvikling nr. %d: stier, grønne områder og trafik", i+1),
			Kind:  model.ItemKinds[i%len(model.ItemKinds)], Minutes: 5 + i%4*5,
			Background: para,
		})
	}
	return d
}
