package model

// Borgerbudgettering (citizen budgeting, issue 11): a council's round, its
// proposals, the paper ballots as the counters entered them, and the rules
// that turn them into a result. Everything here is pure: storage keeps the
// rows, Count (count.go) does the counting; this file checks ballots against
// the round's rules, pairs the two counters' entries (double entry), and
// builds the Election a result is counted from.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PBPhase is where a round is. Phases only go forward once voting opened.
type PBPhase string

// The phases of a round, in order.
const (
	PhaseProposals PBPhase = "forslag"    // citizens hand in proposals
	PhaseReview    PBPhase = "vurdering"  // the council and the municipality check them
	PhaseVoting    PBPhase = "afstemning" // citizens vote; the rules are fixed
	PhaseResult    PBPhase = "resultat"   // counted; the result is published
)

// PBPhases lists the phases in order.
var PBPhases = []PBPhase{PhaseProposals, PhaseReview, PhaseVoting, PhaseResult}

// PBBallotKind is what a voter may mark.
type PBBallotKind string

// The ballot kinds of a round.
const (
	// PBApproval: mark at most MaxChoices proposals (0: any number).
	PBApproval PBBallotKind = "approval"
	// PBApprovalPot: mark proposals costing together at most the pot.
	PBApprovalPot PBBallotKind = "approval_pot"
	// PBPoints: spread at most Points points over the proposals.
	PBPoints PBBallotKind = "points"
)

// PBBallotKinds lists the ballot kinds.
var PBBallotKinds = []PBBallotKind{PBApproval, PBApprovalPot, PBPoints}

// PBTieRule says how a tie is broken; it is stated before the count.
type PBTieRule string

// The tie rules.
const (
	// TieByID: the proposal whose number is smaller as a string ("10"
	// before "2"), the reference implementation's rule.
	TieByID PBTieRule = "id"
	// TieByLot: a lot drawn and recorded in the round's TieOrder.
	TieByLot PBTieRule = "lot"
)

// PBTieRules lists the tie rules.
var PBTieRules = []PBTieRule{TieByID, TieByLot}

// PBMethods lists the counting methods a round may use.
var PBMethods = []CountMethod{CountVotes, CountMES, CountMESAdd1}

// ProposalStatus is where a proposal is in the feasibility review.
type ProposalStatus string

// The statuses of a proposal.
const (
	ProposalReceived  ProposalStatus = "modtaget"
	ProposalReviewing ProposalStatus = "vurderes"
	ProposalOnBallot  ProposalStatus = "til_afstemning"
	ProposalRejected  ProposalStatus = "afvist"
)

// ProposalStatuses lists them in order.
var ProposalStatuses = []ProposalStatus{ProposalReceived, ProposalReviewing, ProposalOnBallot, ProposalRejected}

// Limits of a round.
const (
	MaxPBProposals = 1_000     // proposals in one round
	MaxPBBallots   = 1_000_000 // ballots in one round
	MaxPBNumber    = 1_000_000_000
	MaxPBPoints    = 1_000 // points a voter may spread
	MaxPopulation  = 10_000_000
)

// PBRound is a round of citizen budgeting.
type PBRound struct {
	ID         string
	CouncilID  string
	Title      string
	Pot        int64 // øre
	Population int   // inhabitants of the area, for turnout; 0: unknown
	Phase      PBPhase
	// The planned dates of the phases; any may be zero.
	ProposalsFrom, ReviewFrom, VotingFrom, VotingTo, ResultDate time.Time
	// The rules, fixed once voting opens (RuleColumns).
	MinAge        int  // who may vote: at least this old (0: no limit)
	ResidentsOnly bool // only residents of the area may vote
	BallotKind    PBBallotKind
	MaxChoices    int // PBApproval: at most this many marks (0: no limit)
	Points        int // PBPoints: at most this many points in all
	Method        CountMethod
	TieRule       PBTieRule
	// TieOrder is the lot drawn (TieByLot): proposal numbers, the first
	// wins a tie. It may be recorded until the result is published.
	TieOrder   []int
	TotalsMode bool // some places report only per-proposal sums
	// BlankValid: a blank ballot is a valid ballot that supports nothing
	// (a voter who took part, as Pabulib counts one: under MES each
	// voter's share is the pot divided by all voters). Off, a blank
	// ballot is invalid.
	BlankValid bool
	// OverrideNumbers replaces the counted winners by these proposals; it
	// is allowed only with OverrideReason, and shown on every printout.
	OverrideNumbers []int
	OverrideReason  string
	Note            string
}

