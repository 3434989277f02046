#!/usr/bin/env bash
# Throughput and latency (p50, p99) under 32 concurrent connections (wrk), on SQLite and on
# PostgreSQL, of four queries, with the gateway's peak RSS (audit log on, as in production):
#   list page:       an OPERATOR of Jakarta Pusat reads 50 children with names and latest measurement
#   nested regions:  an ANALYST of Jawa Tengah reads its regencies and their districts (611 regions)
#   ketahanan facet: a DASHBOARD of Kota Pekalongan reads the city's and its 4 kecamatan's
#                    ketahananKeluarga facet (families, mean index, R-IKK, cadres, lokus)
#   ketahanan stats: a national ANALYST reads ketahananStatistics by district with visits and cadres
# (QUERIES="nested list facet kstats" by default)
# Usage: bash bench/load.sh   (BIN=path/to/keluarga-gateway to measure another build,
# DURATION=60s for longer runs, NO_BUILD=1 to skip the release build, QUERIES="list" for one query,
# CONNECTIONS=1 for the latency of one request at a time;
# the nested query runs first so that the list page's audit backlog cannot slow it)
# Needs wrk (apt-get install wrk) and, for the PostgreSQL half, a server at $PG_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
if [ -z "${BIN:-}" ]; then
  [ -n "${NO_BUILD:-}" ] || cargo build --release -q
  BIN=target/release/keluarga-gateway
fi
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/keluarga_bench}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=$(( CONNECTIONS < 2 ? 1 : 2 ))
DIR=$(mktemp -d)
PORT=18081
NESTED='{ region(code: \"33\") { children(first: 50) { edges { node { code name children(first: 50) { edges { node { code name } } } } } } } }'
LIST='{ children(first: 50) { edges { node { id person { fullName } latestMeasurement { measuredOn heightForAge { z } } } } } }'
FACET='{ region(code: \"33.75\") { ketahananKeluarga(period: \"2026\") { familiesAssessed meanIndex rIkk cadresActive cadreTarget } children(first: 50) { edges { node { name ketahananKeluarga(period: \"2026\") { familiesAssessed meanIndex rIkk cadresActive lokusVillages suppressed } } } } } }'
KSTATS='{ ketahananStatistics(filter: { from: \"2026-01-01\", to: \"2026-12-31\" }, groupBy: [DISTRICT]) { region { code } familiesAssessed meanIndex rIkk visits { visits byIssue { issue visits } } cadres { recruited active } suppressed } }'
ANALYST=$("$BIN" token --role ANALYST --scope 33 2>/dev/null)
NATIONAL=$("$BIN" token --role ANALYST --scope "" 2>/dev/null)
DASHBOARD=$("$BIN" token --role DASHBOARD --scope 33.75 2>/dev/null)
OPERATOR=$("$BIN" token --role OPERATOR --scope 31.71 2>/dev/null)
script() { # name query token
  cat >"$DIR/$1.lua" <<LUA
wrk.method = "POST"
wrk.body   = [[{"query":"$2"}]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $3"
done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, %.0f req/s, %d requests, %d errors\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6), summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
}
script nested "$NESTED" "$ANALYST"
script list "$LIST" "$OPERATOR"
script facet "$FACET" "$DASHBOARD"
script kstats "$KSTATS" "$NATIONAL"
check() { # query token expected-substring
  curl -sf -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
    -d "{\"query\":\"$1\"}" "127.0.0.1:$PORT/graphql" | grep -q "$3"
}
bench() {
  local label=$1 url=$2 pid
  "$BIN" serve --listen 127.0.0.1:$PORT --database "$url" >"$DIR/log" 2>&1 &
  pid=$!
  until curl -sf "127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.1; done
  # The gateway ANALYZEs after its first-start seed; older builds (BIN=...) did not.
  case $url in postgres*) psql "$url" -qc ANALYZE ;; esac
  for q in ${QUERIES:-nested list facet kstats}; do
    case $q in
      nested) name='nested regions'; check "$NESTED" "$ANALYST" '"code":"33.01.01"' ;;
      list) name='list page'; check "$LIST" "$OPERATOR" '"fullName"' ;;
      facet) name='ketahanan facet'; check "$FACET" "$DASHBOARD" '"rIkk"' ;;
      kstats) name='ketahanan stats'; check "$KSTATS" "$NATIONAL" '"familiesAssessed"' ;;
    esac || { echo "$q: the query failed" >&2; kill $pid; exit 1; }
    printf '%s, %s: ' "$label" "$name"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$DIR/$q.lua" "http://127.0.0.1:$PORT/graphql" | tail -n 1
  done
  printf '%s: peak RSS %s MB\n' "$label" "$(awk '/VmHWM/ {printf "%.1f", $2/1024}' /proc/$pid/status)"
  kill -TERM $pid; wait $pid || true
}
bench sqlite "sqlite://$DIR/k.sqlite?mode=rwc"
if psql "${PG_URL%/*}/postgres" -qAtc 'SELECT 1' >/dev/null 2>&1; then
  psql "${PG_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${PG_URL##*/}" -qc "CREATE DATABASE ${PG_URL##*/}" >/dev/null
  bench postgres "$PG_URL?sslmode=disable"   # no TLS on the loopback, as in the figures before TLS was built
else
  echo "postgres: skipped (no server at $PG_URL)"
fi
echo "reproduce: bash bench/load.sh   (BIN=... for another build, DURATION=60s for longer runs)"
rm -rf "$DIR"
