#!/usr/bin/env bash
# Benchmark: requests/s for valid submissions (unique idempotencyKey, valid
# token) against finprod's mock, side by side with a bare net/http handler
# that only reads the body, and with Stoplight Prism mocking the same
# OpenAPI document. All traffic goes to 127.0.0.1; every run is bounded.
#
# Env: DURATION (10s), THREADS (2), CONNS (64), MOCK_PORT (18080),
#      BARE_PORT (18081), PRISM_PORT (18082), SKIP_PRISM=1 to leave Prism out,
#      MOCK_FLAGS (none: the mock as `finprod mock` starts it, keeping every
#      document; e.g. MOCK_FLAGS=--discard-documents to compare).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
MOCK_PORT=${MOCK_PORT:-18080}
BARE_PORT=${BARE_PORT:-18081}
PRISM_PORT=${PRISM_PORT:-18082}
OUT=${OUT:-$ROOT/out/bench-mock}
mkdir -p "$OUT"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

need_wrk() {
  command -v wrk >/dev/null && return
  echo "== installing wrk (Debian package)"
  if ! apt-get install -y -qq wrk >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  fi
}

wait_port() { # wait until something answers on 127.0.0.1:$1 (at most ~60 s)
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}

# run_wrk NAME URL: prints requests/s; keeps wrk's report in $OUT/NAME.txt
run_wrk() {
  local name=$1 url=$2
  BODY_FILE=$WORK/body.json TOKEN=${TOKEN:-} wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency \
    -s "$ROOT/bench/mock/post.lua" "$url" >"$OUT/$name.txt" 2>&1
  local non2xx
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$OUT/$name.txt")
  if [ -n "$non2xx" ]; then echo "   ($name: $non2xx non-2xx answers, see $OUT/$name.txt)" >&2; fi
  awk '/Requests\/sec/ {print $2}' "$OUT/$name.txt"
}

need_wrk
echo "== building finprod and the bare handler"
go build -o "$WORK/finprod" ./cmd/finprod
go build -o "$WORK/bare" ./bench/mock/bare
"$WORK/finprod" contract example >"$WORK/body.json"

echo "== bare net/http handler on 127.0.0.1:$BARE_PORT"
"$WORK/bare" -listen "127.0.0.1:$BARE_PORT" &
PIDS+=($!)
wait_port "$BARE_PORT"
BARE=$(run_wrk bare "http://127.0.0.1:$BARE_PORT/v1/2024")
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

echo "== finprod mock on 127.0.0.1:$MOCK_PORT"
# shellcheck disable=SC2086 # MOCK_FLAGS is a list of flags
"$WORK/finprod" mock --listen "127.0.0.1:$MOCK_PORT" --quiet ${MOCK_FLAGS:-} >"$OUT/mock.log" 2>&1 &
PIDS+=($!)
wait_port "$MOCK_PORT"
TOKEN=$(curl -fsS -X POST "http://127.0.0.1:$MOCK_PORT/admin/token" \
  -d '{"systembruker":"987546231","ttl":"1h"}' | sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || { echo "could not get a token from the mock" >&2; exit 1; }
export TOKEN
MOCK=$(run_wrk mock "http://127.0.0.1:$MOCK_PORT/v1/2024")
STORED=$(curl -fsS "http://127.0.0.1:$MOCK_PORT/admin/forsendelser/count" | tr -dc '0-9')
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

PRISM=""
if [ "${SKIP_PRISM:-}" != 1 ]; then
  NODE_DIR=$ROOT/bench/mock/node
  if [ ! -x "$NODE_DIR/node_modules/.bin/prism" ]; then
    echo "== installing Stoplight Prism (npm, into bench/mock/node, not committed)"
    npm install --no-save --silent --prefix "$NODE_DIR" @stoplight/prism-cli >/dev/null
  fi
  echo "== Stoplight Prism mocking contract/openapi.yaml on 127.0.0.1:$PRISM_PORT"
  "$NODE_DIR/node_modules/.bin/prism" mock "$ROOT/contract/openapi.yaml" -p "$PRISM_PORT" -h 127.0.0.1 >"$OUT/prism.log" 2>&1 &
  PIDS+=($!)
  if wait_port "$PRISM_PORT"; then
    PRISM=$(run_wrk prism "http://127.0.0.1:$PRISM_PORT/v1/2024")
  else
    echo "Prism did not start; see $OUT/prism.log" >&2
  fi
  kill "${PIDS[-1]}" 2>/dev/null; wait "${PIDS[-1]}" 2>/dev/null || true
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
echo "Valid submissions, wrk -t$THREADS -c$CONNS -d$DURATION, $(nproc) cores shared by server and wrk:"
printf "  %-28s %10s req/s\n" "bare net/http (reads body)" "$BARE"
printf "  %-28s %10s req/s   (stored %s forsendelser)\n" "finprod mock" "$MOCK" "$STORED"
if [ -n "$PRISM" ]; then printf "  %-28s %10s req/s\n" "Stoplight Prism" "$PRISM"; fi
echo
echo "  mock / bare  = $(ratio "$MOCK" "$BARE")   (goal ≥ 0.4)"
if [ -n "$PRISM" ]; then echo "  mock / Prism = $(ratio "$MOCK" "$PRISM")   (goal ≥ 20)"; fi
echo "Reports: $OUT"