// PBProposal is a citizen's proposal.
type PBProposal struct {
	ID        string
	CouncilID string
	RoundID   string
	Number    int // its number on the ballot
	Title     string
	// Text is the description; the first line goes on the ballot.
	Text            string
	ProposerName    string // personal data
	ProposerContact string // personal data
	Cost            int64  // øre, the proposer's estimate
	Category        string
	Place           string
	Status          ProposalStatus
	Reason          string // why it was rejected
	AdjustedCost    int64  // øre, the municipality's adjusted cost; 0: none
	ProjectID       string // the project it became, when it won
}

// VoteCost is what the proposal costs in the vote: the municipality's
// adjusted cost when given, else the estimate.
func (p PBProposal) VoteCost() int64 {
	if p.AdjustedCost > 0 {
		return p.AdjustedCost
	}
	return p.Cost
}

// PBMark is a proposal marked on a ballot: its number, and on a points
// ballot the points given (else 0).
type PBMark struct {
	Number int
	Points int64
}

// PBBallot is one paper ballot as one counter entered it. Nothing ties it
// to the voter.
type PBBallot struct {
	ID        string
	CouncilID string
	RoundID   string
	Entry     int // 1 or 2: the first or second counter of a double entry
	Number    int // the number printed on the sheet
	Place     string
	Marks     []PBMark
	Entered   time.Time
}

// PBTotal is the votes (or points) a polling place reports for a proposal,
// for places that report only sums.
type PBTotal struct {
	ID         string
	CouncilID  string
	RoundID    string
	Place      string
	ProposalID string
	Votes      int64
}

// RuleColumns are the columns of pb_rounds fixed once voting opens.
var RuleColumns = []string{"pot", "min_age", "residents_only", "ballot_kind", "max_choices", "points", "method", "tie_rule", "totals_mode", "blank_valid"}

// RulesLocked tells whether the round's rules are fixed: voting opened.
func (r PBRound) RulesLocked() bool { return r.Phase == PhaseVoting || r.Phase == PhaseResult }

func phaseIndex(p PBPhase) int { return slices.Index(PBPhases, p) }

// ErrRulesLocked: a rule of the round was changed after voting opened.
var ErrRulesLocked = NewError(Locked, "afstemningen er åbnet, så rundens regler (pulje, stemmeseddel, blanke stemmesedler, optællingsmetode, stemmeret og lodtrækningsregel) kan ikke længere ændres")

// ErrPhaseBack: a round went back from voting or the result.
var ErrPhaseBack = NewError(Locked, "en runde kan ikke gå tilbage, når afstemningen er åbnet")

// CheckRoundChange checks a change of a round from was to r: once voting
// opened, the rules stay and the phase only goes forward; the lot may be
// recorded until the result is published.
func CheckRoundChange(was, r PBRound) error {
	if !was.RulesLocked() {
		return nil
	}
	if phaseIndex(r.Phase) < phaseIndex(was.Phase) {
		return ErrPhaseBack
	}
	same := was.Pot == r.Pot && was.MinAge == r.MinAge && was.ResidentsOnly == r.ResidentsOnly &&
		was.BallotKind == r.BallotKind && was.MaxChoices == r.MaxChoices && was.Points == r.Points &&
		was.Method == r.Method && was.TieRule == r.TieRule && was.TotalsMode == r.TotalsMode &&
		was.BlankValid == r.BlankValid
	if !same {
		return ErrRulesLocked
	}
	if was.Phase == PhaseResult && !slices.Equal(was.TieOrder, r.TieOrder) {
		return NewError(Locked, "resultatet er offentliggjort, så lodtrækningen kan ikke ændres")
	}
	return nil
}

