package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// fixedNow is the clock of every test: Thursday 26 November 2026, 12:00 UTC.
var fixedNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func openTemp(t *testing.T) (*storage.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lokalraad.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return fixedNow }
	t.Cleanup(func() { db.Close() })
	return db, path
}

func newCouncil(t *testing.T, db *storage.DB) model.Council {
	t.Helper()
	c := model.Council{Name: "Jyderup Lokalråd", Area: "Jyderup", AnnualGrant: 30_000_00}
	must(t, db.SaveCouncil(t.Context(), model.Council{}, &c))
	return c
}

func newMeeting(t *testing.T, db *storage.DB, councilID string, start time.Time) model.Meeting {
	t.Helper()
	m := model.Meeting{CouncilID: councilID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: start, Place: "Forsamlingshuset"}
	must(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m))
	return m
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenCreatesAndReopens(t *testing.T) {
	db, path := openTemp(t)
	c := newCouncil(t, db)
	device := db.DeviceID()
	if device == "" {
		t.Fatal("no device id")
	}
	must(t, db.Close())

	db2, err := storage.Open(context.Background(), path)
	must(t, err)
	defer db2.Close()
	if db2.DeviceID() != device {
		t.Errorf("device id changed on reopen: %s → %s", device, db2.DeviceID())
	}
	got, err := db2.Council(t.Context(), c.ID)
	if err != nil || got != c {
		t.Errorf("council after reopen = %+v, %v; want %+v", got, err, c)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	db, path := openTemp(t)
	newCouncil(t, db)
	must(t, db.Exec("PRAGMA user_version = 999"))
	db.Close()
	before := noerr.Get(os.ReadFile(path))(t)
	_, err := storage.Open(context.Background(), path)
	if !errors.Is(err, storage.ErrTooNew) {
		t.Fatalf("opening a newer database: err = %v, want ErrTooNew", err)
	}
	after := noerr.Get(os.ReadFile(path))(t)
	if string(before) != string(after) {
		t.Error("the newer database was changed by a refused open")
	}
}

func TestRefusesNonDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "referat.db")
	junk := []byte(strings.Repeat("Dette er ikke en database. ", 400))
	must(t, os.WriteFile(path, junk, 0o644))
	_, err := storage.Open(context.Background(), path)
	if !errors.Is(err, storage.ErrNotDatabase) {
		t.Fatalf("err = %v, want ErrNotDatabase", err)
	}
	after := noerr.Get(os.ReadFile(path))(t)
	if string(after) != string(junk) {
		t.Error("the file was changed")
	}
}

// Another program's SQLite file (a photo catalogue, given by --db by
// mistake) is refused, not made a Lokalråd database: its tables and rows
// stay as they were and no Lokalråd table is added.
func TestRefusesOtherProgramsDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fotos.db")
	other, err := sql.Open("sqlite", path)
	must(t, err)
	_, err = other.Exec("CREATE TABLE fotos(id INTEGER PRIMARY KEY, navn TEXT); INSERT INTO fotos(navn) VALUES ('Sankt Hans 2025')")
	must(t, err)
	must(t, other.Close())

	_, err = storage.Open(context.Background(), path)
	if !errors.Is(err, storage.ErrNotDatabase) {
		t.Fatalf("opening another program's database: err = %v, want ErrNotDatabase", err)
	}
	other, err = sql.Open("sqlite", path)
	must(t, err)
	defer other.Close()
	var tables []string
	rows, err := other.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	must(t, err)
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		tables = append(tables, n)
	}
	must(t, rows.Err())
	if strings.Join(tables, ",") != "fotos" {
		t.Errorf("tables after a refused open: %v, want only fotos", tables)
	}
}

