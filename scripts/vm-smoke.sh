#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034  # the checks at the end are eval'd strings
# Proof harness for Lendable OS images: boots IMAGE_DIR (vmlinuz, initramfs.img,
# image.json) as a transient libvirt domain running a small job over the virtio-9p
# share, and checks the /init contract (installer/os-images/README.md):
# console output, out/ files, exit_code.
#
# usage: vm-smoke.sh IMAGE_DIR [--kvm] [--uri URI] [--memory MIB] [--timeout S]
#                    [--seclabel qemu|root] [--kernel auto|bzimage|pvh] [--keep]
#   --kvm        <domain type='kvm'> (default: type='qemu', TCG)
#   --uri        libvirt URI (default qemu:///system; qemu:///embed?root=DIR works too)
#   --memory     guest memory in MiB (default: max(256, image.json minMemoryMiB))
#   --timeout    seconds to wait for the domain to end (default 120)
#   --seclabel   qemu: QEMU runs as libvirt-qemu (default; the share is chowned to it)
#                root: per-domain <seclabel type='static' model='dac'> running QEMU as root
#   --kernel     auto (default): image.json "kernelPvh" (vmlinux) when present, else
#                "kernel" (vmlinuz); bzimage/pvh force one
#   --keep       keep the temp dir (job share, dom.xml, console.log)
# Exit 0 when every check passes; prints timings.
set -euo pipefail

die() { echo "vm-smoke.sh: error: $*" >&2; exit 1; }
usage() { sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

IMAGE_DIR=""; KVM=0; URI=qemu:///system; MEM=""; TIMEOUT=120; SECLABEL=qemu; KEEP=0; KSEL=auto
while [ $# -gt 0 ]; do
    case "$1" in
        --kvm) KVM=1;;
        --uri) URI=${2:?}; shift;;
        --memory) MEM=${2:?}; shift;;
        --timeout) TIMEOUT=${2:?}; shift;;
        --seclabel) SECLABEL=${2:?}; shift;;
        --kernel) KSEL=${2:?}; shift;;
        --keep) KEEP=1;;
        -h|--help) usage;;
        -*) die "unknown option $1";;
        *) [ -z "$IMAGE_DIR" ] || die "one IMAGE_DIR only"; IMAGE_DIR=$1;;
    esac
    shift
done
[ -n "$IMAGE_DIR" ] || usage
IMAGE_DIR=$(cd "$IMAGE_DIR" && pwd) || die "no such image dir"
[ -f "$IMAGE_DIR/image.json" ] || die "$IMAGE_DIR/image.json missing (build the image with installer/os-images/build-*-image.sh)"
json_str() { sed -n "s/^ *\"$1\": *\"\\(.*\\)\",\\{0,1\\}$/\\1/p" "$IMAGE_DIR/image.json" | head -n1; }
json_num() { sed -n "s/^ *\"$1\": *\\([0-9]*\\),\\{0,1\\}$/\\1/p" "$IMAGE_DIR/image.json" | head -n1; }
KERNEL=$(json_str kernel); KERNEL_PVH=$(json_str kernelPvh); INITRD=$(json_str initrd)
case "$KSEL" in
    auto) [ -n "$KERNEL_PVH" ] && KERNEL=$KERNEL_PVH;;
    pvh) [ -n "$KERNEL_PVH" ] || die "image has no kernelPvh"; KERNEL=$KERNEL_PVH;;
    bzimage) ;;
    *) die "--kernel must be auto, bzimage or pvh";;
esac
{ [ -f "$IMAGE_DIR/$KERNEL" ] && [ -f "$IMAGE_DIR/$INITRD" ]; } || die "image.json names missing files ($KERNEL, $INITRD)"
CMDLINE=$(json_str cmdline); IMAGE_NAME=$(json_str name); MINMEM=$(json_num minMemoryMiB)
[ -n "$CMDLINE" ] || die "image.json has no cmdline"
if [ -z "$MEM" ]; then MEM=256; [ -n "$MINMEM" ] && [ "$MINMEM" -gt "$MEM" ] && MEM=$MINMEM; fi
case "$SECLABEL" in qemu|root) ;; *) die "--seclabel must be qemu or root";; esac
if [ $KVM -eq 1 ]; then DOMTYPE=kvm; else DOMTYPE=qemu; fi

