package pdf

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jung-kurt/gofpdf"

	"lokalraad/assets"
	"lokalraad/model"
)

// The page: A4 portrait, in millimetres.
const (
	pageW    = 210.0
	pageH    = 297.0
	marginL  = 20.0
	marginR  = 20.0
	marginT  = 22.0 // below the header
	marginB  = 20.0 // above the footer
	contentW = pageW - marginL - marginR
	bottom   = pageH - marginB // no text below this line

	family = "dejavu"
	bodyPt = 10.0
	lineH  = 5.0 // line height of body text
	// tableStart is room for a heading with its table's header and first
	// rows, so that a heading never ends a page above its table.
	tableStart = 40.0
)

// Grey levels (0 black … 255 white). Everything reads on a black-and-white
// printer.
const (
	greyRule  = 150 // thin rules
	greyFill  = 232 // table headers, decision boxes
	greyLight = 200 // ruled note lines
	greyText  = 90  // secondary text
	greyWater = 190 // the UDKAST watermark (at 45 % opacity)
)

// doc is the small document builder the six documents share: page header and
// footer, headings with a table of contents, paragraphs, key–value blocks,
// tables, decision boxes and ruled lines. It breaks pages itself (gofpdf's
// automatic break is off), so a table header is repeated and no line is cut.
type doc struct {
	f       *gofpdf.Fpdf
	lang    model.Lang
	council string // header, left
	title   string // header, right
	draft   bool   // mark every page UDKAST
	printed time.Time
	// banner is a line printed in bold under the header of every page (a
	// preliminary or overridden result says so on each page).
	banner string

	// The table of contents: heads are the level 0 and 1 headings of this
	// pass with their pages; prev the same from the pass before, whose page
	// numbers the table prints.
	heads []head
	prev  []head
	links []int

	marks, lastMark int // bookmarks so far, and the level of the last

	// onNewPage runs after a page break made by the builder (a table repeats
	// its header row).
	onNewPage func()

	// imp imports the pages of PDF bilag (bilag.go, importer.go).
	imp *importer

	// Blocks that must not stand alone on a page (the approval block):
	// alone names those that began a page by themselves in this pass;
	// early those of the pass before, whose section before them now starts
	// a page so that it goes with them (keepFrom, aloneCheck).
	alone, early map[string]bool

	// The last heading printed (its key, page and the end of its text), to
	// find one that a page break left alone at the bottom of a page.
	nHeads   int
	headKey  string
	headPage int
	headEnd  float64
}

type head struct {
	text  string
	level int
	page  int
}

// entry is a line of a table of contents.
type entry struct {
	text  string
	level int
}

// render builds a document with body and writes it to w. A document with a
// table of contents is laid out twice: the first pass finds the page of each
// heading, the second prints them. The contents take the same room in both
// passes (one line an entry), so the pages of the second pass are the pages
// the contents name.
func render(w io.Writer, o Options, council, title string, draft, twoPass bool, body func(b *doc)) error {
	return renderBanner(w, o, council, title, "", draft, twoPass, body)
}

// renderBanner is render with a banner under the header of every page.
func renderBanner(w io.Writer, o Options, council, title, banner string, draft, twoPass bool, body func(b *doc)) error {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	var prev []head
	var b *doc
	early := map[string]bool{}
	for pass := 1; ; pass++ {
		b = newDoc(o.lang(), now, council, title, banner, draft)
		b.prev, b.early, b.alone = prev, early, map[string]bool{}
		body(b)
		if err := b.f.Error(); err != nil {
			return err
		}
		// Again when a block stood alone on a page (it then takes the
		// section before it along), and for the table of contents; a
		// third pass only if the pages moved after all (they should not).
		moved := false
		for k := range b.alone {
			if !early[k] {
				early[k], moved = true, true
			}
		}
		toc := twoPass && (pass == 1 || !slices.Equal(prev, b.heads))
		if pass == 3 || !toc && !moved {
			break
		}
		prev = b.heads
	}
	return b.f.Output(w)
}

