package exchange

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// BenchmarkSmallPushDuringBigPush: one council pushes 50,000 ops (in
// batches of Client.PushBatch, as the app does) while another council pushes one
// op at a time; it reports the small push's latency. Run it once:
//
//	go test ./storage/exchange -run X -bench SmallPushDuringBigPush -benchtime 1x
func BenchmarkSmallPushDuringBigPush(b *testing.B) {
	const total = 50_000
	var lat []time.Duration
	var bigTook time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := newHub(b)
		big, small := h.council(b, "Stor"), h.council(b, "Lille")
		a, s := h.laptop(b, "a", big, 0), h.laptop(b, "s", small, 0)
		syncOK(b, a)
		syncOK(b, s)
		tokenA := noerr.Get(a.Meta(b.Context(), storage.MetaToken))(b)
		tokenS := noerr.Get(s.Meta(b.Context(), storage.MetaToken))(b)
		hlc := now.UnixMilli() << 16
		var ops []storage.Change
		// Signed, and values the model's rules take, as a laptop's are.
		fields := map[string]string{"name": "Medlem %d", "role": string(model.RoleMember), "phone": "+45 %d", "email": "m%d@example.dk"}
		for n := 0; len(ops) < total; n++ {
			for _, f := range []string{"name", "role", "phone", "email"} {
				hlc++
				v := fields[f]
				if strings.Contains(v, "%d") {
					v = fmt.Sprintf(v, n)
				}
				c := storage.Change{Device: a.DeviceID(), Seq: int64(len(ops) + 1), HLC: hlc, Table: "members",
					Row: fmt.Sprintf("m-%06d", n), Council: big, Field: f, Value: v}
				ok(b, a.SignOwn(&c))
				ops = append(ops, c)
			}
		}
		b.StartTimer()
		done := make(chan struct{})
		var wg gosync.WaitGroup
		wg.Add(1)
		start := time.Now()
		go func() {
			defer wg.Done()
			defer close(done)
			for from := 0; from < len(ops); from += cli.PushBatch {
				wire, err := EncodeOps(ops[from:min(from+cli.PushBatch, len(ops))])
				ok(b, err)
				var pr PushResponse
				if err := cli.call(context.Background(), http.MethodPost, h.url+"/v1/push", tokenA, PushRequest{Ops: wire}, &pr); err != nil {
					b.Error(err)
					return
				}
			}
			bigTook = time.Since(start)
		}()
		seq := int64(0)
		for running := true; running; {
			select {
			case <-done:
				running = false
			case <-time.After(20 * time.Millisecond):
			}
			seq++
			hlc++
			c := storage.Change{Device: s.DeviceID(), Seq: seq, HLC: hlc, Table: "members",
				Row: fmt.Sprint("s-", seq), Council: small, Field: "name", Value: "Lille"}
			ok(b, s.SignOwn(&c))
			wire, err := EncodeOps([]storage.Change{c})
			ok(b, err)
			var pr PushResponse
			t0 := time.Now()
			if err := cli.call(context.Background(), http.MethodPost, h.url+"/v1/push", tokenS, PushRequest{Ops: wire}, &pr); err != nil {
				b.Fatalf("small push %d: %v", seq, err)
			}
			lat = append(lat, time.Since(t0))
		}
		wg.Wait()
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.95), "p95-ms")
	b.ReportMetric(q(1), "max-ms")
	b.ReportMetric(float64(len(lat)), "small-pushes")
	b.ReportMetric(bigTook.Seconds(), "big-push-s")
}
