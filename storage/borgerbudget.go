package storage

// Borgerbudgettering (issue 11): a council's rounds, their proposals, the
// paper ballots as the counters entered them and the totals of places that
// report only sums. Council data written through the change log like any
// row. The rules fixed once voting opens are kept here for local edits
// (model.CheckRoundChange and the locks below) and at the door for ops
// from other replicas (pbadmit.go).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"lokalraad/model"
)

var (
	pbRoundsT    = pbRoundD.table
	pbProposalsT = pbProposalD.table
	pbBallotsT   = pbBallotD.table
	pbTotalsT    = pbTotalD.table
)

// The locks of a round, as coded errors in Danish.
var (
	// ErrPBVotingOpen: proposals are fixed once voting opened.
	ErrPBVotingOpen = error(model.NewError(model.Locked, "afstemningen er åbnet, så forslagenes numre, priser og status ligger fast, og forslag kan ikke længere tilføjes eller slettes"))
	// ErrPBRoundOpen: a round whose voting opened is kept (its ballots are the record of the vote).
	ErrPBRoundOpen = error(model.NewError(model.Locked, "en runde kan ikke slettes, når afstemningen er åbnet"))
	// ErrPBNotVoting: ballots and totals are entered only while voting is open.
	ErrPBNotVoting = error(model.NewError(model.Locked, "stemmesedler og totaler kan kun indtastes, mens rundens fase er »Afstemning«"))
	// ErrPBNotTotals: the round does not take totals.
	ErrPBNotTotals = error(model.NewError(model.Invalid, "runden tager ikke imod totaler; slå »steder melder kun totaler« til, før afstemningen åbnes"))
	// ErrPBOtherCouncil: a proposal, ballot or total names a round of
	// another council.
	ErrPBOtherCouncil = error(model.NewError(model.Forbidden, "den hører til et andet råd end den runde, den nævner"))
	// ErrPBNumberUsed: a proposal number is used twice in a round.
	ErrPBNumberUsed = error(model.NewError(model.Conflict, "nummeret er allerede brugt af et andet forslag i runden"))
	// ErrPBNotWinner: only a winner becomes a project.
	ErrPBNotWinner = error(model.NewError(model.Invalid, "kun et vindende forslag kan blive til et projekt"))
)

// errPBTooMany: a round holds at most max of what.
func errPBTooMany(what string, max int) error {
	return model.NewError(model.Invalid, fmt.Sprintf("en runde kan højst have %s %s", model.KronerNumber(int64(max)*100), what))
}

