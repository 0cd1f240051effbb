package exchange

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/storage"
)

// Two uploads of one council that start at once both pass the check at
// their start (each sees the council's files without the other): that
// state is made here by writing both first chunks straight into the
// store, as the two requests' appends land after both checks. Neither
// may then finish past the council's bound: a chunk that resumes an
// upload is refused, in Danish, while the council's files (partial ones
// with their whole size) pass the bound, and nothing more is stored.
// Who sends it: any device of the council, with files its own rows name.
func TestStoresRacedStartsCannotPassQuota(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		atts, data := unsentFiles(t, a, jy, 2, 3000, 61)
		h.srv.MaxCouncilBlobBytes = 3000 + 1500
		token := tokenOf(t, a)
		bs := h.store.(BlobStore)
		for i := range 2 {
			if _, _, err := bs.AppendBlob(t.Context(), atts[i].SHA256, atts[i].Size, 0, bytes.NewReader(data[i][:1000]), 1<<20); err != nil {
				t.Fatal(err)
			}
			if db, isSQLite := h.store.(*storage.DB); isSQLite { // written now, as putPart's
				ok(t, os.Chtimes(filepath.Join(db.Blobs().Dir(), "partial", atts[i].SHA256), now, now))
			}
		}
		for i := range 2 {
			_, err := putPart(t, h, token, atts[i], 1000, data[i][1000:], now)
			if !isRemote(err, CodeQuota) || !strings.Contains(err.Error(), "fylder") {
				t.Errorf("upload %d resumed past the council's bound: %v, want refused, in Danish", i+1, err)
			}
			if got, whole, _ := bs.BlobReceived(t.Context(), atts[i].SHA256); got != 1000 || whole {
				t.Errorf("upload %d holds %d bytes (whole %v) after its refused resume; want the first 1000", i+1, got, whole)
			}
		}
		// Once the two are swept, one at a time goes as before.
		h.srv.Now = func() time.Time { return now.Add(25 * time.Hour) }
		_, err := putPart(t, h, token, atts[0], 0, data[0], now.Add(25*time.Hour))
		ok(t, err)
		if !bytes.Equal(hubBlob(t, h.store, atts[0].SHA256), data[0]) {
			t.Error("the first file after the sweep is not held whole")
		}
	})
}

// A file the hub holds counts with its own size against the council's
// bound, not with the size its row claims: a device of the council (who
// may edit its rows) that rewrites a row's size to 1 after the upload
// gains no room for more files.
func TestStoresHeldFileCountsItsOwnSize(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		atts, data := unsentFiles(t, a, jy, 2, 3000, 71)
		h.srv.MaxCouncilBlobBytes = 3000 + 1500
		token := tokenOf(t, a)
		st, err := putPart(t, h, token, atts[0], 0, data[0], now)
		ok(t, err)
		if !st.Whole {
			t.Fatalf("the first file: %+v", st)
		}
		c := storage.Change{Device: a.DeviceID(), Seq: 10_000, HLC: now.Add(time.Minute).UnixMilli() << 16, Table: "attachments",
			Row: atts[0].ID, Council: jy, Field: "size", Value: int64(1)}
		storage.SignChange(&c, keyOf(t, a))
		if _, err := pushAs(t, h.url, a, []storage.Change{c}); err != nil {
			t.Fatalf("the row's size rewritten: %v", err)
		}
		_, err = putPart(t, h, token, atts[1], 0, data[1][:1000], now)
		if !isRemote(err, CodeQuota) {
			t.Errorf("a second file after the first's row claims 1 byte: %v, want refused by the council's bound", err)
		}
	})
}
