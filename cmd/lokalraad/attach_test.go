package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/pdf/pdftext"
	"lokalraad/storage"
)

func TestAttachCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "l.db")
	db, err := storage.Open(context.Background(), path)
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
	must(db.SaveCouncil(t.Context(), model.Council{}, &c))
	m := model.Meeting{CouncilID: c.ID, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Start: time.Date(2027, 1, 12, 18, 0, 0, 0, time.UTC)}
	must(db.SaveMeeting(t.Context(), model.Meeting{}, &m))
	var items []model.AgendaItem
	for _, title := range []string{"Godkendelse af dagsorden", "Stien ved søen"} {
		it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: title, Kind: model.ItemDecision}
		must(db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
		items = append(items, it)
	}
	w := model.BudgetWish{CouncilID: c.ID, Year: 2027, Title: "Bænke", Status: model.WishDraft}
	must(db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &w))
	must(db.Close())

	file := filepath.Join(dir, "Tilbud fra Brøndum.pdf")
	must(os.WriteFile(file, []byte("%PDF-1.4 tilbud"), 0o644))
	out, _, err := runCmd(t, "attach", "--db", path, "--item", items[1].ID, file)
	must(err)
	id := strings.TrimSpace(out)
	// Flags after the file work too.
	out2, _, err := runCmd(t, "attach", file, "--db", path, "--wish", w.ID)
	must(err)

	db, err = storage.Open(context.Background(), path)
	must(err)
	a, err := db.Attachment(t.Context(), id)
	if err != nil || a.OwnerID != items[1].ID || a.Name != "Tilbud fra Brøndum.pdf" || a.MediaType != "application/pdf" {
		t.Fatalf("printed id %q: %+v, %v", id, a, err)
	}
	if got, err := db.ReadAttachment(a); err != nil || string(got) != "%PDF-1.4 tilbud" {
		t.Errorf("stored file %q, %v", got, err)
	}
	if b, err := db.Attachment(t.Context(), strings.TrimSpace(out2)); err != nil || b.OwnerKind != model.OwnerWish {
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

// export packet carries the meeting's bilag; a damaged one is named, and
// --skip-damaged prints the rest.
func TestExportPacketWithBilag(t *testing.T) {
	pdftext.Need(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "l.db")
	out, _, err := runCmd(t, "demo", "--db", path)
	if err != nil {
		t.Fatal(err)
	}
	council := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ms := noerr.Get(db.Meetings(t.Context(), council))(t)
	m := ms[len(ms)-1]
	items := noerr.Get(db.AgendaItems(t.Context(), m.ID))(t)
	db.Close()
	// A real PDF as the bilag: an earlier meeting's minutes.
	minutes := filepath.Join(dir, "Referat sidst.pdf")
	if _, _, err := runCmd(t, "export", "minutes", "--db", path, "--meeting", ms[len(ms)-2].ID, "--out", minutes); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "attach", "--db", path, "--item", items[1].ID, minutes); err != nil {
		t.Fatal(err)
	}
	packet := filepath.Join(dir, "packet.pdf")
	if _, _, err := runCmd(t, "export", "packet", "--db", path, "--meeting", m.ID, "--out", packet); err != nil {
		t.Fatal(err)
	}
	txt := pdftext.File(t, packet, true)
	if s := txt; !strings.Contains(s, "Bilag 1: Referat sidst.pdf (punkt 2)") || !strings.Contains(s, "Referat") {
		t.Errorf("the packet does not carry the bilag:\n%.2000s", s)
	}
	broken := filepath.Join(dir, "Ødelagt.pdf")
	if err := os.WriteFile(broken, []byte("%PDF-1.4 afbrudt"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "attach", "--db", path, "--item", items[0].ID, broken); err != nil {
		t.Fatal(err)
	}
	_, _, err = runCmd(t, "export", "packet", "--db", path, "--meeting", m.ID, "--out", packet)
	if err == nil || !strings.Contains(err.Error(), "»Ødelagt.pdf«") || !strings.Contains(err.Error(), "--skip-damaged") {
		t.Errorf("damaged bilag: %v", err)
	}
	if _, _, err := runCmd(t, "export", "packet", "--db", path, "--meeting", m.ID, "--out", packet, "--skip-damaged"); err != nil {
		t.Errorf("--skip-damaged: %v", err)
	}
}

// attach --entry hangs a scanned receipt on an accounts line; a line of
// accounts approved at the generalforsamling takes none, in Danish.
func TestAttachReceiptCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "l.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c := model.Council{Name: "Jyderup Lokalråd"}
	must(db.SaveCouncil(t.Context(), model.Council{}, &c))
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, model.Copenhagen) }
	coffee := model.AccountEntry{CouncilID: c.ID, Date: day(2026, 3, 1), Text: "Kaffe", Kind: model.EntryExpense, Amount: 450_00}
	must(db.SaveAccountEntry(t.Context(), model.AccountEntry{}, &coffee))
	old := model.AccountEntry{CouncilID: c.ID, Date: day(2025, 3, 1), Text: "Kaffe 2025", Kind: model.EntryExpense, Amount: 400_00}
	must(db.SaveAccountEntry(t.Context(), model.AccountEntry{}, &old))
	y := model.AccountsYear{CouncilID: c.ID, Year: 2025, Approved: day(2025, 11, 20)}
	must(db.SaveAccountsYear(t.Context(), model.AccountsYear{}, &y))
	must(db.Close())

	scan := filepath.Join(dir, "Kvittering Brugsen.jpg")
	must(os.WriteFile(scan, []byte("jpeg bytes"), 0o644))
	out, _, err := runCmd(t, "attach", "--db", path, "--entry", coffee.ID, scan)
	must(err)
	if _, _, err := runCmd(t, "attach", "--db", path, "--entry", old.ID, scan); err == nil || !strings.Contains(err.Error(), "godkendt på generalforsamlingen") {
		t.Errorf("receipt on approved accounts: %v", err)
	}
	if _, _, err := runCmd(t, "attach", "--db", path, "--entry", coffee.ID, "--wish", "x", scan); err == nil || !strings.Contains(err.Error(), "--entry") {
		t.Errorf("two owners: %v, want the usage naming --entry", err)
	}
	db, err = storage.Open(context.Background(), path)
	must(err)
	defer db.Close()
	as, err := db.Attachments(t.Context(), model.OwnerEntry, coffee.ID)
	must(err)
	if len(as) != 1 || as[0].ID != strings.TrimSpace(out) || as[0].Name != "Kvittering Brugsen.jpg" || as[0].MediaType != "image/jpeg" {
		t.Errorf("the line's receipts: %+v (printed %q)", as, out)
	}
	if as := noerr.Get(db.Attachments(t.Context(), model.OwnerEntry, old.ID))(t); len(as) != 0 {
		t.Errorf("the approved line took a receipt: %+v", as)
	}

	// export accounts names the receipt on its line, and --receipts puts
	// the receipts after the accounts (this one is no real picture: listed
	// as damaged, the accounts still print).
	pdftext.Need(t)
	pdfPath := filepath.Join(dir, "regnskab.pdf")
	for _, receipts := range []bool{false, true} {
		args := []string{"export", "accounts", "--db", path, "--council", c.ID, "--year", "2026", "--out", pdfPath}
		if receipts {
			args = append(args, "--receipts")
		}
		_, _, err := runCmd(t, args...)
		must(err)
		txt := pdftext.File(t, pdfPath, false)
		plain := strings.Join(strings.Fields(txt), " ")
		if !strings.Contains(plain, "Bilag vedhæftet: Kvittering Brugsen.jpg") {
			t.Errorf("receipts %v: the line does not name its receipt:\n%s", receipts, plain)
		}
		if got := strings.Contains(plain, "I regnskabet") && strings.Contains(plain, "beskadiget"); got != receipts {
			t.Errorf("receipts %v: the receipts listed after the accounts: %v\n%s", receipts, got, plain)
		}
	}
}
