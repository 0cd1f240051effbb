package storage_test

import (
	"context"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// fileRows is what one workbook holds, as Read gives it (fresh each time).
func fileRows(cid string) ([]model.Member, []model.Project, []model.BudgetWish) {
	return []model.Member{{CouncilID: cid, Name: "Anne Holm", Role: model.RoleChair}, {CouncilID: cid, Name: "Bo Ravn", Role: model.RoleMember}},
		[]model.Project{{CouncilID: cid, Title: "Shelter", Status: model.ProjectIdea}},
		[]model.BudgetWish{{CouncilID: cid, Year: 2027, Title: "Cykelsti", Status: model.WishDraft, Estimate: 100_00}}
}

// Importing the same file twice finds every row of it; skipping adds
// nothing, updating changes the stored rows and keeps what the file leaves
// empty.
func TestImportSameFileTwice(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	ms0, ps0, ws0 := fileRows(c.ID)
	must(t, db.Import(t.Context(), ms0, ps0, ws0))
	ms := noerr.Get(db.Members(t.Context(), c.ID))(t)
	for _, m := range ms {
		if m.Name == "Bo Ravn" {
			m2 := m
			m2.Phone = "20 30 40 50"
			must(t, db.SaveMember(t.Context(), m, &m2))
		}
	}

	m, p, w := fileRows(c.ID)
	m[0].Name = "  anne holm " // the same person, typed differently
	w[0].Estimate = 250_00
	matches, err := db.ImportMatches(t.Context(), c.ID, m, p, w)
	must(t, err)
	if matches.Len() != 4 {
		t.Fatalf("%d rows found again, want all 4: %+v", matches.Len(), matches)
	}
	w2 := append(w, model.BudgetWish{CouncilID: c.ID, Year: 2028, Title: "Cykelsti", Status: model.WishDraft, Estimate: 1})
	if matches := noerr.Get(db.ImportMatches(t.Context(), c.ID, m, p, w2))(t); len(matches.Wishes) != 1 {
		t.Errorf("a wish of another year is taken as the same: %+v", matches.Wishes)
	}

	sm, sp, sw, err := db.Resolve(t.Context(), matches, storage.ExistingSkip, m, p, nil, w)
	must(t, err)
	if len(sm)+len(sp)+len(sw) != 0 {
		t.Fatalf("skip left %d members, %d projects, %d wishes", len(sm), len(sp), len(sw))
	}
	must(t, db.Import(t.Context(), sm, sp, sw))
	if ms := noerr.Get(db.Members(t.Context(), c.ID))(t); len(ms) != 2 {
		t.Errorf("%d members after importing the file again, skipping", len(ms))
	}

	um, up, uw, err := db.Resolve(t.Context(), matches, storage.ExistingUpdate, m, p, nil, w)
	must(t, err)
	must(t, db.Import(t.Context(), um, up, uw))
	ms = noerr.Get(db.Members(t.Context(), c.ID))(t)
	ws := noerr.Get(db.BudgetWishes(t.Context(), c.ID, 0))(t)
	ps := noerr.Get(db.Projects(t.Context(), c.ID))(t)
	if len(ms) != 2 || len(ws) != 1 || len(ps) != 1 {
		t.Fatalf("update added rows: %d members, %d wishes, %d projects", len(ms), len(ws), len(ps))
	}
	if ws[0].Estimate != 250_00 {
		t.Errorf("updated estimate %d, want the file's 250 kr.", ws[0].Estimate)
	}
	for _, m := range ms {
		if m.Name == "Bo Ravn" && m.Phone != "20 30 40 50" {
			t.Errorf("the phone the file leaves empty was lost: %+v", m)
		}
	}
}

// A cancelled import (Ctrl-C) writes nothing.
func TestImportCancelledWritesNothing(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m, p, w := fileRows(c.ID)
	if err := db.Import(ctx, m, p, w); err == nil {
		t.Fatal("a cancelled import reports success")
	}
	ms := noerr.Get(db.Members(t.Context(), c.ID))(t)
	ws := noerr.Get(db.BudgetWishes(t.Context(), c.ID, 0))(t)
	if len(ms)+len(ws) != 0 {
		t.Errorf("a cancelled import wrote %d members and %d wishes", len(ms), len(ws))
	}
}

// A project's responsible, a name in the file, is linked to the member of
// that name: one the same file brings, or one already stored (also when
// the file's copy of that member is skipped); an unknown name links none,
// and an update keeps the stored link then.
func TestImportLinksResponsibleByName(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	stored := model.Member{CouncilID: c.ID, Name: "Bo Ravn", Role: model.RoleMember}
	must(t, db.SaveMember(t.Context(), model.Member{}, &stored))

	members := []model.Member{{CouncilID: c.ID, Name: "Anne Holm", Role: model.RoleChair}, {CouncilID: c.ID, Name: "Bo Ravn", Role: model.RoleMember}}
	projects := []model.Project{
		{CouncilID: c.ID, Title: "Shelter", Status: model.ProjectIdea},
		{CouncilID: c.ID, Title: "Bålplads", Status: model.ProjectIdea},
		{CouncilID: c.ID, Title: "Juletræ", Status: model.ProjectIdea},
	}
	names := []string{" anne holm", "BO RAVN", "Ukendt Person"}
	matches := noerr.Get(db.ImportMatches(t.Context(), c.ID, members, projects, nil))(t)
	ms, ps, _, err := db.Resolve(t.Context(), matches, storage.ExistingSkip, members, projects, names, nil)
	must(t, err)
	must(t, db.Import(t.Context(), ms, ps, nil))

	byName := map[string]string{}
	for _, m := range noerr.Get(db.Members(t.Context(), c.ID))(t) {
		byName[m.ID] = m.Name
	}
	got := map[string]string{}
	for _, p := range noerr.Get(db.Projects(t.Context(), c.ID))(t) {
		got[p.Title] = byName[p.ResponsibleID]
	}
	want := map[string]string{"Shelter": "Anne Holm", "Bålplads": "Bo Ravn", "Juletræ": ""}
	for title, name := range want {
		if got[title] != name {
			t.Errorf("%s: responsible %q, want %q", title, got[title], name)
		}
	}

	// The file again, with an unknown name for Shelter, updating: the
	// stored link stays.
	names[0] = "Nogen Andre"
	matches = noerr.Get(db.ImportMatches(t.Context(), c.ID, members, projects, nil))(t)
	ms, ps, _, err = db.Resolve(t.Context(), matches, storage.ExistingUpdate, members, projects, names, nil)
	must(t, err)
	must(t, db.Import(t.Context(), ms, ps, nil))
	for _, p := range noerr.Get(db.Projects(t.Context(), c.ID))(t) {
		if p.Title == "Shelter" && byName[p.ResponsibleID] != "Anne Holm" {
			t.Errorf("an update with an unknown name changed Shelter's responsible to %q", byName[p.ResponsibleID])
		}
	}
}

// A treasurer's workbook names as »Tovholder« someone who is no member: the
// project is imported without a responsible member, and the name is kept
// in its working group instead of being dropped without a word; a name
// the working group already holds is not doubled, and the name is written
// as the group's list is: after a comma, or on a line of its own.
func TestImportKeepsAResponsibleWhoIsNoMember(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	projects := []model.Project{
		{CouncilID: c.ID, Title: "Bænke ved søen", Status: model.ProjectIdea},
		{CouncilID: c.ID, Title: "Legeplads", Status: model.ProjectIdea, WorkingGroup: "Spejderne"},
		{CouncilID: c.ID, Title: "Juletræ", Status: model.ProjectIdea, WorkingGroup: "Hans Kasserer, Spejderne"},
		{CouncilID: c.ID, Title: "Shelter", Status: model.ProjectIdea, WorkingGroup: "Spejderne\nAnne Holm"},
	}
	names := []string{" Hans Kasserer ", "Hans Kasserer", "hans kasserer", "Hans Kasserer"}
	matches := noerr.Get(db.ImportMatches(t.Context(), c.ID, nil, projects, nil))(t)
	_, ps, _, err := db.Resolve(t.Context(), matches, storage.ExistingSkip, nil, projects, names, nil)
	must(t, err)
	must(t, db.Import(t.Context(), nil, ps, nil))
	want := map[string]string{
		"Bænke ved søen": "Hans Kasserer",
		"Legeplads":      "Hans Kasserer, Spejderne",
		"Juletræ":        "Hans Kasserer, Spejderne",
		// typed one a line in the editor: the name gets a line of its own
		"Shelter": "Hans Kasserer\nSpejderne\nAnne Holm",
	}
	for _, p := range noerr.Get(db.Projects(t.Context(), c.ID))(t) {
		if p.ResponsibleID != "" {
			t.Errorf("%s: linked to member %q", p.Title, p.ResponsibleID)
		}
		if p.WorkingGroup != want[p.Title] {
			t.Errorf("%s: working group %q, want %q", p.Title, p.WorkingGroup, want[p.Title])
		}
	}
}
