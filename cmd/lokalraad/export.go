package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"lokalraad/internal/cliflag"
	"lokalraad/model"
	"lokalraad/model/ical"
	"lokalraad/model/pdf"
	"lokalraad/model/xlsx"
	"lokalraad/storage"
)

// pdfDocs are the meeting documents `export` writes, by name.
var pdfDocs = map[string]func(io.Writer, *model.CouncilData, string, pdf.Options) error{
	"packet":     pdf.Packet,
	"chair":      pdf.ChairCopy,
	"minutes":    pdf.Minutes,
	"attendance": pdf.Attendance,
	"notes":      pdf.NoteSheet,
}

const exportUsage = `brug:
  lokalraad export packet|chair|minutes|attendance|notes --db PATH --meeting ID --out FILE.pdf [--skip-damaged]
  lokalraad export wishes   --db PATH --council ID --year YYYY --out FILE.pdf
  lokalraad export workbook --db PATH --council ID --out FILE.xlsx
  lokalraad export calendar --db PATH --council ID --out FILE.ics [--tasks allday|todo|none]
  lokalraad export invitation --db PATH --meeting ID --out FILE.ics
  lokalraad export yearwheel --db PATH --council ID --year YYYY --out FILE.pdf
  lokalraad export accounts --db PATH --council ID --year YYYY --out FILE.pdf [--receipts]
  lokalraad export plan     --db PATH --council ID --year YYYY --out FILE.pdf
  valgfrit: --lang da|en, --contacts (tag telefon og e-mail med),
  --date DD.MM.ÅÅÅÅ (datoen, der trykkes og stemples; ellers SOURCE_DATE_EPOCH eller i dag)`

