package exchange

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

func municipalState(t testing.TB, db *storage.DB) string {
	t.Helper()
	pools, err := db.Pools(t.Context())
	ok(t, err)
	ds, err := db.Deadlines(t.Context())
	ok(t, err)
	cs, err := db.Contacts(t.Context())
	ok(t, err)
	as, err := db.Announcements(t.Context())
	ok(t, err)
	return fmt.Sprintf("%+v\n%+v\n%+v\n%+v", pools, ds, cs, as)
}

// The municipality's pools, deadlines, contacts and announcements are
// written on a staff device (or the hub) and reach every council's
// devices, in small pages mixed with the council's own ops; a council's
// device cannot write them, and a refusal writes nothing.
func TestMunicipalDataReachesEveryCouncil(t *testing.T) {
	h := newHub(t)
	h.srv.PageSize = 3
	jyderup, tornved := h.council(t, "Jyderup"), h.council(t, "Tornved")
	staff := h.laptop(t, "staff", "", 0)
	a := h.laptop(t, "a", jyderup, time.Second)
	other := h.laptop(t, "other", tornved, 2*time.Second)
	for _, db := range []*storage.DB{staff, a, other} {
		syncOK(t, db)
	}

	pool := model.Pool{Name: "Lokalområdernes Udviklingspulje", Available: 200_000_00, MaxPerApp: 50_000_00, Deadline: time.Date(2027, 3, 1, 0, 0, 0, 0, model.Copenhagen),
		Rules: "Projektet skal i alt være på mindst 100.000 kr.\n"}
	ok(t, staff.SavePool(t.Context(), model.Pool{}, &pool))
	ok(t, staff.SaveDeadline(t.Context(), model.MunicipalDeadline{}, &model.MunicipalDeadline{Title: "Høringssvar, budget 2028", Date: time.Date(2027, 8, 30, 0, 0, 0, 0, model.Copenhagen), Kind: "Budgethøring"}))
	ok(t, staff.SaveContact(t.Context(), model.Contact{}, &model.Contact{Name: "Ida Ørsted", Role: "Fælles-skaber", Email: "ida@holbaek.dk", Areas: []string{"Jyderup"}}))
	ok(t, staff.SaveAnnouncement(t.Context(), model.Announcement{}, &model.Announcement{Title: "Velkommen", Text: "Puljerne er åbne.", Date: time.Date(2026, 11, 26, 0, 0, 0, 0, model.Copenhagen)}))
	syncOK(t, staff)
	// The hub's own edits (the kommune CLI) travel too.
	ok(t, h.db.SavePool(t.Context(), model.Pool{}, &model.Pool{Name: "Fællesskabspuljen", MaxPerApp: 20_000_00, OpenAllYear: true}))
	// The council's own ops interleave with the municipality's.
	ok(t, a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: jyderup, Name: "Åse", Role: model.RoleChair}))
	syncOK(t, a)
	syncOK(t, other)
	syncOK(t, a)
	syncOK(t, staff)

	want := municipalState(t, h.db)
	if !strings.Contains(want, "Fællesskabspuljen") || !strings.Contains(want, "Ida Ørsted") {
		t.Fatalf("hub's municipal data:\n%s", want)
	}
	for name, db := range map[string]*storage.DB{"staff": staff, "jyderup": a, "tornved": other} {
		if got := municipalState(t, db); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", name, got, want)
		}
	}
	if ms := noerr.Get(other.Members(t.Context(), jyderup))(t); len(ms) != 0 {
		t.Errorf("Tornved received Jyderup's members: %+v", ms)
	}
	if ms := noerr.Get(a.Members(t.Context(), jyderup))(t); len(ms) != 1 {
		t.Errorf("Jyderup's own member lost in the mixed pages: %+v", ms)
	}
	if ds := noerr.Get(a.UpcomingDeadlines(t.Context(), now, now.AddDate(1, 0, 0)))(t); len(ds) != 2 {
		t.Errorf("upcoming on a council laptop = %+v", ds)
	}

	// A council's device may not write them, however it tries.
	p := pool
	p.Name = "Vores egen pulje"
	if err := a.SavePool(t.Context(), storage.Overwriting(t.Context(), a, p), &p); !errors.Is(err, storage.ErrMunicipalOnly) {
		t.Errorf("council laptop saved a pool: %v", err)
	}
	before := noerr.Get(h.db.HubSequence(t.Context()))(t)
	token := noerr.Get(a.Meta(t.Context(), storage.MetaToken))(t)
	push := func(cs ...storage.Change) error {
		wire, err := EncodeOps(cs)
		ok(t, err)
		return cli.call(context.Background(), http.MethodPost, h.url+"/v1/push", token, PushRequest{Ops: wire}, &PushResponse{})
	}
	hlc := now.UnixMilli() << 16
	for name, c := range map[string]storage.Change{
		"edit a pool":   {Table: "pools", Row: pool.ID, Council: model.MunicipalityID, Field: "name", Value: "Hacket"},
		"new pool":      {Table: "pools", Row: "ny", Council: model.MunicipalityID, Field: "name", Value: "Ny"},
		"delete a pool": {Table: "pools", Row: pool.ID, Council: model.MunicipalityID},
		"announcement":  {Table: "announcements", Row: "ny", Council: model.MunicipalityID, Field: "title", Value: "Falsk"},
		"own council":   {Table: "contacts", Row: "ny", Council: jyderup, Field: "name", Value: "Falsk"},
		"as municipal":  {Table: "members", Row: "ny", Council: model.MunicipalityID, Field: "name", Value: "Falsk"},
	} {
		c.Device, c.Seq, c.HLC = a.DeviceID(), 1_000_000, hlc
		err := push(c)
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("%s: %v", name, err)
		} else if !strings.Contains(err.Error(), "kun kommunen") {
			t.Errorf("%s: unclear message %q", name, err)
		}
	}
	if after := noerr.Get(h.db.HubSequence(t.Context()))(t); after != before {
		t.Errorf("refusals wrote %d ops", after-before)
	}
	if got := noerr.Get(h.db.Pool(t.Context(), pool.ID))(t); got.Name != pool.Name {
		t.Errorf("hub's pool = %+v", got)
	}

	// Staff edits and deletes; every device follows.
	pool.Deadline = time.Date(2027, 3, 15, 0, 0, 0, 0, model.Copenhagen)
	ok(t, staff.SavePool(t.Context(), storage.Overwriting(t.Context(), staff, pool), &pool))
	ds := noerr.Get(staff.Deadlines(t.Context()))(t)
	ok(t, staff.DeleteDeadline(t.Context(), ds[0].ID))
	syncOK(t, staff)
	syncOK(t, a)
	syncOK(t, other)
	for name, db := range map[string]*storage.DB{"jyderup": a, "tornved": other} {
		if got := noerr.Get(db.Pool(t.Context(), pool.ID))(t); !got.Deadline.Equal(pool.Deadline) {
			t.Errorf("%s: pool = %+v", name, got)
		}
		if ds := noerr.Get(db.Deadlines(t.Context()))(t); len(ds) != 0 {
			t.Errorf("%s: deleted deadline still there: %+v", name, ds)
		}
	}
}