// Validate checks the round.
func (r *PBRound) Validate() error {
	var errs []error
	errs = append(errs, checkText("title", r.Title, true, MaxShort), checkAmount("pb_rounds", "pot", r.Pot),
		checkText("override_reason", r.OverrideReason, false, MaxLong), checkText("note", r.Note, false, MaxLong))
	if phaseIndex(r.Phase) < 0 {
		errs = append(errs, fieldErr("phase", "Choose a phase", "Vælg en fase"))
	}
	if !slices.Contains(PBBallotKinds, r.BallotKind) {
		errs = append(errs, fieldErr("ballot_kind", "Choose a kind of ballot", "Vælg en slags stemmeseddel"))
	}
	if !slices.Contains(PBMethods, r.Method) {
		errs = append(errs, fieldErr("method", "Choose a counting method", "Vælg en optællingsmetode"))
	}
	if !slices.Contains(PBTieRules, r.TieRule) {
		errs = append(errs, fieldErr("tie_rule", "Choose how a tie is broken", "Vælg, hvordan stemmelighed afgøres"))
	}
	if r.Population < 0 || r.Population > MaxPopulation {
		errs = append(errs, fieldErr("population", "The number of inhabitants must be from 0 to 10,000,000", "indbyggertallet skal være mellem 0 og "+KronerNumber(MaxPopulation*100)))
	}
	if r.MinAge < 0 || r.MinAge > 120 {
		errs = append(errs, fieldErr("min_age", "The age limit must be from 0 to 120", "aldersgrænsen skal være mellem 0 og 120"))
	}
	if r.MaxChoices < 0 || r.MaxChoices > MaxPBProposals {
		errs = append(errs, fieldErr("max_choices", "The number of marks must be from 0 to 1,000", "antal krydser skal være mellem 0 og "+KronerNumber(MaxPBProposals*100)))
	}
	if r.BallotKind == PBPoints && (r.Points < 1 || r.Points > MaxPBPoints) {
		errs = append(errs, fieldErr("points", "The points to spread must be from 1 to 1,000", "antal point skal være mellem 1 og "+KronerNumber(MaxPBPoints*100)))
	}
	if r.TotalsMode && r.Method != CountVotes {
		errs = append(errs, fieldErr("method", "Only the votes method counts totals",
			"når steder kun melder totaler, kan kun metoden »flest stemmer« bruges"))
	}
	if len(r.OverrideNumbers) > 0 && strings.TrimSpace(r.OverrideReason) == "" {
		errs = append(errs, fieldErr("override_reason", "Write why the result is overridden",
			"skriv, hvorfor resultatet ændres i hånden; begrundelsen står på alle udskrifter"))
	}
	if n, ok := repeatedNumber(r.TieOrder); ok {
		errs = append(errs, fieldErr("tie_order", "A proposal is named twice in the lot",
			fmt.Sprintf("forslag nr. %d står to gange i lodtrækningen", n)))
	}
	if n, ok := repeatedNumber(r.OverrideNumbers); ok {
		errs = append(errs, fieldErr("override_ids", "A proposal is named twice in the override",
			fmt.Sprintf("forslag nr. %d står to gange i det manuelle resultat", n)))
	}
	errs = append(errs, checkDates("voting", r.VotingFrom, r.VotingTo))
	return errors.Join(errs...)
}

// repeatedNumber is the first number ns holds twice.
func repeatedNumber(ns []int) (int, bool) {
	seen := make(map[int]bool, len(ns))
	for _, n := range ns {
		if seen[n] {
			return n, true
		}
		seen[n] = true
	}
	return 0, false
}

// Validate checks the proposal.
func (p *PBProposal) Validate() error {
	var errs []error
	errs = append(errs,
		checkText("title", p.Title, true, MaxShort),
		checkText("description", p.Text, false, MaxLong),
		checkText("proposer_name", p.ProposerName, false, MaxShort),
		checkText("proposer_contact", p.ProposerContact, false, MaxShort),
		checkText("category", p.Category, false, MaxShort),
		checkText("place", p.Place, false, MaxShort),
		checkText("reason", p.Reason, false, MaxLong),
		checkAmount("pb_proposals", "cost", p.Cost), checkAmount("pb_proposals", "adjusted_cost", p.AdjustedCost))
	if p.Number < 1 || p.Number > MaxPBNumber {
		errs = append(errs, fieldErr("number", "Give the proposal a number", "giv forslaget et nummer (1 eller derover)"))
	}
	if !slices.Contains(ProposalStatuses, p.Status) {
		errs = append(errs, fieldErr("status", "Choose a status", "Vælg en status"))
	}
	if p.Status == ProposalRejected && strings.TrimSpace(p.Reason) == "" {
		errs = append(errs, fieldErr("reason", "Write why the proposal is rejected", "skriv, hvorfor forslaget er afvist"))
	}
	return errors.Join(errs...)
}

