#!/usr/bin/env bash
# Builds the .deb and .tgz of a configured build tree and checks them as a distribution would:
# control fields and dependencies, file list, desktop entry, AppStream metainfo, icon, the
# private KSyntaxHighlighting and its RPATH, and finally that the .deb installs with dpkg and
# that the installed lucent-console answers --version.
#
# usage: check-package.sh BUILD_DIR SOURCE_DIR VERSION [PRIVATE_KSH_SONAME]
set -euo pipefail

build=$1 source=$2 version=$3 ksh_soname=${4:-}
app_id=com.lucent.ReleaseConsole
work=$(mktemp -d "${TMPDIR:-/tmp}/lucent-package.XXXXXX")
installed_by_us=0

cleanup() {
    if [ "$installed_by_us" -eq 1 ]; then
        dpkg --purge lucent-console >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
pass() { printf 'ok: %s\n' "$*"; }

cd "$build"
cpack -G "DEB;TGZ" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log" >&2; fail "cpack failed"; }
arch=$(dpkg --print-architecture)
deb="$build/packages/lucent-console_${version}_${arch}.deb"
tgz=$(ls "$build"/packages/lucent-console-"$version"-*.tar.gz 2>/dev/null | head -n 1)
[ -f "$deb" ] || fail "no .deb at $deb"
[ -n "$tgz" ] || fail "no .tar.gz in $build/packages"
pass "cpack built $(basename "$deb") and $(basename "$tgz")"

# --- control fields --------------------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = lucent-console ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', expected $version"
depends=$(field Depends)
for dep in libqt6core6 libqt6gui6 libqt6widgets6 libyaml-cpp0.7 libspdlog qt6-qpa-plugins libc6; do
    grep -q "$dep" <<<"$depends" || fail "Depends lacks $dep (shlibdeps did not run?): $depends"
done
grep -q ';' <<<"$(field Description)" && fail "Description contains a CMake list separator"
pass "control fields; Depends: $depends"

# --- contents --------------------------------------------------------------------------
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
expect=(./usr/bin/lucent-console
        "./usr/share/applications/$app_id.desktop"
        "./usr/share/metainfo/$app_id.metainfo.xml"
        "./usr/share/icons/hicolor/scalable/apps/$app_id.svg")
[ -n "$ksh_soname" ] && expect+=("./usr/lib/lucent-console/$ksh_soname")
for path in "${expect[@]}"; do
    grep -qxF "$path" <<<"$contents" || fail "the .deb lacks $path"
done
if grep -q 'libKF5SyntaxHighlighting' <<<"$contents" && [ -z "$ksh_soname" ]; then
    fail "the .deb ships a private KSyntaxHighlighting although the system one was used"
fi
pass "file list (${#expect[@]} expected files present)"

root="$work/root"
dpkg-deb -x "$deb" "$root"

# --- desktop integration ---------------------------------------------------------------
desktop-file-validate "$root/usr/share/applications/$app_id.desktop" || fail "desktop-file-validate rejected the .desktop file"
pass "desktop-file-validate"
appstreamcli validate --no-net "$root/usr/share/metainfo/$app_id.metainfo.xml" || fail "appstreamcli validate rejected the metainfo"
pass "appstreamcli validate"
file -b "$root/usr/share/icons/hicolor/scalable/apps/$app_id.svg" | grep -q 'SVG' || fail "the icon is not an SVG image"
grep -q 'Icon='"$app_id"'$' "$root/usr/share/applications/$app_id.desktop" || fail "the .desktop file does not name the icon"
pass "scalable icon"

# --- the private KSyntaxHighlighting ---------------------------------------------------
binary="$root/usr/bin/lucent-console"
if [ -n "$ksh_soname" ]; then
    runpath=$(readelf -d "$binary" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p; s/.*(RPATH).*\[\(.*\)\]/\1/p')
    [ "$runpath" = '$ORIGIN/../lib/lucent-console' ] || fail "RUNPATH is '$runpath', expected \$ORIGIN/../lib/lucent-console"
    resolved=$(realpath -m "$(env -u LD_LIBRARY_PATH ldd "$binary" | awk -v so="$ksh_soname" '$1 == so {print $3}')")
    [ "$resolved" = "$root/usr/lib/lucent-console/$ksh_soname" ] || fail "$ksh_soname resolves to '$resolved', not the packaged copy"
    objdump -p "$root/usr/lib/lucent-console/$ksh_soname" | grep -q 'NEEDED.*libQt6Core' || fail "the packaged KSyntaxHighlighting does not link Qt 6"
    pass "private $ksh_soname is found through RUNPATH and links Qt 6"
fi
[ "$(env -u LD_LIBRARY_PATH "$binary" --version)" = "lucent-console $version" ] || fail "the unpacked binary does not answer --version"
pass "unpacked lucent-console --version"

# --- the embedded sandbox (lucent-console --sandbox) ---------------------------------------
[ -x "$root/usr/lib/lucent-console/lucent-sandbox" ] || fail "the package lacks usr/lib/lucent-console/lucent-sandbox"
[ -f "$root/usr/share/lucent-console/manifests/base/api-gateway.yaml" ] || fail "the package lacks the platform manifests"
pass "lucent-sandbox and the platform manifests"

# --- the tarball -----------------------------------------------------------------------
tar -tzf "$tgz" | grep -q '/bin/lucent-console$' || fail "the .tar.gz lacks bin/lucent-console"
pass "tar.gz contents"

# --- dpkg -i ---------------------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
    echo "note: not root, so 'dpkg -i' cannot run here; the unpacked package was checked instead"
elif dpkg-query -W -f='${Status}' lucent-console 2>/dev/null | grep -q 'install ok installed'; then
    fail "lucent-console is already installed on this machine; remove it (dpkg --purge lucent-console) so the test can install its own build"
else
    dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; dpkg --purge lucent-console >/dev/null 2>&1 || true; fail "dpkg -i failed (is the Qt 6 runtime installed?)"; }
    installed_by_us=1
    [ "$(command -v lucent-console)" = /usr/bin/lucent-console ] || fail "lucent-console is not on PATH after dpkg -i"
    out=$(env -u LD_LIBRARY_PATH /usr/bin/lucent-console --version)
    [ "$out" = "lucent-console $version" ] || fail "installed lucent-console --version printed '$out'"
    # The installed console starts the installed sandbox (with the installed manifests).
    env -u LD_LIBRARY_PATH QT_QPA_PLATFORM=offscreen HOME="$work" /usr/bin/lucent-console --sandbox \
        --screenshot "$work/installed-sandbox.png" >"$work/sandbox-run.log" 2>&1 \
        || { cat "$work/sandbox-run.log" >&2; fail "installed lucent-console --sandbox --screenshot failed"; }
    [ -s "$work/installed-sandbox.png" ] || fail "installed lucent-console --sandbox wrote no screenshot"
    if [ -n "$ksh_soname" ]; then
        used=$(realpath -m "$(env -u LD_LIBRARY_PATH ldd /usr/bin/lucent-console | awk -v so="$ksh_soname" '$1 == so {print $3}')")
        [ "$used" = "/usr/lib/lucent-console/$ksh_soname" ] || fail "the installed binary uses '$used', not /usr/lib/lucent-console/$ksh_soname"
    fi
    dpkg --purge lucent-console >/dev/null
    installed_by_us=0
    [ ! -e /usr/bin/lucent-console ] || fail "dpkg --purge left /usr/bin/lucent-console behind"
    pass "dpkg -i, installed --version ('$out'), --sandbox screenshot, dpkg --purge"
fi
echo "packaging checks passed"