var (
	pbRoundD = describe("pb_rounds", func(r *model.PBRound) *string { return &r.ID },
		func(r *model.PBRound) *string { return &r.CouncilID }, nil,
		textCol("title", func(r *model.PBRound) *string { return &r.Title }),
		intCol("pot", func(r *model.PBRound) *int64 { return &r.Pot }),
		intCol("population", func(r *model.PBRound) *int { return &r.Population }),
		textCol("phase", func(r *model.PBRound) *model.PBPhase { return &r.Phase }),
		dateCol("proposals_from", func(r *model.PBRound) *time.Time { return &r.ProposalsFrom }),
		dateCol("review_from", func(r *model.PBRound) *time.Time { return &r.ReviewFrom }),
		dateCol("voting_from", func(r *model.PBRound) *time.Time { return &r.VotingFrom }),
		dateCol("voting_to", func(r *model.PBRound) *time.Time { return &r.VotingTo }),
		dateCol("result_date", func(r *model.PBRound) *time.Time { return &r.ResultDate }),
		intCol("min_age", func(r *model.PBRound) *int { return &r.MinAge }),
		boolCol("residents_only", func(r *model.PBRound) *bool { return &r.ResidentsOnly }),
		textCol("ballot_kind", func(r *model.PBRound) *model.PBBallotKind { return &r.BallotKind }),
		intCol("max_choices", func(r *model.PBRound) *int { return &r.MaxChoices }),
		intCol("points", func(r *model.PBRound) *int { return &r.Points }),
		textCol("method", func(r *model.PBRound) *model.CountMethod { return &r.Method }),
		textCol("tie_rule", func(r *model.PBRound) *model.PBTieRule { return &r.TieRule }),
		numbersCol("tie_order", func(r *model.PBRound) *[]int { return &r.TieOrder }),
		boolCol("totals_mode", func(r *model.PBRound) *bool { return &r.TotalsMode }),
		numbersCol("override_ids", func(r *model.PBRound) *[]int { return &r.OverrideNumbers }),
		textCol("override_reason", func(r *model.PBRound) *string { return &r.OverrideReason }),
		textCol("note", func(r *model.PBRound) *string { return &r.Note }),
		boolCol("blank_valid", func(r *model.PBRound) *bool { return &r.BlankValid }),
	)
	pbProposalD = describe("pb_proposals", func(p *model.PBProposal) *string { return &p.ID },
		func(p *model.PBProposal) *string { return &p.CouncilID }, nil,
		textCol("round_id", func(p *model.PBProposal) *string { return &p.RoundID }),
		intCol("number", func(p *model.PBProposal) *int { return &p.Number }),
		textCol("title", func(p *model.PBProposal) *string { return &p.Title }),
		textCol("description", func(p *model.PBProposal) *string { return &p.Text }),
		textCol("proposer_name", func(p *model.PBProposal) *string { return &p.ProposerName }),
		textCol("proposer_contact", func(p *model.PBProposal) *string { return &p.ProposerContact }),
		intCol("cost", func(p *model.PBProposal) *int64 { return &p.Cost }),
		textCol("category", func(p *model.PBProposal) *string { return &p.Category }),
		textCol("place", func(p *model.PBProposal) *string { return &p.Place }),
		textCol("status", func(p *model.PBProposal) *model.ProposalStatus { return &p.Status }),
		textCol("reason", func(p *model.PBProposal) *string { return &p.Reason }),
		intCol("adjusted_cost", func(p *model.PBProposal) *int64 { return &p.AdjustedCost }),
		textCol("project_id", func(p *model.PBProposal) *string { return &p.ProjectID }),
	)
	pbTotalD = describe("pb_totals", func(t *model.PBTotal) *string { return &t.ID },
		func(t *model.PBTotal) *string { return &t.CouncilID }, nil,
		textCol("round_id", func(t *model.PBTotal) *string { return &t.RoundID }),
		textCol("place", func(t *model.PBTotal) *string { return &t.Place }),
		textCol("proposal_id", func(t *model.PBTotal) *string { return &t.ProposalID }),
		intCol("votes", func(t *model.PBTotal) *int64 { return &t.Votes }),
	)
	pbBallotD = describe("pb_ballots", func(b *model.PBBallot) *string { return &b.ID },
		func(b *model.PBBallot) *string { return &b.CouncilID }, nil,
		textCol("round_id", func(b *model.PBBallot) *string { return &b.RoundID }),
		intCol("entry", func(b *model.PBBallot) *int { return &b.Entry }),
		intCol("number", func(b *model.PBBallot) *int { return &b.Number }),
		textCol("place", func(b *model.PBBallot) *string { return &b.Place }),
		marksCol("marks", func(b *model.PBBallot) *[]model.PBMark { return &b.Marks }),
		stampCol("entered", func(b *model.PBBallot) *time.Time { return &b.Entered }),
	)
)

// marksCol binds a ballot's marks (FieldMarks) to its field, stored as
// model.FormatMarks writes them: with points when the marks carry points
// (fitMarks gives every mark of a points ballot at least one). Marks that
// cannot be read are no blank ballot: the door refuses them
// (model.CheckField), so only a damaged file holds them, and a count that
// took them as blank would be wrong without a word. The ballot's entry
// and number come before its marks in the registry, so the error names
// them.
func marksCol(name string, f func(*model.PBBallot) *[]model.PBMark) col[model.PBBallot] {
	return col[model.PBBallot]{name: name, kinds: []model.FieldKind{model.FieldMarks},
		addr: func(b *model.PBBallot) any { return f(b) },
		get: func(b *model.PBBallot) any {
			marks := *f(b)
			return model.FormatMarks(marks, slices.ContainsFunc(marks, func(m model.PBMark) bool { return m.Points != 0 }))
		},
		set: func(b *model.PBBallot, v any) error {
			s, err := asText(v)
			if err != nil {
				return err
			}
			if *f(b), err = model.ParseMarks(s, strings.Contains(s, ":")); err != nil {
				return model.NewError(model.Invalid, fmt.Sprintf("stemmesedel nr. %d (tæller %d): krydserne »%.40s« kan ikke læses: %v", b.Number, b.Entry, s, err))
			}
			return nil
		},
	}
}

// fitMarks is marks as a ballot of a round of kind holds them: no points
// on a ballot of crosses, and on a points ballot at least one point a
// mark, as model.ParseMarks reads a bare number there.
func fitMarks(marks []model.PBMark, kind model.PBBallotKind) []model.PBMark {
	out := slices.Clone(marks)
	for i := range out {
		switch {
		case kind != model.PBPoints:
			out[i].Points = 0
		case out[i].Points == 0:
			out[i].Points = 1
		}
	}
	return out
}

