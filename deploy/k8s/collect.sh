#!/usr/bin/env bash
# Collect the outputs of the Indexed Job in load-job.yaml and merge them.
#
#   deploy/k8s/collect.sh [OUT]      (default out/k8s)
#
# Waits for the Job, mounts its results volume in a small pod, copies every
# shard's folder to OUT/shard-<i>, and runs `finprod load merge`, which
# combines the HDR histograms and results exactly and evaluates the SLO
# once over all shards. Its exit code is the merge's (0 pass, 4 a gate
# failed, 2 a shard is missing).
set -euo pipefail
OUT=${1:-out/k8s}
HERE=$(cd "$(dirname "$0")" && pwd)
FINPROD=${FINPROD:-finprod}
TIMEOUT=${TIMEOUT:-2h}

kubectl wait --for=condition=complete job/finprod-load --timeout="$TIMEOUT" || {
  echo "the Job did not complete; kubectl describe job finprod-load shows why. Merging what is there." >&2
}
kubectl apply -f "$HERE/collect-pod.yaml"
trap 'kubectl delete pod finprod-load-collect --wait=false >/dev/null 2>&1 || true' EXIT
kubectl wait --for=condition=Ready pod/finprod-load-collect --timeout=5m
mkdir -p "$OUT"
for dir in $(kubectl exec finprod-load-collect -- ls /results); do
  case "$dir" in shard-*) kubectl cp "finprod-load-collect:/results/$dir" "$OUT/$dir" ;; esac
done
"$FINPROD" load merge --out "$OUT/merged" "$OUT"/shard-*
