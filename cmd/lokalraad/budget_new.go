package main

// Making a round, its proposals and its ballots from the command line, for
// scripts and for a counter who types fast:
//
//	lokalraad budget new-round --db PATH [--council ID] --title T --pot KR --kind approval|approval-pot|points
//	                           [--max N] --method votes|mes|mes-add1 [--population N] [--blank-valid]
//	lokalraad budget proposal add --db PATH --round ID --title T --cost KR [--number N] [--status S] …
//	lokalraad budget phase --db PATH --round ID --phase forslag|vurdering|afstemning|resultat
//	lokalraad budget ballot --db PATH --round ID --counter 1|2 [--place STED] NUMBER MARKS…
//	lokalraad budget ballot --db PATH --round ID --counter 1|2 [--place STED] < lines "number marks"
//
// Each goes through the same storage calls as the screen (SavePBRound,
// SavePBProposal, SavePBBallot), so the same rules refuse the same things
// with the same Danish messages: the rules fixed once voting opens, a
// proposal number used twice, ballots only while voting is open. Like the
// screen, ballot refuses a number the counter already entered (correct it
// in the app), and says of each ballot whether it is valid and why not.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"lokalraad/model"
)

// budgetStdin is where ballot reads lines when no ballot is given as
// arguments (tests set it).
var budgetStdin io.Reader = os.Stdin

// pbKinds are the ballot kinds by their names on the command line.
var pbKinds = map[string]model.PBBallotKind{
	"approval":     model.PBApproval,
	"approval-pot": model.PBApprovalPot,
	"points":       model.PBPoints,
}

func runBudgetNewRound(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p := newPBFlags("new-round", stderr)
	councilID := p.fs.String("council", "", "lokalrådets id (standard: det eneste)")
	title := p.fs.String("title", "", "rundens titel (påkrævet)")
	pot := p.fs.String("pot", "", "puljen i kr., fx 150000 eller 150.000,50 (påkrævet)")
	kind := p.fs.String("kind", "approval", "stemmeseddel: approval (højst --max krydser), approval-pot (krydser inden for puljen) eller points (fordel --max point)")
	most := p.fs.Int("max", 0, "approval: højst så mange krydser (0: alle); points: så mange point at fordele")
	method := p.fs.String("method", string(model.CountVotes), "optællingsmetode: votes, mes eller mes-add1")
	population := p.fs.Int("population", 0, "indbyggertal i området (til stemmeprocenten)")
	blank := p.fs.Bool("blank-valid", false, "en blank stemmeseddel er en gyldig stemme på intet")
	if err := p.parse(args, "db", "title", "pot"); err != nil {
		return err
	}
	if p.fs.NArg() > 0 {
		return fmt.Errorf("uventet argument %q", p.fs.Arg(0))
	}
	k, ok := pbKinds[*kind]
	if !ok {
		return fmt.Errorf("ukendt stemmeseddel %q; brug approval, approval-pot eller points", *kind)
	}
	øre, err := model.ParseKroner(*pot)
	if err != nil {
		return fmt.Errorf("--pot %q: skriv puljen i kr., fx 150000 eller 150.000,50", *pot)
	}
	db, id, err := openCouncil(ctx, *p.db, *councilID)
	if err != nil {
		return err
	}
	defer db.Close()
	r := model.PBRound{CouncilID: id, Title: strings.TrimSpace(*title), Pot: øre, Population: *population,
		Phase: model.PhaseProposals, BallotKind: k, Method: model.CountMethod(*method), TieRule: model.TieByID, BlankValid: *blank}
	switch k {
	case model.PBApproval:
		r.MaxChoices = *most
	case model.PBPoints:
		r.Points = *most
	}
	if err := db.SavePBRound(ctx, model.PBRound{}, &r); err != nil {
		return err
	}
	fmt.Fprintln(stdout, r.ID)
	return nil
}

