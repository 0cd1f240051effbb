// Command syncpeer compares a new laptop's first sync of one council with
// ten years of data from a local `kommune serve` with PouchDB replicating
// the same rows from express-pouchdb, and with raw SQLite inserts of them,
// side by side in one run, and prints one line with the three medians and
// the ratios.
//
//	go run ./bench/syncpeer -kommune ./kommune -modules ~/.cache/lokalraad-bench/node_modules [-runs 7]
//
// The council is storage/demo's large data set for one council (ten
// years: about 1,500 rows and 11,650 ops), written on a laptop and pushed
// to the hub once. Then, interleaved so that all three see the same
// machine, each run times:
//
//   - lokalraad: a new laptop (an empty database, enrolled with a fresh
//     one-time code; both untimed) runs exchange.Client.Sync, the app's "Synkronisér",
//     against the hub process over loopback: wall time until it returns,
//     all ops pulled, checked and applied. Every run's rows are counted
//     against the first.
//   - PouchDB: a Node process replicates, with PouchDB's defaults, from an
//     express-pouchdb process (leveldb) holding one document per row with
//     the row's fields into a new local leveldb PouchDB (opened untimed):
//     wall time until replicate() resolves. The document count is checked.
//   - raw: the same rows inserted into an empty database of the app's
//     schema (made untimed) with one prepared INSERT per table, all in one
//     transaction: the floor of writing these rows with modernc SQLite.
//
// `make bench-sync` builds kommune and installs pouchdb 9, express-pouchdb
// and express from npm into ~/.cache/lokalraad-bench (never into the
// repository) when missing.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"lokalraad/storage"
	"lokalraad/storage/demo"
	"lokalraad/storage/exchange"
)

func main() {
	kommune := flag.String("kommune", "./kommune", "the kommune binary (make kommune)")
	modules := flag.String("modules", filepath.Join(os.Getenv("HOME"), ".cache", "lokalraad-bench", "node_modules"), "node_modules holding pouchdb, express-pouchdb and express")
	node := flag.String("node", "node", "Node.js")
	runs := flag.Int("runs", 7, "timed runs of each (at least 5)")
	flag.StringVar(&profileTo, "cpuprofile", "", "write CPU profiles of the laptop's timed syncs (this process) to FILE.1, FILE.2, … (go tool pprof merges them)")
	flag.Parse()
	if err := run(*kommune, *modules, *node, max(*runs, 5)); err != nil {
		fmt.Fprintln(os.Stderr, "syncpeer:", err)
		os.Exit(1)
	}
}

// profileTo names the CPU profiles of the timed syncs (-cpuprofile).
var profileTo string

