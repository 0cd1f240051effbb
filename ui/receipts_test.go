package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/model/pdf/pdftext"
)

// The Regnskab tab: the treasurer attaches the scanned receipt to the
// open line, sees it listed and the line marked, opens it, removes it
// after confirming; once the year is approved the receipt can be neither
// added nor removed.
func TestReceiptOnAccountsScreen(t *testing.T) {
	u, db, council, _ := withPool(t)
	coffee := model.AccountEntry{CouncilID: council, Date: time.Date(2026, 3, 1, 0, 0, 0, 0, model.Copenhagen), Text: "Kaffe til borgermødet",
		Kind: model.EntryExpense, Amount: 450_00}
	ok(t, db.SaveAccountEntry(t.Context(), model.AccountEntry{}, &coffee))
	u.tabs.SelectIndex(8)
	s := u.accounts
	p := s.lines
	s.refresh()
	p.open(coffee.ID)
	if s.bilag == nil || !s.bilag.add.Visible() {
		t.Fatal("the open line shows no way to attach its receipt")
	}
	if got := texts(p.detail); !strings.Contains(got, "Vedhæft fil…") {
		t.Errorf("the line's editor shows:\n%s", got)
	}
	// The council's accounts go to the municipality, not to every council.
	if got := texts(p.detail); !strings.Contains(got, "sendes til kommunen") || strings.Contains(got, "alle lokalråd") {
		t.Errorf("the line's editor says where it goes:\n%s", got)
	}

	// What the file dialog hands over: the chosen file.
	path := filepath.Join(t.TempDir(), "Kvittering Brugsen.pdf")
	ok(t, os.WriteFile(path, []byte("%PDF-1.4 kvittering"), 0o644))
	f, err := os.Open(path)
	ok(t, err)
	s.bilag.attach(filepath.Base(path), f)
	f.Close()
	as, err := db.Attachments(t.Context(), model.OwnerEntry, coffee.ID)
	ok(t, err)
	if len(as) != 1 || as[0].Name != "Kvittering Brugsen.pdf" || as[0].CouncilID != council {
		t.Fatalf("stored %+v", as)
	}
	if got, err := db.ReadAttachment(as[0]); err != nil || string(got) != "%PDF-1.4 kvittering" {
		t.Errorf("stored file %q, %v", got, err)
	}
	if got := texts(s.bilag.obj); !strings.Contains(got, "Kvittering Brugsen.pdf") {
		t.Errorf("the receipts show:\n%s", got)
	}
	if got := texts(p.list); !strings.Contains(got, "bilag vedhæftet") {
		t.Errorf("the line is not marked in the list:\n%s", got)
	}

	// Open: a copy under its own name for the viewer. A program is not
	// opened, in Danish.
	rec := &openRecorder{App: u.app}
	u.app = rec
	test.Tap(s.bilag.shown[0].open)
	if len(rec.opened) != 1 || !strings.HasSuffix(rec.opened[0].Path, "/Kvittering Brugsen.pdf") {
		t.Fatalf("opened %v", rec.opened)
	}
	s.bilag.attach("kvittering.exe", strings.NewReader("MZ"))
	test.Tap(s.bilag.shown[1].open)
	if msg := texts(u.win.Canvas().Overlays().Top()); !strings.Contains(msg, "åbner det ikke") {
		t.Errorf("opening a program:\n%s", msg)
	}
	test.Tap(overlayButton(t, u, "OK"))
	if len(rec.opened) != 1 {
		t.Errorf("a program was handed to the viewer: %v", rec.opened)
	}
	test.Tap(s.bilag.shown[1].remove)
	test.Tap(overlayButton(t, u, "Slet"))

	// Too big: the Danish message, nothing stored.
	s.bilag.attach("stor.pdf", strings.NewReader(strings.Repeat("x", int(model.MaxAttachmentSize)+1)))
	if !strings.Contains(s.bilag.msg.Text, "filen er for stor til et bilag (højst 25 MB)") {
		t.Errorf("too big: %q", s.bilag.msg.Text)
	}

	// Remove after confirming.
	test.Tap(s.bilag.shown[0].remove)
	if q := texts(u.win.Canvas().Overlays().Top()); !strings.Contains(q, "Fjern bilaget «Kvittering Brugsen.pdf»?") {
		t.Errorf("question:\n%s", q)
	}
	test.Tap(overlayButton(t, u, "Nej"))
	if as := noerr.Get(db.Attachments(t.Context(), model.OwnerEntry, coffee.ID))(t); len(as) != 1 {
		t.Fatal("removed without confirmation")
	}
	test.Tap(s.bilag.shown[0].remove)
	test.Tap(overlayButton(t, u, "Slet"))
	if as := noerr.Get(db.Attachments(t.Context(), model.OwnerEntry, coffee.ID))(t); len(as) != 0 {
		t.Fatalf("not removed: %v", as)
	}
	if got := texts(p.list); strings.Contains(got, "bilag vedhæftet") {
		t.Errorf("the line is still marked:\n%s", got)
	}

	// Approved: the open line's receipts are shown without add or remove,
	// and the store refuses a receipt in Danish all the same.
	s.bilag.attach("Kvittering Brugsen.pdf", strings.NewReader("%PDF-1.4 kvittering"))
	u.now = func() time.Time { return time.Date(2027, 4, 1, 12, 0, 0, 0, model.Copenhagen) } // the generalforsamling has been held
	retype(s.approved, "25.03.2027")
	u.saver.flush()
	p.close()
	p.open(coffee.ID)
	if s.bilag.add.Visible() || len(s.bilag.shown) != 1 || s.bilag.shown[0].remove.Visible() {
		t.Errorf("an approved line's receipts can be changed: add %v, rows %d", s.bilag.add.Visible(), len(s.bilag.shown))
	}
	s.bilag.attach("sent.pdf", strings.NewReader("sent"))
	if !strings.Contains(s.bilag.msg.Text, "godkendt på generalforsamlingen") {
		t.Errorf("a late receipt: %q", s.bilag.msg.Text)
	}
	if as := noerr.Get(db.Attachments(t.Context(), model.OwnerEntry, coffee.ID))(t); len(as) != 1 {
		t.Errorf("the approved line's receipts: %v", as)
	}

	// Printed with the receipts: the line names its receipt, and the
	// receipts follow (this one cannot be read, and is listed so).
	s.withReceipts.SetChecked(true)
	data, err := u.render(accountsReceiptsDoc, council, "", 2026, false)
	ok(t, err)
	pdftext.Need(t)
	pdfPath := filepath.Join(t.TempDir(), "regnskab.pdf")
	ok(t, os.WriteFile(pdfPath, data, 0o600))
	out := pdftext.File(t, pdfPath, false)
	plain := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"Bilag vedhæftet: Kvittering Brugsen.pdf", "I regnskabet", "01.03.2026"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the printed accounts lack %q:\n%s", want, plain)
		}
	}
}
