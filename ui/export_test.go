package ui

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/xlsx"
	"lokalraad/storage/demo"
)

// Saving a document from the app writes the real PDF or workbook, made in
// the background, to the file the user chose.
func TestExportWritesTheChosenFile(t *testing.T) {
	db := newTestDB(t)
	council, err := demo.Council(t.Context(), db, time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, db)
	u.UseBuiltinExporters()
	ms := noerr.Get(db.Meetings(t.Context(), council))(t)
	meeting := ms[len(ms)-1]
	dir := t.TempDir()
	cases := []struct {
		doc   document
		ref   string
		year  int
		magic string
	}{
		{meetingDocs[0], meeting.ID, 0, "%PDF"},
		{meetingDocs[2], meeting.ID, 0, "%PDF"},
		{wishesDoc, "", 2027, "%PDF"},
		{councilDocs[0], "", 0, "PK"},
		{councilDocs[1], "", 0, "BEGIN:VCALENDAR"},
	}
	for i, c := range cases {
		path := filepath.Join(dir, model.FileName(c.doc.ext, c.doc.base, string(rune('a'+i))))
		wc, err := storage.Writer(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		u.writeInBackground(wc, func() ([]byte, error) { return u.render(c.doc, council, c.ref, c.year, false) })
		var data []byte
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			drainUI() // the dialogs change on this goroutine, never beside it
			if data, _ = os.ReadFile(path); bytes.HasPrefix(data, []byte(c.magic)) && u.win.Canvas().Overlays().Top() != nil {
				break
			}
		}
		if !bytes.HasPrefix(data, []byte(c.magic)) {
			t.Errorf("%s: wrote %d bytes without %q", c.doc.key, len(data), c.magic)
		}
	}
	// The workbook holds the council's wishes.
	f := noerr.Get(os.Open(filepath.Join(dir, model.FileName("xlsx", "Lokalråd", "d"))))(t)
	defer f.Close()
	imp, err := xlsx.Read(f, council, 2027)
	if err != nil || len(imp.Wishes) < 4 {
		t.Errorf("the exported workbook reads back with %v wishes: %v", imp, err)
	}
}

// An import shows a preview and saves nothing until confirmed.
func TestImportPreviewWritesOnlyOnConfirm(t *testing.T) {
	u, db, council := withCouncil(t)
	imp := &xlsx.Import{Wishes: []model.BudgetWish{{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishDraft}},
		Problems: []xlsx.Problem{{Sheet: "Budgetønsker", Row: 3, Message: "Pris: »tolv« er ikke et beløb"}}}
	u.previewImport(council, imp)
	if ws := noerr.Get(db.BudgetWishes(t.Context(), council, 0))(t); len(ws) != 0 {
		t.Fatal("the preview wrote wishes before it was confirmed")
	}
	shown := texts(u.win.Canvas().Overlays().Top())
	if !strings.Contains(shown, "tolv") || !strings.Contains(shown, "Klar til import: 1 budgetønske, 0 projekter, 0 medlemmer.") {
		t.Errorf("the preview does not show the count and the problem:\n%s", shown)
	}
	test.Tap(overlayButton(t, u, "Importér"))
	if ws := noerr.Get(db.BudgetWishes(t.Context(), council, 0))(t); len(ws) != 1 || ws[0].Title != "Cykelsti" {
		t.Errorf("after confirming: %+v", ws)
	}
}

// The viewer gets a file URL it can open on every desktop: a Windows drive
// path keeps its drive (not read as a host), spaces and æøå are escaped.
func TestFileURL(t *testing.T) {
	cases := map[string]string{
		"/home/søren/Mødemappe 1.pdf":            "file:///home/s%C3%B8ren/M%C3%B8demappe%201.pdf",
		"C:/Users/Søren Ærø/Desktop/Referat.pdf": "file:///C:/Users/S%C3%B8ren%20%C3%86r%C3%B8/Desktop/Referat.pdf",
	}
	for path, want := range cases {
		if got := fileURL(path).String(); got != want {
			t.Errorf("fileURL(%q) = %s, want %s", path, got, want)
		}
	}
}

// The preview names notes (a skipped totals row, an unused column) and,
// for a file imported again, offers to skip (the default) or update the
// rows already stored; neither adds them twice.
func TestImportPreviewSameFileTwice(t *testing.T) {
	u, db, council := withCouncil(t)
	file := func() *xlsx.Import {
		return &xlsx.Import{
			Wishes:  []model.BudgetWish{{CouncilID: council, Year: 2027, Title: "Cykelsti", Status: model.WishDraft, Estimate: 100_00}},
			Members: []model.Member{{CouncilID: council, Name: "Anne Holm", Role: model.RoleChair}},
			Notes:   []xlsx.Problem{{Sheet: "Budgetønsker", Row: 9, Message: "sumrækken (»I alt«) er sprunget over"}},
		}
	}
	u.previewImport(council, file())
	shown := texts(u.win.Canvas().Overlays().Top())
	if !strings.Contains(shown, "Bemærk: Budgetønsker, række 9: sumrækken (»I alt«) er sprunget over") {
		t.Errorf("the preview does not show the note:\n%s", shown)
	}
	test.Tap(overlayButton(t, u, "Importér"))
	closeDialogs(u)

	u.previewImport(council, file())
	shown = texts(u.win.Canvas().Overlays().Top())
	if !strings.Contains(shown, "2 rækker findes allerede") || u.importChoice == nil || u.importChoice.Selected != "Spring dem over" {
		t.Fatalf("no choice for the rows already stored:\n%s", shown)
	}
	test.Tap(overlayButton(t, u, "Importér"))
	closeDialogs(u)
	if ws := noerr.Get(db.BudgetWishes(t.Context(), council, 0))(t); len(ws) != 1 {
		t.Fatalf("skipping added wishes: %+v", ws)
	}

	again := file()
	again.Wishes[0].Estimate = 250_00
	u.previewImport(council, again)
	u.importChoice.SetSelected("Opdatér dem med filens værdier")
	test.Tap(overlayButton(t, u, "Importér"))
	ws := noerr.Get(db.BudgetWishes(t.Context(), council, 0))(t)
	ms := noerr.Get(db.Members(t.Context(), council))(t)
	if len(ws) != 1 || ws[0].Estimate != 250_00 || len(ms) != 1 {
		t.Errorf("after updating: wishes %+v, %d members", ws, len(ms))
	}
}

