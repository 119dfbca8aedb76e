#!/usr/bin/env bash
# Longest FX-thread stall while the studio-like probe generates with live previews, headless (Monocle,
# the surefire argLine's setup). Usage: bench/fx_stall.sh [pack id or folder] [generations]
# It is a test class of the benchmark module (FxStallMeasurement), switched on by -Dkinora.bench.fx=true.
set -euo pipefail
cd "$(dirname "$0")/.."
pack="${1:-tinyworld}"
gens="${2:-3}"
# shellcheck disable=SC2086
bench/build.sh ${KINORA_MVN_ARGS:-} >/dev/null
# shellcheck disable=SC2086
mvn -q -B ${KINORA_MVN_ARGS:-} -f bench/pom.xml test -Dtest=FxStallMeasurement -Dsurefire.failIfNoSpecifiedTests=false \
  -Dkinora.bench.fx=true -Dkinora.bench.pack="$pack" -Dkinora.bench.generations="$gens" >&2
cat bench/target/bench/fx-stall.txt
