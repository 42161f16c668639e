#!/bin/sh
# spec/support/run.sh: lint, then every spec with the normal build, then every
# spec again with the ASan+UBSan build (C module and host). Ends with one line
# "N passed, N failed" (the lint counts as one check) and fails if any did.
# With FUZZ_TARGETS set (make test), each libFuzzer target of core/fuzz/
# then runs for 5 s and counts as one check.
# Environment: BUSTED (command), BUILD (build folder), ONLY=asan|default,
# FUZZ_TARGETS.
BUSTED=${BUSTED:-lua5.4 /usr/bin/busted}
BUILD=${BUILD:-build}
summary="$BUILD/spec-summary"
mkdir -p "$BUILD"
: > "$summary"
lint_fail=0
if [ -z "$ONLY" ]; then
  dirs=""
  for d in lua spec scripts examples bench core/gen; do [ -d "$d" ] && dirs="$dirs $d"; done
  if luacheck -q $dirs; then
    echo "1 0" >> "$summary"
  else
    echo "0 1" >> "$summary"; lint_fail=1
  fi
fi
if [ -z "$ONLY" ] || [ "$ONLY" = default ]; then
  echo "== specs"
  STET_SUMMARY="$summary" STET_BIN=bin/stet $BUSTED --run=default
fi
if [ -z "$ONLY" ] || [ "$ONLY" = asan ]; then
  echo "== specs under ASan+UBSan"
  asan_rt=$(${CC:-cc} -print-file-name=libasan.so)
  STET_SUMMARY="$summary" STET_BIN=bin/stet-asan STET_ASAN=1 \
    LD_PRELOAD="$asan_rt" ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions="$(pwd)/spec/support/lsan.supp":print_suppressions=0 \
    $BUSTED --run=asan
fi
if [ -z "$ONLY" ] && [ -x bin/stet-tsan ]; then
  # the worker threads under ThreadSanitizer: -j 3 must race-free give the
  # -j 1 records (and stet signatures the -j 1 file), on the example corpus
  # and on a generated one
  echo "== stet clean and stet signatures -j 3 under ThreadSanitizer"
  t="$BUILD/tsan-check"
  rm -rf "$t" && mkdir -p "$t"
  lua5.4 bench/gen_corpus.lua --mb 1 --seed 3 --quiet --out "$t/gen" >/dev/null 2>&1
  for input in examples/corpus "$t/gen/text" "$t/gen/corpus.jsonl"; do
    bin/stet clean -q -j 1 -r examples/sites --keep-dups "$input" > "$t/one" 2>/dev/null
    if bin/stet-tsan clean -q -j 3 -r examples/sites --keep-dups "$input" > "$t/many" 2> "$t/err" &&
       ! grep -q ThreadSanitizer "$t/err" && cmp -s "$t/one" "$t/many"; then
      echo "ok   $input"; echo "1 0" >> "$summary"
    else
      echo "FAIL $input"; head -40 "$t/err"; echo "0 1" >> "$summary"
    fi
  done
  for input in "$t/gen/text" "$t/gen/corpus.jsonl"; do
    bin/stet signatures -q -j 1 -r examples/sites --shard 1 -o "$t/one.sig" "$input" 2>/dev/null
    if bin/stet-tsan signatures -q -j 3 -r examples/sites --shard 1 -o "$t/many.sig" "$input" 2> "$t/err" &&
       ! grep -q ThreadSanitizer "$t/err" && cmp -s "$t/one.sig" "$t/many.sig"; then
      echo "ok   signatures $input"; echo "1 0" >> "$summary"
    else
      echo "FAIL signatures $input"; head -40 "$t/err"; echo "0 1" >> "$summary"
    fi
  done
fi
if [ -z "$ONLY" ] && [ -n "$FUZZ_TARGETS" ]; then
  echo "== fuzz smoke (5 s per target, core/fuzz/)"
  STET_SUMMARY="$summary" BUILD="$BUILD" FUZZ_SECONDS=5 sh core/fuzz/run.sh $FUZZ_TARGETS
fi
awk '{ p += $1; f += $2 } END { printf "%d passed, %d failed\n", p, f; exit (f > 0) }' "$summary"
