#!/usr/bin/env python3
"""The store-only check: entity queries (`Entity::find...`, `select_only`, `Query::select`) live in
`store.rs` modules (core's `records.rs`, the Reader, `sql.rs` and `audit.rs` are its stores),
migrations and demo seeds, never in resolvers, loaders or services. Files that still hold
queries from before the rule are listed in .ci/store_only.toml with how many: the count may only
fall (a file that has fewer is told to lower it), and no other file may hold one.

Usage: python3 .ci/store_only.py   (exit 1 on a violation)
"""
import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
QUERY = re.compile(r"\b\w+::find(?:_by_id|_related|_also_related|_with_related)?\(|\.select_only\(\)|\bQuery::select\(\)")
STORES = re.compile(r"(^|/)(store|sql|records|audit)\.rs$|(^|/)(migration|seed)[^/]*\.rs$|(^|/)migration/|(^|/)seed/")


def code_lines(text):
    """Lines without `//` comments (a query named in a doc comment is no query)."""
    for line in text.splitlines():
        yield line.split("//", 1)[0]


def main():
    known = tomllib.loads((ROOT / ".ci/store_only.toml").read_text()).get("known", {})
    failed, remaining = 0, 0
    for f in sorted([*ROOT.glob("crates/*/src/**/*.rs"), *ROOT.glob("examples/*/src/**/*.rs")]):
        rel = f.relative_to(ROOT).as_posix()
        if STORES.search(rel):
            continue
        n = sum(len(QUERY.findall(l)) for l in code_lines(f.read_text()))
        allowed = known.get(rel, 0)
        if n > allowed:
            print(f"{rel}: {n} entity queries outside a store (at most {allowed}): move them into the crate's store.rs")
            failed += 1
        elif n < allowed:
            print(f"{rel}: {n} entity queries, fewer than the {allowed} of .ci/store_only.toml: lower it")
            failed += 1
        remaining += n
    for rel in known:
        if not (ROOT / rel).exists():
            print(f"{rel}: listed in .ci/store_only.toml but gone: remove it")
            failed += 1
    print(f"store-only: {remaining} entity queries left outside stores, in {sum(1 for v in known.values() if v)} listed files")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
