package pdf

// Bilag (attachments) in the meeting packet, after everything else, in
// agenda order: a PDF page by page (imported with gofpdi, each page scaled
// into the packet's page under its header and above its "Side x af y"), an
// image on a page of its own (scaled to fit), any other file listed by name
// with a note that it is sent separately. Every bilag is listed in the
// table of contents with the page it starts on.

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/gif" // image.Decode of GIF bilag
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/jung-kurt/gofpdf"
	"github.com/phpdave11/gofpdi"

	"lokalraad/model"
)

// Bilag is an attachment of an agenda item with its file's bytes, for the
// meeting packet.
type Bilag struct {
	Attachment model.Attachment
	Data       []byte // nil: the file is not on this computer
}

// ErrDamagedBilag: a PDF or image attachment cannot be read. The error
// names the files; Options.SkipDamaged prints the packet without them
// (they are listed as not included).
var ErrDamagedBilag = errors.New("bilag kan ikke læses")

// DamagedError names the attachments that could not be included.
type DamagedError struct {
	Names []string
}

func (e *DamagedError) Error() string {
	// The same error serves the meeting packet and the accounts with their
	// receipts, so it names neither.
	if len(e.Names) > 1 {
		return fmt.Sprintf("bilagene %s er beskadigede og kan ikke sættes ind i udskriften", quoteNames(e.Names))
	}
	return fmt.Sprintf("bilaget %s er beskadiget og kan ikke sættes ind i udskriften", quoteNames(e.Names))
}

// Is makes errors.Is(err, ErrDamagedBilag) hold.
func (e *DamagedError) Is(target error) bool { return target == ErrDamagedBilag }

func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "»" + n + "«"
	}
	if len(q) > 1 {
		return strings.Join(q[:len(q)-1], ", ") + " og " + q[len(q)-1]
	}
	return strings.Join(q, "")
}

// bilagKind is how a bilag goes into the packet.
type bilagKind int

const (
	bilagSeparate bilagKind = iota // listed by name, sent separately
	bilagPDF                       // imported page by page
	bilagImage                     // placed on a page of its own
	bilagMissing                   // not on this computer
	bilagDamaged                   // could not be read (SkipDamaged)
)

// preparedBilag is a bilag checked once, before the passes of render.
type preparedBilag struct {
	Bilag
	kind bilagKind
	item int // the agenda item's number, 1-based; 0 for none
	// line names the accounts line of a receipt (its date), in the
	// accounts' list of bilag; "" in the meeting packet.
	line      string
	pages     int
	sizes     [][2]float64 // a PDF's page sizes (points)
	imageType string       // "PNG", "JPG", "GIF"
	w, h      int          // an image's pixels
}

// prepareBilag checks every PDF and image and finds their pages and sizes.
// A damaged one is an error naming it, unless skip.
func prepareBilag(bs []Bilag, items []model.AgendaItem, skip bool) ([]preparedBilag, error) {
	pos := map[string]int{}
	for i, it := range items {
		pos[it.ID] = i + 1
	}
	var out []preparedBilag
	var damaged []string
	for _, b := range bs {
		p := preparedBilag{Bilag: b, item: pos[b.Attachment.OwnerID]}
		switch {
		case b.Data == nil:
			p.kind = bilagMissing
		case b.Attachment.IsPDF():
			n, sizes, err := pdfPages(b.Data)
			if err != nil {
				p.kind = bilagDamaged
				damaged = append(damaged, b.Attachment.Name)
			} else {
				p.kind, p.pages, p.sizes = bilagPDF, n, sizes
			}
		case b.Attachment.IsImage():
			data, typ, w, h, err := placeableImage(b.Data)
			if err != nil {
				p.kind = bilagDamaged
				damaged = append(damaged, b.Attachment.Name)
			} else {
				p.kind, p.pages, p.w, p.h, p.imageType = bilagImage, 1, w, h, typ
				p.Data = data
			}
		}
		out = append(out, p)
	}
	// In agenda order (a caller's order kept under one item); bilag of no
	// item of this agenda last.
	slices.SortStableFunc(out, func(a, b preparedBilag) int {
		ai, bi := a.item, b.item
		if ai == 0 {
			ai = math.MaxInt
		}
		if bi == 0 {
			bi = math.MaxInt
		}
		return cmp.Compare(ai, bi)
	})
	if len(damaged) > 0 && !skip {
		return nil, &DamagedError{Names: damaged}
	}
	return out, nil
}

