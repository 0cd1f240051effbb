package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"lokalraad/model"
)

// In English, the app's own warnings and refusals are said in English,
// never as »Something unexpected went wrong«: the accounts' wage warning,
// a year's opening balance or approval date that cannot be read, and
// enrolment with nothing typed (a text made with lang.L had no error code
// and was taken for a library's failure).
func TestEnglishSaysTheAppsOwnMessages(t *testing.T) {
	u, _, _, _ := withPool(t)
	defer SetupLanguage("da")
	if err := SetupLanguage("en"); err != nil {
		t.Fatal(err)
	}
	unexpected := "unexpected"

	u.tabs.SelectIndex(8)
	s := u.accounts
	if s == nil {
		t.Fatal("no accounts screen")
	}
	s.showTotals(model.Ledger{Wages: []model.AccountEntry{{Amount: 1_500_00, Wages: true}}})
	if !s.wages.Visible() || !strings.Contains(s.wages.Text, "Wages: 1.500 kr. in all") {
		t.Errorf("English wage warning %q", s.wages.Text)
	}
	retype(s.opening, "mange penge")
	u.saver.flush()
	if !s.yearMsg.Visible() || strings.Contains(s.yearMsg.Text, unexpected) || !strings.Contains(s.yearMsg.Text, "Invalid amount") {
		t.Errorf("English, an opening balance that is no amount: %q", s.yearMsg.Text)
	}

	empty := newTestUI(t, newTestDB(t))
	stopSync(t, empty)
	if err := SetupLanguage("en"); err != nil {
		t.Fatal(err)
	}
	w := empty.welcome
	if w == nil {
		t.Fatal("no welcome screen")
	}
	test.Tap(w.enrol)
	if !w.enrolMsg.Visible() || !strings.Contains(w.enrolMsg.Text, "Type the server's address") {
		t.Errorf("English, enrolment with nothing typed: %q", w.enrolMsg.Text)
	}
}
