#!/usr/bin/env bash
# Where the gateway's CPU goes on one query under load: perf samples the release build while wrk
# (-t2 -c32) runs the query, then prints the split by library and the top frames by self time
# (a flat flamegraph summary), and the statements PostgreSQL executed per request.
# Usage: bash bench/profile.sh   (QUERY=list|gender|nested, DURATION=12s, BIN=..., NO_BUILD=1)
# Needs perf (apt-get install linux-perf), wrk and a PostgreSQL server at $PG_URL (the database
# is dropped and created, then seeded with the demo data by the gateway's first start).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v perf >/dev/null || { echo "perf is not installed: apt-get install linux-perf" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
if [ -z "${BIN:-}" ]; then
  [ -n "${NO_BUILD:-}" ] || cargo build --release -q
  BIN=target/release/keluarga-gateway
fi
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/keluarga_profile}
DURATION=${DURATION:-12s}
PORT=18093
DIR=$(mktemp -d)
case ${QUERY:-list} in
  list) Q='{ children(first: 50) { edges { node { id person { fullName } latestMeasurement { measuredOn heightForAge { z } } } } } }'; TOKEN=$("$BIN" token --role OPERATOR --scope 31.71 2>/dev/null) ;;
  gender) Q='{ strategicPosts(first: 50) { edges { node { id title kind history { startedOn endedOn holder { fullName } } } } } }'; TOKEN=$("$BIN" token --role OPERATOR --scope 33.75 2>/dev/null) ;;
  nested) Q='{ region(code: \"33\") { children(first: 50) { edges { node { code name children(first: 50) { edges { node { code name } } } } } } } }'; TOKEN=$("$BIN" token --role ANALYST --scope 33 2>/dev/null) ;;
  *) echo "QUERY is list, gender or nested" >&2; exit 1 ;;
esac
cat >"$DIR/q.lua" <<LUA
wrk.method = "POST"
wrk.body   = [[{"query":"$Q"}]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
psql "${PG_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${PG_URL##*/}" -qc "CREATE DATABASE ${PG_URL##*/}" >/dev/null
"$BIN" serve --listen 127.0.0.1:$PORT --database "$PG_URL?sslmode=disable" >"$DIR/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf "127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.2; done
psql "$PG_URL" -qc ANALYZE
wrk -t2 -c32 -d3s -s "$DIR/q.lua" "http://127.0.0.1:$PORT/graphql" >/dev/null   # warm up
sleep 2   # PostgreSQL flushes a backend's counters at most once a second
before=$(psql "$PG_URL" -qAtc "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
wrk -t2 -c32 -d"$DURATION" -s "$DIR/q.lua" "http://127.0.0.1:$PORT/graphql" >"$DIR/wrk.txt" &
wpid=$!
sleep 2
perf record -q -F 499 -p $pid -o "$DIR/perf.data" -- sleep $(( ${DURATION%s} - 4 )) 2>/dev/null
wait $wpid
sleep 2
after=$(psql "$PG_URL" -qAtc "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
requests=$(awk '/requests in/ {print $1}' "$DIR/wrk.txt")
grep -E "Requests/sec|Latency" "$DIR/wrk.txt"
echo "statements (transactions) per request, audit included: $(awk -v a="$after" -v b="$before" -v r="$requests" 'BEGIN {printf "%.1f", (a - b - 2) / r}')"
echo "by library:"
perf report -i "$DIR/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep '%' | head -5
echo "top frames by self time:"
perf report -i "$DIR/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep '%' \
  | awk '{ $NF = ""; $(NF-1) = ""; print }' | cut -c1-140 | head -${TOP:-20}