// Every entity survives a save and a read with all its fields, æøå included.
func TestEntitiesRoundTrip(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, model.Copenhagen) }

	mem := model.Member{CouncilID: c.ID, Name: "Łukasz Ødegård", Role: model.RoleTreasurer, Contact: true,
		TermStart: day(2026, 3, 1), TermEnd: day(2028, 3, 1), Phone: "20 30 40 50", Email: "lukasz@example.dk"}
	must(t, db.SaveMember(t.Context(), model.Member{}, &mem))
	members, err := db.Members(t.Context(), c.ID)
	must(t, err)
	if len(members) != 1 || !equalMember(members[0], mem) {
		t.Errorf("members = %+v, want %+v", members, mem)
	}

	start := time.Date(2026, 12, 3, 18, 30, 0, 0, time.UTC)
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingCitizens, Title: "Borgermøde om stien", Start: start,
		Place: "Hallen", Status: model.MeetingHeld, Attendees: "Şule\nŐdön", Apologies: "Åse"}
	must(t, db.SaveMeeting(t.Context(), model.Meeting{}, &m))
	gotM, err := db.Meeting(t.Context(), m.ID)
	must(t, err)
	if !gotM.Start.Equal(start) || gotM.Title != m.Title || gotM.Attendees != m.Attendees || gotM.Kind != m.Kind || gotM.Status != m.Status {
		t.Errorf("meeting = %+v", gotM)
	}

	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Stien", Kind: model.ItemDecision, Minutes: 25,
		Background: "Baggrund", Notes: "Referat", Decision: "Besluttet"}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	if it.Position != 1 {
		t.Errorf("first item got position %d", it.Position)
	}
	gotI, err := db.AgendaItem(t.Context(), it.ID)
	must(t, err)
	if gotI != it {
		t.Errorf("item = %+v, want %+v", gotI, it)
	}

	a := model.ActionItem{CouncilID: c.ID, MeetingID: m.ID, AgendaItemID: it.ID, Who: "Karen", What: "Ring til vejafdelingen", Due: day(2026, 12, 20)}
	must(t, db.SaveActionItem(t.Context(), model.ActionItem{}, &a))
	acts, err := db.MeetingActionItems(t.Context(), m.ID)
	must(t, err)
	if len(acts) != 1 || acts[0].What != a.What || !acts[0].Due.Equal(a.Due) || acts[0].Done {
		t.Errorf("actions = %+v", acts)
	}
	a.Done = true
	must(t, db.SaveActionItem(t.Context(), storage.Overwriting(t.Context(), db, a), &a))
	if !a.DoneAt.Equal(fixedNow) {
		t.Errorf("DoneAt = %v, want the clock %v", a.DoneAt, fixedNow)
	}

	p := model.Project{CouncilID: c.ID, Title: "Shelter", Description: "Ved søen", Status: model.ProjectRunning,
		ResponsibleID: mem.ID, WorkingGroup: "A\nB", Start: day(2026, 4, 1), End: day(2026, 10, 1), Progress: 40}
	must(t, db.SaveProject(t.Context(), model.Project{}, &p))
	gotP, err := db.Project(t.Context(), p.ID)
	must(t, err)
	if gotP.Title != p.Title || gotP.ResponsibleID != mem.ID || !gotP.Start.Equal(p.Start) || !gotP.End.Equal(p.End) || gotP.Progress != 40 || gotP.Status != p.Status {
		t.Errorf("project = %+v", gotP)
	}
	l := model.BudgetLine{CouncilID: c.ID, ProjectID: p.ID, Text: "Tømmer", Kind: model.LineExpense, Amount: 12_500_50}
	must(t, db.SaveBudgetLine(t.Context(), model.BudgetLine{}, &l))
	lines, err := db.BudgetLines(t.Context(), p.ID)
	must(t, err)
	if len(lines) != 1 || lines[0] != l {
		t.Errorf("lines = %+v", lines)
	}
	app := model.FundingApplication{CouncilID: c.ID, ProjectID: p.ID, Pool: "Udviklingspuljen", Deadline: day(2027, 3, 1),
		Applied: 50_000_00, Granted: 0, Status: model.ApplicationSent, VolunteerHours: 120}
	must(t, db.SaveFundingApplication(t.Context(), model.FundingApplication{}, &app))
	apps, err := db.FundingApplications(t.Context(), p.ID)
	must(t, err)
	if len(apps) != 1 || apps[0].Pool != app.Pool || !apps[0].Deadline.Equal(app.Deadline) || apps[0].VolunteerHours != 120 || apps[0].Applied != app.Applied {
		t.Errorf("apps = %+v", apps)
	}

	w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Cykelsti", Justification: "Sikker skolevej",
		Category: "Veje og stier", Estimate: 1_250_000_00, Status: model.WishSubmitted, Answer: model.AnswerPartly, AnswerText: "Delvist", Granted: 500_000_00}
	must(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	if w.Rank != 1 {
		t.Errorf("first wish got rank %d", w.Rank)
	}
	wishes, err := db.BudgetWishes(t.Context(), c.ID, 2027)
	must(t, err)
	if len(wishes) != 1 || wishes[0] != w {
		t.Errorf("wishes = %+v, want %+v", wishes, w)
	}

	d, err := db.CouncilData(t.Context(), c.ID)
	must(t, err)
	if len(d.Members) != 1 || len(d.Meetings) != 1 || len(d.Items) != 1 || len(d.Actions) != 1 || len(d.Projects) != 1 ||
		len(d.Lines) != 1 || len(d.Applications) != 1 || len(d.Wishes) != 1 {
		t.Errorf("CouncilData is incomplete: %+v", d)
	}
}