// Validate checks a ballot as entered: the counter (1 or 2), the number
// printed on the sheet, the place and how many marks. Whether the marks
// make a valid vote is CheckBallot's question: an invalid ballot is
// stored, and counted as invalid.
func (b *PBBallot) Validate() error {
	var errs []error
	errs = append(errs, checkText("place", b.Place, false, MaxShort))
	if b.Entry != 1 && b.Entry != 2 {
		errs = append(errs, fieldErr("entry", "The counter must be 1 or 2", "tælleren skal være 1 eller 2"))
	}
	if b.Number < 1 || b.Number > MaxPBNumber {
		errs = append(errs, fieldErr("number", "The ballot's number must be from 1 to 1,000,000,000", "stemmesedlens nummer skal være mellem 1 og "+KronerNumber(MaxPBNumber*100)))
	}
	if len(b.Marks) > MaxPBProposals {
		errs = append(errs, fieldErr("marks", "Too many marks on one ballot", "for mange krydser på én stemmeseddel"))
	}
	for _, m := range b.Marks {
		if m.Number < 1 || m.Number > MaxPBNumber {
			errs = append(errs, fieldErr("marks", "A mark is not a proposal number", fmt.Sprintf("»%d« er ikke et forslagsnummer", m.Number)))
			break
		}
		if m.Points < 0 || m.Points > MaxPBPoints {
			errs = append(errs, fieldErr("marks", "The points on a mark must be from 0 to 1,000", fmt.Sprintf("forslag nr. %d: point skal være mellem 0 og %s", m.Number, KronerNumber(MaxPBPoints*100))))
			break
		}
	}
	return errors.Join(errs...)
}

// Validate checks a polling place's total for a proposal.
func (t *PBTotal) Validate() error {
	var errs []error
	errs = append(errs, checkText("place", t.Place, true, MaxShort))
	if t.ProposalID == "" {
		errs = append(errs, fieldErr("proposal_id", "Choose a proposal", "vælg et forslag"))
	}
	if t.Votes < 0 || t.Votes > MaxElectionBallots {
		errs = append(errs, fieldErr("votes", "The votes must be from 0 to 10,000,000", "stemmetallet skal være mellem 0 og "+KronerNumber(MaxElectionBallots*100)))
	}
	return errors.Join(errs...)
}

// ParseMarks reads the proposal numbers marked on a ballot as a counter
// types them: numbers separated by spaces, commas or new lines; on a points
// ballot each as "number:points" (a number alone is one point). The marks
// come back in the order given; a repeated number is kept, so that
// CheckBallot can say so.
func ParseMarks(s string, points bool) ([]PBMark, error) {
	if utf8.RuneCountInString(s) > MaxLong {
		return nil, NewError(Invalid, "for mange krydser på én stemmeseddel")
	}
	var out []PBMark
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '\n' || r == '\r' || r == '\t' }) {
		num, pts, hasPts := strings.Cut(f, ":")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || n > MaxPBNumber {
			return nil, NewError(Invalid, fmt.Sprintf("»%.20s« er ikke et forslagsnummer", f))
		}
		m := PBMark{Number: n}
		switch {
		case hasPts && !points:
			return nil, NewError(Invalid, fmt.Sprintf("»%.20s«: der gives ikke point på denne stemmeseddel, kun krydser", f))
		case hasPts:
			p, err := strconv.ParseInt(pts, 10, 64)
			if err != nil || p < 1 || p > MaxPBPoints {
				return nil, NewError(Invalid, fmt.Sprintf("»%.20s«: point skal være et helt tal fra 1 til %d", f, MaxPBPoints))
			}
			m.Points = p
		case points:
			m.Points = 1
		}
		out = append(out, m)
	}
	return out, nil
}

