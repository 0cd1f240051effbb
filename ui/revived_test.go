package ui

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// A citizen budgeting round and a proposal of it that came back are named
// by their titles, as a meeting is, not by their kind alone: »Runde« does
// not tell the chair which of the council's rounds to look at. In the
// user's language: Danish, or English.
func TestRevivedRoundIsNamed(t *testing.T) {
	u, db, council := withCouncil(t)
	r := model.PBRound{CouncilID: council, Title: "Borgerbudget 2027", Pot: 100_000_00, Phase: model.PhaseProposals, BallotKind: model.PBApproval,
		Method: model.CountVotes, TieRule: model.TieByID}
	ok(t, db.SavePBRound(t.Context(), model.PBRound{}, &r))
	p := model.PBProposal{CouncilID: council, RoundID: r.ID, Title: "Bænk ved søen", Cost: 20_000_00}
	ok(t, db.SavePBProposal(t.Context(), model.PBProposal{}, &p))
	back := storage.Changed{}
	back.Add("pb_rounds", r.ID)
	back.Add("pb_proposals", p.ID)
	msg := u.revivedText(back)
	for _, want := range []string{"Slettet på denne computer", "Runde «Borgerbudget 2027»", "Forslag «Bænk ved søen»"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the notice lacks %q: %q", want, msg)
		}
	}
	// In English, the second language, the same rows in English words.
	ok(t, SetupLanguage("en"))
	t.Cleanup(func() { _ = SetupLanguage("da") })
	msg = u.revivedText(back)
	for _, want := range []string{"Deleted on this computer", "Round «Borgerbudget 2027»", "Proposal «Bænk ved søen»"} {
		if !strings.Contains(msg, want) {
			t.Errorf("in English the notice lacks %q: %q", want, msg)
		}
	}
}

// The laptop that wrote the minutes, reading in the file of the laptop
// that deleted the meeting, keeps the meeting and is not told it came
// back: it never lost it. A third laptop enrolled afterwards, reading in
// the deleter's file and then the writer's, is told nothing either.
func TestNoBackNoticeWhereNotDeleted(t *testing.T) {
	hubDB := newTestDB(t)
	ts := httptest.NewServer(exchange.NewServer(t.Context(), hubDB, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	hub := &testHub{db: hubDB, url: ts.URL}
	council := hub.council(t, "Jyderup Lokalråd")
	adb, bdb, cdb := hub.laptop(t, council), hub.laptop(t, council), hub.laptop(t, council)
	ts.Close()
	cli := exchange.NewClient()
	file := func(from *storage.DB) string { return fileOf(t, from, council) }
	m, it := juniMeeting(t, adb, council)
	_, _, err := cli.ImportBundle(t.Context(), noerr.Get(os.Open(file(adb)))(t), bdb)
	ok(t, err)
	l := noerr.Get(bdb.AgendaItem(t.Context(), it.ID))(t)
	x := l
	x.Notes = "Stien males om i juli.\n"
	ok(t, bdb.SaveAgendaItem(t.Context(), l, &x))
	ok(t, adb.DeleteMeeting(t.Context(), m.ID))
	fromA, fromB := file(adb), file(bdb)

	for _, tc := range []struct {
		name  string
		db    *storage.DB
		files []string
	}{{"the writer", bdb, []string{fromA}}, {"a new laptop", cdb, []string{fromA, fromB}}} {
		u := newTestUI(t, tc.db)
		stopSync(t, u)
		for _, f := range tc.files {
			u.win.Canvas().Overlays().Remove(u.win.Canvas().Overlays().Top())
			u.bundleFrom(f)
			eventually(t, "the read-in message", func() bool {
				return strings.Contains(texts(u.win.Canvas().Overlays().Top()), "ændringer af")
			})
			if msg := texts(u.win.Canvas().Overlays().Top()); strings.Contains(msg, "Slettet på denne computer") {
				t.Errorf("%s is told a meeting it never deleted came back: %q", tc.name, msg)
			}
		}
		if _, err := tc.db.Meeting(t.Context(), m.ID); err != nil {
			t.Errorf("%s does not show the meeting: %v", tc.name, err)
		}
	}
}