func equalMember(a, b model.Member) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Role == b.Role && a.Contact == b.Contact && a.Phone == b.Phone &&
		a.Email == b.Email && a.TermStart.Equal(b.TermStart) && a.TermEnd.Equal(b.TermEnd)
}

func TestInvalidIsNotSaved(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "", Status: model.WishDraft}
	err := db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w)
	var fe *model.FieldError
	if !errors.As(err, &fe) || fe.Field != "title" {
		t.Fatalf("err = %v, want a FieldError on title", err)
	}
	if w.ID != "" {
		t.Error("a refused wish got an id")
	}
	if ws := noerr.Get(db.BudgetWishes(t.Context(), c.ID, 0))(t); len(ws) != 0 {
		t.Errorf("stored %v", ws)
	}
}

// Every edit appends to the change log in the same transaction: one op a
// changed field, based on the field's previous version.
func TestChangeLogRecordsEveryEdit(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	m := newMeeting(t, db, c.ID, fixedNow)
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Shelter", Kind: model.ItemDiscussion}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	before, err := db.ChangeLog()
	must(t, err)

	// No change, no op.
	must(t, db.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), db, it), &it))
	same := noerr.Get(db.ChangeLog())(t)
	if len(same) != len(before) {
		t.Fatalf("saving an unchanged item wrote %d ops", len(same)-len(before))
	}

	it.Notes = "Vi drøftede placeringen."
	must(t, db.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), db, it), &it))
	after := noerr.Get(db.ChangeLog())(t)
	if len(after) != len(before)+1 {
		t.Fatalf("editing one field wrote %d ops, want 1", len(after)-len(before))
	}
	op := after[len(after)-1]
	if op.Table != "agenda_items" || op.Row != it.ID || op.Field != "notes" || op.Value != "Vi drøftede placeringen." || op.Council != c.ID || op.Device != db.DeviceID() {
		t.Errorf("op = %+v", op)
	}
	// The base says the edit had seen the op that created the field.
	var created storage.Op
	for _, o := range before {
		if o.Row == it.ID && o.Field == "notes" {
			created = o
		}
	}
	if !storage.Saw(op.Base, created.Device, created.Seq) || storage.Saw(op.Base, created.Device, created.Seq+1) {
		t.Errorf("base = %q, want it to name exactly %s:%d", op.Base, created.Device, created.Seq)
	}
	// Op ids are unique and sequences and clocks strictly increase.
	for i := 1; i < len(after); i++ {
		if after[i].Seq != after[i-1].Seq+1 || after[i].HLC <= after[i-1].HLC {
			t.Fatalf("ops %d and %d out of order: %+v %+v", i-1, i, after[i-1], after[i])
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The hybrid logical clock keeps increasing when the wall clock jumps back.
func TestClockNeverGoesBack(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	db.Now = func() time.Time { return fixedNow.Add(-48 * time.Hour) }
	c.Name = "Jyderup Lokalforum"
	must(t, db.SaveCouncil(t.Context(), storage.Overwriting(t.Context(), db, c), &c))
	ops := noerr.Get(db.ChangeLog())(t)
	last := ops[len(ops)-1]
	for _, o := range ops[:len(ops)-1] {
		if o.HLC >= last.HLC {
			t.Fatalf("op after the clock went back has hlc %d, not after %d", last.HLC, o.HLC)
		}
	}
}

func TestDeleteMeetingCascadesWithTombstones(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	m := newMeeting(t, db, c.ID, fixedNow)
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Punkt", Kind: model.ItemInformation}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	a := model.ActionItem{CouncilID: c.ID, MeetingID: m.ID, What: "Opgave"}
	must(t, db.SaveActionItem(t.Context(), model.ActionItem{}, &a))
	must(t, db.DeleteMeeting(t.Context(), m.ID))

	if _, err := db.Meeting(t.Context(), m.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("meeting still there: %v", err)
	}
	if items := noerr.Get(db.AgendaItems(t.Context(), m.ID))(t); len(items) != 0 {
		t.Errorf("items left: %v", items)
	}
	for table, id := range map[string]string{"meetings": m.ID, "agenda_items": it.ID, "action_items": a.ID} {
		if !db.Tombstoned(table, id) {
			t.Errorf("%s %s has no tombstone", table, id)
		}
	}
	ops := noerr.Get(db.ChangeLog())(t)
	deletes := 0
	for _, o := range ops {
		if o.Field == "" {
			deletes++
		}
	}
	if deletes != 3 {
		t.Errorf("%d delete ops, want 3", deletes)
	}
	if hits := noerr.Get(db.Search(t.Context(), c.ID, "Punkt", 10))(t); len(hits) != 0 {
		t.Errorf("deleted item still found: %v", hits)
	}
}

func TestApprovedMinutesAreLocked(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	m := newMeeting(t, db, c.ID, fixedNow.Add(-24*time.Hour))
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Økonomi", Kind: model.ItemInformation, Decision: "Taget til efterretning"}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	m.Status = model.MeetingApproved
	must(t, db.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), db, m), &m))
	if !m.ApprovedAt.Equal(fixedNow) {
		t.Errorf("ApprovedAt = %v", m.ApprovedAt)
	}

	it.Decision = "Ændret i smug"
	if err := db.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), db, it), &it); !errors.Is(err, storage.ErrLocked) {
		t.Errorf("editing an approved item: err = %v, want ErrLocked", err)
	}
	if err := db.DeleteAgendaItem(t.Context(), it.ID); !errors.Is(err, storage.ErrLocked) {
		t.Errorf("deleting an approved item: err = %v", err)
	}
	if err := db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Nyt", Kind: model.ItemInformation}); !errors.Is(err, storage.ErrLocked) {
		t.Errorf("adding to approved minutes: err = %v", err)
	}
	m2 := m
	m2.Attendees = "En ekstra"
	if err := db.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), db, m2), &m2); !errors.Is(err, storage.ErrLocked) {
		t.Errorf("editing an approved meeting: err = %v", err)
	}
	got := noerr.Get(db.AgendaItem(t.Context(), it.ID))(t)
	if got.Decision != "Taget til efterretning" {
		t.Errorf("decision changed to %q", got.Decision)
	}

	// Reopening is explicit, and then edits go through.
	m.Status = model.MeetingHeld
	must(t, db.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), db, m), &m))
	if !m.ApprovedAt.IsZero() {
		t.Error("a reopened meeting is still marked approved")
	}
	must(t, db.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), db, it), &it))
}

