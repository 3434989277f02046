#!/usr/bin/env bash
# The hostile documents of the attack report (issue "Hostile input") and the worst documents
# within the limits, sent to the release build on SQLite with the demo data: each one's answer
# and time (best and worst of REPEAT), then whether the process survived.
# Usage: bash bench/hostile.sh   (NO_BUILD=1, BIN=..., REPEAT=5, PORT=18098)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18098}
if [ -z "${BIN:-}" ]; then
  [ -n "${NO_BUILD:-}" ] || cargo build --release -q
  BIN=target/release/keluarga-gateway
fi
DIR=$(mktemp -d)
GW=""
cleanup() { [ -z "$GW" ] || kill "$GW" 2>/dev/null || true; }
trap cleanup EXIT
"$BIN" --config config serve --listen 127.0.0.1:$PORT --database "sqlite://$DIR/h.sqlite?mode=rwc" >"$DIR/gateway.log" 2>&1 &
GW=$!
until curl -sf "127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$GW" 2>/dev/null || { cat "$DIR/gateway.log"; exit 1; }
  sleep 0.3
done
echo "gateway $("$BIN" --version), SQLite with the demo data"
python3 bench/hostile/run.py 127.0.0.1 $PORT "$("$BIN" --config config token --role ADMIN 2>/dev/null)" "$GW" "${REPEAT:-5}"
echo "log: $(grep -c -E 'panicked|overflowed|fatal runtime' "$DIR/gateway.log" || true) panics"
