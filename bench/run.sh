#!/usr/bin/env bash
# Measures the gateway against its origin and against nginx as a proxy, on one machine, in one
# run, and prints a markdown table (req/s, p50, p99, x direct, x nginx, RSS):
#   an nginx origin (1 worker) serving /small (100 bytes), /1k and /64k (a 64 KiB file);
#   wrk against the origin directly ("direct"), through nginx as a reverse proxy ("nginx",
#   1 worker, upstream keep-alive) and through the gateway ("gateway");
#   cells: /small at --connections (repeated, median), /64k at --connections, /small at
#   --connections-high, and the gateway's RSS right after the high-connection cell.
#
# The gateway is the engine-only sample (samples/embedded) started with a fixed heap under
# `taskset -c 1`, as is nginx the proxy; the origin and wrk run on CPU 0. Every process this
# script starts is stopped by pid when it exits; every wait has a deadline; --max-minutes caps
# the run.
set -euo pipefail

usage() {
  cat <<USAGE
usage: bench/run.sh [options]
  --duration S       seconds per measured cell (default 20)
  --warmup S         most seconds of gateway warm-up, in 10 s chunks until req/s plateaus (default 120)
  --connections N    wrk connections (default 50)
  --connections-high N  connections of the second /small pass, after which RSS is read (default 400;
                     0 skips it)
  --paths LIST       comma-separated paths measured at --connections (default /small,/64k);
                     the first is repeated --repeats times and warms the gateway up
  --repeats N        measured cells of the first path per target, median reported (default 3)
  --no-nginx         skip nginx as a proxy
  --heap SIZE        gateway -Xms/-Xmx (default 192m)
  --port-base P      origin on P, gateway on P+1, filtered gateway on P+2, nginx on P+3 (default 28180)
  --jvm 'FLAGS'      extra JVM flags for the gateway (default none)
  --max-minutes M    stop everything after M minutes (default 30)
  --quick            --duration 5 --warmup 20 --repeats 1 --paths /small --connections-high 0
  --filter           also measure the gateway behind a ProxyFilter that edits one request and one
                     response header (same JVM, port P+2), and report its cost against the gateway,
                     from the cells and from back-to-back pairs of 10 s cells in alternating order
  --filter-pairs N   pairs of cells for the filter cost (default 8)
  --cache            measure cache hits: paths /c/small,/c/64k (cacheable for an hour) through the
                     gateway with the HTTP cache on ("gateway-cache", same JVM, its own port) and
                     nginx with proxy_cache ("nginx-cache"), beside the uncached gateway and nginx
  --cache-off-heap   with --cache: the gateway keeps cached bodies in direct memory
Needs nginx, wrk and taskset; installs nginx and wrk with apt-get when they are missing.
USAGE
}

DURATION=20 WARMUP=120 CONNS=50 CONNS_HIGH=400 PATHS=/small,/64k REPEATS=3 HEAP=192m PORT_BASE=28180 MAX_MINUTES=40
EXTRA_JVM="" FILTER=0 NGINX=1 FILTER_PAIRS=8 FILTER_CELL=10 CACHE=0 PATHS_SET=0 CACHE_OFF_HEAP=0
while (($#)); do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    --connections-high) CONNS_HIGH=$2; shift 2 ;;
    --no-nginx) NGINX=0; shift ;;
    --paths) PATHS=$2; PATHS_SET=1; shift 2 ;;
    --repeats) REPEATS=$2; shift 2 ;;
    --heap) HEAP=$2; shift 2 ;;
    --port-base) PORT_BASE=$2; shift 2 ;;
    --max-minutes) MAX_MINUTES=$2; shift 2 ;;
    --jvm) EXTRA_JVM=$2; shift 2 ;;
    --quick) DURATION=5 WARMUP=20 REPEATS=1 PATHS=/small CONNS_HIGH=0; shift ;;
    --filter) FILTER=1; shift ;;
    --filter-pairs) FILTER_PAIRS=$2; shift 2 ;;
    --cache) CACHE=1; shift ;;
    --cache-off-heap) CACHE_OFF_HEAP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN_DIR="$ROOT/bench/logs/run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RUN_DIR/tmp" "$RUN_DIR/raw"
