# Balie: make demo starts the app on a demo city; make test runs every test.
GO      ?= go
BIN     := bin
HOLDERS ?= 8200
DESK    ?= desk-box

.PHONY: all build demo test vet bench fuzz-help deps deps-test clean

all: build

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

build: deps
	$(GO) build -o $(BIN)/balie ./cmd/balie

# The app with a generated demo city and keyboard-wedge input: no ledger
# and no hardware needed. HOLDERS=1000000 for a city of a million.
demo: build
	$(BIN)/balie --demo --holders $(HOLDERS) --desk $(DESK)

vet: deps
	$(GO) vet ./...

test: deps-test vet
	$(GO) test -count=1 ./...
	scripts/e2e.sh

# Benchmarks with the figures the issues ask for. The first run generates
# the million-holder city (about a minute) and keeps it in the temp folder.
bench: deps
	$(GO) test -run '^$$' -bench . ./...

clean:
	rm -rf $(BIN)
