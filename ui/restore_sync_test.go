package ui

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"lokalraad/model"
	"lokalraad/storage/exchange"
)

// A restore chosen while a sync is pulling: the pull is stopped, and the
// restored database gets everything the hub holds since the backup. Before,
// the pull went on into the restored database and moved its cursor to
// where the replaced one had got: the other laptop's wishes in between
// never came.
func TestRestoreStopsASyncInFlight(t *testing.T) {
	hubDB := newTestDB(t)
	srv := exchange.NewServer(t.Context(), hubDB, slog.New(slog.NewTextHandler(io.Discard, nil)))
	h := srv.Handler()
	var gate atomic.Bool
	var pulls atomic.Int32
	reached, block := make(chan struct{}, 1), make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Once gated, the second page of a pull waits (the sync is
		// under way) until the test lets it go or the laptop stops it.
		if gate.Load() && r.URL.Path == "/v1/pull" && pulls.Add(1) == 2 {
			reached <- struct{}{}
			select {
			case <-block:
			case <-r.Context().Done():
				return
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() {
		select {
		case <-block:
		default:
			close(block)
		}
	})
	hub := &testHub{db: hubDB, url: ts.URL}
	council := hub.council(t, "Jyderup Lokalråd")
	a, b := hub.laptop(t, council), hub.laptop(t, council)
	backup := filepath.Join(t.TempDir(), "kopi.db")
	ok(t, b.Backup(context.Background(), backup))

	u := newTestUI(t, b)
	stopSync(t, u)
	eventually(t, "the first sync", func() bool { return strings.HasPrefix(u.sync.state.Text, "Sidst synkroniseret") })
	u.sync.client.PullOps = 2 // a pull of several pages

	for _, title := range []string{"Bænke", "Shelter", "Sti", "Lys", "Legeplads", "Skilte"} {
		w := model.BudgetWish{CouncilID: council, Year: 2027, Title: title, Status: model.WishDraft}
		ok(t, a.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	}
	_, err := exchange.NewClient().Sync(context.Background(), a, "")
	ok(t, err)
	gate.Store(true)
	u.sync.request()
	<-reached
	eventually(t, "the sync shown as running", func() bool { return u.sync.running })

	u.restoreFrom(backup)
	close(block)
	eventually(t, "all six wishes on the restored laptop", func() bool {
		ws, err := b.BudgetWishes(context.Background(), council, 0)
		return err == nil && len(ws) == 6 && !u.sync.running
	})
	// Each as the other laptop wrote it, every field there.
	want, err := a.BudgetWishes(context.Background(), council, 0)
	ok(t, err)
	got, err := b.BudgetWishes(context.Background(), council, 0)
	ok(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("wishes on the restored laptop:\n%+v\nwant\n%+v", got, want)
	}
}