ORIGIN_PORT=$PORT_BASE
GATEWAY_PORT=$((PORT_BASE + 1))
FILTER_PORT=$((PORT_BASE + 2))
NGINX_PORT=$((PORT_BASE + 3))
CACHE_PORT=$((PORT_BASE + 4))
NGINX_CACHE_PORT=$((PORT_BASE + 5))
if ((CACHE && !PATHS_SET)); then PATHS=/c/small,/c/64k; fi
TARGETS=(direct)
if ((NGINX)); then TARGETS+=(nginx); fi
if ((NGINX && CACHE)); then TARGETS+=(nginx-cache); fi
TARGETS+=(gateway)
GATEWAY_ARGS=()
if ((FILTER)); then TARGETS+=(filtered); GATEWAY_ARGS+=(--filter-port "$FILTER_PORT"); fi
if ((CACHE)); then TARGETS+=(gateway-cache); GATEWAY_ARGS+=(--cache-port "$CACHE_PORT"); fi
if ((CACHE && CACHE_OFF_HEAP)); then GATEWAY_ARGS+=(--cache-off-heap); fi
JAR="$ROOT/samples/embedded/target/pingora-embedded.jar"
DEADLINE=$(( $(date +%s) + MAX_MINUTES * 60 ))
PIDS=()

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$RUN_DIR/run.log" >&2; }

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

over_budget() { (( $(date +%s) > DEADLINE )); }

ensure_tools() {
  local missing=()
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  command -v wrk >/dev/null || missing+=(wrk)
  if ((${#missing[@]})); then
    log "installing ${missing[*]} with apt-get"
    if [[ $(id -u) -ne 0 ]]; then echo "need root to apt-get install ${missing[*]}" >&2; exit 1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Debian starts the nginx service on install; stop it, by its pid file, so it holds no port.
    if [[ -f /run/nginx.pid ]]; then kill "$(cat /run/nginx.pid)" 2>/dev/null || true; fi
  fi
  command -v taskset >/dev/null || { echo "missing tool: taskset (util-linux)" >&2; exit 1; }
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_http() {
  local url=$1 until=$(( $(date +%s) + 60 ))
  while (( $(date +%s) < until )); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "no answer from $url within 60 s" >&2
  return 1
}

# start_nginx NAME CPU PORT CONF_TEMPLATE [sed args...]: one nginx from a template, pinned, tracked
start_nginx() {
  local name=$1 cpu=$2 port=$3 template=$4 nginx_bin
  shift 4
  mkdir -p "$RUN_DIR/tmp/$name"
  sed -e "s|@PREFIX@|$RUN_DIR|g" "$@" "$ROOT/bench/conf/$template" > "$RUN_DIR/$name.conf"
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  taskset -c "$cpu" "$nginx_bin" -p "$RUN_DIR/tmp/$name/" -c "$RUN_DIR/$name.conf" -e "$RUN_DIR/$name.error.log" \
    -g 'daemon off;' > "$RUN_DIR/$name.out" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$port/small"
}

start_origin() {
  local one_kib
  one_kib=$(head -c 1023 < /dev/zero | tr '\0' 'k')
  mkdir -p "$RUN_DIR/www"
  head -c 65536 /dev/zero | tr '\0' 'x' > "$RUN_DIR/www/64k"
  start_nginx origin 0 "$ORIGIN_PORT" origin.conf -e "s|@PORT@|$ORIGIN_PORT|" -e "s|@ONE_KIB@|$one_kib|"
}

start_nginx_proxy() {
  mkdir -p "$RUN_DIR/tmp/proxy"
  start_nginx nginx-proxy 1 "$NGINX_PORT" nginx-proxy.conf -e "s|@PORT@|$NGINX_PORT|" -e "s|@ORIGIN@|$ORIGIN_PORT|"
}

start_nginx_cache() {
  mkdir -p "$RUN_DIR/tmp/cache"
  start_nginx nginx-cache 1 "$NGINX_CACHE_PORT" nginx-cache.conf -e "s|@PORT@|$NGINX_CACHE_PORT|" \
    -e "s|@ORIGIN@|$ORIGIN_PORT|"
}

port_of() {
  case $1 in
    direct) echo "$ORIGIN_PORT" ;;
    nginx) echo "$NGINX_PORT" ;;
    nginx-cache) echo "$NGINX_CACHE_PORT" ;;
    gateway) echo "$GATEWAY_PORT" ;;
    filtered) echo "$FILTER_PORT" ;;
    gateway-cache) echo "$CACHE_PORT" ;;
  esac
}

