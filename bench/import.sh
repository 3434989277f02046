#!/usr/bin/env bash
# Import of 100,000 measurements from CSV through `keluarga-gateway import measurements` (target
# < 10 s on PostgreSQL), into a fresh database holding the demo data (1,090 children).
# Usage: bash bench/import.sh [ROWS]   (PG_URL defaults to postgres://postgres@127.0.0.1:5432)
# Also runs on SQLite with BACKEND=sqlite.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-100000}"
PG="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p keluarga-gateway -p stunting --examples --bins
BIN=target/release/keluarga-gateway
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
if [ "${BACKEND:-postgres}" = sqlite ]; then
  URL="sqlite://$DIR/bench.sqlite?mode=rwc"
else
  psql "$PG/postgres" -qAtc "DROP DATABASE IF EXISTS kg_bench_import" >/dev/null
  psql "$PG/postgres" -qAtc "CREATE DATABASE kg_bench_import" >/dev/null
  URL="$PG/kg_bench_import"
fi
"$BIN" --database "$URL" seed --demo 2>/dev/null
target/release/examples/gen_measurements "$URL" "$ROWS" > "$DIR/m.csv"
echo "file: $(wc -l < "$DIR/m.csv") lines, $(du -h "$DIR/m.csv" | cut -f1)"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "peak RSS %M KB, wall %e s" "$BIN" --database "$URL" import measurements "$DIR/m.csv" 2>&1 | grep -v '^\s*$'
else
  "$BIN" --database "$URL" import measurements "$DIR/m.csv"
fi
if [ "${BACKEND:-postgres}" != sqlite ]; then
  psql "$PG/postgres" -qAtc "DROP DATABASE IF EXISTS kg_bench_import" >/dev/null
fi
echo "reproduce: bash bench/import.sh   (BACKEND=sqlite bash bench/import.sh for SQLite)"
