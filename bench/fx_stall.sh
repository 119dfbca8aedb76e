#!/usr/bin/env bash
# Longest FX-thread stall while the studio-like probe generates with live previews, headless (Monocle,
# the surefire argLine's setup). Usage: bench/fx_stall.sh [pack id or folder] [generations]
set -euo pipefail
cd "$(dirname "$0")/.."
pack="${1:-tinyworld}"
gens="${2:-3}"
mvn -o -q -B test -Dtest=FxStallMeasurement -Dsurefire.failIfNoSpecifiedTests=false \
  -Dkinora.bench.fx=true -Dkinora.bench.pack="$pack" -Dkinora.bench.generations="$gens" >&2
cat target/bench/fx-stall.txt
