package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// The limits are flags of kommune serve: a daily quota and the rate limit
// on failed enrolments, through the real server.
func TestServeLimitFlags(t *testing.T) {
	dir := t.TempDir()
	hubPath := filepath.Join(dir, "kommune.db")
	council := lastLine(runOK(t, "council", "add", "--db", hubPath, "--name", "Jyderup Lokalråd"))
	code := lastLine(runOK(t, "device", "enroll", "--db", hubPath, "--council", council, "--name", "Karens bærbare"))
	other := lastLine(runOK(t, "device", "enroll", "--db", hubPath, "--council", council, "--name", "Sørens bærbare"))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--db", hubPath, "--quota-ops", "3", "--max-failures", "2",
			"--failure-window", "1h", "--code-ttl", "336h"}, &bytes.Buffer{}, &bytes.Buffer{}, ready)
	}()
	url := "http://" + <-ready
	open := func(name string) *storage.DB {
		db, err := storage.Open(context.Background(), filepath.Join(dir, name+".db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a := open("a")
	own := model.Council{Name: "Jyderup Lokalråd"} // typed in before enrolment (the demo is never sent)
	if err := a.SaveCouncil(t.Context(), model.Council{}, &own); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Karen", "Søren"} {
		if err := a.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: own.ID, Name: name, Role: model.RoleMember}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := exchange.NewClient().Enroll(ctx, a, url, code); err != nil {
		t.Fatal(err)
	}
	if err := exchange.AnswerLink(t.Context(), a, true); err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.NewClient().Sync(ctx, a, ""); !errors.Is(err, exchange.ErrQuota) {
		t.Errorf("a council over a quota of 3 ops: %v", err)
	}
	for i := 0; i < 2; i++ {
		if _, err := exchange.NewClient().Enroll(ctx, open("guess"), url, "forkert-kode"); !errors.Is(err, storage.ErrUnauthorized) {
			t.Fatalf("a wrong code: %v", err)
		}
	}
	if _, err := exchange.NewClient().Enroll(ctx, open("b"), url, other); !errors.Is(err, exchange.ErrRateLimited) {
		t.Errorf("enrolment after 2 failures: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
