package storage

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"lokalraad/model"
)

// Paging a council's ops (and the municipality's, merged in) by ops and
// bytes, with any bounds, gives every op exactly once and in order, and
// every page makes progress.
func TestHubPageComplete(t *testing.T) {
	hub := replica(t, "hub")
	rnd := rand.New(rand.NewSource(1))
	var ops []Change
	hlc := syncNow.UnixMilli() << 16
	for i := 1; i <= 400; i++ {
		hlc++
		c := Change{Device: "dev-x", Seq: int64(i), HLC: hlc, Table: "projects", Row: fmt.Sprint("p", i), Field: "description",
			Value: strings.Repeat("x", rnd.Intn(5000))}
		switch rnd.Intn(3) {
		case 0:
			c.Council = "x"
		case 1:
			c.Device, c.Council = "dev-y", "y"
		default:
			c.Device, c.Council, c.Table, c.Field = "staff", model.MunicipalityID, "announcements", "text"
		}
		ops = append(ops, c)
	}
	if _, err := hub.HubApply(context.Background(), ops); err != nil {
		t.Fatal(err)
	}
	all, _, more, err := hub.HubPage(context.Background(), "x", Cursor{}, Page{}, "")
	ok(t, err)
	if more {
		t.Fatal("an unbounded page says more follow")
	}
	for _, p := range []Page{{Ops: 7}, {Bytes: 3000}, {Bytes: 9000}, {Ops: 3, Bytes: 20000}, {Ops: 50, Bytes: 1}, {Ops: 1000, Bytes: 100_000}} {
		var got []string
		var since Cursor
		for more := true; more; {
			page, next, m, err := hub.HubPage(context.Background(), "x", since, p, "")
			ok(t, err)
			if next.Min() <= since.Min() {
				t.Fatalf("%+v: no progress after %d", p, since)
			}
			size := 0
			for _, c := range page {
				got = append(got, c.ID())
				size += c.Size()
			}
			if p.Bytes > 0 && size > p.Bytes && len(page) > 1 || p.Ops > 0 && len(page) > p.Ops {
				t.Errorf("%+v: a page of %d ops and %d bytes", p, len(page), size)
			}
			since, more = next, m
		}
		want := make([]string, len(all))
		for i, c := range all {
			want[i] = c.ID()
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%+v: paged %d ops, want %d, or in another order", p, len(got), len(want))
		}
	}
}
