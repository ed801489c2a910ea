#!/usr/bin/env bash
# Builds one of core's fuzz targets with clang's libFuzzer (plus AddressSanitizer and
# UndefinedBehaviorSanitizer) from the sources it needs, and runs it for a while from its
# committed seeds. Findings are saved as crash-*/timeout-*/oom-* files in BUILD_DIR/fuzz-TARGET.
# usage: run-core-fuzz.sh SOURCE_DIR BUILD_DIR TARGET [SECONDS]
set -euo pipefail
src=$(cd "$1" && pwd) build=$(cd "$2" && pwd) target=$3 seconds=${4:-30}
out=$build/fuzz-$target
libraries=()
qt_modules=(Qt6Core)
case $target in
manifest_validator)
    # The validator end to end, without the cluster schema loader (it talks to a cluster).
    modules=(validation bounds jobs)
    sources=("$src"/core/validation/{kubernetesschema,manifestfile,manifestjson,policyrules,problem,reportformat,rulecatalog,schemacheck,validator}.cpp
             "$src"/core/bounds/{yamlbounds,filebounds}.cpp "$build/core/.rcc/qrc_kubernetes_schema.cpp")
    libraries=(-lyaml-cpp)
    ;;
kubeconfig)
    modules=(kube bounds)
    sources=("$src"/core/kube/{kubeconfig,clusterconnection}.cpp "$src"/core/bounds/{yamlbounds,filebounds}.cpp)
    libraries=(-lyaml-cpp)
    qt_modules+=(Qt6Network)
    ;;
watch_stream)
    modules=(kube)
    sources=("$src"/core/kube/{watchevent,apierror,podstatus}.cpp)
    ;;
list_page)
    modules=(kube)
    sources=("$src"/core/kube/{listpage,gzip,apierror,podstatus}.cpp)
    libraries=(-lz)
    ;;
api_status)
    modules=(kube)
    sources=("$src/core/kube/apierror.cpp")
    ;;
exec_credential)
    # The parser is a static function of a QObject class: its moc output comes along.
    modules=(kube logging bounds)
    sources=("$src"/core/kube/{execcredentialplugin,clusterconnection,kubeconfig,apierror}.cpp
             "$src/core/logging/redaction.cpp" "$src"/core/bounds/{yamlbounds,filebounds}.cpp
             "$(find "$build/core/lucent_core_kube_autogen" -name moc_execcredentialplugin.cpp)")
    libraries=(-lyaml-cpp)
    qt_modules+=(Qt6Network)
    ;;
log_lines)
    modules=(kube logs)
    sources=("$src"/core/kube/{logline,logchunkparser,watchevent}.cpp "$src"/core/logs/{logbuffer,logfilter,lineclassifier}.cpp
             "$(find "$build/core/lucent_core_kube_autogen" -name moc_logchunkparser.cpp)")
    ;;
prometheus_answers)
    modules=(prometheus)
    sources=("$src/core/prometheus/prometheusresponse.cpp")
    ;;
alertmanager_answers | silence_matcher)
    modules=(prometheus)
    sources=("$src"/core/prometheus/{silence,prometheusresponse}.cpp)
    ;;
project_config)
    modules=(environment kube validation bounds)
    sources=("$src"/core/environment/{projectconfig,promotionsettings}.cpp "$src/core/kube/kubeconfig.cpp"
             "$src"/core/validation/{rulecatalog,problem}.cpp "$src"/core/bounds/{yamlbounds,filebounds}.cpp)
    libraries=(-lyaml-cpp)
    ;;
*)
    echo "unknown fuzz target '$target'" >&2
    exit 2
    ;;
esac
sources+=("$src/tests/fuzz/fuzz_$target.cpp")
mkdir -p "$out/obj" "$out/corpus"
compiler=(clang++)
command -v ccache >/dev/null && compiler=(ccache clang++)
includes=()
for module in "${modules[@]}"; do includes+=(-I"$build/modules/$module"); done
read -r -a qt <<<"$(pkg-config --cflags "${qt_modules[@]}")"
flags=(-std=c++17 -g -O1 -fPIC -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       "${includes[@]}" "${qt[@]}")
objects=()
for file in "${sources[@]}"; do
    object="$out/obj/$(basename "${file%.cpp}").o"
    # Rebuilt when its source or any header of core changed: an object compiled against an
    # older class layout would be a finding of its own (ODR), not of the code.
    if [ ! -f "$object" ] || [ "$file" -nt "$object" ] \
        || [ -n "$(find "$src/core" -name '*.h' -newer "$object" -print -quit)" ]; then
        "${compiler[@]}" "${flags[@]}" -c "$file" -o "$object" &
        # two compilers at a time on a two-core machine
        while [ "$(jobs -r | wc -l)" -ge 2 ]; do wait -n; done
    fi
    objects+=("$object")
done
wait
clang++ -fsanitize=fuzzer,address,undefined "${objects[@]}" "${libraries[@]}" $(pkg-config --libs "${qt_modules[@]}") -pthread \
    -o "$out/fuzz_$target"
cp -n "$src/tests/fuzz/corpus-$target"/* "$out/corpus/" 2>/dev/null || true
export ASAN_OPTIONS=detect_leaks=1
cd "$out"
"$out/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    "$out/corpus" 2>&1 | tail -n 25
