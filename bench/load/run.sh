#!/usr/bin/env bash
# Benchmark of finprod load, side by side with raw Vegeta and wrk, all on
# this machine over loopback (every run is bounded):
#
#  1. the highest rate each client sustains against the bare net/http
#     handler (bench/mock/bare) with CONNS connections: wrk (fixed GET),
#     raw Vegeta (fixed GET, no body, -rate=0), raw Vegeta POSTing one
#     fixed generated leveranse (what the body alone costs, client and
#     server), raw Vegeta POSTing it with finprod's headers and a real
#     token (what the request's content costs when nothing is generated)
#     and finprod load (a unique generated leveranse, a fresh
#     idempotencyKey and a Maskinporten token per request, through the
#     synthetic-data guard, retries and HDR recording), each offered more
#     than it can send with CONNS workers;
#  2. the highest rate the mock sustains under finprod load with p99 < 100 ms
#     (finprod load capacity, mock and load generator in one process);
#  3. the memory of a MEM_DURATION run at MEM_RATE against the bare handler,
#     sampled every 10 s: it must stay flat, apart from the results file.
#
# Env: DURATION (10s), CONNS (64), THREADS (2, wrk), BARE_PORT (18091),
#      MOCK_PORT (18090), MEM_DURATION (10m), MEM_RATE (1000), STAGE (5s),
#      SKIP_MEM=1 to leave out part 3, ONLY_BARE=1 to run part 1 only,
#      CPUPROFILE=1 to keep a CPU profile of finprod load in part 1
#      (OUT/part1-N/finprod-bare.prof; go tool pprof), RUNS (1): passes of
#      part 1, the clients taking turns in each, OUT (out/bench-load).
# Part 1 also gives each client's CPU a request and the bare handler's
# (/usr/bin/time, /proc/PID/stat): what a request costs on either side.
# Installs what it needs: wrk and time (Debian), the vegeta CLI (go install).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
BARE_PORT=${BARE_PORT:-18091}
MOCK_PORT=${MOCK_PORT:-18090}
MEM_DURATION=${MEM_DURATION:-10m}
MEM_RATE=${MEM_RATE:-1000}
STAGE=${STAGE:-5s}
OUT=${OUT:-$ROOT/out/bench-load}
VEGETA_VERSION=v12.13.0
rm -rf "$OUT"
mkdir -p "$OUT"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
  echo "== installing wrk (Debian package)"
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi
if [ ! -x /usr/bin/time ]; then
  echo "== installing GNU time (Debian package), for each client's CPU"
  apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
fi
VEGETA=$(go env GOPATH)/bin/vegeta
if [ ! -x "$VEGETA" ]; then
  echo "== installing the vegeta CLI $VEGETA_VERSION (go install)"
  go install "github.com/tsenart/vegeta/v12@$VEGETA_VERSION"
fi

