package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jung-kurt/gofpdf"

	"lokalraad/model"
)

// makePDF writes a PDF of n pages, each saying which bilag and page it is.
func makePDF(t testing.TB, label string, n int) []byte {
	t.Helper()
	f := gofpdf.New("P", "mm", "A4", "")
	f.SetFont("Helvetica", "", 14)
	for i := 1; i <= n; i++ {
		f.AddPage()
		f.Text(30, 40, fmt.Sprintf("BILAGTEKST %s side %d", label, i))
		f.Rect(20, 60, 170, 200, "D")
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// makePNG writes a 16-bit PNG, as many scanners and screenshots do (gofpdf
// itself cannot read one).
func makePNG(t testing.TB) []byte {
	img := image.NewRGBA64(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x*30/40, color.Black)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func bilagOf(item, name string, data []byte) Bilag {
	sum := sha256.Sum256(data)
	return Bilag{Attachment: model.Attachment{ID: "b-" + name, OwnerKind: model.OwnerItem, OwnerID: item, Name: name,
		MediaType: model.MediaTypeOf(name), Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}, Data: data}
}

// tocPage finds the page the table of contents names for a line.
func tocPage(t *testing.T, ps []string, line string) int {
	t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(line) + `\s+(\d+)\s*\n`)
	for _, p := range ps {
		if strings.Contains(p, "Indhold") {
			if m := re.FindStringSubmatch(p); m != nil {
				n, _ := strconv.Atoi(m[1])
				return n
			}
		}
	}
	t.Fatalf("the contents do not list %q", line)
	return 0
}

// pageWith is the first page (1-based) holding s.
func pageWith(t *testing.T, ps []string, s string) int {
	t.Helper()
	for i, p := range ps {
		if strings.Contains(p, s) {
			return i + 1
		}
	}
	t.Fatalf("no page holds %q", s)
	return 0
}

// The packet carries its bilag after everything else, in agenda order: PDF
// pages imported, an image on its page, other files listed as sent
// separately; the contents name the page each starts on, and "Side x af y"
// counts the whole packet.
func TestPacketWithBilag(t *testing.T) {
	d := fixture()
	o := Options{Now: printedAt}
	plain := pages(t, encode(t, Packet, d, "nov", o))

	o.Bilag = []Bilag{
		// Given out of order: item 3's bilag before item 1's.
		bilagOf("n3", "Trafiktælling.pdf", makePDF(t, "TRAFIK", 2)),
		bilagOf("n1", "Dagsorden-udkast.docx", []byte("PK\x03\x04 ikke en pdf")),
		bilagOf("n1", "Tilbud fra Brøndum.pdf", makePDF(t, "TILBUD", 3)),
		bilagOf("n4", "Kort over stien.png", makePNG(t)),
	}
	out := encode(t, Packet, d, "nov", o)
	ps := pages(t, out)
	if want := len(plain) + 1 + 3 + 2 + 1; len(ps) != want {
		t.Fatalf("packet has %d pages, want %d (%d without bilag, a list, 3 + 2 PDF pages, an image)", len(ps), want, len(plain))
	}
	for i, p := range ps {
		if want := fmt.Sprintf("Side %d af %d", i+1, len(ps)); !strings.Contains(p, want) {
			t.Errorf("page %d does not say %q", i+1, want)
		}
	}
	list := tocPage(t, ps, "Bilag")
	if got := pageWith(t, ps, "sendes separat"); got != list || list != len(plain)+1 {
		t.Errorf("the list of bilag is on page %d, the contents say %d, want %d", got, list, len(plain)+1)
	}
	if !strings.Contains(ps[list-1], "Dagsorden-udkast.docx") {
		t.Error("the list does not name the file sent separately")
	}
	for _, c := range []struct{ line, first string }{
		{"Bilag 2: Tilbud fra Brøndum.pdf (punkt 1)", "BILAGTEKST TILBUD side 1"},
		{"Bilag 3: Trafiktælling.pdf (punkt 3)", "BILAGTEKST TRAFIK side 1"},
	} {
		at := tocPage(t, ps, c.line)
		if got := pageWith(t, ps, c.first); got != at {
			t.Errorf("%s: contents say page %d, it starts on page %d", c.line, at, got)
		}
	}
	tilbud := pageWith(t, ps, "BILAGTEKST TILBUD side 1")
	for i := 2; i <= 3; i++ {
		if got := pageWith(t, ps, fmt.Sprintf("BILAGTEKST TILBUD side %d", i)); got != tilbud+i-1 {
			t.Errorf("page %d of the bilag is on page %d, want %d", i, got, tilbud+i-1)
		}
	}
	img := tocPage(t, ps, "Bilag 4: Kort over stien.png (punkt 4)")
	if trafik := pageWith(t, ps, "BILAGTEKST TRAFIK side 2"); img != trafik+1 || !strings.Contains(ps[img-1], "Kort over stien.png") {
		t.Errorf("the image is listed on page %d, after the last PDF page %d", img, trafik)
	}
	if again := encode(t, Packet, d, "nov", o); !bytes.Equal(again, out) {
		t.Error("the same packet with the same bilag gave other bytes")
	}
}

// A damaged PDF is named in a Danish error; printing the rest lists it as
// not included.
func TestPacketDamagedBilag(t *testing.T) {
	d := fixture()
	good := makePDF(t, "GOD", 1)
	o := Options{Now: printedAt, Bilag: []Bilag{
		bilagOf("n1", "Budget.pdf", good),
		bilagOf("n2", "Ødelagt referat.pdf", good[:len(good)/3]),
		bilagOf("n3", "Foto.jpg", []byte("\xff\xd8 ikke et billede")),
	}}
	err := Packet(&bytes.Buffer{}, d, "nov", o)
	var de *DamagedError
	if !errors.Is(err, ErrDamagedBilag) || !errors.As(err, &de) || len(de.Names) != 2 {
		t.Fatalf("damaged bilag: %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "»Ødelagt referat.pdf« og »Foto.jpg«") || !strings.Contains(msg, "bilagene") || !strings.Contains(msg, "er beskadigede") || strings.Contains(msg, "mødemappen") {
		t.Errorf("message %q", msg)
	}
	o.SkipDamaged = true
	ps := pages(t, encode(t, Packet, d, "nov", o))
	list := ps[pageWith(t, ps, "beskadiget – ikke med")-1]
	if !strings.Contains(list, "Ødelagt referat.pdf") || !strings.Contains(list, "Foto.jpg") {
		t.Errorf("the list does not name the damaged files:\n%s", list)
	}
	pageWith(t, ps, "BILAGTEKST GOD side 1")
}

// BenchmarkPacketWithBilag: a 20-item meeting with 10 PDF bilag of 5 pages
// each.
func BenchmarkPacketWithBilag(b *testing.B) {
	d := fixture()
	var items []model.AgendaItem
	for _, it := range d.Items {
		if it.MeetingID != "nov" {
			items = append(items, it)
		}
	}
	for i := 1; i <= 20; i++ {
		items = append(items, model.AgendaItem{ID: fmt.Sprintf("x%d", i), CouncilID: "c1", MeetingID: "nov", Position: i,
			Title: fmt.Sprintf("Punkt nummer %d om stier og veje", i), Kind: model.ItemDiscussion, Minutes: 5,
			Background: strings.Repeat("Sagsfremstilling med nogle ord. ", 20)})
	}
	d.Items = items
	o := Options{Now: printedAt}
	for i := 1; i <= 10; i++ {
		o.Bilag = append(o.Bilag, bilagOf(fmt.Sprintf("x%d", 2*i), fmt.Sprintf("Bilag %d.pdf", i), makePDF(b, fmt.Sprint(i), 5)))
	}
	var buf bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		if err := Packet(&buf, d, "nov", o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}
