// Command kommune is the municipality's sync server for Lokalråd and its
// admin subcommands. It imports no Fyne: CGO_ENABLED=0 go build works.
//
//	kommune serve --addr 127.0.0.1:8080 --db PATH [--tls-cert F --tls-key F]
//	              [--quota-ops N --quota-mb N --code-ttl 336h --max-failures N
//	               --failure-window 15m --page-mb N --max-op-kb N --partial-ttl 24h]
//	kommune council add --db PATH --name NAME          prints the council id last
//	kommune council list --db PATH
//	kommune device enroll --db PATH (--council ID | --staff) --name LABEL
//	                                                   prints the one-time code last
//	kommune device list --db PATH [--mirrors]
//	kommune device revoke --db PATH ID
//	kommune device prune-mirrors --db postgres://… [--older-than 720h]
//	kommune bundle export --db PATH --council ID --out FILE
//	kommune bundle import --db PATH FILE
//	kommune pool add --db PATH --name NAME (--deadline 01.03.2027 | --open)
//	                 [--amount 200.000 --max 50.000 --description T --rules T]
//	                                                   prints the pool id last
//	kommune pool list --db PATH
//	kommune migrate --from PATH --to postgres://…   moves a hub to PostgreSQL
//	kommune version                                    prints the version
//
// --db takes a path (SQLite) or a postgres:// URL (PostgreSQL; several
// serve processes may share one database). On PostgreSQL, serve and the
// pool commands keep the hub's rows in a mirror under --cache DIR
// (default: the system's cache folder; see exchange.Mirror).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"lokalraad/assets"
	"lokalraad/internal/cliflag"
	"lokalraad/model"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
	"lokalraad/ui/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "kommune:", err)
		}
		os.Exit(1)
	}
}

const usage = `brug:
  kommune serve --addr 127.0.0.1:8080 --db PATH [--tls-cert F --tls-key F]
                [--quota-ops N --quota-mb N --code-ttl 336h --max-failures N --failure-window 15m --page-mb N --max-op-kb N --partial-ttl 24h]
  kommune council add --db PATH --name NAME
  kommune council list --db PATH
  kommune device enroll --db PATH (--council ID | --staff) --name LABEL
  kommune device list --db PATH [--mirrors]   # --mirrors: nodernes spejle, og hvornår hvert sidst hentede
  kommune device revoke --db PATH ID
  kommune device prune-mirrors --db postgres://… [--older-than 720h]   # spær spejle, ingen har brugt så længe
  kommune bundle export --db PATH --council ID --out FILE
  kommune bundle import --db PATH FILE
  kommune pool add --db PATH --name NAME (--deadline 01.03.2027 | --open) [--amount KR --max KR --description T --rules T]
  kommune pool list --db PATH
  kommune staff add --db PATH --name NAME    # a staff user of /oversigt; last line: a one-time password
  kommune staff password --db PATH --name NAME   # a new password (last line); the user's sessions end
  kommune migrate --from PATH --to postgres://…
  kommune load --db PATH|postgres://… [--nodes 2 --councils 500 --laptops 4 --cycles 3 --ops 10 --workers 32 --duration 2m]
  kommune version
  (--db tager også en postgres://…-adresse: serverens data i PostgreSQL; serve og pool tager
   da --cache DIR: mappen til nodens lokale kopi af rækkerne, standard systemets cache-mappe)`

// hubCommand declares a hub subcommand's flags (besides --db, which every
// one takes) on fs and returns its work, which runHub does once the flags
// are parsed.
type hubCommand func(fs *flag.FlagSet, stdout io.Writer) hubWork

// hubWork is a hub subcommand's work: check, when set, looks at the parsed
// flags and the --db value before the store opens; run works on the open
// store.
type hubWork struct {
	check func(dbPath string) error
	run   func(ctx context.Context, hc *hubConn) error
}

// hubCommands are the admin subcommands on the hub's store, by their two
// words.
var hubCommands = map[string]hubCommand{
	"council add":          councilAdd,
	"council list":         councilList,
	"device enroll":        deviceEnroll,
	"device list":          deviceList,
	"device revoke":        deviceRevoke,
	"device prune-mirrors": devicePruneMirrors,
	"bundle export":        bundleExport,
	"bundle import":        bundleImport,
	"pool add":             poolAdd,
	"pool list":            poolList,
	"staff add":            staffAdd,
	"staff password":       staffPassword,
}

// commands are the subcommands of one word, which parse and open what they
// need themselves.
var commands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) error{
	"load":    loadCmd,
	"migrate": migrate,
	"serve": func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		return serve(ctx, args, stdout, stderr, nil)
	},
	"version": version, "--version": version, "-version": version,
}

