#!/usr/bin/env bash
# The ekonomi-keluarga read path on SQLite and PostgreSQL, audit on, release build: the demo data
# plus a city of 100,000 families (examples/gen_city.rs: Kota Surabaya, 35.78), then
#   priority first: an OPERATOR of the city reads the first page (50 rows) of the priority list
#   priority deep:  the same, the page after the middle row (a keyset cursor, ~ row 28,800),
#                   without `rank` (deep) and with it (deeprank: one more count over the rows before)
#   ekonomi facet:  a DASHBOARD of Kota Mojokerto reads the city's and its 3 kecamatan's facet
#   ekonomi stats:  a national ANALYST reads ekonomiStatistics by REGENCY for 2026 (every section)
# each at 1 connection (latency) and at 32 (throughput) under wrk, with the gateway's peak RSS.
# Usage: bash bench/ekonomi.sh   (FAMILIES=100000, DURATION=15s, NO_BUILD=1, BIN=..., QUERIES=...)
# Needs wrk (apt-get install wrk) and, for the PostgreSQL half, a server at $PG_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p keluarga-gateway -p ekonomi-keluarga --examples --bins
BIN=${BIN:-target/release/keluarga-gateway}
GEN=target/release/examples/gen_city
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/keluarga_bench_ekonomi}
FAMILIES=${FAMILIES:-100000}
DURATION=${DURATION:-15s}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
PORT=18082
CITY=35.78
OPERATOR=$("$BIN" token --role OPERATOR --scope $CITY 2>/dev/null)
DASHBOARD=$("$BIN" token --role DASHBOARD --scope 35.76 2>/dev/null)
NATIONAL=$("$BIN" token --role ANALYST --scope "" 2>/dev/null)
PAGE='priorityList(first: 50__AFTER__) { edges { cursor node { __RANK__family { id } children decile inUp2k assisted reasons { rule explanation } } } }'
FACET='{ region(code: \"35.76\") { ekonomiKeluarga(period: \"2026\") { pekka pekkaPer1000 up2kGroups up2kMembers assistanceTotal suppressed } children(first: 50) { edges { node { name ekonomiKeluarga(period: \"2026\") { pekka up2kGroups up2kMembers assistanceTotal suppressed } } } } } }'
STATS='{ ekonomiStatistics(filter: { from: \"2026-01-01\", to: \"2026-12-31\" }, groupBy: [REGENCY]) { region { code } pekka { count per1000 inUp2k { percent } } groups members { members } assistance { total } income { reports medianRevenue } incomeChange { recipients changePercent } } }'
script() { # name query token
  cat >"$DIR/$1.lua" <<LUA
wrk.method = "POST"
wrk.body   = [[{"query":"$2"}]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $3"
done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, %.1f req/s, %d requests, %d errors\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6), summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
}
post() { # query token
  curl -sf -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "{\"query\":\"$1\"}" "127.0.0.1:$PORT/graphql"
}
bench() {
  local label=$1 url=$2 pid cursor
  "$BIN" --database "$url" seed --demo >/dev/null 2>&1
  cursor=$("$GEN" "$url" "$FAMILIES" "$CITY" 2>"$DIR/gen.log")
  printf '%s: %s\n' "$label" "$(cat "$DIR/gen.log")"
  local page=${PAGE/__RANK__/rank } bare=${PAGE/__RANK__/}
  script first "{ ${page/__AFTER__/} }" "$OPERATOR"
  script deep "{ ${bare/__AFTER__/, after: \\\"$cursor\\\"} }" "$OPERATOR"
  script deeprank "{ ${page/__AFTER__/, after: \\\"$cursor\\\"} }" "$OPERATOR"
  script facet "$FACET" "$DASHBOARD"
  script stats "$STATS" "$NATIONAL"
  "$BIN" serve --listen 127.0.0.1:$PORT --database "$url" >"$DIR/log" 2>&1 &
  pid=$!
  until curl -sf "127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.1; done
  for q in ${QUERIES:-first deep deeprank facet stats}; do
    body=$(sed -n 's/^wrk.body   = \[\[\(.*\)\]\]$/\1/p' "$DIR/$q.lua")
    token=$(sed -n 's/^wrk.headers\["Authorization"\] = "Bearer \(.*\)"$/\1/p' "$DIR/$q.lua")
    out=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body" "127.0.0.1:$PORT/graphql")
    if ! grep -q '"data"' <<<"$out" || grep -q '"errors"' <<<"$out"; then
      echo "$q: the query failed: ${out:0:300}" >&2; kill $pid; exit 1
    fi
    [ "$q" = deeprank ] && printf '%s, priority deep: first rank on the page %s\n' "$label" "$(grep -o '"rank":[0-9]*' <<<"$out" | head -1)"
    for c in 1 32; do
      printf '%s, %s, %2d connection(s): ' "$label" "$q" "$c"
      wrk -t$((c > 1 ? 2 : 1)) -c$c -d"$DURATION" --timeout 60s -s "$DIR/$q.lua" "http://127.0.0.1:$PORT/graphql" | tail -n 1
    done
  done
  printf '%s: peak RSS %s MB\n' "$label" "$(awk '/VmHWM/ {printf "%.1f", $2/1024}' /proc/$pid/status)"
  kill -TERM $pid; wait $pid || true
}
bench sqlite "sqlite://$DIR/k.sqlite?mode=rwc"
if psql "${PG_URL%/*}/postgres" -qAtc 'SELECT 1' >/dev/null 2>&1; then
  psql "${PG_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${PG_URL##*/}" -qc "CREATE DATABASE ${PG_URL##*/}" >/dev/null
  bench postgres "$PG_URL"
  psql "${PG_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${PG_URL##*/}" >/dev/null
else
  echo "postgres: skipped (no server at $PG_URL)"
fi
echo "reproduce: bash bench/ekonomi.sh   (FAMILIES=... for another city size, DURATION=60s for longer runs)"
