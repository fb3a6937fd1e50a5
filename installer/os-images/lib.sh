# shellcheck shell=bash
# Shared helpers for the Lendable OS image builders (sourced, not run).
# Needs: apt-get, dpkg-deb, modinfo (kmod), cpio, gzip, sha256sum, busybox-static.

LENDABLE_CACHE=${LENDABLE_CACHE:-${HOME:-/root}/.cache/lendable}
# Modules the /init contract needs (virtio-9p share); dependencies are added and
# ordered automatically from the modules' own "depends" fields.
LENDABLE_MODULES=(virtio_pci 9pnet_virtio 9p)
LENDABLE_CMDLINE="console=ttyS0 quiet loglevel=0 panic=-1"

die() { echo "$(basename "$0"): error: $*" >&2; exit 1; }
note() { echo "$(basename "$0"): $*" >&2; }

need_tools() {
    local t missing=()
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    [ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]} (run scripts/deps.sh: kmod cpio busybox-static debootstrap)"
}

# Chooses the generic Debian 12 kernel package: $LENDABLE_KERNEL_PKG if set, else
# what the linux-image-amd64 meta-package depends on (must be linux-image-6.1.*-amd64).
kernel_pkg_name() {
    local p=${LENDABLE_KERNEL_PKG:-}
    if [ -z "$p" ]; then
        p=$(apt-cache depends linux-image-amd64 2>/dev/null |
            sed -n 's/^ *Depends: \(linux-image-6\.1\.[^ ]*-amd64\)$/\1/p' | head -n1)
    fi
    if [ -z "$p" ]; then
        # Fallback: the newest linux-image-6.1.0-N-amd64 apt knows.
        p=$(apt-cache pkgnames linux-image-6.1. 2>/dev/null |
            grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' | sort -t- -k4,4n | tail -n1)
    fi
    if [ -z "$p" ]; then
        # apt knows none (no package lists?): reuse the newest cached one.
        p=$(ls -1 "$LENDABLE_CACHE/debs" 2>/dev/null | sed -n 's/^\(linux-image-6\.1\.0-[0-9]*-amd64\)_.*\.deb$/\1/p' |
            sort -t- -k4,4n | tail -n1)
        [ -z "$p" ] || note "apt knows no kernel package; using cached $p"
    fi
    [ -n "$p" ] || die "no linux-image-6.1.*-amd64 package known to apt (run 'apt-get update')"
    case "$p" in
        *-cloud-amd64|*-rt-amd64) die "$p is not the generic kernel (the -cloud- kernel has no 9p modules)";;
        linux-image-6.1.*-amd64) ;;
        *) die "unexpected kernel package name '$p' (want linux-image-6.1.*-amd64)";;
    esac
    echo "$p"
}

# fetch_kernel DESTDIR: downloads (cached) and unpacks the kernel's vmlinuz and the
# modules we need. Sets KERNEL_PKG, KERNEL_DEB, KERNEL_VERSION, KERNEL_TREE.
fetch_kernel() {
    local dest=$1 debs="$LENDABLE_CACHE/debs"
    KERNEL_PKG=$(kernel_pkg_name)
    mkdir -p "$debs"
    KERNEL_DEB=$(ls -1 "$debs/${KERNEL_PKG}"_*_amd64.deb 2>/dev/null | sort -V | tail -n1 || true)
    if [ -z "$KERNEL_DEB" ]; then
        note "downloading $KERNEL_PKG into $debs"
        # apt-get download writes to the current directory; _apt cannot write to
        # root's home, which only causes a harmless warning.
        (cd "$debs" && apt-get download -q "$KERNEL_PKG" 2>&1 | grep -v 'unsandboxed' >&2) ||
            die "apt-get download $KERNEL_PKG failed (is the Debian mirror reachable? try 'apt-get update')"
        KERNEL_DEB=$(ls -1 "$debs/${KERNEL_PKG}"_*_amd64.deb 2>/dev/null | sort -V | tail -n1 || true)
        [ -n "$KERNEL_DEB" ] || die "apt-get download produced no .deb for $KERNEL_PKG"
    fi
    KERNEL_TREE="$dest/kernel-tree"
    rm -rf "$KERNEL_TREE"; mkdir -p "$KERNEL_TREE"
    # Only unpack vmlinuz and the module tree (skips firmware/docs): dpkg -x semantics.
    dpkg-deb --fsys-tarfile "$KERNEL_DEB" |
        tar -x -C "$KERNEL_TREE" --wildcards './boot/vmlinuz-*' './lib/modules/*' ||
        die "cannot unpack $KERNEL_DEB"
    KERNEL_VERSION=$(ls -1 "$KERNEL_TREE/lib/modules" | head -n1)
    [ -n "$KERNEL_VERSION" ] && [ -f "$KERNEL_TREE/boot/vmlinuz-$KERNEL_VERSION" ] ||
        die "$KERNEL_DEB has no vmlinuz/modules"
}

