package gofpdf

// Lokalråd's changes to gofpdf 1.16.2 (archived upstream), for speed: a
// UTF-8 font is parsed once a process, not once a document, and its
// subsetting reuses what the parse found instead of parsing the font again.
// The output is byte for byte what 1.16.2 writes.

import (
	"bytes"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"math"
	"strconv"
	"sync"
)

// parsedFont is a TrueType font parsed once: the metrics every document
// needs, and a prototype utf8FontFile that each document clones for its
// own subset.
type parsedFont struct {
	data  []byte
	proto *utf8FontFile
	desc  FontDescType
	up    int
	ut    int
	cw    []int // shared by all documents, never written

	mu  sync.Mutex
	ids map[string]string // font id by font key
}

var (
	fontSeed  = maphash.MakeSeed()
	fontMu    sync.Mutex
	fontCache = map[uint64][]*parsedFont{}
	fontSeen  = map[sliceID]*parsedFont{}
)

// sliceID is a byte slice by where it is, not what it holds.
type sliceID struct {
	p *byte
	n int
}

// parsedUTF8Font parses the font in data, or finds it parsed. A slice added
// before is known by its address: as always with gofpdf, the bytes of a
// font must not change once it is added (the fonts an application embeds
// never do). Other slices are told apart by content.
func parsedUTF8Font(data []byte) (*parsedFont, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("empty font")
	}
	// One parse at a time: a goroutine that wants a font being parsed
	// waits for it instead of parsing it again (see Lokalråd's pdf.Preload).
	fontMu.Lock()
	defer fontMu.Unlock()
	id := sliceID{&data[0], len(data)}
	if p, ok := fontSeen[id]; ok {
		return p, nil
	}
	h := maphash.Bytes(fontSeed, data)
	for _, p := range fontCache[h] {
		if bytes.Equal(p.data, data) {
			fontSeen[id] = p
			return p, nil
		}
	}

	utf := newUTF8Font(&fileReader{readerPosition: 0, array: data})
	if err := utf.parseFile(); err != nil {
		return nil, err
	}
	utf.parseLoca()
	utf.fileReader.readerPosition = 0
	p := &parsedFont{
		data:  data,
		proto: utf,
		desc: FontDescType{
			Ascent:       int(utf.Ascent),
			Descent:      int(utf.Descent),
			CapHeight:    utf.CapHeight,
			Flags:        utf.Flags,
			FontBBox:     utf.Bbox,
			ItalicAngle:  utf.ItalicAngle,
			StemV:        utf.StemV,
			MissingWidth: round(utf.DefaultWidth),
		},
		up:  int(round(utf.UnderlinePosition)),
		ut:  round(utf.UnderlineThickness),
		cw:  utf.CharWidths,
		ids: map[string]string{},
	}
	fontCache[h] = append(fontCache[h], p)
	fontSeen[id] = p
	return p, nil
}