# QEMU runs as libvirt-qemu unless --seclabel root: libvirt chowns the kernel/initrd
# files for the run, but every directory above them must be searchable by that user.
if [ "$SECLABEL" = qemu ] && ! runuser -u libvirt-qemu -- test -r "$IMAGE_DIR/image.json" 2>/dev/null; then
    die "libvirt-qemu cannot reach $IMAGE_DIR (a parent directory is not o+x, e.g. /root): move the image under /var/lib or /var/tmp, or use --seclabel root"
fi

case "$URI" in
    qemu:///embed*) EMBED=1;;
    *) EMBED=0
       timeout 10 virsh -c "$URI" version >/dev/null 2>&1 ||
           die "libvirt does not answer on $URI (run scripts/libvirt-up.sh)";;
esac

ms() { date +%s%3N; }
NAME="lendable-smoke-$$-$(date +%s)"
TMP=$(mktemp -d /var/tmp/lendable-smoke.XXXXXX)
VPID=""
cleanup() {
    if [ -n "$VPID" ]; then kill "$VPID" 2>/dev/null || true; fi  # embedded: ends its domain
    if [ $EMBED -eq 0 ]; then virsh -c "$URI" destroy "$NAME" >/dev/null 2>&1 || true; fi
    if [ $KEEP -eq 1 ]; then echo "vm-smoke.sh: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# --- the job share -----------------------------------------------------------
SHARE="$TMP/share"
mkdir -p "$SHARE/in" "$SHARE/out"
echo "input one" >"$SHARE/in/a.txt"
echo "input two" >"$SHARE/in/b.txt"
cat >"$SHARE/job.sh" <<'JOB'
echo "hello from job"
echo "cwd=$(pwd) bash=${BASH_VERSION:-none} debian=$(cat /etc/debian_version 2>/dev/null || echo none)"
ls /job/in
cat /job/in/a.txt
echo "result written by the job" > /job/out/result.txt
echo "to stderr" >&2
exit 3
JOB
# The temp dir must be traversable by QEMU's user; the share writable by it.
chmod 0755 "$TMP"
if [ "$SECLABEL" = qemu ]; then
    chown -R libvirt-qemu:kvm "$SHARE"
fi
CONSOLE="$TMP/console.log"

# --- the domain ---------------------------------------------------------------
if [ "$SECLABEL" = root ]; then
    SECXML="<seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>"
else
    SECXML=""
fi
HARD_KIB=$(( (MEM + 512) * 1024 ))   # guest RAM + QEMU/TCG overhead
make_xml() { # $1 = 1: with <memtune>, 0: without
    local memtune=""
    [ "$1" = 1 ] && memtune="<memtune><hard_limit unit='KiB'>$HARD_KIB</hard_limit></memtune>"
    cat >"$TMP/dom.xml" <<XML
<domain type='$DOMTYPE'>
  <name>$NAME</name>
  <memory unit='MiB'>$MEM</memory>
  <currentMemory unit='MiB'>$MEM</currentMemory>
  $memtune
  <vcpu placement='static'>1</vcpu>
  <cputune><shares>1024</shares></cputune>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$IMAGE_DIR/$KERNEL</kernel>
    <initrd>$IMAGE_DIR/$INITRD</initrd>
    <cmdline>$CMDLINE</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <filesystem type='mount' accessmode='mapped'>
      <source dir='$SHARE'/>
      <target dir='lendable'/>
    </filesystem>
    <serial type='file'>
      <source path='$CONSOLE' append='off'/>
      <target port='0'/>
    </serial>
    <console type='file'>
      <source path='$CONSOLE' append='off'/>
      <target type='serial' port='0'/>
    </console>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
  $SECXML
</domain>
XML
}
make_xml 1

echo "vm-smoke.sh: image $IMAGE_NAME (kernel $KERNEL), domain type=$DOMTYPE, $MEM MiB, uri $URI, seclabel $SECLABEL"
# libvirt sets RLIMIT_MEMLOCK of QEMU to <hard_limit>; without CAP_SYS_RESOURCE (as in
# containers) that fails ("cannot limit locked memory"). Fallback: start without
# <memtune> and set the same hard limit live (cgroup only, no rlimit involved).
LIVE_MEMTUNE=0
if ! prlimit --memlock=$((HARD_KIB * 1024)):$((HARD_KIB * 1024)) true 2>/dev/null; then
    LIVE_MEMTUNE=1
fi
T0=$(ms); T_OUT=""; T_END=""; STATUS=""
if [ $EMBED -eq 1 ]; then
    [ $LIVE_MEMTUNE -eq 1 ] && make_xml 0
    LIVE=""
    [ $LIVE_MEMTUNE -eq 1 ] && LIVE="memtune $NAME --hard-limit $HARD_KIB --live;"
    # The embedded driver lives inside the process that opened it: the domain dies
    # with that process, so create and wait in one virsh. The first lifecycle event
    # is "Shutdown Finished"; wait for the next ("Stopped") too, else virsh exits
    # before libvirt has restored the image files' owner (left libvirt-qemu).
    virsh -c "$URI" "create $TMP/dom.xml; $LIVE event --domain $NAME --event lifecycle --timeout $TIMEOUT; event --domain $NAME --event lifecycle --timeout 5" \
        >"$TMP/virsh.log" 2>&1 &
    VPID=$!
    alive() { kill -0 $VPID 2>/dev/null; }
else
    [ $LIVE_MEMTUNE -eq 1 ] && make_xml 0
    if ! virsh -c "$URI" create "$TMP/dom.xml" >"$TMP/virsh.log" 2>&1; then
        grep -q 'cannot limit locked memory' "$TMP/virsh.log" ||
            die "virsh create failed: $(cat "$TMP/virsh.log")"
        LIVE_MEMTUNE=1
        make_xml 0
        virsh -c "$URI" create "$TMP/dom.xml" >"$TMP/virsh.log" 2>&1 ||
            die "virsh create failed: $(cat "$TMP/virsh.log")"
    fi
    if [ $LIVE_MEMTUNE -eq 1 ]; then
        virsh -c "$URI" memtune "$NAME" --hard-limit "$HARD_KIB" --live >/dev/null 2>>"$TMP/virsh.log" ||
            echo "vm-smoke.sh: warning: live memtune failed: $(tail -n1 "$TMP/virsh.log")"
    fi
    alive() { # a transient domain disappears when it ends
        local st
        st=$(virsh -c "$URI" domstate "$NAME" 2>/dev/null) || return 1
        case "$st" in *"shut off"*|*crashed*) return 1;; esac
    }
