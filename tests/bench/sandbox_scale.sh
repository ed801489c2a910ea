#!/usr/bin/env bash
# Benchmark: lucent-sandbox holding 10,000 extra pods. Prints its resident memory and how
# long a full pod list takes, next to what kubectl needs for the same list, and checks the
# targets of the sandbox issue (under 500 MB RSS, a list in under 1 s). Timings are printed,
# never asserted by the ordinary test run: ctest runs this only with -L benchmark.
# usage: sandbox_scale.sh PATH_TO_LUCENT_SANDBOX [PODS]
set -euo pipefail
sandbox=$1 pods=${2:-10000}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$sandbox" --port 0 --extra-pods "$pods" --kubeconfig-out "$work/kubeconfig" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/.*listening on //p' "$work/out")
[ -n "$url" ] || { cat "$work/err"; echo "the sandbox did not start"; exit 1; }
export KUBECONFIG="$work/kubeconfig" HOME="$work"

# Wait until every extra pod runs, then a little longer for the controllers to settle.
for _ in $(seq 120); do
    running=$( (kubectl get --raw "/api/v1/namespaces/lucent-load/pods" || true) | grep -o "\"phase\":\"Running\"" | wc -l || true)
    [ "$running" -ge "$pods" ] && break
    sleep 1 # the poll interval of the wait on the condition above
done
sleep 3 # part of the measurement, not a condition: status writes die down before memory is read
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_runs() { # command... -> median seconds of 5 runs
    for _ in 1 2 3 4 5; do
        local start end
        start=$(now); "$@" >/dev/null; end=$(now)
        echo "$end - $start" | bc -l
    done | median
}
raw_list=$(time_runs curl -sf "$url/api/v1/pods")
items=$(curl -sf "$url/api/v1/pods" | grep -o "\"kind\":\"Pod\"" | wc -l || true)
kubectl_raw=$(time_runs kubectl get --raw /api/v1/pods)
kubectl_json=$(time_runs kubectl get pods -A -o json)
kubectl_table=$(time_runs kubectl get pods -A)

printf 'sandbox with %d extra pods (%d pods in all)\n' "$pods" "$items"
printf '  resident memory:                       %6.1f MB  (target < 500 MB)\n' "$(echo "$rss_kb / 1024" | bc -l)"
printf '  full list over HTTP (curl):            %6.3f s   (target < 1 s)\n' "$raw_list"
printf '  kubectl get --raw /api/v1/pods:        %6.3f s   (ratio sandbox/kubectl %.2f)\n' "$kubectl_raw" "$(echo "$raw_list / $kubectl_raw" | bc -l)"
printf '  kubectl get pods -A -o json (chunked): %6.3f s\n' "$kubectl_json"
printf '  kubectl get pods -A (server tables):   %6.3f s\n' "$kubectl_table"
ok=1
[ "$rss_kb" -lt $((500 * 1024)) ] || { echo "FAIL: resident memory above 500 MB"; ok=0; }
[ "$(echo "$raw_list < 1" | bc -l)" -eq 1 ] || { echo "FAIL: listing took a second or more"; ok=0; }
[ "$items" -ge "$pods" ] || { echo "FAIL: the list held $items pods"; ok=0; }
[ "$ok" -eq 1 ] && echo "targets met"
[ "$ok" -eq 1 ]
