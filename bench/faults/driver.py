#!/usr/bin/env python3
"""Load driver of bench/faults.sh (standard library only).

THREADS threads each send GraphQL requests over their own keep-alive connection until
DURATION seconds have passed (or the file STOP exists), and write one line per request to OUT:

    start_seconds latency_ms outcome

(seconds since the driver started; its wall-clock start is written to OUT.t0) where outcome is `ok`, the first error's `extensions.code`, `http-<status>` for a body that is
not a GraphQL response, or `refused` / `dropped` when the connection could not be opened / broke
while the request was in flight. Queries (one JSON body per line of BODIES) are taken in turn.
"""
import http.client
import json
import os
import sys
import threading
import time

host, port = sys.argv[1], int(sys.argv[2])
token, bodies_file, out_file = sys.argv[3], sys.argv[4], sys.argv[5]
threads = int(os.environ.get("THREADS", "8"))
duration = float(os.environ.get("DURATION", "30"))
stop_file = os.environ.get("STOP", "")
bodies = [line.strip().encode() for line in open(bodies_file) if line.strip()]
t0 = time.monotonic()
with open(out_file + ".t0", "w") as f:
    f.write(f"{time.time():.6f}\n")  # the wall-clock time of second 0, for the drill's phases
lock = threading.Lock()
out = open(out_file, "w")


def outcome(status, raw):
    try:
        body = json.loads(raw)
    except ValueError:
        return f"http-{status}"
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors:
        return (errors[0].get("extensions") or {}).get("code", f"http-{status}")
    if isinstance(body, dict) and body.get("data") is not None:
        return "ok"
    return f"http-{status}"


def worker(n):
    conn = None
    i = n
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    while time.monotonic() - t0 < duration and not (stop_file and os.path.exists(stop_file)):
        body = bodies[i % len(bodies)]
        i += 1
        start = time.monotonic()
        result = None
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=60)
                conn.connect()
        except OSError:
            conn = None
            result = "refused"
        if result is None:
            try:
                conn.request("POST", "/graphql", body, headers)
                resp = conn.getresponse()
                raw = resp.read()
                result = outcome(resp.status, raw)
                if resp.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = None
                result = "dropped"
        end = time.monotonic()
        with lock:
            out.write(f"{start - t0:.3f} {1000 * (end - start):.1f} {result}\n")
        if result in ("refused", "dropped"):
            time.sleep(0.05)


pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
for t in pool:
    t.start()
for t in pool:
    t.join()
out.close()
