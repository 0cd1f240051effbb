package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
)

// The staff's overview shows each council's newest borgerbudget round in
// its row, and every round of the councils shown in a list below.
func TestOverviewShowsBorgerbudget(t *testing.T) {
	s, pw := hub(t)
	cs, err := s.db.Councils(t.Context())
	ok(t, err)
	var jy model.Council
	for _, c := range cs {
		if c.Name == "Jyderup Lokalråd" {
			jy = c
		}
	}
	r := model.PBRound{CouncilID: jy.ID, Title: "Borgerbudget 2026", Pot: 150_000_00, Phase: model.PhaseReview,
		VotingFrom: time.Date(2026, 9, 1, 0, 0, 0, 0, model.Copenhagen), VotingTo: time.Date(2026, 9, 14, 0, 0, 0, 0, model.Copenhagen),
		BallotKind: model.PBApproval, Method: model.CountMESAdd1, TieRule: model.TieByID}
	ok(t, s.db.SavePBRound(t.Context(), model.PBRound{}, &r))
	p := model.PBProposal{CouncilID: jy.ID, RoundID: r.ID, Number: 1, Title: "Bænke", Status: model.ProposalReceived}
	ok(t, s.db.ImportPBProposals(t.Context(), r.ID, []model.PBProposal{p}))
	open := r
	open.Phase = model.PhaseVoting
	ok(t, s.db.SavePBRound(t.Context(), r, &open))
	b := model.PBBallot{CouncilID: jy.ID, RoundID: r.ID, Entry: 1, Number: 1, Marks: []model.PBMark{{Number: 1}}}
	ok(t, s.db.SavePBBallot(t.Context(), model.PBBallot{}, &b))

	page := do(s, "GET", "/login", nil)
	csrf := cookie(t, page, csrfCookie)
	w := do(s, "POST", "/login", url.Values{"csrf": {csrf.Value}, "name": {"Ida Ørsted"}, "password": {pw}}, csrf)
	sess := cookie(t, w, sessionCookie)
	w = do(s, "GET", "/oversigt", nil, sess)
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("overview %d\n%s", w.Code, body)
	}
	for _, want := range []string{"<th>Borgerbudget</th>", "<td>Borgerbudget 2026 (Afstemning)</td>", "Borgerbudgetrunder",
		"<td class=\"tal\">150.000 kr.</td>", "01.09.2026 – 14.09.2026"} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	// Filtered to Tølløse, Jyderup's round is not listed.
	w = do(s, "GET", "/oversigt?q=tøll", nil, sess)
	if b := w.Body.String(); strings.Contains(b, "Borgerbudget 2026") || !strings.Contains(b, "Ingen borgerbudgetrunder.") {
		t.Errorf("filtered to Tølløse:\n%s", b)
	}
}

// A council that publishes its citizen budget results shows each round
// whose result is published: winners with votes and cost, the money left
// and the count; never a proposer, a round still voting, or a result while
// the two counters differ; nothing of it while the choice is off.
func TestPublicPageShowsBudgetResults(t *testing.T) {
	s, db, j, _ := publicHub(t)
	round := func(title string, finish bool, marks2 string) model.PBRound {
		r := model.PBRound{CouncilID: j, Title: title, Pot: 100_000_00, Population: 2000, Phase: model.PhaseReview,
			BallotKind: model.PBApproval, MaxChoices: 2, Method: model.CountVotes, TieRule: model.TieByID}
		ok(t, db.SavePBRound(context.Background(), model.PBRound{}, &r))
		ok(t, db.ImportPBProposals(context.Background(), r.ID, []model.PBProposal{
			{CouncilID: j, RoundID: r.ID, Number: 1, Title: "Bænke ved søen", Cost: 40_000_00, Status: model.ProposalOnBallot, ProposerName: "Hemmelige Hansen", ProposerContact: "hh@example.dk"},
			{CouncilID: j, RoundID: r.ID, Number: 2, Title: "Svævebane", Cost: 90_000_00, Status: model.ProposalOnBallot},
		}))
		open := r
		open.Phase = model.PhaseVoting
		ok(t, db.SavePBRound(context.Background(), r, &open))
		for i, m := range []string{"1", "1 2", marks2} {
			for entry := 1; entry <= 2; entry++ {
				ms := m
				if entry == 2 && i == 2 {
					ms = "1"
				}
				marks, err := model.ParseMarks(ms, false)
				ok(t, err)
				b := model.PBBallot{CouncilID: j, RoundID: r.ID, Entry: entry, Number: i + 1, Place: "Hallen", Marks: marks}
				ok(t, db.SavePBBallot(context.Background(), model.PBBallot{}, &b))
			}
		}
		if finish {
			done := open
			done.Phase = model.PhaseResult
			ok(t, db.SavePBRound(context.Background(), open, &done))
			return done
		}
		return open
	}
	round("Borgerbudget 2026", true, "1")  // counters agree: published
	round("Borgerbudget 2025", true, "2")  // counters differ on ballot 3: not final
	round("Borgerbudget 2027", false, "1") // still voting
	pub := model.Publication{CouncilID: j, Enabled: true}
	ok(t, db.SavePublication(t.Context(), model.Publication{}, &pub))
	page := func() string {
		w := do(s, "GET", "/offentlig/"+j+"/", nil)
		if w.Code != http.StatusOK {
			t.Fatalf("public page %d", w.Code)
		}
		return w.Body.String()
	}
	if b := page(); strings.Contains(b, "Borgerbudget") || strings.Contains(b, "Bænke ved søen") {
		t.Errorf("budget results shown though not published:\n%s", b)
	}
	on := pub
	on.Budget = true
	ok(t, db.SavePublication(t.Context(), pub, &on))
	b := page()
	for _, want := range []string{"Borgerbudget 2026: resultat", "<td>Bænke ved søen</td><td class=\"tal\">3</td><td class=\"tal\">40.000 kr.</td>",
		"tilbage af puljen: 60.000 kr.", "3 stemmesedler, heraf 3 gyldige (stemmeprocent 0,2 %)", "Flest stemmer"} {
		if !strings.Contains(b, want) {
			t.Errorf("the public page lacks %q:\n%s", want, b)
		}
	}
	for _, never := range []string{"Hemmelige Hansen", "hh@example.dk", "Borgerbudget 2025", "Borgerbudget 2027", "Svævebane"} {
		if strings.Contains(b, never) {
			t.Errorf("the public page shows %q", never)
		}
	}
}