// A staff device may write the municipality's data only under the
// municipality: a pool filed under a council is refused by every replica.
func TestMunicipalTablesBelongToTheMunicipality(t *testing.T) {
	h := newHub(t)
	jyderup := h.council(t, "Jyderup")
	staff := h.laptop(t, "staff", "", 0)
	syncOK(t, staff)
	token := noerr.Get(staff.Meta(t.Context(), storage.MetaToken))(t)
	c := storage.Change{Device: staff.DeviceID(), Seq: 1_000_000, HLC: now.UnixMilli() << 16, Table: "pools", Row: "p", Council: jyderup, Field: "name", Value: "Forkert"}
	ok(t, staff.SignOwn(&c))
	wire, err := EncodeOps([]storage.Change{c})
	ok(t, err)
	if err := cli.call(context.Background(), http.MethodPost, h.url+"/v1/push", token, PushRequest{Ops: wire}, &PushResponse{}); !errors.Is(err, ErrBadInput) {
		t.Errorf("pool under a council: %v", err)
	}
	if got := noerr.Get(h.db.Pools(t.Context()))(t); !reflect.DeepEqual(got, []model.Pool(nil)) {
		t.Errorf("hub pools = %+v", got)
	}
}

// The municipality's pools travel by USB stick too: a bundle the hub writes
// for a council carries them to a laptop without network, and that
// laptop's bundle back to the hub is still accepted.
func TestMunicipalDataByBundle(t *testing.T) {
	h := newHub(t)
	council := h.council(t, "Jyderup")
	pool := model.Pool{CouncilID: model.MunicipalityID, Name: "Fællesskabspuljen", Available: 200_000_00, MaxPerApp: 20_000_00, OpenAllYear: true}
	ok(t, h.db.SavePool(t.Context(), model.Pool{}, &pool))

	var out bytes.Buffer
	_, err := cli.WriteBundle(context.Background(), &out, h.db, council)
	ok(t, err)
	laptop := open(t, "offline", 0)
	_, _, err = cli.ImportBundle(context.Background(), bytes.NewReader(out.Bytes()), laptop)
	ok(t, err)
	pools, err := laptop.Pools(t.Context())
	ok(t, err)
	if len(pools) != 1 || pools[0].Name != "Fællesskabspuljen" || pools[0].MaxPerApp != 20_000_00 {
		t.Fatalf("pools on the laptop: %+v", pools)
	}
	var back bytes.Buffer
	_, err = cli.WriteBundle(context.Background(), &back, laptop, council)
	ok(t, err)
	if _, _, err := cli.HubImportBundle(context.Background(), bytes.NewReader(back.Bytes()), h.db, now, 24*time.Hour); err != nil {
		t.Errorf("the laptop's bundle with the municipality's pool was refused: %v", err)
	}
}
