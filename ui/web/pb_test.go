package web

import (
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
	cs, err := s.db.Councils()
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
	ok(t, s.db.SavePBRound(model.PBRound{}, &r))
	p := model.PBProposal{CouncilID: jy.ID, RoundID: r.ID, Number: 1, Title: "Bænke", Status: model.ProposalReceived}
	ok(t, s.db.ImportPBProposals(r.ID, []model.PBProposal{p}))
	open := r
	open.Phase = model.PhaseVoting
	ok(t, s.db.SavePBRound(r, &open))
	b := model.PBBallot{CouncilID: jy.ID, RoundID: r.ID, Entry: 1, Number: 1, Marks: []model.PBMark{{Number: 1}}}
	ok(t, s.db.SavePBBallot(model.PBBallot{}, &b))

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
