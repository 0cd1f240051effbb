// Command pdfpeer compares the meeting packet from the lokalraad CLI with
// LibreOffice converting the same content to PDF, side by side in one run,
// and prints one line with both medians and the ratio.
//
//	go run ./bench/pdfpeer -bin ./lokalraad [-headless ./lokalraad-cli] [-runs 9]
//
// It writes the demo council to a temp database, and times `lokalraad
// export packet` of its next meeting (a whole process each run, as a script
// runs it), with the app's binary and, when given, the headless build
// (-tags headless: the same subcommands without Fyne). The same text (the packet read back with pdftotext, a paragraph
// a line, a page break a page, in DejaVu Sans) is written as HTML, and
// LibreOffice converts it with `soffice --headless --convert-to pdf`, warm:
// one untimed run first makes its profile and fills the disk cache. `make
// bench-pdf` installs LibreOffice and poppler-utils from Debian when
// missing.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/demo"
)

func main() {
	bin := flag.String("bin", "./lokalraad", "the lokalraad binary")
	headless := flag.String("headless", "", "the headless build of lokalraad (optional)")
	runs := flag.Int("runs", 9, "timed runs of each")
	soffice := flag.String("soffice", "soffice", "LibreOffice")
	flag.Parse()
	if err := run(context.Background(), *bin, *headless, *soffice, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "pdfpeer:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, bin, headless, soffice string, runs int) error {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	if headless != "" {
		if headless, err = filepath.Abs(headless); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "pdfpeer-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// The demo council and its next meeting.
	dbPath := filepath.Join(dir, "demo.db")
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	council, err := demo.Council(ctx, db, time.Now())
	if err != nil {
		return err
	}
	ms, err := db.Meetings(ctx, council)
	if err != nil {
		return err
	}
	var meeting string
	for _, m := range ms {
		if m.Status == model.MeetingPlanned {
			meeting = m.ID
		}
	}
	db.Close()
	if meeting == "" {
		return fmt.Errorf("the demo has no planned meeting")
	}

	// Ours: the CLI, a process per run, after one untimed run.
	ourPDF := filepath.Join(dir, "mødemappe.pdf")
	cliWith := func(bin string) error {
		out, err := exec.Command(bin, "export", "packet", "--db", dbPath, "--meeting", meeting, "--out", ourPDF).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s export packet: %v\n%s", bin, err, out)
		}
		return nil
	}
	cli := func() error { return cliWith(bin) }

	// The same text as HTML, for LibreOffice.
	if err := cli(); err != nil {
		return err
	}
	text, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", ourPDF, "-").Output()
	if err != nil {
		return fmt.Errorf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	htmlPath := filepath.Join(dir, "modemappe.html")
	if err := os.WriteFile(htmlPath, packetHTML(string(text)), 0o644); err != nil {
		return err
	}
	profile := "file://" + filepath.Join(dir, "lo-profile")
	loDir := filepath.Join(dir, "lo")
	lo := func() error {
		cmd := exec.Command(soffice, "-env:UserInstallation="+profile, "--headless", "--norestore",
			"--convert-to", "pdf:writer_web_pdf_Export", "--outdir", loDir, htmlPath)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v\n%s", soffice, err, out)
		}
		if _, err := os.Stat(filepath.Join(loDir, "modemappe.pdf")); err != nil {
			return fmt.Errorf("%s wrote no PDF:\n%s", soffice, out)
		}
		return nil
	}
	if err := lo(); err != nil { // cold: makes the profile
		return err
	}

	if headless != "" {
		if err := cliWith(headless); err != nil {
			return err
		}
	}

	// Interleaved, so that all see the same machine.
	var ours, oursHeadless, theirs []time.Duration
	for range runs {
		start := time.Now()
		if err := cli(); err != nil {
			return err
		}
		ours = append(ours, time.Since(start))
		if headless != "" {
			start = time.Now()
			if err := cliWith(headless); err != nil {
				return err
			}
			oursHeadless = append(oursHeadless, time.Since(start))
		}
		start = time.Now()
		if err := lo(); err != nil {
			return err
		}
		theirs = append(theirs, time.Since(start))
	}
	o, t := median(ours), median(theirs)
	line := fmt.Sprintf("meeting packet PDF (demo council, %d runs, medians): lokalraad export packet %.1f ms", runs, ms1(o))
	if headless != "" {
		line += fmt.Sprintf(", headless build %.1f ms", ms1(median(oursHeadless)))
	}
	line += fmt.Sprintf("; LibreOffice %s HTML→PDF warm %.0f ms; ratio %.0f×", version(soffice), ms1(t), float64(t)/float64(o))
	if headless != "" {
		line += fmt.Sprintf(" (headless %.0f×)", float64(t)/float64(median(oursHeadless)))
	}
	fmt.Println(line)
	return nil
}

// packetHTML is the packet's text as a web page: a paragraph a line, a
// page break a page.
func packetHTML(text string) []byte {
	var b bytes.Buffer
	b.WriteString(`<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>Mødemappe</title>` +
		`<style>body{font-family:"DejaVu Sans";font-size:10pt} p{margin:0} .page{page-break-before:always}</style></head><body>` + "\n")
	for i, page := range strings.Split(strings.TrimRight(text, "\f\n"), "\f") {
		if i > 0 {
			b.WriteString(`<div class="page"></div>` + "\n")
		}
		for _, line := range strings.Split(page, "\n") {
			line = strings.Join(strings.Fields(line), " ")
			if line == "" {
				b.WriteString("<p>&nbsp;</p>\n")
				continue
			}
			b.WriteString("<p>" + html.EscapeString(line) + "</p>\n")
		}
	}
	b.WriteString("</body></html>\n")
	return b.Bytes()
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms1(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func version(soffice string) string {
	out, err := exec.Command(soffice, "--version").Output()
	if err != nil {
		return ""
	}
	f := strings.Fields(string(out))
	if len(f) >= 2 {
		return f[1]
	}
	return ""
}