func TestMoveAgendaItems(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	m := newMeeting(t, db, c.ID, fixedNow)
	var ids []string
	for _, title := range []string{"Dagsorden", "Referat", "Økonomi", "Eventuelt"} {
		it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: title, Kind: model.ItemInformation}
		must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
		ids = append(ids, it.ID)
	}
	must(t, db.MoveAgendaItem(t.Context(), ids[2], -2)) // Økonomi first
	must(t, db.DeleteAgendaItem(t.Context(), ids[1]))   // Referat gone; renumbered
	items := noerr.Get(db.AgendaItems(t.Context(), m.ID))(t)
	var got []string
	for _, it := range items {
		got = append(got, it.Title+"="+itoa(int64(it.Position)))
	}
	if strings.Join(got, " ") != "Økonomi=1 Dagsorden=2 Eventuelt=3" {
		t.Errorf("agenda = %v", got)
	}
}

func TestWishPriorities(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	var ids []string
	for _, title := range []string{"Cykelsti", "Belysning", "Legeplads"} {
		w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: title, Status: model.WishDraft}
		must(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
		ids = append(ids, w.ID)
	}
	// Another year does not share the numbering.
	other := model.BudgetWish{CouncilID: c.ID, Year: 2028, Title: "Senere", Status: model.WishDraft}
	must(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &other))
	if other.Rank != 1 {
		t.Errorf("first wish of 2028 has rank %d", other.Rank)
	}
	must(t, db.MoveBudgetWish(t.Context(), ids[2], -1))
	ws := noerr.Get(db.BudgetWishes(t.Context(), c.ID, 2027))(t)
	var got []string
	for _, w := range ws {
		got = append(got, w.Title)
	}
	if strings.Join(got, ",") != "Cykelsti,Legeplads,Belysning" {
		t.Errorf("order = %v", got)
	}
	years := noerr.Get(db.WishYears(t.Context(), c.ID))(t)
	if len(years) != 2 || years[0] != 2028 {
		t.Errorf("years = %v", years)
	}
}

