package exchange

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// A file that is no bundle at all is called so, however short: a tester's
// four-byte text file was said to be "cut short (copied unfinished?)",
// which sent them looking for the rest of it. A real bundle cut short is
// still said to be cut short.
func TestNotABundleIsSaidSo(t *testing.T) {
	_, council, db, other := twoLaptops(t, "Jyderup", 0)
	var whole bytes.Buffer
	_, err := cli.WriteBundle(context.Background(), &whole, db, council)
	ok(t, err)
	for name, c := range map[string]struct {
		file []byte
		want string
	}{
		"a short text":                          {[]byte("hej\n"), notABundle},
		"an empty file":                         {nil, notABundle},
		"one byte":                              {[]byte{0x1f}, notABundle},
		"plain JSON":                            {[]byte(`{"header":{"format":"lokalraad-bundle"}}`), notABundle},
		"a PDF":                                 {[]byte("%PDF-1.4\n%âãÏÓ\n1 0 obj"), notABundle},
		"a bundle cut short in its gzip header": {whole.Bytes()[:6], "filen er afkortet"},
		"a bundle cut short":                    {whole.Bytes()[:whole.Len()/2], "filen er afkortet"},
	} {
		_, _, err := cli.ImportBundle(context.Background(), bytes.NewReader(c.file), other)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