wait_port() { # wait until something answers on 127.0.0.1:$1 (at most ~60 s)
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$@"; }

echo "== building finprod and the bare handler"
go build -o "$WORK/finprod" ./cmd/finprod
go build -o "$WORK/bare" ./bench/mock/bare

# A Maskinporten client of a synthetic organisation, known to a mock that
# only hands out tokens; the load itself goes to the bare handler.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/key.pem" 2>/dev/null
openssl pkey -in "$WORK/key.pem" -pubout -out "$WORK/key.pub"
cat >"$WORK/mock.yaml" <<YAML
maskinporten:
  clients:
    - id: bench
      org: "315300029"
      keys: [{kid: bench, publicKeyFile: key.pub}]
      scopes: ["skatteetaten:innrapporteringfinansprodukter", "digdir:dialogporten"]
      systembrukere: [{org: "315300029"}]
YAML
cat >"$WORK/bare.yaml" <<YAML
name: bare
api: http://127.0.0.1:$BARE_PORT
dialogporten: http://127.0.0.1:$MOCK_PORT/dialogporten/graphql
maskinporten:
  issuer: http://127.0.0.1:$MOCK_PORT/maskinporten/
  clientId: bench
  kid: bench
  keyFile: key.pem
  systembruker: "315300029"
YAML
"$WORK/finprod" mock --config "$WORK/mock.yaml" --listen "127.0.0.1:$MOCK_PORT" --quiet --state-dir "$WORK/state" >"$OUT/mock.log" 2>&1 &
PIDS+=($!)
"$WORK/bare" -listen "127.0.0.1:$BARE_PORT" &
BAREPID=$!
PIDS+=($BAREPID)
wait_port "$MOCK_PORT"
wait_port "$BARE_PORT"

"$WORK/finprod" generate --oppgaver 1 --seed 1 >"$WORK/leveranse.json"
# The same body with every header finprod load sends (a token from the mock's
# Maskinporten, as long as the real ones), all fixed: nothing is generated.
cat >"$WORK/client.yaml" <<YAML
issuer: http://127.0.0.1:$MOCK_PORT/maskinporten/
clientId: bench
kid: bench
keyFile: key.pem
systembruker: "315300029"
scopes: ["skatteetaten:innrapporteringfinansprodukter"]
YAML
TOKEN=$("$WORK/finprod" token --config "$WORK/client.yaml" --print-token | tail -1)

# ticks PID: the user and system CPU a process has used so far, in clock ticks.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TCK=$(getconf CLK_TCK)
# measured DIR NAME CMD...: runs CMD, noting its own CPU (/usr/bin/time) and
# the bare handler's CPU meanwhile, so each request's cost on either side of
# the loopback can be told apart.
measured() {
  local dir=$1 name=$2 s0 rc=0
  shift 2
  s0=$(ticks "$BAREPID")
  /usr/bin/time -f '%U %S' -o "$dir/$name.cpu" "$@" || rc=$?
  echo "$(( $(ticks "$BAREPID") - s0 ))" >"$dir/$name.server"
  return $rc
}
# cost DIR NAME REQUESTS: the client's and the bare handler's CPU a request.
cost() {
  awk -v n="$3" -v tck="$TCK" -v srv="$(cat "$1/$2.server")" -v cpu="$(tail -1 "$1/$2.cpu")" 'BEGIN {
    split(cpu, c, " ")
    if (n > 0) printf "CPU a request: client %5.1f µs, server %5.1f µs", (c[1] + c[2]) * 1e6 / n, srv * 1e6 / tck / n
    else print "n/a" }'
}

# The clients of part 1, each a function of the pass's folder.
run_wrk() {
  measured "$1" wrk wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" "http://127.0.0.1:$BARE_PORT/" >"$1/wrk.txt"
}
run_vegeta() {
  echo "GET http://127.0.0.1:$BARE_PORT/" | measured "$1" vegeta "$VEGETA" attack -rate=0 -workers="$CONNS" -max-workers="$CONNS" -duration="$DURATION" >"$1/vegeta.bin"
}
run_vegeta_post() {
  echo "POST http://127.0.0.1:$BARE_PORT/v1/2025" | measured "$1" vegeta-post "$VEGETA" attack -rate=0 -workers="$CONNS" -max-workers="$CONNS" -duration="$DURATION" \
    -body "$WORK/leveranse.json" -header "Content-Type: application/json" >"$1/vegeta-post.bin"
}
run_vegeta_shaped() {
  echo "POST http://127.0.0.1:$BARE_PORT/v1/2025" | measured "$1" vegeta-shaped "$VEGETA" attack -rate=0 -workers="$CONNS" -max-workers="$CONNS" -duration="$DURATION" \
    -body "$WORK/leveranse.json" -header "Content-Type: application/json" -header "Accept: application/json" \
    -header "User-Agent: finprod (contract and load test harness)" -header "Authorization: Bearer $TOKEN" \
    -header "idempotencyKey: 6f1c2a7e-3b9d-4e58-a0c4-9d2e7b5f1a36" >"$1/vegeta-shaped.bin"
}
run_finprod() {
  measured "$1" finprod "$WORK/finprod" load --target "$WORK/bare.yaml" --rate 200000 --max-rate 200000 --workers "$CONNS" --max-workers "$CONNS" \
    --duration "$DURATION" --retries 0 --progress none --out "$1/finprod-bare" ${CPUPROFILE:+--cpuprofile "$1/finprod-bare.prof"} \
    >"$1/finprod-bare.txt" 2>&1 || true
}