func TestCarriedOver(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	oct := newMeeting(t, db, c.ID, fixedNow.AddDate(0, -1, 0))
	nov := newMeeting(t, db, c.ID, fixedNow)
	dec := newMeeting(t, db, c.ID, fixedNow.AddDate(0, 1, 0))
	open := model.ActionItem{CouncilID: c.ID, MeetingID: oct.ID, What: "Søg puljen"}
	must(t, db.SaveActionItem(t.Context(), model.ActionItem{}, &open))
	done := model.ActionItem{CouncilID: c.ID, MeetingID: oct.ID, What: "Book hallen", Done: true}
	db.Now = func() time.Time { return fixedNow.AddDate(0, 0, -10) }
	must(t, db.SaveActionItem(t.Context(), model.ActionItem{}, &done))
	atNov := model.ActionItem{CouncilID: c.ID, MeetingID: nov.ID, What: "Skriv til kommunen"}
	must(t, db.SaveActionItem(t.Context(), model.ActionItem{}, &atNov))

	got, err := db.CarriedOver(t.Context(), nov)
	must(t, err)
	if len(got) != 1 || got[0].ID != open.ID {
		t.Errorf("to November: %+v", got)
	}
	got = noerr.Get(db.CarriedOver(t.Context(), dec))(t)
	if len(got) != 2 {
		t.Errorf("to December: %+v", got)
	}
}