// ofRoundsCouncil keeps a read of a round's proposals, ballots or totals
// to rows of the round's own council: a device of another council may
// sign only its own council's rows, but a row names its round by id, and
// one that names another council's round is no part of it (the round's
// id is the query's second argument).
const ofRoundsCouncil = " AND council_id = (SELECT council_id FROM pb_rounds WHERE id = ?)"

// PBRounds lists a council's rounds, newest first.
func (db *DB) PBRounds(ctx context.Context, councilID string) ([]model.PBRound, error) {
	return list(ctx, db.sql(), pbRoundD.scan, pbRoundsT.selectSQL()+
		" WHERE council_id = ? ORDER BY COALESCE(NULLIF(voting_from, ''), NULLIF(proposals_from, ''), '9999') DESC, id DESC", councilID)
}

// PBRoundSummary is a round in the municipality's list of every
// council's rounds.
type PBRoundSummary struct {
	Council   model.Council
	Round     model.PBRound
	Proposals int // proposals in the round
	Ballots   int // paper ballots entered (a number entered twice counts once)
}

// PBRoundsAll lists every council's rounds held here (a staff device or
// the hub), by council name, newest round first.
func (db *DB) PBRoundsAll(ctx context.Context) ([]PBRoundSummary, error) {
	var out []PBRoundSummary
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		councils, err := list(ctx, tx, councilD.scan, councilsT.selectSQL()+" ORDER BY name COLLATE NOCASE, id")
		if err != nil {
			return err
		}
		byID := map[string]model.Council{}
		for _, c := range councils {
			byID[c.ID] = c
		}
		rounds, err := list(ctx, tx, pbRoundD.scan, pbRoundsT.selectSQL()+
			" ORDER BY COALESCE(NULLIF(voting_from, ''), NULLIF(proposals_from, ''), '9999') DESC, id DESC")
		if err != nil {
			return err
		}
		counts := map[string][2]int{}
		for i, q := range []string{
			// Only rows of the round's own council are the round's.
			"SELECT x.round_id, COUNT(*) FROM pb_proposals x JOIN pb_rounds r ON r.id = x.round_id AND r.council_id = x.council_id GROUP BY x.round_id",
			"SELECT x.round_id, COUNT(DISTINCT x.number) FROM pb_ballots x JOIN pb_rounds r ON r.id = x.round_id AND r.council_id = x.council_id GROUP BY x.round_id",
		} {
			if err := groupRows(ctx, tx, q, nil, func(id string, v []sql.NullString) {
				c := counts[id]
				c[i] = atoi(v[0])
				counts[id] = c
			}); err != nil {
				return err
			}
		}
		for _, c := range councils {
			for _, r := range rounds {
				if r.CouncilID == c.ID {
					n := counts[r.ID]
					out = append(out, PBRoundSummary{Council: byID[r.CouncilID], Round: r, Proposals: n[0], Ballots: n[1]})
				}
			}
		}
		return nil
	})
	return out, err
}

// PBRound reads one round; ErrNotFound when there is none.
func (db *DB) PBRound(ctx context.Context, id string) (model.PBRound, error) {
	return byID(ctx, db, pbRoundsT, pbRoundD.scan, id)
}

