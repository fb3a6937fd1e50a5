#!/lendable/bin/sh
# Lendable guest /init (PID 1) — shared by every Lendable OS image.
# The contract it implements is documented in installer/os-images/README.md;
# the lender agent depends on it: keep both in step.
#
# Tools come from /lendable/bin (busybox-static applets) so this script behaves the
# same in every image; the job itself runs with the image's own userland.

export PATH=/lendable/bin
JOB_SHELL=/bin/sh
JOB_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
IMAGE_NAME=unknown
[ -r /lendable/image.conf ] && . /lendable/image.conf

mkdir -p /proc /sys /dev /tmp /run /job
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs /dev/shm 2>/dev/null
chmod 1777 /tmp

# Everything below goes to the console (ttyS0 with console=ttyS0). Keep the
# kernel quiet and do not turn \n into \r\n, so console.log is plain text.
exec </dev/null >/dev/console 2>&1
echo 1 >/proc/sys/kernel/printk 2>/dev/null
stty -F /dev/console -onlcr 2>/dev/null

say() { echo "LENDABLE-$*"; }

halt_now() {
    sync
    umount /job 2>/dev/null || umount -l /job 2>/dev/null
    poweroff -f
    # poweroff -f only returns if the machine could not power off (no ACPI):
    # never let PID 1 exit (that would panic the kernel).
    while :; do sleep 3600; done
}

fail() {
    say "INIT-ERROR $*"
    halt_now
}

# Modules needed for the virtio-9p share, in dependency order.
if [ -r /lib/modules/lendable/order ]; then
    while read -r m; do
        [ -n "$m" ] || continue
        insmod "/lib/modules/lendable/$m.ko" 2>/tmp/insmod.err ||
            grep -q 'File exists' /tmp/insmod.err ||
            fail "cannot load kernel module $m: $(cat /tmp/insmod.err)"
    done </lib/modules/lendable/order
fi

hostname lendable 2>/dev/null

# The job share: virtio-9p, mount tag "lendable".
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 lendable /job 2>/tmp/mount.err ||
    fail "no job share: cannot mount virtio-9p tag 'lendable' at /job: $(cat /tmp/mount.err)"
[ -f /job/job.sh ] || fail "no job: /job/job.sh is missing from the share"
mkdir -p /job/out || fail "cannot create /job/out on the share (is it writable by QEMU?)"
rm -f /job/exit_code /job/exit_code.tmp

say "JOB-START image=$IMAGE_NAME"
(
    cd /job/out || exit 126
    export PATH="$JOB_PATH" HOME=/root TMPDIR=/tmp TERM=dumb LANG=C.UTF-8 \
        LENDABLE_JOB_DIR=/job LENDABLE_IN=/job/in LENDABLE_OUT=/job/out
    exec "$JOB_SHELL" /job/job.sh
)
rc=$?
# Anything the job left running is killed (kill -1 spares PID 1).
kill -KILL -1 2>/dev/null
sync
echo "$rc" >/job/exit_code.tmp && sync && mv /job/exit_code.tmp /job/exit_code && sync ||
    say "INIT-ERROR cannot write /job/exit_code"
say "JOB-EXIT $rc"
halt_now
