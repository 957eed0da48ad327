#!/usr/bin/env bash
# Runs one proxy experiment of bench/experiments (or the gateway) against an nginx origin:
#   the origin on CPU 0 (port P), the proxy on CPU 1 (port P+1), wrk on CPU 0;
#   90 s of warm-up in 10 s chunks, then one 20 s measured cell of /small at 50 connections,
#   then 10 s direct to the origin for the ratio.
# usage: bench/experiments/run.sh raw|half|gateway [--port-base P]
set -euo pipefail
WHAT=${1:?raw, half or gateway}; shift
PORT_BASE=28480
while (($#)); do
  case "$1" in
    --port-base) PORT_BASE=$2; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/samples/embedded/target/pingora-embedded.jar"
[[ -f $JAR ]] || (cd "$ROOT" && ./mvnw -q -B -DskipTests package -pl samples/embedded -am)
ORIGIN=$PORT_BASE PROXY=$((PORT_BASE + 1))
DIR="$ROOT/bench/logs/experiment-$WHAT-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$DIR/tmp"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
one_kib=$(head -c 1023 < /dev/zero | tr '\0' 'k')
sed -e "s|@PORT@|$ORIGIN|" -e "s|@PREFIX@|$DIR|g" -e "s|@ONE_KIB@|$one_kib|" "$ROOT/bench/conf/origin.conf" > "$DIR/origin.conf"
taskset -c 0 "$(command -v nginx || echo /usr/sbin/nginx)" -p "$DIR/" -c "$DIR/origin.conf" -g 'daemon off;' > "$DIR/origin.out" 2>&1 &
PIDS+=($!)
JVM=(-Xms512m -Xmx512m)
case "$WHAT" in
  raw) CMD=(java "${JVM[@]}" -Dorigin="$ORIGIN" -Dport="$PROXY" -cp "$JAR" "$ROOT/bench/experiments/RawProxy.java") ;;
  half) CMD=(java "${JVM[@]}" -Dorigin="$ORIGIN" -Dport="$PROXY" -cp "$JAR" "$ROOT/bench/experiments/HalfProxy.java") ;;
  gateway) CMD=(java "${JVM[@]}" -jar "$JAR" --port "$PROXY" --upstream "127.0.0.1:$ORIGIN" --threads 1 --quiet) ;;
  *) echo "unknown experiment: $WHAT" >&2; exit 2 ;;
esac
taskset -c 1 "${CMD[@]}" > "$DIR/proxy.log" 2>&1 &
PX=$!
PIDS+=("$PX")
for _ in $(seq 150); do curl -fsS -o /dev/null "http://127.0.0.1:$PROXY/small" 2>/dev/null && break; sleep 0.2; done
for chunk in $(seq 9); do
  taskset -c 0 timeout 40 wrk -t1 -c50 -d10s "http://127.0.0.1:$PROXY/small" | awk -v c="$chunk" '/Requests\/sec/ { print "warm-up " c * 10 " s: " $2 }'
done
taskset -c 0 timeout 60 wrk -t1 -c50 -d20s --latency "http://127.0.0.1:$PROXY/small" > "$DIR/proxy.txt"
taskset -c 0 timeout 40 wrk -t1 -c50 -d10s --latency "http://127.0.0.1:$ORIGIN/small" > "$DIR/direct.txt"
rps() { awk '/Requests\/sec/ { print $2 }' "$1"; }
p99() { awk '/ 99%/ { print $2 }' "$1"; }
echo "$WHAT: $(rps "$DIR/proxy.txt") req/s, p99 $(p99 "$DIR/proxy.txt"); direct $(rps "$DIR/direct.txt") req/s; RSS $(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$PX/status") MiB"
