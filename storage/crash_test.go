package storage_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"lokalraad/model"
	"lokalraad/storage"
)

// crashWriter is the child process of TestKillWriter: it saves agenda items
// as fast as it can and prints the id of each one as soon as it is saved.
func crashWriter(path, meetingID, councilID string) {
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		it := model.AgendaItem{CouncilID: councilID, MeetingID: meetingID, Title: fmt.Sprintf("Punkt %d", i),
			Kind: model.ItemDecision, Notes: "Referat med æøå", Decision: "Besluttet"}
		if err := db.SaveAgendaItem(context.Background(), model.AgendaItem{}, &it); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		// Acknowledged only after the commit returned.
		fmt.Fprintln(out, it.ID)
		out.Flush()
	}
}

func TestMain(m *testing.M) {
	if path := os.Getenv("LOKALRAAD_CRASH_WRITER"); path != "" {
		crashWriter(path, os.Getenv("LOKALRAAD_CRASH_MEETING"), os.Getenv("LOKALRAAD_CRASH_COUNCIL"))
		return
	}
	if path := os.Getenv("LOKALRAAD_CRASH_APPLIER"); path != "" {
		crashApplier(path, os.Getenv("LOKALRAAD_CRASH_SOURCE"))
		return
	}
	os.Exit(m.Run())
}

// TestKillWriter kills a writing process with SIGKILL at random moments,
// many times, and checks after each kill that the database is sound, that
// every edit the writer saw committed is there, and that no row is without
// its change log (row and log are one transaction).
func TestKillWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	db, path := openTemp(t)
	c := newCouncil(t, db)
	m := newMeeting(t, db, c.ID, fixedNow)
	db.Close()

	kills := 25
	rng := rand.New(rand.NewPCG(7, 7))
	acknowledged := map[string]bool{}
	for k := 0; k < kills; k++ {
		cmd, lines := startChild(t, "LOKALRAAD_CRASH_WRITER="+path, "LOKALRAAD_CRASH_MEETING="+m.ID, "LOKALRAAD_CRASH_COUNCIL="+c.ID)
		// Let it write for a while, then pull the plug mid-stream.
		deadline := time.After(time.Duration(50+rng.IntN(250)) * time.Millisecond)
	read:
		for {
			select {
			case id, ok := <-lines:
				if !ok {
					break read
				}
				acknowledged[id] = true
			case <-deadline:
				cmd.Process.Signal(syscall.SIGKILL)
				for id := range lines {
					acknowledged[id] = true // printed before the kill
				}
				break read
			}
		}
		cmd.Wait()

		check, err := storage.Open(context.Background(), path)
		must(t, err)
		if err := check.Check(t.Context()); err != nil {
			t.Fatalf("after kill %d: %v", k+1, err)
		}
		items, err := check.AgendaItems(t.Context(), m.ID)
		must(t, err)
		have := map[string]bool{}
		for _, it := range items {
			have[it.ID] = true
			if it.Title == "" || it.Decision != "Besluttet" {
				t.Fatalf("after kill %d: half-written item %+v", k+1, it)
			}
		}
		for id := range acknowledged {
			if !have[id] {
				t.Fatalf("after kill %d: acknowledged item %s is lost", k+1, id)
			}
		}
		ops, err := check.ChangeLog()
		must(t, err)
		logged := map[string]int{}
		for _, o := range ops {
			if o.Table == "agenda_items" {
				logged[o.Row]++
			}
		}
		for id := range have {
			if logged[id] == 0 {
				t.Fatalf("after kill %d: item %s has no change log", k+1, id)
			}
		}
		check.Close()
	}
	if len(acknowledged) < kills {
		t.Errorf("only %d edits acknowledged over %d runs; the writer hardly ran", len(acknowledged), kills)
	}
	t.Logf("%d kills survived; %d acknowledged edits all present", kills, len(acknowledged))
}

// startChild starts this test binary again as a child that runs no test
// but the role env names (TestMain reads it), and gives its stdout as
// lines: what the child reported before it was killed.
func startChild(t *testing.T, env ...string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	return cmd, lines
}
