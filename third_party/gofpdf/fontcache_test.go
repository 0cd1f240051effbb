package gofpdf

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkParseUTF8Font is what the first document of a process pays for
// a font: parsing it and making its id.
func BenchmarkParseUTF8Font(b *testing.B) {
	data, err := os.ReadFile("../../assets/fonts/DejaVuSans.ttf")
	if err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		fontMu.Lock()
		clear(fontCache)
		clear(fontSeen)
		fontMu.Unlock()
		p, err := parsedUTF8Font(data)
		if err != nil {
			b.Fatal(err)
		}
		p.def("dejavu")
	}
}

// The hand-written id is the one gofpdf makes with encoding/json.
func TestUTF8FontID(t *testing.T) {
	for _, name := range []string{"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"} {
		data, err := os.ReadFile("../../assets/fonts/" + name)
		if err != nil {
			t.Skip(err)
		}
		p, err := parsedUTF8Font(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"dejavu", "dejavuB", "a\"<>&\u00e6"} {
			def := p.def(key)
			def.i = ""
			want, err := generateFontID(def)
			if err != nil {
				t.Fatal(err)
			}
			if got := utf8FontID(def); got != want {
				t.Errorf("%s %q: id %s, want %s", name, key, got, want)
			}
		}
	}
}

// The slice-based parse finds the glyphs and widths the map-based one of
// 1.16.2 finds, and a subset from it is the same bytes.
func TestFastParse(t *testing.T) {
	for _, name := range []string{"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"} {
		data, err := os.ReadFile("../../assets/fonts/" + name)
		if err != nil {
			t.Skip(err)
		}
		fast := newUTF8Font(&fileReader{array: data})
		if err := fast.parseFile(); err != nil {
			t.Fatal(err)
		}
		fast.parseLoca()

		// 1.16.2's way: two maps from the cmap, the widths from them.
		slow := newUTF8Font(&fileReader{array: data})
		slow.tableDescriptions = map[string]*tableDescription{}
		slow.skip(4)
		slow.generateTableDescriptions()
		slow.parseHEADTable()
		hmetrics := slow.parseHHEATable()
		slow.SeekTable("maxp")
		slow.skip(4)
		numSymbols := slow.readUint16()
		symbolChar := slow.generateCMAP()
		slow.parseHMTXTable(hmetrics, numSymbols, symbolChar, 1000.0/float64(slow.fontElementSize))

		if fast.DefaultWidth != slow.DefaultWidth {
			t.Errorf("%s: DefaultWidth %v, want %v", name, fast.DefaultWidth, slow.DefaultWidth)
		}
		for c := range slow.CharWidths {
			if fast.CharWidths[c] != slow.CharWidths[c] {
				t.Errorf("%s: width of %U = %d, want %d", name, c, fast.CharWidths[c], slow.CharWidths[c])
				break
			}
		}
		for c := 0; c < 1<<16; c++ {
			g, ok := fast.glyph(c)
			want, wantOK := slow.charSymbolDictionary[c]
			if g != want || ok != wantOK {
				t.Errorf("%s: glyph of %U = %d %v, want %d %v", name, c, g, ok, want, wantOK)
				break
			}
		}

		runes := map[int]int{}
		for _, r := range "Mødemappe æøå ÆØÅ Łukasz Şule Ődön 0123456789 «»–…" {
			runes[int(r)] = int(r)
		}
		copyRunes := func() map[int]int {
			m := map[int]int{}
			for k, v := range runes {
				m[k] = v
			}
			return m
		}
		old := newUTF8Font(&fileReader{array: data})
		if err := old.parseFile(); err != nil {
			t.Fatal(err)
		}
		old.parsedGlyphs, old.parsedLoca = nil, nil // the path of 1.16.2
		if a, b := fast.clone().GenerateCutFont(copyRunes()), old.GenerateCutFont(copyRunes()); !bytes.Equal(a, b) {
			t.Errorf("%s: the subsets differ (%d and %d bytes)", name, len(a), len(b))
		}
	}
}
