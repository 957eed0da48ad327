#!/usr/bin/env bash
# Runs an HTTP caching conformance suite (http-tests/cache-tests) against the gateway app with
# the cache on: starts pingora-gateway-app on 127.0.0.1:GATEWAY_PORT in front of the suite's
# origin on 127.0.0.1:ORIGIN_PORT, runs the suite's runner, stops the gateway.
#
# usage: bench/cache-conformance.sh RUNNER [OUT_DIR] [-- extra gateway arguments]
#   RUNNER  a script called as `RUNNER http://127.0.0.1:GATEWAY_PORT ORIGIN_PORT OUT_DIR` that
#           starts the suite's origin on ORIGIN_PORT and runs the suite through the proxy URL
#           (for example a wrapper around the suite's `npm run server` and its CLI client)
# environment: GATEWAY_PORT (default 18100), ORIGIN_PORT (default 18102)
set -euo pipefail
[[ $# -ge 1 ]] || { sed -n 2,10p "$0"; exit 2; }
RUNNER=$1; shift
OUT=${1:-/tmp/cache-conformance}; [[ $# -ge 1 && $1 != -- ]] && shift
[[ ${1:-} == -- ]] && shift
GATEWAY_PORT=${GATEWAY_PORT:-18100} ORIGIN_PORT=${ORIGIN_PORT:-18102}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/pingora-gateway-app/target/pingora-gateway-app.jar"
[[ -f $JAR ]] || (cd "$ROOT" && ./mvnw -q -B -DskipTests package -pl pingora-gateway-app -am)
mkdir -p "$OUT"
java -Xmx512m -jar "$JAR" --pingora.server.listeners[0].address=127.0.0.1:"$GATEWAY_PORT" --server.port=0 \
  --pingora.upstreams.demo.backends[0].address=127.0.0.1:"$ORIGIN_PORT" --gateway.demo.enabled=false \
  --pingora.cache.enabled=true --pingora.cache.status-header=X-Cache-Status "$@" > "$OUT/gateway.log" 2>&1 &
GATEWAY=$!
trap 'kill "$GATEWAY" 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$GATEWAY_PORT") 2>/dev/null && break; sleep 0.2; done
"$RUNNER" "http://127.0.0.1:$GATEWAY_PORT" "$ORIGIN_PORT" "$OUT"
