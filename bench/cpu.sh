#!/usr/bin/env bash
# CPU time per request of the gateway and of its PostgreSQL backends under load: wrk (-t2 -c32)
# runs one query for DURATION, and the processes' user+system time (from /proc) is divided by the
# requests served. Splits a page's cost by field when run with smaller queries (Q=...).
# Usage: bash bench/cpu.sh   (QUERY=gender|list|nested, or Q='{ ... }' with TOKEN_ROLE/TOKEN_SCOPE;
# DURATION=10s, BIN=..., NO_BUILD=1). Needs wrk (apt-get install wrk) and PostgreSQL at $PG_URL
# (the database is dropped and created, then seeded with the demo data by the gateway).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
if [ -z "${BIN:-}" ]; then
  [ -n "${NO_BUILD:-}" ] || cargo build --release -q
  BIN=target/release/keluarga-gateway
fi
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/keluarga_cpu}
DURATION=${DURATION:-10s}
PORT=18095
DIR=$(mktemp -d)
case ${QUERY:-gender} in
  gender) DQ='{ strategicPosts(first: 50) { edges { node { id title kind history { startedOn endedOn holder { fullName } } } } } }'; ROLE=OPERATOR; SCOPE=33.75 ;;
  list) DQ='{ children(first: 50) { edges { node { id person { fullName } latestMeasurement { measuredOn heightForAge { z } } } } } }'; ROLE=OPERATOR; SCOPE=31.71 ;;
  nested) DQ='{ region(code: \"33\") { children(first: 50) { edges { node { code name children(first: 50) { edges { node { code name } } } } } } } }'; ROLE=ANALYST; SCOPE=33 ;;
  *) echo "QUERY is gender, list or nested (or set Q)" >&2; exit 1 ;;
esac
Q=${Q:-$DQ}
TOKEN=$("$BIN" token --role "${TOKEN_ROLE:-$ROLE}" --scope "${TOKEN_SCOPE:-$SCOPE}" 2>/dev/null)
psql "${PG_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${PG_URL##*/}" -qc "CREATE DATABASE ${PG_URL##*/}" >/dev/null
"$BIN" serve --listen 127.0.0.1:$PORT --database "$PG_URL?sslmode=disable" >"$DIR/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf "127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.2; done
psql "$PG_URL" -qc ANALYZE
cat >"$DIR/q.lua" <<LUA
wrk.method = "POST"
wrk.body   = [[{"query":"$Q"}]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
wrk -t2 -c32 -d3s -s "$DIR/q.lua" "http://127.0.0.1:$PORT/graphql" >/dev/null   # warm up
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pg_ticks() { local s=0 p; for p in $(pgrep -f "postgres: .*${PG_URL##*/}"); do s=$((s + $(ticks "$p"))); done; echo $s; }
hz=$(getconf CLK_TCK)
g0=$(ticks $pid); p0=$(pg_ticks)
wrk -t2 -c32 -d"$DURATION" -s "$DIR/q.lua" "http://127.0.0.1:$PORT/graphql" >"$DIR/wrk.txt"
g1=$(ticks $pid); p1=$(pg_ticks)
requests=$(awk '/requests in/ {print $1}' "$DIR/wrk.txt")
grep -E "Requests/sec" "$DIR/wrk.txt"
awk -v g=$((g1 - g0)) -v p=$((p1 - p0)) -v r="$requests" -v hz="$hz" \
  'BEGIN { printf "CPU per request: gateway %.3f ms, PostgreSQL backends %.3f ms\n", g * 1000 / hz / r, p * 1000 / hz / r }'
