package exchange

// The pull cursor on both stores: who may send one (the device it was
// given to, back to the hub that gave it) and what the hub does with one
// sent by anyone else — an old client's single number, garbage, a number
// past the end, another council's streams.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/postgres"
)

// numberedLog is every op the hub holds with its number in its stream.
func numberedLog(t *testing.T, h *storeHub) ([]storage.Change, []int64) {
	t.Helper()
	switch s := h.store.(type) {
	case *storage.DB:
		ops, ns, err := s.HubNumbered(t.Context(), 0, 1<<30)
		ok(t, err)
		return ops, ns
	case *postgres.Store:
		ops, ns, err := s.Numbered(context.Background(), 0, 1<<30)
		ok(t, err)
		return ops, ns
	}
	t.Fatalf("store %T", h.store)
	return nil, nil
}

// pullRaw pulls one page with the query q as device token, decoding the
// answer as a client of before streams does when old (a field it does not
// know fails).
func pullRaw(t *testing.T, h *storeHub, token, q string, old bool) ([]storage.Change, string, int64, bool, error) {
	t.Helper()
	var cur string
	var next int64
	var more bool
	var wire []Op
	var err error
	if old {
		var pr oldPull
		err = cli.call(context.Background(), http.MethodGet, h.url+"/v1/pull?"+q, token, nil, &pr)
		wire, next, more = pr.Ops, pr.Next, pr.More
	} else {
		var pr PullResponse
		err = cli.call(context.Background(), http.MethodGet, h.url+"/v1/pull?"+q, token, nil, &pr)
		wire, next, more, cur = pr.Ops, pr.Next, pr.More, pr.Cursor
	}
	if err != nil {
		return nil, "", 0, false, err
	}
	ops, derr := DecodeOps(wire)
	ok(t, derr)
	return ops, cur, next, more, nil
}

func ids(ops []storage.Change) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = o.ID()
	}
	return out
}

func TestStoresPullCursor(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy, ka, a, b, c, staff := h.twoCouncils(t)
		for i := range 5 {
			for _, l := range []struct {
				db      *storage.DB
				council string
			}{{b, jy}, {c, ka}} {
				m := model.Member{CouncilID: l.council, Name: fmt.Sprintf("Medlem %d", i), Role: model.RoleMember}
				ok(t, l.db.SaveMember(t.Context(), model.Member{}, &m))
				syncOK(t, l.db)
			}
		}
		// The municipality's stream, which every council's devices receive.
		pool := model.Pool{Name: "Landdistriktspuljen", Available: 100_000_00, OpenAllYear: true}
		ok(t, staff.SavePool(t.Context(), model.Pool{}, &pool))
		syncOK(t, staff)
		token := noerr.Get(a.Meta(t.Context(), storage.MetaToken))(t)

		// A client of before streams (since=N) gets exactly the ops of its
		// council and the municipality numbered after N, in number order,
		// in an answer it can read, whatever N.
		log, ns := numberedLog(t, h)
		top := slices.Max(ns)
		number := map[string]int64{}
		for i, o := range log {
			number[o.ID()] = ns[i]
		}
		for n := int64(0); n <= top+1; n++ {
			var want []string
			type at struct {
				n int64
				c string
			}
			var keys []at
			for i, o := range log {
				if ns[i] > n && (o.Council == jy || o.Council == model.MunicipalityID) && o.Device != a.DeviceID() {
					want = append(want, o.ID())
					keys = append(keys, at{ns[i], o.Council})
				}
			}
			// In number order; of one number, by council.
			idx := make([]int, len(want))
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(x, y int) int {
				if keys[x].n != keys[y].n {
					return int(keys[x].n - keys[y].n)
				}
				return strings.Compare(keys[x].c, keys[y].c)
			})
			sorted := make([]string, len(idx))
			for i, j := range idx {
				sorted[i] = want[j]
			}
			got, _, next, more, err := pullRaw(t, h, token, fmt.Sprintf("since=%d", n), true)
			ok(t, err)
			if more || strings.Join(ids(got), " ") != strings.Join(sorted, " ") {
				t.Fatalf("since=%d: got %v (more %v), want %v", n, ids(got), more, sorted)
			}
			// From where it is told to ask next, nothing it has not seen:
			// what came, or ops numbered at or below N (sent again, when
			// N is past a stream's end, which changes nothing).
			again, _, _, _, err := pullRaw(t, h, token, fmt.Sprintf("since=%d", next), true)
			ok(t, err)
			for _, o := range again {
				if !slices.Contains(sorted, o.ID()) && number[o.ID()] > n {
					t.Fatalf("since=%d, then next=%d: %s is new", n, next, o.ID())
				}
			}
		}

		// A cursor no hub gave is refused, naming the cursor, in Danish.
		for _, bad := range []string{"abc", "-1", "1.a-0", "1.b-1.a-1", "0x10", strings.Repeat("1", storage.MaxCursorText+1)} {
			_, _, _, _, err := pullRaw(t, h, token, "cursor="+url.QueryEscape(bad), false)
			var re *RemoteError
			if !errors.As(err, &re) || re.Code != CodeBadRequest || !strings.Contains(re.Msg, "hentepunkt") {
				t.Errorf("cursor %.20q: %v", bad, err)
			}
		}
		for _, bad := range []string{"-1", "x"} {
			if _, _, _, _, err := pullRaw(t, h, token, "since="+bad, true); err == nil {
				t.Errorf("since=%s taken", bad)
			}
		}

		// A laptop's cursor naming every stream the hub has — the staff's
		// own cursor, or every stream id listed — never brings it another
		// council's op.
		staffCur := noerr.Get(staff.SyncState(context.Background()))(t).Cursor
		var list strings.Builder
		list.WriteString("0")
		for id := 1; id <= 40; id++ {
			fmt.Fprintf(&list, ".%s-1", strings.ToLower(fmt.Sprintf("%x", id))) // hex digits are base-36 digits
		}
		for _, cur := range []string{"0", staffCur, list.String()} {
			got, _, _, _, err := pullRaw(t, h, token, "cursor="+url.QueryEscape(cur), false)
			if err != nil {
				if strings.Contains(err.Error(), "hentepunkt") {
					continue // refused whole: also safe
				}
				t.Fatal(err)
			}
			for _, o := range got {
				if o.Council != jy && o.Council != model.MunicipalityID {
					t.Errorf("cursor %.30q: a laptop of %s was sent %s of %s", cur, jy, o.ID(), o.Council)
				}
			}
		}

		// A cursor past the end is read as the end: the ops pushed after
		// it still come.
		_, huge, _, _, err := pullRaw(t, h, token, "cursor=9223372036854775807", false)
		ok(t, err)
		m := model.Member{CouncilID: jy, Name: "Sent efter", Role: model.RoleMember}
		ok(t, b.SaveMember(t.Context(), model.Member{}, &m))
		syncOK(t, b)
		got, _, _, _, err := pullRaw(t, h, token, "cursor="+url.QueryEscape(huge), false)
		ok(t, err)
		found := false
		for _, o := range got {
			found = found || o.Row == m.ID
		}
		if !found {
			t.Errorf("after a cursor past the end (%s), the next op of the council never came: %v", huge, ids(got))
		}

		// The laptop's own sync, from the plain number every laptop of
		// before streams holds, lands where the others are.
		ok(t, a.SetMeta(t.Context(), storage.MetaCursor, "0"))
		syncOK(t, a)
		if state(t, a, jy) != state(t, b, jy) {
			t.Error("a laptop syncing from the cursor 0 differs from its council's other laptop")
		}
	})
}