start_gateway() {
  if [[ ! -f $JAR ]]; then
    log "building the gateway jar"
    (cd "$ROOT" && ./mvnw -q -B -DskipTests package -pl samples/embedded -am) >> "$RUN_DIR/build.log" 2>&1
  fi
  JVM_FLAGS=(-Xms"$HEAP" -Xmx"$HEAP")
  # shellcheck disable=SC2206
  [[ -n $EXTRA_JVM ]] && JVM_FLAGS+=($EXTRA_JVM)
  taskset -c 1 java "${JVM_FLAGS[@]}" -jar "$JAR" --port "$GATEWAY_PORT" \
    --upstream "127.0.0.1:$ORIGIN_PORT" --threads 1 --quiet "${GATEWAY_ARGS[@]}" > "$RUN_DIR/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  PIDS+=("$GATEWAY_PID")
  wait_http "http://127.0.0.1:$GATEWAY_PORT/small"
  if ((FILTER)); then wait_http "http://127.0.0.1:$FILTER_PORT/small"; fi
  if ((CACHE)); then wait_http "http://127.0.0.1:$CACHE_PORT/small"; fi
}

# wrk on CPU 0; prints "req/s p50_ms p99_ms errors"
run_wrk() {
  local url=$1 seconds=$2 out=$3 conns=${4:-$CONNS}
  taskset -c 0 timeout -k 5 $((seconds + 30)) wrk -t1 -c"$conns" -d"${seconds}s" --latency --timeout 5s "$url" \
    > "$out" 2>&1 || true
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) errors += $i + 0 }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, errors }
  ' "$out"
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

warm_up() {
  # A JVM pinned to one CPU needs 60-100 s of load to reach steady state: no plateau test before.
  local path=$1 previous=0 elapsed=0 rps
  local MIN_WARMUP=$(( WARMUP < 90 ? WARMUP : 90 ))
  while (( elapsed < WARMUP )) && ! over_budget; do
    rps=$(run_wrk "http://127.0.0.1:$GATEWAY_PORT$path" 10 "$RUN_DIR/raw/warmup-$elapsed.txt" | cut -d' ' -f1)
    elapsed=$((elapsed + 10))
    log "warm-up $elapsed s: $rps req/s"
    if (( elapsed >= MIN_WARMUP )) && awk -v a="$rps" -v b="$previous" 'BEGIN { exit !(b > 0 && a < b * 1.03) }'; then
      break
    fi
    previous=$rps
  done
}

ensure_tools
for port in "$ORIGIN_PORT" "$GATEWAY_PORT" "$FILTER_PORT" "$NGINX_PORT" "$CACHE_PORT" "$NGINX_CACHE_PORT"; do
  port_free "$port" || { echo "port $port is in use; pick another --port-base" >&2; exit 1; }
