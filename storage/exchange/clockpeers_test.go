package exchange

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// A hub whose clock was set back three days refuses the right clocks of
// all its laptops. A laptop still sends its edits (re-stamped at the
// hub's time), but since the hub has heard the other laptops run ahead of
// it as this one does, the hub's clock is the wrong one: no note asks the
// laptop's user to correct a date that is right, not after the first sync
// and not after the next.
func TestSlowHubBlamesNoLaptop(t *testing.T) {
	h := newHub(t)
	slow := func() time.Time { return now.Add(-72 * time.Hour) }
	h.srv.Now, h.db.Now = slow, slow // one computer: its HTTP and its store
	council := h.council(t, "Jyderup")
	b := h.laptop(t, "b", council, 0)
	c := h.laptop(t, "c", council, 0)
	a := h.laptop(t, "a", council, 0)
	syncOK(t, b)
	syncOK(t, c)
	syncOK(t, a)
	for _, name := range []string{"Åse", "Bo"} {
		ok(t, a.SaveMember(model.Member{}, &model.Member{CouncilID: council, Name: name, Role: model.RoleMember}))
		res := syncOK(t, a)
		if res.Restamped == 0 || res.Pushed == 0 {
			t.Errorf("after %s: the edit did not go up re-stamped: %+v", name, res)
		}
		if res.Note != "" || noteOf(t, a) != "" {
			t.Errorf("after %s: the laptop with the right date is told %q (status bar %q)", name, res.Note, noteOf(t, a))
		}
	}
	if ms := noerr.Get(h.db.Members(council))(t); len(ms) != 2 {
		t.Errorf("the hub holds %d members, want 2", len(ms))
	}
}

// A laptop two days ahead of a hub and of the other laptops is the wrong
// one: it is told once, and while its date stays wrong the next syncs
// re-stamp its new edits without saying it again.
func TestClockAheadNotedOnce(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	b := h.laptop(t, "b", council, 0)
	c := h.laptop(t, "c", council, 0)
	a := h.laptop(t, "a", council, 48*time.Hour)
	syncOK(t, b)
	syncOK(t, c)
	syncOK(t, a)
	var first string
	for i, name := range []string{"Åse", "Bo", "Cai"} {
		ok(t, a.SaveMember(model.Member{}, &model.Member{CouncilID: council, Name: name, Role: model.RoleMember}))
		res := syncOK(t, a)
		if res.Restamped == 0 {
			t.Errorf("after %s: nothing re-stamped: %+v", name, res)
		}
		if i == 0 {
			first = res.Note
			if !strings.Contains(first, "2 dage for hurtigt") || !strings.Contains(first, "ret datoen") {
				t.Fatalf("first note %q", first)
			}
			continue
		}
		if res.Note != "" {
			t.Errorf("after %s: said again: %q", name, res.Note)
		}
		if got := noteOf(t, a); got != first {
			t.Errorf("after %s: status bar %q, want the first note %q", name, got, first)
		}
	}
	if ms := noerr.Get(h.db.Members(council))(t); len(ms) != 3 {
		t.Errorf("the hub holds %d members, want 3", len(ms))
	}
}

// What a hub says of its devices' clocks counts only devices it
// authenticated, one sample each (the newest): requests without a
// device's secret, however many and whatever clock they claim, and one
// device of two running ahead as the laptop does, however often it syncs,
// do not make a hub with the right time look slow, so the laptop that
// really runs ahead is told.
func TestClockPeersOnlyFromDevices(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	liar := h.laptop(t, "liar", council, 48*time.Hour)
	right := h.laptop(t, "right", council, 0)
	a := h.laptop(t, "a", council, 48*time.Hour)
	for range 3 {
		syncOK(t, liar)
	}
	syncOK(t, right)
	for range 5 {
		req, err := http.NewRequest(http.MethodGet, h.url+"/v1/pull?since=0", nil)
		ok(t, err)
		req.Header.Set("Authorization", "Bearer nope")
		req.Header.Set(HeaderDeviceClock, strconv.FormatInt(now.Add(48*time.Hour).UnixMilli(), 10))
		resp, err := http.DefaultClient.Do(req)
		ok(t, err)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatal("a stranger pulled")
		}
	}
	syncOK(t, a)
	ok(t, a.SaveMember(model.Member{}, &model.Member{CouncilID: council, Name: "Åse", Role: model.RoleMember}))
	if res := syncOK(t, a); !strings.Contains(res.Note, "ret datoen") {
		t.Errorf("the laptop two days ahead is not told: %+v", res)
	}
}

// The rule that decides whose clock is wrong, one case a line.
func TestHubBehind(t *testing.T) {
	const day = 24 * time.Hour
	for _, c := range []struct {
		why   string
		heard peers
		own   time.Duration // this device's clock ahead of the hub's
		want  bool
	}{
		{"nobody else heard: one sample cannot tell", peers{}, 3 * day, false},
		{"one other device is one sample more, not a majority", peers{1, 3 * day}, 3 * day, false},
		{"two others ahead as this one is: the hub is behind", peers{2, 3 * day}, 3 * day, true},
		{"within the skew of the others' median", peers{3, 3 * day}, 3*day + 20*time.Hour, true},
		{"the others agree with the hub: this device is ahead", peers{3, time.Minute}, 2 * day, false},
		{"the others are ahead, but this one far more: both wrong, tell", peers{3, 3 * day}, 10 * day, false},
		{"the others are ahead by no more than the skew", peers{3, day}, day, false},
	} {
		if got := c.heard.hubBehind(c.own, day); got != c.want {
			t.Errorf("%s: hubBehind = %v", c.why, got)
		}
	}
}
