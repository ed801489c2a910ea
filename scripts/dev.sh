#!/usr/bin/env bash
# The README's commands. Each one installs what is missing, builds incrementally, then acts:
#   scripts/dev.sh run [console options]   start lucent-sandbox and the console on it (e.g. --screenshot FILE
#                                          headless); LUCENT_NO_SANDBOX=1 uses your own kubeconfig instead
#   scripts/dev.sh test [ctest options]    run every test
#   scripts/dev.sh package                 build the .deb and .tar.gz into build/<preset>/packages
#   scripts/dev.sh lint                    clang-format check and clang-tidy over the sources
#   scripts/dev.sh bench                   the benchmarks, on an optimised (release) build
#   scripts/dev.sh fuzz [SECONDS]          every libFuzzer target for SECONDS each (600), findings in
#                                          build/<preset>/fuzz*/
#   scripts/dev.sh fuzz-long [TARGET...]   core's fuzz targets to 10 million executions or an hour each
#   scripts/dev.sh soak [ROUNDS]           the fault soak: ROUNDS (1000) randomised rounds of faults and
#                                          sandbox restarts, caches against fresh lists, logs whole
#   scripts/dev.sh chaos [ROUNDS] [SEED]   the promotion chaos run: ROUNDS (1000) randomised rounds of
#                                          promotions disturbed at random moments, round i drawn from
#                                          SEED+i (SEED: the time); LUCENT_CHAOS_WORKERS (2) processes,
#                                          each with its own sandbox; logs in build/<preset>/chaos/
#   scripts/dev.sh isolation [REGEX]       every Qt Test function alone, one process each (with ctest's
#                                          environment): no function may rely on what another left
# LUCENT_PRESET picks another CMake preset (dev, asan, release); dev is the default.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
preset=${LUCENT_PRESET:-dev}
build="$here/build/$preset"

# ccache keys on paths relative to the checkout, so a fresh clone elsewhere (as CI makes)
# still hits the cache that earlier builds filled.
export CCACHE_BASEDIR="$here"
export CCACHE_NOHASHDIR=1
export CCACHE_DIR="${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}"

prepare() {
    "$here/scripts/setup-deps.sh"
    cd "$here"
    cmake --preset "$preset" >"$here/build/.configure-$preset.log" 2>&1 || {
        cat "$here/build/.configure-$preset.log" >&2
        echo "[dev] configuring with preset '$preset' failed (output above)" >&2
        exit 1
    }
    cmake --build --preset "$preset"
}

command=${1:-}
[ $# -gt 0 ] && shift
mkdir -p "$here/build"
case "$command" in
run)
    prepare
    if [ -n "${LUCENT_NO_SANDBOX:-}" ]; then
        exec "$build/app/lucent-console" "$@"
    fi
    # The embedded default: a simulated cluster of the platform on a free loopback port,
    # with its kubeconfig in a private temporary directory, stopped when the console exits.
    workdir=$(mktemp -d "${TMPDIR:-/tmp}/lucent-sandbox.XXXXXX")
    # With Debian's prometheus installed (setup-deps.sh does), the sandbox runs one for its pods.
    prometheus=()
    command -v prometheus >/dev/null && prometheus=(--prometheus)
    "$build/sandbox/lucent-sandbox" --port 0 --kubeconfig-out "$workdir/kubeconfig" --project-out "$workdir/lucent.yaml" \
        "${prometheus[@]}" >"$workdir/sandbox.out" 2>"$workdir/sandbox.err" &
    sandbox_pid=$!
    trap 'kill "$sandbox_pid" 2>/dev/null; wait "$sandbox_pid" 2>/dev/null; rm -rf "$workdir"' EXIT
    for _ in $(seq 100); do
        grep -q "lucent-sandbox listening" "$workdir/sandbox.out" 2>/dev/null && break
        kill -0 "$sandbox_pid" 2>/dev/null || break
        sleep 0.1
    done
    if ! grep -q "lucent-sandbox listening" "$workdir/sandbox.out" 2>/dev/null; then
        cat "$workdir/sandbox.err" >&2
        echo "[dev] lucent-sandbox did not start (output above)" >&2
        exit 1
    fi
    echo "[dev] $(tr '\n' ' ' <"$workdir/sandbox.out"); kubeconfig and lucent.yaml in $workdir" >&2
    "$build/app/lucent-console" --kubeconfig "$workdir/kubeconfig" --config "$workdir/lucent.yaml" "$@"
    ;;
