#!/usr/bin/env bash
# Schema-driven fuzzing of the release build: hypothesis-graphql (schemathesis's GraphQL engine,
# from PyPI, installed into target/fuzz-venv on first use) sends valid and invalid operations
# built from schema.graphql as ADMIN, OPERATOR and DASHBOARD at once, for MINUTES (20) minutes,
# against a fresh SQLite database with the demo data. Prints requests, answers by code, failures
# by kind (5xx, INTERNAL, an error without a catalogue code, not a GraphQL response, connection
# errors), panics in the log, and whether the process is alive at the end.
# Usage: MINUTES=20 bash bench/fuzz.sh   (NO_BUILD=1, BIN=..., PORT=18099)
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${MINUTES:-20}
PORT=${PORT:-18099}
if [ -z "${BIN:-}" ]; then
  [ -n "${NO_BUILD:-}" ] || cargo build --release -q
  BIN=target/release/keluarga-gateway
fi
VENV=target/fuzz-venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import hypothesis_graphql' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'hypothesis-graphql==0.13.5'
fi
DIR=$(mktemp -d)
GW=""
cleanup() { [ -z "$GW" ] || kill "$GW" 2>/dev/null || true; }
trap cleanup EXIT
DB="sqlite://$DIR/fuzz.sqlite?mode=rwc"
token() { "$BIN" --config config token --role "$1" --scope "$2" 2>/dev/null; }
"$BIN" --config config serve --listen 127.0.0.1:$PORT --database "$DB" >"$DIR/gateway.log" 2>&1 &
GW=$!
until curl -sf "127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$GW" 2>/dev/null || { cat "$DIR/gateway.log"; exit 1; }
  sleep 0.3
done
echo "gateway $("$BIN" --version), SQLite with the demo data, $MINUTES minutes per role, 3 roles at once"
SECS=$((MINUTES * 60))
pids=()
for spec in "ADMIN:" "OPERATOR:33.75" "DASHBOARD:33"; do
  role=${spec%%:*}; scope=${spec#*:}
  "$VENV/bin/python" bench/fuzz/driver.py 127.0.0.1 $PORT "$(token "$role" "$scope")" "$role" "$SECS" \
    schema.graphql "$DIR/$role.json" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
alive=no; kill -0 "$GW" 2>/dev/null && alive=yes
rss=$(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$GW/status" 2>/dev/null || echo "-")
"$VENV/bin/python" - "$DIR" "$alive" "$rss" <<'PY'
import json, sys, collections
d, alive, rss = sys.argv[1:4]
total = collections.Counter()
print(f"{'role':10} {'requests':>9} {'failures':>9} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}")
failures_kinds = ("server error", "INTERNAL", "error without", "not JSON", "not a GraphQL", "connection")
for role in ("ADMIN", "OPERATOR", "DASHBOARD"):
    s = json.load(open(f"{d}/{role}.json"))
    c = collections.Counter(s["counts"])
    total.update(c)
    fails = sum(v for k, v in c.items() if k.startswith(failures_kinds))
    print(f"{role:10} {c['requests']:>9} {fails:>9} {s['p50_ms']:>7} {s['p99_ms']:>7} {s['max_ms']:>7}")
    for kind, ex in s["examples"].items():
        for e in ex[:2]:
            print(f"  {kind}: {e['query'][:300]!r}\n    -> {e['detail'][:300]!r}")
print("answers:", ", ".join(f"{k[10:]} {v}" for k, v in sorted(total.items()) if k.startswith("answered: ")))
fails = {k: v for k, v in total.items() if k.startswith(failures_kinds)}
print("failures by kind:", fails or "none")
print(f"requests {total['requests']}, failures {sum(fails.values())}, process alive at the end: {alive}, RSS {rss}")
PY
panics=$(grep -c -E "panicked|overflowed its stack|fatal runtime error" "$DIR/gateway.log" || true)
internal=$(grep -c '"internal error"\|internal error' "$DIR/gateway.log" || true)
echo "log: $panics panics, $internal internal-error lines"