func runBudgetProposal(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("brug: lokalraad budget proposal add --db FIL --round ID --title TITEL --cost KR [--number N] [--status modtaget|vurderes|til_afstemning|afvist --reason TEKST]")
	}
	p := newPBFlags("proposal add", stderr)
	title := p.fs.String("title", "", "forslagets titel (påkrævet)")
	cost := p.fs.String("cost", "", "anslået pris i kr. (påkrævet)")
	number := p.fs.Int("number", 0, "nummeret på stemmesedlen (standard: det næste ledige)")
	text := p.fs.String("description", "", "beskrivelsen; første linje står på stemmesedlen")
	name := p.fs.String("proposer", "", "forslagsstillerens navn (persondata)")
	contact := p.fs.String("contact", "", "forslagsstillerens telefon eller e-mail (persondata)")
	category := p.fs.String("category", "", "kategori")
	place := p.fs.String("place", "", "sted")
	status := p.fs.String("status", string(model.ProposalReceived), "modtaget, vurderes, til_afstemning eller afvist")
	reason := p.fs.String("reason", "", "hvorfor forslaget er afvist")
	if err := p.parse(args[1:], "db", "round", "title", "cost"); err != nil {
		return err
	}
	if p.fs.NArg() > 0 {
		return fmt.Errorf("uventet argument %q", p.fs.Arg(0))
	}
	øre, err := model.ParseKroner(*cost)
	if err != nil {
		return fmt.Errorf("--cost %q: skriv prisen i kr., fx 40000 eller 40.000,50", *cost)
	}
	db, r, err := p.openRound(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	q := model.PBProposal{CouncilID: r.CouncilID, RoundID: r.ID, Number: *number, Title: strings.TrimSpace(*title), Text: *text,
		ProposerName: *name, ProposerContact: *contact, Cost: øre, Category: *category, Place: *place,
		Status: model.ProposalStatus(*status), Reason: *reason}
	if err := db.SavePBProposal(ctx, model.PBProposal{}, &q); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d\t%s\n", q.Number, q.ID)
	return nil
}

// typedBallot is a ballot as typed: its number and marks, and the line
// it came from (0: the arguments).
type typedBallot struct {
	line   int
	number int
	marks  []model.PBMark
}

