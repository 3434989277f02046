#!/usr/bin/env python3
"""The province query suite (bench/queries/*.graphql) against running gateways.

Usage: suite.py BIN LABEL=DATABASE_URL [LABEL=DATABASE_URL ...]

For each database: starts `BIN serve` on it, and for each query of bench/queries (its role,
scope and variables are in its header) checks the answer (no errors, the expected text), counts
the SQL statements of one execution (the gateway's `graphql_operation_statements` metric), then
measures p50/p99 at one connection and req/s at 32 connections with wrk; finally the gateway's
peak RSS. Prints one Markdown table per database. Environment: DURATION (wrk seconds, 10),
QUERIES (a substring filter of file names), PORT (18090), CONNECTIONS (32).
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "queries"
DURATION = int(os.environ.get("DURATION", "10"))
PORT = int(os.environ.get("PORT", "18090"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "32"))
FILTER = os.environ.get("QUERIES", "")

WRK_LUA = """
wrk.method = "POST"
wrk.body = [==[{body}]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.3f %.3f %.1f %d %d\\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6), summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""


def header(text):
    """The `# key: value` lines at the top of a query file."""
    meta = {}
    for line in text.splitlines():
        m = re.match(r"#\s*(\w+):\s*(.*)$", line)
        if m:
            meta[m.group(1)] = m.group(2).strip()
        elif line.strip() and not line.startswith("#"):
            break
    return meta


def post(body, token):
    req = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/graphql",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def statements_so_far():
    """(sum, count) of graphql_operation_statements over every label."""
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/metrics", timeout=30) as r:
        text = r.read().decode()
    total = count = 0.0
    for line in text.splitlines():
        if line.startswith("graphql_operation_statements_sum"):
            total += float(line.rsplit(" ", 1)[1])
        elif line.startswith("graphql_operation_statements_count"):
            count += float(line.rsplit(" ", 1)[1])
    return total, count


def middle_cursor(query, variables, token):
    """The cursor of the row halfway down the list (for the deep-page query)."""
    walk = "query W($c: String, $a: String) { priorityList(regionCode: $c, first: 100, after: $a) { totalCount pageInfo { endCursor hasNextPage } } }"
    after, seen, total = None, 0, None
    while True:
        data = post({"query": walk, "variables": {"c": variables.get("city"), "a": after}}, token)
        page = data["data"]["priorityList"]
        total = page["totalCount"] if total is None else total
        if seen + 100 > total // 2 or not page["pageInfo"]["hasNextPage"]:
            return after
        after = page["pageInfo"]["endCursor"]
        seen += 100


def wrk(body, token, connections, tmp):
    lua = Path(tmp) / "q.lua"
    lua.write_text(WRK_LUA.replace("{body}", json.dumps(body)).replace("{token}", token))
    threads = 1 if connections < 2 else 2
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{DURATION}s", "-s", str(lua),
         f"http://127.0.0.1:{PORT}/graphql"],
        capture_output=True, text=True, check=True,
    ).stdout
    m = re.search(r"RESULT (\S+) (\S+) (\S+) (\d+) (\d+)", out)
    if not m:
        raise RuntimeError(out)
    return float(m.group(1)), float(m.group(2)), float(m.group(3)), int(m.group(5))


def run(binary, label, url):
    env = dict(os.environ)
    # The suite measures the synthetic province alone: no demo data on first start.
    env["KELUARGA__DATABASE__SEED_DEMO_ON_FIRST_START"] = "false"
    log = open(Path(tempfile.gettempdir()) / f"suite-{label}.log", "w")
    proc = subprocess.Popen(
        [binary, "serve", "--listen", f"127.0.0.1:{PORT}", "--database", url],
        stdout=log, stderr=log, env=env,
    )
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=2)
                break
            except Exception:
                time.sleep(0.2)
        tokens = {}
        rows = []
        with tempfile.TemporaryDirectory() as tmp:
            for f in sorted(QUERIES.glob("*.graphql")):
                if FILTER and FILTER not in f.name:
                    continue
                text = f.read_text()
                meta = header(text)
                key = (meta["role"], meta.get("scope", ""))
                if key not in tokens:
                    tokens[key] = subprocess.run(
                        [binary, "token", "--role", key[0], "--scope", key[1]],
                        capture_output=True, text=True, check=True,
                    ).stdout.strip()
                token = tokens[key]
                variables = json.loads(meta.get("variables", "{}"))
                if variables.get("after") == "@middle":
                    variables["after"] = middle_cursor(text, variables, token)
                body = {"query": text, "variables": variables}
                before = statements_so_far()
                answer = post(body, token)
                after = statements_so_far()
                if answer.get("errors") or meta.get("expect", "").strip('"') not in json.dumps(answer):
                    raise RuntimeError(f"{f.name}: {json.dumps(answer)[:600]}")
                statements = (after[0] - before[0]) / max(after[1] - before[1], 1)
                p50, p99, _, e1 = wrk(body, token, 1, tmp)
                _, _, rps, e32 = wrk(body, token, CONNECTIONS, tmp)
                rows.append((f.stem, int(statements), p50, p99, rps, e1 + e32))
                print(f"{label} {f.stem}: {int(statements)} statements, p50 {p50:.1f} ms, "
                      f"p99 {p99:.1f} ms at 1 connection, {rps:.0f} req/s at {CONNECTIONS}",
                      file=sys.stderr, flush=True)
        rss = 0.0
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                rss = int(line.split()[1]) / 1024
        print(f"\n{label}: peak RSS {rss:.0f} MB\n")
        print(f"| query | statements | p50 ms (1 conn) | p99 ms (1 conn) | req/s ({CONNECTIONS} conn) | errors |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, st, p50, p99, rps, err in rows:
            print(f"| {name} | {st} | {p50:.1f} | {p99:.1f} | {rps:.0f} | {err} |")
        sys.stdout.flush()
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    binary = sys.argv[1]
    for arg in sys.argv[2:]:
        label, url = arg.split("=", 1)
        run(binary, label, url)


if __name__ == "__main__":
    main()
