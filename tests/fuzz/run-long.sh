#!/usr/bin/env bash
# The long fuzz runs the release bar asks for: each core target until 10 million executions
# or an hour, whichever comes first, from its CI corpus (kept between runs in
# BUILD_DIR/fuzz-TARGET/long), niced so that the machine stays usable. Targets must have been
# built (scripts/dev.sh fuzz 1). Prints one summary line per target, also appended to
# BUILD_DIR/fuzz-long.txt; its CPU seconds beside the wall-clock ones say how much of a core the
# run had (an hour on a shared machine is not an hour of fuzzing). LUCENT_FUZZ_NICE sets the
# niceness (19 unless told).
# usage: run-long.sh SOURCE_DIR BUILD_DIR [TARGET...]
set -euo pipefail
src=$(cd "$1" && pwd) build=$(cd "$2" && pwd)
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets <"$src/tests/fuzz/core-targets.txt"
for target in "${targets[@]}"; do
    out=$build/fuzz-$target
    [ -x "$out/fuzz_$target" ] || { echo "$target: not built; run scripts/dev.sh fuzz 1 first" >&2; exit 2; }
    mkdir -p "$out/long"
    cp -n "$out/corpus"/* "$out/long/" 2>/dev/null || true
    started=$(date +%s)
    (cd "$out" && ASAN_OPTIONS=detect_leaks=1 /usr/bin/time -f '%U %S' -o cpu.txt \
        nice -n "${LUCENT_FUZZ_NICE:-19}" "./fuzz_$target" -runs=10000000 -max_total_time=3600 \
        -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 long >long.log 2>&1) || true
    cpu=$(awk 'END {printf "%d", $1 + $2}' "$out/cpu.txt" 2>/dev/null || echo "?")
    runs=$(awk '/stat::number_of_executed_units:/ {print $2}' "$out/long.log")
    rss=$(awk '/stat::peak_rss_mb:/ {print $2}' "$out/long.log")
    findings=$(grep -cE '^==[0-9]+==ERROR|^SUMMARY: |ERROR: libFuzzer' "$out/long.log" || true)
    line="$(date -u +%FT%TZ) $target: ${runs:-0} executions in $(($(date +%s) - started)) s (${cpu} s of CPU), peak RSS ${rss:-?} MB, findings: $findings"
    echo "$line" | tee -a "$build/fuzz-long.txt"
done
