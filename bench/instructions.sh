#!/usr/bin/env bash
# Gateway instructions per request for one query, counted by callgrind: repeatable to a few per
# cent whatever else the machine does, so builds can be compared on a busy or drifting machine
# (wall-clock figures here vary by up to 50 % between runs). Requests are sent one at a time:
# this counts the work of a request, not the cost of contention under load.
# For N = 0 and N = ROUNDS: the gateway runs under callgrind with instrumentation off, gets 5
# warm-up requests, instrumentation goes on, 3 more requests and then N; the figure is the
# difference of the two counts divided by ROUNDS.
# Usage: bash bench/instructions.sh   (QUERY=nested|gender|list, ROUNDS=20, BIN=..., NO_BUILD=1)
# Needs valgrind (apt-get install valgrind) and PostgreSQL at $PG_URL (the database is dropped
# and created, then seeded with the demo data by the gateway's first start).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed: apt-get install valgrind" >&2; exit 1; }
if [ -z "${BIN:-}" ]; then
  [ -n "${NO_BUILD:-}" ] || cargo build --release -q
  BIN=target/release/keluarga-gateway
fi
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/keluarga_instr}
ROUNDS=${ROUNDS:-20}
PORT=18098
DIR=$(mktemp -d)
case ${QUERY:-nested} in
  nested) Q='{ region(code: "33") { children(first: 50) { edges { node { code name children(first: 50) { edges { node { code name } } } } } } } }'; ROLE=ANALYST; SCOPE=33 ;;
  gender) Q='{ strategicPosts(first: 50) { edges { node { id title kind history { startedOn endedOn holder { fullName } } } } } }'; ROLE=OPERATOR; SCOPE=33.75 ;;
  list) Q='{ children(first: 50) { edges { node { id person { fullName } latestMeasurement { measuredOn heightForAge { z } } } } } }'; ROLE=OPERATOR; SCOPE=31.71 ;;
  *) echo "QUERY is nested, gender or list" >&2; exit 1 ;;
esac
TOKEN=$("$BIN" token --role $ROLE --scope $SCOPE 2>/dev/null)
BODY=$(Q=$Q python3 -c 'import json, os; print(json.dumps({"query": os.environ["Q"]}))')
URL="$PG_URL?sslmode=disable"
pid=
trap '[ -z "$pid" ] || kill $pid 2>/dev/null || true' EXIT
ready() { until curl -sf "127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do kill -0 $pid 2>/dev/null || { cat "$DIR/log" >&2; exit 1; }; sleep 0.3; done; }
ask() { for _ in $(seq "$1"); do
  curl -sf -o /dev/null -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
    --data "$BODY" "127.0.0.1:$PORT/graphql"
done; }
psql "${PG_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${PG_URL##*/}" -qc "CREATE DATABASE ${PG_URL##*/}" >/dev/null
"$BIN" serve --listen 127.0.0.1:$PORT --database "$URL" >"$DIR/log" 2>&1 & pid=$!
ready; psql "$PG_URL" -qc ANALYZE; kill -INT $pid; wait $pid 2>/dev/null || true; pid=
count() {
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$DIR/cg.out" \
    "$BIN" serve --listen 127.0.0.1:$PORT --database "$URL" >"$DIR/log" 2>&1 & pid=$!
  ready; ask 5
  callgrind_control -i on $pid >/dev/null 2>&1; ask $(( 3 + $1 ))
  sleep 0.3; callgrind_control -i off $pid >/dev/null 2>&1
  kill -INT $pid; wait $pid 2>/dev/null || true; pid=
  awk '/Collected/ {print $4}' "$DIR/log"
}
base=$(count 0); with=$(count "$ROUNDS")
echo "$("$BIN" --version), query ${QUERY:-nested}: $(( (with - base) / ROUNDS )) instructions per request ($ROUNDS requests)"
