package exchange

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// A hub behind a load balancer whose node is away for a moment (503): a
// laptop's push and pull are sent again after a pause and the sync
// succeeds by itself; past the last pause the laptop is told, in Danish,
// that the server is unavailable, and nothing is lost.
func TestSyncRetriesUnavailable(t *testing.T) {
	cli := withClient(func(c *Client) { c.RetryWaits = []time.Duration{time.Millisecond, 2 * time.Millisecond} })
	h := newHub(t)
	council := h.council(t, "Jyderup Lokalråd")
	target := noerr.Get(url.Parse(h.url))(t)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var down atomic.Int64 // the next this many pushes and pulls get 503
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/enroll" && down.Add(-1) >= 0 {
			http.Error(w, "no healthy upstream", http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(lb.Close)
	a := open(t, "a", 0)
	_, err := cli.Enroll(context.Background(), a, lb.URL, h.code(t, council))
	ok(t, err)
	syncWith(t, cli, a)
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Karen Østergaard", Role: model.RoleChair}))
	down.Store(2)
	if r := syncWith(t, cli, a); r.Pushed == 0 {
		t.Fatal("nothing pushed after the node came back")
	}
	if ms := noerr.Get(h.db.Members(t.Context(), council))(t); len(ms) != 1 {
		t.Fatalf("hub has %d members", len(ms))
	}
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: "Søren", Role: model.RoleMember}))
	down.Store(100)
	_, err = cli.Sync(context.Background(), a, "")
	if model.ErrorCode(err) != model.Unavailable && !errors.Is(err, ErrUnreachable) {
		var re *RemoteError
		errors.As(err, &re)
		t.Fatalf("node away for good: %v (%+v), want unavailable", err, re)
	}
	down.Store(0)
	syncWith(t, cli, a)
	if ms, _ := h.db.Members(t.Context(), council); len(ms) != 2 {
		t.Errorf("hub has %d members after the node came back, want 2", len(ms))
	}
}
