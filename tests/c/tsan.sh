#!/usr/bin/env bash
# Build tests/c/test_threads.c, tests/c/test_budget.c and the engine with ThreadSanitizer (clang)
# and run them.
#
#   tests/c/tsan.sh            # -> build/tsan/test_threads, test_budget, run from the repository root
#
# OpenBLAS is not instrumented: its own threads are off inside pyts's pool
# (docs/architecture.md, Threads), so TSan sees every thread pyts starts.
# Exit status non-zero on any data race report or failed check.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${OUT:-$ROOT/build/tsan}"
mkdir -p "$OUT/obj"
cd "$ROOT"
CFLAGS="-std=c11 -g -O1 -fsanitize=thread -fno-omit-frame-pointer -D_GNU_SOURCE -Icsrc -Icsrc/include $(pkg-config --cflags openblas zlib jansson)"
export CFLAGS OUT
# a header changed since the last build: rebuild everything (objects track only their .c)
if [ -f "$OUT/test_threads" ] && [ -n "$(find csrc -name '*.h' -newer "$OUT/test_threads" | head -1)" ]; then
  rm -f "$OUT"/obj/*.o
fi
# compile the engine (two at a time, only what changed)
find csrc -name '*.c' -not -path 'csrc/python/*' -not -path 'csrc/tools/*' | sort | xargs -P 2 -I{} sh -c '
  obj="$OUT/obj/$(echo "{}" | tr / _).o"
  if [ ! -f "$obj" ] || [ "{}" -nt "$obj" ]; then clang $CFLAGS -c "{}" -o "$obj"; fi'
OBJS=$(find csrc -name '*.c' -not -path 'csrc/python/*' -not -path 'csrc/tools/*' | sort | tr / _ | sed "s|^|$OUT/obj/|; s|\$|.o|")
export OPENBLAS_NUM_THREADS=1
# test_threads: one module from 8 threads (pure and mutating methods); test_budget: interrupts
# and time limits sent from other threads and a signal handler
for t in test_threads test_budget; do
  clang $CFLAGS tests/c/$t.c $OBJS $(pkg-config --libs openblas zlib jansson) -lm -lpthread -o "$OUT/$t"
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1 ${TSAN_OPTIONS:-}" "$OUT/$t"
done