// FormatMarks writes marks as stored: "3 7 12", or "3:2 7:1" on a points
// ballot.
func FormatMarks(marks []PBMark, points bool) string {
	parts := make([]string, len(marks))
	for i, m := range marks {
		parts[i] = strconv.Itoa(m.Number)
		if points {
			parts[i] += ":" + strconv.FormatInt(m.Points, 10)
		}
	}
	return strings.Join(parts, " ")
}

// ParseNumbers reads a list of proposal numbers (a lot, an override).
func ParseNumbers(s string) ([]int, error) {
	marks, err := ParseMarks(s, false)
	out := make([]int, len(marks))
	for i, m := range marks {
		out[i] = m.Number
	}
	return out, err
}

// FormatNumbers writes a list of proposal numbers as stored.
func FormatNumbers(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, " ")
}

// NotReviewed counts the proposals still received or under review
// (modtaget, vurderes): opening the vote leaves them off the ballot.
func NotReviewed(proposals []PBProposal) int {
	n := 0
	for _, p := range proposals {
		if p.Status == ProposalReceived || p.Status == ProposalReviewing {
			n++
		}
	}
	return n
}

// NotReviewedNote says, in Danish, that n proposals still received or
// under review will not be on the ballot; "" for none. (»forslag … har«
// is the same for one and many.)
func NotReviewedNote(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n) + " forslag har stadig status »modtaget« eller »vurderes« og kommer ikke på stemmesedlen."
}

// OnBallot lists the proposals up for vote (til_afstemning), by number.
func OnBallot(proposals []PBProposal) []PBProposal {
	var out []PBProposal
	for _, p := range proposals {
		if p.Status == ProposalOnBallot {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b PBProposal) int { return cmp.Compare(a.Number, b.Number) })
	return out
}

// CheckBallot checks a ballot against the round's rules and the proposals
// on the ballot (by number): "" when valid, else the reason in Danish. A
// blank ballot is invalid ("blank"), but valid on a round whose rule says
// so (BlankValid).
func CheckBallot(r PBRound, onBallot map[int]PBProposal, b PBBallot) string {
	return CheckBallotIn(r, onBallot, b, Danish)
}

// PBInvalid is a ballot not counted, and why.
type PBInvalid struct {
	Ballot PBBallot
	Reason string  // in Danish
	Fault  PBFault // the same, to say in any language (PBFault.Text)
}

// PBDifference is a ballot number whose two entries differ (or that one
// counter entered twice differently): it is not counted until the paper is
// looked at and one entry corrected or removed.
type PBDifference struct {
	Number  int
	Entries []PBBallot // every entry of the number, entry 1 first
}

// PBPlace is a polling place's subtotal.
type PBPlace struct {
	Place   string
	Ballots int           // counted ballots (valid and invalid)
	Valid   int           // valid ballots
	Votes   map[int]int64 // proposal number → votes (points on a points ballot)
}

// PBTally is the ballots of a round sorted out: which count, which are
// invalid, where the two counters differ.
type PBTally struct {
	Valid   []PBBallot // counted, one per ballot number
	Invalid []PBInvalid
	// Differences lists numbers whose entries disagree; none of them is
	// counted until settled.
	Differences []PBDifference
	// Single lists numbers entered by only one counter while the round
	// uses double entry (some ballot has entry 2); they are counted.
	Single []PBBallot
	// Repeated lists numbers one counter entered more than once alike:
	// counted once.
	Repeated []int
	Places   []PBPlace
	Votes    map[int]int64 // proposal number → votes over all places, totals included
	Turnout  int           // ballots handed in (valid and invalid), totals excluded
}

// FromTotals is how many of the tally's votes (points on a points
// ballot) came from places that report only totals: every vote less what
// the valid ballots gave.
func (t PBTally) FromTotals(kind PBBallotKind) int64 {
	n := int64(0)
	for _, v := range t.Votes {
		n += v
	}
	for _, b := range t.Valid {
		for _, m := range b.Marks {
			if kind == PBPoints {
				n -= m.Points
			} else {
				n--
			}
		}
	}
	return n
}

