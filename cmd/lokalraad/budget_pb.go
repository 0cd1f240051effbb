package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"lokalraad/internal/cliflag"
	"lokalraad/model"
	"lokalraad/model/pb"
	"lokalraad/model/pdf"
	"lokalraad/model/xlsx"
	"lokalraad/storage"
)

// The borgerbudget round's documents and files (issue 11, pbout):
//
//	lokalraad budget ballots  --db PATH --round ID --out FILE.pdf [--from 1 --to 500 --place STED --large]
//	lokalraad budget results  --db PATH --round ID --out FILE.pdf
//	lokalraad budget export-pb --db PATH --round ID --out FILE.pb
//	lokalraad budget import-pb --db PATH [--council ID] FILE.pb
//	lokalraad budget workbook --db PATH --round ID --out FILE.xlsx [--contacts]
//	lokalraad budget proposals-template --out FILE.xlsx
//	lokalraad budget import-proposals --db PATH --round ID FILE.xlsx
//
// Each prints the file it wrote (import-pb the new round's id,
// import-proposals how many it saved). Files are written through a temp
// file, so a failure never leaves half a file under the real name.

// pbOutCommands are the subcommands of this file, by name.
var pbOutCommands = map[string]func(context.Context, []string, io.Writer, io.Writer) error{
	"ballots":            runBudgetBallots,
	"results":            runBudgetResults,
	"export-pb":          runBudgetExportPB,
	"import-pb":          runBudgetImportPB,
	"workbook":           runBudgetWorkbook,
	"proposals-template": runBudgetProposalsTemplate,
	"import-proposals":   runBudgetImportProposals,
	"new-round":          runBudgetNewRound, // budget_new.go
	"proposal":           runBudgetProposal,
	"ballot":             runBudgetBallot,
	"phase":              runBudgetPhase,
}

// pbFlags are the flags most of the subcommands share.
type pbFlags struct {
	fs                   *flag.FlagSet
	db, round, out, lang *string
	date                 *string
}

func newPBFlags(name string, stderr io.Writer) *pbFlags {
	fs := newFlags("lokalraad budget "+name, stderr)
	return &pbFlags{
		fs:    fs,
		db:    fs.String("db", "", "databasefil (påkrævet)"),
		round: fs.String("round", "", "rundens id (se lokalraad budget rounds)"),
		out:   fs.String("out", "", "fil, der skrives (påkrævet)"),
		lang:  fs.String("lang", "da", "sprog: da eller en"),
		date:  fs.String("date", "", "datoen, der trykkes og stemples i filen (DD.MM.ÅÅÅÅ); ellers SOURCE_DATE_EPOCH eller i dag"),
	}
}

// parse reads the flags; need names the ones that must be given.
func (p *pbFlags) parse(args []string, need ...string) error {
	if err := parseFlags(p.fs, args); err != nil {
		return err
	}
	for _, n := range need {
		if v := p.fs.Lookup(n); v != nil && v.Value.String() == "" {
			return fmt.Errorf("angiv --%s", n)
		}
	}
	_, err := parseLang(*p.lang)
	return err
}

func (p *pbFlags) now() (time.Time, error) {
	return exportTime(*p.date, os.Getenv("SOURCE_DATE_EPOCH"), time.Now)
}

// write writes --out through a temp file with enc and prints its name.
func (p *pbFlags) write(stdout io.Writer, enc func(io.Writer) error) error {
	if err := writeFileAtomic(*p.out, enc); err != nil {
		return err
	}
	fmt.Fprintln(stdout, *p.out)
	return nil
}

// datedRound is the date to print (now) and the round with everything in
// it.
func (p *pbFlags) datedRound(ctx context.Context) (time.Time, storage.PBRoundData, error) {
	now, err := p.now()
	if err != nil {
		return now, storage.PBRoundData{}, err
	}
	d, err := p.roundData(ctx)
	return now, d, err
}

// openRound opens the database and reads the round; the caller closes db.
func (p *pbFlags) openRound(ctx context.Context) (*storage.DB, model.PBRound, error) {
	db, err := openExisting(ctx, *p.db)
	if err != nil {
		return nil, model.PBRound{}, err
	}
	r, err := db.PBRound(ctx, *p.round)
	if err != nil {
		db.Close()
		if errors.Is(err, storage.ErrNotFound) {
			err = fmt.Errorf("runden %s findes ikke i databasen (se lokalraad budget rounds)", *p.round)
		}
		return nil, r, err
	}
	return db, r, nil
}

// roundData opens the database and reads the round with everything in it.
func (p *pbFlags) roundData(ctx context.Context) (storage.PBRoundData, error) {
	db, err := openExisting(ctx, *p.db)
	if err != nil {
		return storage.PBRoundData{}, err
	}
	defer db.Close()
	d, err := db.PBRoundData(ctx, *p.round)
	if errors.Is(err, storage.ErrNotFound) {
		return d, fmt.Errorf("runden %s findes ikke i databasen (se lokalraad budget rounds)", *p.round)
	}
	return d, err
}

