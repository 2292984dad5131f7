# Balie: make demo starts the app on a demo city; make test runs every test.
#
# GO is the Go that builds Balie: a go on PATH at least as new as go.mod
# says, else the exact toolchain go.mod names, which the deps targets
# fetch into .toolchain/ (scripts/toolchain.sh). It is looked up where it
# is used, so after deps has run.
GO      ?= $(shell scripts/toolchain.sh)
BIN     := bin
DIST    := dist
HOLDERS ?= 8200
DESK    ?= desk-box
ifndef VERSION
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
endif
LDFLAGS := -X github.com/balie/balie/internal/version.version=$(VERSION)
# Tests and scripts that run `go` themselves find the same one.
WITHGO   = PATH="$(dir $(GO)):$$PATH"

.PHONY: all build demo test vet bench dist test-dist deps deps-test deps-dist deps-test-dist clean clean-toolchain

all: build

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

deps-dist:
	@scripts/deps.sh dist

deps-test-dist:
	@scripts/deps.sh test-dist

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/balie ./cmd/balie
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/ledger ./cmd/ledger

# The app with a generated demo city and keyboard-wedge input: no ledger
# and no hardware needed. HOLDERS=1000000 for a city of a million.
demo: build
	$(BIN)/balie --demo --holders $(HOLDERS) --desk $(DESK)

vet: deps
	$(GO) vet ./...

test: deps-test vet
	$(WITHGO) $(GO) test -count=1 ./...
	$(WITHGO) scripts/e2e.sh

# Benchmarks with the figures the issues ask for. The first run generates
# the million-holder city (about a minute) and keeps it in the temp folder.
bench: deps
	$(WITHGO) $(GO) test -run '^$$' -bench . ./...

# What a city installs: the Windows desk as a zip, the Debian packages of
# the desk and of the ledger, in dist/ (scripts/dist.sh).
dist: deps-dist
	$(WITHGO) GO="$(GO)" VERSION="$(VERSION)" DIST="$(DIST)" scripts/dist.sh

# The Windows desk under wine and the packages installed in a Debian
# chroot (scripts/test-dist.sh).
test-dist: deps-test-dist dist
	$(WITHGO) GO="$(GO)" VERSION="$(VERSION)" DIST="$(DIST)" scripts/test-dist.sh

clean:
	rm -rf $(BIN) $(DIST)

# The fetched Go toolchain: the module cache keeps its files read-only.
clean-toolchain:
	chmod -R u+w .toolchain 2>/dev/null || true
	rm -rf .toolchain
