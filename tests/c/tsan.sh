#!/usr/bin/env bash
# Build tests/c/test_threads.c and the engine with ThreadSanitizer (clang) and run it.
#
#   tests/c/tsan.sh            # -> build/tsan/test_threads, run from the repository root
#
# OpenBLAS is not instrumented: its own threads are off inside pyts's pool
# (docs/architecture.md, Threads), so TSan sees every thread pyts starts.
# Exit status non-zero on any data race report or failed check.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${OUT:-$ROOT/build/tsan}"
mkdir -p "$OUT/obj"
cd "$ROOT"
CFLAGS="-std=c11 -g -O1 -fsanitize=thread -fno-omit-frame-pointer -D_GNU_SOURCE -Icsrc -Icsrc/include $(pkg-config --cflags openblas zlib)"
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
clang $CFLAGS tests/c/test_threads.c $OBJS $(pkg-config --libs openblas zlib) \
  -lm -lpthread -o "$OUT/test_threads"
export OPENBLAS_NUM_THREADS=1
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1 ${TSAN_OPTIONS:-}" "$OUT/test_threads"