# part1 DIR N: pass N of part 1 into DIR. Raw Vegeta's GET and finprod load,
# the pair the goal compares, run back to back, the first of them in turn
# (Vegeta in odd passes, finprod in even ones), so that a machine whose load
# drifts does not favour one; the other clients follow.
part1() {
  local d=$1
  mkdir -p "$d"
  if [ $(( $2 % 2 )) = 1 ]; then
    run_vegeta "$d"; run_finprod "$d"; FIRST="raw Vegeta GET, then finprod load"
  else
    run_finprod "$d"; run_vegeta "$d"; FIRST="finprod load, then raw Vegeta GET"
  fi
  LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
  run_wrk "$d"
  run_vegeta_post "$d"
  run_vegeta_shaped "$d"

  WRK=$(awk '/Requests\/sec/ {print $2}' "$d/wrk.txt")
  WRKN=$(awk '/requests in/ {print $1}' "$d/wrk.txt")
  "$VEGETA" report "$d/vegeta.bin" >"$d/vegeta.txt"
  for v in vegeta vegeta-post vegeta-shaped; do
    "$VEGETA" report -type=json "$d/$v.bin" >"$d/$v.json"
  done
  VEG=$(json "$d/vegeta.json" 'round(d["throughput"], 1)')
  VEGN=$(json "$d/vegeta.json" 'd["requests"]')
  VEGPOST=$(json "$d/vegeta-post.json" 'round(d["throughput"], 1)')
  VEGPOSTN=$(json "$d/vegeta-post.json" 'd["requests"]')
  VEGSHAPED=$(json "$d/vegeta-shaped.json" 'round(d["throughput"], 1)')
  VEGSHAPEDN=$(json "$d/vegeta-shaped.json" 'd["requests"]')
  FIN=$(json "$d/finprod-bare/load/summary.json" 'round(d["rate"]["throughput"], 1)')
  FINN=$(json "$d/finprod-bare/load/summary.json" 'd["requests"]["sent"]')
  FINOK=$(json "$d/finprod-bare/load/summary.json" 'str(round(100 * d["requests"]["successRatio"], 2)) + "%"')

  {
    printf "  %-58s %10s req/s   %s\n" "raw Vegeta -rate=0 -max-workers=$CONNS, fixed GET" "$VEG" "$(cost "$d" vegeta "$VEGN")"
    printf "  %-58s %10s req/s   %s   (%s answered 2xx)\n" "finprod load, $CONNS workers, unique leveranse per request" "$FIN" "$(cost "$d" finprod "$FINN")" "$FINOK"
    echo "  finprod load / raw Vegeta = $(ratio "$FIN" "$VEG")   (goal ≥ 0.9; $FIRST; load average then $LOADAVG)"
    printf "  %-58s %10s req/s   %s\n" "wrk -t$THREADS -c$CONNS, fixed GET" "$WRK" "$(cost "$d" wrk "$WRKN")"
    printf "  %-58s %10s req/s   %s\n" "raw Vegeta, the same, POST of one fixed leveranse" "$VEGPOST" "$(cost "$d" vegeta-post "$VEGPOSTN")"
    printf "  %-58s %10s req/s   %s\n" "raw Vegeta, that POST with finprod's headers and token" "$VEGSHAPED" "$(cost "$d" vegeta-shaped "$VEGSHAPEDN")"
    echo "  finprod load / raw Vegeta POST = $(ratio "$FIN" "$VEGPOST"); / with finprod's headers = $(ratio "$FIN" "$VEGSHAPED"); load average after the pass $(cut -d' ' -f1-3 /proc/loadavg)"
  } >"$d/part1.txt"
  ratio "$FIN" "$VEG" >"$d/ratio"
}

