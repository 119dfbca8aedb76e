#!/usr/bin/env bash
# Longest FX-thread stall while the studio-like probe generates with live previews, headless (Monocle,
# the surefire argLine's setup). Usage: bench/fx_stall.sh [pack id or folder] [generations]
#   bench/fx_stall.sh --studio [steps]: the whole studio window instead (FxStallStudio): changing the
#   device during a job, cancelling it, and starting a job on a 512-frame source clip.
# It is a test class of the benchmark module (FxStallMeasurement), switched on by -Dkinora.bench.fx=true.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC2086
bench/build.sh ${KINORA_MVN_ARGS:-} >/dev/null
if [ "${1:-}" = "--studio" ]; then
  steps="${2:-40}"
  # shellcheck disable=SC2086
  mvn -q -B ${KINORA_MVN_ARGS:-} -f bench/pom.xml test -Dtest=FxStallMeasurement -Dsurefire.failIfNoSpecifiedTests=false \
    -Dkinora.bench.fx=true -Dkinora.bench.fx.studio=true -Dkinora.bench.steps="$steps" >&2
  cat bench/target/bench/fx-stall-studio.txt
  exit 0
fi
pack="${1:-tinyworld}"
gens="${2:-3}"
# shellcheck disable=SC2086
mvn -q -B ${KINORA_MVN_ARGS:-} -f bench/pom.xml test -Dtest=FxStallMeasurement -Dsurefire.failIfNoSpecifiedTests=false \
  -Dkinora.bench.fx=true -Dkinora.bench.pack="$pack" -Dkinora.bench.generations="$gens" >&2
cat bench/target/bench/fx-stall.txt
