"""The query pairs of bench/peer.sh: checks that the gateway and PostGraphile return the same rows
for each pair, then loads both alternately with wrk and prints the table with the ratio.

Run by bench/peer.sh once both servers are up; not meant to be run alone.
Environment: BIN (gateway binary), GATEWAY and PEER (GraphQL URLs), DURATION, ROUNDS, PAIRS.
`run.py explain` instead sends each pair's query once to EXPLAIN (a PostGraphile whose statements
PostgreSQL logs with auto_explain) and keeps what PG_LOG gained in bench/peer/plans/<pair>.txt.
"""

import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

BIN = os.environ.get("BIN")
GATEWAY = os.environ.get("GATEWAY")
PEER = os.environ.get("PEER")
DURATION = os.environ.get("DURATION", "15s")
ROUNDS = int(os.environ.get("ROUNDS", "2"))
CONNECTIONS = os.environ.get("CONNECTIONS", "32")


def uuid_of_gateway_id(gid):
    """The gateway's ids are unpadded URL-safe base64 of "Type:uuid"."""
    return base64.urlsafe_b64decode(gid + "=" * (-len(gid) % 4)).decode().split(":", 1)[1]


def edges(data, field):
    return [e["node"] for e in data[field]["edges"]]


def rnd(x):
    return None if x is None else round(x, 6)