done
log "run directory: ${RUN_DIR#"$ROOT"/}"
start_origin
if ((NGINX)); then start_nginx_proxy; fi
if ((NGINX && CACHE)); then start_nginx_cache; fi
start_gateway
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpus: $(nproc), model: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "kernel: $(uname -r)"
  echo "java: $(java -version 2>&1 | head -n1)"
  echo "nginx: $(nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1)"
  echo "wrk: $(wrk -v 2>&1 | head -n1)"
  echo "gateway: taskset -c 1 java ${JVM_FLAGS[*]} -jar samples/embedded/target/pingora-embedded.jar --threads 1 --quiet"
  echo "nginx proxy: taskset -c 1 nginx (1 worker, upstream keepalive 64; bench/conf/nginx-proxy.conf)"
  if ((CACHE)); then
    echo "nginx cache: taskset -c 1 nginx with proxy_cache (bench/conf/nginx-cache.conf); gateway-cache: the gateway's JVM, HTTP cache on (64 MiB MemoryStorage, off-heap: $CACHE_OFF_HEAP), port $CACHE_PORT"
  fi
  echo "load: taskset -c 0 wrk -t1 -c$CONNS -d${DURATION}s --latency (and -c$CONNS_HIGH for the high pass)"
} > "$RUN_DIR/env.txt"

IFS=, read -r -a PATH_LIST <<< "$PATHS"
warm_up "${PATH_LIST[0]}"
for extra in filtered gateway-cache; do
  [[ " ${TARGETS[*]} " == *" $extra "* ]] || continue
  # The other server shares the JVM (and its JIT) but has its own event loop: warm it too.
  for chunk in 1 2 3; do
    rps=$(run_wrk "http://127.0.0.1:$(port_of "$extra")${PATH_LIST[0]}" 10 "$RUN_DIR/raw/warmup-$extra-$chunk.txt" | cut -d' ' -f1)
    log "warm-up $extra $((chunk * 10)) s: $rps req/s"
  done
done

declare -A RESULT
measure() {
  local path=$1 conns=$2 rep=$3 target port line
  for target in "${TARGETS[@]}"; do
    port=$(port_of "$target")
    line=$(run_wrk "http://127.0.0.1:$port$path" "$DURATION" "$RUN_DIR/raw/$target${path//\//_}-c$conns-$rep.txt" "$conns")
    log "$target $path c=$conns #$rep: $line"
    RESULT[$target,$path,$conns]+="$line"$'\n'
    sleep 1
  done
}
CELLS=()
for rep in $(seq "$REPEATS"); do
  over_budget && { log "time budget reached"; break; }
  measure "${PATH_LIST[0]}" "$CONNS" "$rep"
done
CELLS+=("${PATH_LIST[0]} $CONNS")
for path in "${PATH_LIST[@]:1}"; do
  over_budget && { log "time budget reached"; break; }
  # A short warm-up of the new path on every target, then one cell.
  for target in "${TARGETS[@]}"; do run_wrk "http://127.0.0.1:$(port_of "$target")$path" 10 /dev/null > /dev/null; done
  measure "$path" "$CONNS" 1
  CELLS+=("$path $CONNS")
done
# The filter cost is a few per cent, less than the drift between two cells: measure it in pairs of
# cells back to back, in alternating order (plain-filtered, filtered-plain, ...), and take the
# median of the pairs' ratios.
FILTER_RATIOS=()
if ((FILTER)); then
  for pair in $(seq "$FILTER_PAIRS"); do
    over_budget && { log "time budget reached"; break; }
    order=(gateway filtered)
    ((pair % 2 == 0)) && order=(filtered gateway)
    declare -A PAIR=()
    for target in "${order[@]}"; do
      PAIR[$target]=$(run_wrk "http://127.0.0.1:$(port_of "$target")${PATH_LIST[0]}" "$FILTER_CELL" \
        "$RUN_DIR/raw/pair-$pair-$target.txt" | cut -d' ' -f1)
    done
    ratio=$(awk -v a="${PAIR[filtered]}" -v b="${PAIR[gateway]}" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print 0 }')
    FILTER_RATIOS+=("$ratio")
    log "filter pair $pair (${order[*]}): gateway ${PAIR[gateway]}, filtered ${PAIR[filtered]}, ratio $ratio"
  done
