package pdf

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/pdf/pdftext"
)

type encoder func(io.Writer, *model.CouncilData, string, Options) error

// encode runs an encoder and fails the test on an error.
func encode(t testing.TB, enc encoder, d *model.CouncilData, id string, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := enc(&buf, d, id, o); err != nil {
		t.Fatalf("encode %s: %v", id, err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("output is no PDF: %q", buf.Bytes()[:min(20, buf.Len())])
	}
	return buf.Bytes()
}

// pages reads a PDF back as text with pdftotext -layout, one string a page.
func pages(t *testing.T, pdf []byte) []string {
	t.Helper()
	return pdftext.Pages(pdftext.Bytes(t, pdf, true))
}

func text(t *testing.T, pdf []byte) string {
	return strings.Join(pages(t, pdf), "\f")
}

func contains(t *testing.T, doc, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: %q is missing from the text:\n%s", doc, w, got)
		}
	}
}

func lacks(t *testing.T, doc, got string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(got, w) {
			t.Errorf("%s: %q should not be in the text", doc, w)
		}
	}
}

// checkPageNumbers checks "Side x af y" on every page, with y the number of
// pages.
func checkPageNumbers(t *testing.T, doc string, ps []string, format string) {
	t.Helper()
	for i, p := range ps {
		want := strings.NewReplacer("X", strconv.Itoa(i+1), "Y", strconv.Itoa(len(ps))).Replace(format)
		if !strings.Contains(p, want) {
			t.Errorf("%s: page %d lacks %q", doc, i+1, want)
		}
	}
}

var (
	names      = []string{"Łukasz Nowak", "Şule Yılmaz", "Ődön Kovács", "Søren Ærø Åkjær"}
	novAgenda  = []string{"Godkendelse af dagsorden", "Godkendelse af referat fra 29. oktober", "Trafiksikkerhed på Holbækvej", "Budgetønsker 2027", "Orientering fra kassereren", "Eventuelt"}
	o          = Options{Now: printedAt}
	oEnglish   = Options{Now: printedAt, Lang: model.English}
	decisionN3 = "Lokalrådet anbefaler et fodgængerfelt"
)

func TestPacket(t *testing.T) {
	d := fixture()
	// The packet shows the wishes of the budget being prepared (2027, in
	// November 2026); one of them already has the municipality's answer.
	d.Wishes[3].Year = 2027
	ps := pages(t, encode(t, Packet, d, "nov", o))
	got := strings.Join(ps, "\f")
	contains(t, "packet", got, "Jyderup Lokalråd", "Mødemappe", "Bestyrelsesmøde", "torsdag 26. november 2026",
		"19:30", "Jyderup Hallen, mødelokale 2, Skolevej 15", "Indhold", "Udskrevet 20. november 2026")
	contains(t, "packet", got, novAgenda...)
	// The time plan, from 19:30 and the planned minutes.
	contains(t, "packet", got, "19:30–19:35", "19:40–20:10", "20:40–20:50", "Til drøftelse", "30 min.", "planlagt slut 20:50")
	contains(t, "packet", got, "Borgere har klaget over farten")
	// The previous meeting's minutes for approval.
	contains(t, "packet", got, "Referat af forrige møde til godkendelse", "Legepladsen ved Søndergade",
		"Ődön fremlagde tilbud", "Beslutning:", "Rådet søger Fællesskabspuljen om 20.000 kr.", "Godkendt 26. november 2026")
	// Open action items: carried over, not the one done, not those agreed at this meeting.
	contains(t, "packet", got, "Åbne opgaver", "Hvem", "Hvad", "Hvornår", "Kontakte Vejdirektoratet om fodgængerfelt",
		"15.11.2026", "(overskredet)", "Søge Fællesskabspuljen", "Løbende")
	lacks(t, "packet", got, "Bestille kaffe", "Indsende budgetønskerne til kommunen")
	// Projects with their totals; the abandoned one left out.
	contains(t, "packet", got, "Ny legeplads ved Søndergade", "I gang", "Ődön Kovács", "40 %", "180.000 kr.", "50.000 kr.",
		"100.000 kr.", "Shelter ved Skarresø", "Idé")
	lacks(t, "packet", got, "Skøjtebane")
	// This year's budget wishes with the municipality's answer.
	contains(t, "packet", got, "Budgetønsker 2027", "Ny hjertestarter ved hallen", "18.000 kr.", "Delvist bevilget",
		"Kommunen betaler", "Besvaret", "Sti langs åen")
	if !regexp.MustCompile(`Ny hjertestarter ved hallen .*18\.000 kr\..*10\.000 kr\.`).MatchString(got) {
		t.Errorf("packet: the wish's estimate and the amount granted are not on its line")
	}
	if !regexp.MustCompile(`I alt\s+130\.500 kr\.\s+10\.000 kr\.`).MatchString(got) {
		t.Errorf("packet: no total of the year's wishes")
	}
	for _, n := range names {
		contains(t, "packet", got, n)
	}
	checkPageNumbers(t, "packet", ps, "Side X af Y")
	lacks(t, "packet", got, "UDKAST")
}