func newDoc(l model.Lang, now time.Time, council, title, banner string, draft bool) *doc {
	f := gofpdf.New("P", "mm", "A4", "")
	b := &doc{f: f, lang: l, council: clean(council), title: clean(title), banner: clean(banner), draft: draft, printed: now}
	f.SetCatalogSort(true)
	f.SetCreationDate(now)
	f.SetModificationDate(now)
	f.SetTitle(b.title, true)
	f.SetAuthor(b.council, true)
	f.SetCreator("Lokalråd", true)
	f.SetProducer("Lokalråd", true)
	// The regular font comes before AliasNbPages, as the footer's page
	// count needs; bold and oblique are added when first used (see font),
	// so a document embeds only the fonts it prints with.
	f.AddUTF8FontFromBytes(family, "", assets.FontRegular)
	f.SetMargins(marginL, marginT, marginR)
	f.SetAutoPageBreak(false, marginB)
	f.AliasNbPages("{nb}")
	f.SetHeaderFuncMode(b.header, true)
	f.SetFooterFunc(b.footer)
	f.SetFont(family, "", bodyPt)
	f.AddPage()
	return b
}

func (b *doc) t(key string) string { return tr(b.lang, key) }

// font sets the font; style is "", "B" or "I".
func (b *doc) font(style string, pt float64) {
	switch style {
	case "B":
		b.f.AddUTF8FontFromBytes(family, "B", assets.FontBold) // once; then a map lookup
	case "I":
		b.f.AddUTF8FontFromBytes(family, "I", assets.FontItalic)
	}
	b.f.SetFont(family, style, pt)
}

func (b *doc) grey(level int) { b.f.SetTextColor(level, level, level) }

func (b *doc) black() { b.f.SetTextColor(0, 0, 0) }

func (b *doc) header() {
	f := b.f
	f.SetDrawColor(greyRule, greyRule, greyRule)
	f.SetLineWidth(0.2)
	b.font("B", 8.5)
	b.black()
	// The council's name takes the room it needs, up to half the line; the
	// title the rest.
	left := min(f.GetStringWidth(b.council)+4, contentW/2)
	f.SetXY(marginL, 10)
	f.CellFormat(left, 5, fit(f, b.council, left-2), "", 0, "L", false, 0, "")
	if b.draft {
		// The mark is also in the header, where it is read first.
		b.font("B", 9)
		mark := b.t("draft")
		w := f.GetStringWidth(mark) + 4
		f.SetDrawColor(0, 0, 0)
		f.SetXY(pageW/2-w/2, 9.6)
		f.CellFormat(w, 5.8, mark, "1", 0, "C", false, 0, "")
		f.SetDrawColor(greyRule, greyRule, greyRule)
	}
	b.font("", 8.5)
	right := contentW - left
	if b.draft {
		right = contentW/2 - 14
	}
	f.SetXY(pageW-marginR-right, 10)
	f.CellFormat(right, 5, fit(f, b.title, right-2), "", 0, "R", false, 0, "")
	f.Line(marginL, 16, pageW-marginR, 16)
	if b.banner != "" {
		b.font("B", 9)
		f.SetXY(marginL, 16.4)
		f.CellFormat(contentW, 5, fit(f, b.banner, contentW-2), "", 0, "C", false, 0, "")
	}
	b.font("", bodyPt)
}

func (b *doc) footer() {
	f := b.f
	if b.draft {
		// A large, light diagonal mark over the page: drawn last, so that
		// shaded boxes do not hide it, and translucent, so that the text
		// under it stays readable.
		b.font("B", 96)
		f.SetTextColor(greyWater, greyWater, greyWater)
		f.SetAlpha(0.45, "Normal")
		mark := b.t("draft")
		w := f.GetStringWidth(mark)
		f.TransformBegin()
		f.TransformRotate(55, pageW/2, pageH/2)
		f.Text(pageW/2-w/2, pageH/2+12, mark)
		f.TransformEnd()
		f.SetAlpha(1, "Normal")
	}
	f.SetDrawColor(greyRule, greyRule, greyRule)
	f.SetLineWidth(0.2)
	f.Line(marginL, pageH-14, pageW-marginR, pageH-14)
	b.font("", 8.5)
	b.black()
	f.SetXY(marginL, pageH-13)
	f.CellFormat(contentW/2, 5, fmt.Sprintf(b.t("printed"), model.LongDate(b.printed, b.lang)), "", 0, "L", false, 0, "")
	f.SetXY(pageW/2, pageH-13)
	f.CellFormat(contentW/2, 5, fmt.Sprintf(b.t("page"), f.PageNo(), "{nb}"), "", 0, "R", false, 0, "")
}