# extract_vmlinux BZIMAGE OUT: the uncompressed ELF kernel inside a bzImage (the
# kernel's own scripts/extract-vmlinux method; Debian's is XZ-compressed). QEMU
# boots it directly through its PVH entry (CONFIG_PVH=y), skipping the in-guest
# decompression that costs ~2.5 s under TCG. Returns 1 (and writes nothing) if
# no ELF kernel could be extracted.
extract_vmlinux() {
    local in=$1 out=$2 off
    for off in $(LC_ALL=C grep -aobUP '\xfd7zXZ\x00' "$in" | cut -d: -f1); do
        # (xz stops after one stream: tail then dies of SIGPIPE, which pipefail reports)
        if (set +o pipefail; tail -c +$((off + 1)) "$in" | xz -dc --single-stream >"$out.tmp" 2>/dev/null) &&
            [ "$(head -c4 "$out.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
            mv "$out.tmp" "$out"
            return 0
        fi
    done
    rm -f "$out.tmp"
    return 1
}

# install_modules ROOT [EXTRA_MODULE...]: copies LENDABLE_MODULES (+ extras) and their dependencies into
# ROOT/lib/modules/lendable/NAME.ko (decompressed: busybox insmod cannot load
# .ko.xz/.ko.zst) and writes ROOT/lib/modules/lendable/order (load order).
install_modules() {
    local root=$1 mdir="$KERNEL_TREE/lib/modules/$KERNEL_VERSION" out="$1/lib/modules/lendable"
    local -A seen=()
    local order=()
    mkdir -p "$out"
    _mod_path() { # name -> path (module names may use - or _ in file names)
        local n=$1 alt=${1//_/-}
        find "$mdir/kernel" \( -name "$n.ko" -o -name "$n.ko.xz" -o -name "$n.ko.zst" -o -name "$n.ko.gz" \
            -o -name "$alt.ko" -o -name "$alt.ko.xz" -o -name "$alt.ko.zst" -o -name "$alt.ko.gz" \) | head -n1
    }
    _visit() {
        local n=$1 p deps d
        [ -z "${seen[$n]:-}" ] || return 0
        seen[$n]=1
        if grep -qE "/${n//_/[-_]}\.ko$" "$mdir/modules.builtin" 2>/dev/null; then return 0; fi
        p=$(_mod_path "$n")
        [ -n "$p" ] || die "kernel module $n not found in $KERNEL_PKG"
        deps=$(modinfo -F depends "$p" 2>/dev/null || true)
        for d in ${deps//,/ }; do _visit "$d"; done
        case "$p" in
            *.ko.xz)  xz -dc "$p"   >"$out/$n.ko";;
            *.ko.zst) zstd -qdc "$p" >"$out/$n.ko";;
            *.ko.gz)  gzip -dc "$p" >"$out/$n.ko";;
            *)        cp "$p" "$out/$n.ko";;
        esac
        order+=("$n")
    }
    local m
    shift
    for m in "${LENDABLE_MODULES[@]}" "$@"; do _visit "$m"; done
    printf '%s\n' "${order[@]}" >"$out/order"
    note "modules: ${order[*]}"
}

