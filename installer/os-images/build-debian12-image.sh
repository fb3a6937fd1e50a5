#!/usr/bin/env bash
# Builds the OS image "debian-12" into OUTDIR: a debootstrap --variant=minbase root of
# Debian bookworm, stripped of docs/man pages/locales/apt lists, packed as the
# initramfs (the whole root lives in guest RAM: no disk image needed), booted by the
# same Debian 12 kernel and the same /init as the busybox image; jobs run under
# /bin/bash of that Debian.
#   vmlinuz, vmlinux (PVH), initramfs.img, image.json — see README.md beside this.
# Environment:
#   LENDABLE_CACHE          cache dir (default ~/.cache/lendable): kernel .deb and
#                           debootstrap's .debs (a rebuild downloads nothing)
#   LENDABLE_DEBIAN_MIRROR  Debian mirror (default: the one apt uses, else deb.debian.org)
#   LENDABLE_DEBIAN_INCLUDE extra packages, comma-separated (e.g. python3-minimal)
# Needs root (debootstrap). Takes a few minutes the first time.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
OUT=$1
[ "$(id -u)" -eq 0 ] || die "debootstrap needs root"
need_tools apt-get apt-cache dpkg-deb modinfo cpio gzip sha256sum tar find debootstrap xz chroot
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

mirror=${LENDABLE_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
    mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
        sed -n 's|^URIs: *\(https\{0,1\}://[^ ]*/debian\)/\{0,1\}$|\1|p' | head -n1)
    [ -n "$mirror" ] || mirror=$(sed -n 's|^deb \(https\{0,1\}://[^ ]*/debian\)/\{0,1\} bookworm .*|\1|p' \
        /etc/apt/sources.list 2>/dev/null | head -n1)
    [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
fi

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/lendable-debian12.XXXXXX")
cleanup() {
    # never leave proc/sys/dev mounted inside the work tree
    local m
    for m in proc sys dev/pts dev; do umount "$WORK/root/$m" 2>/dev/null || true; done
    rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

fetch_kernel "$WORK"

ROOT="$WORK/root"
DEBS="$LENDABLE_CACHE/debootstrap-bookworm"
mkdir -p "$DEBS"
note "debootstrap bookworm (minbase) from $mirror (package cache $DEBS)"
include=${LENDABLE_DEBIAN_INCLUDE:-}
debootstrap --variant=minbase --arch=amd64 --cache-dir="$DEBS" \
    ${include:+--include="$include"} bookworm "$ROOT" "$mirror" >"$WORK/debootstrap.log" 2>&1 || {
    tail -n 20 "$WORK/debootstrap.log" >&2
    die "debootstrap failed (log above)"
}

# Slim it down: what a batch job never needs.
rm -rf "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* \
    "$ROOT"/usr/share/lintian "$ROOT"/usr/share/linda "$ROOT"/usr/share/bug \
    "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb \
    "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/log/* "$ROOT"/var/cache/debconf/*-old \
    "$ROOT"/var/lib/dpkg/*-old "$ROOT"/tmp/* "$ROOT"/root/.bash_history
find "$ROOT/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
# Keep later `apt-get install` inside a job from bringing the docs back.
mkdir -p "$ROOT/etc/dpkg/dpkg.cfg.d"
cat >"$ROOT/etc/dpkg/dpkg.cfg.d/01-lendable-nodoc" <<'CFG'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
CFG
# Deterministic-ish: no machine id, fixed hostname.
: >"$ROOT/etc/machine-id"
echo lendable >"$ROOT/etc/hostname"
# The initramfs root needs no fstab; the kernel opens /dev/console before devtmpfs.
rm -rf "${ROOT:?}/dev"/*
mknod -m 600 "$ROOT/dev/console" c 5 1
mknod -m 666 "$ROOT/dev/null" c 1 3
mkdir -p "$ROOT/job" "$ROOT/lendable"

install_busybox "$ROOT/lendable/bin"
install_modules "$ROOT"
install -m 0755 "$HERE/init.sh" "$ROOT/init"
cat >"$ROOT/lendable/image.conf" <<CONF
IMAGE_NAME=debian-12
JOB_SHELL=/bin/bash
JOB_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CONF

size_kib=$(du -sk --apparent-size "$ROOT" | cut -f1)
note "root is $((size_kib / 1024)) MiB uncompressed"
install_kernel "$OUT"
make_cpio "$ROOT" "$OUT/initramfs.img"
chmod 0644 "$OUT/initramfs.img"
# RAM: the unpacked root + the compressed image while it unpacks + kernel + job.
minmem=$(( (size_kib / 1024) + ($(stat -c %s "$OUT/initramfs.img") >> 20) + 160 ))
minmem=$(( (minmem + 63) / 64 * 64 ))
write_image_json "$OUT" debian-12 "Debian 12 (bookworm) minbase; jobs run under /bin/bash" "$minmem" /bin/bash
chmod 0644 "$OUT/image.json"
echo "build-debian12-image.sh: built debian-12 image ($KERNEL_VERSION, root $((size_kib / 1024)) MiB, initramfs $(( $(stat -c %s "$OUT/initramfs.img") >> 20 )) MiB, minMemoryMiB $minmem) in $OUT"
