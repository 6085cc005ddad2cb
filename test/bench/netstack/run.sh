#!/usr/bin/env bash
# Sandbox network throughput: iperf3 from a network namespace to an iperf3 server on the
# "host's" loopback, through airlock's userspace stack, pasta and slirp4netns, in one run, both
# directions. Prints Gbps per path and the ratios airlock/pasta and airlock/slirp4netns.
#
# Everything runs inside a private "host" namespace (airlock-bench-<pid>) that has only a
# loopback and an unread TAP device: the iperf3 server listens on its 127.0.0.1, and nothing any
# path does can reach an address outside this machine. Needs root, /dev/net/tun and ip.
#
# Usage: test/bench/netstack/run.sh [SECONDS_PER_TEST (default 8)] [REPEATS (default 3)]
#   env: PATHS="airlock pasta slirp4netns" (subset to run), DIRS="up down", PORT=5201, JAVA_OPTS for airlock (passed as JDK_JAVA_OPTIONS),
#        BASELINE=DIR (a copy of cli/target/airlock-cli.jar and cli/target/lib: adds the path
#        "baseline", airlock from that build, measured interleaved with the current one)
set -euo pipefail

secs=${1:-8}
repeats=${2:-3}
paths=${PATHS:-airlock pasta slirp4netns}
dirs=${DIRS:-up down}
baseline=${BASELINE:-}
if [ -n "$baseline" ]; then
  [ -f "$baseline/airlock-cli.jar" ] && [ -d "$baseline/lib" ] || { echo "run.sh: BASELINE=$baseline needs airlock-cli.jar and lib/" >&2; exit 1; }
  case " $paths " in *" baseline "*) ;; *) paths="$paths baseline" ;; esac
fi
port=${PORT:-5201}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)

[ "$(id -u)" -eq 0 ] || { echo "run.sh: needs root (network namespaces, TAP devices)" >&2; exit 1; }
[ -c /dev/net/tun ] || { echo "run.sh: /dev/net/tun is missing (modprobe tun)" >&2; exit 1; }

# Tools, installed once (idempotent: nothing happens when they are there).
missing=()
command -v iperf3 >/dev/null || missing+=(iperf3)
command -v pasta >/dev/null || missing+=(passt)
command -v slirp4netns >/dev/null || missing+=(slirp4netns)
command -v unshare >/dev/null || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
  echo "run.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
fi

hostns=airlock-bench-$$
work=$(mktemp -d /tmp/airlock-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  ip netns del "$hostns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# The private host: lo, plus a dummy "uplink" so pasta has a default route to copy. Its
# gateway 192.0.2.1 (TEST-NET-1) is on a TAP device nobody reads, which drops everything sent to it.
ip netns add "$hostns"
inhost() { ip netns exec "$hostns" "$@"; }
inhost ip link set lo up
inhost ip tuntap add mode tap name uplink  # no reader: a black hole (no dummy/veth modules needed)
inhost ip addr add 192.0.2.2/24 dev uplink
inhost ip link set uplink up
inhost ip route add default via 192.0.2.1

ip netns exec "$hostns" iperf3 -s -B 127.0.0.1 -p "$port" >"$work/server.log" 2>&1 </dev/null &
pids+=($!)
for _ in $(seq 50); do inhost bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && break; sleep 0.1; done

# One iperf3 client run: prints Gbps received ("sum_received"), or "fail".
client_args() { echo "-c $1 -p $port -t $secs -J $2"; }
gbps() { python3 -c 'import json,sys
try: print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9, 2))
except Exception: print("fail")'; }

run_airlock() { # $1: "" or -R; $2: a BASELINE directory to run instead of bin/airlock
  cat >"$work/data.json" <<EOF
{"airlock": {"config": {"allow": [
  {"host": "host.airlock.internal", "ports": [$port], "allow_cidrs": ["127.0.0.0/8"], "tls": "passthrough"}
]}}}
EOF
  local cmd=("$root/bin/airlock")
  if [ -n "${2:-}" ]; then
    cmd=("$(. "$root/bin/lib/jdk.sh"; find_jdk)/bin/java" --enable-native-access=ALL-UNNAMED
         -cp "$2/airlock-cli.jar:$2/lib/*" dev.airlock.cli.Main)
  fi
  inhost env JDK_JAVA_OPTIONS="${JAVA_OPTS:-}" "${cmd[@]}" run --isolation netns \
      --policy "$root/rego/airlock/egress.rego" --data "$work/data.json" \
      --audit "$work/audit.jsonl" --state-dir "$work/state" --ca-dir "$work/ca" \
      -- iperf3 $(client_args host.airlock.internal "$1") >"$work/iperf.json" 2>"$work/airlock.err" &
  local job=$! jvm="" c0="" t0="" c1="" t1=""
  # The JVM's CPU time over the steady part of the test (from 1 s after iperf3's data
  # connection is up to 1.5 s before its end), per GB moved: what other tenants of the
  # machine disturb least.
  for _ in $(seq 300); do
    [ -z "$jvm" ] && jvm=$(jvm_below "$job")
    [ -n "$jvm" ] && [ "$(inhost ss -Htn state established "( sport = :$port )" | wc -l)" -ge 2 ] && break
    sleep 0.05
  done
  if [ -n "$jvm" ] && [ "$secs" -ge 4 ]; then
    sleep 1; c0=$(cpu_of "$jvm"); t0=$(date +%s.%N)
    sleep "$(awk -v s="$secs" 'BEGIN { print s - 2.5 }')"; c1=$(cpu_of "$jvm"); t1=$(date +%s.%N)
  fi
  wait "$job" || true
  local g; g=$(gbps <"$work/iperf.json")
  awk -v g="$g" -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" 'BEGIN {
    if (g+0 > 0 && c1 != "" && c0 != "" && t1 > t0) printf "%.2f\n", (c1 - c0) / (g * (t1 - t0) / 8); else print "n/a" }' >"$work/cpu"
  echo "$g"
}