// TestPacketContents checks that the table of contents names the page each
// section really starts on.
func TestPacketContents(t *testing.T) {
	for _, tc := range []struct {
		d  *model.CouncilData
		id string
	}{{fixture(), "nov"}, {bigFixture(20), "big"}} {
		ps := pages(t, encode(t, Packet, tc.d, tc.id, o))
		toc := regexp.MustCompile(`(?m)^\s*(Dagsorden|Åbne opgaver|Projekter|Referat af forrige møde til godkendelse|\d+\. [^\n]*?)\s{2,}(\d+)\s*$`)
		found := 0
		for _, m := range toc.FindAllStringSubmatch(ps[0], -1) {
			title, page := m[1], m[2]
			n := noerr.Get(strconv.Atoi(page))(t)
			if n < 1 || n > len(ps) {
				t.Errorf("%s: contents give page %d for %q; the document has %d pages", tc.id, n, title, len(ps))
				continue
			}
			found++
			// The heading is on that page (as a line of its own).
			if !regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(title) + `\s*$`).MatchString(ps[n-1]) {
				t.Errorf("%s: contents say %q is on page %d, but it is not there:\n%s", tc.id, title, n, ps[n-1])
			}
		}
		if min := 4; found < min {
			t.Errorf("%s: found %d entries in the contents, want at least %d:\n%s", tc.id, found, min, ps[0])
		}
	}
}

func TestChairCopy(t *testing.T) {
	ps := pages(t, encode(t, ChairCopy, fixture(), "nov", o))
	got := strings.Join(ps, "\f")
	contains(t, "chair", got, "Formandens eksemplar", "Jyderup Lokalråd", "19:30 – 19:35", "19:40 – 20:10", "Noter")
	contains(t, "chair", got, novAgenda...)
	contains(t, "chair", got, "Åbne opgaver", "Referat af forrige møde til godkendelse", "Projekter", "Budgetønsker 2027")
	checkPageNumbers(t, "chair", ps, "Side X af Y")
}

func TestMinutesDraft(t *testing.T) {
	d := fixture()
	ps := pages(t, encode(t, Minutes, d, "nov", o))
	got := strings.Join(ps, "\f")
	contains(t, "minutes", got, "Referat", "Jyderup Lokalråd", "torsdag 26. november 2026", "19:30", "Deltagere", "Afbud",
		"Mette Bødker", "Jens Østergaard")
	for _, n := range names {
		contains(t, "minutes", got, n)
	}
	contains(t, "minutes", got, novAgenda...)
	contains(t, "minutes", got, "Beslutning:", decisionN3, "Dagsordenen blev godkendt.", "Stien langs åen flyttes op")
	// The action items agreed at the meeting, as a table.
	contains(t, "minutes", got, "Opgaver aftalt på mødet", "Hvem", "Hvad", "Hvornår",
		"Indsende budgetønskerne til kommunen", "01.12.2026", "Skrive til Vejdirektoratet om fodgængerfeltet")
	lacks(t, "minutes", got, "Kontakte Vejdirektoratet om fodgængerfelt")
	contains(t, "minutes", got, "Godkendelse", "Formand", "Referent")
	// One name a line.
	for _, n := range []string{"Deltagere +Łukasz Nowak", "Şule Yılmaz", "Ődön Kovács", "Afbud +Mette Bødker", "Jens Østergaard"} {
		if !regexp.MustCompile(`(?m)^\s*` + n + `\s*$`).MatchString(ps[0]) {
			t.Errorf("minutes: %q is not a line of its own", n)
		}
	}
	for i, p := range ps {
		if !strings.Contains(p, "UDKAST") {
			t.Errorf("draft minutes: page %d does not say UDKAST", i+1)
		}
	}
	checkPageNumbers(t, "minutes", ps, "Side X af Y")
}

func TestMinutesApproved(t *testing.T) {
	d := fixture()
	d.Meetings[1].Status = model.MeetingApproved
	d.Meetings[1].ApprovedAt = at(2026, time.December, 12, 15, 0)
	got := text(t, encode(t, Minutes, d, "nov", o))
	contains(t, "approved minutes", got, "Godkendt 12. december 2026", "Referatet er godkendt 12. december 2026.", decisionN3)
	lacks(t, "approved minutes", got, "UDKAST")
}

