#!/bin/sh
# core/fuzz/run.sh TARGET...: seeds the corpus of each libFuzzer target
# ($BUILD/fuzz/corpus/TARGET/, from examples/corpus and strings below) and
# runs $BUILD/fuzz/TARGET on it for FUZZ_SECONDS seconds, one target at a
# time, printing one line per target. A crash, a failed check, a leak or an
# input slower than 30 s fails the target; the input is kept under
# $BUILD/fuzz/crashes/TARGET/ and the log under $BUILD/fuzz/logs/. When
# STET_SUMMARY names a file, each target appends "1 0" (passed) or "0 1"
# to it, as the specs do (spec/support/run.sh). Exits 1 if any failed.
BUILD=${BUILD:-build}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
texts=examples/corpus/misc
failed=0

# seed NAME PREFIX: one seed per example text, its first 2000 bytes after
# the printf format PREFIX (option bytes of the harness)
seed_texts() {
  for f in "$texts"/*; do
    [ -f "$f" ] || continue
    { printf "$2"; head -c 2000 "$f"; } > "$1/seed-$(basename "$f")"
  done
}

seed() {
  d="$BUILD/fuzz/corpus/$1"
  mkdir -p "$d"
  case $1 in
  normalize)
    seed_texts "$d" '\076\000'
    printf '\001\000Caf\303\251 \342\200\234q\342\200\235 a\240b\r\n\302\205e\314\201\346\227\245' > "$d/seed-mixed"
    printf '\377\001caf\303\203\302\251 \303\242\342\202\254\342\204\242 \357\274\241' > "$d/seed-mojibake" ;;
  mojibake)
    seed_texts "$d" ''
    printf 'caf\303\203\302\251 \303\242\342\202\254\342\204\242s \303\203\302\240 \303\203' > "$d/seed-mojibake" ;;
  segment)
    seed_texts "$d" '\000'
    printf '\001Mr. Smith met Dr. Jones in the U.S. on Jan. 5. The end.\n\n"Stop!" he said. 1. Go.\r\n  \n\t\360\237\207\253\360\237\207\267 e\314\201 \340\244\225\340\245\215\340\244\267' > "$d/seed-rules" ;;
  luapat)
    seed_texts "$d" '\000\014%%a+%%s*(%%d+)'
    printf '\000\003%%a+hello world' > "$d/seed-1"
    printf '\001\020^(%%d+)%%.(%%d+)$12.34' > "$d/seed-2"
    printf '\000\031%%bxy\n%%f[%%w]%%w+\n()a-b()axyxy word ab' > "$d/seed-3"
    printf '\002\011[^%%s]-x%%1 xax' > "$d/seed-4" ;;
  fingerprint)
    seed_texts "$d" ''
    printf 'Caf\303\251 \357\254\201 12\342\200\231s \303\205ngstr\303\266m e\314\201 \357\274\241\331\243' > "$d/seed-mixed" ;;
  doc)
    seed_texts "$d" '\376'
    printf '\001June 7, 2017\nA headline\n\nBy Jane Doe\n\nBody e\314\201 text.\n\nGo deeper' > "$d/seed-head" ;;
  minhash)
    seed_texts "$d" '\004\000\160' ;;
  wordscan)
    seed_texts "$d" '\000\000'
    { printf '\000\000The U.S. grew 3.14%% in Q3\001don\342\200\231t \342\200\234e-mail\342\200\235 1,200.5'
      printf '\001Caf\303\251 e\314\201 __init__ foo_bar\r\n\001x\342\200\215y \327\220"\327\221 a,b 1;2 a:b'
      printf ' \343\202\253\343\202\277'; } > "$d/seed-marks" ;;
  lsh)
    seed_texts "$d" '\012\200'
    printf '\011\300a b c\na b c\nx y\nx y z\n\n' > "$d/seed-lines" ;;
  json)
    i=0
    while IFS= read -r line; do
      i=$((i + 1))
      { printf '\003tag'; printf '%s' "$line"; } > "$d/seed-wire-$i"
    done < examples/corpus/wire.jsonl
    printf '\000{"title":"a\\u00e9\\ud83d\\ude00","text":"x\\"y","n":[1,-2.5e3,{"a":null}],"url":"u","":true}' > "$d/seed-escapes" ;;
  counter)
    printf '\001\000\003abc\001\000\005\001\010hello wo\101\000\005\001\012hello world\002\000\007\005\003\000\011\004abcd' > "$d/seed-ops"
    printf '\002\000\003abc\001\000\005\001\010hello wo\101\000\005\001\012hello world\002\000\007\005AAAAAAAAAAAA' > "$d/seed-corrupt"
    printf '\000STETTBL1\001\000\000\000\000\000\000\000' > "$d/seed-header" ;;
  esac
}

for t in "$@"; do
  bin="$BUILD/fuzz/$t"
  crashes="$BUILD/fuzz/crashes/$t"
  log="$BUILD/fuzz/logs/$t.log"
  mkdir -p "$crashes" "$BUILD/fuzz/logs"
  seed "$t"
  "$bin" -max_len=65536 -max_total_time="$FUZZ_SECONDS" -timeout=30 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$BUILD/fuzz/corpus/$t" > "$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  [ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
  if [ $rc -eq 0 ]; then
    echo "fuzz $t: ok, ${runs:-?} runs in $FUZZ_SECONDS s"
    [ -n "$STET_SUMMARY" ] && echo "1 0" >> "$STET_SUMMARY"
  else
    unit=$(sed -n "s/.*Test unit written to \(.*\)/\1/p" "$log" | tail -n 1)
    why=$(grep -m 1 -E 'fuzz check failed|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' "$log")
    echo "fuzz $t: FAILED after ${runs:-?} runs: ${why:-exit $rc}"
    echo "  reproducer: ${unit:-none} (run: $bin ${unit:-}); log: $log"
    [ -n "$STET_SUMMARY" ] && echo "0 1" >> "$STET_SUMMARY"
    failed=1
  fi
done
exit $failed