func sameMarks(a, b PBBallot) bool {
	if a.Place != b.Place || len(a.Marks) != len(b.Marks) {
		return false
	}
	x, y := slices.Clone(a.Marks), slices.Clone(b.Marks)
	by := func(m, n PBMark) int { return cmp.Or(cmp.Compare(m.Number, n.Number), cmp.Compare(m.Points, n.Points)) }
	slices.SortFunc(x, by)
	slices.SortFunc(y, by)
	return slices.Equal(x, y)
}

// Tally sorts the round's ballots out. Entries of one ballot number are
// compared: alike, the ballot counts once; different, it is a Difference
// and does not count until settled. Each counted ballot is checked
// (CheckBallot). Totals (places that report sums, on a round in totals
// mode) add to Votes and their place's subtotal.
func Tally(r PBRound, proposals []PBProposal, ballots []PBBallot, totals []PBTotal) PBTally {
	onBallot := map[int]PBProposal{}
	byID := map[string]PBProposal{}
	for _, p := range OnBallot(proposals) {
		onBallot[p.Number] = p
		byID[p.ID] = p
	}
	byNumber := map[int][]PBBallot{}
	double := false
	for _, b := range ballots {
		byNumber[b.Number] = append(byNumber[b.Number], b)
		double = double || b.Entry == 2
	}
	numbers := make([]int, 0, len(byNumber))
	for n := range byNumber {
		numbers = append(numbers, n)
	}
	slices.Sort(numbers)
	t := PBTally{Votes: map[int]int64{}}
	places := map[string]*PBPlace{}
	place := func(name string) *PBPlace {
		p := places[name]
		if p == nil {
			p = &PBPlace{Place: name, Votes: map[int]int64{}}
			places[name] = p
		}
		return p
	}
	for _, n := range numbers {
		es := byNumber[n]
		slices.SortStableFunc(es, func(a, b PBBallot) int { return cmp.Or(cmp.Compare(a.Entry, b.Entry), cmp.Compare(a.ID, b.ID)) })
		alike, entries := true, map[int]bool{}
		for _, e := range es {
			alike = alike && sameMarks(es[0], e)
			entries[e.Entry] = true
		}
		if !alike {
			t.Differences = append(t.Differences, PBDifference{Number: n, Entries: es})
			continue
		}
		if len(es) > len(entries) {
			t.Repeated = append(t.Repeated, n)
		}
		b := es[0]
		if double && len(entries) == 1 {
			t.Single = append(t.Single, b)
		}
		t.Turnout++
		pl := place(b.Place)
		pl.Ballots++
		if f, ok := checkBallotFault(r, onBallot, b); !ok {
			t.Invalid = append(t.Invalid, PBInvalid{Ballot: b, Reason: f.Text(Danish), Fault: f})
			continue
		}
		t.Valid = append(t.Valid, b)
		pl.Valid++
		for _, m := range b.Marks {
			v := int64(1)
			if r.BallotKind == PBPoints {
				v = m.Points
			}
			pl.Votes[m.Number] += v
			t.Votes[m.Number] += v
		}
	}
	for _, tot := range totals {
		p, ok := byID[tot.ProposalID]
		// A round without totals counts none (Election adds none either):
		// a total that came by sync to such a round is no vote.
		if !ok || tot.Votes <= 0 || !r.TotalsMode {
			continue
		}
		place(tot.Place).Votes[p.Number] += tot.Votes
		t.Votes[p.Number] += tot.Votes
	}
	for _, p := range places {
		t.Places = append(t.Places, *p)
	}
	slices.SortFunc(t.Places, func(a, b PBPlace) int { return cmp.Compare(a.Place, b.Place) })
	return t
}

// øreRat is an amount in øre as exact kroner.
func øreRat(øre int64) *big.Rat { return big.NewRat(øre, 100) }

// RatØre is exact kroner as øre, rounded down (costs and pots are whole
// øre, so the sums Count returns are too).
func RatØre(r *big.Rat) int64 {
	if r == nil {
		return 0
	}
	q := new(big.Int).Quo(new(big.Int).Mul(r.Num(), big.NewInt(100)), r.Denom())
	return q.Int64()
}

