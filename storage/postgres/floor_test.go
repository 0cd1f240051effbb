package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"lokalraad/storage/postgres"
	"lokalraad/storage/postgres/pgtest"
)

// The loop that raises the floor lives as long as the store, not as long
// as the context Open was given (kommune bounds opening by 30 seconds):
// with that context ended, the floor still rises to the highest number
// given (the floor starts at 0; only the loop raises it here).
func TestFloorLoopOutlivesOpen(t *testing.T) {
	defer func(d time.Duration) { postgres.FloorEvery = d }(postgres.FloorEvery)
	postgres.FloorEvery = 5 * time.Millisecond
	url := pgtest.URL(t)
	ctx, cancel := context.WithCancel(t.Context())
	s, err := postgres.Open(ctx, url)
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, name := range []string{"Jyderup Lokalråd", "Tølløse Lokalråd", "Svinninge Lokalråd"} {
		if _, err := s.AddCouncil(t.Context(), name); err != nil {
			t.Fatal(err)
		}
	}
	top, err := s.HubSequence(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var floor int64
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if err := conn.QueryRow(t.Context(), "SELECT n FROM hub_floor WHERE id = 1").Scan(&floor); err != nil {
			t.Fatal(err)
		}
		if floor >= top {
			break
		}
	}
	if floor < top {
		t.Errorf("the floor stays at %d below %d: the loop stopped with Open's context", floor, top)
	}
}
