# meshwise — the two commands a person needs are `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO      ?= go
BIN     := bin/meshwise
TESTDB  := .local/pg-test
GOFILES  = $(shell find . -name '*.go' -not -path './.local/*' -not -path './bin/*')

.PHONY: run test build stop-db generate fmt-check vet templ-check browser bench bench-load fuzz clean

## run: serve on :8080 (MESHWISE_ADDR), starting a private PostgreSQL in .local/pg unless DATABASE_URL is set
run: build
	./$(BIN) dev

## build: compile the meshwise binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/meshwise

## stop-db: stop the private PostgreSQL that `make run` started (data is kept)
stop-db: build
	./$(BIN) devdb stop

## generate: regenerate templ components
generate:
	$(GO) tool templ generate

## test: format, vet and templ checks, then every test (browser ones included) against a throw-away PostgreSQL
test: fmt-check vet templ-check browser build
	@./$(BIN) devdb remove -dir $(TESTDB)
	@url=$$(./$(BIN) devdb start -ephemeral -dir $(TESTDB)); \
	trap './$(BIN) devdb remove -dir $(TESTDB)' EXIT; \
	echo "== go test -race ./... (PostgreSQL $(TESTDB))"; \
	DATABASE_URL="$$url" MESHWISE_REQUIRE_SERVICES=1 $(GO) test -race -count=1 -timeout 30m ./...

fmt-check:
	@echo "== gofmt"; out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	@echo "== go vet"; $(GO) vet ./...

## templ-check: generated templ code must match its sources (CI also demands a clean git diff)
templ-check:
	@echo "== templ generate (freshness)"; \
	before=$$(find . -name '*_templ.go' -not -path './.local/*' | sort | xargs -r sha256sum); \
	$(GO) tool templ generate >/dev/null 2>&1; \
	after=$$(find . -name '*_templ.go' -not -path './.local/*' | sort | xargs -r sha256sum); \
	if [ "$$before" != "$$after" ]; then echo "templ output was stale; commit the regenerated files"; exit 1; fi; \
	if [ -n "$${CI:-}" ] && git rev-parse --git-dir >/dev/null 2>&1; then git diff --exit-code -- '*_templ.go'; fi

## browser: install Debian's chromium for the browser tests when it is missing
browser:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "== installing chromium with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is missing: install it (Debian: sudo apt-get install chromium) to run the browser tests"; exit 1; fi

## bench: the benchmarks reported in docs/BENCHMARKS.md
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./model/ ./ledger/ ./web/

## bench-load: meshwise against a bare handler, separate processes on 127.0.0.1, one load generator (wrk if installed); BENCH_LOAD_FLAGS="-profile .local/profiles" adds CPU profiles
BENCHDB := .local/pg-bench
bench-load: build
	$(GO) build -o bin/loadbench ./cmd/loadbench
	@./$(BIN) devdb remove -dir $(BENCHDB)
	@app=$$(./$(BIN) devdb start -ephemeral -dir $(BENCHDB) -role app); \
	trap './$(BIN) devdb remove -dir $(BENCHDB)' EXIT; \
	owner=$$(./$(BIN) devdb start -ephemeral -dir $(BENCHDB) -role owner); \
	./bin/loadbench -meshwise ./$(BIN) -database "$$app" -migrate-database "$$owner" $(BENCH_LOAD_FLAGS)

clean:
	rm -rf bin