// Election builds what Count counts from a tally: the proposals on the
// ballot (id = the number as text), the pot in kroner, each valid ballot,
// and on a totals round one points ballot per reported total.
func (r PBRound) Election(proposals []PBProposal, t PBTally, totals []PBTotal) Election {
	e := Election{Budget: øreRat(r.Pot), Kind: BallotApproval}
	if r.BallotKind == PBPoints || (r.TotalsMode && len(totals) > 0) {
		e.Kind = BallotCumulative
	}
	byID := map[string]int{}
	for _, p := range OnBallot(proposals) {
		e.Projects = append(e.Projects, ElectionProject{ID: strconv.Itoa(p.Number), Name: p.Title, Cost: øreRat(p.VoteCost())})
		byID[p.ID] = p.Number
	}
	for _, b := range t.Valid {
		var eb ElectionBallot
		for _, m := range b.Marks {
			eb.Projects = append(eb.Projects, strconv.Itoa(m.Number))
			if e.Kind == BallotCumulative {
				pts := m.Points
				if r.BallotKind != PBPoints {
					pts = 1
				}
				eb.Points = append(eb.Points, pts)
			}
		}
		e.Ballots = append(e.Ballots, eb)
	}
	if r.TotalsMode {
		for _, tot := range totals {
			n, ok := byID[tot.ProposalID]
			if !ok || tot.Votes <= 0 {
				continue
			}
			e.Ballots = append(e.Ballots, ElectionBallot{Projects: []string{strconv.Itoa(n)}, Points: []int64{tot.Votes}})
		}
	}
	if r.TieRule == TieByLot {
		for _, n := range r.TieOrder {
			e.TieOrder = append(e.TieOrder, strconv.Itoa(n))
		}
	}
	return e
}

// PBResult is a round counted.
type PBResult struct {
	Tally   PBTally
	Outcome Outcome
	// Winners are the funded proposals, in the order funded; with an
	// override, the override's proposals in its order.
	Winners    []PBProposal
	Overridden bool
	Reason     string // the override's reason
	Cost, Left int64  // øre: what the winners cost, what is left of the pot
	// Pending is true while ballots differ between the two counters: the
	// result is then not final.
	Pending bool
	// Points tells that the count's votes were points (a points ballot,
	// or totals reported by places), for explaining its steps.
	Points bool
}

// Result counts the round by its method. A totals round counts only by
// votes; an override replaces the winners (with its reason).
func (r PBRound) Result(proposals []PBProposal, ballots []PBBallot, totals []PBTotal) (PBResult, error) {
	return r.ResultContext(context.Background(), proposals, ballots, totals)
}

// ResultContext is Result, stopped with ErrCountCanceled when ctx ends
// (a closed screen, Ctrl-C): model.CountContext.
func (r PBRound) ResultContext(ctx context.Context, proposals []PBProposal, ballots []PBBallot, totals []PBTotal) (PBResult, error) {
	t := Tally(r, proposals, ballots, totals)
	res := PBResult{Tally: t, Pending: len(t.Differences) > 0}
	method := r.Method
	if r.TotalsMode && len(totals) > 0 && method != CountVotes {
		return res, NewError(Invalid, "når steder kun melder totaler, kan kun metoden »flest stemmer« bruges")
	}
	e := r.Election(proposals, t, totals)
	res.Points = e.Kind != BallotApproval
	out, err := CountContext(ctx, e, method)
	if err != nil {
		return res, err
	}
	res.Outcome = out
	byNumber := map[string]PBProposal{}
	for _, p := range OnBallot(proposals) {
		byNumber[strconv.Itoa(p.Number)] = p
	}
	for _, id := range out.Selected {
		res.Winners = append(res.Winners, byNumber[id])
	}
	if len(r.OverrideNumbers) > 0 {
		if strings.TrimSpace(r.OverrideReason) == "" {
			return res, NewError(Invalid, "resultatet er ændret i hånden uden en begrundelse")
		}
		// An override from another replica or a file was never validated:
		// a proposal named twice would be a winner, and spent, twice.
		if n, ok := repeatedNumber(r.OverrideNumbers); ok {
			return res, NewError(Invalid, fmt.Sprintf("forslag nr. %d står to gange i det manuelle resultat", n))
		}
		res.Winners, res.Overridden, res.Reason = nil, true, r.OverrideReason
		for _, n := range r.OverrideNumbers {
			p, ok := byNumber[strconv.Itoa(n)]
			if !ok {
				return res, NewError(Invalid, fmt.Sprintf("forslag nr. %d i den manuelle ændring er ikke på stemmesedlen", n))
			}
			res.Winners = append(res.Winners, p)
		}
	}
	for _, p := range res.Winners {
		res.Cost += p.VoteCost()
	}
	res.Left = r.Pot - res.Cost
	return res, nil
}