// def is the font's definition under fontkey, with its id; the caller sets
// utf8File and usedRunes.
func (p *parsedFont) def(fontkey string) fontDefType {
	def := fontDefType{
		Tp:   "UTF8",
		Name: fontkey,
		Desc: p.desc,
		Up:   p.up,
		Ut:   p.ut,
		Cw:   p.cw,
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	id, ok := p.ids[fontkey]
	if !ok {
		id = utf8FontID(def)
		p.ids[fontkey] = id
	}
	def.i = id
	return def
}

// clone is a copy of a parsed font for one document: its own reader
// position; the tables found by the parse are shared and only read.
func (utf *utf8FontFile) clone() *utf8FontFile {
	c := *utf
	r := *utf.fileReader
	c.fileReader = &r
	return &c
}

// parseLoca reads the glyph offsets (the loca table) once, for
// GenerateCutFont.
func (utf *utf8FontFile) parseLoca() {
	utf.SeekTable("head")
	utf.skip(50)
	format := utf.readUint16()
	utf.SeekTable("maxp")
	utf.skip(4)
	numSymbols := utf.readUint16()
	utf.parseLOCATable(format, numSymbols)
	utf.parsedLoca = utf.symbolPosition
	utf.symbolPosition = nil
}

// utf8FontID is generateFontID(def) for a UTF-8 font, without reflection:
// the SHA-1 of the same JSON, written by hand. encoding/json spent as long
// on the 65,536 widths as the parse of the font. TestUTF8FontID checks that
// both give the same id.
func utf8FontID(def fontDefType) string {
	b := make([]byte, 0, 256+4*len(def.Cw))
	str := func(s string) {
		q, _ := json.Marshal(s)
		b = append(b, q...)
	}
	num := func(name string, v int) {
		b = append(b, name...)
		b = strconv.AppendInt(b, int64(v), 10)
	}
	b = append(b, `{"Tp":`...)
	str(def.Tp)
	b = append(b, `,"Name":`...)
	str(def.Name)
	d := def.Desc
	num(`,"Desc":{"Ascent":`, d.Ascent)
	num(`,"Descent":`, d.Descent)
	num(`,"CapHeight":`, d.CapHeight)
	num(`,"Flags":`, d.Flags)
	num(`,"FontBBox":{"Xmin":`, d.FontBBox.Xmin)
	num(`,"Ymin":`, d.FontBBox.Ymin)
	num(`,"Xmax":`, d.FontBBox.Xmax)
	num(`,"Ymax":`, d.FontBBox.Ymax)
	num(`},"ItalicAngle":`, d.ItalicAngle)
	num(`,"StemV":`, d.StemV)
	num(`,"MissingWidth":`, d.MissingWidth)
	num(`},"Up":`, def.Up)
	num(`,"Ut":`, def.Ut)
	if def.Cw == nil {
		b = append(b, `,"Cw":null`...)
	} else {
		b = append(b, `,"Cw":[`...)
		for i, w := range def.Cw {
			if i > 0 {
				b = append(b, ',')
			}
			if w == 0 { // most of the 65,536
				b = append(b, '0')
				continue
			}
			b = strconv.AppendInt(b, int64(w), 10)
		}
		b = append(b, ']')
	}
	b = append(b, `,"Enc":`...)
	str(def.Enc)
	b = append(b, `,"Diff":`...)
	str(def.Diff)
	b = append(b, `,"File":""`...) // generateFontID blanks File
	num(`,"Size1":`, def.Size1)
	num(`,"Size2":`, def.Size2)
	num(`,"OriginalSize":`, def.OriginalSize)
	num(`,"N":`, def.N)
	num(`,"DiffN":`, def.DiffN)
	b = append(b, '}')
	return fmt.Sprintf("%x", sha1.Sum(b))
}

// glyph is the glyph of char, and whether the cmap has char.
func (utf *utf8FontFile) glyph(char int) (int, bool) {
	if utf.parsedGlyphs != nil {
		if char < 0 || char >= len(utf.parsedGlyphs) || utf.parsedGlyphs[char] < 0 {
			return 0, false
		}
		return int(utf.parsedGlyphs[char]), true
	}
	symbol, ok := utf.charSymbolDictionary[char]
	return symbol, ok
}

// cmapGlyphs reads the format 4 cmap at pos as generateSCCSDictionaries
// does, into a slice by character (a format 4 cmap maps the BMP only): the
// glyph, or -1 for a character the cmap leaves out.
func (utf *utf8FontFile) cmapGlyphs(pos int) []int32 {
	glyphs := make([]int32, 1<<16)
	for i := range glyphs {
		glyphs[i] = -1
	}
	utf.seek(pos + 2)
	size := utf.readUint16()
	rim := pos + size
	utf.skip(2)
	segments := utf.readUint16() / 2
	utf.skip(6)
	data := utf.fileReader.array
	at := int(utf.fileReader.readerPosition)
	u16 := func(p int) int { return int(data[p])<<8 | int(data[p+1]) }
	ends, starts, deltas, offsets := at, at+2*segments+2, at+4*segments+2, at+6*segments+2
	for n := 0; n < segments; n++ {
		end, start := u16(ends+2*n), u16(starts+2*n)
		delta := int(int16(u16(deltas + 2*n)))
		offset := u16(offsets + 2*n)
		for char := start; char <= end; char++ {
			var symbol int
			if offset == 0 {
				symbol = (char + delta) & 0xFFFF
			} else if p := offsets + 2*n + (char-start)*2 + offset; p >= rim {
				symbol = 0
			} else if symbol = u16(p); symbol != 0 {
				symbol = (symbol + delta) & 0xFFFF
			}
			glyphs[char] = int32(symbol)
		}
	}
	return glyphs
}

// hmtxWidths is parseHMTXTable from a slice of glyphs by character: the
// widths of the characters (scaled) in CharWidths, their number in
// CharWidths[0], and the width of glyph 0 in DefaultWidth.
func (utf *utf8FontFile) hmtxWidths(numberOfHMetrics, numSymbols int, glyphs []int32, scale float64) {
	start := utf.SeekTable("hmtx")
	arr := unpackUint16Array(utf.getRange(start, numberOfHMetrics*4))
	used := make([]bool, numSymbols+1)
	for _, g := range glyphs {
		if g >= 0 && int(g) < len(used) {
			used[g] = true
		}
	}
	// The advance of glyph g, 0 for a nonsense one; glyphs past the long
	// metrics have the last long metric's advance.
	advance := func(g int) int {
		if g >= numberOfHMetrics {
			g = numberOfHMetrics - 1
		}
		w := arr[g*2+1]
		if w >= 1<<15 && (used[g] || g == 0) {
			w = 0
		}
		return w
	}
	utf.CharWidths = make([]int, 256*256)
	utf.DefaultWidth = scale * float64(advance(0))
	count := 0
	for char, g := range glyphs {
		if g <= 0 || int(g) >= numSymbols || char == 0 || char == 65535 {
			continue
		}
		w := int(math.Round(scale * float64(advance(int(g)))))
		if w == 0 {
			w = 65535
		}
		utf.CharWidths[char] = w
		count++
	}
	utf.CharWidths[0] = count
}
