#!/usr/bin/env bash
# Oppgaver per second of `finprod generate` against an equivalent
# @faker-js/faker generator (faker.mjs), both writing to /dev/null, and the
# peak memory (max RSS) of finprod for a million oppgaver.
#   N=200000 BIG=1000000 bash bench/generate/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
N="${N:-200000}"
BIG="${BIG:-1000000}"

command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
bin="$(mktemp -d)/finprod"
trap 'rm -rf "$(dirname "$bin")"' EXIT
(cd "$root" && go build -o "$bin" ./cmd/finprod)

if [ ! -d "$here/node/node_modules/@faker-js/faker" ]; then
  npm install --no-save --silent --prefix "$here/node" @faker-js/faker >/dev/null
fi

# Both generators must produce schema-valid leveranser, or the race is void.
sample="$(dirname "$bin")/sample.json"
node "$here/faker.mjs" 50 >"$sample"
"$bin" contract validate "$sample" >/dev/null
"$bin" generate --oppgaver 50 >"$sample"
"$bin" contract validate "$sample" >/dev/null

# measure CMD...: prints "seconds maxrss_kb"
measure() { /usr/bin/time -f '%e %M' -o /dev/stderr "$@" 2>&1 >/dev/null | tail -1; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }

read -r go_s go_rss < <(measure "$bin" generate --oppgaver "$N" --max-body-size 0 --seed 1)
read -r js_s js_rss < <(measure node "$here/faker.mjs" "$N")
go_rate=$(rate "$N" "$go_s")
js_rate=$(rate "$N" "$js_s")
ratio=$(awk -v a="$go_rate" -v b="$js_rate" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')

read -r big_s big_rss < <(measure "$bin" generate --oppgaver "$BIG" --seed 1)

printf '%-34s %12s %10s %12s\n' "generator ($N oppgaver)" "oppgaver/s" "seconds" "max RSS MB"
printf '%-34s %12s %10s %12.1f\n' "finprod generate ($(nproc) cpus)" "$go_rate" "$go_s" "$(awk -v k="$go_rss" 'BEGIN{print k/1024}')"
printf '%-34s %12s %10s %12.1f\n' "@faker-js/faker (node $(node --version))" "$js_rate" "$js_s" "$(awk -v k="$js_rss" 'BEGIN{print k/1024}')"
echo "ratio finprod / faker-js: ${ratio}x (goal >= 10x)"
printf 'finprod, %d oppgaver (split at 10 MiB): %s s, max RSS %.1f MB (goal < 64 MB)\n' \
  "$BIG" "$big_s" "$(awk -v k="$big_rss" 'BEGIN{print k/1024}')"