fi
if ((CONNS_HIGH > 0)) && ! over_budget; then
  for target in "${TARGETS[@]}"; do run_wrk "http://127.0.0.1:$(port_of "$target")${PATH_LIST[0]}" 10 /dev/null "$CONNS_HIGH" > /dev/null; done
  measure "${PATH_LIST[0]}" "$CONNS_HIGH" 1
  CELLS+=("${PATH_LIST[0]} $CONNS_HIGH")
fi

RSS_KB=$(awk '/VmRSS/ { print $2 }' "/proc/$GATEWAY_PID/status" 2>/dev/null || echo 0)
HWM_KB=$(awk '/VmHWM/ { print $2 }' "/proc/$GATEWAY_PID/status" 2>/dev/null || echo 0)
col() { printf '%s' "${RESULT[$1,$2,$3]:-}" | awk -v c="$4" 'NF { print $c }' | median; }
{
  echo "| target | path | conns | req/s (median) | p50 ms | p99 ms | errors | × direct | × nginx |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  for cell in "${CELLS[@]}"; do
    read -r path conns <<< "$cell"
    direct_rps=$(col direct "$path" "$conns" 1)
    nginx_rps=$( ((NGINX)) && col nginx "$path" "$conns" 1 || echo 0)
    for target in "${TARGETS[@]}"; do
      rows=${RESULT[$target,$path,$conns]:-}
      [[ -n $rows ]] || continue
      rps=$(col "$target" "$path" "$conns" 1)
      p50=$(col "$target" "$path" "$conns" 2)
      p99=$(col "$target" "$path" "$conns" 3)
      errors=$(printf '%s' "$rows" | awk 'NF { s += $4 } END { print s + 0 }')
      ratio=$(awk -v a="$rps" -v b="$direct_rps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
      vs_nginx=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
      echo "| $target | $path | $conns | $rps | $p50 | $p99 | $errors | $ratio | $vs_nginx |"
    done
  done
  if ((FILTER)); then
    path=${PATH_LIST[0]}
    gw=$(col gateway "$path" "$CONNS" 1)
    fl=$(col filtered "$path" "$CONNS" 1)
    echo
    echo "Filter cost on $path c=$CONNS, from the medians of the cells above: $(awk -v a="$fl" -v b="$gw" 'BEGIN { if (b > 0) printf "%.1f %%", (1 - a / b) * 100; else print "-" }') (filtered / plain = $fl / $gw)."
    if ((${#FILTER_RATIOS[@]} > 0)); then
      med=$(printf '%s\n' "${FILTER_RATIOS[@]}" | median)
      lo=$(printf '%s\n' "${FILTER_RATIOS[@]}" | sort -n | head -n1)
      hi=$(printf '%s\n' "${FILTER_RATIOS[@]}" | sort -n | tail -n1)
      echo "Filter cost from ${#FILTER_RATIOS[@]} back-to-back pairs of ${FILTER_CELL} s cells in alternating order: $(awk -v r="$med" 'BEGIN { printf "%.1f %%", (1 - r) * 100 }') (median; pairs from $(awk -v r="$hi" 'BEGIN { printf "%.1f", (1 - r) * 100 }') to $(awk -v r="$lo" 'BEGIN { printf "%.1f", (1 - r) * 100 }') %)."
    fi
  fi
  if ((CACHE)); then
    echo
    for cell in "${CELLS[@]}"; do
      read -r path conns <<< "$cell"
      hit=$(col gateway-cache "$path" "$conns" 1)
      plain=$(col gateway "$path" "$conns" 1)
      ngx=$( ((NGINX)) && col nginx-cache "$path" "$conns" 1 || echo 0)
      echo "Cache hits on $path c=$conns: gateway-cache $hit req/s = $(awk -v a="$hit" -v b="$plain" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }') × the same response proxied uncached ($plain), $(awk -v a="$hit" -v b="$ngx" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }') × nginx proxy_cache hits ($ngx)."
    done
  fi
  echo
  echo "Gateway RSS at the end (after the last cell): $((RSS_KB / 1024)) MiB; peak: $((HWM_KB / 1024)) MiB."
} | tee "$RUN_DIR/summary.md"
log "details in ${RUN_DIR#"$ROOT"/}"