// newPage starts a page and lets the current table repeat its header.
func (b *doc) newPage() {
	b.f.AddPage()
	if b.onNewPage != nil {
		b.onNewPage()
	}
}

// breakPage starts a new page because what comes next does not fit. A
// heading with nothing under it on this page (a gap of under 2 mm, as a
// table leaves before its header) is noted (as a block alone,
// see aloneCheck): the next pass starts the page with the heading.
func (b *doc) breakPage() {
	if b.headKey != "" && b.f.PageNo() == b.headPage && b.f.GetY() < b.headEnd+2 && b.headEnd > marginT+0.01 {
		b.alone[b.headKey] = true
	}
	b.newPage()
}

// keepFrom starts the section before a block that must not stand alone
// (key) on a new page, when the pass before found the block alone: the
// section then goes with it.
func (b *doc) keepFrom(key string) {
	if b.early[key] && b.f.GetY() > marginT+0.01 {
		b.newPage()
	}
}

// aloneCheck notes that the block key begins a page by itself (called
// where the block starts, after its ensure).
func (b *doc) aloneCheck(key string) {
	if b.f.GetY() <= marginT+0.01 {
		b.alone[key] = true
	}
}

// ensure starts a new page unless h millimetres fit above the bottom margin.
func (b *doc) ensure(h float64) {
	if b.f.GetY()+h > bottom {
		b.breakPage()
	}
}

// space moves down by h, but not at the top of a page.
func (b *doc) space(h float64) {
	if b.f.GetY() <= marginT+0.01 {
		return
	}
	if b.f.GetY()+h > bottom {
		b.breakPage()
		return
	}
	b.f.SetY(b.f.GetY() + h)
}

// split wraps text into lines of at most w millimetres in the current font.
// Hard line breaks are kept; an empty text gives no lines.
func (b *doc) split(text string, w float64) []string {
	text = clean(text)
	if strings.TrimSpace(text) == "" {
		return nil
	}
	var out []string
	for _, par := range strings.Split(text, "\n") {
		par = strings.TrimRightFunc(par, unicode.IsSpace)
		if par == "" {
			out = append(out, "")
			continue
		}
		out = append(out, b.f.SplitText(par, w)...)
	}
	return out
}

// docTitle writes a document's title in large type and its subtitle (the
// council, the meeting) below it.
func (b *doc) docTitle(title, subtitle string) {
	b.font("B", 20)
	b.lines(marginL, contentW, 9, b.split(title, contentW), "L", false)
	b.font("B", 13)
	b.lines(marginL, contentW, 6.5, b.split(subtitle, contentW), "L", false)
}

// lines prints lines at x in a column w wide, breaking pages as needed.
// The last line of a text never goes alone onto a new page: the line
// before it goes with it.
func (b *doc) lines(x, w, h float64, lines []string, align string, fill bool) {
	for i, l := range lines {
		if i > 0 && i == len(lines)-2 && b.f.GetY()+2*h > bottom {
			b.breakPage()
		}
		b.ensure(h)
		b.f.SetX(x)
		b.f.CellFormat(w, h, l, "", 2, align, fill, 0, "")
	}
}