// runExport writes a document for scripts and IT staff.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// An export allocates a few megabytes and the process ends: three
	// garbage collections on the way were a fifth of its time. The collector
	// now waits for a heap of 512 MiB (a limit, so a huge export still
	// collects); the settings are restored for the caller (tests).
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(512 << 20))
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	if len(args) == 0 {
		fmt.Fprintln(stderr, exportUsage)
		return errors.New("angiv hvad der skal eksporteres")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprintln(stderr, exportUsage)
		return flag.ErrHelp
	}
	kind := args[0]
	if _, ok := pdfDocs[kind]; ok || kind == "wishes" || kind == "yearwheel" || kind == "accounts" || kind == "plan" {
		go pdf.Preload() // the fonts are parsed while the database is read
	}
	fs := newFlags("lokalraad export "+kind, stderr)
	dbPath := fs.String("db", "", "databasefil (påkrævet)")
	meetingID := fs.String("meeting", "", "mødets id")
	councilID := fs.String("council", "", "lokalrådets id (standard: det eneste)")
	year := fs.Int("year", 0, "budgetår")
	out := fs.String("out", "", "fil, der skrives (påkrævet)")
	lang := fs.String("lang", "da", "sprog: da eller en")
	receipts := fs.Bool("receipts", false, "regnskabet: sæt linjernes bilag (kvitteringer) ind efter regnskabet")
	contacts := fs.Bool("contacts", false, "tag medlemmers telefon og e-mail med")
	skipDamaged := fs.Bool("skip-damaged", false, "mødemappe: udskriv uden beskadigede bilag (de nævnes som ikke med)")
	tasks := fs.String("tasks", "allday", "frister og opgavers forfaldsdage i kalenderen: allday (heldagsbegivenheder), todo (opgaver) eller none")
	date := fs.String("date", "", "datoen, der trykkes og stemples i filen (DD.MM.ÅÅÅÅ); ellers SOURCE_DATE_EPOCH eller i dag")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	now, err := exportTime(*date, os.Getenv("SOURCE_DATE_EPOCH"), time.Now)
	if err != nil {
		return err
	}
	if *dbPath == "" || *out == "" {
		return errors.New("angiv --db og --out\n" + exportUsage)
	}
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	l, err := parseLang(*lang)
	if err != nil {
		return err
	}

	how, ok := map[string]ical.Tasks{"allday": ical.TasksAllDay, "todo": ical.TasksTodo, "none": ical.NoTasks}[*tasks]
	if !ok {
		return fmt.Errorf("--tasks skal være allday, todo eller none, ikke %q", *tasks)
	}

	var write func(io.Writer) error
	if kind == "invitation" {
		m, d, err := meetingData(ctx, db, *meetingID)
		if err != nil {
			return err
		}
		write = func(w io.Writer) error { return ical.WriteMeeting(w, d, m.ID, ical.Options{Lang: l, Now: now}) }
	} else if doc, ok := pdfDocs[kind]; ok {
		m, d, err := meetingData(ctx, db, *meetingID)
		if err != nil {
			return err
		}
		o := pdf.Options{Lang: l, Now: now, ContactDetails: *contacts, SkipDamaged: *skipDamaged}
		if kind == "packet" || kind == "chair" {
			if o.Bilag, err = meetingBilag(ctx, db, m.ID); err != nil {
				return err
			}
		}
		write = func(w io.Writer) error {
			err := doc(w, d, m.ID, o)
			if errors.Is(err, pdf.ErrDamagedBilag) {
				return fmt.Errorf("%w; brug --skip-damaged for at udskrive resten", err)
			}
			return err
		}
	} else {
		id, err := councilOf(ctx, db, *councilID)
		if err != nil {
			return err
		}
		d, err := db.CouncilData(ctx, id)
		if err != nil {
			return err
		}
		switch kind {
		case "wishes":
			if *year == 0 {
				return errors.New("angiv budgetåret med --year YYYY")
			}
			write = func(w io.Writer) error {
				return pdf.Wishes(w, d, *year, pdf.Options{Lang: l, Now: now, ContactDetails: *contacts})
			}
		case "workbook":
			write = func(w io.Writer) error {
				return xlsx.Write(w, d, xlsx.Options{Lang: l, ContactDetails: *contacts, Now: now})
			}
		case "calendar":
			deadlines, err := db.Deadlines(ctx)
			if err != nil {
				return err
			}
			// The årshjul's dates of this year and the next go with the meetings.
			y := now.In(model.Copenhagen).Year()
			rs, err := db.YearReminders(ctx, id, y, y+1)
			if err != nil {
				return err
			}
			write = func(w io.Writer) error {
				return ical.Write(w, d, ical.Options{Lang: l, Now: now, Tasks: how, Deadlines: deadlines, Reminders: rs})
			}
		case "accounts":
			if *year < 2000 || *year > 2200 {
				return errors.New("angiv regnskabsåret med --year YYYY")
			}
			o := pdf.Options{Lang: l, Now: now}
			if *receipts {
				as, err := db.EntryAttachments(ctx, id, *year)
				if err != nil {
					return err
				}
				o.Bilag, o.SkipDamaged = readBilag(db, as), true // a damaged receipt is listed as such
			}
			write = func(w io.Writer) error {
				return pdf.Accounts(w, d, *year, o)
			}
		case "plan":
			if *year < 2000 || *year > 2200 {
				return errors.New("angiv planens år med --year YYYY")
			}
			write = func(w io.Writer) error {
				return pdf.Plan(w, d, *year, pdf.Options{Lang: l, Now: now})
			}
		case "yearwheel":
			if *year < 2000 || *year > 2200 {
				return errors.New("angiv året med --year YYYY")
			}
			rs, err := db.YearReminders(ctx, id, *year)
			if err != nil {
				return err
			}
			write = func(w io.Writer) error {
				return pdf.YearWheel(w, d.Council.Name, *year, rs, pdf.Options{Lang: l, Now: now})
			}
		default:
			return fmt.Errorf("ukendt eksport %q\n%s", kind, exportUsage)
		}
	}
	if err := writeFileAtomic(*out, write); err != nil {
		return err
	}
	fmt.Fprintln(stdout, *out)
	return nil
}