func runBudgetBallot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p := newPBFlags("ballot", stderr)
	counter := p.fs.Int("counter", 0, "tælleren: 1 eller 2 (påkrævet)")
	place := p.fs.String("place", "", "afstemningsstedet")
	if err := p.parse(args, "db", "round"); err != nil {
		return err
	}
	if *counter != 1 && *counter != 2 {
		return errors.New("angiv tælleren med --counter 1 eller --counter 2")
	}
	db, r, err := p.openRound(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	points := r.BallotKind == model.PBPoints
	parse := func(line int, number string, marks string) (typedBallot, error) {
		where := ""
		if line > 0 {
			where = fmt.Sprintf("linje %d: ", line)
		}
		n, err := strconv.Atoi(strings.TrimSpace(number))
		if err != nil || n < 1 || n > model.MaxPBNumber {
			return typedBallot{}, fmt.Errorf("%s»%s« er ikke stemmesedlens nummer; skriv nummeret og så krydserne, fx »17 3 7 12«", where, number)
		}
		ms, err := model.ParseMarks(marks, points)
		if err != nil {
			return typedBallot{}, fmt.Errorf("%sstemmeseddel nr. %d: %w", where, n, err)
		}
		return typedBallot{line: line, number: n, marks: ms}, nil
	}
	// Every ballot is read and checked before the first is saved: a typing
	// error on line 40 saves none, and the counter types it again whole.
	var typed []typedBallot
	if p.fs.NArg() > 0 {
		b, err := parse(0, p.fs.Arg(0), strings.Join(p.fs.Args()[1:], " "))
		if err != nil {
			return err
		}
		typed = append(typed, b)
	} else {
		sc := bufio.NewScanner(budgetStdin)
		line := 0
		for sc.Scan() {
			line++
			text := strings.TrimSpace(sc.Text())
			if text == "" || strings.HasPrefix(text, "#") {
				continue
			}
			number, marks, _ := strings.Cut(strings.Join(strings.Fields(text), " "), " ")
			b, err := parse(line, number, marks)
			if err != nil {
				return err
			}
			typed = append(typed, b)
			if len(typed) > model.MaxPBBallots {
				return fmt.Errorf("linje %d: højst %d stemmesedler ad gangen", line, model.MaxPBBallots)
			}
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("linje %d: kunne ikke læses: %v", line+1, err)
		}
		if len(typed) == 0 {
			return errors.New("ingen stemmesedler: giv NUMMER KRYDSER… som argumenter, eller linjer »nummer krydser« på standard-input")
		}
	}
	held, err := db.PBBallots(ctx, r.ID)
	if err != nil {
		return err
	}
	entered := map[int]string{}
	for _, x := range held {
		if x.Entry == *counter {
			entered[x.Number] = model.FormatMarks(x.Marks, points)
		}
	}
	for _, b := range typed {
		if marks, ok := entered[b.number]; ok {
			where := ""
			if b.line > 0 {
				where = fmt.Sprintf("linje %d: ", b.line)
			}
			return fmt.Errorf("%snr. %d er allerede indtastet af tæller %d (%s); ret den i programmet, intet er gemt", where, b.number, *counter, marks)
		}
		entered[b.number] = model.FormatMarks(b.marks, points)
	}
	ps, err := db.PBProposals(ctx, r.ID)
	if err != nil {
		return err
	}
	onBallot := map[int]model.PBProposal{}
	for _, q := range model.OnBallot(ps) {
		onBallot[q.Number] = q
	}
	for i, b := range typed {
		x := model.PBBallot{CouncilID: r.CouncilID, RoundID: r.ID, Entry: *counter, Number: b.number, Place: strings.TrimSpace(*place), Marks: b.marks}
		if err := db.SavePBBallot(ctx, model.PBBallot{}, &x); err != nil {
			if i > 0 {
				return fmt.Errorf("stemmeseddel nr. %d: %w (de %d før den er gemt)", b.number, err, i)
			}
			return fmt.Errorf("stemmeseddel nr. %d: %w", b.number, err)
		}
		verdict := "gyldig"
		if reason := model.CheckBallot(r, onBallot, x); reason != "" {
			verdict = "ugyldig: " + reason
		}
		fmt.Fprintf(stdout, "nr. %d: %s\n", b.number, verdict)
	}
	return nil
}

// runBudgetPhase moves a round to a phase (afstemning opens the vote and
// fixes the rules; resultat closes it), as the screen's buttons do.
func runBudgetPhase(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p := newPBFlags("phase", stderr)
	phase := p.fs.String("phase", "", "forslag, vurdering, afstemning eller resultat (påkrævet)")
	if err := p.parse(args, "db", "round", "phase"); err != nil {
		return err
	}
	db, r, err := p.openRound(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	loaded := r
	r.Phase = model.PBPhase(*phase)
	// Opening the vote leaves proposals not yet reviewed off the ballot:
	// said, as the screen's question says it.
	notReviewed := 0
	if r.Phase == model.PhaseVoting && loaded.Phase != model.PhaseVoting {
		ps, err := db.PBProposals(ctx, r.ID)
		if err != nil {
			return err
		}
		notReviewed = model.NotReviewed(ps)
	}
	if err := db.SavePBRound(ctx, loaded, &r); err != nil {
		return err
	}
	fmt.Fprintln(stdout, r.Phase.Label(model.Danish))
	if note := model.NotReviewedNote(notReviewed); note != "" {
		fmt.Fprintln(stdout, "Bemærk: "+note)
	}
	return nil
}
