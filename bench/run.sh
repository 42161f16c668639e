#!/bin/sh
# bench/run.sh: `make bench` (after the build). Generates the benchmark corpus
# once, times stet beside cat, wc, uconv and the Python baselines, prints a
# table and saves it as JSON. Settings are environment variables; see
# bench/README.md and the top of bench/run.lua.
set -e
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time is missing: install Debian's 'time' package (make deps does)" >&2
  exit 2
fi
if ! command -v bash > /dev/null; then
  echo "bench: bash is needed for the timer" >&2
  exit 2
fi
exec lua5.4 bench/run.lua "$@"