// meetingBilag reads a meeting's attachments with their files, for the
// packet: a file not on this computer has no bytes (listed as sent
// separately), a damaged one is handed on for pdf to name.
func meetingBilag(ctx context.Context, db *storage.DB, meetingID string) ([]pdf.Bilag, error) {
	as, err := db.MeetingAttachments(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	return readBilag(db, as), nil
}

// readBilag reads the files of attachments for a PDF (see meetingBilag).
func readBilag(db *storage.DB, as []model.Attachment) []pdf.Bilag {
	out := make([]pdf.Bilag, 0, len(as))
	for _, a := range as {
		b := pdf.Bilag{Attachment: a}
		if data, err := db.ReadAttachment(a); err == nil {
			b.Data = data
		} else if errors.Is(err, storage.ErrBlobDamaged) {
			b.Data = []byte{}
		}
		out = append(out, b)
	}
	return out
}

// exportTime is the date an export prints and stamps: --date when given
// (noon that day, Danish time), else SOURCE_DATE_EPOCH (seconds since
// 1970, as reproducible builds use it), else now.
func exportTime(date, epoch string, now func() time.Time) (time.Time, error) {
	if date != "" {
		d, err := model.ParseDate(date)
		if err != nil || d.IsZero() {
			return time.Time{}, fmt.Errorf("--date %q er ikke en dato; skriv fx 02.12.2026", date)
		}
		return d.Add(12 * time.Hour), nil
	}
	if epoch != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(epoch), 10, 64)
		if err != nil || n < 0 {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q er ikke et antal sekunder siden 1970", epoch)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	return now(), nil
}

// writeFileAtomic writes through a temp file beside path and renames it, so
// a failed export never leaves half a file under the real name. The file
// gets the mode any new file of the user gets (0666 less the umask), or
// keeps the mode of the file it replaces.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	var tmp *os.File
	var err error
	for i := 0; i < 100; i++ {
		name := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+strconv.FormatUint(rand.Uint64(), 36))
		tmp, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666) // the umask applies
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return writeError(path, err)
	}
	if fi, err := os.Stat(path); err == nil {
		tmp.Chmod(fi.Mode().Perm())
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return writeError(path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return writeError(path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return writeError(path, err)
	}
	return nil
}

// meetingData reads the meeting --meeting names and its council's data.
func meetingData(ctx context.Context, db *storage.DB, id string) (model.Meeting, *model.CouncilData, error) {
	if id == "" {
		return model.Meeting{}, nil, errors.New("angiv mødet med --meeting ID")
	}
	m, err := db.Meeting(ctx, id)
	if err != nil {
		return m, nil, fmt.Errorf("mødet %s: %w", id, err)
	}
	d, err := db.CouncilData(ctx, m.CouncilID)
	return m, d, err
}

// openExisting opens a database that must exist already: a typo in --db
// must not create an empty one.
func openExisting(ctx context.Context, path string) (*storage.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("databasen %s findes ikke", path)
	}
	return storage.Open(ctx, path)
}

// councilOf is the council named by id, or the only council when id is
// empty.
func councilOf(ctx context.Context, db *storage.DB, id string) (string, error) {
	if id != "" {
		if _, err := db.Council(ctx, id); err != nil {
			return "", fmt.Errorf("lokalrådet %s: %w", id, err)
		}
		return id, nil
	}
	cs, err := db.Councils(ctx)
	if err != nil {
		return "", err
	}
	if len(cs) != 1 {
		return "", fmt.Errorf("databasen har %d lokalråd: angiv et med --council ID", len(cs))
	}
	return cs[0].ID, nil
}

// errImportCanceled: Ctrl-C stopped an import, which writes in one
// transaction, so nothing of it is written.
var errImportCanceled = fmt.Errorf("%w; intet er importeret", model.ErrCanceled)

