#!/usr/bin/env bash
# Run the pyts fuzz targets (build them first: make -C tests/fuzz -j2).
#
#   tests/fuzz/run.sh replay              every committed seed and regression input, once
#   tests/fuzz/run.sh fuzz SECONDS        each target for SECONDS (two at a time), starting
#                                         from a scratch copy of its corpus; new crash inputs
#                                         land in build/fuzz/artifacts/
#   tests/fuzz/run.sh long TARGET [ARGS]  one target until stopped (Ctrl-C), growing
#                                         build/fuzz/work/TARGET; extra ARGS go to libFuzzer
#                                         (e.g. -jobs=8 -workers=8)
#
# Exit status is non-zero if any target crashes, leaks, times out or fails a check.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="${OUT:-$ROOT/build/fuzz}"
TARGETS="fuzz_zip fuzz_unpickle fuzz_parse fuzz_load fuzz_run fuzz_pt2"
export PYTS_FUZZ_MODELS="$HERE/models"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
COMMON="-rss_limit_mb=2048 -timeout=20 -max_len=262144"

dict_of() {
  case "$1" in
    fuzz_parse) echo "-dict=$HERE/torchscript.dict" ;;
    fuzz_unpickle) echo "-dict=$HERE/pickle.dict" ;;
    fuzz_zip|fuzz_load) echo "-dict=$HERE/archive.dict" ;;
    fuzz_pt2) echo "-dict=$HERE/pt2.dict" ;;
    *) echo "" ;;
  esac
}

inputs_of() { # seed corpus + committed regression inputs
  local t=$1
  echo "$HERE/corpus/$t"
  if [ -d "$HERE/regressions/$t" ] && [ -n "$(ls -A "$HERE/regressions/$t")" ]; then
    echo "$HERE/regressions/$t"
  fi
}

replay() {
  local t fail=0
  for t in $TARGETS; do
    echo "--- replay $t ($(find $(inputs_of "$t") -type f | wc -l) inputs)"
    # -runs=0: execute every input once and stop
    mkdir -p "$OUT/artifacts"
    if ! "$OUT/$t" $COMMON -runs=0 -artifact_prefix="$OUT/artifacts/$t-" $(inputs_of "$t") >"$OUT/$t.replay.log" 2>&1; then
      tail -40 "$OUT/$t.replay.log"
      echo "FAIL: $t replay"
      fail=1
    fi
  done
  return $fail
}

fuzz_one() { # target seconds
  local t=$1 secs=$2
  local work="$OUT/work/$t"
  rm -rf "$work" && mkdir -p "$work" "$OUT/artifacts"
  cp "$HERE/corpus/$t/"* "$work/"
  local rc=0
  "$OUT/$t" $COMMON $(dict_of "$t") -max_total_time="$secs" -print_final_stats=1 \
    -artifact_prefix="$OUT/artifacts/$t-" "$work" $( [ -d "$HERE/regressions/$t" ] && echo "$HERE/regressions/$t" ) \
    >"$OUT/$t.fuzz.log" 2>&1 || rc=$?
  local execs
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$OUT/$t.fuzz.log" | grep -o '[0-9]*$' || echo "?")
  if [ $rc -ne 0 ]; then
    tail -60 "$OUT/$t.fuzz.log"
    echo "FAIL: $t (exit $rc) after $execs executions; reproducer in $OUT/artifacts/"
    return 1
  fi
  echo "ok: $t $execs executions in ${secs}s, corpus $(ls "$work" | wc -l) inputs"
}

case "${1:-}" in
  replay) replay ;;
  fuzz)
    secs="${2:-60}"
    export -f fuzz_one dict_of
    export OUT HERE COMMON
    # two targets at a time (CI has two cores); any failure fails the step
    printf '%s\n' $TARGETS | xargs -P 2 -I{} bash -c 'fuzz_one {} '"$secs"
    ;;
  long)
    t="${2:?usage: run.sh long TARGET [libFuzzer args]}"
    shift 2
    mkdir -p "$OUT/work/$t" "$OUT/artifacts"
    cp -n "$HERE/corpus/$t/"* "$OUT/work/$t/" || true
    exec "$OUT/$t" $COMMON $(dict_of "$t") -artifact_prefix="$OUT/artifacts/$t-" -print_final_stats=1 "$@" \
      "$OUT/work/$t" "$HERE/corpus/$t"
    ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac
