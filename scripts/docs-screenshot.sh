#!/usr/bin/env bash
# Renders docs/dashboard.png: the console at 1280x800 on a settled sandbox, with one rollout
# in progress so that the states can be told apart. Run after scripts/dev.sh has built.
# usage: scripts/docs-screenshot.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/dev}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$build/sandbox/lucent-sandbox" --port 0 --speed 10 --seed 4 --kubeconfig-out "$work/kubeconfig" \
    --project-out "$work/lucent.yaml" >"$work/out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.1; done
export KUBECONFIG="$work/kubeconfig" HOME="$work"
kubectl rollout status deploy/wallet-service -n lucent-staging --timeout=60s >/dev/null
sleep 4
kubectl -n lucent-staging set image deploy/user-service user-service=lucent/user-service:1.5.0 >/dev/null
kubectl -n lucent-staging set image deploy/task-service task-service=lucent/task-service:1.0.8-crash >/dev/null
sleep 2
QT_QPA_PLATFORM=offscreen "$build/app/lucent-console" --kubeconfig "$work/kubeconfig" --config "$work/lucent.yaml" \
    --screenshot "$here/docs/dashboard.png"
echo "wrote $here/docs/dashboard.png"
