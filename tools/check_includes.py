#!/usr/bin/env python3
"""check_includes.py - the include graph of csrc/ follows the pipeline.

Every folder of csrc/ (a "room": csrc/<room>/, everything under csrc/ops/ counts
as ops) has a place in LAYERS below.  A file may include headers of its own room
and of rooms in lower layers; an include of a room in the same layer or a
higher one is a back edge (or a loop between rooms) and is reported with its
file and line.  Rooms listed in FRONT_DOOR (the bindings on top) may include
only the rooms named there: they stand on the engine facade, not on its parts.
Inside one room, a cycle of #includes between its own files is reported too.

    python3 tools/check_includes.py          # exit 0 when clean, 1 on any violation
    python3 tools/check_includes.py --graph  # also print the room-level graph

CI runs it (tests/unit/test_include_graph.py).  To add a room, give it a layer
here first; an unknown room is an error.
"""
import os
import re
import sys

# Lowest first.  Rooms in one layer may not include each other.
LAYERS = [
    ["core"],                                # status codes, allocator, string buffer, hashing, arrays
    ["value"],                               # tagged values, types, classes and units
    ["tensor"],                              # dtypes, storage, strided tensors, iterator, thread pool
    ["container", "pickle", "frontend", "ops"],  # zip / unpickler / parser / op registry + kernels
    ["interp"],                              # compiler, VM, binding, upgraders
    ["load"],                                # a file -> a module (container + pickle + frontend + interp)
    ["engine", "include"],                   # the facade; include/pyts.h is the public C API
    ["api", "python", "tools"],              # the bindings on top
]

# The bindings may include only these rooms (besides their own).
FRONT_DOOR = {
    "api": {"engine", "include", "value", "tensor", "core"},
    "python": {"engine", "value", "tensor", "core"},
    "tools": {"include"},
}

INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def room_of(rel):
    """csrc-relative path -> room name."""
    return rel.split("/", 1)[0] if "/" in rel else ""


def scan(root):
    """Yield (rel_path, line_no, included_rel_path) for every quoted include."""
    for dirpath, _dirs, files in os.walk(root):
        for f in sorted(files):
            if not f.endswith((".c", ".h", ".inc")):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            with open(path, encoding="utf-8", errors="replace") as fh:
                for n, line in enumerate(fh, 1):
                    m = INCLUDE_RE.match(line)
                    if m:
                        yield rel, n, m.group(1)


def resolve(root, rel, inc):
    """The csrc-relative path an include names, or None (system / generated)."""
    if os.path.exists(os.path.join(root, inc)):
        return inc
    if os.path.exists(os.path.join(root, "include", inc)):
        return "include/" + inc
    local = os.path.normpath(os.path.join(os.path.dirname(rel), inc)).replace(os.sep, "/")
    if os.path.exists(os.path.join(root, local)):
        return local
    return None


def file_cycles(edges):
    """Cycles in a directed graph {node: set(nodes)}; each reported once."""
    seen, stack, on, out = set(), [], set(), []

    def visit(n):
        seen.add(n)
        stack.append(n)
        on.add(n)
        for m in sorted(edges.get(n, ())):
            if m in on:
                cyc = stack[stack.index(m):] + [m]
                out.append(cyc)
            elif m not in seen:
                visit(m)
        stack.pop()
        on.discard(n)

    for n in sorted(edges):
        if n not in seen:
            visit(n)
    return out


def check(root):
    layer = {r: i for i, rooms in enumerate(LAYERS) for r in rooms}
    errors = []
    graph = {}
    file_edges = {}
    for rel, line, inc in scan(root):
        target = resolve(root, rel, inc)
        if target is None:
            continue
        src, dst = room_of(rel), room_of(target)
        for r in (src, dst):
            if r not in layer:
                errors.append("%s:%d: room '%s' has no layer in tools/check_includes.py" % (rel, line, r or "."))
        if src not in layer or dst not in layer:
            continue
        if src == dst:
            file_edges.setdefault(rel, set()).add(target)
            continue
        graph.setdefault(src, set()).add(dst)
        if layer[dst] > layer[src]:
            errors.append('%s:%d: #include "%s": %s (layer %d) reaches up into %s (layer %d)'
                          % (rel, line, inc, src, layer[src], dst, layer[dst]))
        elif layer[dst] == layer[src]:
            errors.append('%s:%d: #include "%s": %s and %s sit in the same layer and may not include each other'
                          % (rel, line, inc, src, dst))
        elif src in FRONT_DOOR and dst not in FRONT_DOOR[src]:
            errors.append('%s:%d: #include "%s": %s may include only %s (the engine facade), not %s'
                          % (rel, line, inc, src, ", ".join(sorted(FRONT_DOOR[src])), dst))
    # a header including itself through a .c is impossible; cycles are among headers
    for cyc in file_cycles(file_edges):
        errors.append("include cycle inside %s: %s" % (room_of(cyc[0]), " -> ".join(cyc)))
    return errors, graph


def main(argv):
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "csrc")
    errors, graph = check(os.path.normpath(root))
    if "--graph" in argv:
        for src in sorted(graph):
            print("%-10s -> %s" % (src, " ".join(sorted(graph[src]))))
    for e in errors:
        print(e)
    if errors:
        print("check_includes: %d violation(s) of the layer order in tools/check_includes.py" % len(errors))
        return 1
    print("check_includes: the include graph of csrc/ follows the layer order")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
