package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// A full disk gives a plain message, and nothing already saved is lost.
func TestFullDisk(t *testing.T) {
	db, path := openTemp(t)
	c := newCouncil(t, db)
	m := newMeeting(t, db, c.ID, fixedNow)
	saved := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Gemt før disken blev fuld", Kind: model.ItemInformation}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &saved))
	must(t, db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"))
	must(t, db.LimitPages(1)) // lower than the file: every growth fails
	big := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Langt referat", Kind: model.ItemInformation,
		Notes: strings.Repeat("Referat med mange ord. ", 4000)}
	err := db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &big)
	if !errors.Is(err, storage.ErrDiskFull) {
		t.Fatalf("writing to a full disk: err = %v, want ErrDiskFull", err)
	}
	if !strings.Contains(err.Error(), "disken er fuld") {
		t.Errorf("message %q is not plain Danish", err)
	}
	if big.ID != "" {
		t.Error("the refused item kept an id")
	}
	db.Close()
	again, err := storage.Open(context.Background(), path)
	must(t, err)
	defer again.Close()
	must(t, again.Check(t.Context()))
	if got, err := again.AgendaItem(t.Context(), saved.ID); err != nil || got.Title != saved.Title {
		t.Errorf("the saved item is lost: %v", err)
	}
	items := noerr.Get(again.AgendaItems(t.Context(), m.ID))(t)
	if len(items) != 1 {
		t.Errorf("%d items, want only the saved one", len(items))
	}
}

// Two copies of the app on one database both work, and nothing is lost or
// damaged.
func TestTwoCopiesOnOneDatabase(t *testing.T) {
	first, path := openTemp(t)
	c := newCouncil(t, first)
	m := newMeeting(t, first, c.ID, fixedNow)
	second, err := storage.Open(context.Background(), path)
	must(t, err)
	defer second.Close()
	if second.DeviceID() != first.DeviceID() {
		t.Error("two copies on one file must be one device")
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for n, db := range []*storage.DB{first, second} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: fmt.Sprintf("Kopi %d punkt %d", n, i), Kind: model.ItemInformation}
				if err := db.SaveAgendaItem(context.Background(), model.AgendaItem{}, &it); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	must(t, first.Check(t.Context()))
	items := noerr.Get(first.AgendaItems(t.Context(), m.ID))(t)
	if len(items) != 200 {
		t.Errorf("%d items, want 200", len(items))
	}
	// Op ids stay unique: the two copies share the device's sequence.
	ops := noerr.Get(first.ChangeLog())(t)
	seen := map[int64]bool{}
	for _, o := range ops {
		if seen[o.Seq] {
			t.Fatalf("op sequence %d used twice", o.Seq)
		}
		seen[o.Seq] = true
	}
}
