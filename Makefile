# finprod — the README's two commands are `make run` and `make test`.
GO      ?= go
OUT     ?= out
PKGS    ?= ./...

.PHONY: run test test-deps build lint bench bench-mock bench-generate bench-load bench-store clean fuzz fuzz-short

## run: the main job against the embedded local mock (no credentials, no network)
run:
	$(GO) run ./cmd/finprod run --out $(OUT)

## test: formatting, vet and staticcheck, then every test with the race detector (which runs
## every fuzz target's seed corpus); on CI (CI set) also every fuzz target for FUZZTIME_SHORT
# When a test binary exits, the race runtime waits atexit_sleep_ms (1 s by
# default) for reports from goroutines still running; 50 ms keeps a window
# and saves about a second per package. Options in GORACE still apply, after it.
# Many tests spend their time waiting (a load run keeps to its schedule, a
# token has to expire), not computing; -parallel defaults to GOMAXPROCS (2
# here), which would keep the cores idle while two such tests wait.
TEST_PARALLEL ?= 4
test: lint test-deps
	GORACE="atexit_sleep_ms=50 $$GORACE" $(GO) test -race -count=1 -parallel $(TEST_PARALLEL) $(PKGS)
ifneq ($(CI),)
	@$(MAKE) --no-print-directory fuzz-short
endif

## fuzz: every native fuzz target for FUZZTIME each (default 1m), one after another (docs/fuzzing.md)
FUZZTIME       ?= 1m
FUZZTIME_SHORT ?= 10s
fuzz:
	FUZZTIME=$(FUZZTIME) bash .ci/fuzz.sh

## fuzz-short: every fuzz target for FUZZTIME_SHORT (10s) each, the budget CI affords
fuzz-short:
	FUZZTIME=$(FUZZTIME_SHORT) bash .ci/fuzz.sh

## test-deps: the Debian packages tests use (chromium for the report's browser test, xmllint), when missing
test-deps:
	@bash .ci/test-deps.sh

build:
	mkdir -p bin
	$(GO) build -o bin/finprod ./cmd/finprod

# staticcheck is a tool of the module (go.mod), so go.sum locks its version.
lint:
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)

clean:
	rm -rf $(OUT) bin

## bench: every benchmark, each side by side with the peer tool a user would otherwise reach for
bench: bench-mock bench-generate bench-load

bench-mock:
	bash bench/mock/run.sh

bench-generate:
	bash bench/generate/run.sh

## bench-load: finprod load vs raw Vegeta and wrk, the mock's capacity, memory of a long run
bench-load:
	bash bench/load/run.sh

## bench-store: the mock with --store against the mock in memory, taking turns (docs/mock.md)
bench-store:
	bash bench/mock/store.sh
