#!/usr/bin/env bash
# HTTP/2 from clients: h2load against the gateway (h2c by prior knowledge) and nginx as an h2c
# reverse proxy, in one run, both in front of the same nginx origin over HTTP/1.1.
#   origin: nginx on CPU 0 (bench/conf/origin.conf); proxies on CPU 1, one at a time under
#   load; h2load on CPU 0. Prints a markdown table (req/s, mean latency, × nginx).
# usage: bench/h2.sh [--duration S] [--warmup S] [--clients N] [--streams M] [--paths LIST]
#                    [--heap SIZE] [--port-base P]
# Needs nginx, h2load (nghttp2-client) and taskset; installs nginx and h2load with apt-get when
# missing. Every process it starts is stopped at the end.
set -euo pipefail
DURATION=15 WARMUP=60 CLIENTS=10 STREAMS=10 PATHS=/small,/64k HEAP=192m PORT_BASE=28380
while (($#)); do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --streams) STREAMS=$2; shift 2 ;;
    --paths) PATHS=$2; shift 2 ;;
    --heap) HEAP=$2; shift 2 ;;
    --port-base) PORT_BASE=$2; shift 2 ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN_DIR="$ROOT/bench/logs/h2-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RUN_DIR/tmp/origin" "$RUN_DIR/tmp/h2" "$RUN_DIR/www"
ORIGIN=$PORT_BASE GATEWAY=$((PORT_BASE + 1)) NGINX=$((PORT_BASE + 2))
JAR="$ROOT/samples/embedded/target/pingora-embedded.jar"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
missing=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v h2load >/dev/null || missing+=(nghttp2-client)
if ((${#missing[@]})); then apt-get install -y -qq "${missing[@]}" > "$RUN_DIR/apt.log" 2>&1; fi
NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)
[[ -f $JAR ]] || (cd "$ROOT" && ./mvnw -q -B -DskipTests package -pl samples/embedded -am)
one_kib=$(head -c 1023 < /dev/zero | tr '\0' 'k')
head -c 65536 /dev/zero | tr '\0' 'x' > "$RUN_DIR/www/64k"
sed -e "s|@PORT@|$ORIGIN|" -e "s|@PREFIX@|$RUN_DIR|g" -e "s|@ONE_KIB@|$one_kib|" "$ROOT/bench/conf/origin.conf" > "$RUN_DIR/origin.conf"
sed -e "s|@PORT@|$NGINX|" -e "s|@ORIGIN@|$ORIGIN|" -e "s|@PREFIX@|$RUN_DIR|g" "$ROOT/bench/conf/nginx-h2.conf" > "$RUN_DIR/nginx-h2.conf"
taskset -c 0 "$NGINX_BIN" -p "$RUN_DIR/tmp/origin/" -c "$RUN_DIR/origin.conf" -e "$RUN_DIR/origin.error.log" -g 'daemon off;' &
PIDS+=($!)
taskset -c 1 "$NGINX_BIN" -p "$RUN_DIR/tmp/h2/" -c "$RUN_DIR/nginx-h2.conf" -e "$RUN_DIR/nginx-h2.error.log" -g 'daemon off;' &
PIDS+=($!)
taskset -c 1 java -Xms"$HEAP" -Xmx"$HEAP" -jar "$JAR" --port "$GATEWAY" --upstream "127.0.0.1:$ORIGIN" --threads 1 --quiet \
  > "$RUN_DIR/gateway.log" 2>&1 &
GW=$!
PIDS+=("$GW")
for port in "$ORIGIN" "$NGINX" "$GATEWAY"; do
  for _ in $(seq 100); do curl -fsS -o /dev/null --http2-prior-knowledge "http://127.0.0.1:$port/small" 2>/dev/null && break
    curl -fsS -o /dev/null "http://127.0.0.1:$port/small" 2>/dev/null && break; sleep 0.2; done
done
# h2load on CPU 0; prints "req/s mean_ms"
load() {
  local url=$1 seconds=$2 out=$3
  taskset -c 0 timeout $((seconds + 30)) h2load -c "$CLIENTS" -m "$STREAMS" -D "$seconds" "$url" > "$out" 2>&1 || true
  awk '/finished in/ { for (i = 1; i <= NF; i++) if ($(i) ~ /req\/s/) rps = $(i - 1) }
       /time for request:/ { mean = $6; unit = mean; gsub(/[0-9.]/, "", unit); gsub(/[a-z]/, "", mean);
         if (unit == "us") mean /= 1000; else if (unit == "s") mean *= 1000 }
       /requests:/ && /succeeded/ { for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^failed/) failed = $(i) }
       END { printf "%.0f %.2f %s\n", rps, mean, failed + 0 }' "$out"
}
IFS=, read -r -a PATH_LIST <<< "$PATHS"
echo "warming the gateway up for $WARMUP s" >&2
load "http://127.0.0.1:$GATEWAY${PATH_LIST[0]}" "$WARMUP" "$RUN_DIR/warmup.txt" > /dev/null
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); cpus: $(nproc); $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "h2load -c $CLIENTS -m $STREAMS -D $DURATION (h2c, prior knowledge); $(h2load --version 2>&1 | head -n1); $("$NGINX_BIN" -v 2>&1)"
  echo
  echo "| target | path | req/s | mean ms | failed | × nginx |"
  echo "|---|---|---:|---:|---:|---:|"
  for path in "${PATH_LIST[@]}"; do
    read -r nginx_rps nginx_ms nginx_failed <<< "$(load "http://127.0.0.1:$NGINX$path" "$DURATION" "$RUN_DIR/nginx${path//\//_}.txt")"
    read -r gw_rps gw_ms gw_failed <<< "$(load "http://127.0.0.1:$GATEWAY$path" "$DURATION" "$RUN_DIR/gateway${path//\//_}.txt")"
    echo "| nginx (h2c) | $path | $nginx_rps | $nginx_ms | $nginx_failed | 1.00 |"
    echo "| gateway (h2c) | $path | $gw_rps | $gw_ms | $gw_failed | $(awk -v a="$gw_rps" -v b="$nginx_rps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }') |"
  done
  echo
  echo "Gateway RSS at the end: $(( $(awk '/VmRSS/ { print $2 }' "/proc/$GW/status") / 1024 )) MiB."
} | tee "$RUN_DIR/summary.md"
echo "details in ${RUN_DIR#"$ROOT"/}" >&2
