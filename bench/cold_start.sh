#!/usr/bin/env bash
# Cold start to a ready /readyz on SQLite: the first run (migrations incl. 91,599 regions + demo seed)
# and a later run on the same file. Usage: bash bench/cold_start.sh (BIN=... NO_BUILD=1 for another build)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${NO_BUILD:-}" ] || cargo build --release -q
BIN=${BIN:-target/release/keluarga-gateway}
DIR=$(mktemp -d)
PORT=18080
run() {
  local start end pid
  start=$(date +%s.%N)
  "$BIN" serve --listen 127.0.0.1:$PORT --database "sqlite://$DIR/k.sqlite?mode=rwc" >"$DIR/log" 2>&1 &
  pid=$!
  until curl -sf "127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.02; done
  end=$(date +%s.%N)
  kill -TERM $pid; wait $pid || true
  echo "$end - $start" | bc
}
first=$(run)
later1=$(run)
later2=$(run)
printf 'cold start, first run (migrate + 91,599 regions + demo seed): %.2f s\n' "$first"
printf 'cold start, later runs: %.2f s, %.2f s\n' "$later1" "$later2"
echo "reproduce: bash bench/cold_start.sh"
rm -rf "$DIR"
