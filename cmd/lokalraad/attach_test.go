package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

func TestAttachCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "l.db")
	db, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c := model.Council{Name: "Jyderup Lokalråd"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.SaveCouncil(model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: time.Date(2027, 1, 12, 18, 0, 0, 0, time.UTC)}
	must(db.SaveMeeting(model.Meeting{}, &m))
	var items []model.AgendaItem
	for _, title := range []string{"Godkendelse af dagsorden", "Stien ved søen"} {
		it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: title, Kind: model.ItemDecision}
		must(db.SaveAgendaItem(model.AgendaItem{}, &it))
		items = append(items, it)
	}
	w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Bænke", Status: model.WishDraft}
	must(db.SaveBudgetWish(model.BudgetWish{}, &w))
	must(db.Close())

	file := filepath.Join(dir, "Tilbud fra Brøndum.pdf")
	must(os.WriteFile(file, []byte("%PDF-1.4 tilbud"), 0o644))
	out, _, err := runCmd(t, "attach", "--db", path, "--item", items[1].ID, file)
	must(err)
	id := strings.TrimSpace(out)
	// Flags after the file work too.
	out2, _, err := runCmd(t, "attach", file, "--db", path, "--wish", w.ID)
	must(err)

	db, err = storage.Open(path)
	must(err)
	a, err := db.Attachment(id)
	if err != nil || a.OwnerID != items[1].ID || a.Name != "Tilbud fra Brøndum.pdf" || a.MediaType != "application/pdf" {
		t.Fatalf("printed id %q: %+v, %v", id, a, err)
	}
	if got, err := db.ReadAttachment(a); err != nil || string(got) != "%PDF-1.4 tilbud" {
		t.Errorf("stored file %q, %v", got, err)
	}
	if b, err := db.Attachment(strings.TrimSpace(out2)); err != nil || b.OwnerKind != model.OwnerWish {
		t.Errorf("wish attachment %+v, %v", b, err)
	}
	db.Close()

	list, _, err := runCmd(t, "attach", "list", "--db", path, "--meeting", m.ID)
	must(err)
	if lines := strings.Split(strings.TrimSpace(list), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], id+"\tpunkt 2\tTilbud fra Brøndum.pdf\t") || !strings.HasSuffix(lines[0], "\thentet") {
		t.Errorf("list:\n%s", list)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"attach", "--db", path, "--item", items[0].ID, filepath.Join(dir, "findes-ikke.pdf")}, "findes ikke"},
		{[]string{"attach", "--db", path, file}, "brug:"},
		{[]string{"attach", "--db", path, "--item", "x", "--wish", w.ID, file}, "brug:"},
		{[]string{"attach", "--db", path, "--item", "intet-punkt", file}, "findes ikke"},
		{[]string{"attach", "list", "--db", path, "--meeting", "intet-møde"}, "findes ikke"},
	} {
		if _, _, err := runCmd(t, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args[1:], err, c.want)
		}
	}
}
