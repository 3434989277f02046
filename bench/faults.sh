#!/usr/bin/env bash
# Fault drills on the release build over PostgreSQL, each printing its figures:
#   restart  PostgreSQL stopped for STOP_SECS under load, then started again: requests fail fast
#            with UNAVAILABLE, /readyz says 503, and the same gateway process serves again.
#   sigterm  SIGTERM under load: requests in flight finish, new ones are refused, the audit queue
#            is written out before the process exits.
#   soak     SOAK_SECS (600) of mixed reads and writes: server errors and RSS over time.
# Usage: bash bench/faults.sh [restart] [sigterm] [soak]   (all three by default; BIN=...,
# NO_BUILD=1, CONFIG_DIR=config, THREADS=8, SOAK_SECS=600). Needs root for the restart drill (pg_ctlcluster, or set
# PG_STOP / PG_START), python3, and PostgreSQL at $PG_URL (the database is dropped and created).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  [ -n "${NO_BUILD:-}" ] || cargo build --release -q
  BIN=target/release/keluarga-gateway
fi
DRILLS=${*:-restart sigterm soak}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/keluarga_faults}
CLUSTER=${CLUSTER:-$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')}
PG_STOP=${PG_STOP:-pg_ctlcluster $CLUSTER stop -m fast}
PG_START=${PG_START:-pg_ctlcluster $CLUSTER start}
STOP_SECS=${STOP_SECS:-10}
SOAK_SECS=${SOAK_SECS:-600}
export THREADS=${THREADS:-8}
PORT=18097
DIR=$(mktemp -d)
GW=""
cleanup() { [ -z "$GW" ] || kill "$GW" 2>/dev/null || true; }
trap cleanup EXIT

LIST='{"query":"query ListPage { children(first: 50) { edges { node { id person { fullName } latestMeasurement { measuredOn heightForAge { z } } } } } }"}'
NESTED='{"query":"query Nested { region(code: \"33\") { children(first: 50) { edges { node { code name children(first: 50) { edges { node { code name } } } } } } } }"}'
STATS='{"query":"query Stats { stuntingStatistics(groupBy: [DISTRICT]) { region { code } childrenMeasured stunting { percent } suppressed } }"}'
WRITE='{"query":"mutation Write { createOrganisation(input: { name: \"Posyandu Soak\", kind: TP_PKK, regionCode: \"31.71.01.1001\" }) { id } }"}'
printf '%s\n' "$LIST" >"$DIR/list"
printf '%s\n%s\n%s\n%s\n' "$LIST" "$NESTED" "$LIST" "$STATS" >"$DIR/mixed"
CONFIG_DIR=${CONFIG_DIR:-config}   # the configuration folder of the build run
token() { "$BIN" --config "$CONFIG_DIR" token --role "$1" --scope "$2" 2>/dev/null; }
TOKEN=$(token OPERATOR 31.71)

fresh_db() {
  psql "${PG_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${PG_URL##*/} WITH (FORCE)" \
    -qc "CREATE DATABASE ${PG_URL##*/}" >/dev/null
}
start_gateway() {
  "$BIN" --config "$CONFIG_DIR" serve --listen 127.0.0.1:$PORT --database "$PG_URL?sslmode=disable" >>"$DIR/gateway.log" 2>&1 &
  GW=$!
  until curl -sf "127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.2; done
}
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$GW/status"; }
audit_rows() { psql "$PG_URL" -qAtc "SELECT count(*) FROM audit_log"; }
drive() { python3 bench/faults/driver.py 127.0.0.1 $PORT "$TOKEN" "$1" "$2"; }
summary() { python3 bench/faults/summary.py "$@"; }

echo "gateway $("$BIN" --version), $(psql "${PG_URL%/*}/postgres" -qAtc 'SHOW server_version'), $THREADS client threads"
fresh_db
start_gateway
psql "$PG_URL" -qc ANALYZE

for drill in $DRILLS; do
case $drill in
restart)
  echo "== restart: PostgreSQL stopped at 10 s for ${STOP_SECS} s under load (list page)"
  pid_before=$GW
  DURATION=$((25 + STOP_SECS)) drive "$DIR/list" "$DIR/restart.log" &
  driver=$!
  until [ -s "$DIR/restart.log.t0" ]; do sleep 0.05; done
  t_drv=$(cat "$DIR/restart.log.t0")
  since() { echo "$(date +%s.%N) - $t_drv" | bc; }
  : >"$DIR/ready.log"
  ( while kill -0 $driver 2>/dev/null; do
      at=$(echo "$(date +%s.%N) - $t_drv" | bc)
      answer=$(curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}' "127.0.0.1:$PORT/readyz" || true)
      echo "$at $answer" >>"$DIR/ready.log"; sleep 0.5
    done ) &
  sleep 10; stop_at=$(since); $PG_STOP; down_at=$(since)
  sleep "$STOP_SECS"; start_at=$(since); $PG_START; up_at=$(since)
  wait $driver
  summary "$DIR/restart.log" "before:0:$stop_at" "stopping (pg_ctlcluster):$stop_at:$down_at" \
    "database down:$down_at:$start_at" "starting (pg_ctlcluster):$start_at:$up_at" \
    "started, first 5 s:$up_at:$(echo "$up_at + 5" | bc)" "after that:$(echo "$up_at + 5" | bc):999"
  first_ok=$(awk -v u=$start_at '$1 >= u && $3 == "ok" {print $1; exit}' "$DIR/restart.log")
  echo "  stop took $(echo "$down_at - $stop_at" | bc) s, start $(echo "$up_at - $start_at" | bc) s; first answer with data $(echo "$first_ok - $start_at" | bc) s after the start began"
  echo "  /readyz while down (status ×count): $(awk -v d=$down_at -v u=$start_at '$1 >= d && $1 < u {print $2}' "$DIR/ready.log" | sort | uniq -c | awk '{print $2" ×"$1}' | xargs)"
  echo "  /readyz while down, slowest answer: $(awk -v d=$down_at -v u=$start_at '$1 >= d && $1 < u && $3 > m {m = $3} END {printf "%.3f s", m}' "$DIR/ready.log")"
  echo "  requests sent while down (after the probe's first second): slowest UNAVAILABLE $(awk -v d=$down_at -v u=$start_at '$1 >= d + 1 && $1 < u && $3 == "UNAVAILABLE" && $2 > m {m = $2} END {printf "%.1f ms", m}' "$DIR/restart.log"); first UNAVAILABLE answered $(awk -v d=$down_at '$1 >= d && $3 == "UNAVAILABLE" {printf "%.2f s", $1 + $2 / 1000 - d; exit}' "$DIR/restart.log") after the stop finished"
  echo "  /readyz at the end: $(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$PORT/readyz"); same process: $([ "$pid_before" = "$GW" ] && kill -0 "$GW" && echo yes || echo no)"
  ;;
sigterm)
  echo "== sigterm: SIGTERM at 5 s under load (list page)"
  curl -s -o /dev/null -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
    --data "$LIST" "127.0.0.1:$PORT/graphql"
  sleep 2
  before=$(audit_rows)
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    curl -s -o /dev/null -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
      --data "$LIST" "127.0.0.1:$PORT/graphql"
  done
  sleep 2
  per_request=$(( ($(audit_rows) - before) / 10 ))
  before=$(audit_rows)
  DURATION=10 drive "$DIR/list" "$DIR/sigterm.log" &
  driver=$!
  until [ -s "$DIR/sigterm.log.t0" ]; do sleep 0.05; done
  t_drv=$(cat "$DIR/sigterm.log.t0")
  sleep 5
  t_term=$(date +%s.%N); kill -TERM "$GW"
  at=$(echo "$t_term - $t_drv" | bc)
  wait "$GW" && status=$? || status=$?
  t_exit=$(date +%s.%N); GW=""
  wait $driver
  ok=$(awk '$3 == "ok"' "$DIR/sigterm.log" | wc -l)
  summary "$DIR/sigterm.log" "before SIGTERM:0:$at" "after SIGTERM:$at:999"
  after=$(audit_rows)
  echo "  exit status $status, $(echo "$t_exit - $t_term" | bc) s after SIGTERM"
  echo "  audit rows: $((after - before)) written for $ok answered list pages ($per_request per page: $((ok * per_request)) expected)"
  if [ $((after - before)) -eq $((ok * per_request)) ]; then
    echo "  every answered page was audited, and no refused or dropped request ran (refused: no"
    echo "  connection could be opened; dropped: a kept-alive connection the stopping server closed as"
    echo "  the request was sent)"
  fi
  start_gateway
  ;;
soak)
  echo "== soak: ${SOAK_SECS} s of list pages, nested regions and statistics (OPERATOR 31.71), plus writes"
  TOKEN_ADMIN=$(token ADMIN "")
  printf '%s\n' "$WRITE" >"$DIR/write"
  DURATION=$SOAK_SECS drive "$DIR/mixed" "$DIR/soak.log" &
  driver=$!
  THREADS=1 DURATION=$SOAK_SECS python3 bench/faults/driver.py 127.0.0.1 $PORT "$TOKEN_ADMIN" "$DIR/write" "$DIR/soak-write.log" &
  writer=$!
  : >"$DIR/rss.log"
  t=0
  while kill -0 $driver 2>/dev/null; do
    echo "$t $(rss_mb)" >>"$DIR/rss.log"; sleep 10; t=$((t + 10))
  done
  wait $driver $writer
  summary "$DIR/soak.log" "first minute:0:60" "the rest:60:99999"
  summary "$DIR/soak-write.log" "writes:0:99999"
  awk 'NR == 1 {f = $2} {if ($2 > m) m = $2; if ($1 == 60) a = $2; l = $2}
       END {printf "  RSS MB: at start %s, at 60 s %s, at the end %s, peak %s\n", f, a, l, m}' "$DIR/rss.log"
  awk '$1 % 60 == 0 {printf "%s%s", (n++ ? " " : "  RSS MB by minute: "), $2} END {print ""}' "$DIR/rss.log"
  errors=$(grep -c '"level":"ERROR"\| ERROR ' "$DIR/gateway.log" || true)
  echo "  server error log lines: $errors"
  ;;
*) echo "unknown drill $drill (restart, sigterm, soak)" >&2; exit 1 ;;
esac
done
