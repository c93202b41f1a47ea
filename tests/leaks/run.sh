#!/usr/bin/env bash
# Leak check of the Python extension under valgrind (LeakSanitizer with CPython is noisy):
# tests/leaks/leak_loop.py loads, walks, runs and frees every committed model (and a sample
# of corrupted variants) in a loop, checking pyts's own live-allocation counter; valgrind
# then checks the whole process.  Fails if the counter does not return to its baseline, or
# if valgrind reports a definite leak or a memory error with a pyts frame (csrc/, pyts/_C)
# in its stack.  CPython and NumPy keep some start-up objects for good: those are ignored.
#
#   tests/leaks/run.sh [ROUNDS]     # uses the importable pyts (installed, or PYTHONPATH=. for an
#                                   # in-place build: python3 setup.py build_ext --inplace)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROUNDS="${1:-1}"
PY="$(python3 -c 'import sys; print(sys.executable)')"  # the real binary, not a pyenv shim
LOG="${LOG:-$ROOT/build/valgrind-leaks.log}"
mkdir -p "$(dirname "$LOG")"
cd "$ROOT"
PYTHONMALLOC=malloc OPENBLAS_NUM_THREADS=1 \
  valgrind --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
  --num-callers=40 --log-file="$LOG" "$PY" tests/leaks/leak_loop.py "$ROUNDS"
python3 - "$LOG" <<'PYEOF'
import re, sys
log = open(sys.argv[1]).read()
blocks = re.split(r"\n==\d+== \n", log)
ours = re.compile(r"(csrc/|pyts/_C|_C\.cpython|\bpts_|\bpyts_)")
bad = []
for b in blocks:
    head = b.strip().splitlines()[0] if b.strip() else ""
    kind = ("definitely lost" in head or "Invalid " in head or "uninitialised" in head
            or "Mismatched" in head or "Conditional jump" in head or "overlap" in head)
    if kind and ours.search(b):
        bad.append(b)
summary = re.findall(r"definitely lost: [^\n]*", log)
print("valgrind:", summary[-1] if summary else "no leak summary", "| problems with a pyts frame:", len(bad))
for b in bad[:10]:
    print(b[:3000])
    print("-" * 60)
sys.exit(1 if bad else 0)
PYEOF