// heading prints a heading. Levels 0 and 1 go into the table of contents
// and the PDF's bookmarks; level 2 is a plain sub-heading.
func (b *doc) heading(level int, text string) {
	sizes := [...]float64{14, 11.5, 10.5}
	level = min(max(level, 0), 2)
	pt := sizes[level]
	h := pt * 0.5
	before := [...]float64{6, 5, 3}[level]
	key := "heading " + strconv.Itoa(b.nHeads)
	b.nHeads++
	b.keepFrom(key)
	b.space(before)
	b.font("B", pt)
	ls := b.split(text, contentW)
	if len(ls) == 0 {
		ls = []string{""}
	}
	// Keep the heading with the first lines below it.
	b.ensure(float64(len(ls))*h + 3*lineH)
	if level < 2 {
		i := len(b.heads)
		b.heads = append(b.heads, head{text: text, level: level, page: b.f.PageNo()})
		if i < len(b.links) {
			b.f.SetLink(b.links[i], b.f.GetY(), b.f.PageNo())
		}
		b.bookmark(text, level)
	}
	b.black()
	b.lines(marginL, contentW, h, ls, "L", false)
	if level == 0 {
		b.f.SetDrawColor(0, 0, 0)
		b.f.SetLineWidth(0.3)
		b.f.Line(marginL, b.f.GetY()+0.5, pageW-marginR, b.f.GetY()+0.5)
		b.f.SetY(b.f.GetY() + 2.5)
	} else {
		b.f.SetY(b.f.GetY() + 1)
	}
	b.font("", bodyPt)
	b.headKey, b.headPage, b.headEnd = key, b.f.PageNo(), b.f.GetY()
}

// bookmark adds an entry to the PDF's outline. gofpdf needs each level to
// have a parent, so a level never goes deeper than one below the one before.
func (b *doc) bookmark(text string, level int) {
	if b.marks == 0 {
		level = 0
	} else {
		level = min(level, b.lastMark+1)
	}
	b.f.Bookmark(clean(text), level, -1)
	b.marks++
	b.lastMark = level
}

// para prints a paragraph of body text (hard line breaks kept).
func (b *doc) para(text string) {
	b.font("", bodyPt)
	b.black()
	b.lines(marginL, contentW, lineH, b.split(text, contentW), "L", false)
}

// note prints a short line of secondary, italic text.
func (b *doc) note(text string) {
	b.font("I", 9.5)
	b.grey(greyText)
	b.lines(marginL, contentW, lineH, b.split(text, contentW), "L", false)
	b.black()
	b.font("", bodyPt)
}

// kv prints label–value pairs: labels bold in a column, values wrapped
// beside them. A value may hold several lines.
func (b *doc) kv(labelW float64, pairs ...[2]string) {
	f := b.f
	for _, p := range pairs {
		b.font("", bodyPt)
		vs := b.split(p[1], contentW-labelW)
		if len(vs) == 0 {
			vs = []string{"–"}
		}
		b.ensure(lineH * float64(min(len(vs), 3)))
		y := f.GetY()
		b.font("B", bodyPt)
		f.SetXY(marginL, y)
		f.CellFormat(labelW, lineH, fit(f, clean(p[0]), labelW-2), "", 0, "L", false, 0, "")
		b.font("", bodyPt)
		f.SetXY(marginL+labelW, y)
		b.lines(marginL+labelW, contentW-labelW, lineH, vs, "L", false)
	}
}

// box prints a shaded block headed by a bold label, for the decision of an
// agenda item. A thick bar on its left keeps it recognisable on any printer,
// across page breaks too.
func (b *doc) box(label, text string) {
	f := b.f
	const pad, inset = 1.5, 3.5
	b.font("", bodyPt)
	ls := b.split(text, contentW-inset-1)
	b.ensure(2*pad + lineH*float64(min(len(ls)+1, 3)))
	row := func(h float64, style, s string) {
		if f.GetY()+h > bottom {
			b.newPage()
		}
		y := f.GetY()
		f.SetFillColor(greyFill, greyFill, greyFill)
		f.Rect(marginL, y, contentW, h, "F")
		f.SetDrawColor(0, 0, 0)
		f.SetLineWidth(0.8)
		f.Line(marginL+0.4, y, marginL+0.4, y+h)
		if s != "" {
			b.font(style, bodyPt)
			f.SetXY(marginL+inset, y)
			f.CellFormat(contentW-inset, h, s, "", 0, "L", false, 0, "")
		}
		f.SetY(y + h)
	}
	row(pad, "", "")
	row(lineH, "B", label)
	for _, l := range ls {
		row(lineH, "", l)
	}
	row(pad, "", "")
	f.SetLineWidth(0.2)
	f.SetY(f.GetY() + 1.5)
	b.font("", bodyPt)
}