// The file dialogs' one callback: a cancel does nothing, a chosen file is
// handed on, and the dialog's own error is shown in Danish, not dropped.
func TestFileChosen(t *testing.T) {
	u := newTestUI(t, newTestDB(t))
	var got []string
	chosen := fileChosen(u, func(rc fyne.URIReadCloser) {
		got = append(got, rc.URI().Name())
		rc.Close()
	})
	chosen(nil, nil) // cancelled
	if len(got) != 0 || u.win.Canvas().Overlays().Top() != nil {
		t.Fatalf("a cancel handed on %v or showed %v", got, u.win.Canvas().Overlays().Top())
	}
	path := filepath.Join(t.TempDir(), "Forslag.xlsx")
	ok(t, os.WriteFile(path, []byte("x"), 0o600))
	chosen(noerr.Get(storage.Reader(storage.NewFileURI(path)))(t), nil)
	if len(got) != 1 || got[0] != "Forslag.xlsx" {
		t.Fatalf("chose Forslag.xlsx, handed on %v", got)
	}
	chosen(nil, errors.New("the folder cannot be read"))
	if len(got) != 1 {
		t.Errorf("an error handed on a file: %v", got)
	}
	if msg := texts(u.win.Canvas().Overlays().Top()); !strings.Contains(msg, "Fejl") {
		t.Errorf("the dialog's error is not shown: %q", msg)
	}
}

// A workbook typed by a treasurer names as responsible someone who is no
// member: the preview says so and that the name goes to the project's
// working group, before anything is stored; a member's name says nothing.
func TestImportPreviewNamesAResponsibleWhoIsNoMember(t *testing.T) {
	u, db, council := withCouncil(t)
	m := model.Member{CouncilID: council, Name: "Karen Østergaard", Role: model.RoleChair}
	ok(t, db.SaveMember(t.Context(), model.Member{}, &m))
	imp := &xlsx.Import{
		Projects: []model.Project{
			{CouncilID: council, Title: "Bænke ved søen", Status: model.ProjectIdea},
			{CouncilID: council, Title: "Legeplads", Status: model.ProjectIdea},
		},
		Responsible: []string{"Hans Kasserer", "karen østergaard"},
	}
	u.previewImport(council, imp)
	shown := texts(u.win.Canvas().Overlays().Top())
	if !strings.Contains(shown, "»Hans Kasserer« er ikke medlem af lokalrådet") || strings.Contains(shown, "»karen østergaard«") {
		t.Errorf("the preview does not name the responsible who is no member (and only that one):\n%s", shown)
	}
	test.Tap(overlayButton(t, u, "Importér"))
	for _, p := range noerr.Get(db.Projects(t.Context(), council))(t) {
		if p.Title == "Bænke ved søen" && p.WorkingGroup != "Hans Kasserer" {
			t.Errorf("the name is not in the working group: %+v", p)
		}
		if p.Title == "Legeplads" && p.ResponsibleID != m.ID {
			t.Errorf("the member's project is not linked to her: %+v", p)
		}
	}
}

// New wishes whose priority a stored wish of the same year has already:
// the preview said »Ingen problemer fundet«, the list then showed two
// »1.« and the wishes PDF for the municipality an order nobody chose
// (the imported wish second, ahead of the council's own second).
func TestImportPreviewNamesAPriorityTakenAlready(t *testing.T) {
	u, db, council := withCouncil(t)
	stored := model.BudgetWish{CouncilID: council, Year: 2027, Title: "Cykelsti langs Kalundborgvej", Rank: 1, Status: model.WishSubmitted, Estimate: 100_00}
	ok(t, db.SaveBudgetWish(t.Context(), model.BudgetWish{}, &stored))
	imp := &xlsx.Import{Wishes: []model.BudgetWish{{CouncilID: council, Year: 2027, Title: "Ny bænk ved kirken", Rank: 1, Status: model.WishDraft, Estimate: 1234_50}}}
	u.previewImport(council, imp)
	shown := texts(u.win.Canvas().Overlays().Top())
	if !strings.Contains(shown, "»Ny bænk ved kirken« (2027) har prioritet 1, som »Cykelsti langs Kalundborgvej« har i forvejen") {
		t.Errorf("the preview does not name the priority taken already:\n%s", shown)
	}
}
