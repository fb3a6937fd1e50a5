#!/usr/bin/env bash
# Makes libvirt's system daemon answer on qemu:///system without systemd.
# Idempotent: if `virsh -c qemu:///system list` already works it does nothing.
# Starts virtlogd and libvirtd as daemons (-d) when they are not running.
# Needs root. Prints one line saying what it did.
set -euo pipefail

URI=qemu:///system
WAIT_S=${LIBVIRT_UP_WAIT:-15}

die() { echo "libvirt-up.sh: error: $*" >&2; exit 1; }

answers() { timeout 10 virsh -c "$URI" list >/dev/null 2>&1; }

did=()

# Without udev, /dev/kvm stays root:root 0600. libvirt checks /dev/kvm access *as
# libvirt-qemu*; when that disagrees with what its (root) capability probe saw, it
# throws its QEMU capability cache away and re-probes QEMU on every domain start
# (~50-100 s per `virsh create`). Apply what Debian's udev rule would: root:kvm 0660.
fix_kvm_node() {
    [ -c /dev/kvm ] || return 0
    [ "$(id -u)" -eq 0 ] || return 0
    getent group kvm >/dev/null || return 0
    if [ "$(stat -c '%G %a' /dev/kvm)" != "kvm 660" ]; then
        chgrp kvm /dev/kvm && chmod 0660 /dev/kvm && did+=("set /dev/kvm root:kvm 0660")
    fi
}

if answers; then
    fix_kvm_node
    echo "libvirt-up.sh: libvirtd already answers on $URI (${did[*]:-nothing done})."
    exit 0
fi

[ "$(id -u)" -eq 0 ] || die "libvirtd is not answering on $URI and starting it needs root."
for b in virsh libvirtd virtlogd; do
    command -v "$b" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
    command -v "$b" >/dev/null 2>&1 || die "'$b' not found: install libvirt-daemon-system and libvirt-clients (scripts/deps.sh)."
done

# The QEMU driver runs guests as libvirt-qemu:kvm (Debian's qemu.conf defaults);
# libvirt-daemon-system's postinst creates them, but make sure.
if ! getent group kvm >/dev/null; then groupadd --system kvm; did+=("created group kvm"); fi
if ! getent passwd libvirt-qemu >/dev/null; then
    useradd --system --no-create-home --home-dir /var/lib/libvirt \
        --shell /usr/sbin/nologin --gid kvm --comment "Libvirt Qemu" libvirt-qemu
    did+=("created user libvirt-qemu")
fi

fix_kvm_node
mkdir -p /var/log/libvirt/qemu /run/libvirt /var/lib/libvirt/qemu /var/cache/libvirt

# pidfile-based liveness check (no pgrep -f on broad names).
alive() { # $1 = pidfile
    [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

if ! alive /run/virtlogd.pid; then
    rm -f /run/virtlogd.pid
    virtlogd -d
    did+=("started virtlogd")
fi
if ! alive /run/libvirtd.pid; then
    rm -f /run/libvirtd.pid
    libvirtd -d
    did+=("started libvirtd")
fi

deadline=$(( $(date +%s) + WAIT_S ))
until answers; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
        die "libvirtd did not answer on $URI within ${WAIT_S}s (${did[*]:-nothing started}); see /var/log/libvirt/ and run 'libvirtd' in the foreground to see why."
    fi
    sleep 0.3
done

msg=$(IFS=,; echo "${did[*]:-nothing started}")
echo "libvirt-up.sh: ${msg//,/, }; $URI answers."