func run(kommune, modules, node string, runs int) error {
	kommune, err := filepath.Abs(kommune)
	if err != nil {
		return err
	}
	if modules, err = filepath.Abs(modules); err != nil {
		return err
	}
	script, err := filepath.Abs(filepath.Join(sourceDir(), "pouch.js"))
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "syncpeer-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The hub: a council, a device for the laptop that writes it, serving.
	hubDB := filepath.Join(dir, "hub.db")
	council, err := lastLine(exec.Command(kommune, "council", "add", "--db", hubDB, "--name", "Lokalområde 01"))
	if err != nil {
		return err
	}
	enroll := func(name string) (string, error) {
		return lastLine(exec.Command(kommune, "device", "enroll", "--db", hubDB, "--council", council, "--name", name))
	}
	hub := exec.CommandContext(ctx, kommune, "serve", "--addr", "127.0.0.1:0", "--db", hubDB)
	hubOut, err := hub.StdoutPipe()
	if err != nil {
		return err
	}
	if err := hub.Start(); err != nil {
		return err
	}
	defer func() { cancel(); hub.Wait() }()
	addr, err := bufio.NewReader(hubOut).ReadString('\n')
	if err != nil {
		return fmt.Errorf("kommune serve: %v", err)
	}
	url := "http://" + strings.TrimSpace(addr)

	// The laptop that wrote ten years pushes them.
	code, err := enroll("Skriver")
	if err != nil {
		return err
	}
	src, err := storage.Open(ctx, filepath.Join(dir, "src.db"))
	if err != nil {
		return err
	}
	if err := demo.Large(ctx, src, time.Now(), demo.LargeSize{Councils: 1, Years: 10}, nil); err != nil {
		return err
	}
	if _, err := exchange.NewClient().Enroll(ctx, src, url, code); err != nil {
		return err
	}
	if err := exchange.AnswerLink(ctx, src, true); err != nil {
		return err
	}
	if _, err := exchange.NewClient().Sync(ctx, src, url); err != nil {
		return fmt.Errorf("first push: %w", err)
	}
	ops, err := src.CouncilOps(context.Background(), council)
	if err != nil {
		return err
	}
	src.Close()

	// A new laptop's first sync; the first one, untimed, gives the rows.
	n := 0
	laptop := func() (time.Duration, map[string]int, error) {
		n++
		code, err := enroll(fmt.Sprint("Ny bærbar ", n))
		if err != nil {
			return 0, nil, err
		}
		path := filepath.Join(dir, fmt.Sprintf("laptop%d.db", n))
		db, err := storage.Open(ctx, path)
		if err != nil {
			return 0, nil, err
		}
		defer db.Close()
		if _, err := exchange.NewClient().Enroll(ctx, db, url, code); err != nil {
			return 0, nil, err
		}
		if profileTo != "" && n > 1 {
			f, err := os.Create(fmt.Sprintf("%s.%d", profileTo, n-1))
			if err != nil {
				return 0, nil, err
			}
			defer f.Close()
			pprof.StartCPUProfile(f)
		}
		start := time.Now()
		res, err := exchange.NewClient().Sync(ctx, db, url)
		took := time.Since(start)
		if profileTo != "" && n > 1 {
			pprof.StopCPUProfile()
		}
		if err != nil {
			return 0, nil, err
		}
		if res.Pulled != len(ops) {
			return 0, nil, fmt.Errorf("the laptop pulled %d ops of %d", res.Pulled, len(ops))
		}
		db.Close()
		counts, err := countRows(path)
		return took, counts, err
	}
	if _, _, err := laptop(); err != nil {
		return err
	}
	first := filepath.Join(dir, "laptop1.db")
	rows, err := readRows(first)
	if err != nil {
		return err
	}
	want, err := countRows(first)
	if err != nil {
		return err
	}
	nrows := 0
	for _, rs := range rows {
		nrows += len(rs.values)
	}

	// PouchDB: the server with one document per row, and the client.
	docsFile := filepath.Join(dir, "docs.json")
	if err := writeDocs(docsFile, rows); err != nil {
		return err
	}
	env := append(os.Environ(), "NODE_PATH="+modules)
	pserver := exec.CommandContext(ctx, node, script, "serve", filepath.Join(dir, "pouch-server"), docsFile)
	pserver.Env, pserver.Stderr = env, os.Stderr
	pserverIn, err := pserver.StdinPipe()
	if err != nil {
		return err
	}
	pserverOut, err := pserver.StdoutPipe()
	if err != nil {
		return err
	}
	if err := pserver.Start(); err != nil {
		return fmt.Errorf("%s (apt-get install nodejs npm): %v", node, err)
	}
	defer func() { pserverIn.Close(); pserver.Wait() }()
	ready, err := bufio.NewReader(pserverOut).ReadString('\n')
	if err != nil || !strings.HasPrefix(ready, "ready ") {
		return fmt.Errorf("express-pouchdb did not start (make bench-sync installs it): %q %v", ready, err)
	}
	pouchURL := strings.TrimSpace(strings.TrimPrefix(ready, "ready "))
	pclient := exec.CommandContext(ctx, node, script, "client")
	pclient.Env, pclient.Stderr = env, os.Stderr
	pclientIn, err := pclient.StdinPipe()
	if err != nil {
		return err
	}
	pclientOut, err := pclient.StdoutPipe()
	if err != nil {
		return err
	}
	if err := pclient.Start(); err != nil {
		return err
	}
	defer func() { pclientIn.Close(); pclient.Wait() }()
	answers := bufio.NewReader(pclientOut)
	p := 0
	pouch := func() (time.Duration, error) {
		p++
		fmt.Fprintf(pclientIn, "%s %s\n", pouchURL, filepath.Join(dir, fmt.Sprintf("pouch-local%d", p)))
		line, err := answers.ReadString('\n')
		if err != nil {
			return 0, fmt.Errorf("PouchDB client: %v", err)
		}
		f := strings.Fields(line)
		if len(f) != 2 || f[0] == "error" {
			return 0, fmt.Errorf("PouchDB client: %s", strings.TrimSpace(line))
		}
		ms, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return 0, err
		}
		if docs, _ := strconv.Atoi(f[1]); docs != nrows {
			return 0, fmt.Errorf("PouchDB replicated %d documents of %d", docs, nrows)
		}
		return time.Duration(ms * float64(time.Millisecond)), nil
	}
	if _, err := pouch(); err != nil { // warm
		return err
	}

	r := 0
	raw := func() (time.Duration, error) {
		r++
		path := filepath.Join(dir, fmt.Sprintf("raw%d.db", r))
		db, err := storage.Open(ctx, path) // the schema, untimed
		if err != nil {
			return 0, err
		}
		db.Close()
		took, err := rawInsert(path, rows)
		if err != nil {
			return 0, err
		}
		got, err := countRows(path)
		if err != nil {
			return 0, err
		}
		if !sameCounts(got, want) {
			return 0, fmt.Errorf("raw inserts: %v, want %v", got, want)
		}
		return took, nil
	}
	if _, err := raw(); err != nil { // warm
		return err
	}

	// Interleaved, so that all three see the same machine.
	var ours, theirs, floor []time.Duration
	for range runs {
		d, counts, err := laptop()
		if err != nil {
			return err
		}
		if !sameCounts(counts, want) {
			return fmt.Errorf("laptop rows: %v, want %v", counts, want)
		}
		ours = append(ours, d)
		if d, err = pouch(); err != nil {
			return err
		}
		theirs = append(theirs, d)
		if d, err = raw(); err != nil {
			return err
		}
		floor = append(floor, d)
	}
	o, t, f := median(ours), median(theirs), median(floor)
	fmt.Printf("first sync of one council with 10 years (%d rows, %d ops; %d runs interleaved, medians): "+
		"lokalraad %.0f ms; PouchDB %s (leveldb) from express-pouchdb %s %.0f ms; raw modernc inserts %.0f ms. "+
		"PouchDB ÷ lokalraad %.2f× (goal ≥ 3×); raw ÷ lokalraad %.0f %%\n",
		nrows, len(ops), runs, ms(o), version(modules, "pouchdb"), version(modules, "express-pouchdb"), ms(t), ms(f),
		float64(t)/float64(o), 100*float64(f)/float64(o))
	return nil
}