func runBudgetBallots(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p := newPBFlags("ballots", stderr)
	from := p.fs.Int("from", 1, "første stemmeseddels nummer")
	to := p.fs.Int("to", 500, "sidste stemmeseddels nummer")
	place := p.fs.String("place", "", "afstemningsstedet, der trykkes på sedlerne (ellers en linje at skrive det på)")
	large := p.fs.Bool("large", false, "stor skrift (16 punkt) til svagtseende")
	if err := p.parse(args, "db", "round", "out"); err != nil {
		return err
	}
	now, d, err := p.datedRound(ctx)
	if err != nil {
		return err
	}
	bo := pdf.BallotOptions{From: *from, To: *to, Place: *place, Large: *large}
	o := pdf.Options{Lang: model.Lang(*p.lang), Now: now}
	return p.write(stdout, func(w io.Writer) error {
		return pdf.Ballots(w, d.Council.Name, d.Round, d.Proposals, bo, o)
	})
}

func runBudgetResults(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p := newPBFlags("results", stderr)
	if err := p.parse(args, "db", "round", "out"); err != nil {
		return err
	}
	now, d, err := p.datedRound(ctx)
	if err != nil {
		return err
	}
	res, err := d.Result()
	if err != nil {
		return fmt.Errorf("runden kan ikke tælles op: %w", err)
	}
	return p.write(stdout, func(w io.Writer) error {
		return pdf.PBResults(w, d.Council.Name, d.Round, d.Proposals, res, pdf.Options{Lang: model.Lang(*p.lang), Now: now})
	})
}

// counted is the round's result, or nil with its tally when it cannot be
// counted yet (no ballots, say): a file is still written.
func counted(d storage.PBRoundData) (*model.PBResult, model.PBTally) {
	res, err := d.Result()
	if err != nil {
		return nil, model.Tally(d.Round, d.Proposals, d.Ballots, d.Totals)
	}
	return &res, res.Tally
}

func runBudgetExportPB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p := newPBFlags("export-pb", stderr)
	if err := p.parse(args, "db", "round", "out"); err != nil {
		return err
	}
	d, err := p.roundData(ctx)
	if err != nil {
		return err
	}
	res, t := counted(d)
	return p.write(stdout, func(w io.Writer) error {
		return pb.Write(w, pb.FromRound(d.Council.Name, d.Round, d.Proposals, t, res))
	})
}

func runBudgetWorkbook(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p := newPBFlags("workbook", stderr)
	contacts := p.fs.Bool("contacts", false, "tag forslagsstillernes kontaktoplysninger med (persondata)")
	if err := p.parse(args, "db", "round", "out"); err != nil {
		return err
	}
	now, d, err := p.datedRound(ctx)
	if err != nil {
		return err
	}
	res, _ := counted(d)
	o := xlsx.Options{Lang: model.Lang(*p.lang), ContactDetails: *contacts, Now: now}
	return p.write(stdout, func(w io.Writer) error {
		return xlsx.PBWorkbook(w, d.Council.Name, d.Round, d.Proposals, d.Ballots, d.Totals, res, o)
	})
}

func runBudgetProposalsTemplate(_ context.Context, args []string, stdout, stderr io.Writer) error {
	p := newPBFlags("proposals-template", stderr)
	if err := p.parse(args, "out"); err != nil {
		return err
	}
	return p.write(stdout, xlsx.PBProposalsTemplate)
}

func runBudgetImportPB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p := newPBFlags("import-pb", stderr)
	councilID := p.fs.String("council", "", "lokalrådets id (standard: det eneste)")
	if err := p.parse(args, "db"); err != nil {
		return err
	}
	if p.fs.NArg() != 1 {
		return errors.New("brug: lokalraad budget import-pb --db PATH [--council ID] FIL.pb")
	}
	path := p.fs.Arg(0)
	in, err := cliflag.OpenInput(path)
	if err != nil {
		return err
	}
	f, err := pb.Parse(in)
	in.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	r, ps, bs, err := f.Round()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	db, id, err := openCouncil(ctx, *p.db, *councilID)
	if err != nil {
		return err
	}
	defer db.Close()
	r.CouncilID = id
	saved, err := db.CreatePBRound(ctx, storage.PBRoundData{Round: r, Proposals: ps, Ballots: bs})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fmt.Fprintln(stdout, saved.ID)
	return nil
}

func runBudgetImportProposals(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p := newPBFlags("import-proposals", stderr)
	if err := p.parse(args, "db", "round"); err != nil {
		return err
	}
	if p.fs.NArg() != 1 {
		return errors.New("brug: lokalraad budget import-proposals --db PATH --round ID FIL.xlsx")
	}
	path := p.fs.Arg(0)
	in, err := cliflag.OpenInput(path)
	if err != nil {
		return err
	}
	ps, problems, err := xlsx.ReadPBProposals(in)
	in.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, pr := range problems {
		fmt.Fprintln(stdout, pr)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d rækker har fejl; intet er importeret", len(problems))
	}
	db, _, err := p.openRound(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.ImportPBProposals(ctx, *p.round, ps); err != nil {
		return fmt.Errorf("intet er importeret: %w", err)
	}
	fmt.Fprintf(stdout, "%d forslag importeret\n", len(ps))
	return nil
}