func TestSearch(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	other := model.Council{Name: "Tølløse Lokalråd"}
	must(t, db.SaveCouncil(t.Context(), model.Council{}, &other))
	m := newMeeting(t, db, c.ID, fixedNow)
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Shelter ved søen", Kind: model.ItemDecision,
		Notes: "Vi drøftede placeringen ved Søbredden", Decision: "Arbejdsgruppen søger Udviklingspuljen"}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	p := model.Project{CouncilID: c.ID, Title: "Bålplads", Description: "Ved søen og shelteret", Status: model.ProjectIdea}
	must(t, db.SaveProject(t.Context(), model.Project{}, &p))
	w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Cykelsti", Justification: "Sikker vej til skolen", Status: model.WishDraft}
	must(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	om := newMeeting(t, db, other.ID, fixedNow)
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &model.AgendaItem{CouncilID: other.ID, MeetingID: om.ID, Title: "Shelter i Tølløse", Kind: model.ItemDecision}))

	cases := map[string][]string{
		"søbred":           {it.ID},       // prefix of a word in the minutes
		"udviklingspuljen": {it.ID},       // in a decision, any case
		"shelter":          {it.ID, p.ID}, // title and description; not the other council
		"skolen sikker":    {w.ID},        // every word, any order
		`"sti OR (`:        nil,           // FTS syntax typed by a user is plain text
		"":                 nil,
	}
	for q, want := range cases {
		hits, err := db.Search(t.Context(), c.ID, q, 50)
		if err != nil {
			t.Errorf("Search(%q): %v", q, err)
			continue
		}
		var got []string
		for _, h := range hits {
			got = append(got, h.ID)
		}
		if !sameSet(got, want) {
			t.Errorf("Search(%q) = %v, want %v", q, got, want)
		}
	}
	// An edit is found at once; the old text no longer is.
	it.Decision = "Udsat til næste møde"
	must(t, db.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), db, it), &it))
	if hits := noerr.Get(db.Search(t.Context(), c.ID, "udviklingspuljen", 10))(t); len(hits) != 0 {
		t.Errorf("old decision still found: %v", hits)
	}
	if hits := noerr.Get(db.Search(t.Context(), c.ID, "udsat", 10))(t); len(hits) != 1 || !strings.Contains(hits[0].Snippet, "«Udsat»") {
		t.Errorf("new decision: %+v", hits)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestDeleteCouncilRemovesEverything(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	keep := model.Council{Name: "Tølløse Lokalråd"}
	must(t, db.SaveCouncil(t.Context(), model.Council{}, &keep))
	m := newMeeting(t, db, c.ID, fixedNow)
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "x", Kind: model.ItemInformation}))
	p := model.Project{CouncilID: c.ID, Title: "P", Status: model.ProjectIdea}
	must(t, db.SaveProject(t.Context(), model.Project{}, &p))
	must(t, db.SaveBudgetLine(t.Context(), model.BudgetLine{}, &model.BudgetLine{CouncilID: c.ID, ProjectID: p.ID, Text: "l", Kind: model.LineExpense}))
	must(t, db.DeleteCouncil(t.Context(), c.ID))
	cs := noerr.Get(db.Councils(t.Context()))(t)
	if len(cs) != 1 || cs[0].ID != keep.ID {
		t.Errorf("councils = %v", cs)
	}
	if _, err := db.CouncilData(t.Context(), c.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("CouncilData of deleted council: %v", err)
	}
}