# The java process at or below pid $1 that runs airlock.
jvm_below() {
  local p
  for p in "$1" $(pgrep -P "$1"); do
    if grep -q dev.airlock.cli.Main "/proc/$p/cmdline" 2>/dev/null; then echo "$p"; return; fi
    [ "$p" != "$1" ] && jvm_below "$p" && return
  done
  return 1
}

# CPU seconds (user + system) process $1 has used so far.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null; }

run_pasta() {
  # pasta refuses to run as root (it drops to nobody, which then cannot join namespaces), so it
  # runs as nobody in its own user+network namespace. /dev/net/tun is root-only here: a private
  # mount namespace gets a 0666 node of the same device, the host's stays as it is.
  inhost unshare -m sh -c 'mount -t tmpfs -o mode=755 tun /dev/net && mknod -m 666 /dev/net/tun c 10 200 &&
      exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"' pasta \
      pasta --config-net -4 --quiet -- iperf3 $(client_args 192.0.2.1 "$1") 2>"$work/pasta.err" </dev/null | gbps
}

run_slirp() {
  # a namespace held by a sleeping process (ip netns exec and unshare exec it: $! is its pid);
  # slirp4netns, in the private host namespace, wires a TAP in it and maps 10.0.2.2 to that
  # host's loopback
  ip netns exec "$hostns" unshare --net sleep 600 >/dev/null 2>&1 </dev/null &
  local holder=$!
  for _ in $(seq 50); do
    [ "$(readlink /proc/$holder/ns/net)" != "$(ip netns exec "$hostns" readlink /proc/self/ns/net)" ] && break
    sleep 0.05
  done
  ip netns exec "$hostns" slirp4netns --configure --mtu=65520 "$holder" tap0 >"$work/slirp.log" 2>&1 </dev/null &
  local slirp=$!
  for _ in $(seq 50); do nsenter -t "$holder" -n ip -br addr show tap0 2>/dev/null | grep -q 10.0.2 && break; sleep 0.1; done
  nsenter -t "$holder" -n iperf3 $(client_args 10.0.2.2 "$1") 2>"$work/slirp.err" </dev/null | gbps
  kill "$slirp" "$holder" 2>/dev/null || true
  wait "$slirp" "$holder" 2>/dev/null || true
}

# Make sure airlock is built before timing anything.
"$root/bin/airlock" --version >/dev/null

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "versions: $(iperf3 --version | head -1 | cut -d' ' -f1-2), pasta $(dpkg-query -W -f='${Version}' passt 2>/dev/null), slirp4netns $(slirp4netns --version | head -1 | awk '{print $3}'), $(. "$root/bin/lib/jdk.sh"; "$(find_jdk)/bin/java" -version 2>&1 | head -1)"
echo "test: iperf3 -t $secs, one stream, $repeats repeats per path and direction, medians"

declare -A result runs cpu
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "fail"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
for dir in $dirs; do
  flag=""; [ "$dir" = down ] && flag="-R"
  loads=()
  # repeats outside, paths inside: the paths are interleaved, so a change in the machine's
  # load during the run hits all of them alike
  for _ in $(seq "$repeats"); do
    for path in $paths; do
      case $path in
        airlock) v=$(run_airlock "$flag") || v=fail; cpu[$path,$dir]="${cpu[$path,$dir]:-} $(cat "$work/cpu")" ;;
        baseline) v=$(run_airlock "$flag" "$baseline") || v=fail; cpu[$path,$dir]="${cpu[$path,$dir]:-} $(cat "$work/cpu")" ;;
        pasta) v=$(run_pasta "$flag") ;;
        slirp4netns) v=$(run_slirp "$flag") ;;
      esac
      runs[$path,$dir]="${runs[$path,$dir]:-}${runs[$path,$dir]:+ }$v"
      loads+=("$(cut -d' ' -f1 /proc/loadavg)")
    done
  done
  for path in $paths; do
    m=$(printf '%s\n' ${runs[$path,$dir]} | grep -v fail | median)
    result[$path,$dir]=$m
    printf '%-12s %-4s %6s Gbps   (runs: %s)\n' "$path" "$dir" "$m" "${runs[$path,$dir]}"
    if [ -n "${cpu[$path,$dir]:-}" ]; then
      printf '%-12s %-4s %6s CPU s per GB moved, the JVM   (runs:%s)\n' "" "" \
        "$(printf '%s\n' ${cpu[$path,$dir]} | grep -v n/a | median)" "${cpu[$path,$dir]}"
    fi
  done
  echo "load average (1 min) during the $dir runs: ${loads[*]}"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2f", a/b; else print "n/a" }'; }
echo
for dir in $dirs; do
  [ -n "${result[baseline,$dir]:-}" ] && echo "$dir: airlock/baseline $(ratio "${result[airlock,$dir]:-}" "${result[baseline,$dir]:-}")"
  echo "$dir (guest → host is up, -R is down): airlock/pasta $(ratio "${result[airlock,$dir]:-}" "${result[pasta,$dir]:-}")  airlock/slirp4netns $(ratio "${result[airlock,$dir]:-}" "${result[slirp4netns,$dir]:-}")"
done
