#!/usr/bin/env bash
# Profiles the gateway under load with JDK Flight Recorder: CPU samples and allocations.
#   nginx origin on CPU 0, the gateway (samples/embedded) on CPU 1, wrk on CPU 0,
#   --warmup seconds of load, then --duration seconds recorded.
# Prints the hottest methods (top of stack, and including callees) and the top allocation
# sites, and leaves the recording in bench/logs/profile-<timestamp>/gateway.jfr.
set -euo pipefail
WARMUP=60 DURATION=30 CONNS=50 PORT_BASE=28280 HEAP=512m EXTRA_JVM="" CACHE=0 TARGET_PATH=/small
while (($#)); do
  case "$1" in
    --warmup) WARMUP=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    --port-base) PORT_BASE=$2; shift 2 ;;
    --heap) HEAP=$2; shift 2 ;;
    --jvm) EXTRA_JVM=$2; shift 2 ;;
    --path) TARGET_PATH=$2; shift 2 ;;
    --cache) CACHE=1; TARGET_PATH=/c/small; shift ;;
    -h|--help) sed -n 2,6p "$0"; echo "options: --warmup S --duration S --connections N --port-base P --heap SIZE --jvm 'FLAGS' --path P --cache (cache hits on /c/small)"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR="$ROOT/bench/logs/profile-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$DIR/tmp"
ORIGIN=$PORT_BASE GATEWAY=$((PORT_BASE + 1))
GATEWAY_ARGS=()
# With --cache, the load goes to the gateway's caching server (same JVM, HTTP cache on).
TARGET_PORT=$GATEWAY
if ((CACHE)); then GATEWAY_ARGS=(--cache-port $((PORT_BASE + 2))); TARGET_PORT=$((PORT_BASE + 2)); fi
JAR="$ROOT/samples/embedded/target/pingora-embedded.jar"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
[[ -f $JAR ]] || (cd "$ROOT" && ./mvnw -q -B -DskipTests package -pl samples/embedded -am)
one_kib=$(head -c 1023 < /dev/zero | tr '\0' 'k')
sed -e "s|@PORT@|$ORIGIN|" -e "s|@PREFIX@|$DIR|g" -e "s|@ONE_KIB@|$one_kib|" "$ROOT/bench/conf/origin.conf" > "$DIR/origin.conf"
taskset -c 0 "$(command -v nginx || echo /usr/sbin/nginx)" -p "$DIR/" -c "$DIR/origin.conf" -g 'daemon off;' > "$DIR/origin.out" 2>&1 &
PIDS+=($!)
# shellcheck disable=SC2086
taskset -c 1 java -Xms"$HEAP" -Xmx"$HEAP" $EXTRA_JVM -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
  -jar "$JAR" --port "$GATEWAY" --upstream "127.0.0.1:$ORIGIN" --threads 1 --quiet "${GATEWAY_ARGS[@]}" \
  > "$DIR/gateway.log" 2>&1 &
GW=$!
PIDS+=("$GW")
for _ in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:$TARGET_PORT$TARGET_PATH" 2>/dev/null && break; sleep 0.2; done
taskset -c 0 timeout $((WARMUP + 30)) wrk -t1 -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:$TARGET_PORT$TARGET_PATH" > "$DIR/warmup.txt" 2>&1
jcmd "$GW" JFR.start name=profile settings=profile filename="$DIR/gateway.jfr" > /dev/null
taskset -c 0 timeout $((DURATION + 30)) wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$TARGET_PORT$TARGET_PATH" > "$DIR/load.txt" 2>&1
jcmd "$GW" JFR.stop name=profile > /dev/null
grep -E 'Requests/sec|Latency ' "$DIR/load.txt"
jfr print --stack-depth 64 --events jdk.ExecutionSample "$DIR/gateway.jfr" > "$DIR/samples.txt"
jfr print --stack-depth 64 --events jdk.ObjectAllocationSample "$DIR/gateway.jfr" > "$DIR/allocations.txt"
python3 - "$DIR" <<'PY'
import collections, re, sys
d = sys.argv[1]
top, incl = collections.Counter(), collections.Counter()
stacks = open(d + '/samples.txt').read().split('jdk.ExecutionSample')
for s in stacks:
    frames = re.findall(r'^\s+([\w.$<>]+)\(', s, re.M)
    if not frames:
        continue
    top[frames[0]] += 1
    for f in set(frames):
        incl[f] += 1
n = sum(top.values())
print(f'\n{n} CPU samples; hottest methods (self):')
for f, c in top.most_common(25):
    print(f'{100*c/n:5.1f}%  {f}')
print('\nincluding callees (dev.pingora and reactor.netty frames):')
for f, c in incl.most_common(400):
    if f.startswith(('dev.pingora', 'reactor.netty')):
        print(f'{100*c/n:5.1f}%  {f}')
alloc = collections.Counter()
for s in open(d + '/allocations.txt').read().split('jdk.ObjectAllocationSample'):
    m = re.search(r'objectClass = ([\w.$\[\]]+)', s)
    w = re.search(r'weight = ([\d.]+) (\w+)', s)
    frames = re.findall(r'^\s+([\w.$<>]+)\(', s, re.M)
    if m and w:
        mult = {'bytes': 1, 'kB': 1e3, 'MB': 1e6, 'GB': 1e9}.get(w.group(2), 1)
        alloc[(m.group(1), frames[0] if frames else '?')] += float(w.group(1)) * mult
tot = sum(alloc.values())
print(f'\nallocation samples, {tot/1e6:.0f} MB weighted; top sites:')
for (cls, site), b in alloc.most_common(25):
    print(f'{100*b/tot:5.1f}%  {cls}  at {site}')
PY
echo "recording: ${DIR#"$ROOT"/}/gateway.jfr"