// table is one table's rows as the laptop holds them.
type table struct {
	name   string
	cols   []string
	values [][]any
}

func openFile(path string) (*sql.DB, error) {
	return sql.Open("sqlite", path+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate")
}

func readRows(path string) ([]table, error) {
	db, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var out []table
	for _, t := range storage.Tables {
		rs, err := db.Query("SELECT * FROM " + t + " ORDER BY rowid")
		if err != nil {
			return nil, err
		}
		cols, err := rs.Columns()
		if err != nil {
			rs.Close()
			return nil, err
		}
		tb := table{name: t, cols: cols}
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				rs.Close()
				return nil, err
			}
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					vals[i] = string(b)
				}
			}
			tb.values = append(tb.values, vals)
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, err
		}
		if len(tb.values) > 0 {
			out = append(out, tb)
		}
	}
	return out, nil
}

func countRows(path string) (map[string]int, error) {
	db, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	out := map[string]int{}
	for _, t := range storage.Tables {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM " + t).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			out[t] = n
		}
	}
	return out, nil
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// writeDocs writes one PouchDB document per row: _id the row's id, the
// table's name, and every column with its value.
func writeDocs(path string, rows []table) error {
	var docs []map[string]any
	for _, t := range rows {
		for _, vals := range t.values {
			doc := map[string]any{"table": t.name}
			for i, c := range t.cols {
				if c == "id" {
					doc["_id"] = vals[i]
				} else {
					doc[c] = vals[i]
				}
			}
			docs = append(docs, doc)
		}
	}
	b, err := json.Marshal(docs)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// rawInsert inserts the rows, a prepared statement a table, in one
// transaction.
func rawInsert(path string, rows []table) (time.Duration, error) {
	db, err := openFile(path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if err := db.Ping(); err != nil {
		return 0, err
	}
	start := time.Now()
	tx, err := db.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	for _, t := range rows {
		stmt, err := tx.Prepare("INSERT INTO " + t.name + "(" + strings.Join(t.cols, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(t.cols)-1) + ")")
		if err != nil {
			return 0, err
		}
		for _, v := range t.values {
			if _, err := stmt.Exec(v...); err != nil {
				stmt.Close()
				return 0, err
			}
		}
		stmt.Close()
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// lastLine runs a command and returns the last line it printed.
func lastLine(cmd *exec.Cmd) (string, error) {
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		return "", fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1]), nil
}

// sourceDir is this program's folder, where pouch.js is: go run builds
// elsewhere, so it is found from the working directory (the repository's
// root, as make runs it) or beside the binary.
func sourceDir() string {
	if _, err := os.Stat(filepath.Join("bench", "syncpeer", "pouch.js")); err == nil {
		return filepath.Join("bench", "syncpeer")
	}
	exe, _ := os.Executable()
	return filepath.Dir(exe)
}

func version(modules, pkg string) string {
	b, err := os.ReadFile(filepath.Join(modules, pkg, "package.json"))
	if err != nil {
		return ""
	}
	var p struct{ Version string }
	json.Unmarshal(b, &p)
	return p.Version
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
