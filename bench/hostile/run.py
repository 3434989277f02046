#!/usr/bin/env python3
"""Sends the hostile documents of the attack report, and the worst documents within the limits,
to a running gateway; prints each one's answer and its time (best and worst of REPEAT), and
whether the process is alive after all of them.
Usage: run.py HOST PORT ADMIN_TOKEN GATEWAY_PID [REPEAT]"""
import json
import os
import sys
import time
import urllib.error
import urllib.request

host, port, admin, pid = sys.argv[1:5]
repeat = int(sys.argv[5]) if len(sys.argv) > 5 else 5
URL = f"http://{host}:{port}/graphql"


def chain(n):
    return "query{...F0} " + " ".join(f"fragment F{i} on Query{{...F{i+1}}}" for i in range(n)) + \
        f" fragment F{n} on Query{{__typename}}"


def doubling(n):
    f = ["fragment L0 on Region{code name}"] + \
        [f"fragment L{i} on Region{{...L{i-1} ...L{i-1}}}" for i in range(1, n + 1)]
    return '{region(code:"33"){...L%d}} ' % n + " ".join(f)


def wide_fragments(frags, fields):
    # Every fragment selects `fields` distinct aliases-free fields of Region and is spread in
    # every one of `frags` children selections: the overlapping-fields rule's worst shape.
    names = ["code", "name", "level", "kind", "decree", "id"]
    body = " ".join(names[i % len(names)] for i in range(fields))
    fr = " ".join(f"fragment W{i} on Region{{{body}}}" for i in range(frags))
    spreads = " ".join(f"...W{i}" for i in range(frags))
    return '{region(code:"33"){%s children(first:5){nodes{%s}}}} %s' % (spreads, spreads, fr)


cases = [
    ("chain of 15,000 fragments, anonymous", chain(15000), None),
    ("chain of 15,000 fragments, ADMIN", chain(15000), admin),
    ("doubling fragments, 24 levels, anonymous", doubling(24), None),
    ("doubling fragments, 29 levels, anonymous", doubling(29), None),
    ("doubling fragments, 12 levels (16,384 selections), ADMIN", doubling(12), admin),
    ("doubling fragments, 10 levels (4,096 selections, within limits), ADMIN", doubling(10), admin),
    ("115 fragments x 20 fields spread twice (4,833 selections), ADMIN", wide_fragments(115, 20), admin),
    ("200 fragments x 20 fields spread twice (8,403 selections), ADMIN", wide_fragments(200, 20), admin),
    ("4,990 x __typename in one region (within limits), ADMIN", "{region(code:\"33\"){" + " __typename" * 4990 + "}}", admin),
    ("nesting 10,000 deep, anonymous", "{a" * 10000 + "}" * 10000, None),
    ("list value nested 100,000 deep, ADMIN",
     '{regions(filter:{search:' + "[" * 100000 + '"a"' + "]" * 100000 + '}){totalCount}}', admin),
    ("30,000 directives, ADMIN", "{__typename " + "@include(if:true) " * 30000 + "}", admin),
    ("1,400 directives (within limits), ADMIN", "{__typename " + "@include(if:true) " * 1400 + "}", admin),
    ("49,999-character search, ADMIN", ('query($s:String){regions(filter:{search:$s}){totalCount}}',
                                        {"s": "a" * 49999}), admin),
    ("full introspection, anonymous", "{__schema{types{name fields{name args{name type{name ofType{name ofType{name}}}} type{name ofType{name ofType{name ofType{name}}}}}}}}", None),
]


def send(doc, token):
    if isinstance(doc, tuple):
        body = {"query": doc[0], "variables": doc[1]}
    else:
        body = {"query": doc}
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    req = urllib.request.Request(URL, json.dumps(body).encode(), headers)
    t = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            status, data = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, data = e.code, e.read()
    ms = 1000 * (time.monotonic() - t)
    try:
        d = json.loads(data)
        err = (d.get("errors") or [{}])[0]
        x = err.get("extensions") or {}
        what = x.get("code", "ok")
        if "measure" in x:
            what += f" {x['measure']} {x.get('cost')}/{x.get('limit')}"
        elif "field" in x:
            what += f" {x['field']}"
    except ValueError:
        what = data[:80]
    return status, what, ms, len(json.dumps(body))


print(f"{'document':68} {'KB':>6} {'status':>6}  {'answer':40} {'best ms':>8} {'worst ms':>8}")
for name, doc, token in cases:
    times = []
    for _ in range(repeat):
        status, what, ms, size = send(doc, token)
        times.append(ms)
    print(f"{name:68} {size / 1024:6.0f} {status:>6}  {what:40} {min(times):8.1f} {max(times):8.1f}")
alive = os.path.exists(f"/proc/{pid}")
print(f"process alive after all of them: {'yes' if alive else 'NO'}")
