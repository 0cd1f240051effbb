package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/demo"
	"lokalraad/storage/exchange"
)

func TestSyncAndBundleCommands(t *testing.T) {
	dir := t.TempDir()
	hub, srv, c, codes := testHub(t, dir, "a", "b")
	code, code2 := codes[0], codes[1]

	ctx := context.Background()
	pathA, pathB := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	a, err := storage.Open(context.Background(), pathA)
	if err != nil {
		t.Fatal(err)
	}
	// The laptop holds the demo and a council of its own with data.
	if _, err := demo.Council(t.Context(), a, time.Now()); err != nil {
		t.Fatal(err)
	}
	own := model.Council{Name: "Jyderup Borgerforening"}
	if err := a.SaveCouncil(t.Context(), model.Council{}, &own); err != nil {
		t.Fatal(err)
	}
	karen := model.Member{CouncilID: own.ID, Name: "Karen Østergaard", Role: model.RoleChair}
	if err := a.SaveMember(t.Context(), model.Member{}, &karen); err != nil {
		t.Fatal(err)
	}
	a.Close()

	var out, errb bytes.Buffer
	if err := run(ctx, []string{"sync", "--db", pathA}, &out, &errb); err == nil || !strings.Contains(err.Error(), "ikke tilmeldt") {
		t.Errorf("sync before enrolment: %v", err)
	}
	if err := run(ctx, []string{"sync", "--db", pathA, "--server", srv.URL, "--code", "forkert"}, &out, &errb); err == nil || !strings.Contains(err.Error(), "tilmeldingskoden") {
		t.Errorf("wrong code: %v", err)
	}
	out.Reset()
	// Enrolled, but the council of its own joins the server's only with
	// --link: until then nothing is synced.
	err = run(ctx, []string{"sync", "--db", pathA, "--server", srv.URL, "--code", code}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), `"Jyderup Borgerforening" på denne computer har data`) || !strings.Contains(err.Error(), "--link") {
		t.Errorf("enrolling with a council of its own: %v", err)
	}
	if !strings.Contains(out.String(), "Tilmeldt Jyderup Lokalråd") {
		t.Errorf("output: %s", out.String())
	}
	if ms := noerr.Get(hub.Members(t.Context(), c.ID))(t); len(ms) != 0 {
		t.Errorf("sent before --link: %+v", ms)
	}
	if err := run(ctx, []string{"sync", "--db", pathA, "--link"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if ms := noerr.Get(hub.Members(t.Context(), c.ID))(t); len(ms) != 1 || ms[0].Name != "Karen Østergaard" {
		t.Errorf("the hub's members after --link: %+v (the demo's must stay on the laptop)", ms)
	}
	if hc := noerr.Get(hub.Council(t.Context(), c.ID))(t); hc.Name != "Jyderup Lokalråd" {
		t.Errorf("the hub's council is named %q after --link", hc.Name)
	}
	if err := run(ctx, []string{"sync", "--db", pathB, "--server", srv.URL, "--code", code2}, &out, &errb); err != nil {
		t.Fatal(err)
	}

	// Bundles: export from b, import into a fresh database; a foreign one
	// is refused.
	file := filepath.Join(dir, "jyderup.bundle")
	if err := run(ctx, []string{"bundle", "export", "--db", pathB, "--out", file}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	pathC := filepath.Join(dir, "c.db")
	out.Reset()
	if err := run(ctx, []string{"bundle", "import", "--db", pathC, file}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	cdb := noerr.Get(storage.Open(context.Background(), pathC))(t)
	members := noerr.Get(cdb.Members(t.Context(), c.ID))(t)
	cdb.Close()
	if len(members) == 0 {
		t.Errorf("bundle import: no members (%s)", out.String())
	}
	other := filepath.Join(dir, "other.db")
	odb := noerr.Get(storage.Open(context.Background(), other))(t)
	odb.SaveCouncil(t.Context(), model.Council{}, &model.Council{Name: "Tornved"})
	odb.Close()
	if err := run(ctx, []string{"bundle", "import", "--db", other, file}, &out, &errb); err == nil || !strings.Contains(err.Error(), "andet lokalråd") {
		t.Errorf("foreign bundle: %v", err)
	}
}

// testHub is a hub database in dir serving the protocol (closed with the
// test), with the council "Jyderup Lokalråd" and an enrolment code for a
// device of it for each label.
func testHub(t *testing.T, dir string, labels ...string) (hub *storage.DB, srv *httptest.Server, c model.Council, codes []string) {
	t.Helper()
	hub, err := storage.Open(context.Background(), filepath.Join(dir, "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub.Close() })
	srv = httptest.NewServer(exchange.NewServer(t.Context(), hub, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	t.Cleanup(srv.Close)
	c = model.Council{Name: "Jyderup Lokalråd"}
	if err := hub.SaveCouncil(t.Context(), model.Council{}, &c); err != nil {
		t.Fatal(err)
	}
	for _, l := range labels {
		_, code, err := hub.AddDevice(t.Context(), l, c.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, code)
	}
	return hub, srv, c, codes
}