func init() {
	for k, v := range map[string][2]string{
		"pbphase.forslag":         {"Forslag", "Proposals"},
		"pbphase.vurdering":       {"Vurdering", "Review"},
		"pbphase.afstemning":      {"Afstemning", "Voting"},
		"pbphase.resultat":        {"Resultat", "Result"},
		"pbkind.approval":         {"Kryds ved højst et antal forslag", "Approve at most a number of proposals"},
		"pbkind.approval_pot":     {"Kryds ved forslag inden for puljen", "Approve proposals within the pot"},
		"pbkind.points":           {"Fordel point", "Spread points"},
		"pbmethod.votes":          {"Flest stemmer", "Most votes"},
		"pbmethod.mes":            {"Lige andele (MES)", "Equal shares (MES)"},
		"pbmethod.mes-add1":       {"Lige andele med udfyldning (MES+1)", "Equal shares with completion (MES+1)"},
		"pbtie.id":                {"Laveste forslagsnummer som tekst", "Smallest proposal number as text"},
		"pbtie.lot":               {"Lodtrækning", "Drawn lot"},
		"proposal.modtaget":       {"Modtaget", "Received"},
		"proposal.vurderes":       {"Vurderes", "Under review"},
		"proposal.til_afstemning": {"Til afstemning", "On the ballot"},
		"proposal.afvist":         {"Afvist", "Rejected"},
	} {
		labels[k] = v
	}
}

// Label names the phase.
func (p PBPhase) Label(l Lang) string { return Label(p, l) }

// Label names the ballot kind.
func (k PBBallotKind) Label(l Lang) string { return Label(k, l) }

// Label names the tie rule.
func (t PBTieRule) Label(l Lang) string { return Label(t, l) }

// Label names the proposal status.
func (s ProposalStatus) Label(l Lang) string { return Label(s, l) }

// MethodLabel names a counting method.
func MethodLabel(m CountMethod, l Lang) string { return Label(m, l) }

// PBOverviewText is a council's borgerbudget cell in the municipality's
// overview: its newest round with the phase, and how many rounds it has
// had when more than one: "Borgerbudget 2026 (Resultat), 2 runder i alt".
func PBOverviewText(title string, phase PBPhase, rounds int, l Lang) string {
	text := fmt.Sprintf("%s (%s)", title, phase.Label(l))
	if rounds > 1 {
		if l == English {
			return text + fmt.Sprintf(", %d rounds in all", rounds)
		}
		return text + fmt.Sprintf(", %d runder i alt", rounds)
	}
	return text
}

// RuleText is the ballot's rule in plain Danish, as printed on it.
func (r PBRound) RuleText() string {
	switch r.BallotKind {
	case PBApproval:
		if r.MaxChoices == 1 {
			return "Sæt ét kryds"
		}
		if r.MaxChoices > 0 {
			return fmt.Sprintf("Sæt højst %d krydser", r.MaxChoices)
		}
		return "Sæt kryds ved de forslag, du støtter"
	case PBApprovalPot:
		return fmt.Sprintf("Sæt kryds ved de forslag, du støtter. Tilsammen må de højst koste %s", Kroner(r.Pot))
	case PBPoints:
		return fmt.Sprintf("Fordel højst %d point mellem forslagene. Skriv antal point i feltet", r.Points)
	}
	return ""
}
