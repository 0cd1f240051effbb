// Package pgtest starts a throwaway PostgreSQL cluster for tests: initdb in
// a temporary directory, pg_ctl start on a Unix socket there (no TCP port),
// as the current user, or as the user "postgres" when running as root
// (PostgreSQL refuses to run as root).
//
// Without PostgreSQL installed the tests that need it are skipped, with a
// message, unless LOKALRAAD_PG_REQUIRED=1 (set in CI), when they fail.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a PostgreSQL cluster of its own.
type Cluster struct {
	Dir  string // data in Dir/data, the socket in Dir
	bin  string
	as   *user.User // nil: the current user
	next atomic.Int64
}

// binDir finds PostgreSQL's programs: on PATH, or Debian's
// /usr/lib/postgresql/N/bin.
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	ms, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(ms) > 0 {
		return filepath.Dir(ms[len(ms)-1]), nil
	}
	return "", errors.New("PostgreSQL er ikke installeret (initdb findes ikke); installér pakken postgresql")
}

func (c *Cluster) run(name string, args ...string) error {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	if c.as != nil {
		cmd = exec.Command("runuser", append([]string{"-u", c.as.Username, "--", filepath.Join(c.bin, name)}, args...)...)
	}
	cmd.Dir = c.Dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, out)
	}
	return nil
}

// New makes and starts a cluster in a new temporary directory.
func New() (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "lokalraad-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, errors.New("testene kører som root, og brugeren postgres findes ikke")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		c.as = u
	}
	if err := c.run("initdb", "-D", filepath.Join(dir, "data"), "-U", "lokalraad", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// Start starts the cluster (again) and waits until it takes connections.
func (c *Cluster) Start() error {
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", c.Dir)
	return c.run("pg_ctl", "start", "-w", "-t", "60", "-D", filepath.Join(c.Dir, "data"), "-l", filepath.Join(c.Dir, "log"), "-o", opts)
}

// Stop stops the cluster at once (fast mode: open transactions are rolled
// back, clients cut off).
func (c *Cluster) Stop() error {
	return c.run("pg_ctl", "stop", "-w", "-m", "fast", "-D", filepath.Join(c.Dir, "data"))
}

// Remove stops the cluster and deletes its files.
func (c *Cluster) Remove() {
	c.Stop()
	os.RemoveAll(c.Dir)
}

// URL is the address of database name in the cluster.
func (c *Cluster) URL(name string) string {
	return fmt.Sprintf("postgres://lokalraad@/%s?host=%s&sslmode=disable", name, c.Dir)
}

// NewDatabase creates an empty database and returns its URL.
func (c *Cluster) NewDatabase() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), c.next.Add(1))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	return c.URL(name), nil
}

var (
	shared     *Cluster
	sharedErr  error
	sharedOnce sync.Once
)

// Required tells whether PostgreSQL tests must run (CI).
func Required() bool { return os.Getenv("LOKALRAAD_PG_REQUIRED") == "1" }

// Unavailable skips t, or fails it when PostgreSQL is required.
func Unavailable(t testing.TB, err error) {
	t.Helper()
	if Required() {
		t.Fatalf("PostgreSQL kræves (LOKALRAAD_PG_REQUIRED=1): %v", err)
	}
	t.Skipf("springer PostgreSQL-testen over: %v", err)
}

// URL returns a fresh database in the package's shared cluster, started
// on first use; see Main for stopping it.
func URL(t testing.TB) string {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = New() })
	if sharedErr != nil {
		Unavailable(t, sharedErr)
	}
	u, err := shared.NewDatabase()
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Main runs the tests, then removes the shared cluster if one was started:
// func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		shared.Remove()
	}
	return code
}
