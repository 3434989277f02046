#!/usr/bin/env python3
"""Schema-driven fuzzing of a running gateway, as one role, for a given number of seconds.

hypothesis-graphql (the GraphQL engine of schemathesis) builds operations from schema.graphql:
valid queries and mutations (POSITIVE) and operations with one schema violation each (NEGATIVE),
with custom scalars drawn from both well-formed and hostile values. Each is sent over HTTP with
the role's token; answers are counted by kind, and a few examples of every failure are kept.

A failure is a 5xx status, a body that is not a GraphQL response, an error without a catalogue
code, or INTERNAL. Usage:
  driver.py HOST PORT TOKEN ROLE SECONDS SCHEMA OUT_JSON
"""
import collections
import json
import sys
import time
import urllib.error
import urllib.request

import hypothesis_graphql as hg
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

host, port, token, role, seconds, schema_path, out = sys.argv[1:8]
URL = f"http://{host}:{port}/graphql"
DEADLINE = time.monotonic() + float(seconds)
SDL = open(schema_path, encoding="utf-8").read()
CODES = {
    "BAD_USER_INPUT", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "RATE_LIMITED",
    "QUERY_TOO_COMPLEX", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED",
    "PERSISTED_QUERY_NOT_FOUND", "OPERATION_NOT_TRUSTED", "UNAVAILABLE", "RESULT_OUT_OF_RANGE",
}
text = st.text(max_size=40) | st.sampled_from(["", "a" * 5000, "\u0000", "2023-2-3", "0000-01-01"])
SCALARS = {
    "Date": (st.dates().map(str) | text).map(nodes.String),
    "DateTime": (st.datetimes().map(lambda d: d.isoformat() + "Z") | text).map(nodes.String),
    "Rupiah": st.integers(min_value=-(2**63), max_value=2**63 - 1).map(nodes.Int),
    "JSON": text.map(nodes.String),
    "Upload": st.none().map(lambda _: nodes.Null),
}
modes = [hg.Mode.POSITIVE, hg.Mode.NEGATIVE]
strategies = [hg.queries(SDL, custom_scalars=SCALARS, mode=m) for m in modes]
if role != "DASHBOARD":
    strategies += [hg.mutations(SDL, custom_scalars=SCALARS, mode=m) for m in modes]

counts = collections.Counter()
examples = collections.defaultdict(list)
latencies = []


class Done(Exception):
    pass


def record(kind, query, detail):
    counts[kind] += 1
    if len(examples[kind]) < 5:
        examples[kind].append({"query": query[:2000], "detail": detail[:2000]})


def send(query):
    body = json.dumps({"query": query}).encode()
    req = urllib.request.Request(URL, body, {
        "content-type": "application/json", "authorization": f"Bearer {token}"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=40) as resp:
            status, data = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, data = e.code, e.read()
    except Exception as e:  # the connection failed: the process may be gone
        record("connection error", query, repr(e))
        return
    latencies.append(time.monotonic() - started)
    counts["requests"] += 1
    if status >= 500:
        record(f"server error {status}", query, data.decode("utf-8", "replace"))
        return
    try:
        doc = json.loads(data)
    except ValueError:
        record("not JSON", query, data.decode("utf-8", "replace"))
        return
    if not isinstance(doc, dict) or ("data" not in doc and "errors" not in doc):
        record("not a GraphQL response", query, data.decode("utf-8", "replace"))
        return
    errors = doc.get("errors") or []
    if not errors:
        counts["answered: ok"] += 1
        return
    codes = [((e.get("extensions") or {}).get("code")) for e in errors]
    if "INTERNAL" in codes:
        record("INTERNAL", query, json.dumps(errors))
    elif any(c not in CODES for c in codes):
        record("error without a catalogue code", query, json.dumps(errors))
    else:
        counts[f"answered: {codes[0]}"] += 1


@settings(max_examples=10**9, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
@given(st.one_of(strategies))
def fuzz(query):
    if time.monotonic() > DEADLINE:
        raise Done
    send(query)


try:
    fuzz()
except Done:
    pass
latencies.sort()
p = (lambda q: round(1000 * latencies[int(q * (len(latencies) - 1))], 1)) if latencies else (lambda q: None)
summary = {"role": role, "counts": dict(counts), "p50_ms": p(0.5), "p99_ms": p(0.99),
           "max_ms": p(1.0), "examples": examples}
with open(out, "w", encoding="utf-8") as f:
    json.dump(summary, f, indent=1)