func TestWishes(t *testing.T) {
	d := fixture()
	got := text(t, encode(t, func(w io.Writer, d *model.CouncilData, _ string, o Options) error {
		return Wishes(w, d, 2027, o)
	}, d, "", o))
	contains(t, "wishes", got, "Jyderup Lokalråd", "Budgetønsker for budgetåret 2027", "Sti langs åen", "Belysning på stien til stationen",
		"Bænke ved gadekæret", "Veje og stier", "Trafiksikkerhed", "25.000 kr.", "75.000 kr.", "12.500 kr.",
		"Stien er mørk om vinteren", "Den kan anlægges i etaper.", "Kontaktperson", "Łukasz Nowak", "Side 1 af")
	// The total of the year.
	if !regexp.MustCompile(`I alt\s+112\.500 kr\.`).MatchString(got) {
		t.Errorf("wishes: no total of 112.500 kr.:\n%s", got)
	}
	// In priority order: rank 1, 2, 3.
	a, b, c := strings.Index(got, "Sti langs åen"), strings.Index(got, "Belysning på stien"), strings.Index(got, "Bænke ved gadekæret")
	if !(a < b && b < c) {
		t.Errorf("wishes are not in priority order: %d %d %d", a, b, c)
	}
	lacks(t, "wishes", got, "Ny hjertestarter", "+45 20 30 40 50", "lukasz@example.dk")

	with := text(t, encode(t, func(w io.Writer, d *model.CouncilData, _ string, o Options) error {
		return Wishes(w, d, 2027, o)
	}, d, "", Options{Now: printedAt, ContactDetails: true}))
	contains(t, "wishes with contact details", with, "+45 20 30 40 50", "lukasz@example.dk")

	none := text(t, encode(t, func(w io.Writer, d *model.CouncilData, _ string, o Options) error {
		return Wishes(w, d, 2030, o)
	}, d, "", o))
	contains(t, "no wishes", none, "Der er ingen budgetønsker for 2030.")
}

func TestAttendance(t *testing.T) {
	d := fixture()
	got := text(t, encode(t, Attendance, d, "nov", o))
	contains(t, "attendance", got, "Deltagerliste", "Jyderup Lokalråd", "26. november 2026", "Navn", "Rolle", "Underskrift", "Gæster",
		"Formand", "Næstformand", "Kasserer", "Sekretær", "Suppleant", "Mette Bødker")
	for _, n := range names {
		contains(t, "attendance", got, n)
	}
	// The chair first, the substitute last.
	if strings.Index(got, "Łukasz Nowak") > strings.Index(got, "Jens Østergaard") {
		t.Errorf("attendance: members are not in board order")
	}
	lacks(t, "attendance", got, "+45 20 30 40 50", "lukasz@example.dk", "61 62 63 64")
	with := text(t, encode(t, Attendance, d, "nov", Options{Now: printedAt, ContactDetails: true}))
	contains(t, "attendance with contact details", with, "Telefon", "E-mail", "+45 20 30 40 50", "lukasz@example.dk", "61 62 63 64")
}

func TestNoteSheet(t *testing.T) {
	got := text(t, encode(t, NoteSheet, fixture(), "nov", o))
	contains(t, "note sheet", got, "Notatark", "Jyderup Lokalråd", "26. november 2026", "19:40–20:10", "Andet", "Side 1 af")
	contains(t, "note sheet", got, novAgenda...)
}

func TestEnglish(t *testing.T) {
	d := fixture()
	ps := pages(t, encode(t, Packet, d, "nov", oEnglish))
	got := strings.Join(ps, "\f")
	contains(t, "English packet", got, "Meeting packet", "Contents", "Agenda", "Board meeting", "Thursday 26 November 2026",
		"For discussion", "Minutes of the previous meeting for approval", "Open action items", "Who", "By when",
		"Projects", "Running", "Budget wishes 2027", "Printed 20 November 2026")
	checkPageNumbers(t, "English packet", ps, "Page X of Y")
	lacks(t, "English packet", got, "Side 1 af", "Dagsorden", "Udskrevet")

	mins := pages(t, encode(t, Minutes, d, "nov", oEnglish))
	for i, p := range mins {
		contains(t, "English minutes", p, "DRAFT")
		if strings.Contains(p, "UDKAST") {
			t.Errorf("English minutes: page %d says UDKAST", i+1)
		}
	}
	contains(t, "English minutes", strings.Join(mins, "\f"), "Minutes", "Present", "Apologies", "Decision:", "Action items agreed at the meeting")

	w := text(t, encode(t, func(w io.Writer, d *model.CouncilData, _ string, o Options) error {
		return Wishes(w, d, 2027, o)
	}, d, "", oEnglish))
	contains(t, "English wishes", w, "Budget wishes for the budget year 2027", "Estimated cost", "Total", "112.500 kr.")
	contains(t, "English attendance", text(t, encode(t, Attendance, d, "nov", oEnglish)), "Attendance list", "Signature", "Guests", "Chair")
	contains(t, "English note sheet", text(t, encode(t, NoteSheet, d, "nov", oEnglish)), "Note sheet", "Other business")
}

