#!/usr/bin/env bash
# Installs everything the console needs to build, run and test, and prints nothing else of
# note when all of it is already present, so that the README's commands stay cheap to re-run.
#
# KSyntaxHighlighting is the awkward one: Debian 12 ships it for Qt 5 only. Where the system
# has no KF6SyntaxHighlighting we build KSyntaxHighlighting 5.116 for Qt 6 from Debian's own
# source package (trixie) into a per-user cache prefix, never into /usr, because its soname
# (libKF5SyntaxHighlighting.so.5) clashes with Debian's Qt 5 build.
set -euo pipefail

KSH_VERSION=5.116.0
KSH_DEBIAN_VERSION=5.116.0-1
KSH_SHA256=6f8ccacebd0dc9ce050b2b23b715750c97938b3336fbbb80967920cb8c1dfaa7
ECM_VERSION=6.13.0
ECM_DEBIAN_VERSION=6.13.0-1
ECM_SHA256=7006017c00c817ff4c056995146d271791d1487a398d39ea6cac1cd59a8bf402
SOURCE_SUITE=trixie

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/lucent-console/deps"
KSH_PREFIX="$CACHE_ROOT/ksyntaxhighlighting-$KSH_VERSION-qt6"

APT_PACKAGES=(
    # toolchain
    cmake ninja-build g++ ccache pkg-config
    # libraries of the design card
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-charts-dev qt6-svg-dev libqt6svg6
    libqt6opengl6-dev  # only a Recommends of qt6-base-dev, but Qt6Charts needs it
    qt6-qpa-plugins libyaml-cpp-dev libspdlog-dev
    # the sandbox cluster: HTTP server, JSON, TLS; kubectl-independent API clients for its tests
    libcpp-httplib-dev nlohmann-json3-dev libssl-dev openssl zlib1g-dev procps prometheus prometheus-alertmanager qtkeychain-qt6-dev libyaml-dev python3-kubernetes ruby-kubeclient
    # the fuzz target: clang (its libFuzzer runtime is added below, named by version)
    clang time  # time: the CPU seconds of the long fuzz runs
    # fonts so that offscreen screenshots render text
    fonts-dejavu-core fontconfig
    # running the window without a display
    xvfb xauth
    # packaging checks: CPack's shlibdeps, the .desktop and AppStream validators
    dpkg-dev file desktop-file-utils appstream bc curl
    # fetching and unpacking the KSyntaxHighlighting source
    xz-utils ca-certificates
    # formatting and static analysis (scripts/dev.sh lint, the format test)
    clang-format clang-tidy git
)

log() { printf '[setup-deps] %s\n' "$*" >&2; }
die() { printf '[setup-deps] error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "installing packages needs root: run as root or install sudo"; fi
}

missing_packages() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$pkg"
    done
}

apt_updated=0
apt_install() {
    local missing
    mapfile -t missing < <(missing_packages "$@")
    [ "${#missing[@]}" -eq 0 ] && return 0
    log "installing: ${missing[*]}"
    if [ "$apt_updated" -eq 0 ]; then
        as_root apt-get update -q >&2
        apt_updated=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

# True when apt knows a candidate for the package (e.g. KF6 on Debian 13 / Ubuntu 24.04).
apt_has_candidate() {
    local candidate
    candidate=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
    [ -n "$candidate" ] && [ "$candidate" != "(none)" ]
}

# Prints "URI KEYRING" of the machine's main Debian entry, read from its apt configuration,
# so that no registry host is written into the repository.
debian_source_entry() {
    local codename uri="" keyring=""
    codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # deb822 stanzas are separated by blank lines; take the first that carries the
        # release suite itself (not -security or -updates).
        read -r uri keyring < <(awk -v codename="$codename" '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " codename " ") && uris != "") {
                    split(uris, u, " "); print u[1], (signed == "" ? "-" : signed); found = 1; exit
                }
                types = ""; suites = ""; uris = ""; signed = ""
            }
            /^[ \t]*$/ { flush(); next }
            /^Types:/     { sub(/^Types:[ \t]*/, ""); types = $0 }
            /^Suites:/    { sub(/^Suites:[ \t]*/, ""); suites = $0 }
            /^URIs:/      { sub(/^URIs:[ \t]*/, ""); uris = $0 }
            /^Signed-By:/ { sub(/^Signed-By:[ \t]*/, ""); signed = $0 }
            END { if (!found) flush() }' "$f") || true
        [ -n "$uri" ] && break
    done
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
        read -r uri keyring < <(awk -v codename="$codename" '
            $1 == "deb" {
                signed = "-"; i = 2
                if ($2 ~ /^\[/) {
                    for (; i <= NF; i++) {
                        if ($i ~ /signed-by=/) { s = $i; sub(/.*signed-by=/, "", s); sub(/\].*/, "", s); signed = s }
                        if ($i ~ /\]$/) { i++; break }
                    }
                }
                if ($(i + 1) == codename) { print $i, signed; exit }
            }' /etc/apt/sources.list) || true
    fi
    [ -n "$uri" ] || die "no Debian entry for '$codename' found in the apt configuration; cannot derive a deb-src entry for $SOURCE_SUITE"
    [ "$keyring" = "-" ] || [ -z "$keyring" ] && keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    printf '%s %s\n' "$uri" "$keyring"
}

verify_sha256() {
    local file=$1 expected=$2 actual
    actual=$(sha256sum "$file" | awk '{print $1}')
    [ "$actual" = "$expected" ] || die "checksum mismatch for $(basename "$file"): expected $expected, got $actual"
}

