package pdf

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/phpdave11/gofpdi"
)

// importer wraps gofpdi's Importer so that a packet with the same bilag
// gives the same bytes. gofpdi names the objects it imports by
// sha1("<object number>-<source>"), where a source read from memory is
// named by the address of its reader: different in every run. importer
// renames each such hash to sha1("<object number>-<the bilag's checksum>-
// <its place in the packet>"), in the objects' bytes too (gofpdi says where
// each hash sits). One importer serves a whole document: gofpdi numbers
// the templates of all its sources in one sequence.
type importer struct {
	imp     *gofpdi.Importer
	streams []*io.ReadSeeker // kept alive: gofpdi knows a source by its address
	src     string           // the current source's name as gofpdi sees it
	stable  string           // and as importer names it
	known   map[string]int   // gofpdi hash → object number, for the current source
	next    int              // the next object number to hash into known
}

func newImporter() *importer { return &importer{imp: gofpdi.NewImporter()} }

// source makes data the source of the pages imported next; name is stable
// across runs and unique in the document.
func (im *importer) source(data []byte, name string) {
	rs := io.ReadSeeker(bytes.NewReader(data))
	p := &rs
	im.streams = append(im.streams, p)
	im.imp.SetSourceStream(p)
	im.src, im.stable = fmt.Sprintf("%v", p), name
	im.known, im.next = map[string]int{}, 0
}

// objNo finds the object number behind one of gofpdi's hashes of the
// current source.
func (im *importer) objNo(h string) (int, bool) {
	if n, ok := im.known[h]; ok {
		return n, true
	}
	for ; im.next < 1<<22; im.next++ {
		s := sha1.Sum([]byte(fmt.Sprintf("%d-%s", im.next, im.src)))
		k := hex.EncodeToString(s[:])
		im.known[k] = im.next
		if k == h {
			im.next++
			return im.next - 1, true
		}
	}
	return 0, false
}

func (im *importer) rename(h string) string {
	n, ok := im.objNo(h)
	if !ok {
		return h
	}
	s := sha1.Sum([]byte(fmt.Sprintf("%d-%s", n, im.stable)))
	return hex.EncodeToString(s[:])
}

// pages imports pages 1 to n of the current source and hands their
// objects to the document, at once (gofpdi writes every template of a
// source each time it is asked); it returns gofpdi's template ids.
func (im *importer) pages(b *doc, n int) []int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = im.imp.ImportPage(i+1, "/MediaBox")
	}
	tpls := im.imp.PutFormXobjectsUnordered()
	objs := im.imp.GetImportedObjectsUnordered()
	pos := im.imp.GetImportedObjHashPos()
	for name, h := range tpls {
		tpls[name] = im.rename(h)
	}
	outObjs := make(map[string][]byte, len(objs))
	outPos := make(map[string]map[int]string, len(pos))
	for h, body := range objs {
		body = append([]byte(nil), body...)
		at := map[int]string{}
		for p, ref := range pos[h] {
			r := im.rename(ref)
			if p >= 0 && p+len(r) <= len(body) {
				copy(body[p:], r)
			}
			at[p] = r
		}
		k := im.rename(h)
		outObjs[k], outPos[k] = body, at
	}
	b.f.ImportTemplates(tpls)
	b.f.ImportObjects(outObjs)
	b.f.ImportObjPos(outPos)
	return ids
}

// use draws template tpl at x, y in a box w × h.
func (im *importer) use(b *doc, tpl int, x, y, w, h float64) {
	name, sx, sy, tx, ty := im.imp.UseTemplate(tpl, x, y, w, h)
	b.f.UseImportedTemplate(name, sx, sy, tx, ty)
}
