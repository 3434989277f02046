#!/usr/bin/env bash
# Latency (p50, p99) and throughput of the nested region query under 32 concurrent connections
# (wrk), on SQLite and on PostgreSQL, with the gateway's peak RSS. Usage: bash bench/load.sh
# Needs wrk (apt-get install wrk) and, for the PostgreSQL half, a server at $PG_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
[ -n "${NO_BUILD:-}" ] || cargo build --release -q
BIN=target/release/keluarga-gateway
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/keluarga_bench}
DURATION=${DURATION:-20s}
DIR=$(mktemp -d)
PORT=18081
QUERY='{ region(code: \"33\") { children(first: 50) { edges { node { code name children(first: 50) { edges { node { code name } } } } } } } }'
TOKEN=$("$BIN" token --role ANALYST --scope 33 2>/dev/null)
cat >"$DIR/post.lua" <<LUA
wrk.method = "POST"
wrk.body   = [[{"query":"$QUERY"}]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, %.0f req/s, %d requests, %d errors\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6), summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
bench() {
  local label=$1 url=$2 pid
  "$BIN" serve --listen 127.0.0.1:$PORT --database "$url" >"$DIR/log" 2>&1 &
  pid=$!
  until curl -sf "127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.1; done
  curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"query\":\"$QUERY\"}" "127.0.0.1:$PORT/graphql" | grep -q '"code":"33.01.01"' || { echo "query failed" >&2; kill $pid; exit 1; }
  printf '%s: ' "$label"
  wrk -t2 -c32 -d"$DURATION" -s "$DIR/post.lua" "http://127.0.0.1:$PORT/graphql" | tail -n 1
  printf '%s: peak RSS %s MB\n' "$label" "$(awk '/VmHWM/ {printf "%.1f", $2/1024}' /proc/$pid/status)"
  kill -TERM $pid; wait $pid || true
}
bench sqlite "sqlite://$DIR/k.sqlite?mode=rwc"
if psql "${PG_URL%/*}/postgres" -qAtc 'SELECT 1' >/dev/null 2>&1; then
  psql "${PG_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${PG_URL##*/}" -qc "CREATE DATABASE ${PG_URL##*/}" >/dev/null
  bench postgres "$PG_URL"
else
  echo "postgres: skipped (no server at $PG_URL)"
fi
echo "reproduce: bash bench/load.sh   (DURATION=60s for longer runs)"
rm -rf "$DIR"
