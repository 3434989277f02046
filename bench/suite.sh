#!/usr/bin/env bash
# The province query suite (bench/queries, bench/suite.py) on SQLite and PostgreSQL.
# Usage: FAMILIES=1000000 bash bench/suite.sh
#   FAMILIES   synthetic families of the province (100000 by default); PROVINCE (33, Jawa Tengah)
#   KEEP=1     reuse the databases a previous run generated (target/suite/<families>.sqlite and
#              the PostgreSQL database keluarga_suite_<families>) instead of regenerating them
#   DURATION   wrk seconds per measurement (10); QUERIES a file-name filter; NO_BUILD=1; BIN=...
#   BACKENDS   "sqlite postgres" by default
# Prints how long each generation took, then one table per backend (bench/README.md, "Province
# scale"). Needs wrk (apt-get install wrk) and, for PostgreSQL, a server at $PG (127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
if [ -z "${BIN:-}" ]; then
  [ -n "${NO_BUILD:-}" ] || cargo build --release -q -p keluarga-gateway
  BIN=target/release/keluarga-gateway
fi
FAMILIES=${FAMILIES:-100000}
PROVINCE=${PROVINCE:-33}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
mkdir -p target/suite
args=()
for b in ${BACKENDS:-sqlite postgres}; do
  case $b in
    sqlite)
      file="target/suite/$PROVINCE-$FAMILIES.sqlite"
      url="sqlite://$PWD/$file?mode=rwc"
      if [ -z "${KEEP:-}" ] || [ ! -s "$file" ]; then
        rm -f "$file"*
        start=$(date +%s.%N)
        "$BIN" seed --synthetic --province "$PROVINCE" --families "$FAMILIES" --database "$url"
        echo "sqlite: $FAMILIES families generated in $(echo "$(date +%s.%N) - $start" | bc) s, $(du -h "$file" | cut -f1)"
      fi
      args+=("sqlite=$url") ;;
    postgres)
      db="keluarga_suite_${PROVINCE}_$FAMILIES"
      url="$PG/$db"
      if [ -z "${KEEP:-}" ] || ! psql "$url" -qAtc 'SELECT 1 FROM family LIMIT 1' >/dev/null 2>&1; then
        psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db" -qc "CREATE DATABASE $db" >/dev/null
        start=$(date +%s.%N)
        "$BIN" seed --synthetic --province "$PROVINCE" --families "$FAMILIES" --database "$url"
        echo "postgres: $FAMILIES families generated in $(echo "$(date +%s.%N) - $start" | bc) s, $(psql "$url" -qAtc "SELECT pg_size_pretty(pg_database_size('$db'))")"
      fi
      args+=("postgres=$url") ;;
  esac
done
python3 bench/suite.py "$BIN" "${args[@]}"