# ratios: each pass's finprod load / raw Vegeta, and their median.
ratios() {
  local rs
  rs=$(for run in $(seq 1 "$RUNS"); do cat "$OUT/part1-$run/ratio"; echo; done)
  echo "  finprod load / raw Vegeta by pass: $(echo $rs); median $(echo "$rs" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}')"
}

RUNS=${RUNS:-1}
echo "== 1. against the bare handler, $CONNS connections, $DURATION each, $RUNS pass(es) taking turns"
for run in $(seq 1 "$RUNS"); do
  part1 "$OUT/part1-$run" "$run"
  echo "pass $run of $RUNS:"
  cat "$OUT/part1-$run/part1.txt"
done
# The last pass's files, where earlier versions of this script kept them.
cp -r "$OUT/part1-$RUNS"/. "$OUT/"

if [ "${ONLY_BARE:-}" = 1 ]; then
  ratios
  exit 0
fi

echo "== 2. the mock's capacity under finprod load with p99 < 100 ms (stages of $STAGE)"
"$WORK/finprod" load capacity --target local --slo 'p99<100ms,success>=99.9%' --start 500 --stage "$STAGE" \
  --progress lines --out "$OUT/capacity" >"$OUT/capacity.txt" 2>&1 || true
CAP=$(json "$OUT/capacity/load/summary.json" 'd["capacity"]["rate"]')

MEM=""
if [ "${SKIP_MEM:-}" != 1 ]; then
  echo "== 3. memory of a $MEM_DURATION run at $MEM_RATE/s against the bare handler"
  "$WORK/finprod" load --target "$WORK/bare.yaml" --rate "$MEM_RATE" --max-rate "$MEM_RATE" --duration "$MEM_DURATION" \
    --progress lines --out "$OUT/memory" >"$OUT/memory.txt" 2>&1 &
  LOADPID=$!
  PIDS+=($LOADPID)
  echo -e "seconds\trss_kib\tresults_bytes" >"$OUT/memory.tsv"
  start=$(date +%s)
  sleep 10
  while kill -0 "$LOADPID" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$LOADPID/status" 2>/dev/null || echo "")
    size=$(stat -c %s "$OUT"/memory/load/.results-*.bin 2>/dev/null | head -1 || echo 0)
    [ -n "$rss" ] && echo -e "$(( $(date +%s) - start ))\t$rss\t${size:-0}" >>"$OUT/memory.tsv"
    sleep 10
  done
  wait "$LOADPID" || true
  MEM=$(awk 'NR==2 {first=$2} NR>1 {last=$2; if ($2>max) max=$2; if (NR==7) m1=$2} END {printf "RSS %d MiB after 10 s, %d MiB after 1 min, %d MiB at the end, %d MiB at most", first/1024, m1/1024, last/1024, max/1024}' "$OUT/memory.tsv")
  MEMRES=$(stat -c %s "$OUT/memory/load/results.bin" 2>/dev/null || echo 0)
  MEMSENT=$(json "$OUT/memory/load/summary.json" 'd["requests"]["sent"]')
fi

echo
echo "finprod load benchmark, $(nproc) cores shared by the clients, the servers and anything else running:"
for run in $(seq 1 "$RUNS"); do
  [ "$RUNS" = 1 ] || echo " pass $run of $RUNS:"
  cat "$OUT/part1-$run/part1.txt"
done
ratios
echo
echo "  the mock's capacity under finprod load, p99 < 100 ms:       $CAP leveranser/s (stages in $OUT/capacity.txt)"
if [ -n "$MEM" ]; then
  echo "  memory, $MEM_DURATION at $MEM_RATE/s ($MEMSENT requests): $MEM; results.bin $(( MEMRES / 1024 / 1024 )) MiB"
fi
echo "Reports: $OUT"