var all = map[string]encoder{
	"packet":     Packet,
	"chair":      ChairCopy,
	"minutes":    Minutes,
	"attendance": Attendance,
	"notesheet":  NoteSheet,
	"wishes": func(w io.Writer, d *model.CouncilData, _ string, o Options) error {
		return Wishes(w, d, 2027, o)
	},
}

// TestDeterministic checks that the same input gives the same bytes, and
// that the date in Options is what the PDF records: no golden files needed.
func TestDeterministic(t *testing.T) {
	for name, enc := range all {
		first := encode(t, enc, fixture(), "nov", o)
		for range 2 {
			if again := encode(t, enc, fixture(), "nov", o); !bytes.Equal(first, again) {
				t.Errorf("%s: two runs on the same input give different bytes", name)
			}
		}
		if !bytes.Contains(first, []byte("D:20261120")) {
			t.Errorf("%s: the creation date is not taken from Options.Now", name)
		}
		later := encode(t, enc, fixture(), "nov", Options{Now: printedAt.AddDate(0, 0, 1)})
		if bytes.Equal(first, later) {
			t.Errorf("%s: a different Now gives the same bytes", name)
		}
	}
}

func TestNotFound(t *testing.T) {
	for name, enc := range all {
		if name == "wishes" {
			continue
		}
		var buf bytes.Buffer
		if err := enc(&buf, fixture(), "no-such-meeting", o); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s of an unknown meeting: err = %v, want ErrNotFound", name, err)
		}
		if err := enc(&buf, nil, "nov", o); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s of no data: err = %v, want ErrNotFound", name, err)
		}
	}
}

// TestAwkwardText feeds what users paste: emoji (outside what gofpdf can
// encode), tabs, control characters, Windows line ends, invalid UTF-8, empty
// fields, and texts longer than a page, in tables too.
func TestAwkwardText(t *testing.T) {
	d := fixture()
	long := strings.Repeat("En meget lang sagsfremstilling med æ, ø og å. ", 800)
	d.Items[1].Background = "Før\tefter 🎉 slut\r\nNy linje\x00\x07 og ugyldig \xff tekst\n\n\nEfter tomme linjer. " + long
	d.Items[1].Decision = long
	d.Items[1].Title = ""
	d.Actions[0].What = long
	d.Meetings[1].Place = ""
	d.Council.Name = "Jyderup Lokalråd 🌳"
	for name, enc := range all {
		ps := pages(t, encode(t, enc, d, "nov", o))
		got := strings.Join(ps, "\f")
		contains(t, name, got, "Jyderup Lokalråd")
		if name == "packet" || name == "minutes" || name == "chair" {
			if len(ps) < 5 {
				t.Errorf("%s: %d pages for a very long text", name, len(ps))
			}
		}
		if name == "packet" {
			contains(t, name, got, "Før", "efter", "Ny linje", "Efter tomme linjer.")
		}
		checkPageNumbers(t, name, ps, "Side X af Y")
	}
}

// BenchmarkPacket is the packet of the test council's November meeting (4
// pages): about what `lokalraad export packet` writes for the demo council.
func BenchmarkPacket(b *testing.B) {
	d := fixture()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Packet(&buf, d, "nov", o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1024, "KiB/doc")
}

func BenchmarkPacket20Items(b *testing.B) {
	d := bigFixture(20)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Packet(&buf, d, "big", o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1024, "KiB/doc")
}

// A meeting planned between the last held one and this one (moved, or
// never held) has no minutes: the packet puts the held meeting's minutes
// up for approval, not an empty »Ikke godkendt« of the planned one.
func TestPacketSkipsAPlannedMeetingForApproval(t *testing.T) {
	d := fixture()
	d.Meetings = append(d.Meetings, model.Meeting{ID: "ekstra", CouncilID: "c1", Kind: model.MeetingBoard,
		Start: at(2026, time.November, 12, 19, 0), Place: "Aflyst lokale", Status: model.MeetingPlanned})
	got := text(t, encode(t, Packet, d, "nov", o))
	contains(t, "packet", got, "Referat af forrige møde til godkendelse", "torsdag 29. oktober 2026", "Legepladsen ved Søndergade")
	lacks(t, "packet", got, "torsdag 12. november 2026")
}
