package demo

import (
	"math/rand/v2"
	"strconv"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// DemoPBBallots is how many paper ballots the demo round has; each was
// entered by both counters.
const DemoPBBallots = 300

// demoBorgerbudget writes a finished round of citizen budgeting,
// "Borgerbudget YEAR": a pot of 150.000 kr., at most 3 marks, counted by
// equal shares with completion (mes-add1); ten proposals from the
// villages, two rejected with reasons; 300 paper ballots from two polling
// places, each entered by two counters (double entry), a few invalid, and
// two numbers where the counters first differed and the second counter
// corrected the entry after looking at the paper. Deterministic: the
// votes come from a seeded generator.
func demoBorgerbudget(w *writer, db *storage.DB, council string, year int) {
	if w.err != nil {
		return
	}
	r := model.PBRound{CouncilID: council, Title: "Borgerbudget " + strconv.Itoa(year), Pot: 150_000_00, Population: 4_100,
		Phase: model.PhaseVoting, ProposalsFrom: at(year, 2, 1, 0, 0), ReviewFrom: at(year, 4, 15, 0, 0),
		VotingFrom: at(year, 9, 1, 0, 0), VotingTo: at(year, 9, 14, 0, 0), ResultDate: at(year, 9, 21, 0, 0),
		MinAge: 12, ResidentsOnly: true, BallotKind: model.PBApproval, MaxChoices: 3,
		Method: model.CountMESAdd1, TieRule: model.TieByID,
		Note: "Afstemning på papir i Jyderup Hallen og på biblioteket. Optalt to gange af to tællere."}
	ps := []model.PBProposal{
		{Title: "Petanquebane ved Forsamlingshuset", Cost: 35_000_00, Category: "Leg og bevægelse", Place: "Jyderup Forsamlingshus",
			Text: "To petanquebaner med bænk og lys, så alle aldre kan mødes om aftenen.\nPensionistforeningen passer banerne.", ProposerName: "Bodil Hjorth"},
		{Title: "Bænke langs stien ved Skarresø", Cost: 24_000_00, Category: "Natur", Place: "Skarresø",
			Text: "Seks bænke af egetræ langs søstien, med 500 meters afstand.\nFor dem, der har brug for en pause.", ProposerName: "Ole Brink"},
		{Title: "Ny legeplads i Østerparken", Cost: 95_000_00, Category: "Leg og bevægelse", Place: "Østerparken",
			Text: "Gynger, klatrestativ og sandkasse til de mindste, hvor den gamle legeplads blev lukket.", ProposerName: "Mette Dahl"},
		{Title: "Trampesti gennem Jyderup Skov", Cost: 48_000_00, Category: "Veje og stier", Place: "Jyderup Skov",
			Text: "En afmærket rundtur på 4 km med skilte om skovens historie.\nLaves sammen med Naturstyrelsen.", ProposerName: "Kasper Vinther"},
		{Title: "Shelter og bålplads ved Nyvang", Cost: 62_000_00, Category: "Natur", Place: "Nyvang",
			Text: "Et shelter til seks personer og en bålplads, som spejderne vil passe.", ProposerName: "Jyderup Spejderne"},
		{Title: "Hjertestarter ved stationen", Cost: 18_000_00, Category: "Tryghed", Place: "Jyderup Station",
			Text: "En hjertestarter i et opvarmet skab, tilgængelig døgnet rundt.", ProposerName: "Agnieszka Wójcik"},
		{Title: "Blomsterløg langs indfaldsvejene", Cost: 12_000_00, Category: "Natur", Place: "Holbækvej og Kalundborgvej",
			Text: "20.000 løg sat af frivillige, så byen byder velkommen om foråret.", ProposerName: "Grethe Ravn"},
		{Title: "Udendørs fitness på Torvet", Cost: 70_000_00, Category: "Leg og bevægelse", Place: "Torvet",
			Text: "Fem redskaber til træning i det fri, for unge og ældre.", ProposerName: "Emre Şahin"},
		{Title: "Kunstgræsbane ved skolen", Cost: 900_000_00, Category: "Idræt", Place: "Jyderup Skole",
			Text: "En kunstgræsbane til skolen og fodboldklubben.", ProposerName: "Jyderup Boldklub",
			Status: model.ProposalRejected, Reason: "Prisen er større end hele puljen på 150.000 kr."},
		{Title: "Skaterbane bag hallen", Cost: 140_000_00, Category: "Leg og bevægelse", Place: "Jyderup Hallen",
			Text: "En lille skaterbane i beton til byens unge.", ProposerName: "Frederik Holm",
			Status: model.ProposalRejected, Reason: "Kræver en ny lokalplan, som ikke kan nås i år. Lokalrådet tager forslaget med til næste runde."},
	}
	for i := range ps {
		ps[i].ID, ps[i].Number = strconv.Itoa(i+1), i+1
		if ps[i].Status == "" {
			ps[i].Status = model.ProposalOnBallot
		}
	}
	// Each voter marks one to three proposals, drawn by how popular they
	// were; a few ballots are blank or have too many marks.
	rng := rand.New(rand.NewPCG(2026, 11))
	weight := []int{14, 9, 22, 12, 16, 11, 5, 8}
	total := 0
	for _, x := range weight {
		total += x
	}
	draw := func() int {
		n := rng.IntN(total)
		for i, x := range weight {
			if n < x {
				return i + 1
			}
			n -= x
		}
		return 1
	}
	places := []string{"Jyderup Hallen", "Biblioteket"}
	start := at(year, 9, 14, 20, 0)
	var bs []model.PBBallot
	var differ []int // ballots whose second entry was first typed wrong
	for n := 1; n <= DemoPBBallots; n++ {
		var marks []model.PBMark
		switch {
		case n%97 == 0: // blank
		case n%71 == 0: // four marks: one too many
			marks = []model.PBMark{{Number: 1}, {Number: 3}, {Number: 5}, {Number: 6}}
		default:
			k := 1 + rng.IntN(3)
			seen := map[int]bool{}
			for len(marks) < k {
				if m := draw(); !seen[m] {
					seen[m] = true
					marks = append(marks, model.PBMark{Number: m})
				}
			}
		}
		place := places[0]
		if n > DemoPBBallots*3/5 {
			place = places[1]
		}
		for entry := 1; entry <= 2; entry++ {
			b := model.PBBallot{Entry: entry, Number: n, Place: place, Marks: marks, Entered: start.Add(time.Duration(n*20+entry*7) * time.Second).UTC()}
			if entry == 2 && (n == 42 || n == 187) {
				slip := marks[0].Number%8 + 1 // a slip of the keyboard
				b.Marks = append([]model.PBMark{{Number: slip}}, marks[1:]...)
				differ = append(differ, len(bs))
			}
			bs = append(bs, b)
		}
	}
	created, err := db.CreatePBRound(w.ctx, storage.PBRoundData{Round: r, Proposals: ps, Ballots: bs})
	w.do(err)
	if w.err != nil {
		return
	}
	// The differences settled: the second counter looked at the paper and
	// corrected the entry, so both entries are alike again.
	stored, err := db.PBBallots(w.ctx, created.ID)
	w.do(err)
	for _, i := range differ {
		for _, s := range stored {
			if s.Number == bs[i].Number && s.Entry == 2 {
				fixed := s
				fixed.Marks = bs[i-1].Marks
				w.do(db.SavePBBallot(w.ctx, s, &fixed))
			}
		}
	}
	done := created
	done.Phase = model.PhaseResult
	w.do(db.SavePBRound(w.ctx, created, &done))
}
