package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

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
  lokalraad export calendar --db PATH --council ID --out FILE.ics
  valgfrit: --lang da|en, --contacts (tag telefon og e-mail med)`

// runExport writes a document for scripts and IT staff.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// An export allocates a few megabytes and the process ends: three
	// garbage collections on the way were a fifth of its time. The collector
	// now waits for a heap of 512 MiB (a limit, so a huge export still
	// collects); the settings are restored for the caller (tests).
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(512 << 20))
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stderr, exportUsage)
		return errors.New("angiv hvad der skal eksporteres")
	}
	kind := args[0]
	if _, ok := pdfDocs[kind]; ok || kind == "wishes" {
		go pdf.Preload() // the fonts are parsed while the database is read
	}
	fs := flag.NewFlagSet("lokalraad export "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "", "databasefil (påkrævet)")
	meetingID := fs.String("meeting", "", "mødets id")
	councilID := fs.String("council", "", "lokalrådets id (standard: det eneste)")
	year := fs.Int("year", 0, "budgetår")
	out := fs.String("out", "", "fil, der skrives (påkrævet)")
	lang := fs.String("lang", "da", "sprog: da eller en")
	contacts := fs.Bool("contacts", false, "tag medlemmers telefon og e-mail med")
	skipDamaged := fs.Bool("skip-damaged", false, "mødemappe: udskriv uden beskadigede bilag (de nævnes som ikke med)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *dbPath == "" || *out == "" {
		return errors.New("angiv --db og --out\n" + exportUsage)
	}
	db, err := openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	l := model.Lang(*lang)
	if l != model.Danish && l != model.English {
		return fmt.Errorf("ukendt sprog %q: brug da eller en", *lang)
	}
	now := time.Now()

	var write func(io.Writer) error
	if doc, ok := pdfDocs[kind]; ok {
		if *meetingID == "" {
			return errors.New("angiv mødet med --meeting ID")
		}
		m, err := db.Meeting(*meetingID)
		if err != nil {
			return fmt.Errorf("mødet %s: %w", *meetingID, err)
		}
		d, err := db.CouncilData(m.CouncilID)
		if err != nil {
			return err
		}
		o := pdf.Options{Lang: l, Now: now, ContactDetails: *contacts, SkipDamaged: *skipDamaged}
		if kind == "packet" || kind == "chair" {
			if o.Bilag, err = meetingBilag(db, m.ID); err != nil {
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
		id, err := councilOf(db, *councilID)
		if err != nil {
			return err
		}
		d, err := db.CouncilData(id)
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
			write = func(w io.Writer) error { return xlsx.Write(w, d, xlsx.Options{Lang: l, ContactDetails: *contacts}) }
		case "calendar":
			write = func(w io.Writer) error { return ical.Write(w, d, ical.Options{Lang: l, Now: now}) }
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
func meetingBilag(db *storage.DB, meetingID string) ([]pdf.Bilag, error) {
	as, err := db.MeetingAttachments(meetingID)
	if err != nil {
		return nil, err
	}
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
	return out, nil
}

// writeFileAtomic writes through a temp file beside path and renames it, so
// a failed export never leaves half a file under the real name.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("skriv %s: %w", path, err)
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("skriv %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("skriv %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("skriv %s: %w", path, err)
	}
	return nil
}

// openExisting opens a database that must exist already: a typo in --db
// must not create an empty one.
func openExisting(path string) (*storage.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("databasen %s findes ikke", path)
	}
	return storage.Open(path)
}

// councilOf is the council named by id, or the only council when id is
// empty.
func councilOf(db *storage.DB, id string) (string, error) {
	if id != "" {
		if _, err := db.Council(id); err != nil {
			return "", fmt.Errorf("lokalrådet %s: %w", id, err)
		}
		return id, nil
	}
	cs, err := db.Councils()
	if err != nil {
		return "", err
	}
	if len(cs) != 1 {
		return "", fmt.Errorf("databasen har %d lokalråd: angiv et med --council ID", len(cs))
	}
	return cs[0].ID, nil
}

// runImport reads budget wishes, projects and members from a workbook.
// Nothing is written when the file has a problem, or with --dry-run.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "workbook" {
		return errors.New("brug: lokalraad import workbook --db PATH [--council ID] [--year YYYY] [--dry-run] FILE.xlsx")
	}
	fs := flag.NewFlagSet("lokalraad import workbook", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "", "databasefil (påkrævet)")
	councilID := fs.String("council", "", "lokalrådets id (standard: det eneste)")
	year := fs.Int("year", time.Now().Year()+1, "budgetår for ønsker uden år")
	dry := fs.Bool("dry-run", false, "vis kun, hvad der ville blive importeret")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *dbPath == "" || fs.NArg() != 1 {
		return errors.New("brug: lokalraad import workbook --db PATH [--council ID] [--dry-run] FILE.xlsx")
	}
	db, err := openExisting(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	id, err := councilOf(db, *councilID)
	if err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	imp, err := xlsx.Read(f, id, *year)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	fmt.Fprintf(stdout, "%d budgetønsker, %d projekter, %d medlemmer\n", len(imp.Wishes), len(imp.Projects), len(imp.Members))
	for _, p := range imp.Problems {
		fmt.Fprintf(stdout, "%s række %d: %s\n", p.Sheet, p.Row, p.Message)
	}
	if len(imp.Problems) > 0 {
		return fmt.Errorf("%d rækker har fejl; intet er importeret", len(imp.Problems))
	}
	if *dry {
		fmt.Fprintln(stdout, "Prøvekørsel: intet er gemt.")
		return nil
	}
	if err := db.Import(imp.Members, imp.Projects, imp.Wishes); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Importeret.")
	return nil
}