// heldRound is the round as stored in the write's transaction.
func (w *writer) heldRound(id string) (model.PBRound, error) {
	r, err := pbRoundD.scan(w.tx.QueryRowContext(w.ctx, pbRoundsT.selectSQL()+" WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("borgerbudgetrunden: %w", ErrNotFound)
	}
	return r, err
}

// SavePBRound creates or updates a round, edited from loaded. Once voting
// opened, the rules stay and the phase only goes forward
// (model.CheckRoundChange, against the round as stored).
func (db *DB) SavePBRound(ctx context.Context, loaded model.PBRound, r *model.PBRound) error {
	if loaded.ID == "" && r.ID == "" && r.RulesLocked() {
		// A round made with voting open: its rules are logged before the
		// phase that fixes them, as every receiver replays them (pbadmit.go).
		want := *r
		r.Phase = model.PhaseReview
		if err := db.SavePBRound(ctx, model.PBRound{}, r); err != nil {
			*r = want
			return err
		}
		first := *r
		r.Phase = want.Phase
		return db.SavePBRound(ctx, first, r)
	}
	return saveRow(ctx, db, pbRoundD, loaded, r, func(w *writer) error {
		if r.ID == "" || loaded.ID == "" {
			return nil
		}
		was, err := w.heldRound(r.ID)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return model.CheckRoundChange(was, pbEdited(loaded, *r, was))
	})
}

// pbEdited is the round that a save of r, edited from loaded, stores when
// was is stored now: a rule or the phase the editor left as loaded keeps
// the stored value (put's rebase), so an editor opened before voting
// opened, that changed only the title, passes.
func pbEdited(loaded, r, was model.PBRound) model.PBRound {
	next := r
	keep := func(same bool, set func()) {
		if same {
			set()
		}
	}
	keep(loaded.Phase == r.Phase, func() { next.Phase = was.Phase })
	keep(loaded.Pot == r.Pot, func() { next.Pot = was.Pot })
	keep(loaded.MinAge == r.MinAge, func() { next.MinAge = was.MinAge })
	keep(loaded.ResidentsOnly == r.ResidentsOnly, func() { next.ResidentsOnly = was.ResidentsOnly })
	keep(loaded.BallotKind == r.BallotKind, func() { next.BallotKind = was.BallotKind })
	keep(loaded.MaxChoices == r.MaxChoices, func() { next.MaxChoices = was.MaxChoices })
	keep(loaded.Points == r.Points, func() { next.Points = was.Points })
	keep(loaded.Method == r.Method, func() { next.Method = was.Method })
	keep(loaded.TieRule == r.TieRule, func() { next.TieRule = was.TieRule })
	keep(loaded.TotalsMode == r.TotalsMode, func() { next.TotalsMode = was.TotalsMode })
	keep(loaded.BlankValid == r.BlankValid, func() { next.BlankValid = was.BlankValid })
	keep(slices.Equal(loaded.TieOrder, r.TieOrder), func() { next.TieOrder = was.TieOrder })
	return next
}

// DeletePBRound deletes a round with its proposals, ballots and totals;
// refused (Locked) once voting opened.
func (db *DB) DeletePBRound(ctx context.Context, id string) error {
	return db.write(ctx, func(w *writer) error {
		r, err := w.heldRound(id)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.RulesLocked() {
			return ErrPBRoundOpen
		}
		return w.removeTree(pbRoundsT.name, id)
	})
}

// PBProposals lists a round's proposals by number.
func (db *DB) PBProposals(ctx context.Context, roundID string) ([]model.PBProposal, error) {
	return list(ctx, db.sql(), pbProposalD.scan, pbProposalsT.selectSQL()+" WHERE round_id = ?"+ofRoundsCouncil+" ORDER BY number, id", roundID, roundID)
}

// nextPBNumber is the round's next free proposal number (among the
// round's own council's proposals).
func nextPBNumber(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, roundID string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(number), 0) + 1 FROM pb_proposals WHERE round_id = ?"+ofRoundsCouncil, roundID, roundID).Scan(&n)
	return n, err
}

// checkProposal checks a proposal's write against its round as stored:
// the round exists and belongs to the proposal's council, the number is
// free, and once voting opened nothing is added and the number, costs and
// status stay as stored.
func (w *writer) checkProposal(p *model.PBProposal) error {
	r, err := w.heldRound(p.RoundID)
	if err != nil {
		return err
	}
	if r.CouncilID != p.CouncilID {
		return fmt.Errorf("forslaget og runden hører til hvert sit råd")
	}
	var n int
	if err := w.tx.QueryRowContext(w.ctx, "SELECT COUNT(*) FROM pb_proposals WHERE round_id = ? AND number = ? AND id <> ?"+ofRoundsCouncil, p.RoundID, p.Number, p.ID, p.RoundID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("forslag nr. %d: %w", p.Number, ErrPBNumberUsed)
	}
	was, err := pbProposalD.scan(w.tx.QueryRowContext(w.ctx, pbProposalsT.selectSQL()+" WHERE id = ?", p.ID))
	if err == nil && was.RoundID != p.RoundID {
		if from, ferr := w.heldRound(was.RoundID); ferr == nil && from.RulesLocked() {
			return ErrPBVotingOpen // moved out of a round whose voting opened
		}
	}
	if !r.RulesLocked() {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrPBVotingOpen
	}
	if err != nil {
		return err
	}
	if was.RoundID != p.RoundID || was.Number != p.Number || was.Cost != p.Cost || was.AdjustedCost != p.AdjustedCost || was.Status != p.Status {
		return ErrPBVotingOpen
	}
	return nil
}

// SavePBProposal creates or updates a proposal, edited from loaded. A
// number 0 becomes the round's next free number; a number used twice in a
// round is refused (Conflict); once voting opened, no proposal is added
// and the number, the costs and the status stay (Locked).
func (db *DB) SavePBProposal(ctx context.Context, loaded model.PBProposal, p *model.PBProposal) error {
	if p.Number == 0 {
		n, err := nextPBNumber(ctx, db.sql(), p.RoundID)
		if err != nil {
			return err
		}
		p.Number = n
	}
	if p.Status == "" {
		p.Status = model.ProposalReceived
	}
	return saveRow(ctx, db, pbProposalD, loaded, p, func(w *writer) error {
		return w.checkProposal(p)
	})
}