# install_busybox DIR: busybox-static at DIR/busybox plus a symlink per applet.
install_busybox() {
    local dir=$1 bb a
    bb=/bin/busybox
    [ -x "$bb" ] || die "$bb not found (install busybox-static)"
    if ldd "$bb" >/dev/null 2>&1; then die "$bb is dynamically linked: install busybox-static"; fi
    mkdir -p "$dir"
    cp "$bb" "$dir/busybox"
    for a in $("$bb" --list); do
        [ "$a" = busybox ] || ln -sf busybox "$dir/$a"
    done
}

# make_cpio ROOT OUTFILE: reproducible gzip'd newc cpio of ROOT (sorted, fixed
# mtimes and owners).
make_cpio() {
    local root=$1 out=$2
    find "$root" -exec touch -h -d @0 {} +
    (cd "$root" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
        cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) |
        gzip -n -6 >"$out.tmp" || die "cpio/gzip failed"
    mv "$out.tmp" "$out"
}

# install_kernel OUTDIR: OUTDIR/vmlinuz (bzImage) and, unless LENDABLE_NO_PVH=1,
# OUTDIR/vmlinux (the same kernel uncompressed, for QEMU's PVH direct boot).
install_kernel() {
    local out=$1
    cp "$KERNEL_TREE/boot/vmlinuz-$KERNEL_VERSION" "$out/vmlinuz.tmp" && mv "$out/vmlinuz.tmp" "$out/vmlinuz"
    rm -f "$out/vmlinux"
    if [ "${LENDABLE_NO_PVH:-0}" != 1 ]; then
        extract_vmlinux "$out/vmlinuz" "$out/vmlinux" ||
            note "warning: could not extract an ELF vmlinux (PVH boot) from vmlinuz; only vmlinuz shipped"
    fi
    chmod 0644 "$out"/vmlinu[xz]* 2>/dev/null || true
}

# write_image_json OUTDIR NAME DESCRIPTION MIN_MEMORY_MIB JOB_SHELL
write_image_json() {
    local out=$1 name=$2 desc=$3 mem=$4 shell=$5 ks is
    local ps="" pvh_name="" pvh_sha="" pvh_size=""
    ks=$(sha256sum "$out/vmlinuz" | cut -d' ' -f1)
    is=$(sha256sum "$out/initramfs.img" | cut -d' ' -f1)
    if [ -f "$out/vmlinux" ]; then
        ps=$(sha256sum "$out/vmlinux" | cut -d' ' -f1)
        pvh_name='  "kernelPvh": "vmlinux",'
        pvh_sha=",
    \"vmlinux\": \"$ps\""
        pvh_size=",
    \"vmlinux\": $(stat -c %s "$out/vmlinux")"
    fi
    cat >"$out/image.json.tmp" <<JSON
{
  "formatVersion": 1,
  "name": "$name",
  "description": "$desc",
  "arch": "x86_64",
  "kernel": "vmlinuz",
$pvh_name
  "initrd": "initramfs.img",
  "sha256": {
    "vmlinuz": "$ks",
    "initramfs.img": "$is"$pvh_sha
  },
  "size": {
    "vmlinuz": $(stat -c %s "$out/vmlinuz"),
    "initramfs.img": $(stat -c %s "$out/initramfs.img")$pvh_size
  },
  "cmdline": "$LENDABLE_CMDLINE",
  "kernelVersion": "$KERNEL_VERSION",
  "kernelPackage": "$(basename "$KERNEL_DEB")",
  "jobShell": "$shell",
  "minMemoryMiB": $mem,
  "share": {"tag": "lendable", "mountPoint": "/job", "fsdriver": "virtio-9p", "version": "9p2000.L"},
  "initContract": 1
}
JSON
    sed -i '/^$/d' "$out/image.json.tmp"
    mv "$out/image.json.tmp" "$out/image.json"
}
