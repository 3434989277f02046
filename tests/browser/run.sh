#!/usr/bin/env bash
# The browser test: GraphiQL served from the binary, opened in headless Chromium (Debian's), a query
# run with a token. Needs node/npm and chromium (apt-get install chromium); CI installs both.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v chromium >/dev/null || { echo "chromium is not installed: apt-get install chromium" >&2; exit 1; }
cargo build -q --locked -p keluarga-gateway
BIN=target/debug/keluarga-gateway
DIR=$(mktemp -d)
PORT=${PORT:-18091}
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$DIR"' EXIT
(cd tests/browser && npm ci --no-audit --no-fund --silent)
"$BIN" serve --listen 127.0.0.1:$PORT --database "sqlite://$DIR/k.sqlite?mode=rwc" >"$DIR/log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  curl -sf "127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -sf "127.0.0.1:$PORT/readyz" >/dev/null || { cat "$DIR/log" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT" TOKEN=$("$BIN" token --role ADMIN 2>/dev/null) node tests/browser/graphiql.mjs