# Downloads the two orig tarballs with apt through a private configuration, leaving the
# system's sources and lists untouched.
fetch_sources() {
    local workdir=$1 uri keyring
    read -r uri keyring < <(debian_source_entry)
    mkdir -p "$workdir/lists/partial" "$workdir/download"
    printf 'deb-src [signed-by=%s] %s %s main\n' "$keyring" "$uri" "$SOURCE_SUITE" >"$workdir/sources.list"
    local apt_opts=(-q -o "Dir::Etc::sourcelist=$workdir/sources.list" -o Dir::Etc::sourceparts=-
                    -o "Dir::State::Lists=$workdir/lists" -o APT::Sandbox::User=root)
    log "reading the $SOURCE_SUITE source index"
    as_root apt-get "${apt_opts[@]}" update >&2
    # The registry answers 404 for ksyntax-highlighting's .dsc/.asc/.debian files, so apt
    # exits non-zero even when the orig tarball arrived: the checksum below is the real test.
    (cd "$workdir/download" && as_root apt-get "${apt_opts[@]}" source --download-only \
        "ksyntax-highlighting=$KSH_DEBIAN_VERSION" "kf6-extra-cmake-modules=$ECM_DEBIAN_VERSION" >&2) || true
    local ksh="$workdir/download/ksyntax-highlighting_$KSH_VERSION.orig.tar.xz"
    local ecm="$workdir/download/kf6-extra-cmake-modules_$ECM_VERSION.orig.tar.xz"
    [ -f "$ksh" ] || die "could not download ksyntax-highlighting $KSH_DEBIAN_VERSION from the $SOURCE_SUITE sources"
    [ -f "$ecm" ] || die "could not download kf6-extra-cmake-modules $ECM_DEBIAN_VERSION from the $SOURCE_SUITE sources"
    verify_sha256 "$ksh" "$KSH_SHA256"
    verify_sha256 "$ecm" "$ECM_SHA256"
}

build_ksyntaxhighlighting() {
    local workdir
    workdir=$(mktemp -d "${TMPDIR:-/tmp}/lucent-ksh.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$workdir'" EXIT
    fetch_sources "$workdir"
    mkdir -p "$workdir/src"
    tar -C "$workdir/src" -xf "$workdir/download/kf6-extra-cmake-modules_$ECM_VERSION.orig.tar.xz"
    tar -C "$workdir/src" -xf "$workdir/download/ksyntax-highlighting_$KSH_VERSION.orig.tar.xz"

    local staging="$KSH_PREFIX.partial"
    rm -rf "$staging"
    log "building extra-cmake-modules $ECM_VERSION"
    cmake -S "$workdir/src/extra-cmake-modules-$ECM_VERSION" -B "$workdir/ecm-build" -G Ninja \
        -DCMAKE_INSTALL_PREFIX="$staging/ecm" -DBUILD_TESTING=OFF -DBUILD_HTML_DOCS=OFF \
        -DBUILD_MAN_DOCS=OFF -DBUILD_QTHELP_DOCS=OFF >"$workdir/ecm.log" 2>&1 \
        && cmake --install "$workdir/ecm-build" >>"$workdir/ecm.log" 2>&1 \
        || { cat "$workdir/ecm.log" >&2; die "building extra-cmake-modules failed (log above)"; }

    log "building KSyntaxHighlighting $KSH_VERSION for Qt 6 (about a minute on 2 cores)"
    cmake -S "$workdir/src/syntax-highlighting-$KSH_VERSION" -B "$workdir/ksh-build" -G Ninja \
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$KSH_PREFIX" -DKDE_INSTALL_LIBDIR=lib \
        -DBUILD_WITH_QT6=ON -DBUILD_TESTING=OFF -DCMAKE_PREFIX_PATH="$staging/ecm" >"$workdir/ksh.log" 2>&1 \
        && cmake --build "$workdir/ksh-build" -j "${LUCENT_JOBS:-2}" >>"$workdir/ksh.log" 2>&1 \
        && DESTDIR="$staging/root" cmake --install "$workdir/ksh-build" >>"$workdir/ksh.log" 2>&1 \
        || { tail -n 60 "$workdir/ksh.log" >&2; die "building KSyntaxHighlighting failed (log above)"; }

    # Installed under DESTDIR first and moved into place at the end, so that an interrupted
    # build never leaves a half-filled prefix that a later run would trust.
    rm -rf "$KSH_PREFIX"
    mkdir -p "$(dirname "$KSH_PREFIX")"
    mv "$staging/root$KSH_PREFIX" "$KSH_PREFIX"
    rm -rf "$staging"
    printf '%s\n' "$KSH_DEBIAN_VERSION" >"$KSH_PREFIX/.lucent-complete"
    log "KSyntaxHighlighting installed in $KSH_PREFIX"
}

main() {
    [ -r /etc/debian_version ] || die "this script supports Debian and Ubuntu; install the packages listed in it by hand elsewhere"
    apt_install "${APT_PACKAGES[@]}"
    # libFuzzer ships in libclang-rt-<major>-dev, matching the installed clang.
    local clang_major
    clang_major=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
    if [ -n "$clang_major" ] && apt_has_candidate "libclang-rt-$clang_major-dev"; then
        apt_install "libclang-rt-$clang_major-dev"
    fi

    if [ -n "$(find /usr/lib /usr/lib64 -path '*cmake/KF6SyntaxHighlighting/KF6SyntaxHighlightingConfig.cmake' 2>/dev/null | head -n 1)" ]; then
        log "using the system's KF6SyntaxHighlighting"
    elif apt_has_candidate libkf6syntaxhighlighting-dev; then
        apt_install libkf6syntaxhighlighting-dev
    elif [ -f "$KSH_PREFIX/.lucent-complete" ]; then
        : # built before, reused
    else
        build_ksyntaxhighlighting
    fi
}

main "$@"