// ruled prints n ruled lines to write on, spaced gap apart; label, when
// given, is printed small above them.
func (b *doc) ruled(label string, n int, gap float64) {
	f := b.f
	// Keep the block on one page when it fits on one.
	block := gap*float64(n) + 2
	if label != "" {
		block += lineH
	}
	if block <= bottom-marginT {
		b.ensure(block)
	}
	if label != "" {
		b.font("I", 9)
		b.grey(greyText)
		f.SetX(marginL)
		f.CellFormat(contentW, lineH, clean(label), "", 2, "L", false, 0, "")
		b.black()
		b.font("", bodyPt)
	}
	f.SetDrawColor(greyLight, greyLight, greyLight)
	f.SetLineWidth(0.2)
	for range n {
		b.ensure(gap)
		y := f.GetY() + gap
		f.SetDrawColor(greyLight, greyLight, greyLight)
		f.Line(marginL, y, pageW-marginR, y)
		f.SetY(y)
	}
	f.SetY(f.GetY() + 2)
}

// signLines prints signature fields side by side: a line with a small
// caption under it.
func (b *doc) signLines(captions ...string) {
	f := b.f
	b.ensure(20)
	gapW := 8.0
	w := (contentW - gapW*float64(len(captions)-1)) / float64(len(captions))
	y := f.GetY() + 12
	f.SetDrawColor(0, 0, 0)
	f.SetLineWidth(0.3)
	b.font("", 8.5)
	for i, c := range captions {
		x := marginL + float64(i)*(w+gapW)
		f.Line(x, y, x+w, y)
		f.SetXY(x, y+0.5)
		f.CellFormat(w, 4.5, clean(c), "", 0, "L", false, 0, "")
	}
	f.SetLineWidth(0.2)
	f.SetXY(marginL, y+6)
	b.font("", bodyPt)
}

// col is a column of a table.
type col struct {
	title string
	w     float64 // millimetres; the widths of a table add up to contentW
	align string  // "L" (default), "R" or "C"
	bold  bool
}

// table describes a table: columns, rows of cell texts, an optional bold
// total row, and a minimum row height (for signatures).
type table struct {
	cols  []col
	rows  [][]string
	total []string
	minH  float64
}

const (
	tablePt  = 9.0
	tableLH  = 4.4
	tablePad = 1.3
)

// table prints t. Cells wrap; a row that does not fit moves to the next
// page, where the header row is repeated; a row taller than a page is split
// line by line.
func (b *doc) table(t table) {
	f := b.f
	b.fitColumns(&t)
	b.space(1)
	first := tableLH + 2*tablePad
	if len(t.rows) > 0 {
		_, first = b.rowLines(t, t.rows[0], false)
	} else if t.total != nil {
		_, first = b.rowLines(t, t.total, true)
	}
	headH := tableLH + 2*tablePad
	b.ensure(headH + min(first, bottom-marginT-headH) + 2)
	b.tableHeader(t.cols)
	saved := b.onNewPage
	b.onNewPage = func() { b.tableHeader(t.cols) }
	defer func() { b.onNewPage = saved }()
	for _, r := range t.rows {
		b.tableRow(t, r, false)
	}
	if t.total != nil {
		f.SetDrawColor(0, 0, 0)
		f.SetLineWidth(0.4)
		b.tableRow(t, t.total, true)
	}
	f.SetLineWidth(0.2)
	f.SetY(f.GetY() + 2)
	b.font("", bodyPt)
}