PAIRS = [
    {
        "name": "list",
        "label": "stunting list page: OPERATOR 31.71, 50 children, name, latest measurement",
        "role": ("OPERATOR", "31.71"),
        "gateway": "{ children(first: 50) { edges { node { id person { fullName } "
        "latestMeasurement { measuredOn heightForAge { z } } } } } }",
        "peer": '{ allChildren(condition: { inScope: "31.71" }, orderBy: PRIMARY_KEY_ASC, first: 50) { nodes { rowId '
        "personByPersonId { fullName } measurementsByChildId(first: 1, "
        "orderBy: [MEASURED_ON_DESC, PRIMARY_KEY_DESC]) { nodes { measuredOn haz } } } } }",
        "rows_gateway": lambda d: [
            (
                uuid_of_gateway_id(n["id"]),
                n["person"]["fullName"],
                n["latestMeasurement"] and n["latestMeasurement"]["measuredOn"],
                n["latestMeasurement"] and rnd(n["latestMeasurement"]["heightForAge"]["z"]),
            )
            for n in edges(d, "children")
        ],
        "rows_peer": lambda d: [
            (
                n["rowId"],
                n["personByPersonId"]["fullName"],
                (n["measurementsByChildId"]["nodes"] or [{}])[0].get("measuredOn"),
                rnd((n["measurementsByChildId"]["nodes"] or [{}])[0].get("haz")),
            )
            for n in d["allChildren"]["nodes"]
        ],
    },
    {
        "name": "nested",
        "label": "core regions: ANALYST 33, Jawa Tengah's regencies and their districts (611 regions)",
        "role": ("ANALYST", "33"),
        "gateway": '{ region(code: "33") { children(first: 50) { edges { node { code name '
        "children(first: 50) { edges { node { code name } } } } } } } }",
        "peer": '{ regionByCode(code: "33") { children(first: 50, orderBy: CODE_ASC) { nodes { code name '
        "children(first: 50, orderBy: CODE_ASC) { nodes { code name } } } } } }",
        "rows_gateway": lambda d: [
            (r["code"], r["name"], c["code"], c["name"])
            for r in edges(d["region"], "children")
            for c in edges(r, "children")
        ],
        "rows_peer": lambda d: [
            (r["code"], r["name"], c["code"], c["name"])
            for r in d["regionByCode"]["children"]["nodes"]
            for c in r["children"]["nodes"]
        ],
    },
    {
        "name": "ketahanan",
        "label": "ketahanan: OPERATOR 33.75, 50 family assessments, index, category, assessor",
        "role": ("OPERATOR", "33.75"),
        "gateway": "{ familyAssessments(first: 50) { edges { node { id assessedOn index category "
        "assessor { fullName } } } } }",
        "peer": '{ allKetahananAssessments(condition: { inScope: "33.75" }, '
        "orderBy: [ASSESSED_ON_DESC, PRIMARY_KEY_DESC], first: 50) { nodes { rowId assessedOn "
        "indexScore category personByAssessorId { fullName } } } }",
        "rows_gateway": lambda d: [
            (
                uuid_of_gateway_id(n["id"]),
                n["assessedOn"],
                rnd(n["index"]),
                n["category"],
                n["assessor"] and n["assessor"]["fullName"],
            )
            for n in edges(d, "familyAssessments")
        ],
        "rows_peer": lambda d: [
            (
                n["rowId"],
                n["assessedOn"],
                rnd(n["indexScore"]),
                n["category"],
                n["personByAssessorId"] and n["personByAssessorId"]["fullName"],
            )
            for n in d["allKetahananAssessments"]["nodes"]
        ],
    },
    {
        "name": "ekonomi",
        "label": "ekonomi: OPERATOR 35.76, 50 UP2K members, role, name, group",
        "role": ("OPERATOR", "35.76"),
        "gateway": "{ up2kMembers(first: 50) { edges { node { id joinedOn role person { fullName } "
        "group { name } } } } }",
        "peer": '{ allUp2KMembers(condition: { inScope: "35.76" }, '
        "orderBy: [JOINED_ON_DESC, PRIMARY_KEY_DESC], first: 50) { nodes { rowId joinedOn role "
        "personByPersonId { fullName } up2KGroupByGroupId { name } } } }",
        "rows_gateway": lambda d: [
            (
                uuid_of_gateway_id(n["id"]),
                n["joinedOn"],
                n["role"],
                n["person"]["fullName"],
                n["group"]["name"],
            )
            for n in edges(d, "up2kMembers")
        ],
        "rows_peer": lambda d: [
            (
                n["rowId"],
                n["joinedOn"],
                n["role"],
                n["personByPersonId"]["fullName"],
                n["up2KGroupByGroupId"]["name"],
            )
            for n in d["allUp2KMembers"]["nodes"]
        ],
    },
    {
        "name": "gender",
        "label": "gender: OPERATOR 33.75, strategic posts with every holding and holder",
        "role": ("OPERATOR", "33.75"),
        "gateway": "{ strategicPosts(first: 50) { edges { node { id title kind "
        "history { startedOn endedOn holder { fullName } } } } } }",
        "peer": '{ allStrategicPosts(condition: { inScope: "33.75" }, '
        "orderBy: [TITLE_ASC, PRIMARY_KEY_ASC], first: 50) { nodes { rowId title kind "
        "postHoldingsByPostId(orderBy: [STARTED_ON_ASC, PRIMARY_KEY_ASC]) { nodes { startedOn endedOn "
        "personByPersonId { fullName } } } } } }",
        "rows_gateway": lambda d: [
            (
                uuid_of_gateway_id(n["id"]),
                n["title"],
                n["kind"],
                tuple((h["startedOn"], h["endedOn"], h["holder"]["fullName"]) for h in n["history"]),
            )
            for n in edges(d, "strategicPosts")
        ],
        "rows_peer": lambda d: [
            (
                n["rowId"],
                n["title"],
                n["kind"],
                tuple(
                    (h["startedOn"], h["endedOn"], h["personByPersonId"]["fullName"])
                    for h in n["postHoldingsByPostId"]["nodes"]
                ),
            )
            for n in d["allStrategicPosts"]["nodes"]
        ],
    },
]


