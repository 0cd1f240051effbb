package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/storage"
)

// An export made twice from the same data with SOURCE_DATE_EPOCH or
// --date is the same file, byte for byte.
func TestExportReproducible(t *testing.T) {
	path, _ := demoDB(t)
	t.Setenv("SOURCE_DATE_EPOCH", "1796212800") // 2026-12-02 12:00 UTC
	dir := t.TempDir()
	for _, kind := range []string{"workbook", "calendar", "wishes"} {
		var files [][]byte
		for i := 0; i < 2; i++ {
			out := filepath.Join(dir, kind+itoa(i))
			args := []string{"export", kind, "--db", path, "--out", out}
			if kind == "wishes" {
				args = append(args, "--year", "2027")
			}
			if _, stderr, err := runCmd(t, args...); err != nil {
				t.Fatalf("%s: %v\n%s", kind, err, stderr)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, b)
			time.Sleep(1100 * time.Millisecond) // a clock that moves must not matter
		}
		if !bytes.Equal(files[0], files[1]) {
			t.Errorf("%s: two exports of the same data differ", kind)
		}
		if kind == "calendar" && !strings.Contains(string(files[0]), "DTSTAMP:20261202T120000Z") {
			t.Errorf("the calendar is not stamped with SOURCE_DATE_EPOCH:\n%.600s", files[0])
		}
	}
}

func TestExportTime(t *testing.T) {
	now := func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		date, epoch, want string
	}{
		{"", "", "2030-01-01T00:00:00Z"},
		{"", "1796212800", "2026-12-02T12:00:00Z"},
		{"02.12.2026", "1", "2026-12-02T11:00:00Z"}, // noon in Copenhagen; --date wins
	} {
		got, err := exportTime(c.date, c.epoch, now)
		if err != nil || got.UTC().Format(time.RFC3339) != c.want {
			t.Errorf("exportTime(%q, %q) = %v, %v; want %s", c.date, c.epoch, got.UTC(), err, c.want)
		}
	}
	for _, bad := range [][2]string{{"31.02.2026", ""}, {"", "i går"}} {
		if _, err := exportTime(bad[0], bad[1], now); err == nil {
			t.Errorf("exportTime(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

// A meeting's invitation and a calendar with tasks, from the CLI.
func TestExportInvitationAndTasks(t *testing.T) {
	path, council := demoDB(t)
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ms := noerr.Get(db.Meetings(t.Context(), council))(t)
	db.Close()
	dir := t.TempDir()
	inv := filepath.Join(dir, "invitation.ics")
	if _, stderr, err := runCmd(t, "export", "invitation", "--db", path, "--meeting", ms[0].ID, "--out", inv); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	b := noerr.Get(os.ReadFile(inv))(t)
	if n := strings.Count(string(b), "BEGIN:VEVENT"); n != 1 || !strings.Contains(string(b), "UID:"+ms[0].ID+"@lokalraad") {
		t.Errorf("invitation holds %d events:\n%s", n, b)
	}
	for tasks, want := range map[string]string{"todo": "BEGIN:VTODO", "allday": "DTSTART;VALUE=DATE:"} {
		out := filepath.Join(dir, tasks+".ics")
		if _, stderr, err := runCmd(t, "export", "calendar", "--db", path, "--tasks", tasks, "--out", out); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		if b := noerr.Get(os.ReadFile(out))(t); !strings.Contains(string(b), want) {
			t.Errorf("--tasks %s: no %s in the calendar", tasks, want)
		}
	}
}
