#!/usr/bin/env bash
# Whole-system benchmark: HTTPS requests through airlock vs the same requests sent directly and
# through Squid with ssl-bump, measured in the same run with the same load generator.
#
#   test/bench/proxy/run.sh [--conns N] [--rounds R] [--warmup S] [--duration S]
#                           [--lat-duration S] [--prewarm S] [--only direct,squid,airlock]
#                           [--baseline DIR] [--jfr] [--keep] [--hold]
#
# Targets (--only): direct, squid, airlock; also airlock-tmpfs (the same airlock with its audit
# log on /dev/shm, where fdatasync costs nothing: shows what durability costs) and airlock-base
# (airlock run from DIR/airlock-cli.jar and DIR/lib, e.g. a copy of cli/target taken before a
# change, to measure the change against it in the same run; --baseline DIR adds it).
#
# Everything listens on 127.0.0.1 only. Upstream: nginx (TLS 1.3, keep-alive, a static 30-byte
# body) with a certificate from a throwaway CA. Each target gets, per round, a latency pass
# (one connection, requests back to back: what a request costs with warm caches) and a
# throughput pass (--conns kept-alive connections, closed loop). Figures are medians over the
# rounds; targets are interleaved within a round so that machine noise hits them alike.
# Needs root for apt-get when squid-openssl or nginx-light are missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)

conns=32
rounds=3
warmup=5
duration=15
lat_duration=10
prewarm=30 # seconds of load on each target before the first round: the JIT needs about a minute of CPU on a busy box
only="direct,squid,airlock"
jfr=0
keep=0
baseline=""
hold=0 # set up, print how to drive the targets, and wait (for profiling by hand)
while [ $# -gt 0 ]; do
  case "$1" in
    --conns) conns=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --lat-duration) lat_duration=$2; shift 2 ;;
    --prewarm) prewarm=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --baseline) baseline=$(cd "$2" && pwd); shift 2 ;;
    --jfr) jfr=1; shift ;;
    --keep) keep=1; shift ;;
    --hold) hold=1; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$baseline" ] && only="$only,airlock-base"
want() { [[ ",$only," == *",$1,"* ]]; }

# ---- prerequisites -------------------------------------------------------------------------
need_pkgs=()
[ -x /usr/sbin/squid ] && [ -x /usr/lib/squid/security_file_certgen ] || need_pkgs+=(squid-openssl)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx-light)
command -v openssl >/dev/null || need_pkgs+=(openssl)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "run.sh: installing ${need_pkgs[*]} with apt-get" >&2
  # No service is started: the packages' init scripts are kept from running (policy-rc.d).
  prc=/usr/sbin/policy-rc.d; had_prc=0; [ -e $prc ] && had_prc=1
  [ $had_prc = 1 ] || { printf '#!/bin/sh\nexit 101\n' >$prc; chmod +x $prc; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need_pkgs[@]}" >&2 || \
    { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need_pkgs[@]}" >&2; }
  [ $had_prc = 1 ] || rm -f $prc
fi
. "$root/bin/lib/jdk.sh"
JAVA_HOME=$(find_jdk)
java="$JAVA_HOME/bin/java"

# ---- scratch space and cleanup -------------------------------------------------------------
tmp=$(mktemp -d /tmp/airlock-bench-proxy.XXXXXX)
chmod 755 "$tmp" # squid's workers run as 'proxy' and must reach their directory
pids=()
declare -A pg=() # server name -> its process group
shm=""
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do # up to 5 s for a clean shutdown (airlock closes its audit log, squid its helpers)
    local alive=0
    for p in "${pids[@]}"; do pgrep -g "$p" >/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
  [ -n "$shm" ] && rm -rf "$shm"
  if [ $keep = 1 ] || [ $rc -ne 0 ]; then echo "run.sh: files kept in $tmp" >&2; else rm -rf "$tmp"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

