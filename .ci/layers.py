#!/usr/bin/env python3
"""The layer check: inside each crate listed in .ci/layers.toml, a module (a file) may import
only modules of its own layer or of layers below it, and no modules import each other in a
circle. Imports are read from the source: every `crate::` path, in `use` statements (braces
expanded) and in code, and `super::` paths, resolved to the file that defines the module
(items re-exported by lib.rs resolve to the module they come from).

Usage: python3 .ci/layers.py            check every listed crate; exit 1 on a violation
       python3 .ci/layers.py --graph    print each crate's module imports
"""
import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def strip(src):
    """Source without comments and string literals (a `crate::` in a doc comment is no import)."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            out.append('""')
            i = j + 1
        elif c == "r" and re.match(r'r#*"', src[i:i + 10]) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', src[i:]).group(1)
            end = '"' + hashes
            j = src.find(end, i + len(hashes) + 2)
            out.append('""')
            i = n if j < 0 else j + len(end)
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", src[i:i + 4]):
            m = re.match(r"'(\\.|[^\\'])'", src[i:])
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def expand(tree):
    """`a::{b, c::{d, e}}` -> [a::b, a::c::d, a::c::e] (iteratively, with a stack)."""
    paths = []
    stack = [("", tree.replace(" ", "").replace("\n", ""))]
    while stack:
        prefix, t = stack.pop()
        if "{" not in t:
            for part in split_top(t):
                paths.append(prefix + part)
            continue
        k = t.index("{")
        head, body = t[:k], t[k + 1:t.rindex("}")]
        for part in split_top(body):
            stack.append((prefix + head, part))
    return [p.split(" as ")[0] for p in paths if p]


def split_top(s):
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        parts.append(cur)
    return parts


def modules(src_dir):
    """Module name (`graphql/loaders`) -> file, for every .rs file under src_dir."""
    mods = {}
    for f in sorted(src_dir.rglob("*.rs")):
        rel = f.relative_to(src_dir).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "mod":
            parts = parts[:-1]
        name = "/".join(parts) if parts != ["lib"] else "lib"
        mods[name] = f
    return mods


def reexports(lib_src, mods):
    """Items lib.rs re-exports (`pub use actor::{Actor, Scope}`) -> their module."""
    found = {}
    for m in re.finditer(r"pub\s+use\s+([^;]+);", lib_src):
        for p in expand(m.group(1)):
            segs = p.split("::")
            mod = resolve(segs[:-1], mods)
            if mod:
                found[segs[-1]] = mod
    return found


def resolve(segs, mods):
    """The longest prefix of `segs` that names a module."""
    for k in range(len(segs), 0, -1):
        name = "/".join(segs[:k])
        if name in mods:
            return name
    return None


def imports(name, src, mods, reexp):
    code = strip(src)
    paths = []
    for m in re.finditer(r"\buse\s+((?:crate|super)::[^;]+);", code):
        paths += expand(m.group(1))
    body = re.sub(r"\buse\s+(?:crate|super)::[^;]+;", "", code)
    paths += re.findall(r"(?<![\w$])((?:crate|super)(?:::\w+)+)", body)
    here = name.split("/") if name != "lib" else []
    found = set()
    for p in paths:
        segs = p.split("::")
        if segs[0] == "super":
            base = here[:-1]
            segs = segs[1:]
            while segs and segs[0] == "super":
                base = base[:-1]
                segs = segs[1:]
            segs = base + segs
        else:
            segs = segs[1:]
        mod = resolve(segs, mods)
        if mod is None or mod == "lib":
            if segs and segs[0] in reexp:
                mod = reexp[segs[0]]
            elif segs and segs[0] in mods:
                mod = segs[0]
            else:
                continue
        if mod != name:
            found.add(mod)
    return found


def layer_of(mod, layers):
    for i, layer in enumerate(layers):
        for pat in layer:
            if mod == pat or (pat.endswith("/*") and mod.startswith(pat[:-1])):
                return i
    return None


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan's, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        x = stack.pop()
                        on.discard(x)
                        comp.append(x)
                        if x == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
            elif w not in index:
                index[w] = low[w] = counter[0]
                counter[0] += 1
                stack.append(w)
                on.add(w)
                work.append((w, iter(sorted(graph.get(w, ())))))
            elif w in on:
                low[v] = min(low[v], index[w])
    return out


def main():
    config = tomllib.loads((ROOT / ".ci/layers.toml").read_text())
    show = "--graph" in sys.argv
    failed = 0
    for crate, spec in config.items():
        src = ROOT / spec["src"]
        layers = spec["layers"]
        mods = modules(src)
        reexp = reexports(mods["lib"].read_text(), mods) if "lib" in mods else {}
        graph = {m: imports(m, f.read_text(), mods, reexp) for m, f in mods.items() if m != "lib"}
        if show:
            for m in sorted(graph):
                print(f"{crate}: {m} -> {' '.join(sorted(graph[m]))}")
        for m in sorted(graph):
            if layer_of(m, layers) is None:
                print(f"{crate}: {m} is in no layer of .ci/layers.toml")
                failed += 1
        for m in sorted(graph):
            lm = layer_of(m, layers)
            for t in sorted(graph[m]):
                lt = layer_of(t, layers)
                if lm is not None and lt is not None and lt > lm:
                    print(f"{crate}: {m} (layer {lm}) imports {t} (layer {lt}), a layer above it")
                    failed += 1
        for comp in cycles(graph):
            print(f"{crate}: modules import each other in a circle: {', '.join(comp)}")
            failed += 1
        if not failed:
            print(f"{crate}: {len(graph)} modules in {len(layers)} layers, no upward import, no circle")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
