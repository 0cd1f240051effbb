# Lokalråd — the two commands of README.md, and a few more for developers.
#
#   make run    install what building needs, then start the app (demo council on first run)
#   make test   install what the tests need, then run every test
#
# Both work on a fresh Debian or Ubuntu machine with Go installed; `deps`
# installs the C libraries Fyne builds with, Xvfb for the window smoke test,
# and the tools the PDF tests read their output with.

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export LANG ?= en_US.UTF-8
DB ?=

.PHONY: run test deps build cli bench bench-pdf bench-sync bench-start large kommune dist dist-deps dist-check dist-darwin version

run: deps
	go run -tags $(GUITAGS) ./cmd/lokalraad --demo $(if $(DB),--db $(DB))

test: deps
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	# go test's own limit is 10 minutes a package; the storage package's
	# crash, cancel and property sweeps take 3-5 minutes on a quiet 2-core
	# machine and twice that under load, so the limit is set well above.
	go test -count=1 -timeout 30m ./...
	# Benchmarks once each, as a smoke check that they still run (timings
	# are not checked here; `make bench` measures).
	CGO_ENABLED=0 go test -count=1 -timeout 30m -run '^$$' -bench . -benchtime=1x ./storage/... ./model/...

deps:
	@bash .ci/deps

# The window's build leaves out Fyne's bundled colour emoji font (4 MB):
# Fyne parses it again for every text style it measures, and the app's own
# texts hold no emoji (ui's TestTextsNeedNoEmojiFont). Emoji typed by users
# are drawn from the system's fonts. Start-up: about 20 ms of CPU and
# 10 MiB less (issue 10).
GUITAGS := no_emoji

build:
	go build -tags $(GUITAGS) -o lokalraad ./cmd/lokalraad

# The subcommands without the window: no Fyne linked or initialised, a
# static binary for scripts and servers without a display.
cli:
	CGO_ENABLED=0 go build -tags headless -o lokalraad-cli ./cmd/lokalraad

kommune:
	CGO_ENABLED=0 go build -o kommune ./cmd/kommune

# The version: FyneApp.toml's Version is the one place it is set.
VERSION := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
version:
	@echo $(VERSION)

# Release packages into dist/ (see packaging/dist.sh): Linux .tar.xz and
# .deb, the Windows installer and .exe files (cross-built with mingw-w64),
# kommune for linux/amd64, linux/arm64 and windows/amd64, the systemd unit,
# SHA256SUMS.
dist: deps dist-deps
	bash packaging/dist.sh

# dist, then what CI can check of it: versions, make install into a fake
# ~/.local, systemd-analyze verify, the Windows build under Wine (demo,
# export packet, backup on æøå paths; same PDF text as Linux) and a silent
# install/uninstall that keeps the database.
dist-check: deps dist-deps
	bash packaging/dist-check.sh

dist-deps:
	@bash .ci/dist-deps

# macOS (arm64 or amd64, whichever Mac runs it): Lokalråd.app. Needs a Mac
# with Xcode's command line tools; untested (no Mac here).
dist-darwin:
	cd cmd/lokalraad && go run fyne.io/tools/cmd/fyne@v1.7.4 package -os darwin --tags $(GUITAGS) \
	  --name Lokalråd --app-id dk.lokalraad.app --app-version $(VERSION) --app-build 1 \
	  --icon ../../assets/icon.png --release
	mkdir -p dist && rm -rf dist/Lokalråd.app && mv cmd/lokalraad/Lokalråd.app dist/

# Benchmarks: opening, listing and searching ten years of 18 councils, the
# PDF packet and the workbook export.
bench:
	go test -run '^$$' -bench . -benchmem ./storage/ ./storage/exchange/ ./model/...

# The meeting packet from the CLI against LibreOffice converting the same
# content, side by side; installs LibreOffice (Writer, no GUI) and
# poppler-utils from Debian when missing. Prints one line: both medians and
# the ratio.
bench-pdf: build cli
	@command -v soffice >/dev/null && command -v pdftotext >/dev/null || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    libreoffice-writer-nogui poppler-utils fonts-dejavu-core >/dev/null; }
	go run ./bench/pdfpeer -bin ./lokalraad -headless ./lokalraad-cli

# A new laptop's first sync of one council with ten years from a local
# `kommune serve`, against PouchDB replicating the same rows from
# express-pouchdb (leveldb) and raw SQLite inserts of them, interleaved;
# prints one line: the three medians and the ratios. Installs Node.js from
# Debian and pouchdb, express-pouchdb and express from npm into
# $(BENCH_CACHE) (never into the repository) when missing.
BENCH_CACHE ?= $(HOME)/.cache/lokalraad-bench
bench-sync: kommune
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
	@test -f $(BENCH_CACHE)/node_modules/express-pouchdb/package.json || { \
	  mkdir -p $(BENCH_CACHE) && \
	  npm install --prefix $(BENCH_CACHE) --no-audit --no-fund --loglevel=error \
	    pouchdb@9.0.0 express-pouchdb@4.2.0 express@4 >/dev/null; }
	go run ./bench/syncpeer -kommune ./kommune -modules $(BENCH_CACHE)/node_modules

# Start-up to the window's first frame on the large data set, against the
# smallest Fyne window (bench/startpeer/testdata/window), interleaved, each under an
# Xvfb of its own display; prints one line: both medians of time and peak
# memory (VmHWM), the ratios and the load average. Writes large.db first
# when missing; the app runs on a copy of it.
bench-start: build
	@test -f large.db || $(MAKE) large
	go run ./bench/startpeer -bin ./lokalraad -db large.db

# A large generated database to try the app under load.
large:
	go run ./cmd/lokalraad demo --large --db large.db
