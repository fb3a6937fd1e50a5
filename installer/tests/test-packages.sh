#!/usr/bin/env bash
# test_packages: builds the Debian packages with cpack into a temporary directory, installs
# them into an empty root with dpkg and checks them: names, versions, dependencies,
# conffiles, where every file lands, what the maintainer scripts did inside that root (and
# that they left the running system alone), that the unit files, desktop files and init
# scripts are valid, that the installed programs run, and that the installed market starts
# from its configuration file through its service wrapper. Then purges them again.
#
#   test-packages.sh BUILD_DIR        (ctest passes the build tree; the programs must be built)
#
# Why `dpkg --root ROOT --force-script-chrootless`: with --root alone dpkg runs the
# maintainer scripts chrooted into ROOT, and an empty root has no /bin/sh, so every postinst
# fails. Chrootless, dpkg runs them with the host's tools and DPKG_ROOT=ROOT, which the
# scripts honour (docs/packaging.md). As non-root, dpkg runs under fakeroot.

# The bash -c snippets take their values as "$1"… on purpose:
# shellcheck disable=SC2016
set -euo pipefail

build=${1:?usage: test-packages.sh BUILD_DIR}
build=$(cd "$build" && pwd)
gui=${LENDABLE_BUILD_GUI:-ON}
case $gui in ON|on|1|TRUE|true|YES|yes) gui=1 ;; *) gui= ;; esac

die() { echo "test-packages: $*" >&2; exit 1; }
for tool in cpack dpkg dpkg-deb dpkg-query useradd; do
    command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin:/sbin
    command -v "$tool" >/dev/null || die "missing $tool (run scripts/deps.sh)"
done
[ -f "$build/CPackConfig.cmake" ] || die "$build has no CPackConfig.cmake (configure it first)"

work=$(mktemp -d "${TMPDIR:-/tmp}/lendable-packages.XXXXXX")
market_pid=
cleanup() {
    if [ -n "$market_pid" ]; then kill -9 "$market_pid" 2>/dev/null || true; fi
    # A market the init-script check started and did not get to stop.
    if [ -s "$work/initd/market.pid" ]; then kill -9 "$(cat "$work/initd/market.pid")" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

failures=0
ok() { echo "ok    $*"; }
bad() { echo "FAIL  $*"; failures=$((failures + 1)); }
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else bad "$what"; fi
}

# As root dpkg can do everything itself; otherwise fakeroot pretends, keeping the owners it
# pretended in a state file so that the checks below see them too.
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
    not_root=()
else
    command -v fakeroot >/dev/null || die "not root and no fakeroot (run scripts/deps.sh)"
    : >"$work/fakeroot.state"
    as_root=(fakeroot -i "$work/fakeroot.state" -s "$work/fakeroot.state")
    not_root=(--force-not-root)
fi
# mode_owner FILE: "MODE UID" as the packages set them.
mode_owner() { "${as_root[@]}" stat -c '%a %u' "$1"; }

# ───────────── build the packages ─────────────
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
[ -n "$version" ] || die "no CPACK_PACKAGE_VERSION in $build/CPackConfig.cmake"
arch=$(dpkg --print-architecture)
out=$work/out
echo "# cpack -G DEB into $out"
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log"
    die "cpack failed (are market-manager, lender-console, borrower-client and their -gui built?)"
fi

declare -A deb
deb[common]=$out/lendable-common_${version}_all.deb
for role in market lender borrower; do
    deb[$role]=$out/lendable-${role}_${version}_${arch}.deb
done
for role in common market lender borrower; do
    check "package file $(basename "${deb[$role]}")" test -f "${deb[$role]}"
done
[ "$failures" -eq 0 ] || die "packages missing: $(ls "$out")"
check "exactly four packages" test "$(find "$out" -maxdepth 1 -name '*.deb' | wc -l)" -eq 4

