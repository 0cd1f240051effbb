package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/model"
)

// chromium runs headless Chromium (Debian's chromium) on url with the
// flags, and returns what it printed; the test is skipped without it.
func chromium(t *testing.T, args ...string) string {
	t.Helper()
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("chromium is not installed (apt-get install chromium)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--user-data-dir=" + t.TempDir(), "--window-size=1400,900", "--virtual-time-budget=3000"}
	out, err := exec.CommandContext(ctx, bin, append(base, args...)...).Output()
	if err != nil {
		t.Fatalf("chromium %v: %v", args, err)
	}
	return string(out)
}

// A real browser logs in as a staff user through the login form (its
// CSRF token and cookies as a browser keeps them), loads /oversigt, and
// loads a council's public page: what is shown, and that a draft or
// another council's private data never appears. Screenshots are written
// to $LOKALRAAD_SHOTS when set, for a person to look at.
func TestBrowser(t *testing.T) {
	s, db, j, tl := publicHub(t)
	pw, err := db.AddStaffUser(t.Context(), "Browser Test")
	ok(t, err)
	pub := model.Publication{CouncilID: j, Enabled: true, Meetings: true, Minutes: true, Plan: true}
	ok(t, db.SavePublication(t.Context(), model.Publication{}, &pub))
	mux := http.NewServeMux()
	mux.Handle("/", s.Handler())
	// The driver: what a person does in the browser — open the login form,
	// fill it in, submit — since headless Chromium takes no typing from the
	// command line. The form's own token and the browser's own cookies are
	// used.
	mux.HandleFunc("GET /test/driver", func(w http.ResponseWriter, r *http.Request) {
		// The login form as /login serves it (its token in a cookie and a
		// hidden field), filled in and submitted as a person would.
		rec := httptest.NewRecorder()
		s.showLogin(rec, http.StatusOK, "", "")
		for _, c := range rec.Result().Cookies() {
			http.SetCookie(w, c)
		}
		html := strings.Replace(rec.Body.String(), `value="" autocomplete="username"`, `value="Browser Test" autocomplete="username"`, 1)
		html = strings.Replace(html, `type="password" autocomplete`, `type="password" value="`+pw+`" autocomplete`, 1)
		html = strings.Replace(html, "<body>", `<body onload="document.forms[0].submit()">`, 1)
		fmt.Fprint(w, html)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	base := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) // a secure context: Secure cookies are kept

	// A stranger's browser gets the login form, not the overview.
	dom := chromium(t, "--dump-dom", base+"/oversigt")
	if !strings.Contains(dom, "Log ind") || strings.Contains(dom, "Jyderup") {
		t.Fatalf("a stranger sees:\n%s", dom)
	}
	// Logged in through the form.
	// The page the driver ends on is dumped once the budget is spent.
	dom = chromium(t, "--dump-dom", base+"/test/driver")
	for _, want := range []string{"Oversigt over lokalrådene", "Jyderup Lokalråd", "Tølløse Lokalråd", "Browser Test", "Sidst synkroniseret"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the overview in the browser lacks %q:\n%s", want, dom)
		}
	}
	if strings.Contains(dom, "Hemmelig opgave") || strings.Contains(dom, "UDKAST") {
		t.Error("the overview shows an action's or a draft's text")
	}
	shots := os.Getenv("LOKALRAAD_SHOTS")
	dom = chromium(t, "--dump-dom", base+"/offentlig/"+j+"/")
	for _, want := range []string{"Jyderup Lokalråd", "Rådet søger Udviklingspuljen.", "Kommende møder", "Udviklingsplan 2026"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the public page lacks %q", want)
		}
	}
	for _, never := range []string{"UDKAST: endnu ikke godkendt", "20 11 22 33", "karen@jyderup.dk", "Tølløse", "hemmelige"} {
		if strings.Contains(dom, never) {
			t.Errorf("the public page shows %q", never)
		}
	}
	if dom := chromium(t, "--dump-dom", base+"/offentlig/"+tl+"/"); strings.Contains(dom, "hemmelige") || strings.Contains(dom, "Tølløse Lokalråd") {
		t.Errorf("Tølløse's unpublished page shows data:\n%s", dom)
	}
	if shots != "" {
		chromium(t, "--screenshot="+filepath.Join(shots, "offentlig.png"), base+"/offentlig/"+j+"/")
		chromium(t, "--screenshot="+filepath.Join(shots, "login.png"), base+"/oversigt")
		chromium(t, "--screenshot="+filepath.Join(shots, "oversigt.png"), base+"/test/driver")
	}
}
