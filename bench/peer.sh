#!/usr/bin/env bash
# The gateway beside PostGraphile 5 (https://postgraphile.org, a benchmark tool only, never a
# dependency of the gateway), on the same PostgreSQL database with the same demo data, on the same
# machine: for each query pair (bench/peer/run.py: the OPERATOR list page, the nested regions, and
# one list of each other domain) it checks that both return the same rows, loads both alternately
# with wrk (-t2 -c32, best of ROUNDS rounds of DURATION each) and prints the table with the ratio
# gateway/PostGraphile. The gateway runs with its authentication, scope and audit log on;
# PostGraphile with none (the amber preset, no roles, no row-level security), its lists narrowed by
# a table condition (addPgTableCondition) as its users would write it. PostGraphile's statement for
# each pair is kept with its plan in bench/peer/plans/<pair>.txt (PG_LOG, the server's log).
# Usage: bash bench/peer.sh   (BIN=path/to/keluarga-gateway to measure another build, NO_BUILD=1 to
# skip the release build, DURATION=15s, ROUNDS=2, PAIRS="list nested" for some pairs only)
# Needs wrk (apt-get install wrk), psql, npm (PostGraphile and Node 22, from the npm package
# `node`, are installed into bench/peer/node_modules from bench/peer/package-lock.json), and a
# PostgreSQL server at $PG_URL (the database is dropped and created).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
if [ -z "${BIN:-}" ]; then
  [ -n "${NO_BUILD:-}" ] || cargo build --release -q
  BIN=target/release/keluarga-gateway
fi
BIN=$(realpath "$BIN")
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/keluarga_peer}
GW_PORT=18091
PEER_PORT=18092
EXPLAIN_PORT=18093
PG_LOG=${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
if [ ! -x bench/peer/node_modules/.bin/node ] || [ ! -d bench/peer/node_modules/postgraphile ]; then
  (cd bench/peer && npm ci --no-audit --no-fund --loglevel=error)
fi
DIR=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
psql "${PG_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${PG_URL##*/}" -qc "CREATE DATABASE ${PG_URL##*/}" >/dev/null
# No TLS on the loopback for either side (node-postgres, under PostGraphile, does not use it by default).
"$BIN" serve --listen 127.0.0.1:$GW_PORT --database "$PG_URL?sslmode=disable" >"$DIR/gateway.log" 2>&1 &
GW_PID=$!; pids+=("$GW_PID")
until curl -sf "127.0.0.1:$GW_PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$GW_PID" 2>/dev/null || { cat "$DIR/gateway.log" >&2; exit 1; }
  sleep 0.2
done
psql "$PG_URL" -q -v ON_ERROR_STOP=1 -f bench/peer/peer.sql >/dev/null
# Fresh tables have no planner statistics until autovacuum gets to them; both servers get them now.
psql "$PG_URL" -qc ANALYZE
# PostGraphile as its users run it: the amber preset and the scope as table conditions
# (bench/peer/graphile.config.mjs). A second one, connected as peer_explain, answers one request per
# pair so that PostgreSQL logs its statements with their plans (bench/peer/plans/); it is stopped
# before anything is measured.
peer() { # port, connection, log
  GRAPHILE_ENV=production bench/peer/node_modules/.bin/node \
    bench/peer/node_modules/postgraphile/dist/cli-run.js -C bench/peer/graphile.config.mjs \
    -c "$2" -s public -p "$1" -n 127.0.0.1 >"$3" 2>&1 &
  PEER_PID=$!; pids+=("$PEER_PID")
  until curl -sf -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' \
    "127.0.0.1:$1/graphql" >/dev/null 2>&1; do
    kill -0 "$PEER_PID" 2>/dev/null || { cat "$3" >&2; exit 1; }
    sleep 0.2
  done
}
if [ -r "$PG_LOG" ]; then
  peer $EXPLAIN_PORT "${PG_URL%//*}//peer_explain@${PG_URL#*@}" "$DIR/explain.log"
  EXPLAIN_PID=$PEER_PID
  EXPLAIN="http://127.0.0.1:$EXPLAIN_PORT/graphql" PG_LOG=$PG_LOG python3 bench/peer/run.py explain
  kill "$EXPLAIN_PID"; wait "$EXPLAIN_PID" 2>/dev/null || true
else
  echo "($PG_LOG is not readable: PostGraphile's plans are not taken)"
fi
peer $PEER_PORT "$PG_URL" "$DIR/peer.log"
echo "gateway $("$BIN" --version), PostGraphile $(node -p "require('./bench/peer/node_modules/postgraphile/package.json').version" 2>/dev/null || echo 5), $(psql "$PG_URL" -qAtc 'SHOW server_version')"
BIN=$BIN GATEWAY="http://127.0.0.1:$GW_PORT/graphql" PEER="http://127.0.0.1:$PEER_PORT/graphql" \
  python3 bench/peer/run.py
rss() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
# PostGraphile's node process may fork; report the process that serves.
echo
echo "peak RSS: gateway $(rss "$GW_PID") MB, PostGraphile $(rss "$PEER_PID") MB"
echo "reproduce: bash bench/peer.sh   (NO_BUILD=1, DURATION=15s, ROUNDS=2, PAIRS=\"list nested ketahanan ekonomi gender\")"