// A push whose client has gone (its request's context ended) stores
// nothing, on either store, and the same ops sent again are all new.
func TestStoresCancelledPushStoresNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, h *storeHub) {
		jy := h.council("Jyderup Lokalråd")
		a, _ := h.laptop(t, "a", jy, 0)
		for i := range 3 {
			m := model.Member{CouncilID: jy, Name: fmt.Sprint("Medlem ", i), Role: model.RoleMember}
			ok(t, a.SaveMember(t.Context(), model.Member{}, &m))
		}
		var ops []storage.Change
		for _, o := range noerr.Get(a.CouncilOps(context.Background(), jy))(t) {
			if o.Device == a.DeviceID() && o.Table == "members" {
				ops = append(ops, o)
			}
		}
		gone, cancel := context.WithCancel(context.Background())
		cancel()
		if n, err := h.store.HubApply(gone, ops); err == nil || n != 0 {
			t.Fatalf("a push of a client gone: %d new, %v", n, err)
		}
		held, _, _, err := h.store.HubPage(context.Background(), jy, storage.Cursor{}, storage.Page{}, "")
		ok(t, err)
		for _, o := range held {
			if o.Device == a.DeviceID() {
				t.Fatalf("a push of a client gone stored %s", o.ID())
			}
		}
		if n, err := h.store.HubApply(context.Background(), ops); err != nil || n != len(ops) {
			t.Fatalf("sent again: %d of %d new, %v", n, len(ops), err)
		}
	})
}

// A cursor from the hub is kept only when it is one a hub could have
// written: a broken one (a proxy's, a hub's bug) fails the sync and leaves
// the cursor where it was, instead of costing every later sync a pull from
// the start.
func TestClientRefusesBrokenCursor(t *testing.T) {
	db := open(t, "a", 0)
	hub := httptestHub(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/pull":
			if r.URL.Query().Get("cursor") != "17" || r.URL.Query().Get("since") != "17" {
				t.Errorf("pulled with %s", r.URL.RawQuery)
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"ops": [], "cursor": "17.zz-0", "next": 17, "more": false}`)
		default:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"accepted": 0}`)
		}
	})
	ok(t, db.UpdateSyncState(context.Background(), func(st *storage.SyncState) error {
		st.Server, st.Token, st.Council, st.Cursor = hub, "dev.secret", "c", "17"
		return nil
	}))
	if _, err := cli.Sync(context.Background(), db, ""); !errors.Is(err, ErrBadInput) {
		t.Fatalf("a broken cursor from the hub: %v", err)
	}
	if st := noerr.Get(db.SyncState(context.Background()))(t); st.Cursor != "17" {
		t.Errorf("the cursor after a broken one came: %q", st.Cursor)
	}
}

func httptestHub(t *testing.T, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