// maxImagePixels bounds an image bilag (a 100-megapixel photo is
// plenty): a small file that unpacks to gigabytes is refused as damaged.
const maxImagePixels = 100_000_000

// placeableImage checks an image and gives the bytes gofpdf can place: a
// JPEG as it is, a PNG or GIF decoded and written again as an 8-bit PNG
// (gofpdf reads neither 16-bit nor interlaced PNG, and a GIF through the
// same path).
func placeableImage(data []byte) (out []byte, typ string, w, h int, err error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, "", 0, 0, fmt.Errorf("%w: not an image", ErrDamagedBilag)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		return nil, "", 0, 0, fmt.Errorf("%w: too many pixels", ErrDamagedBilag)
	}
	if format == "jpeg" {
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			return nil, "", 0, 0, fmt.Errorf("%w: %v", ErrDamagedBilag, err)
		}
		return data, "JPG", cfg.Width, cfg.Height, nil
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", 0, 0, fmt.Errorf("%w: %v", ErrDamagedBilag, err)
	}
	rgba := image.NewNRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, rgba); err != nil {
		return nil, "", 0, 0, err
	}
	return buf.Bytes(), "PNG", cfg.Width, cfg.Height, nil
}

// pdfPages reads a PDF's page count and page sizes; gofpdi panics on a file
// it cannot read, which becomes an error here.
func pdfPages(data []byte) (n int, sizes [][2]float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, sizes, err = 0, nil, fmt.Errorf("%w: %v", ErrDamagedBilag, r)
		}
	}()
	imp := gofpdi.NewImporter()
	rs := io.ReadSeeker(bytes.NewReader(data))
	imp.SetSourceStream(&rs)
	n = imp.GetNumPages()
	if n <= 0 {
		return 0, nil, ErrDamagedBilag
	}
	boxes := imp.GetPageSizes()
	for i := 1; i <= n; i++ {
		box := boxes[i]["/MediaBox"]
		w, h := box["w"], box["h"]
		if w <= 0 || h <= 0 {
			w, h = 595.28, 841.89 // A4
		}
		sizes = append(sizes, [2]float64{w, h})
	}
	return n, sizes, nil
}

// bilagTitle is a bilag's line in the contents: "Bilag 2: Tilbud.pdf (punkt 3)".
func bilagTitle(l model.Lang, no int, p preparedBilag) string {
	s := fmt.Sprintf(tr(l, "bilagno"), no, p.Attachment.Name)
	if p.item > 0 {
		s += fmt.Sprintf(tr(l, "bilagitem"), p.item)
	}
	if p.line != "" {
		s += " (" + p.line + ")"
	}
	return s
}

// bilagSections are the packet's sections for its bilag: a list of them
// all (with those sent separately), then one a PDF or image.
func bilagSections(l model.Lang, ps []preparedBilag) []section {
	if len(ps) == 0 {
		return nil
	}
	secs := []section{{
		entry:   entry{tr(l, "bilag"), 0},
		newPage: true,
		body:    func(b *doc) { bilagList(b, ps) },
	}}
	for i, p := range ps {
		if p.kind != bilagPDF && p.kind != bilagImage {
			continue
		}
		secs = append(secs, section{
			entry:   entry{bilagTitle(l, i+1, p), 1},
			newPage: true,
			body:    func(b *doc) { bilagPages(b, p) },
		})
	}
	return secs
}