fi
[ $LIVE_MEMTUNE -eq 0 ] || echo "vm-smoke.sh: note: no CAP_SYS_RESOURCE: <hard_limit> set live after start instead of in the XML"
T_CREATED=$(ms)
while :; do
    now=$(ms)
    if [ -z "$T_OUT" ] && [ -f "$CONSOLE" ] && grep -q 'hello from job' "$CONSOLE" 2>/dev/null; then T_OUT=$now; fi
    if ! alive; then T_END=$now; break; fi
    if [ $((now - T0)) -gt $((TIMEOUT * 1000)) ]; then STATUS=timeout; break; fi
    sleep 0.05
done
if [ $EMBED -eq 1 ]; then wait $VPID || true; fi

echo "---- console.log ----"
[ -f "$CONSOLE" ] && tr -d '\r' <"$CONSOLE" | sed 's/^/| /' || echo "(no console.log)"
echo "---------------------"

fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
check "domain ended before ${TIMEOUT}s" '[ "$STATUS" != timeout ]'
check "console has job output" 'grep -q "hello from job" "$CONSOLE" 2>/dev/null'
check "console has LENDABLE-JOB-START" 'grep -q "^LENDABLE-JOB-START" "$CONSOLE" 2>/dev/null'
check "console has LENDABLE-JOB-EXIT 3" 'grep -q "^LENDABLE-JOB-EXIT 3" "$CONSOLE" 2>/dev/null'
check "job listed in/a.txt and in/b.txt" 'grep -q "a.txt" "$CONSOLE" && grep -q "b.txt" "$CONSOLE"'
check "out/result.txt written" '[ -f "$SHARE/out/result.txt" ]'
check "exit_code is 3" '[ "$(cat "$SHARE/exit_code" 2>/dev/null)" = 3 ]'
if [ $fails -ne 0 ]; then
    echo "virsh: $(cat "$TMP/virsh.log" 2>/dev/null)"
    [ $EMBED -eq 1 ] || tail -n 5 "/var/log/libvirt/qemu/$NAME.log" 2>/dev/null || true
fi
dt() { if [ -n "$1" ]; then echo "$(($1 - T0)) ms"; else echo never; fi; }
echo "timings: create->first job output $(dt "$T_OUT"), create->end $(dt "$T_END") (virsh create returned after $(dt "$T_CREATED"))"
if [ $fails -eq 0 ]; then echo "vm-smoke.sh: PASS ($IMAGE_NAME, $DOMTYPE)"; else echo "vm-smoke.sh: FAIL ($fails checks)"; exit 1; fi