// DeletePBProposal deletes a proposal with its totals; refused once
// voting opened.
func (db *DB) DeletePBProposal(ctx context.Context, id string) error {
	return db.write(ctx, func(w *writer) error {
		var round string
		err := w.tx.QueryRowContext(w.ctx, "SELECT round_id FROM pb_proposals WHERE id = ?", id).Scan(&round)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if r, err := w.heldRound(round); err == nil && r.RulesLocked() {
			return ErrPBVotingOpen
		}
		return w.removeTree(pbProposalsT.name, id)
	})
}

// ImportPBProposals adds proposals to a round in one transaction, all or
// nothing: each is validated, a number 0 becomes the next free one, and a
// number used twice (in the round or the import) refuses the import.
func (db *DB) ImportPBProposals(ctx context.Context, roundID string, ps []model.PBProposal) error {
	r, err := db.PBRound(ctx, roundID)
	if err != nil {
		return err
	}
	return db.write(ctx, func(w *writer) error {
		var have int
		if err := w.tx.QueryRowContext(w.ctx, "SELECT COUNT(*) FROM pb_proposals WHERE round_id = ?"+ofRoundsCouncil, roundID, roundID).Scan(&have); err != nil {
			return err
		}
		if have+len(ps) > model.MaxPBProposals {
			return errPBTooMany("forslag", model.MaxPBProposals)
		}
		next, err := nextPBNumber(w.ctx, w.tx, roundID)
		if err != nil {
			return err
		}
		for i := range ps {
			p := ps[i]
			p.ID, p.RoundID, p.CouncilID, p.ProjectID = newID(), roundID, r.CouncilID, ""
			if p.Number == 0 {
				p.Number = next
			}
			next = max(next, p.Number+1)
			if p.Status == "" {
				p.Status = model.ProposalReceived
			}
			if err := p.Validate(); err != nil {
				return fmt.Errorf("forslag %d (»%s«): %w", i+1, p.Title, err)
			}
			if err := w.checkProposal(&p); err != nil {
				return fmt.Errorf("forslag %d (»%s«): %w", i+1, p.Title, err)
			}
			if _, err := w.put(pbProposalD.record(&p)); err != nil {
				return err
			}
			ps[i] = p
		}
		return nil
	})
}

// PBBallots lists a round's ballots by number, then entry.
func (db *DB) PBBallots(ctx context.Context, roundID string) ([]model.PBBallot, error) {
	return list(ctx, db.sql(), pbBallotD.scan, pbBallotsT.selectSQL()+" WHERE round_id = ?"+ofRoundsCouncil+" ORDER BY number, entry, id", roundID, roundID)
}

// votingRound is the round of a ballot or total, refused unless voting
// is open (the phase afstemning).
func (w *writer) votingRound(roundID, council string) (model.PBRound, error) {
	r, err := w.heldRound(roundID)
	if err != nil {
		return r, err
	}
	if r.CouncilID != council {
		return r, fmt.Errorf("stemmesedlen og runden hører til hvert sit råd")
	}
	if r.Phase != model.PhaseVoting {
		return r, ErrPBNotVoting
	}
	return r, nil
}

// SavePBBallot creates or updates a ballot as a counter entered it,
// edited from loaded; only while voting is open (Locked otherwise). The
// marks are stored as model.FormatMarks writes them.
func (db *DB) SavePBBallot(ctx context.Context, loaded model.PBBallot, b *model.PBBallot) error {
	if b.Entered.IsZero() {
		b.Entered = db.Now()
	}
	return saveRow(ctx, db, pbBallotD, loaded, b, func(w *writer) error {
		r, err := w.votingRound(b.RoundID, b.CouncilID)
		if err != nil {
			return err
		}
		if loaded.ID != "" {
			var was string
			if err := w.tx.QueryRowContext(w.ctx, "SELECT round_id FROM pb_ballots WHERE id = ?", b.ID).Scan(&was); err == nil && was != b.RoundID {
				return fmt.Errorf("en stemmeseddel kan ikke flyttes til en anden runde")
			}
		}
		b.Marks = fitMarks(b.Marks, r.BallotKind)
		return nil
	})
}

// DeletePBBallot deletes a ballot entry; only while voting is open.
func (db *DB) DeletePBBallot(ctx context.Context, id string) error {
	return db.removeVote(ctx, pbBallotsT, id)
}