chosen_ports=" "
free_port() { # sets $port to a TCP port nothing listens on, different from earlier picks
  while :; do
    port=$((20000 + RANDOM % 30000))
    [[ $chosen_ports == *" $port "* ]] && continue
    ss -Htln "sport = :$port" | grep -q . || { chosen_ports+="$port "; return; }
  done
}
wait_port() { # wait_port PORT NAME LOG PID
  for _ in $(seq 1 600); do
    (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || break
    sleep 0.1
  done
  echo "run.sh: $2 did not start listening on 127.0.0.1:$1; its log:" >&2
  tail -30 "$3" >&2
  exit 1
}
# Starts a server in its own process group (so cleanup can end it with all its helpers).
start() { # start NAME LOG CMD...
  local name=$1 log=$2; shift 2
  setsid "$@" >"$log" 2>&1 </dev/null &
  pids+=($!)
  pg[$name]=$!
}

declare -A proxy_port=()
free_port; up_port=$port
for t in squid airlock airlock-tmpfs airlock-base; do free_port; proxy_port[$t]=$port; done
squid_port=${proxy_port[squid]}
host=bench.test

# ---- certificates: the upstream's CA and leaf, Squid's CA ----------------------------------
mkdir -p "$tmp/pki"
(
  cd "$tmp/pki"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=airlock bench upstream CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout upstream-ca.key -out upstream-ca.pem 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$host" -keyout leaf.key -out leaf.csr 2>/dev/null
  printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$host" >leaf.ext
  openssl x509 -req -in leaf.csr -CA upstream-ca.pem -CAkey upstream-ca.key -CAcreateserial -days 2 -extfile leaf.ext -out leaf.pem 2>/dev/null
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=airlock bench squid CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout squid-ca.key -out squid-ca.pem 2>/dev/null
)

# ---- upstream: nginx ---------------------------------------------------------------------
body="hello from the bench upstream"
secret_value="bench-$(openssl rand -hex 20)"
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
user root;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  # Which credential arrived, without ever writing it: the real value (airlock injected it),
  # the placeholder (sent as is), or something else.
  map_hash_bucket_size 256;
  map \$http_authorization \$auth_seen {
    "Bearer $secret_value" injected;
    "~^Bearer airlock-ph-" placeholder;
    default other;
  }
  log_format bench '\$auth_seen';
  access_log $tmp/nginx/access.log bench buffer=256k flush=1s;
  server {
    listen 127.0.0.1:$up_port ssl;
    server_name $host;
    ssl_certificate $tmp/pki/leaf.pem;
    ssl_certificate_key $tmp/pki/leaf.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:bench:1m;
    keepalive_requests 100000000;
    keepalive_timeout 600s;
    location / {
      default_type text/plain;
      return 200 "$body\n";
    }
  }
}
EOF
start nginx "$tmp/nginx/stdout.log" nginx -c "$tmp/nginx/nginx.conf"

# ---- Squid with ssl-bump ------------------------------------------------------------------
if want squid; then
  sq=$tmp/squid
  mkdir -p "$sq"
  cp "$tmp/pki/squid-ca.pem" "$tmp/pki/squid-ca.key" "$tmp/pki/upstream-ca.pem" "$sq/"
  echo "127.0.0.1 $host" >"$sq/hosts"
  cat >"$sq/squid.conf" <<EOF
http_port 127.0.0.1:$squid_port ssl-bump tls-cert=$sq/squid-ca.pem tls-key=$sq/squid-ca.key generate-host-certificates=on dynamic_cert_mem_cache_size=16MB
sslcrtd_program /usr/lib/squid/security_file_certgen -s $sq/ssl_db -M 4MB
sslcrtd_children 5
ssl_bump bump all
tls_outgoing_options cafile=$sq/upstream-ca.pem
acl localhost src 127.0.0.1/32
http_access allow localhost
http_access deny all
cache deny all
cache_mem 0 MB
hosts_file $sq/hosts
dns_nameservers 127.0.0.1
pinger_enable off
icp_port 0
htcp_port 0
snmp_port 0
access_log stdio:$sq/access.log
cache_log $sq/cache.log
cache_store_log none
pid_filename $sq/squid.pid
coredump_dir $sq
cache_effective_user proxy
cache_effective_group proxy
visible_hostname airlock-bench
shutdown_lifetime 1 seconds
server_persistent_connections on
client_persistent_connections on
EOF
  /usr/lib/squid/security_file_certgen -c -s "$sq/ssl_db" -M 4MB >/dev/null
  chown -R proxy:proxy "$sq"
  /usr/sbin/squid -k parse -f "$sq/squid.conf" >"$sq/parse.log" 2>&1 || { cat "$sq/parse.log" >&2; exit 1; }
  start squid "$sq/stdout.log" /usr/sbin/squid -N -f "$sq/squid.conf"
fi