// bilagList lists every bilag with how it is included.
func bilagList(b *doc, ps []preparedBilag) {
	refTitle, how, refW := b.t("item"), b.t("bilaghow"), 14.0
	if len(ps) > 0 && ps[0].line != "" { // the accounts' receipts
		refTitle, how, refW = b.t("acc.date"), b.t("acc.bilaghow"), 21
	}
	rows := make([][]string, 0, len(ps))
	for i, p := range ps {
		how := ""
		switch p.kind {
		case bilagPDF:
			how = fmt.Sprintf(b.t("bilagpages"), p.pages)
		case bilagImage:
			how = b.t("bilagimage")
		case bilagSeparate:
			how = b.t("bilagseparate")
		case bilagMissing:
			how = b.t("bilagmissing")
		case bilagDamaged:
			how = b.t("bilagdamaged")
		}
		item := p.line
		if p.item > 0 {
			item = fmt.Sprint(p.item)
		}
		rows = append(rows, []string{fmt.Sprint(i + 1), p.Attachment.Name, item, model.Bytes(p.Attachment.Size), how})
	}
	b.table(table{cols: []col{
		{title: b.t("no"), w: 11, align: "R"},
		{title: b.t("bilagname"), w: 81 - refW},
		{title: refTitle, w: refW, align: "R"},
		{title: b.t("bilagsize"), w: 20, align: "R"},
		{title: how, w: contentW - 112},
	}, rows: rows})
}

// The room a bilag's page is fitted into: under the header (and, on its
// first page, the heading), above the footer.
const bilagGap = 2.0

// bilagPages prints a PDF's pages or an image; the heading is printed.
func bilagPages(b *doc, p preparedBilag) {
	switch p.kind {
	case bilagImage:
		name := "bilag-" + p.Attachment.SHA256
		info := b.f.RegisterImageOptionsReader(name, gofpdf.ImageOptions{ImageType: p.imageType}, bytes.NewReader(p.Data))
		if info == nil || b.f.Err() {
			return
		}
		y := b.f.GetY() + bilagGap
		w, h := fitBox(float64(p.w), float64(p.h), contentW, bottom-y)
		b.f.ImageOptions(name, marginL+(contentW-w)/2, y, w, h, false, gofpdf.ImageOptions{ImageType: p.imageType}, 0, "")
	case bilagPDF:
		importPDF(b, p)
	}
}

// importPDF draws each page of a PDF bilag on a page of the packet.
func importPDF(b *doc, p preparedBilag) {
	defer func() {
		if r := recover(); r != nil { // checked in prepareBilag; still, never crash
			b.f.SetErrorf("%s", (&DamagedError{Names: []string{p.Attachment.Name}}).Error())
		}
	}()
	if b.imp == nil {
		b.imp = newImporter()
	}
	b.imp.source(p.Data, fmt.Sprintf("%s-%d", p.Attachment.SHA256, len(b.imp.streams)))
	tpls := b.imp.pages(b, p.pages)
	for page := 1; page <= p.pages; page++ {
		if page > 1 {
			b.newPage()
		}
		tpl := tpls[page-1]
		y := b.f.GetY() + bilagGap
		if page > 1 {
			y = marginT
		}
		pw, ph := p.sizes[page-1][0], p.sizes[page-1][1]
		w, h := fitBox(pw, ph, contentW, bottom-y)
		x := marginL + (contentW-w)/2
		// A thin frame shows where the bilag's page ends.
		b.f.SetDrawColor(greyRule, greyRule, greyRule)
		b.f.SetLineWidth(0.2)
		b.f.Rect(x, y, w, h, "D")
		b.imp.use(b, tpl, x, y, w, h)
	}
}

// fitBox scales w×h to fit inside maxW×maxH, keeping its proportions.
func fitBox(w, h, maxW, maxH float64) (float64, float64) {
	s := min(maxW/w, maxH/h)
	return w * s, h * s
}

// CheckBilag reads every PDF and image bilag as the packet will: a
// *DamagedError names those that cannot be read, so that a screen can ask
// whether to print the packet without them (Options.SkipDamaged).
func CheckBilag(bs []Bilag) error {
	_, err := prepareBilag(bs, nil, false)
	return err
}
