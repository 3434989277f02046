#!/usr/bin/env python3
"""Summarises a driver log by phase: `summary.py LOG name:from:to ...` (seconds since start)."""
import sys
from collections import Counter

rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
rows = [(float(a), float(b), c) for a, b, c in rows]
for spec in sys.argv[2:]:
    name, lo, hi = spec.split(":")
    lo, hi = float(lo), float(hi)
    sel = [r for r in rows if lo <= r[0] < hi]
    if not sel:
        print(f"  {name:<22} no requests")
        continue
    lat = sorted(r[1] for r in sel)
    outcomes = Counter(r[2] for r in sel)
    p50 = lat[len(lat) // 2]
    shown = ", ".join(f"{k} {v}" for k, v in outcomes.most_common())
    print(f"  {name:<22} {len(sel):>6} requests, p50 {p50:.0f} ms, max {lat[-1]:.0f} ms: {shown}")
