#!/usr/bin/env bash
# Builds Lendable's default OS image "busybox" into OUTDIR:
#   vmlinuz        Debian 12 generic kernel (linux-image-6.1.*-amd64), bzImage
#   vmlinux        the same kernel uncompressed (ELF, PVH entry): boots ~2.5 s faster
#                  under TCG; skipped with LENDABLE_NO_PVH=1
#   initramfs.img  gzip'd newc cpio: busybox-static userland, 9p modules, /init
#   image.json     name, files, sha256 of each, cmdline suggestion, kernel version
# The kernel .deb is fetched with `apt-get download` into $LENDABLE_CACHE/debs
# (default ~/.cache/lendable) once; later builds take a few seconds.
# The /init contract is documented in README.md beside this script.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
OUT=$1
need_tools apt-get apt-cache dpkg-deb modinfo cpio gzip xz sha256sum tar find
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lendable-busybox.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

fetch_kernel "$WORK"
ROOT="$WORK/root"
mkdir -p "$ROOT"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,job,lendable,usr/bin,usr/sbin}
install_busybox "$ROOT/lendable/bin"
# The image's own userland is the same busybox: /bin/<applet> -> busybox.
cp "$ROOT/lendable/bin/busybox" "$ROOT/bin/busybox"
for a in $("$ROOT/bin/busybox" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$ROOT/bin/$a"
done
install_modules "$ROOT"
install -m 0755 "$HERE/init.sh" "$ROOT/init"
cat >"$ROOT/lendable/image.conf" <<CONF
IMAGE_NAME=busybox
JOB_SHELL=/bin/sh
JOB_PATH=/bin
CONF
echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOT/etc/passwd"
echo 'root:x:0:' >"$ROOT/etc/group"
# The kernel opens /dev/console for init before devtmpfs is mounted.
mknod -m 600 "$ROOT/dev/console" c 5 1 2>/dev/null || note "mknod /dev/console failed (not root?): init reopens it after mounting devtmpfs"
mknod -m 666 "$ROOT/dev/null" c 1 3 2>/dev/null || true
chmod 1777 "$ROOT/tmp"

install_kernel "$OUT"
make_cpio "$ROOT" "$OUT/initramfs.img"
chmod 0644 "$OUT/initramfs.img"
write_image_json "$OUT" busybox "BusyBox shell on the Debian 12 kernel (jobs run under /bin/sh = busybox ash)" 128 /bin/sh
chmod 0644 "$OUT/image.json"
echo "build-busybox-image.sh: built busybox image ($KERNEL_VERSION, initramfs $(du -k "$OUT/initramfs.img" | cut -f1) KiB) in $OUT"
