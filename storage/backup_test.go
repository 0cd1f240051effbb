package storage_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

func TestBackupAndRestore(t *testing.T) {
	db, path := openTemp(t)
	c := newCouncil(t, db)
	m := newMeeting(t, db, c.ID, fixedNow)
	usb := filepath.Join(t.TempDir(), "usb", "jyderup.db")
	must(t, os.MkdirAll(filepath.Dir(usb), 0o755))
	must(t, db.Backup(context.Background(), usb))
	if err := db.Backup(context.Background(), usb); err == nil {
		t.Error("a backup overwrote an existing file")
	}

	// Work after the backup, then restore it: the later work is gone from
	// the database but kept in the copy Restore saves first.
	later := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Skrevet efter kopien", Kind: model.ItemInformation}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &later))
	db.Close()

	saved, err := storage.Restore(t.Context(), path, usb)
	must(t, err)
	restored, err := storage.Open(context.Background(), path)
	must(t, err)
	if _, err := restored.Meeting(t.Context(), m.ID); err != nil {
		t.Errorf("the meeting from the backup is missing: %v", err)
	}
	if _, err := restored.AgendaItem(t.Context(), later.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("work after the backup survived a restore: %v", err)
	}
	must(t, restored.Close()) // a restore is refused while it is open (ErrInUse)
	keep, err := storage.Open(context.Background(), saved)
	must(t, err)
	defer keep.Close()
	if _, err := keep.AgendaItem(t.Context(), later.ID); err != nil {
		t.Errorf("the database before the restore was not kept: %v", err)
	}

	// The chair picks the wrong backup and restores again at once, within
	// the same second: the second restore keeps its own copy of what it
	// replaces and leaves the first one (which holds the later work) alone.
	// (Names of the next seconds are taken too, so that a second boundary
	// between the two restores cannot hide a clash.)
	for s := range 4 {
		name := filepath.Join(filepath.Dir(saved), "foer-gendannelse-"+time.Now().Add(time.Duration(s)*time.Second).Format("2006-01-02_150405")+".db")
		if _, err := os.Stat(name); err != nil {
			must(t, os.WriteFile(name, []byte("en anden kopi"), 0o644))
		}
	}
	again, err := storage.Restore(t.Context(), path, usb)
	if err != nil {
		t.Fatalf("a second restore in the same second: %v", err)
	}
	if again == saved {
		t.Fatalf("the second restore kept its copy in the first one's place, %s", saved)
	}
	if _, err := keep.AgendaItem(t.Context(), later.ID); err != nil {
		t.Errorf("the second restore lost the copy of the database before the first: %v", err)
	}
}

func TestRestoreRefusesBadFiles(t *testing.T) {
	db, path := openTemp(t)
	c := newCouncil(t, db)
	db.Close()
	dir := t.TempDir()
	notDB := filepath.Join(dir, "referat.docx")
	must(t, os.WriteFile(notDB, []byte("PK\x03\x04 ikke en database"), 0o644))
	empty := filepath.Join(dir, "empty.db")
	must(t, os.WriteFile(empty, nil, 0o644))
	for _, bad := range []string{notDB, empty, filepath.Join(dir, "missing.db")} {
		_, err := storage.Restore(t.Context(), path, bad)
		if err == nil {
			t.Errorf("restored from %s", filepath.Base(bad))
			continue
		}
		// The user reads why in Danish, not the system's English words.
		if msg := err.Error(); !strings.Contains(msg, "findes ikke") && !strings.Contains(msg, "ikke en Lokalråd-database") {
			t.Errorf("restore from %s: %q does not say in Danish what is wrong", filepath.Base(bad), msg)
		}
	}
	// The database is untouched.
	again, err := storage.Open(context.Background(), path)
	must(t, err)
	defer again.Close()
	if _, err := again.Council(t.Context(), c.ID); err != nil {
		t.Errorf("council gone after refused restores: %v", err)
	}
}

func TestAutoBackupDailyAndPruned(t *testing.T) {
	db, _ := openTemp(t)
	newCouncil(t, db)
	day := time.Date(2026, 11, 1, 9, 0, 0, 0, model.Copenhagen)
	for i := 0; i < 60; i++ {
		db.Now = func() time.Time { return day.AddDate(0, 0, i) }
		made, err := db.AutoBackup(t.Context())
		must(t, err)
		if made == "" {
			t.Fatalf("day %d: no backup made", i)
		}
		// A second start the same day makes none.
		if again := noerr.Get(db.AutoBackup(t.Context()))(t); again != "" {
			t.Fatalf("day %d: two backups", i)
		}
	}
	backups, err := db.Backups()
	must(t, err)
	// 7 daily, plus the newest of up to 4 weeks that are not among them.
	if len(backups) < 7 || len(backups) > 11 {
		t.Errorf("%d backups kept after 60 days: %v", len(backups), backups)
	}
	newest := filepath.Base(backups[0])
	if newest[:len("lokalraad-2026-12-30")] != "lokalraad-2026-12-30" {
		t.Errorf("newest backup is %s", newest)
	}
	// Every kept backup is a sound database.
	for _, b := range backups[:2] {
		bdb, err := storage.Open(context.Background(), b)
		must(t, err)
		must(t, bdb.Check(t.Context()))
		bdb.Close()
	}
}