// PBTotals lists a round's totals by place.
func (db *DB) PBTotals(ctx context.Context, roundID string) ([]model.PBTotal, error) {
	return list(ctx, db.sql(), pbTotalD.scan, pbTotalsT.selectSQL()+" WHERE round_id = ?"+ofRoundsCouncil+" ORDER BY place, proposal_id, id", roundID, roundID)
}

// SavePBTotal creates or updates a place's total for a proposal, edited
// from loaded; only while voting is open and when the round takes totals.
func (db *DB) SavePBTotal(ctx context.Context, loaded model.PBTotal, t *model.PBTotal) error {
	return saveRow(ctx, db, pbTotalD, loaded, t, func(w *writer) error {
		r, err := w.votingRound(t.RoundID, t.CouncilID)
		if err != nil {
			return err
		}
		if !r.TotalsMode {
			return ErrPBNotTotals
		}
		var round string
		err = w.tx.QueryRowContext(w.ctx, "SELECT round_id FROM pb_proposals WHERE id = ?", t.ProposalID).Scan(&round)
		if errors.Is(err, sql.ErrNoRows) || err == nil && round != t.RoundID {
			return fmt.Errorf("forslaget: %w", ErrNotFound)
		}
		return err
	})
}

// DeletePBTotal deletes a total; only while voting is open.
func (db *DB) DeletePBTotal(ctx context.Context, id string) error {
	return db.removeVote(ctx, pbTotalsT, id)
}

// removeVote deletes a ballot entry or a total (t), only while its round
// is voting; an id not held is nothing to do.
func (db *DB) removeVote(ctx context.Context, t table, id string) error {
	return db.write(ctx, func(w *writer) error {
		var round, council string
		err := w.tx.QueryRowContext(w.ctx, "SELECT round_id, council_id FROM "+t.name+" WHERE id = ?", id).Scan(&round, &council)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := w.votingRound(round, council); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return w.remove(t.name, id)
	})
}

// PBRoundData is a round with everything that belongs to it.
type PBRoundData struct {
	Council   model.Council
	Round     model.PBRound
	Proposals []model.PBProposal
	Ballots   []model.PBBallot
	Totals    []model.PBTotal
}

// PBRoundData reads a round with its council, proposals, ballots and
// totals, in one read transaction (a consistent picture while counters
// type on).
func (db *DB) PBRoundData(ctx context.Context, roundID string) (PBRoundData, error) {
	var d PBRoundData
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if d.Round, err = pbRoundD.scan(tx.QueryRowContext(ctx, pbRoundsT.selectSQL()+" WHERE id = ?", roundID)); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if d.Council, err = councilD.scan(tx.QueryRowContext(ctx, councilsT.selectSQL()+" WHERE id = ?", d.Round.CouncilID)); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if d.Proposals, err = list(ctx, tx, pbProposalD.scan, pbProposalsT.selectSQL()+" WHERE round_id = ?"+ofRoundsCouncil+" ORDER BY number, id", roundID, roundID); err != nil {
			return err
		}
		if d.Ballots, err = list(ctx, tx, pbBallotD.scan, pbBallotsT.selectSQL()+" WHERE round_id = ?"+ofRoundsCouncil+" ORDER BY number, entry, id", roundID, roundID); err != nil {
			return err
		}
		d.Totals, err = list(ctx, tx, pbTotalD.scan, pbTotalsT.selectSQL()+" WHERE round_id = ?"+ofRoundsCouncil+" ORDER BY place, proposal_id, id", roundID, roundID)
		return err
	})
	return d, err
}

// Result counts the round (model.PBRound.Result).
func (d PBRoundData) Result() (model.PBResult, error) {
	return d.Round.Result(d.Proposals, d.Ballots, d.Totals)
}