field() { dpkg-deb -f "$1" "$2"; }
# depends ROLE PACKAGE...: the package's Depends names each of them.
depends() {
    local role=$1 d p
    shift
    d=", $(field "${deb[$role]}" Depends),"
    for p in "$@"; do
        case $d in *", $p ("* | *", $p,"*) ;; *) echo "  lendable-$role does not depend on $p: $d" >&2; return 1 ;; esac
    done
}
for role in common market lender borrower; do
    check "lendable-$role: Package field" test "$(field "${deb[$role]}" Package)" = "lendable-$role"
    check "lendable-$role: Version $version" test "$(field "${deb[$role]}" Version)" = "$version"
    check "lendable-$role: Maintainer set" test -n "$(field "${deb[$role]}" Maintainer)"
    check "lendable-$role: own synopsis" \
        bash -c '[[ "$(dpkg-deb -f "$1" Description | head -n1)" == Lendable* ]]' _ "${deb[$role]}"
done
check "lendable-common is Architecture: all" test "$(field "${deb[common]}" Architecture)" = all
for role in market lender borrower; do
    check "lendable-$role is Architecture: $arch" test "$(field "${deb[$role]}" Architecture)" = "$arch"
    # The shared-library dependencies come from dpkg-shlibdeps: Qt Core is there.
    check "lendable-$role depends on lendable-common (= $version), libqt6core6, libqt6sql6-sqlite" \
        depends "$role" "lendable-common (= $version)" libqt6core6 libqt6network6 libqt6sql6-sqlite
    if [ -n "$gui" ]; then
        check "lendable-$role depends on libqt6widgets6, qt6-qpa-plugins" depends "$role" libqt6widgets6 qt6-qpa-plugins
    fi
done
check "lendable-lender depends on libvirt0, libvirt-daemon-system, qemu-system-x86" \
    depends lender libvirt0 libvirt-daemon-system qemu-system-x86
check "lendable-market depends on passwd (useradd)" depends market passwd

# Control files: conffiles for everything under /etc, maintainer scripts that parse.
ctrl=$work/control
for role in market lender; do
    mkdir -p "$ctrl/$role"
    dpkg-deb -e "${deb[$role]}" "$ctrl/$role"
    check "lendable-$role conffiles = /etc/lendable/$role.conf + /etc/init.d/lendable-$role" \
        test "$(sort "$ctrl/$role/conffiles" | tr '\n' ' ')" = "/etc/init.d/lendable-$role /etc/lendable/$role.conf "
    etc_files=$(dpkg-deb -c "${deb[$role]}" | awk '$1 !~ /^d/ {print $6}' | sed -n 's#^\./etc/#/etc/#p' | sort | tr '\n' ' ')
    check "lendable-$role: every file under /etc is a conffile" \
        test "$etc_files" = "$(sort "$ctrl/$role/conffiles" | tr '\n' ' ')"
    for s in postinst prerm postrm; do
        check "lendable-$role $s is executable and parses" bash -c 'test -x "$1" && sh -n "$1"' _ "$ctrl/$role/$s"
    done
done

# ───────────── install into an empty root ─────────────
root=$work/root
mkdir -p "$root/etc" "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
: >"$root/var/lib/dpkg/status"
: >"$root/var/lib/dpkg/available"
# What base-passwd puts in a new system: the user database the postinst adds to.
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'root:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
printf 'root:*::\n' >"$root/etc/gshadow"
chmod 0640 "$root/etc/shadow" "$root/etc/gshadow"

host_user_before=$(getent passwd lendable || true)
dpkg_root=(dpkg --root="$root" --log=/dev/null --force-depends --force-script-chrootless "${not_root[@]}")
echo "# ${as_root[*]} ${dpkg_root[*]} -i *.deb"
if "${as_root[@]}" "${dpkg_root[@]}" -i "${deb[@]}" >"$work/dpkg-install.log" 2>&1; then
    ok "dpkg --root -i of the four packages"
else
    cat "$work/dpkg-install.log"
    bad "dpkg --root -i of the four packages"
fi

status=$(dpkg-query --root="$root" -W -f='${Package} ${Status}\n' | sort | tr '\n' ';')
check "all four installed and configured (postinst succeeded)" test "$status" = \
    "lendable-borrower install ok installed;lendable-common install ok installed;lendable-lender install ok installed;lendable-market install ok installed;"