func TestDamagedDatabaseIsDetected(t *testing.T) {
	// One sound database, damaged in the ways disks and USB sticks fail.
	db, path := openTemp(t)
	c := newCouncil(t, db)
	for i := 0; i < 300; i++ {
		must(t, db.SaveMember(t.Context(), model.Member{}, &model.Member{CouncilID: c.ID, Name: "Medlem med et langt navn til at fylde siderne op", Role: model.RoleMember}))
	}
	must(t, db.Check(t.Context()))
	must(t, db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"))
	db.Close()
	sound, err := os.ReadFile(path)
	must(t, err)

	damages := map[string]func([]byte) []byte{
		"scribbled middle": func(b []byte) []byte {
			for i := len(b) / 2; i < len(b)/2+8192 && i < len(b); i++ {
				b[i] = 0x5A
			}
			return b
		},
		"cut in half":     func(b []byte) []byte { return b[:len(b)/2] },
		"header zeroed":   func(b []byte) []byte { copy(b, make([]byte, 100)); return b },
		"first page lost": func(b []byte) []byte { copy(b[:4096], make([]byte, 4096)); return b },
		"every page torn": func(b []byte) []byte {
			for p := 4096; p+64 < len(b); p += 4096 {
				copy(b[p+32:p+64], []byte("????????????????????????????????"))
			}
			return b
		},
	}
	detected := 0
	for name, damage := range damages {
		bad := filepath.Join(t.TempDir(), "skadet.db")
		must(t, os.WriteFile(bad, damage(append([]byte{}, sound...)), 0o644))
		d, err := storage.Open(context.Background(), bad)
		if err == nil {
			err = d.Check(t.Context())
			d.Close()
		}
		if errors.Is(err, storage.ErrDamaged) || errors.Is(err, storage.ErrNotDatabase) {
			detected++
		} else {
			t.Errorf("%s: err = %v, want ErrDamaged or ErrNotDatabase", name, err)
		}
	}
	t.Logf("%d of %d damaged files detected", detected, len(damages))
}

// openFixture opens, with today's code, a copy of the old database fixture
// (a file in testdata); the copy is closed when t ends.
func openFixture(t *testing.T, fixture string) *storage.DB {
	t.Helper()
	data, err := os.ReadFile(fixture)
	must(t, err)
	path := filepath.Join(t.TempDir(), "old.db")
	must(t, os.WriteFile(path, data, 0o644))
	db, err := storage.Open(context.Background(), path)
	must(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// Every released schema version has a fixture in testdata, written by the
// demo of that version; each opens with today's code, is migrated, and keeps
// its data. Migrating an old file first copies it aside.
func TestFixturesMigrate(t *testing.T) {
	fixtures := noerr.Get(filepath.Glob("testdata/schema-v*.db"))(t)
	if len(fixtures) == 0 {
		t.Fatal("no fixture databases in testdata")
	}
	for _, f := range fixtures {
		t.Run(filepath.Base(f), func(t *testing.T) {
			db := openFixture(t, f)
			must(t, db.Check(t.Context()))
			cs, err := db.Councils(t.Context())
			must(t, err)
			if len(cs) != 1 || cs[0].Name != "Jyderup Lokalråd" {
				t.Fatalf("councils = %+v", cs)
			}
			d, err := db.CouncilData(t.Context(), cs[0].ID)
			must(t, err)
			if len(d.Meetings) < 6 || len(d.Items) < 30 || len(d.Wishes) < 4 {
				t.Errorf("data lost: %d meetings, %d items, %d wishes", len(d.Meetings), len(d.Items), len(d.Wishes))
			}
			// It still takes edits, with their change log, and its own ops
			// from before signatures are signed now.
			m := d.Meetings[len(d.Meetings)-1]
			m.Place = "Ny adresse"
			must(t, db.SaveMeeting(t.Context(), storage.Overwriting(t.Context(), db, m), &m))
			ops, err := db.CouncilOps(context.Background(), cs[0].ID)
			must(t, err)
			for _, o := range ops {
				if o.Device == db.DeviceID() && o.Sig == "" {
					t.Fatalf("own op %s unsigned after the upgrade", o.ID())
				}
			}
			var fileVersion int
			fmt.Sscanf(filepath.Base(f), "schema-v%d.db", &fileVersion)
			if fileVersion < storage.SchemaVersion() {
				if bs := noerr.Get(filepath.Glob(filepath.Join(db.BackupDir(), "foer-opgradering-*.db")))(t); len(bs) != 1 {
					t.Errorf("no backup before the migration: %v", bs)
				}
			}
		})
	}
}

// Restoring from the running app swaps the file under the open *DB.
func TestRestoreFromOpenDatabase(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	copyPath := filepath.Join(t.TempDir(), "kopi.db")
	must(t, db.Backup(context.Background(), copyPath))
	later := model.Council{Name: "Oprettet efter kopien"}
	must(t, db.SaveCouncil(t.Context(), model.Council{}, &later))

	// A bad file is refused and the open database goes on as it was.
	bad := filepath.Join(t.TempDir(), "bad.db")
	must(t, os.WriteFile(bad, []byte("ikke en database"), 0o644))
	if _, err := db.RestoreFrom(t.Context(), bad); err == nil {
		t.Fatal("restored from a bad file")
	}
	if cs, err := db.Councils(t.Context()); err != nil || len(cs) != 2 {
		t.Fatalf("after a refused restore: %v, %v", cs, err)
	}

	saved, err := db.RestoreFrom(t.Context(), copyPath)
	must(t, err)
	cs, err := db.Councils(t.Context())
	must(t, err)
	if len(cs) != 1 || cs[0].ID != c.ID {
		t.Errorf("after restore: %+v", cs)
	}
	// It still takes edits, and the replaced database was kept.
	must(t, db.SaveCouncil(t.Context(), model.Council{}, &model.Council{Name: "Efter gendannelsen"}))
	keep, err := storage.Open(context.Background(), saved)
	must(t, err)
	defer keep.Close()
	if kc := noerr.Get(keep.Councils(t.Context()))(t); len(kc) != 2 {
		t.Errorf("the kept copy has %d councils, want 2", len(kc))
	}
}