// CreatePBRound writes a new round with its proposals, ballots and totals
// in one transaction, all or nothing (a round read from a Pabulib file):
// every row gets a new id and the round's council; each is validated, and
// proposal numbers must differ. It returns the round as stored.
func (db *DB) CreatePBRound(ctx context.Context, d PBRoundData) (model.PBRound, error) {
	r := d.Round
	if r.CouncilID == "" {
		r.CouncilID = d.Council.ID
	}
	if r.Phase == "" {
		r.Phase = model.PhaseProposals
	}
	if err := r.Validate(); err != nil {
		return model.PBRound{}, err
	}
	if r.CouncilID == "" {
		return model.PBRound{}, errors.New("der er ikke valgt noget råd")
	}
	if _, err := db.Council(ctx, r.CouncilID); err != nil {
		return model.PBRound{}, fmt.Errorf("rådet: %w", err)
	}
	if len(d.Proposals) > model.MaxPBProposals {
		return model.PBRound{}, errPBTooMany("forslag", model.MaxPBProposals)
	}
	if len(d.Ballots) > model.MaxPBBallots {
		return model.PBRound{}, errPBTooMany("stemmesedler", model.MaxPBBallots)
	}
	r.ID = newID()
	ids := map[string]string{}
	numbers := map[int]bool{}
	var recs []record
	recs = append(recs, pbRoundD.record(&r))
	for i, p := range d.Proposals {
		old := p.ID
		p.ID, p.CouncilID, p.RoundID, p.ProjectID = newID(), r.CouncilID, r.ID, ""
		if err := p.Validate(); err != nil {
			return model.PBRound{}, fmt.Errorf("forslag %d (»%s«): %w", i+1, p.Title, err)
		}
		if numbers[p.Number] {
			return model.PBRound{}, fmt.Errorf("forslag nr. %d: %w", p.Number, ErrPBNumberUsed)
		}
		numbers[p.Number] = true
		if old != "" {
			ids[old] = p.ID
		}
		recs = append(recs, pbProposalD.record(&p))
	}
	for i, b := range d.Ballots {
		b.ID, b.CouncilID, b.RoundID = newID(), r.CouncilID, r.ID
		if b.Entry == 0 {
			b.Entry = 1
		}
		if b.Entered.IsZero() {
			b.Entered = db.Now()
		}
		if err := b.Validate(); err != nil {
			return model.PBRound{}, fmt.Errorf("stemmeseddel %d: %w", i+1, err)
		}
		b.Marks = fitMarks(b.Marks, r.BallotKind)
		recs = append(recs, pbBallotD.record(&b))
	}
	for i, t := range d.Totals {
		t.ID, t.CouncilID, t.RoundID = newID(), r.CouncilID, r.ID
		pid, ok := ids[t.ProposalID]
		if !ok {
			return model.PBRound{}, fmt.Errorf("total %d: forslaget: %w", i+1, ErrNotFound)
		}
		t.ProposalID = pid
		if err := t.Validate(); err != nil {
			return model.PBRound{}, fmt.Errorf("total %d: %w", i+1, err)
		}
		recs = append(recs, pbTotalD.record(&t))
	}
	// The log tells the round's life in the order every receiver replays
	// it (pbadmit.go): the rules and proposals in review, then the phase
	// that opens voting, the ballots and totals, then the result.
	phases := []model.PBPhase{r.Phase}
	if r.RulesLocked() {
		phases = []model.PBPhase{model.PhaseReview, model.PhaseVoting}
		if r.Phase == model.PhaseResult {
			phases = append(phases, model.PhaseResult)
		}
	}
	first := r
	first.Phase = phases[0]
	steps := [][]record{append([]record{pbRoundD.record(&first)}, recs[1:1+len(d.Proposals)]...)}
	for i, p := range phases[1:] {
		step := r
		step.Phase = p
		next := []record{pbRoundD.record(&step)}
		if i == 0 {
			next = append(next, recs[1+len(d.Proposals):]...)
		}
		steps = append(steps, next)
	}
	if len(phases) == 1 {
		steps[0] = recs
	}
	err := db.write(ctx, func(w *writer) error {
		for _, step := range steps {
			for _, rec := range step {
				if _, err := w.put(rec); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return model.PBRound{}, err
	}
	return db.PBRound(ctx, r.ID)
}

// PBWinnerToProject makes a winning proposal a project: its title, its
// description and a budget line of its cost, and links the proposal to it
// (ProjectID), in one transaction. A proposal linked already returns its
// project. Only a winner of the round's result (with an override, its
// proposals) becomes a project.
func (db *DB) PBWinnerToProject(ctx context.Context, proposalID string) (model.Project, error) {
	p, err := byID(ctx, db, pbProposalsT, pbProposalD.scan, proposalID)
	if err != nil {
		return model.Project{}, err
	}
	if p.ProjectID != "" {
		if pr, err := db.Project(ctx, p.ProjectID); err == nil {
			return pr, nil
		}
	}
	d, err := db.PBRoundData(ctx, p.RoundID)
	if err != nil {
		return model.Project{}, err
	}
	res, err := d.Result()
	if err != nil {
		return model.Project{}, err
	}
	won := false
	for _, w := range res.Winners {
		won = won || w.ID == p.ID
	}
	if !won {
		return model.Project{}, ErrPBNotWinner
	}
	pr := model.Project{ID: newID(), CouncilID: p.CouncilID, Title: p.Title, Description: p.Text, Status: model.ProjectPlanning}
	line := model.BudgetLine{ID: newID(), CouncilID: p.CouncilID, ProjectID: pr.ID, Kind: model.LineExpense, Amount: p.VoteCost(),
		Text: "Borgerbudget: " + d.Round.Title}
	if err := pr.Validate(); err != nil {
		return model.Project{}, err
	}
	if err := line.Validate(); err != nil {
		return model.Project{}, err
	}
	err = db.write(ctx, func(w *writer) error {
		var linked string
		if err := w.tx.QueryRowContext(w.ctx, "SELECT project_id FROM pb_proposals WHERE id = ?", p.ID).Scan(&linked); err != nil {
			return err
		}
		if linked != "" && linked != p.ProjectID {
			pr.ID = linked // made meanwhile
			return nil
		}
		if _, err := w.put(projectD.record(&pr)); err != nil {
			return err
		}
		if _, err := w.put(lineD.record(&line)); err != nil {
			return err
		}
		next := p
		next.ProjectID = pr.ID
		if _, err := w.put(pbProposalD.record(&next)); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return model.Project{}, err
	}
	return db.Project(ctx, pr.ID)
}

// ErasePBProposer erases a proposer's personal data on their request, as
// ErasePerson does for a member: the name becomes what the registry says
// an erased name becomes, the contact is emptied, the name leaves the
// proposal's description, and the past values the change log keeps are
// rewritten too (an erasure op carries them to every replica).
func (db *DB) ErasePBProposer(ctx context.Context, proposalID string) error {
	p, err := byID(ctx, db, pbProposalsT, pbProposalD.scan, proposalID)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(p.ProposerName)
	erased := p
	nameF, _ := model.FieldOf(pbProposalsT.name, "proposer_name")
	contactF, _ := model.FieldOf(pbProposalsT.name, "proposer_contact")
	erased.ProposerName, erased.ProposerContact = nameF.Erased, contactF.Erased
	if len(name) >= 2 && name != nameF.Erased {
		erased.Text = model.Anonymise(p.Text, name, model.FormerMember)
	}
	return db.write(ctx, func(w *writer) error {
		r := pbProposalD.record(&erased)
		if err := w.checkErasureRecord(r); err != nil {
			return err
		}
		if _, err := w.put(r); err != nil {
			return err
		}
		scrubbed := map[string]any{}
		fields := map[fieldKey]bool{}
		if err := w.scrubLog(r.table, r.id, name, true, scrubbed, fields); err != nil {
			return err
		}
		return w.logScrub(db, p.CouncilID, scrubbed, fields)
	})
}

// OverviewPB is the key of the overview's borgerbudget column
// (model.CouncilOverview.Extra): the council's newest round and its phase,
// "Borgerbudget 2026 (Resultat)", and how many rounds it has had, in
// Danish (the hub's web pages). A screen in another language makes the
// text again from the parts under OverviewPBTitle, OverviewPBPhase and
// OverviewPBRounds (model.PBOverviewText).
const (
	OverviewPB       = "borgerbudget"
	OverviewPBTitle  = "borgerbudget.title"
	OverviewPBPhase  = "borgerbudget.phase"
	OverviewPBRounds = "borgerbudget.rounds"
)

func init() { OverviewHook(pbOverview) }

// pbOverview fills the borgerbudget column from one pass over the rounds
// (a council has a round a year at most, so every council's rounds are few).
func pbOverview(ctx context.Context, db *DB, rows []model.CouncilOverview) error {
	rounds, err := list(ctx, db.sql(), pbRoundD.scan, pbRoundsT.selectSQL()+
		" ORDER BY COALESCE(NULLIF(voting_from, ''), NULLIF(proposals_from, ''), '9999') DESC, id DESC")
	if err != nil {
		return err
	}
	newest := map[string]model.PBRound{}
	count := map[string]int{}
	for _, r := range rounds {
		if _, ok := newest[r.CouncilID]; !ok {
			newest[r.CouncilID] = r
		}
		count[r.CouncilID]++
	}
	for i := range rows {
		r, ok := newest[rows[i].CouncilID]
		if !ok {
			continue
		}
		if rows[i].Extra == nil {
			rows[i].Extra = map[string]string{}
		}
		n := count[r.CouncilID]
		rows[i].Extra[OverviewPB] = model.PBOverviewText(r.Title, r.Phase, n, model.Danish)
		rows[i].Extra[OverviewPBTitle] = r.Title
		rows[i].Extra[OverviewPBPhase] = string(r.Phase)
		rows[i].Extra[OverviewPBRounds] = strconv.Itoa(n)
	}
	return nil
}