check "dpkg registered market.conf as a conffile" \
    bash -c 'dpkg-query --root="$1" -W -f="\${Conffiles}" lendable-market | grep -q "^ /etc/lendable/market.conf "' _ "$root"

# Where the files land.
exe() { test -f "$root$1" && test -x "$root$1"; }
for app in market-manager lender-console borrower-client; do
    check "/usr/bin/$app" exe "/usr/bin/$app"
    if [ -n "$gui" ]; then
        check "/usr/bin/$app-gui beside its launcher" exe "/usr/bin/$app-gui"
        desktop=/usr/share/applications/lendable-$app.desktop
        icon=/usr/share/icons/hicolor/scalable/apps/lendable-$app.svg
        check "$desktop" test -f "$root$desktop"
        check "$icon" bash -c 'head -c 300 "$1" | grep -q "<svg" && grep -q "</svg>" "$1"' _ "$root$icon"
        check "$desktop names Exec=$app and Icon=lendable-$app" bash -c \
            'grep -qx "Exec=$2" "$1" && grep -qx "Icon=lendable-$2" "$1"' _ "$root$desktop" "$app"
        if command -v desktop-file-validate >/dev/null; then
            check "desktop-file-validate $desktop" desktop-file-validate "$root$desktop"
        else
            bad "desktop-file-validate missing (scripts/deps.sh installs desktop-file-utils)"
        fi
    fi
done
for role in market lender; do
    unit=/lib/systemd/system/lendable-$role.service
    check "$unit" test -f "$root$unit"
    check "$unit reads /etc/lendable/$role.conf" grep -qx "EnvironmentFile=/etc/lendable/$role.conf" "$root$unit"
    check "/etc/init.d/lendable-$role (LSB header, parses)" bash -c \
        'test -x "$1" && grep -q "^### BEGIN INIT INFO" "$1" && grep -q "^# Provides: *$2$" "$1" && sh -n "$1"' \
        _ "$root/etc/init.d/lendable-$role" "lendable-$role"
    check "/etc/init.d/lendable-$role reads /etc/lendable/$role.conf" grep -q "^CONF=/etc/lendable/$role.conf$" "$root/etc/init.d/lendable-$role"
    check "/etc/lendable/$role.conf is 0640 root" test "$(mode_owner "$root/etc/lendable/$role.conf")" = "640 0"
    check "/usr/libexec/lendable/lendable-$role-run" exe "/usr/libexec/lendable/lendable-$role-run"
    # systemd-analyze verify checks the unit's syntax and that ExecStart= exists; it only
    # sees the host's tree, so the copy points ExecStart= into ROOT.
    if command -v systemd-analyze >/dev/null; then
        mkdir -p "$work/units"
        sed "s#^ExecStart=/#ExecStart=$root/#" "$root$unit" >"$work/units/lendable-$role.service"
        verify=$(systemd-analyze verify "$work/units/lendable-$role.service" 2>&1) || true
        check "systemd-analyze verify lendable-$role.service: no complaints" test -z "$verify"
        [ -z "$verify" ] || printf '  %s\n' "$verify"
    else
        echo "skip  systemd-analyze verify (no systemd-analyze here)"
    fi
done
for f in README.md build-busybox-image.sh build-debian12-image.sh lib.sh init.sh; do
    check "/usr/share/lendable/os-images/$f" test -f "$root/usr/share/lendable/os-images/$f"
done
check "OS image build scripts are executable" exe /usr/share/lendable/os-images/build-busybox-image.sh

# What the maintainer scripts did: inside ROOT, and nothing on the host.
lendable_line=$(grep '^lendable:' "$root/etc/passwd" || true)
check "postinst added system user lendable (nologin, home /var/lib/lendable/market) to ROOT" \
    bash -c '[[ "$1" == lendable:x:*:*:*:/var/lib/lendable/market:/usr/sbin/nologin ]]' _ "$lendable_line"
check "postinst added group lendable to ROOT" grep -q '^lendable:' "$root/etc/group"
uid=$(echo "$lendable_line" | cut -d: -f3)
check "/var/lib/lendable/market is 0750 owned by lendable" \
    test "$(mode_owner "$root/var/lib/lendable/market")" = "750 $uid"
