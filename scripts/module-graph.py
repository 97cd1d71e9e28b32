#!/usr/bin/env python3
"""Prints the crate's module graph (from `crate::` paths in src/) and every
import circle between top-level modules; exits 1 when there is a circle.

Usage: scripts/module-graph.py [--edges]
"""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
PATH = re.compile(r"crate::(\{[^}]*\}|[a-z_][a-z0-9_]*)")


def module_of(rel):
    """The top-level module a file under src/ belongs to."""
    parts = rel.split(os.sep)
    name = parts[0]
    return name[:-3] if name.endswith(".rs") else name


def edges():
    graph = {}
    for root, _, files in os.walk(SRC):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, SRC)
            me = module_of(rel)
            if me in ("main", "lib"):
                continue
            text = open(path, encoding="utf-8").read()
            # Test modules may reach anywhere; only the code counts.
            text = text.split("#[cfg(test)]\nmod tests", 1)[0]
            # Doc links and comments name modules without depending on them.
            text = "\n".join(
                l for l in text.splitlines() if not l.lstrip().startswith("//")
            )
            for m in PATH.finditer(text):
                got = m.group(1)
                names = re.findall(r"(?:^|[{,]\s*)([a-z_][a-z0-9_]*)", got) if got.startswith("{") else [got]
                for n in names:
                    if n != me and n not in ("self", "super"):
                        graph.setdefault(me, set()).add(n)
            graph.setdefault(me, set())
    return graph


def circles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    graph = edges()
    if "--edges" in sys.argv:
        for k in sorted(graph):
            print(f"{k}: {' '.join(sorted(graph[k]))}")
    found = circles(graph)
    for c in found:
        print("circle:", " <-> ".join(c))
    if not found:
        print(f"no import circle between the {len(graph)} modules of src/")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
