package exchange

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// A pull asks for the next page while it applies this one. When the
// connection drops on any page, the laptop holds exactly the pages it
// applied, the cursor names the last of them (never a page only fetched),
// and the next sync goes on from there to the hub's state.
func TestPullPrefetchNeverMovesTheCursorAhead(t *testing.T) {
	h, council, a := syncedLaptop(t, "Jyderup")
	for i := 0; i < 30; i++ {
		ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: council, Name: fmt.Sprint("Medlem ", i), Role: model.RoleMember}))
	}
	syncOK(t, a)
	h.srv.PageSize = 10
	hubOps, err := h.db.CouncilOps(context.Background(), council)
	ok(t, err)

	for cut := 2; cut <= 6; cut++ {
		b := h.laptop(t, fmt.Sprint("b", cut), council, 0)
		var pulls atomic.Int64
		old := cli.HTTP.Transport
		cli := withClient(func(c *Client) {})
		cli.HTTP.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if strings.HasSuffix(r.URL.Path, "/v1/pull") && pulls.Add(1) == int64(cut) {
				return nil, errors.New("forbindelsen blev afbrudt")
			}
			return old.RoundTrip(r)
		})
		_, err := cli.Sync(context.Background(), b, "")
		if err == nil {
			t.Fatalf("cut at pull %d: the sync went through", cut)
		}
		cur := noerr.Get(b.Meta(t.Context(), storage.MetaCursor))(t)
		held, err := b.CouncilOps(context.Background(), council)
		ok(t, err)
		// Pages of 10 ops: the pages before the cut one are applied.
		if want := (cut - 1) * 10; cur != strconv.Itoa(want) || len(held) != want {
			t.Errorf("cut at pull %d: cursor %s, %d ops held; want %d and %d", cut, cur, len(held), want, want)
		}
		syncOK(t, b)
		if sa, sb := state(t, a, council), state(t, b, council); sa != sb {
			t.Errorf("cut at pull %d, then a sync:\n%s\n---\n%s", cut, sa, sb)
		}
		if held, _ := b.CouncilOps(context.Background(), council); len(held) != len(hubOps) {
			t.Errorf("cut at pull %d, then a sync: %d ops of %d", cut, len(held), len(hubOps))
		}
	}
}
