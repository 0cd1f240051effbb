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

.PHONY: run test deps build cli bench bench-pdf large kommune

run: deps
	go run ./cmd/lokalraad --demo $(if $(DB),--db $(DB))

test: deps
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	go test -count=1 ./...
	# Benchmarks once each, as a smoke check that they still run (timings
	# are not checked here; `make bench` measures).
	CGO_ENABLED=0 go test -count=1 -run '^$$' -bench . -benchtime=1x ./storage/... ./model/...

deps:
	@bash .ci/deps

build:
	go build -o lokalraad ./cmd/lokalraad

# The subcommands without the window: no Fyne linked or initialised, a
# static binary for scripts and servers without a display.
cli:
	CGO_ENABLED=0 go build -tags headless -o lokalraad-cli ./cmd/lokalraad

kommune:
	CGO_ENABLED=0 go build -o kommune ./cmd/kommune

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

# A large generated database to try the app under load.
large:
	go run ./cmd/lokalraad demo --large --db large.db