func version(_ context.Context, _ []string, stdout, _ io.Writer) error {
	fmt.Fprintln(stdout, "Lokalråd kommune", assets.Version())
	return nil
}

// run is main without the process. Work stopped by Ctrl-C or SIGTERM (ctx
// cancelled) ends with one Danish message (model.Interrupted), never a
// library's English "context canceled".
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return model.Interrupted(ctx, dispatch(ctx, args, stdout, stderr))
}

// dispatch runs the subcommand args name.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return errors.New("angiv en kommando")
	}
	if len(args) > 1 {
		name := args[0] + " " + args[1]
		if cmd, ok := hubCommands[name]; ok {
			return runHub(ctx, name, cmd, args[2:], stdout, stderr)
		}
	}
	if cmd, ok := commands[args[0]]; ok {
		return cmd(ctx, args[1:], stdout, stderr)
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return fmt.Errorf("ukendt kommando %q", args[0])
}

// runHub is what every hub subcommand does around its work: parse the
// flags, check them, open the store --db names, run, close the store.
func runHub(ctx context.Context, name string, cmd hubCommand, args []string, stdout, stderr io.Writer) error {
	fs, dbPath := flags(name, stderr)
	w := cmd(fs, stdout)
	if err := cliflag.Danish(fs.Parse(args)); err != nil {
		return err
	}
	if w.check != nil {
		if err := w.check(*dbPath); err != nil {
			return err
		}
	}
	hc, err := openHub(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer hc.Close()
	return w.run(ctx, hc)
}

func flags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := cliflag.New("kommune "+name, stderr)
	return fs, fs.String("db", "", "serverens databasefil, eller postgres://… for PostgreSQL (påkrævet)")
}

