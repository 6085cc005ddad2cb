#!/usr/bin/env bash
# Boot benchmark: airlock's microVM monitor against QEMU's microvm machine, same kernel and
# initramfs (the image `airlock image build` makes), in one run on one host.
#
#   test/bench/boot/run.sh            # defaults: TIMEOUT=60 s per boot, VMS=4, SETTLE=10 s
#
# Prints a Markdown section for docs/benchmarks.md:
#   - the host's KVM kind and measured guest speed,
#   - boot-to-init: airlock from vCPU start to /init's write to the boot-timer port, QEMU from
#     process start to /init's "airlock-init: started" line on the serial console,
#   - `airlock run --isolation microvm -- true` wall time,
#   - resident memory each additional VM adds to one JVM (VMs started, run SETTLE seconds), and how
#     much of it is the VM's own guest RAM (pages the guest touched) rather than monitor overhead.
# A boot that does not reach init within TIMEOUT is reported as such, not retried.
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
airlock="$root/bin/airlock"
timeout_s=${TIMEOUT:-60}
vms=${VMS:-4}
settle=${SETTLE:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$airlock" image build >/dev/null 2>"$work/image.log" || { cat "$work/image.log" >&2; exit 1; }
image=$(readlink -f "${XDG_CACHE_HOME:-$HOME/.cache}/airlock/images/current")
cmdline="console=ttyS0 reboot=k panic=-1 quiet pci=off i8042.noaux i8042.nomux i8042.dumbkbd no_timer_check"

echo "## microVM boot (test/bench/boot/run.sh)" 
echo
echo "Run on $(date -u +%Y-%m-%d), $(nproc) CPUs, $(uname -r), image $(basename "$image")."
echo

# 1. airlock: KVM kind, boot-to-init, memory per VM.
"$airlock" bench-boot --image "$image" --timeout "$timeout_s" --vms "$vms" --settle "$settle" >"$work/bench.txt"
get() { grep "^$1=" "$work/bench.txt" | head -1 | cut -d= -f2-; }
echo "- Host: $(get kvm)"
echo "- Image: $(get image)"
echo

# 2. airlock run -- true, end to end (gateway, netstack, VM, exec channel, teardown).
state="$work/state"
start=$(date +%s.%N)
set +e
"$airlock" run --isolation microvm --boot-timeout "$timeout_s" --state-dir "$state" --audit "$state/audit.jsonl" \
    --ca-dir "$state/ca" -- true >"$work/run.out" 2>"$work/run.err"
run_rc=$?
set -e
end=$(date +%s.%N)
run_s=$(awk "BEGIN{printf \"%.2f\", $end - $start}")
if [ "$run_rc" -eq 0 ]; then run_result="${run_s} s"; else run_result="failed after ${run_s} s (exit $run_rc: $(tail -1 "$work/run.err"))"; fi

# 3. QEMU microvm with the same kernel and initramfs (installed when missing).
if ! command -v qemu-system-x86_64 >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-system-x86 >"$work/apt.log" 2>&1 || true
fi
# Boots QEMU with CPU model $1; sets qemu_result.
qemu_boot() {
    local cpu=$1 start qpid deadline
    rm -f "$work/qemu.serial" "$work/qemu.init" "$work/qemu.err"
    start=$(date +%s.%N)
    qemu-system-x86_64 -M microvm,acpi=on -enable-kvm -cpu "$cpu" -m 256M -smp 1 -nodefaults -no-user-config \
        -display none -no-reboot -serial "file:$work/qemu.serial" -kernel "$image/vmlinuz" \
        -initrd "$image/initramfs.cpio.gz" -append "$cmdline" >/dev/null 2>"$work/qemu.err" &
    qpid=$!
    deadline=$(( $(date +%s) + timeout_s ))
    while kill -0 "$qpid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do
        if grep -q "airlock-init: started" "$work/qemu.serial" 2>/dev/null; then
            date +%s.%N >"$work/qemu.init"
            break
        fi
        sleep 0.05
    done
    kill "$qpid" 2>/dev/null || true
    wait "$qpid" 2>/dev/null || true
    if [ -s "$work/qemu.init" ]; then
        qemu_result="$(awk "BEGIN{printf \"%.2f\", $(cat "$work/qemu.init") - $start}") s (-cpu $cpu, $qemu_version)"
    elif grep -q "error" "$work/qemu.err" 2>/dev/null; then
        qemu_result="did not start with -cpu $cpu: $(grep -m1 error "$work/qemu.err")"
    else
        qemu_result="not reached within ${timeout_s} s (-cpu $cpu, $qemu_version; serial: $(tr -s '\r\n' ' ' <"$work/qemu.serial" 2>/dev/null | head -c 120))"
    fi
}

qemu_result="qemu-system-x86_64 not available"
if command -v qemu-system-x86_64 >/dev/null; then
    qemu_version=$(qemu-system-x86_64 --version | head -1)
    qemu_boot host
    # Software-assisted KVM (PVM) refuses some of -cpu host's MSRs; fall back to a plain model.
    case "$qemu_result" in "did not start"*) qemu_boot qemu64 ;; esac
fi

echo "| measure | airlock | QEMU microvm |"
echo "|---|---|---|"
boot=$(get boot_to_init_ms)
case "$boot" in none*) boot_cell="$boot" ;; *) boot_cell="${boot} ms" ;; esac
echo "| boot to /init | $boot_cell | $qemu_result |"
echo "| \`run -- true\` wall time | $run_result | — |"
echo "| resident memory per additional VM ($(get vms) VMs, ${settle} s running) | $(get rss_per_vm_kib) KiB | — |"
echo "| … of it the VM's own guest RAM (touched pages) | $(get guest_ram_per_vm_kib) KiB | — |"
echo "| … beyond guest RAM | $(get beyond_guest_ram_per_vm_kib) KiB | — |"
echo
echo "Command: \`TIMEOUT=$timeout_s VMS=$vms SETTLE=$settle test/bench/boot/run.sh\`"
