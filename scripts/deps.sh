#!/usr/bin/env bash
# Installs every Debian package Lendable needs to build, test and run.
# Idempotent and non-interactive; `make deps` calls it.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: installing packages needs root (run 'sudo make deps')." >&2
    exit 1
fi

PACKAGES=(
    # toolchain
    build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev
    # libraries
    libssl-dev openssl libjemalloc-dev libsqlite3-dev
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools
    qt6-l10n-tools qt6-svg-dev libqt6sql6-sqlite libqt6sql6-psql libqt6svg6 libqt6opengl6-dev
    libgl-dev libvulkan-dev fonts-dejavu-core
    # translations: Qt's own (dialog buttons) and a CJK font so Japanese is not boxes
    qt6-translations-l10n fonts-noto-cjk
    # partitions: libvirt + QEMU, and what the OS image scripts need
    libvirt-dev libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils
    busybox-static kmod cpio debootstrap zstd xz-utils
    # databases
    sqlite3 postgresql postgresql-contrib libpq-dev
    # GUI tests and screenshots
    xvfb xauth
    # test_market_gui reads the exported PDF report back (pdftotext)
    poppler-utils
    # packaging
    dpkg-dev fakeroot file desktop-file-utils
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "deps.sh: all ${#PACKAGES[@]} packages are installed."
    exit 0
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# --force-confnew: libvirt-daemon-system ships conffiles that otherwise prompt.
apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confnew -o Dpkg::Options::=--force-confdef \
    "${missing[@]}"
echo "deps.sh: done."