const importUsage = "brug: lokalraad import workbook --db PATH [--council ID] [--year YYYY] [--existing skip|update] [--dry-run] FILE.xlsx"

// importCmd reads budget wishes, projects and members from a workbook.
// Nothing is written when the file has a problem, or with --dry-run.
func importCmd(fs *flag.FlagSet, stdout, _ io.Writer) dbWork {
	councilID := fs.String("council", "", "lokalrådets id (standard: det eneste)")
	year := fs.Int("year", time.Now().Year()+1, "budgetår for ønsker uden år")
	existing := fs.String("existing", "", "rækker, der allerede findes: skip (spring over) eller update (opdater)")
	dry := fs.Bool("dry-run", false, "vis kun, hvad der ville blive importeret")
	var how storage.Existing
	return dbWork{usage: importUsage, canceled: errImportCanceled,
		check: func(args []string) error {
			if len(args) != 1 {
				return errors.New(importUsage)
			}
			switch *existing {
			case "":
			case "skip":
				how = storage.ExistingSkip
			case "update":
				how = storage.ExistingUpdate
			default:
				return fmt.Errorf("--existing skal være skip eller update, ikke %q", *existing)
			}
			return nil
		},
		run: func(ctx context.Context, db *storage.DB, args []string) error {
			id, err := councilOf(ctx, db, *councilID)
			if err != nil {
				if ctx.Err() != nil { // Ctrl-C before the file was read
					return errImportCanceled
				}
				return err
			}
			f, err := cliflag.OpenInput(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			imp, err := xlsx.ReadContext(ctx, f, id, *year)
			if ctx.Err() != nil {
				return errImportCanceled
			}
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			fmt.Fprintf(stdout, "%d budgetønsker, %d projekter, %d medlemmer\n", len(imp.Wishes), len(imp.Projects), len(imp.Members))
			for _, n := range imp.Notes {
				fmt.Fprintf(stdout, "Bemærk: %s\n", n)
			}
			for _, p := range imp.Problems {
				fmt.Fprintln(stdout, p)
			}
			if len(imp.Problems) > 0 {
				return fmt.Errorf("%d rækker har fejl; intet er importeret", len(imp.Problems))
			}
			matches, err := db.ImportMatches(ctx, id, imp.Members, imp.Projects, imp.Wishes)
			if err != nil {
				if ctx.Err() != nil {
					return errImportCanceled
				}
				return err
			}
			strangers, err := db.NotMembers(ctx, imp.Members, imp.Projects, imp.Responsible)
			if err != nil {
				if ctx.Err() != nil {
					return errImportCanceled
				}
				return err
			}
			for _, name := range strangers {
				fmt.Fprintf(stdout, "Bemærk: »%s« er ikke medlem af lokalrådet: navnet gemmes i projektets arbejdsgruppe.\n", name)
			}
			if matches.Len() > 0 {
				fmt.Fprintf(stdout, "%d rækker findes allerede (samme navn eller titel og år)\n", matches.Len())
				if how == 0 && !*dry {
					return errors.New("vælg, hvad der skal ske med dem: --existing skip (spring over) eller --existing update (opdater); intet er importeret")
				}
				if how == 0 {
					how = storage.ExistingSkip
				}
			}
			ms, ps, ws, err := db.Resolve(ctx, matches, how, imp.Members, imp.Projects, imp.Responsible, imp.Wishes)
			if err != nil {
				if ctx.Err() != nil {
					return errImportCanceled
				}
				return err
			}
			if *dry {
				fmt.Fprintln(stdout, "Prøvekørsel: intet er gemt.")
				return nil
			}
			if err := db.Import(ctx, ms, ps, ws); err != nil {
				if ctx.Err() != nil {
					return errImportCanceled
				}
				return err
			}
			fmt.Fprintf(stdout, "Importeret: %d rækker.\n", len(ms)+len(ps)+len(ws))
			return nil
		}}
}