# ---- airlock ------------------------------------------------------------------------------
al=$tmp/airlock
mkdir -p "$al"
cat >"$al/data.json" <<EOF
{"airlock": {"config": {"allow": [
  {"host": "$host", "ports": [$up_port], "allow_cidrs": ["127.0.0.0/8"], "secrets": ["BENCH_TOKEN"]}
]}}}
EOF
cat >"$al/secrets.yaml" <<EOF
secrets:
  - name: BENCH_TOKEN
    from_env: BENCH_TOKEN
    hosts: ["$host:$up_port"]
    placements: [header]
EOF
# Builds airlock on first use; prints BENCH_TOKEN=placeholder.
placeholder=$("$root/bin/airlock" secrets placeholders --secrets "$al/secrets.yaml" --state-dir "$al/state" | sed -n 's/^BENCH_TOKEN=//p')
[ -n "$placeholder" ] || { echo "run.sh: no placeholder from 'airlock secrets placeholders'" >&2; exit 1; }
# The airlock variants share the CA and the state directory (so the same placeholder), each
# has its own audit log. They start one after the other: the first creates the CA.
audit_file() { case $1 in airlock-tmpfs) echo "$shm/audit.jsonl" ;; *) echo "$al/$1-audit.jsonl" ;; esac; }
for t in airlock airlock-tmpfs airlock-base; do
  want $t || continue
  [ $t = airlock-tmpfs ] && shm=$(mktemp -d /dev/shm/airlock-bench.XXXXXX)
  cmd=("$root/bin/airlock")
  [ $t = airlock-base ] && cmd=("$java" --enable-native-access=ALL-UNNAMED -cp "$baseline/airlock-cli.jar:$baseline/lib/*" dev.airlock.cli.Main)
  jopts=""
  [ $jfr = 1 ] && jopts="-XX:StartFlightRecording=filename=$al/$t.jfr,settings=profile,dumponexit=true"
  start $t "$al/$t.log" env BENCH_TOKEN="$secret_value" JAVA_TOOL_OPTIONS="$jopts" \
    "${cmd[@]}" serve --listen 127.0.0.1:${proxy_port[$t]} --data "$al/data.json" --secrets "$al/secrets.yaml" \
    --upstream-ca "$tmp/pki/upstream-ca.pem" --resolve $host=127.0.0.1 --audit "$(audit_file $t)" \
    --ca-dir "$al/ca" --state-dir "$al/state"
  wait_port ${proxy_port[$t]} $t "$al/$t.log" "${pg[$t]}"
done
wait_port $up_port nginx "$tmp/nginx/stdout.log" "${pg[nginx]}"
want squid && wait_port $squid_port squid "$tmp/squid/cache.log" "${pg[squid]}"

# Trust for the load generator: all three CAs (each target is verified by name as well).
cat "$tmp/pki/upstream-ca.pem" "$tmp/pki/squid-ca.pem" >"$tmp/trust.pem"
[ -f "$al/ca/ca.pem" ] && cat "$al/ca/ca.pem" >>"$tmp/trust.pem"

# Smoke test each path with curl before measuring.
smoke() { # smoke NAME CURL-ARGS...
  local name=$1; shift
  local out
  if ! out=$(curl -sS --max-time 20 --cacert "$tmp/trust.pem" -H "Authorization: Bearer $placeholder" "$@" "https://$host:$up_port/" 2>&1) \
     || [ "$out" != "$body" ]; then
    echo "run.sh: smoke test through $name failed: $out" >&2
    exit 1
  fi
}
want direct && smoke direct --resolve "$host:$up_port:127.0.0.1"
want squid && smoke squid --proxy "http://127.0.0.1:$squid_port"
for t in airlock airlock-tmpfs airlock-base; do want $t && smoke $t --proxy "http://127.0.0.1:${proxy_port[$t]}"; done

# ---- load generator -------------------------------------------------------------------------
mkdir -p "$tmp/loadgen"
"$JAVA_HOME/bin/javac" -d "$tmp/loadgen" "$here/LoadGen.java"
loadgen() { # loadgen NAME CONNS WARMUP DURATION
  local name=$1 c=$2 w=$3 d=$4 args=()
  case $name in
    direct) args=(--connect-to 127.0.0.1) ;;
    *) args=(--proxy 127.0.0.1:${proxy_port[$name]}) ;;
  esac
  "$java" -Xms256m -Xmx512m -XX:+UseParallelGC -cp "$tmp/loadgen" LoadGen --label "$name" --target "$host:$up_port" \
    --trust "$tmp/trust.pem" --header "Authorization: Bearer $placeholder" --conns "$c" --warmup "$w" --duration "$d" "${args[@]}"
}