func openDB(ctx context.Context, path string) (*storage.DB, error) {
	if path == "" {
		return nil, errNoDB
	}
	db, err := storage.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	// The municipality's database is the hub: its own ops (pools, …) are
	// signed with the hub's key, which its key directory names.
	if err := db.SetHub(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// serve runs the hub until ctx ends (SIGTERM, Ctrl-C), then shuts down
// cleanly. ready, when set, receives the address it listens on.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) error {
	fs, dbPath := flags("serve", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "adresse at lytte på")
	cert := fs.String("tls-cert", "", "TLS-certifikat (PEM)")
	key := fs.String("tls-key", "", "TLS-nøgle (PEM)")
	defaults := exchange.NewServer(ctx, nil, nil)
	quotaOps := fs.Int64("quota-ops", defaults.QuotaOps, "højst så mange ændringer pr. enhed pr. døgn (0: ingen grænse)")
	quotaMB := fs.Int64("quota-mb", defaults.QuotaBytes>>20, "højst så mange MB ændringer pr. enhed pr. døgn (0: ingen grænse)")
	codeTTL := fs.Duration("code-ttl", defaults.CodeTTL, "hvor længe en tilmeldingskode gælder (0: altid)")
	maxFailures := fs.Int("max-failures", defaults.MaxFailures, "mislykkede tilmeldinger eller log-ind fra én adresse eller for én enhed, før den må vente (0: ingen grænse)")
	failureWindow := fs.Duration("failure-window", defaults.FailureWindow, "tidsrummet mislykkede forsøg tælles i, og ventetiden")
	pageMB := fs.Int("page-mb", defaults.PageBytes>>20, "højst så mange MB ændringer i ét svar på en hentning")
	maxOpKB := fs.Int("max-op-kb", defaults.MaxOp>>10, "største tilladte ændring i kB (under 600 kan et langt, gyldigt referat blive afvist for altid)")
	partialTTL := fs.Duration("partial-ttl", defaults.PartialTTL, "hvor længe et bilag, der kun er sendt en del af, gemmes, når der ikke kommer mere (0: altid)")
	cache := cacheFlag(fs)
	if err := cliflag.Danish(fs.Parse(args)); err != nil {
		return err
	}
	if (*cert == "") != (*key == "") {
		return errors.New("angiv både --tls-cert og --tls-key")
	}
	hc, err := openHub(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer hc.Close()
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	var hub *exchange.Server
	if hc.db != nil {
		hub = exchange.NewServer(ctx, hc.db, log)
	} else {
		hub = exchange.NewStoreServer(hc.pg, log)
	}
	hub.QuotaOps, hub.QuotaBytes, hub.CodeTTL = *quotaOps, *quotaMB<<20, *codeTTL
	hub.MaxFailures, hub.FailureWindow = *maxFailures, *failureWindow
	hub.PageBytes, hub.MaxOp = *pageMB<<20, *maxOpKB<<10
	hub.PartialTTL = *partialTTL
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// The staff's web pages beside the sync API. They read rows: the
	// SQLite hub's own, or on PostgreSQL this node's mirror, brought up to
	// date before a page is served (exchange.Mirror). Staff users,
	// sessions and failed log-ins are in the hub's store (hc.staff), so a
	// log-in holds on every node.
	mux := http.NewServeMux()
	var pagesHandler http.Handler
	var m *exchange.Mirror
	if hc.pg != nil {
		m, err = hc.mirror(ctx, *cache, "serve-"+ln.Addr().String(), log)
		if err != nil {
			ln.Close()
			return err
		}
		defer m.Close()
		pagesHandler = fresh(m, log, web.New(m.DB, hc.staff(), log).Handler())
	} else {
		pagesHandler = web.New(hc.db, hc.staff(), log).Handler()
	}
	for _, p := range web.Paths {
		mux.Handle(p, pagesHandler)
	}
	mux.Handle("/", hub.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() {
		if *cert != "" {
			errc <- srv.ServeTLS(ln, *cert, *key)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	tidyCtx, stopTidy := context.WithCancel(ctx)
	tidied := make(chan struct{})
	go func() { tidy(tidyCtx, hub, m, log, tidyEvery); close(tidied) }()
	defer func() { stopTidy(); <-tidied }()
	log.Info("listening", "addr", ln.Addr().String(), "tls", *cert != "", "store", storeName(hc))
	fmt.Fprintln(stdout, ln.Addr().String())
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Readiness goes first, so a load balancer stops sending; pushes in
	// flight finish (Shutdown waits for them) before the store closes.
	hub.Drain()
	log.Info("shutting down")
	// ctx has ended: the shutdown has 30 seconds of its own.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// staffName declares a staff subcommand's --name and checks, before the
// store opens, that it is given. Staff users live in the hub's store,
// SQLite or PostgreSQL.
func staffName(fs *flag.FlagSet) (name func() string, check func(dbPath string) error) {
	n := fs.String("name", "", "medarbejderens navn (påkrævet)")
	name = func() string { return strings.TrimSpace(*n) }
	return name, func(dbPath string) error {
		if name() == "" {
			return errors.New("angiv medarbejderens navn med --name")
		}
		return nil
	}
}

// staffAdd creates a staff user of the web pages and prints a one-time
// password on its last line.
func staffAdd(fs *flag.FlagSet, stdout io.Writer) hubWork {
	name, check := staffName(fs)
	return hubWork{check: check, run: func(ctx context.Context, hc *hubConn) error {
		pw, err := hc.staff().AddStaffUser(ctx, name())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Medarbejderen %s kan logge ind på /oversigt med adgangskoden herunder (vises kun nu):\n%s\n", name(), pw)
		return nil
	}}
}

// staffPassword gives a staff user a new password, printed on the last
// line; the user's sessions end at once, on every node.
func staffPassword(fs *flag.FlagSet, stdout io.Writer) hubWork {
	name, check := staffName(fs)
	return hubWork{check: check, run: func(ctx context.Context, hc *hubConn) error {
		pw, err := hc.staff().NewStaffPassword(ctx, name())
		if errors.Is(err, storage.ErrNoStaff) {
			return fmt.Errorf("%w: %q (se navnet, som det blev oprettet med kommune staff add)", err, name())
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Medarbejderen %s har fået en ny adgangskode (vises kun nu); den gamle virker ikke længere, og alle åbne log-ind er afsluttet:\n%s\n", name(), pw)
		return nil
	}}
}

func councilAdd(fs *flag.FlagSet, stdout io.Writer) hubWork {
	name := fs.String("name", "", "lokalrådets navn (påkrævet)")
	return hubWork{run: func(ctx context.Context, hc *hubConn) error {
		c, err := hc.addCouncil(ctx, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Lokalrådet %q er oprettet.\n%s\n", c.Name, c.ID)
		return nil
	}}
}

func councilList(_ *flag.FlagSet, stdout io.Writer) hubWork {
	return hubWork{run: func(ctx context.Context, hc *hubConn) error {
		cs, err := hc.councils(ctx)
		if err != nil {
			return err
		}
		for _, c := range cs {
			fmt.Fprintf(stdout, "%s\t%s\n", c.ID, c.Name)
		}
		return nil
	}}
}

func deviceEnroll(fs *flag.FlagSet, stdout io.Writer) hubWork {
	council := fs.String("council", "", "lokalrådets id")
	staff := fs.Bool("staff", false, "en enhed for kommunens medarbejdere")
	label := fs.String("name", "", "enhedens navn, fx \"Karens bærbare\" (påkrævet)")
	return hubWork{
		check: func(string) error {
			if *label == "" {
				return errors.New("angiv enhedens navn med --name")
			}
			if (*council == "") == !*staff {
				return errors.New("angiv enten --council ID eller --staff")
			}
			return nil
		},
		run: func(ctx context.Context, hc *hubConn) error {
			d, code, err := hc.addDevice(ctx, *label, *council, *staff)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Enheden %q (%s) er oprettet. Tilmeldingskoden kan bruges én gang:\n%s\n", d.Label, d.ID, code)
			return nil
		},
	}
}

func deviceList(fs *flag.FlagSet, stdout io.Writer) hubWork {
	mirrors := fs.Bool("mirrors", false, "vis nodernes spejle (PostgreSQL): hvor hvert ligger, og hvornår det sidst hentede")
	return hubWork{run: func(ctx context.Context, hc *hubConn) error {
		if *mirrors {
			return listMirrors(ctx, hc, stdout)
		}
		ds, err := hc.devices(ctx)
		if err != nil {
			return err
		}
		tw := adminTable(stdout, "ID\tNAVN\tRÅD\tTILMELDT\tSPÆRRET\tNØGLE")
		for _, d := range ds {
			council := d.Council
			if d.Staff {
				council = "(kommunen)"
			}
			// The start of the device's public key, to compare with the
			// device's own; "-" until it has registered one.
			key := "-"
			if len(d.Key) >= 12 {
				key = d.Key[:12]
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.Label, council, stampDK(d.Enrolled), stampDK(d.Revoked), key)
		}
		return tw.Flush()
	}}
}

// oneArg is a check that the subcommand was given exactly one argument
// after its flags; missing says which.
func oneArg(fs *flag.FlagSet, missing string) func(string) error {
	return func(string) error {
		if fs.NArg() != 1 {
			return errors.New(missing)
		}
		return nil
	}
}

func deviceRevoke(fs *flag.FlagSet, stdout io.Writer) hubWork {
	return hubWork{check: oneArg(fs, "angiv enhedens id"), run: func(ctx context.Context, hc *hubConn) error {
		if err := hc.revokeDevice(ctx, fs.Arg(0)); err != nil {
			return fmt.Errorf("enheden %s: %w", fs.Arg(0), err)
		}
		fmt.Fprintf(stdout, "Enheden %s er spærret.\n", fs.Arg(0))
		return nil
	}}
}

func bundleExport(fs *flag.FlagSet, stdout io.Writer) hubWork {
	council := fs.String("council", "", "lokalrådets id (påkrævet)")
	out := fs.String("out", "", "filen der skrives (påkrævet)")
	return hubWork{
		check: func(string) error {
			if *council == "" || *out == "" {
				return errors.New("angiv --council ID og --out FILE")
			}
			return nil
		},
		run: func(ctx context.Context, hc *hubConn) error {
			return writeFileAtomic(*out, func(w io.Writer) error {
				var h exchange.BundleHeader
				var err error
				if hc.pg != nil {
					// From the op log: what a device of the council pulls.
					h, err = exchange.NewClient().WriteStoreBundle(ctx, w, hc.pg, *council, time.Now())
				} else {
					h, err = exchange.NewClient().WriteBundle(ctx, w, hc.db, *council)
				}
				if err == nil {
					fmt.Fprintf(stdout, "%d ændringer for %s skrevet til %s\n", h.Count, h.CouncilName, *out)
				}
				return err
			})
		},
	}
}

func bundleImport(fs *flag.FlagSet, stdout io.Writer) hubWork {
	return hubWork{check: oneArg(fs, "angiv filen der skal indlæses"), run: func(ctx context.Context, hc *hubConn) error {
		f, err := cliflag.OpenInput(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		// The same door as a push, on either store.
		im, err := exchange.NewClient().HubImportBundleReport(ctx, f, hc.store(), time.Now(), 24*time.Hour)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d nye ændringer af %d for %s indlæst\n", im.New, im.Header.Count, im.Header.CouncilName)
		if im.Revoked > 0 {
			fmt.Fprintf(stdout, "%d ændringer fra en spærret enhed er udeladt; resten er indlæst\n", im.Revoked)
		}
		return nil
	}}
}

// writeFileAtomic writes a file through a temporary file in the same
// folder, so a failed export leaves no half file.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".bundle-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// fresh brings the mirror up to date before a page is served, so a page
// shows every change committed before it was asked for, on any node; it
// waits at most two seconds for that, then serves what the mirror holds.
func fresh(m *exchange.Mirror, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		err := m.Refresh(ctx)
		cancel()
		if err != nil {
			log.Warn("mirror not refreshed; page served from what it holds", "err", err)
		}
		next.ServeHTTP(w, r)
	})
}

func storeName(h *hubConn) string {
	if h.pg != nil {
		return "postgresql"
	}
	return "sqlite"
}
