package gofpdf

import (
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