check "/var/lib/lendable/lender is 0711 root" test "$(mode_owner "$root/var/lib/lendable/lender")" = "711 0"
check "/var/lib/lendable is traversable (0755)" test "$(stat -c '%a' "$root/var/lib/lendable")" = 755
check "the host's user database is untouched" test "$(getent passwd lendable || true)" = "$host_user_before"

# ───────────── the installed programs run ─────────────
# Qt comes from the host system; the programs are ROOT's own.
programs=(market-manager lender-console borrower-client)
[ -z "$gui" ] || programs+=(market-manager-gui lender-console-gui borrower-client-gui)
for p in "${programs[@]}"; do
    v=$(QT_QPA_PLATFORM=offscreen timeout 60 "$root/usr/bin/$p" --version 2>&1) || true
    check "installed $p --version says $version" bash -c '[[ "$1" == *"$2"* ]]' _ "$v" "$version"
done

# The service wrappers turn the configuration into options (dry run: print them).
run_args() { "$root/usr/libexec/lendable/lendable-$1-run" --config "$2" --dry-run | tr '\n' ' '; }
cp "$root/etc/lendable/market.conf" "$work/market.conf"
check "lendable-market-run with the packaged market.conf" test "$(run_args market "$work/market.conf")" = \
    "$(cd "$root/usr/bin" && pwd -P)/market-manager --headless --listen 0.0.0.0:7400 --data /var/lib/lendable/market "
sed -i -e 's#^LENDABLE_MARKET_ADMIN_IDS=.*#LENDABLE_MARKET_ADMIN_IDS="aa11 bb22"#' \
    -e 's#^LENDABLE_MARKET_DATABASE=.*#LENDABLE_MARKET_DATABASE="postgresql://m:pw@db:5432/market"#' "$work/market.conf"
check "market.conf lists become repeated --admin-id" bash -c '[[ "$1" == *" --database postgresql://m:pw@db:5432/market --admin-id aa11 --admin-id bb22 " ]]' \
    _ "$(run_args market "$work/market.conf")"
cp "$root/etc/lendable/lender.conf" "$work/lender.conf"
check "lendable-lender-run with the packaged lender.conf" test "$(run_args lender "$work/lender.conf")" = \
    "$(cd "$root/usr/bin" && pwd -P)/lender-console --headless --listen 0.0.0.0:7401 --data /var/lib/lendable/lender --libvirt qemu:///system --virt-type qemu --job-timeout 3600 "
sed -i 's#^LENDABLE_LENDER_MARKETS=.*#LENDABLE_LENDER_MARKETS="m1.example:7400=aa11 10.0.0.5:7400=bb22"#' "$work/lender.conf"
check "lender.conf markets become --market/--market-id pairs" bash -c '[[ "$1" == *" --market m1.example:7400 --market-id aa11 --market 10.0.0.5:7400 --market-id bb22 "* ]]' \
    _ "$(run_args lender "$work/lender.conf")"
sed -i 's#^LENDABLE_LENDER_MARKETS=.*#LENDABLE_LENDER_MARKETS="m1.example:7400"#' "$work/lender.conf"
check "a market without node ID is refused" bash -c '! "$1" --config "$2" --dry-run 2>/dev/null' \
    _ "$root/usr/libexec/lendable/lendable-lender-run" "$work/lender.conf"

# The installed market starts from its configuration through the wrapper (as the unit and
# the init script run it), serves, and ends cleanly on SIGTERM.
cp "$root/etc/lendable/market.conf" "$work/market-run.conf"
sed -i -e 's#^LENDABLE_MARKET_LISTEN=.*#LENDABLE_MARKET_LISTEN="127.0.0.1:0"#' \
    -e "s#^LENDABLE_MARKET_DATA=.*#LENDABLE_MARKET_DATA=\"$work/market-data\"#" "$work/market-run.conf"
"$root/usr/libexec/lendable/lendable-market-run" --config "$work/market-run.conf" >"$work/market.out" 2>&1 &
market_pid=$!
listening=
for _ in $(seq 1 600); do # up to 60 s: a hang guard, not a timing target
    if grep -q 'listening on' "$work/market.out"; then listening=1; break; fi
    kill -0 "$market_pid" 2>/dev/null || break
    sleep 0.1
