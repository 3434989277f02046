#!/usr/bin/env python3
"""The province query suite (bench/queries/*.graphql) against running gateways.

Usage: suite.py BIN LABEL=DATABASE_URL [LABEL=DATABASE_URL ...]

For each database: starts `BIN serve` on it, and for each query of bench/queries (its role,
scope and variables are in its header) checks the answer (no errors, the expected text), counts
the SQL statements of one execution (the gateway's `graphql_operation_statements` metric), then
measures p50/p99 of requests sent one at a time (Python, for DURATION seconds) and req/s at 32
connections with wrk; finally the gateway's
peak RSS. Prints one Markdown table per database. Environment: DURATION (wrk seconds, 10),
QUERIES (a substring filter of file names), PORT (18090), CONNECTIONS (32).

PLANS=DIR (PostgreSQL only) measures nothing: it turns on auto_explain for the database
(ANALYZE, BUFFERS, every statement), sends each query once, and writes the plans PostgreSQL
logged for it to DIR/<query>.txt (from PG_LOG, /var/log/postgresql/postgresql-15-main.log by
default), then turns auto_explain off again.
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
# wrk gives up on a request after 2 s: a query slower than that at one connection would only
# time out at 32 and leave the gateway a backlog that slows the next query, so it is not sent.
WRK_UNDER_MS = float(os.environ.get("WRK_UNDER_MS", "2000"))

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


def settle(body, token):
    """Waits until the gateway answers again after the previous load (its pool drains the
    requests wrk left queued), at most a minute."""
    for _ in range(60):
        if not post(body, token).get("errors"):
            return
        time.sleep(1)


def sequential(body, token):
    """p50 and p99 (ms) of requests sent one at a time for DURATION seconds (at least 5), and
    how many answered with errors."""
    times, errors = [], 0
    deadline = time.monotonic() + DURATION
    while time.monotonic() < deadline or len(times) < 5:
        start = time.monotonic()
        answer = post(body, token)
        times.append((time.monotonic() - start) * 1000)
        errors += bool(answer.get("errors"))
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    return pick(0.5), pick(0.99), errors


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


PLANS = os.environ.get("PLANS")
PG_LOG = os.environ.get("PG_LOG", "/var/log/postgresql/postgresql-15-main.log")


def psql(url, sql):
    subprocess.run(["psql", url, "-qc", sql], check=True)


def auto_explain(url, on):
    db = url.rsplit("/", 1)[1]
    if on:
        for sql in (
            f"ALTER DATABASE {db} SET session_preload_libraries = 'auto_explain'",
            f"ALTER DATABASE {db} SET auto_explain.log_min_duration = 0",
            f"ALTER DATABASE {db} SET auto_explain.log_analyze = on",
            f"ALTER DATABASE {db} SET auto_explain.log_buffers = on",
            f"ALTER DATABASE {db} SET auto_explain.log_nested_statements = on",
        ):
            psql(url, sql)
    else:
        psql(url, f"ALTER DATABASE {db} RESET ALL")


def run(binary, label, url):
    if PLANS and url.startswith("postgres"):
        auto_explain(url, True)
    try:
        measure(binary, label, url)
    finally:
        if PLANS and url.startswith("postgres"):
            auto_explain(url, False)


def measure(binary, label, url):
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
                settle(body, token)
                before = statements_so_far()
                if PLANS and url.startswith("postgres"):
                    time.sleep(0.5)
                    log_offset = os.path.getsize(PG_LOG)
                answer = post(body, token)
                after = statements_so_far()
                if answer.get("errors") or meta.get("expect", "").strip('"') not in json.dumps(answer):
                    raise RuntimeError(f"{f.name}: {json.dumps(answer)[:600]}")
                statements = (after[0] - before[0]) / max(after[1] - before[1], 1)
                if PLANS:
                    if url.startswith("postgres"):
                        time.sleep(0.5)
                        with open(PG_LOG, errors="replace") as log_file:
                            log_file.seek(log_offset)
                            plans = log_file.read()
                        Path(PLANS).mkdir(parents=True, exist_ok=True)
                        (Path(PLANS) / f"{f.stem}.txt").write_text(
                            f"# {f.name}: the plans PostgreSQL logged (auto_explain, ANALYZE, BUFFERS)\n"
                            f"# for one execution, {int(statements)} statements\n\n" + plans)
                        print(f"{label} {f.stem}: plans written", file=sys.stderr, flush=True)
                    continue
                p50, p99, e1 = sequential(body, token)
                if p50 < WRK_UNDER_MS:
                    _, _, rps, e32 = wrk(body, token, CONNECTIONS, tmp)
                else:
                    rps, e32 = None, 0
                rows.append((f.stem, int(statements), p50, p99, rps, e1 + e32))
                shown = "not sent (p50 over wrk's 2 s timeout)" if rps is None else f"{rps:.0f} req/s"
                print(f"{label} {f.stem}: {int(statements)} statements, p50 {p50:.1f} ms, "
                      f"p99 {p99:.1f} ms at 1 connection, {shown} at {CONNECTIONS}",
                      file=sys.stderr, flush=True)
        rss = 0.0
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                rss = int(line.split()[1]) / 1024
        print(f"\n{label}: peak RSS {rss:.0f} MB\n")
        print(f"| query | statements | p50 ms (1 conn) | p99 ms (1 conn) | req/s ({CONNECTIONS} conn) | errors |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, st, p50, p99, rps, err in rows:
            shown = "—" if rps is None else f"{rps:.0f}"
            print(f"| {name} | {st} | {p50:.1f} | {p99:.1f} | {shown} | {err} |")
        sys.stdout.flush()
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    binary = sys.argv[1]
    targets = []
    for arg in sys.argv[2:]:
        label, _, url = arg.partition("=")
        if not url or "://" in label or "/" in label:
            sys.exit(f"{arg!r}: each database is LABEL=URL (the label names its table and log), "
                     "e.g. sqlite=sqlite:///path/to/db.sqlite?mode=rwc")
        targets.append((label, url))
    for label, url in targets:
        run(binary, label, url)


if __name__ == "__main__":
    main()
