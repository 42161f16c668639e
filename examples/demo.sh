#!/bin/sh
# examples/demo.sh: what `make demo` runs after the build.
set -e
cd "$(dirname "$0")/.."
stet=${STET_BIN:-bin/stet}
echo "== bin/stet --version"
"$stet" --version
if "$stet" help clean >/dev/null 2>&1 && [ -d examples/corpus ]; then
  echo "== stet clean -r examples/sites examples/corpus"
  "$stet" clean -r examples/sites -f markdown examples/corpus
else
  echo "== stet normalize (the clean pipeline is not built yet; normalizing a sample)"
  printf 'Caf\303\251 owner\342\200\231s  \r\nmenu\302\240today\342\200\213, caf\303\203\302\251 \377\n' |
    "$stet" normalize --mojibake
fi