done
check "installed market started from market.conf: $(head -n1 "$work/market.out")" test -n "$listening"
check "the market's process is ROOT's market-manager (the wrapper execs it)" \
    test "$(readlink "/proc/$market_pid/exe" 2>/dev/null)" = "$(cd "$root/usr/bin" && pwd -P)/market-manager"
check "the market wrote its SQLite database into the configured data directory" test -f "$work/market-data/market.db"
kill -TERM "$market_pid" 2>/dev/null || true
market_rc=
for _ in $(seq 1 300); do
    if ! kill -0 "$market_pid" 2>/dev/null; then
        wait "$market_pid" && market_rc=0 || market_rc=$?
        break
    fi
    sleep 0.1
done
check "the market ended on SIGTERM with exit code 0 (got '${market_rc:-still running}')" test "$market_rc" = 0
[ -n "$market_rc" ] || kill -9 "$market_pid" 2>/dev/null || true
market_pid=

# The installed init script drives the same wrapper with start-stop-daemon: start, status,
# a second start (already running), stop. Its paths are pointed into ROOT and the work
# directory; it runs the market as root here (--chuid to another user needs root anyway).
if [ "$(id -u)" -eq 0 ] && command -v start-stop-daemon >/dev/null; then
    mkdir -p "$work/initd"
    init=$work/initd/lendable-market
    sed -e "s#^CONF=.*#CONF=$work/market-run.conf#" \
        -e "s#^RUN=.*#RUN=$root/usr/libexec/lendable/lendable-market-run#" \
        -e "s#^DAEMON=.*#DAEMON=$(cd "$root/usr/bin" && pwd -P)/market-manager#" \
        -e "s#^USER=.*#USER=root#" -e "s#^PIDFILE=.*#PIDFILE=$work/initd/market.pid#" \
        -e "s#^LOGDIR=.*#LOGDIR=$work/initd/log#" "$root/etc/init.d/lendable-market" >"$init"
    chmod +x "$init"
    check "init script: start" "$init" start
    started=
    for _ in $(seq 1 600); do # hang guard
        if grep -q 'listening on' "$work/initd/log/market.log" 2>/dev/null; then started=1; break; fi
        sleep 0.1
    done
    check "init script: the market logs to LOGDIR/market.log and listens" test -n "$started"
    check "init script: status says running" "$init" status
    check "init script: a second start leaves the running market alone" \
        bash -c 'pid=$(cat "$2"); "$1" start && test "$(cat "$2")" = "$pid"' _ "$init" "$work/initd/market.pid"
    check "init script: stop" "$init" stop
    check "init script: status says stopped (exit 3)" bash -c '"$1" status >/dev/null; test $? -eq 3' _ "$init"
    check "init script: the market said it stopped" grep -q 'stopped' "$work/initd/log/market.log"
else
    echo "skip  init script start/stop (needs root and start-stop-daemon)"
fi

# ───────────── purge ─────────────
if "${as_root[@]}" "${dpkg_root[@]}" --purge lendable-borrower lendable-lender lendable-market lendable-common \
    >"$work/dpkg-purge.log" 2>&1; then
    ok "dpkg --root --purge of the four packages"
else
    cat "$work/dpkg-purge.log"
    bad "dpkg --root --purge of the four packages"
fi
check "purge removed the programs" test ! -e "$root/usr/bin/market-manager"
check "purge removed the conffiles" test ! -e "$root/etc/lendable/market.conf" -a ! -e "$root/etc/init.d/lendable-lender"
check "purge kept the market's data directory (identity, billing database)" test -d "$root/var/lib/lendable/market"
check "nothing left in dpkg's database" test -z "$(dpkg-query --root="$root" -W -f='${Package}\n' 'lendable-*' 2>/dev/null)"

echo
if [ "$failures" -ne 0 ]; then
    echo "test-packages: $failures check(s) failed"
    exit 1
fi
echo "test-packages: all checks passed"
