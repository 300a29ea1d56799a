#!/usr/bin/env bash
# Benchmark: what `finprod mock --store` costs in throughput against the
# in-memory default. wrk posts the documented example with a fresh
# idempotencyKey per request, as bench/mock/run.sh does, against the mock
# in memory and with a SQLite store, taking turns ROUNDS times so that the
# machine's other load falls on both alike; every run starts empty. All
# traffic goes to 127.0.0.1.
#
# Env: DURATION (10s), THREADS (2), CONNS (64), ROUNDS (3), MOCK_PORT (18080),
#      MOCK_FLAGS (flags for both, e.g. --discard-documents).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
ROUNDS=${ROUNDS:-3}
MOCK_PORT=${MOCK_PORT:-18080}
OUT=${OUT:-$ROOT/out/bench-store}
mkdir -p "$OUT"
WORK=$(mktemp -d)
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
wait_port() {
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}

echo "== building finprod"
go build -o "$WORK/finprod" ./cmd/finprod
"$WORK/finprod" contract example >"$WORK/body.json"

# run NAME [FLAGS...]: one wrk run against a fresh mock; prints "req/s stored"
run() {
  local name=$1
  shift
  rm -f "$WORK"/store.db*
  # shellcheck disable=SC2086 # MOCK_FLAGS is a list of flags
  "$WORK/finprod" mock --listen "127.0.0.1:$MOCK_PORT" --quiet --state-dir "$WORK/state" ${MOCK_FLAGS:-} "$@" >"$OUT/$name.log" 2>&1 &
  PID=$!
  wait_port "$MOCK_PORT"
  local token
  token=$(curl -fsS -X POST "http://127.0.0.1:$MOCK_PORT/admin/token" \
    -d '{"systembruker":"987546231","ttl":"1h"}' | sed -n 's/.*"access_token": *"\([^"]*\)".*/\1/p')
  BODY_FILE=$WORK/body.json TOKEN=$token wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency \
    -s "$ROOT/bench/mock/post.lua" "http://127.0.0.1:$MOCK_PORT/v1/2024" >"$OUT/$name.txt" 2>&1
  local stored
  stored=$(curl -fsS "http://127.0.0.1:$MOCK_PORT/admin/forsendelser/count" | tr -dc '0-9')
  kill "$PID"; wait "$PID" 2>/dev/null || true
  PID=""
  if grep -q Non-2xx "$OUT/$name.txt"; then echo "   ($name: non-2xx answers, see $OUT/$name.txt)" >&2; fi
  echo "$(awk '/Requests\/sec/ {print $2}' "$OUT/$name.txt") $stored $(awk '/ 99%/ {print $2}' "$OUT/$name.txt")"
}

printf '%-6s %-8s %12s %12s %10s\n' round mode req/s stored p99
mem=() file=()
for r in $(seq 1 "$ROUNDS"); do
  read -r rps stored p99 < <(run "memory-$r")
  mem+=("$rps"); printf '%-6s %-8s %12s %12s %10s\n' "$r" memory "$rps" "$stored" "$p99"
  read -r rps stored p99 < <(run "store-$r" --store "$WORK/store.db")
  file+=("$rps"); printf '%-6s %-8s %12s %12s %10s\n' "$r" store "$rps" "$stored" "$p99"
done
stats() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {printf "median %.0f (%.0f–%.0f)", a[int((NR+1)/2)], a[1], a[NR]}'; }
echo
echo "wrk -t$THREADS -c$CONNS -d$DURATION, $ROUNDS rounds, $(nproc) cores shared by the mock and wrk:"
echo "  in memory   $(stats "${mem[@]}") req/s"
echo "  --store     $(stats "${file[@]}") req/s"
printf '%s\n' "${mem[@]}" | sort -g > "$WORK/m"; printf '%s\n' "${file[@]}" | sort -g > "$WORK/f"
awk 'NR==FNR {m[FNR]=$1; n=FNR; next} {f[FNR]=$1} END {i=int((n+1)/2); printf "  store / memory (medians) = %.2f\n", f[i]/m[i]}' "$WORK/m" "$WORK/f"
echo "Reports: $OUT"
