package storage_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, model.Copenhagen)
}

func TestMunicipalRoundTrip(t *testing.T) {
	db, _ := openTemp(t)
	p := model.Pool{Name: "Lokalområdernes Udviklingspulje", Description: "4 × 50.000 kr. om året.", Rules: "Mindst 100.000 kr. i alt.\n",
		Available: 200_000_00, MaxPerApp: 50_000_00, Deadline: day(2027, 3, 1)}
	must(t, db.SavePool(t.Context(), model.Pool{}, &p))
	if p.ID == "" || p.CouncilID != model.MunicipalityID {
		t.Fatalf("saved pool = %+v", p)
	}
	open := model.Pool{Name: "Fællesskabspuljen", MaxPerApp: 20_000_00, OpenAllYear: true}
	must(t, db.SavePool(t.Context(), model.Pool{}, &open))
	pools, err := db.Pools(t.Context())
	must(t, err)
	if !reflect.DeepEqual(pools, []model.Pool{open, p}) {
		t.Errorf("pools = %+v", pools)
	}
	if got, err := db.Pool(t.Context(), p.ID); err != nil || !reflect.DeepEqual(got, p) {
		t.Errorf("pool = %+v, %v", got, err)
	}

	d := model.MunicipalDeadline{Title: "Høringssvar, budget 2028", Date: day(2027, 8, 30), Kind: "Budgethøring", Description: "Send via kommunen."}
	must(t, db.SaveDeadline(t.Context(), model.MunicipalDeadline{}, &d))
	c := model.Contact{Name: "Ida Ørsted", Role: "Fælles-skaber", Phone: "72 36 36 36", Email: "ida@holbaek.dk", Areas: []string{"Jyderup", "Tornved"}}
	all := model.Contact{Name: "Borgerservice", Phone: "72 36 00 00"}
	must(t, db.SaveContact(t.Context(), model.Contact{}, &c))
	must(t, db.SaveContact(t.Context(), model.Contact{}, &all))
	a := model.Announcement{Title: "Nye regler", Text: "Læs dem.", Date: day(2026, 11, 20)}
	b := model.Announcement{Title: "Dialogmøde", Date: day(2026, 11, 25)}
	must(t, db.SaveAnnouncement(t.Context(), model.Announcement{}, &a))
	must(t, db.SaveAnnouncement(t.Context(), model.Announcement{}, &b))

	if ds, err := db.Deadlines(t.Context()); err != nil || !reflect.DeepEqual(ds, []model.MunicipalDeadline{d}) {
		t.Errorf("deadlines = %+v, %v", ds, err)
	}
	if cs, err := db.Contacts(t.Context()); err != nil || !reflect.DeepEqual(cs, []model.Contact{all, c}) {
		t.Errorf("contacts = %+v, %v", cs, err)
	}
	if as, err := db.Announcements(t.Context()); err != nil || !reflect.DeepEqual(as, []model.Announcement{b, a}) {
		t.Errorf("announcements (newest first) = %+v, %v", as, err)
	}

	// Every edit is in the change log, under the municipality.
	log, err := db.ChangeLog()
	must(t, err)
	if len(log) == 0 {
		t.Fatal("no change log")
	}
	for _, o := range log {
		if o.Council != model.MunicipalityID {
			t.Errorf("op %+v not the municipality's", o)
		}
	}

	must(t, db.DeletePool(t.Context(), p.ID))
	must(t, db.DeleteDeadline(t.Context(), d.ID))
	must(t, db.DeleteContact(t.Context(), c.ID))
	must(t, db.DeleteAnnouncement(t.Context(), a.ID))
	for table, id := range map[string]string{"pools": p.ID, "deadlines": d.ID, "contacts": c.ID, "announcements": a.ID} {
		if !db.Tombstoned(table, id) {
			t.Errorf("%s %s: no tombstone", table, id)
		}
	}
	if _, err := db.Pool(t.Context(), p.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("deleted pool: %v", err)
	}
	// Invalid data is refused before anything is written.
	bad := model.Pool{Name: "Uden frist"}
	if err := db.SavePool(t.Context(), model.Pool{}, &bad); err == nil || bad.ID != "" {
		t.Errorf("pool without deadline saved: %v, %+v", err, bad)
	}
}

