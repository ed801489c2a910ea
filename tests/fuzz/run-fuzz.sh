#!/usr/bin/env bash
# Builds the API request fuzz target with clang's libFuzzer (plus AddressSanitizer and
# UndefinedBehaviorSanitizer) and runs it for a short while from the committed seeds.
# usage: run-fuzz.sh SOURCE_DIR BUILD_DIR [SECONDS]
set -euo pipefail
src=$1 build=$2 out=$2/fuzz seconds=${3:-30}
mkdir -p "$out/obj" "$out/corpus"
compiler=(clang++)
command -v ccache >/dev/null && compiler=(ccache clang++)
flags=(-std=c++17 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       -I"$src" -DLUCENT_MANIFESTS_DIR="\"$src/manifests\"")
# Everything of the sandbox but its HTTP transport (and the server under it) and main(),
# plus the compiled-in schema that the CMake build generates.
mapfile -t sources < <(find "$src/sandbox" -name '*.cpp' ! -name main.cpp ! -name httptransport.cpp ! -name upgradableserver.cpp ! -name execsession.cpp ! -name portforwardsession.cpp | sort)
sources+=("$build/sandbox/kubernetesfields.cpp" "$build/sandbox/kubernetesprotobuf.cpp" "$build/sandbox/smoketestscript.cpp" "$src/tests/fuzz/fuzz_api_request.cpp")
objects=()
for file in "${sources[@]}"; do
    object="$out/obj/$(basename "${file%.cpp}").o"
    if [ ! -f "$object" ] || [ "$file" -nt "$object" ] || [ -n "$(find "$src/sandbox" -name '*.h' -newer "$object" | head -n 1)" ]; then
        "${compiler[@]}" "${flags[@]}" -c "$file" -o "$object" &
        # two compilers at a time on a two-core machine
        while [ "$(jobs -r | wc -l)" -ge 2 ]; do wait -n; done
    fi
    objects+=("$object")
done
wait
clang++ -fsanitize=fuzzer,address,undefined "${objects[@]}" -lyaml-cpp -lyaml -lssl -lcrypto -lz -pthread -o "$out/fuzz_api_request"
cp -n "$src"/tests/fuzz/corpus/* "$out/corpus/" 2>/dev/null || true
export ASAN_OPTIONS=detect_leaks=0
"$out/fuzz_api_request" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$out/corpus" 2>&1 | tail -n 20