// fitColumns widens the right-aligned columns (amounts, numbers) to their
// widest cell, so that "1.955.000,50 kr." never wraps inside the number,
// taking the width from the widest left-aligned column.
func (b *doc) fitColumns(t *table) {
	cols := slices.Clone(t.cols)
	t.cols = cols
	for i, c := range cols {
		if c.align != "R" {
			continue
		}
		need := 0.0
		measure := func(cells []string, bold bool) {
			if i >= len(cells) {
				return
			}
			style := ""
			if bold || c.bold {
				style = "B"
			}
			b.font(style, tablePt)
			need = max(need, b.f.GetStringWidth(clean(cells[i]))+2.5)
		}
		for _, r := range t.rows {
			measure(r, false)
		}
		if t.total != nil {
			measure(t.total, true)
		}
		if need <= c.w {
			continue
		}
		widest := -1
		for j, o := range cols {
			if o.align != "R" && o.align != "C" && (widest < 0 || o.w > cols[widest].w) {
				widest = j
			}
		}
		if widest < 0 {
			continue
		}
		give := min(need-c.w, cols[widest].w-20) // the text column keeps 2 cm
		if give > 0 {
			cols[i].w += give
			cols[widest].w -= give
		}
	}
	// A text column narrower than its longest word broke the word in two
	// (the accounts' »Møder og generalforsamli|ng«): it is widened to the
	// word, taking the width from the widest other text column, which
	// keeps 2 cm and its own longest word.
	for i, c := range cols {
		if c.align == "R" || c.align == "C" {
			continue
		}
		need := b.longestWord(t, i) + 2.5
		if need <= c.w {
			continue
		}
		widest := -1
		for j, o := range cols {
			if j != i && o.align != "R" && o.align != "C" && (widest < 0 || o.w > cols[widest].w) {
				widest = j
			}
		}
		if widest < 0 {
			continue
		}
		give := min(need-c.w, cols[widest].w-max(20, b.longestWord(t, widest)+2.5))
		if give > 0 {
			cols[i].w += give
			cols[widest].w -= give
		}
	}
}

// longestWord is the width of the widest word in column i of t's rows and
// total, in the font its cells are printed in.
func (b *doc) longestWord(t *table, i int) float64 {
	w := 0.0
	measure := func(cells []string, bold bool) {
		if i >= len(cells) {
			return
		}
		style := ""
		if bold || t.cols[i].bold {
			style = "B"
		}
		b.font(style, tablePt)
		for _, word := range strings.Fields(clean(cells[i])) {
			w = max(w, b.f.GetStringWidth(word))
		}
	}
	for _, r := range t.rows {
		measure(r, false)
	}
	if t.total != nil {
		measure(t.total, true)
	}
	return w
}

func (b *doc) tableHeader(cols []col) {
	f := b.f
	b.font("B", tablePt)
	b.black()
	f.SetFillColor(greyFill, greyFill, greyFill)
	h := tableLH + 2*tablePad
	y := f.GetY()
	f.Rect(marginL, y, contentW, h, "F")
	x := marginL
	for _, c := range cols {
		f.SetXY(x, y+tablePad)
		f.CellFormat(c.w, tableLH, fit(f, c.title, c.w-2), "", 0, align(c.align), false, 0, "")
		x += c.w
	}
	f.SetDrawColor(0, 0, 0)
	f.SetLineWidth(0.3)
	f.Line(marginL, y+h, pageW-marginR, y+h)
	f.SetLineWidth(0.2)
	f.SetXY(marginL, y+h)
}

// rowLines splits a table row's cells into their lines and gives the
// row's height on one page.
func (b *doc) rowLines(t table, cells []string, total bool) ([][]string, float64) {
	cellLines := make([][]string, len(t.cols))
	n := 1
	for i, c := range t.cols {
		style := ""
		if c.bold || total {
			style = "B"
		}
		b.font(style, tablePt)
		if i < len(cells) {
			cellLines[i] = b.split(cells[i], c.w)
		}
		n = max(n, len(cellLines[i]))
	}
	return cellLines, max(float64(n)*tableLH+2*tablePad, t.minH)
}

