#!/usr/bin/env bash
# Runs every native fuzz target for a budget each, one after another, and
# prints what each found. `make fuzz` (FUZZTIME=1m by default) and
# `make fuzz-short` (10s each; make test runs it when CI is set) call this.
#   FUZZTIME      budget per target, as go test -fuzztime takes it (10m, 30s, 5000x)
#   FUZZ_PARALLEL fuzzing workers per target (default 1: the machine is shared)
#   FUZZ_ONLY     a regular expression: run only the targets whose package:name matches
# A crasher is written to the package's testdata/fuzz/NAME/ by go test itself;
# commit it as a regression seed once fixed (docs/fuzzing.md).
set -uo pipefail
cd "$(dirname "$0")/.."

FUZZTIME=${FUZZTIME:-1m}
FUZZ_PARALLEL=${FUZZ_PARALLEL:-1}
FUZZ_ONLY=${FUZZ_ONLY:-.}

# package:target, in the order of docs/fuzzing.md.
targets=(
	./mock:FuzzRequest
	./mock/internal/dialogporten:FuzzGraphQL
	./internal/jsontree:FuzzDecode
	./internal/jsontree:FuzzDecodeStrict
	./internal/jsonenc:FuzzAppendString
	./ident:FuzzValidators
	./target:FuzzLoadProfile
	./mock:FuzzLoadConfig
	./client/maskinporten:FuzzLoadConfig
)

failed=0
printf '%-46s %-8s %14s %12s  %s\n' target budget execs interesting result
for t in "${targets[@]}"; do
	pkg=${t%%:*} name=${t##*:}
	[[ $t =~ $FUZZ_ONLY ]] || continue
	log=$(mktemp)
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -parallel "$FUZZ_PARALLEL" "$pkg" >"$log" 2>&1
	rc=$?
	# A budget shorter than the seed corpus's baseline run reports no count.
	last=$(grep -E '^fuzz: elapsed: .*execs:' "$log" | tail -1)
	execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$last")
	interesting=$(sed -nE 's/.*new interesting: ([0-9]+).*/\1/p' <<<"$last")
	result=ok
	if [ $rc -ne 0 ]; then
		result="FAIL (see below)"
		failed=1
	fi
	printf '%-46s %-8s %14s %12s  %s\n' "$pkg $name" "$FUZZTIME" "${execs:-seeds only}" "${interesting:--}" "$result"
	if [ $rc -ne 0 ]; then
		sed 's/^/    /' "$log" | grep -v '^    fuzz: elapsed' | tail -40
	fi
	rm -f "$log"
done
exit $failed
