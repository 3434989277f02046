#!/usr/bin/env bash
# The gender-mainstreaming read path on SQLite and PostgreSQL, audit on, release build, on the demo
# data (seed 004's Kota Pekalongan: 31 strategic posts with their history, APE Utama, 4 advocacy
# targets read from 22 advocacy activities; synthetic posts in the other three cities):
#   gender facet:   a province ANALYST of Jawa Tengah reads Region.gender for all 35 regencies
#                   (award, share, prerequisites, advocacy, early warning with its appointments)
#   gender stats:   a national ANALYST reads genderStatistics by REGENCY, POST_KIND
#   gender series:  an OPERATOR of Pekalongan reads the women's share by MONTH, 2018-2026 (107 days)
#   terpilah:       an OPERATOR of Pekalongan reads disaggregation (every domain's 12 measures)
# each at 1 connection (latency) and at 32 (throughput) under wrk, with the gateway's peak RSS.
# Usage: bash bench/gender.sh   (DURATION=15s, NO_BUILD=1, BIN=..., QUERIES=...)
# Needs wrk (apt-get install wrk) and, for the PostgreSQL half, a server at $PG_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p keluarga-gateway
BIN=${BIN:-target/release/keluarga-gateway}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/keluarga_bench_gender}
DURATION=${DURATION:-15s}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
PORT=18083
PROVINCE=$("$BIN" token --role ANALYST --scope 33 2>/dev/null)
NATIONAL=$("$BIN" token --role ANALYST --scope "" 2>/dev/null)
OPERATOR=$("$BIN" token --role OPERATOR --scope 33.75 2>/dev/null)
FACET='{ region(code: \"33\") { children(first: 50) { edges { node { name gender(period: \"2022\") { currentAward { level } womenShareOfPosts { percent } prerequisitesMet advocacy { coverage { percent } } earlyWarning { raised appointments { startedOn holderSex } } } } } } } }'
STATS='{ genderStatistics(groupBy: [REGENCY, POST_KIND]) { region { code } postKind posts { posts filled women womenShare { percent } } } }'
SERIES='{ genderStatistics(filter: { regionCode: \"33.75\", from: \"2018-01-01\", to: \"2026-11-30\" }, groupBy: [MONTH]) { period posts { filled women womenShare { percent } } } }'
TERPILAH='{ disaggregation(regionCode: \"33.75\", period: \"2025\") { measures { domain key female male total suppressed } } }'
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
bench() {
  local label=$1 url=$2 pid
  "$BIN" --database "$url" seed --demo >/dev/null 2>&1
  script facet "$FACET" "$PROVINCE"
  script stats "$STATS" "$NATIONAL"
  script series "$SERIES" "$OPERATOR"
  script terpilah "$TERPILAH" "$OPERATOR"
  "$BIN" serve --listen 127.0.0.1:$PORT --database "$url" >"$DIR/log" 2>&1 &
  pid=$!
  until curl -sf "127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.1; done
  for q in ${QUERIES:-facet stats series terpilah}; do
    body=$(sed -n 's/^wrk.body   = \[\[\(.*\)\]\]$/\1/p' "$DIR/$q.lua")
    token=$(sed -n 's/^wrk.headers\["Authorization"\] = "Bearer \(.*\)"$/\1/p' "$DIR/$q.lua")
    out=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body" "127.0.0.1:$PORT/graphql")
    if ! grep -q '"data"' <<<"$out" || grep -q '"errors"' <<<"$out"; then
      echo "$q: the query failed: ${out:0:300}" >&2; kill $pid; exit 1
    fi
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
echo "reproduce: bash bench/gender.sh   (DURATION=60s for longer runs)"