if [ $hold = 1 ]; then
  for t in "${!pg[@]}"; do echo "run.sh: holding; $t: process group ${pg[$t]}, port ${proxy_port[$t]:-$up_port}"; done
  echo "  load: $java -cp $tmp/loadgen LoadGen --target $host:$up_port --trust $tmp/trust.pem --header 'Authorization: Bearer $placeholder' --proxy 127.0.0.1:${proxy_port[airlock]} --conns 1 --warmup 5 --duration 10"
  echo "  files: $tmp; stop with Ctrl-C or kill $$"
  while :; do sleep 1; done
fi

# CPU time (ms) used so far by every process in a process group (a server and its helpers).
cpu_ms() { # cpu_ms PGID
  local p sum=0 f
  for p in $(pgrep -g "$1"); do
    f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    f=${f##*) } # fields after "(comm) "; utime and stime are fields 14 and 15 of the line
    set -- $f
    sum=$((sum + ${12} + ${13}))
  done
  echo $((sum * 1000 / $(getconf CLK_TCK)))
}
# One pass: the load generator's line, plus the CPU the proxy and nginx used per request
# (warm-up included: requests of both phases are counted). On a shared machine this is the
# figure that other tenants' load disturbs least.
pass() { # pass NAME CONNS WARMUP DURATION
  local name=$1 pc0=0 pc1=0 nc0 nc1 line n
  nc0=$(cpu_ms "${pg[nginx]}")
  [ "$name" != direct ] && pc0=$(cpu_ms "${pg[$name]}")
  line=$(loadgen "$@")
  nc1=$(cpu_ms "${pg[nginx]}")
  [ "$name" != direct ] && pc1=$(cpu_ms "${pg[$name]}")
  n=$(echo "$line" | tr ' ' '\n' | sed -n 's/^\(warmup_requests\|requests\)=//p' | awk '{s+=$1} END {print s+0}')
  echo "$line proxy_cpu_us_per_req=$(awk "BEGIN {printf \"%.1f\", $n ? ($pc1-$pc0)*1000/$n : 0}") nginx_cpu_us_per_req=$(awk "BEGIN {printf \"%.1f\", $n ? ($nc1-$nc0)*1000/$n : 0}")"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
targets=()
for t in direct squid airlock airlock-tmpfs airlock-base; do want $t && targets+=($t); done
results=$tmp/results.txt
: >"$results"
echo "run.sh: warming up ${targets[*]} (JIT, leaf-certificate caches, upstream connections)..." >&2
for t in "${targets[@]}"; do loadgen $t "$conns" "$prewarm" 2 >/dev/null; done
for r in $(seq 1 "$rounds"); do
  for t in "${targets[@]}"; do
    line=$(pass $t 1 "$warmup" "$lat_duration")
    echo "round=$r pass=latency $line" | tee -a "$results" >&2
    line=$(pass $t "$conns" "$warmup" "$duration")
    echo "round=$r pass=throughput $line" | tee -a "$results" >&2
  done
done

# ---- report -------------------------------------------------------------------------------
median() { # median PASS LABEL KEY
  grep " pass=$1 " "$results" | grep " label=$2 " | tr ' ' '\n' | sed -n "s/^$3=//p" | sort -g |
    awk '{v[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'
}
sum() { grep " label=$1 " "$results" | tr ' ' '\n' | sed -n "s/^$2=//p" | awk '{s+=$1} END {print s+0}'; }
calc() { awk "BEGIN {printf \"$1\", $2}"; }

echo
echo "## HTTPS GET through a CONNECT tunnel, kept-alive, 30-byte body; medians of $rounds rounds"
echo
echo "| target | 1 conn: p50 ms | 1 conn: p99 ms | 1 conn: req/s | $conns conns: req/s | $conns conns: p50 ms | $conns conns: p99 ms | proxy CPU µs/req | nginx CPU µs/req | load gen CPU µs/req | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for t in "${targets[@]}"; do
  echo "| $t | $(median latency $t p50_ms) | $(median latency $t p99_ms) | $(median latency $t rps) | $(median throughput $t rps) | $(median throughput $t p50_ms) | $(median throughput $t p99_ms) | $(median throughput $t proxy_cpu_us_per_req) | $(median throughput $t nginx_cpu_us_per_req) | $(median throughput $t loadgen_cpu_us_per_req) | $(sum $t errors) |"
done
echo
if want airlock; then
  a_rps=$(median throughput airlock rps); a_p50=$(median latency airlock p50_ms)
  if want direct; then
    d_rps=$(median throughput direct rps); d_p50=$(median latency direct p50_ms)
    echo "airlock vs direct:  throughput $(calc %.2f "$a_rps/$d_rps")x, p50 overhead (1 conn) $(calc %.3f "$a_p50-$d_p50") ms"
  fi
  if want squid; then
    s_rps=$(median throughput squid rps); s_p50=$(median latency squid p50_ms)
    echo "airlock vs squid:   throughput $(calc %.2f "$a_rps/$s_rps")x, p50 (1 conn) $(calc %.3f "$a_p50") vs $(calc %.3f "$s_p50") ms"
    if want direct; then echo "squid vs direct:    throughput $(calc %.2f "$s_rps/$d_rps")x, p50 overhead (1 conn) $(calc %.3f "$s_p50-$d_p50") ms"; fi
  fi
  a_cpu=$(median throughput airlock proxy_cpu_us_per_req)
  echo "airlock CPU per request: $a_cpu µs$(want squid && echo " (squid: $(median throughput squid proxy_cpu_us_per_req) µs)");" \
    "with both cores to itself that is at most $(calc %.0f "2e6/$a_cpu") req/s (an estimate: CPU-bound, no load generator or upstream on the box)"
  for t in airlock airlock-tmpfs airlock-base; do
    want $t || continue
    f=$(audit_file $t)
    sent=$(grep " label=$t " "$results" | tr ' ' '\n' | sed -n 's/^\(warmup_requests\|requests\)=//p' | awk '{s+=$1} END {print s+0}')
    # Decisions and outcomes share the phase; the kind tells them apart (an older build writes no outcomes).
    decisions=$(grep '"kind":"decision"' "$f" | grep -c '"phase":"request"' || true)
    echo "$t audit log: $(wc -l <"$f") lines: $decisions request decisions" \
      "($(grep '"kind":"decision"' "$f" | grep '"phase":"request"' | grep -c '"secrets_injected":\["BENCH_TOKEN"\]') with BENCH_TOKEN injected)," \
      "$(grep -c '"kind":"outcome"' "$f" || true) outcomes," \
      "$(grep -c '"phase":"connect"' "$f") connect decisions; the load generator counted $sent requests" \
      "(plus the prewarm, the smoke test and those in flight when a pass ended)"
    if "$root/bin/airlock" audit verify "$f" >"$tmp/verify.txt" 2>&1; then
      echo "$t audit verify: $(tail -1 "$tmp/verify.txt")"
    else
      echo "$t audit verify FAILED: $(tail -3 "$tmp/verify.txt")"
    fi
  done
  if want airlock-tmpfs; then
    echo "durability (airlock vs airlock-tmpfs, whose fdatasync is free):" \
      "throughput $(calc %.2f "$a_rps/$(median throughput airlock-tmpfs rps)")x," \
      "p50 (1 conn) $(calc %.3f "$a_p50") vs $(median latency airlock-tmpfs p50_ms) ms"
  fi
  if want airlock-base; then
    echo "this checkout vs baseline $baseline: throughput $(calc %.2f "$a_rps/$(median throughput airlock-base rps)")x," \
      "CPU/request $a_cpu vs $(median throughput airlock-base proxy_cpu_us_per_req) µs," \
      "p50 (1 conn) $(calc %.3f "$a_p50") vs $(median latency airlock-base p50_ms) ms"
  fi
  kill -USR1 "$(cat "$tmp/nginx/nginx.pid")" 2>/dev/null || true # reopening its logs flushes the buffer
  sleep 1.2
  echo "upstream saw: $(sort "$tmp/nginx/access.log" | uniq -c | awk '{printf "%s %s; ", $2, $1}')"
  p50ok=$(awk "BEGIN {print ($a_p50 - ${d_p50:-0} < 1.0) ? 1 : 0}")
  rpsok=$(awk "BEGIN {print ($a_rps >= 20000) ? 1 : 0}")
  echo "verdict: p50 overhead under 1 ms with warm caches: $([ "$p50ok" = 1 ] && echo MET || echo MISSED);" \
    "at least 20,000 req/s on $(nproc) cores over kept-alive connections: $([ "$rpsok" = 1 ] && echo MET || echo MISSED) ($(calc %.0f "$a_rps") req/s)"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB;" \
  "load average $load_before before the run, $(cut -d' ' -f1-3 /proc/loadavg) after (includes this benchmark)"
echo "versions: $(/usr/sbin/squid -v | head -1), nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), $("$java" -version 2>&1 | sed -n 2p)"