func (b *doc) tableRow(t table, cells []string, total bool) {
	f := b.f
	cellLines, h := b.rowLines(t, cells, total)
	n := 0
	for _, ls := range cellLines {
		n = max(n, len(ls))
	}
	n = max(n, 1)
	headH := tableLH + 2*tablePad
	if f.GetY()+h > bottom && h <= bottom-marginT-headH {
		b.breakPage()
	}
	top := f.GetY()
	if total {
		f.SetDrawColor(0, 0, 0)
		f.SetLineWidth(0.4)
		f.Line(marginL, top, pageW-marginR, top)
	}
	// Print line k of every cell, breaking pages between lines when a row
	// is taller than a page.
	y := top + tablePad
	split := false
	for k := range n {
		if y+tableLH > bottom {
			b.breakPage()
			y = f.GetY() + tablePad
			split = true
		}
		x := marginL
		for i, c := range t.cols {
			if k < len(cellLines[i]) {
				style := ""
				if c.bold || total {
					style = "B"
				}
				b.font(style, tablePt)
				f.SetXY(x, y)
				f.CellFormat(c.w, tableLH, cellLines[i][k], "", 0, align(c.align), false, 0, "")
			}
			x += c.w
		}
		y += tableLH
	}
	end := y + tablePad
	if !split {
		end = max(end, top+h)
	}
	if !total {
		f.SetDrawColor(greyRule, greyRule, greyRule)
		f.SetLineWidth(0.2)
		f.Line(marginL, end, pageW-marginR, end)
	}
	f.SetXY(marginL, end)
}

// toc prints the table of contents: one line an entry, with the page found
// in the previous pass (blank in the first), a dotted leader, and a link.
func (b *doc) toc(entries []entry) {
	f := b.f
	b.heading(2, b.t("contents"))
	const pageColW = 14.0
	b.links = make([]int, len(entries))
	for i, e := range entries {
		b.links[i] = f.AddLink()
		h := 5.6
		b.ensure(h)
		indent := 0.0
		style, pt := "B", 10.0
		if e.level > 0 {
			indent, style, pt = 7, "", 9.5
		}
		b.font(style, pt)
		x := marginL + indent
		y := f.GetY()
		textW := contentW - indent - pageColW - 4
		text := fit(f, clean(e.text), textW)
		f.SetXY(x, y)
		f.CellFormat(f.GetStringWidth(text)+2, h, text, "", 0, "L", false, 0, "")
		page := ""
		if i < len(b.prev) {
			page = fmt.Sprint(b.prev[i].page)
		}
		dotsFrom := x + f.GetStringWidth(text) + 3
		dotsTo := pageW - marginR - pageColW
		if dotsTo > dotsFrom {
			f.SetDrawColor(greyRule, greyRule, greyRule)
			f.SetLineWidth(0.3)
			f.SetDashPattern([]float64{0.3, 1.2}, 0)
			f.Line(dotsFrom, y+h-1.6, dotsTo, y+h-1.6)
			f.SetDashPattern([]float64{}, 0)
			f.SetLineWidth(0.2)
		}
		f.SetXY(pageW-marginR-pageColW, y)
		f.CellFormat(pageColW, h, page, "", 0, "R", false, 0, "")
		f.Link(marginL, y, contentW, h, b.links[i])
		f.SetXY(marginL, y+h)
	}
	b.font("", bodyPt)
}

func align(a string) string {
	if a == "" {
		return "L"
	}
	return a
}

// fit shortens s with an ellipsis until it is at most w millimetres wide in
// the current font.
func fit(f *gofpdf.Fpdf, s string, w float64) string {
	s = strings.ReplaceAll(clean(s), "\n", " ")
	if f.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && f.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimRightFunc(string(r), unicode.IsSpace) + "…"
}

// clean makes text printable with gofpdf's UTF-8 fonts: valid UTF-8, "\n"
// line breaks, tabs as spaces, no control characters, and characters
// outside the Basic Multilingual Plane (which gofpdf cannot encode; emoji)
// replaced with U+FFFD.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	ok := true
	for _, r := range s {
		if r < 0x20 && r != '\n' || r >= 0x7f && r < 0xa0 || r > 0xffff || r == '\u2028' || r == '\u2029' {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r == '\n', r == '\r', r == '\u2028', r == '\u2029':
			sb.WriteByte('\n')
		case r == '\t':
			sb.WriteString("    ")
		case r < 0x20, r >= 0x7f && r < 0xa0:
			// dropped
		case r > 0xffff:
			sb.WriteRune('\uFFFD')
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// nameLines gives the non-empty lines of a one-name-a-line text, trimmed.
func nameLines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(clean(s), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return slices.Clip(out)
}
