package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"lokalraad/assets"
	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if err := run(context.Background(), args, &out, &errb); err != nil {
		t.Fatalf("kommune %v: %v\n%s", args, err, errb.String())
	}
	return out.String()
}

// The real server on a random port with the admin commands and two
// desktop databases.
func TestServeAndAdmin(t *testing.T) {
	dir := t.TempDir()
	hubPath := filepath.Join(dir, "kommune.db")
	council := lastLine(runOK(t, "council", "add", "--db", hubPath, "--name", "Jyderup Lokalråd"))
	code1 := lastLine(runOK(t, "device", "enroll", "--db", hubPath, "--council", council, "--name", "Karens bærbare"))
	code2 := lastLine(runOK(t, "device", "enroll", "--db", hubPath, "--council", council, "--name", "Sørens bærbare"))

	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--db", hubPath}, &bytes.Buffer{}, &logs, ready)
	}()
	url := "http://" + <-ready

	a, err := storage.Open(context.Background(), filepath.Join(dir, "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// A council typed in on the laptop before enrolment, linked on a yes.
	own := model.Council{Name: "Jyderup Lokalråd"}
	if err := a.SaveCouncil(t.Context(), model.Council{}, &own); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: own.ID, Name: "Karen Østergaard", Role: model.RoleChair}); err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.NewClient().Enroll(ctx, a, url, code1); err != nil {
		t.Fatal(err)
	}
	if err := exchange.AnswerLink(t.Context(), a, true); err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.NewClient().Sync(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	b, err := storage.Open(context.Background(), filepath.Join(dir, "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := exchange.NewClient().Enroll(ctx, b, url, code2); err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.NewClient().Sync(ctx, b, ""); err != nil {
		t.Fatal(err)
	}
	ma := noerr.Get(a.Members(t.Context(), council))(t)
	mb := noerr.Get(b.Members(t.Context(), council))(t)
	if len(ma) == 0 || len(ma) != len(mb) {
		t.Fatalf("members: %d on a, %d on b", len(ma), len(mb))
	}

	list := runOK(t, "device", "list", "--db", hubPath)
	if !strings.Contains(list, "Karens bærbare") || !strings.Contains(list, "Sørens bærbare") {
		t.Errorf("device list:\n%s", list)
	}
	// Bundles at the hub: export, and import idempotently.
	bundle := filepath.Join(dir, "jyderup.lokalraad")
	runOK(t, "bundle", "export", "--db", hubPath, "--council", council, "--out", bundle)
	if out := runOK(t, "bundle", "import", "--db", hubPath, bundle); !strings.HasPrefix(out, "0 nye") {
		t.Errorf("reimport: %s", out)
	}
	// Revoking stops the device at once.
	devs := noerr.Get(storage.Open(context.Background(), hubPath))(t)
	ds := noerr.Get(devs.Devices(t.Context()))(t)
	devs.Close()
	var id string
	for _, d := range ds {
		if d.Label == "Sørens bærbare" {
			id = d.ID
		}
	}
	runOK(t, "device", "revoke", "--db", hubPath, id)
	if _, err := exchange.NewClient().Sync(ctx, b, ""); !errors.Is(err, storage.ErrRevoked) {
		t.Errorf("revoked device synced: %v", err)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Errorf("no clean shutdown in the log:\n%s", logs.String())
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"nonsense"},
		{"device", "enroll", "--db", filepath.Join(t.TempDir(), "x.db"), "--name", "x"},
		{"council", "add", "--name", "x"},
		{"serve", "--db", "x.db", "--tls-cert", "c.pem"},
	} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), args, &out, &errb); err == nil {
			t.Errorf("kommune %v: no error", args)
		}
	}
}

// IT asks the server which version it runs: the one FyneApp.toml names
// (assets.Version), on stdout, with no database needed.
func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		out := runOK(t, arg)
		if want := "Lokalråd kommune " + assets.Version() + "\n"; out != want {
			t.Errorf("kommune %s printed %q, want %q", arg, out, want)
		}
	}
}

// `kommune --help` prints the subcommands and ends well, instead of
// calling --help an unknown command.
func TestHelpPrintsTheSubcommands(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "help"} {
		var out, errOut strings.Builder
		if err := run(t.Context(), []string{arg}, &out, &errOut); err != nil {
			t.Errorf("%s: %v", arg, err)
		}
		if !strings.Contains(out.String(), "kommune serve") || strings.Contains(errOut.String(), "ukendt") {
			t.Errorf("%s printed %q and %q", arg, out.String(), errOut.String())
		}
	}
}