test)
    prepare
    cd "$here"
    ctest --preset "$preset" "$@"
    ;;
package)
    prepare
    cd "$build" && cpack -G "DEB;TGZ"
    ;;
bench)
    preset=release
    build="$here/build/release"
    prepare
    cd "$here"
    ctest --preset benchmark "$@"
    ;;
lint)
    prepare
    cd "$here"
    mapfile -t sources < <(git ls-files '*.cpp' '*.h')
    clang-format --dry-run -Werror "${sources[@]}"
    mapfile -t units < <(git ls-files 'core/*.cpp' 'ui/*.cpp' 'app/*.cpp' 'sandbox/*.cpp')
    clang-tidy -p "$build" --quiet "${units[@]}"
    ;;
fuzz)
    prepare
    seconds=${1:-600}
    bash "$here/tests/fuzz/run-fuzz.sh" "$here" "$build" "$seconds"
    while read -r target; do
        bash "$here/tests/fuzz/run-core-fuzz.sh" "$here" "$build" "$target" "$seconds" </dev/null
    done <"$here/tests/fuzz/core-targets.txt"
    ;;
fuzz-long)
    prepare
    while read -r target; do
        bash "$here/tests/fuzz/run-core-fuzz.sh" "$here" "$build" "$target" 1 </dev/null >/dev/null
    done <"$here/tests/fuzz/core-targets.txt"
    bash "$here/tests/fuzz/run-long.sh" "$here" "$build" "$@"
    ;;
soak)
    prepare
    rounds=${1:-1000}
    # Qt Test ends a function after 5 minutes unless told otherwise; a round takes about 2 s.
    LUCENT_SOAK_ROUNDS=$rounds QTEST_FUNCTION_TIMEOUT=$((rounds * 60000 + 600000)) \
        LUCENT_SANDBOX="$build/sandbox/lucent-sandbox" QT_QPA_PLATFORM=offscreen "$build/tests/tst_kubefaults" soak
    ;;
chaos)
    prepare
    rounds=${1:-1000}
    seed=${2:-$(date +%s)}
    workers=${LUCENT_CHAOS_WORKERS:-2}
    [ "$workers" -gt "$rounds" ] && workers=$rounds # one round again: one sandbox
    mkdir -p "$build/chaos"
    echo "[dev] chaos: $rounds rounds from seed $seed in $workers workers; logs in $build/chaos" >&2
    pids=()
    for worker in $(seq 0 $((workers - 1))); do
        # A round takes seconds; Qt Test's 5-minute limit per function is lifted for the run.
        LUCENT_CHAOS_ROUNDS=$rounds LUCENT_CHAOS_SEED=$seed LUCENT_CHAOS_WORKER=$worker LUCENT_CHAOS_WORKERS=$workers \
            QTEST_FUNCTION_TIMEOUT=$((rounds * 120000 + 600000)) QT_QPA_PLATFORM=offscreen \
            LUCENT_SANDBOX="$build/sandbox/lucent-sandbox" LUCENT_CONSOLE="$build/app/lucent-console" \
            "$build/tests/tst_promotionchaos" >"$build/chaos/worker-$worker.log" 2>&1 &
        pids+=($!)
    done
    status=0
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
    grep -h '^CHAOS \|BROKEN' "$build"/chaos/worker-*.log
    exit $status
    ;;
isolation)
    prepare
    python3 "$here/tests/isolation/run-functions-alone.py" "$build" "$@"
    ;;
*)
    echo "usage: scripts/dev.sh run|test|package|lint|bench|fuzz|fuzz-long|soak|isolation [arguments]" >&2
    exit 2
    ;;
esac
