#!/bin/sh
# airlock guest init (PID 1 inside the microVM), run by busybox sh.
#
# Marks the boot timer, mounts the pseudo file systems, loads the virtio modules listed in
# /etc/airlock/modules, configures eth0 from the kernel command line (airlock.ip=ADDR/PREFIX
# airlock.gw=GATEWAY airlock.dns=SERVER: airlock's netstack answers both), then hands hvc0 to
# the exec agent. When the agent returns (the command ended and its exit status was sent),
# the VM resets: reboot=k makes the kernel pulse the i8042 reset line, which stops the VM.
#
# Test hooks (never set inside a VM): AIRLOCK_DRY_RUN=1 prints the commands instead of running
# them, AIRLOCK_ROOT prefixes the files init reads and writes, AIRLOCK_CMDLINE replaces
# /proc/cmdline.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
ROOT=${AIRLOCK_ROOT:-}
CMDLINE=${AIRLOCK_CMDLINE:-/proc/cmdline}

run() {
    if [ -n "$AIRLOCK_DRY_RUN" ]; then
        echo "+ $*"
    else
        "$@"
    fi
}

say() {
    echo "airlock-init: $*"
}

# Waits up to 10 s for a device file or directory to appear (module probes can lag insmod).
await() {
    n=0
    while [ ! -e "$ROOT$1" ] && [ -z "$AIRLOCK_DRY_RUN" ]; do
        n=$((n + 1))
        if [ "$n" -gt 100 ]; then
            say "$1 did not appear"
            return 1
        fi
        sleep 0.1
    done
    return 0
}

run /bin/airlock-agent --boot-mark
say "started"

run mount -t proc proc /proc
run mount -t sysfs sysfs /sys
run mount -t devtmpfs devtmpfs /dev

while read -r module; do
    [ -n "$module" ] || continue
    run insmod "/lib/modules/$module.ko" || say "insmod $module failed"
done < "$ROOT/etc/airlock/modules"

ip_cidr=
gateway=
dns=
for arg in $(cat "$CMDLINE"); do
    case "$arg" in
        airlock.ip=*) ip_cidr=${arg#airlock.ip=} ;;
        airlock.gw=*) gateway=${arg#airlock.gw=} ;;
        airlock.dns=*) dns=${arg#airlock.dns=} ;;
    esac
done

run hostname airlock
run ip link set lo up
if [ -n "$ip_cidr" ] && await /sys/class/net/eth0; then
    run ip link set eth0 up
    run ip addr add "$ip_cidr" dev eth0
    [ -n "$gateway" ] && run ip route add default via "$gateway"
fi
if [ -n "$dns" ]; then
    echo "nameserver $dns" > "$ROOT/etc/resolv.conf"
fi

if await /dev/hvc0; then
    say "exec agent on hvc0"
    run /bin/airlock-agent /dev/hvc0 || say "exec agent failed"
else
    say "no exec channel (virtio-console missing)"
fi
run sync
run reboot -f