def token(role, scope):
    out = subprocess.run(
        [BIN, "token", "--role", role, "--scope", scope],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def post(url, query, tok=None):
    req = urllib.request.Request(
        url,
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    if tok:
        req.add_header("Authorization", "Bearer " + tok)
    with urllib.request.urlopen(req) as r:
        body = json.loads(r.read())
    if body.get("errors"):
        sys.exit(f"{url}: {query}\n  answered errors: {body['errors']}")
    return body["data"]


def wrk(url, query, tok, tmp):
    lua = os.path.join(tmp, "q.lua")
    headers = 'wrk.headers["Content-Type"] = "application/json"\n'
    if tok:
        headers += f'wrk.headers["Authorization"] = "Bearer {tok}"\n'
    body = json.dumps({"query": query})
    with open(lua, "w") as f:
        f.write(
            'wrk.method = "POST"\n'
            f"wrk.body = [==[{body}]==]\n"
            f"{headers}"
            "done = function(summary, latency, requests)\n"
            '  io.write(string.format("RESULT %.3f %.3f %.1f %d\\n",\n'
            "    latency:percentile(50) / 1000, latency:percentile(99) / 1000,\n"
            "    summary.requests / (summary.duration / 1e6),\n"
            "    summary.errors.status + summary.errors.connect + summary.errors.read"
            " + summary.errors.write + summary.errors.timeout))\n"
            "end\n"
        )
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "-s", lua, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    m = re.search(r"RESULT (\S+) (\S+) (\S+) (\d+)", out)
    p50, p99, rps, errors = float(m[1]), float(m[2]), float(m[3]), int(m[4])
    return {"p50": p50, "p99": p99, "rps": rps, "errors": errors}


def explain(pairs):
    log_path = os.environ["PG_LOG"]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plans")
    os.makedirs(out, exist_ok=True)
    for p in pairs:
        offset = os.path.getsize(log_path)
        post(os.environ["EXPLAIN"], p["peer"])
        # The server writes its log line after the statement ends; give it a moment.
        time.sleep(0.5)
        with open(log_path, errors="replace") as f:
            f.seek(offset)
            logged = f.read()
        with open(os.path.join(out, f"{p['name']}.txt"), "w") as f:
            f.write(
                f"# {p['name']}: PostGraphile's statements for\n#   {p['peer']}\n"
                "# as PostgreSQL logged them (auto_explain, ANALYZE, BUFFERS), on the demo data\n\n"
                + logged
            )
        print(f"{p['name']}: PostGraphile's plan in bench/peer/plans/{p['name']}.txt", flush=True)


def main():
    wanted = os.environ.get("PAIRS", "").split()
    pairs = [p for p in PAIRS if not wanted or p["name"] in wanted]
    if sys.argv[1:] == ["explain"]:
        explain(pairs)
        return
    tmp = tempfile.mkdtemp()
    results = []
    for p in pairs:
        tok = token(*p["role"])
        ours = p["rows_gateway"](post(GATEWAY, p["gateway"], tok))
        theirs = p["rows_peer"](post(PEER, p["peer"]))
        if ours != theirs:
            for i, (a, b) in enumerate(zip(ours, theirs)):
                if a != b:
                    print(f"  first difference at row {i}:\n    gateway {a}\n    peer    {b}")
                    break
            sys.exit(f"{p['name']}: the two answers differ ({len(ours)} and {len(theirs)} rows)")
        print(f"{p['name']}: same {len(ours)} rows from both", flush=True)
        best = {"gateway": None, "peer": None}
        for rnd_ in range(ROUNDS):
            for side, url, q, t in (
                ("gateway", GATEWAY, p["gateway"], tok),
                ("peer", PEER, p["peer"], None),
            ):
                r = wrk(url, q, t, tmp)
                print(
                    f"  round {rnd_ + 1} {side:8} {r['rps']:8.1f} req/s  p50 {r['p50']:7.2f} ms"
                    f"  p99 {r['p99']:7.2f} ms  errors {r['errors']}",
                    flush=True,
                )
                if best[side] is None or r["rps"] > best[side]["rps"]:
                    best[side] = r
        results.append((p, best))
    print()
    print(f"best of {ROUNDS} rounds of {DURATION}, wrk -t2 -c{CONNECTIONS}, same database, same machine")
    print()
    print("| query | gateway | PostGraphile | ratio |")
    print("|---|---|---|---|")
    for p, b in results:
        g, q = b["gateway"], b["peer"]
        print(
            f"| {p['label']} | {g['rps']:.0f} req/s, p50 {g['p50']:.1f} ms, p99 {g['p99']:.1f} ms"
            f"{', ' + str(g['errors']) + ' errors' if g['errors'] else ''}"
            f" | {q['rps']:.0f} req/s, p50 {q['p50']:.1f} ms, p99 {q['p99']:.1f} ms"
            f"{', ' + str(q['errors']) + ' errors' if q['errors'] else ''}"
            f" | {g['rps'] / q['rps']:.2f} |"
        )


if __name__ == "__main__":
    main()