func TestUpcomingDeadlines(t *testing.T) {
	db, _ := openTemp(t)
	for _, p := range []model.Pool{
		{Name: "Udviklingspuljen", Deadline: day(2027, 3, 1)},
		{Name: "For sent", Deadline: day(2026, 11, 25)},
		{Name: "I dag", Deadline: day(2026, 11, 26)},
		{Name: "Langt ude", Deadline: day(2027, 9, 1)},
		{Name: "Fællesskabspuljen", OpenAllYear: true},
	} {
		must(t, db.SavePool(t.Context(), model.Pool{}, &p))
	}
	for _, d := range []model.MunicipalDeadline{
		{Title: "Budgethøring", Date: day(2027, 1, 15), Kind: "Budgethøring"},
		{Title: "Regnskab", Date: day(2027, 3, 1)},
		{Title: "Sidste år", Date: day(2025, 3, 1)},
	} {
		must(t, db.SaveDeadline(t.Context(), model.MunicipalDeadline{}, &d))
	}
	// Noon UTC on 26 November; the horizon is the last day of February
	// plus a day, in Danish time.
	got, err := db.UpcomingDeadlines(t.Context(), fixedNow, day(2027, 3, 1))
	must(t, err)
	var titles, kinds []string
	for _, d := range got {
		titles = append(titles, d.Title)
		kinds = append(kinds, d.Kind)
	}
	wantTitles := []string{"I dag", "Budgethøring", "Regnskab", "Udviklingspuljen"}
	wantKinds := []string{model.DeadlinePool, "Budgethøring", model.DeadlineMunicipal, model.DeadlinePool}
	if !reflect.DeepEqual(titles, wantTitles) || !reflect.DeepEqual(kinds, wantKinds) {
		t.Errorf("upcoming = %v %v, want %v %v", titles, kinds, wantTitles, wantKinds)
	}
	if got[0].RefID == "" || !got[0].Date.Equal(day(2026, 11, 26)) {
		t.Errorf("first = %+v", got[0])
	}
}

// A device enrolled for a council cannot edit the municipality's data; a
// staff device can.
func TestMunicipalOnlyOnStaffDevices(t *testing.T) {
	db, _ := openTemp(t)
	p := model.Pool{Name: "Fællesskabspuljen", OpenAllYear: true}
	must(t, db.SavePool(t.Context(), model.Pool{}, &p)) // not enrolled: the hub's own database, say
	must(t, db.SetMeta(t.Context(), storage.MetaCouncil, "jyderup"))
	p.Name = "Ændret"
	if err := db.SavePool(t.Context(), storage.Overwriting(t.Context(), db, p), &p); !errors.Is(err, storage.ErrMunicipalOnly) {
		t.Errorf("council device saved a pool: %v", err)
	}
	if err := db.DeletePool(t.Context(), p.ID); !errors.Is(err, storage.ErrMunicipalOnly) {
		t.Errorf("council device deleted a pool: %v", err)
	}
	if err := db.SaveContact(t.Context(), model.Contact{}, &model.Contact{Name: "X"}); !errors.Is(err, storage.ErrMunicipalOnly) {
		t.Errorf("council device saved a contact: %v", err)
	}
	must(t, db.SetMeta(t.Context(), storage.MetaStaff, "1"))
	must(t, db.SavePool(t.Context(), storage.Overwriting(t.Context(), db, p), &p))
	// Council data cannot be filed under the municipality.
	if err := db.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: model.MunicipalityID, Name: "Åse", Role: model.RoleMember}); err == nil {
		t.Error("a member of the municipality was saved")
	}
}
