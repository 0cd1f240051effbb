package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lokalraad/internal/dbstate"
	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/demo"
	"lokalraad/storage/exchange"
)

// Ctrl-C partway through a command, not before it starts: the command says
// »afbrudt« (with what is true of the database, where it says more), fails,
// prints no English, and leaves the database as it was or holding only
// whole, committed steps that a rerun completes.

// english is what a library's message would bring along.
func english(s string) bool {
	s = strings.ToLower(s)
	for _, w := range []string{"context", "cancel", "interrupt", "database is", "sql", "deadline"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// wantStopped checks the error and output of a command stopped by Ctrl-C.
func wantStopped(t *testing.T, what string, err error, want string, out ...string) {
	t.Helper()
	if err == nil || err.Error() != want || !errors.Is(err, model.ErrCanceled) || model.ErrorCode(err) != model.Canceled {
		t.Errorf("%s: %v, want »%s«", what, err, want)
	}
	if err != nil && english(err.Error()) {
		t.Errorf("%s: English in %q", what, err)
	}
	for _, o := range out {
		if english(o) {
			t.Errorf("%s printed English: %s", what, o)
		}
	}
}

// sweep runs a command with Ctrl-C coming at moments from its start to
// twice as long as a whole run takes (timed first), each on a fresh setup,
// and gives check each outcome. At least one run must have been stopped.
func sweep(t *testing.T, setup func(), cmd func(ctx context.Context) (string, error), check func(at time.Duration, out string, err error) (stopped bool)) {
	t.Helper()
	setup()
	start := time.Now()
	if out, err := cmd(context.Background()); err != nil {
		t.Fatalf("a whole run: %v\n%s", err, out)
	}
	whole := time.Since(start)
	stopped := 0
	for i := range 12 {
		setup()
		at := whole * time.Duration(i) / 6
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(at, cancel)
		out, err := cmd(ctx)
		timer.Stop()
		cancel()
		if check(at, out, err) {
			stopped++
		}
	}
	t.Logf("%d of 12 runs stopped; a whole one takes %v", stopped, whole)
	if stopped == 0 {
		t.Errorf("no run was stopped (a whole one takes %v): nothing was tested", whole)
	}
}

// A database of schema 1 is upgraded by the first command that opens it
// (here a backup). Ctrl-C during the upgrade says »afbrudt« and leaves the
// file at schema 1 with every row as it was; Ctrl-C after it, during the
// backup, leaves the upgraded database and no backup file. A rerun
// upgrades and backs up.
func TestCtrlCDuringUpgradeOnOpen(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("..", "..", "storage", "testdata", "schema-v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path, out := filepath.Join(dir, "gammel.db"), filepath.Join(dir, "ud")
	setup := func() {
		for _, p := range []string{path, path + "-wal", path + "-shm", storage.SecretPath(path)} {
			os.Remove(p)
		}
		os.RemoveAll(filepath.Join(dir, "sikkerhedskopier"))
		os.RemoveAll(out)
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, fixture, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	setup()
	_, before := dbstate.Of(t, path)
	backup := filepath.Join(out, "kopi.db")
	cmd := func(ctx context.Context) (string, error) {
		var stdout, stderr strings.Builder
		err := run(ctx, []string{"backup", "--db", path, "--out", backup}, &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	upgradesStopped := 0
	sweep(t, setup, cmd, func(at time.Duration, output string, err error) bool {
		if err == nil {
			if v, _ := dbstate.Of(t, path); v != storage.SchemaVersion() {
				t.Errorf("at %v: done, but the database has version %d", at, v)
			}
			if _, err := os.Stat(backup); err != nil {
				t.Errorf("at %v: done, but no backup: %v", at, err)
			}
			return false
		}
		wantStopped(t, fmt.Sprint("at ", at), err, "afbrudt", output)
		switch v, state := dbstate.Of(t, path); v {
		case 1:
			upgradesStopped++
			if state != before {
				t.Errorf("at %v: stopped in the upgrade, the file changed:\n%s\n%s", at, before, state)
			}
		case storage.SchemaVersion():
		default:
			t.Errorf("at %v: stopped halfway through the upgrade, at version %d", at, v)
		}
		if files, _ := os.ReadDir(out); len(files) > 0 {
			t.Errorf("at %v: a stopped backup left %s", at, files[0].Name())
		}
		// The next run finishes what was stopped.
		if o, err := cmd(context.Background()); err != nil {
			t.Errorf("at %v: the rerun: %v\n%s", at, err, o)
		}
		return true
	})
	t.Logf("%d runs stopped in the upgrade", upgradesStopped)
	if upgradesStopped == 0 {
		t.Log("no Ctrl-C landed in the upgrade itself this time (storage's TestOpenCancelledInMigrationLeavesFileAsItWas stops it there for sure)")
	}
}

// Ctrl-C at any moment of lokalraad restore: it has restored the backup,
// or it says »afbrudt – databasen er uændret« and the database is exactly
// as it was, with no copy of it left beside it.
func TestCtrlCDuringRestore(t *testing.T) {
	path, _ := demoDB(t)
	data := noerr.Get(os.ReadFile(path))(t)
	secret := noerr.Get(os.ReadFile(storage.SecretPath(path)))(t)
	_, before := dbstate.Of(t, path)
	backup, _ := newCouncilDB(t)
	setup := func() {
		for _, p := range []string{path + "-wal", path + "-shm"} {
			os.Remove(p)
		}
		os.RemoveAll(filepath.Join(filepath.Dir(path), "sikkerhedskopier"))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(storage.SecretPath(path), secret, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := func(ctx context.Context) (string, error) {
		var stdout, stderr strings.Builder
		err := run(ctx, []string{"restore", "--db", path, backup}, &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	sweep(t, setup, cmd, func(at time.Duration, out string, err error) bool {
		if err == nil {
			if !strings.Contains(out, "Gendannet fra") {
				t.Errorf("at %v: done, but it says %q", at, out)
			}
			if _, state := dbstate.Of(t, path); state == before {
				t.Errorf("at %v: done, but the database is the one it was", at)
			}
			return false
		}
		wantStopped(t, fmt.Sprint("at ", at), err, "afbrudt – databasen er uændret", out)
		if _, state := dbstate.Of(t, path); state != before {
			t.Errorf("at %v: »databasen er uændret«, but it changed", at)
		}
		if files, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "sikkerhedskopier", "foer-gendannelse-*")); len(files) > 0 {
			t.Errorf("at %v: a stopped restore left %v", at, files)
		}
		return true
	})
}

// cancelOnWrite cancels when the command first prints a line: Ctrl-C
// while it goes on to write.
type cancelOnWrite struct {
	mu     sync.Mutex
	b      strings.Builder
	cancel context.CancelFunc
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cancel()
	return w.b.Write(p)
}

// An import of a workbook is stopped after it has read the file and said
// what it holds, on its way to write it: »afbrudt; intet er importeret«,
// and it is true.
func TestCtrlCDuringImport(t *testing.T) {
	target, council := newCouncilDB(t)
	src, srcCouncil := demoDB(t)
	book := filepath.Join(t.TempDir(), "jyderup.xlsx")
	if _, _, err := runCmd(t, "export", "workbook", "--db", src, "--council", srcCouncil, "--out", book); err != nil {
		t.Fatal(err)
	}
	_, before := dbstate.Of(t, target)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &cancelOnWrite{cancel: cancel}
	var errOut strings.Builder
	err := run(ctx, []string{"import", "workbook", "--db", target, book}, out, &errOut)
	if !strings.Contains(out.b.String(), "budgetønsker") {
		t.Fatalf("the import did not get as far as reading the file: %v\n%s", err, out.b.String())
	}
	wantStopped(t, "import", err, "afbrudt; intet er importeret", out.b.String(), errOut.String())
	if _, after := dbstate.Of(t, target); after != before {
		t.Error("»intet er importeret«, but the database changed")
	}
	// The rerun imports it all.
	if o, _, err := runCmd(t, "import", "workbook", "--db", target, book); err != nil {
		t.Fatalf("rerun: %v\n%s", err, o)
	}
	db := noerr.Get(storage.Open(context.Background(), target))(t)
	defer db.Close()
	d := noerr.Get(db.CouncilData(t.Context(), council))(t)
	if len(d.Members) == 0 || len(d.Wishes) == 0 {
		t.Errorf("the rerun imported %d members, %d wishes", len(d.Members), len(d.Wishes))
	}
}

// waitForOps waits until the laptop's database at path holds n ops of
// council, read as another program would (the sync has it open).
func waitForOps(t *testing.T, path, council string, n int) {
	db, err := sql.Open("sqlite", path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Error(err)
		return
	}
	defer db.Close()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var got int
		if db.QueryRow("SELECT COUNT(*) FROM changes WHERE council_id = ?", council).Scan(&got) == nil && got >= n {
			return
		}
	}
	t.Errorf("the laptop never stored the first page's %d ops", n)
}

// A first sync from a hub that serves its pages one at a time, and stalls
// after its first: Ctrl-C comes as the hub serves that first page, or,
// once the laptop has stored it, while it waits for the second. The sync says »afbrudt«; the
// laptop holds whole pages only (each is applied in one transaction with
// the cursor that follows it); a rerun pulls the rest, and the laptop then
// holds what the hub holds.
func TestCtrlCDuringSync(t *testing.T) {
	for _, atSecond := range []bool{false, true} {
		name := map[bool]string{false: "first page served", true: "second page awaited"}[atSecond]
		t.Run(name, func(t *testing.T) { ctrlCDuringSync(t, atSecond) })
	}
}

func ctrlCDuringSync(t *testing.T, atSecond bool) {
	dir := t.TempDir()
	hub := noerr.Get(storage.Open(context.Background(), filepath.Join(dir, "hub.db")))(t)
	t.Cleanup(func() { hub.Close() })
	c, err := demo.Council(t.Context(), hub, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, code, err := hub.AddDevice(t.Context(), "bærbar", c, false)
	if err != nil {
		t.Fatal(err)
	}
	const page = 40
	srv := exchange.NewServer(t.Context(), hub, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv.PageSize = page
	real := srv.Handler()
	laptop := filepath.Join(dir, "bærbar.db")
	var pages atomic.Int32
	var stop atomic.Pointer[context.CancelFunc]
	stall := make(chan struct{})
	defer close(stall)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel := stop.Load()
		if r.URL.Path != "/v1/pull" || cancel == nil {
			real.ServeHTTP(w, r)
			return
		}
		switch n := pages.Add(1); {
		case n == 1:
			real.ServeHTTP(w, r)
			if !atSecond {
				(*cancel)() // Ctrl-C as the first page goes out
			}
		default:
			if atSecond {
				// The client asks for the next page while it applies
				// one: Ctrl-C once the first page is stored, while the
				// laptop waits for the second.
				waitForOps(t, laptop, c, page)
				(*cancel)()
			}
			select { // the hub stalls after its first page
			case <-r.Context().Done():
			case <-stall:
			}
		}
	}))
	defer ts.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop.Store(&cancel)
	var out, errOut strings.Builder
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"sync", "--db", laptop, "--server", ts.URL, "--code", code}, &out, &errOut)
	}()
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatal("the sync did not end after Ctrl-C while the hub stalled")
	}
	wantStopped(t, "sync", err, "afbrudt", out.String(), errOut.String())
	if pages.Load() == 0 {
		t.Fatal("the sync stopped before it pulled: nothing partway was tested")
	}
	total := len(noerr.Get(hub.CouncilOps(t.Context(), c))(t))
	if total <= 2*page {
		t.Fatalf("the hub holds %d ops: too few for pages of %d", total, page)
	}
	db := noerr.Get(storage.Open(context.Background(), laptop))(t)
	got := len(noerr.Get(db.CouncilOps(t.Context(), c))(t))
	db.Close()
	t.Logf("after Ctrl-C the laptop holds %d of %d ops (%d pull requests)", got, total, pages.Load())
	if got%page != 0 || got >= total {
		t.Errorf("after Ctrl-C the laptop holds %d of the hub's %d ops: not whole pages of %d", got, total, page)
	}
	if atSecond && got != page {
		t.Errorf("Ctrl-C while waiting for the second page: the laptop holds %d ops, want the first page's %d", got, page)
	}

	stop.Store(nil)
	out.Reset()
	if err := run(context.Background(), []string{"sync", "--db", laptop}, &out, &errOut); err != nil {
		t.Fatalf("rerun: %v\n%s", err, out.String())
	}
	db = noerr.Get(storage.Open(context.Background(), laptop))(t)
	defer db.Close()
	if got := len(noerr.Get(db.CouncilOps(t.Context(), c))(t)); got != total {
		t.Errorf("after the rerun the laptop holds %d of the hub's %d ops", got, total)
	}
	hd, ld := noerr.Get(hub.CouncilData(t.Context(), c))(t), noerr.Get(db.CouncilData(t.Context(), c))(t)
	if len(ld.Members) != len(hd.Members) || len(ld.Projects) != len(hd.Projects) || len(ld.Wishes) != len(hd.Wishes) {
		t.Errorf("after the rerun the laptop has %d members, %d projects, %d wishes; the hub %d, %d, %d",
			len(ld.Members), len(ld.Projects), len(ld.Wishes), len(hd.Members), len(hd.Projects), len(hd.Wishes))
	}
}

// A bundle of a council's history (a few hundred rows, over a thousand
// ops) is imported into a new laptop, with Ctrl-C at moments from the
// start to twice as long as a whole import takes. The import is done, or
// it says »afbrudt« and the laptop holds none of the bundle's ops or,
// should it have come after they were stored, all of them; a rerun then
// completes it.
func TestCtrlCDuringBundleImport(t *testing.T) {
	dir := t.TempDir()
	hub := noerr.Get(storage.Open(context.Background(), filepath.Join(dir, "hub.db")))(t)
	t.Cleanup(func() { hub.Close() })
	council := model.Council{Name: "Jyderup Lokalråd"}
	if err := hub.SaveCouncil(t.Context(), model.Council{}, &council); err != nil {
		t.Fatal(err)
	}
	c := council.ID
	var ms []model.Member
	var ps []model.Project
	var ws []model.BudgetWish
	for i := range 60 {
		ms = append(ms, model.Member{CouncilID: c, Name: fmt.Sprintf("Karen %d", i), Role: model.RoleMember})
		ps = append(ps, model.Project{CouncilID: c, Title: fmt.Sprintf("Sti nummer %d", i), Description: "Karen har skrevet om stien", Status: model.ProjectIdea})
		ws = append(ws, model.BudgetWish{CouncilID: c, Year: 2027, Title: fmt.Sprintf("Bænk %d", i), Justification: "En bænk ved stien", Status: model.WishDraft})
	}
	if err := hub.Import(t.Context(), ms, ps, ws); err != nil {
		t.Fatal(err)
	}
	_, code, err := hub.AddDevice(t.Context(), "bærbar", c, false)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(exchange.NewServer(t.Context(), hub, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	defer srv.Close()
	src, bundle := filepath.Join(dir, "bærbar.db"), filepath.Join(dir, "jyderup.lokalraad")
	if _, _, err := runCmd(t, "sync", "--db", src, "--server", srv.URL, "--code", code); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "bundle", "export", "--db", src, "--out", bundle); err != nil {
		t.Fatal(err)
	}
	total := len(noerr.Get(hub.CouncilOps(t.Context(), c))(t))
	target := filepath.Join(dir, "ny.db")
	held := func() int {
		db := noerr.Get(storage.Open(context.Background(), target))(t)
		defer db.Close()
		return len(noerr.Get(db.CouncilOps(t.Context(), c))(t))
	}
	setup := func() {
		for _, p := range []string{target, target + "-wal", target + "-shm", storage.SecretPath(target)} {
			os.Remove(p)
		}
		db := noerr.Get(storage.Open(context.Background(), target))(t)
		db.Close()
	}
	cmd := func(ctx context.Context) (string, error) {
		var stdout, stderr strings.Builder
		err := run(ctx, []string{"bundle", "import", "--db", target, bundle}, &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	sweep(t, setup, cmd, func(at time.Duration, out string, err error) bool {
		if err == nil {
			if n := held(); n != total {
				t.Errorf("at %v: done, but the laptop holds %d of %d ops", at, n, total)
			}
			return false
		}
		wantStopped(t, fmt.Sprint("at ", at), err, "afbrudt", out)
		if n := held(); n != 0 && n != total {
			t.Errorf("at %v: stopped with %d of the bundle's %d ops stored", at, n, total)
		}
		if o, err := cmd(context.Background()); err != nil {
			t.Errorf("at %v: the rerun: %v\n%s", at, err, o)
		} else if n := held(); n != total {
			t.Errorf("at %v: after the rerun the laptop holds %d of %d ops", at, n, total)
		}
		return true
	})
}