func TestDeleteMemberClearsResponsibility(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	mem := model.Member{CouncilID: c.ID, Name: "Karen", Role: model.RoleChair}
	must(t, db.SaveMember(t.Context(), model.Member{}, &mem))
	p := model.Project{CouncilID: c.ID, Title: "P", Status: model.ProjectIdea, ResponsibleID: mem.ID}
	must(t, db.SaveProject(t.Context(), model.Project{}, &p))
	must(t, db.DeleteMember(t.Context(), mem.ID))
	got := noerr.Get(db.Project(t.Context(), p.ID))(t)
	if got.ResponsibleID != "" {
		t.Errorf("project still points at a deleted member")
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	existing := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Findes", Status: model.WishDraft}
	must(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &existing))
	good := []model.BudgetWish{
		{CouncilID: c.ID, Year: 2027, Title: "Cykelsti", Status: model.WishDraft, Estimate: 100_00},
		{CouncilID: c.ID, Year: 2027, Title: "Lys", Status: model.WishDraft},
	}
	bad := append(append([]model.BudgetWish{}, good...), model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "", Status: model.WishDraft})
	if err := db.Import(t.Context(), nil, nil, bad); err == nil {
		t.Fatal("an import with an invalid wish was accepted")
	}
	if ws := noerr.Get(db.BudgetWishes(t.Context(), c.ID, 2027))(t); len(ws) != 1 {
		t.Fatalf("a refused import wrote %d wishes", len(ws)-1)
	}
	members := []model.Member{{CouncilID: c.ID, Name: "Şule Yılmaz", Role: model.RoleSecretary}}
	projects := []model.Project{{CouncilID: c.ID, Title: "Shelter", Status: model.ProjectIdea}}
	must(t, db.Import(t.Context(), members, projects, good))
	ws := noerr.Get(db.BudgetWishes(t.Context(), c.ID, 2027))(t)
	if len(ws) != 3 || ws[1].Title != "Cykelsti" || ws[1].Rank != 2 || ws[2].Rank != 3 {
		t.Errorf("wishes after import: %+v", ws)
	}
	if ms := noerr.Get(db.Members(t.Context(), c.ID))(t); len(ms) != 1 || ms[0].Name != "Şule Yılmaz" {
		t.Errorf("members: %+v", ms)
	}
	if ps := noerr.Get(db.Projects(t.Context(), c.ID))(t); len(ps) != 1 {
		t.Errorf("projects: %+v", ps)
	}
}

// An editor that loaded a row before a sync changed it does not undo the
// sync's edits: fields it left alone keep what is stored; a long text it
// changed too is merged three ways; the saved struct shows the result.
func TestSaveKeepsWhatChangedMeanwhile(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	m := newMeeting(t, db, c.ID, fixedNow)
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Økonomi", Kind: model.ItemInformation,
		Notes: "Linje 1\nLinje 2\nLinje 3\n"}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	loaded := it // what the editor on screen shows

	// Meanwhile (a sync): another device added to line 3 and set a decision.
	other := it
	other.Notes = "Linje 1\nLinje 2\nLinje 3 (Søren)\n"
	other.Decision = "Godkendt"
	must(t, db.SaveAgendaItem(t.Context(), it, &other))

	// The editor, still showing the old text, changes the title only.
	edited := loaded
	edited.Title = "Økonomi og regnskab"
	must(t, db.SaveAgendaItem(t.Context(), loaded, &edited))
	got := noerr.Get(db.AgendaItem(t.Context(), it.ID))(t)
	if got.Title != "Økonomi og regnskab" || got.Notes != other.Notes || got.Decision != "Godkendt" {
		t.Fatalf("a stale editor undid the sync: %+v", got)
	}
	if edited != got {
		t.Errorf("the saved struct is not what was stored: %+v", edited)
	}

	// Then it edits line 1 of the text it still shows: both lines stay.
	loaded = edited
	stale := loaded
	stale.Notes = "Linje 1 (Karen)\nLinje 2\nLinje 3\n"
	loaded.Notes = "Linje 1\nLinje 2\nLinje 3\n" // the screen never showed Søren's line
	must(t, db.SaveAgendaItem(t.Context(), loaded, &stale))
	got = noerr.Get(db.AgendaItem(t.Context(), it.ID))(t)
	if got.Notes != "Linje 1 (Karen)\nLinje 2\nLinje 3 (Søren)\n" {
		t.Errorf("notes = %q", got.Notes)
	}

	// A save cannot forget what it was loaded from: an existing row saved
	// as new is refused and keeps what is stored.
	blind := got
	blind.Decision = ""
	if err := db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &blind); !errors.Is(err, storage.ErrNotLoaded) {
		t.Errorf("an existing row saved as new: %v", err)
	}
	// Overwriting says so on purpose: the row is written as given.
	must(t, db.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), db, blind), &blind))
	if got := noerr.Get(db.AgendaItem(t.Context(), it.ID))(t); got.Decision != "" {
		t.Errorf("overwrite: %+v", got)
	}
}
