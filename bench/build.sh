#!/usr/bin/env bash
# Builds what the benchmarks run and prints the benchmark jar: the product, installed into the local
# Maven repository from this checkout (the bench module depends on dev.kinora:kinora), then the bench
# module (bench/pom.xml). Each step only when its sources changed. Extra arguments go to both mvn calls
# (e.g. -o for offline).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$root/target/bench-installed"   # this checkout's product went into ~/.m2 at this time
installed="${HOME}/.m2/repository/dev/kinora/kinora/0.1.0/kinora-0.1.0.jar"
if [ ! -f "$stamp" ] || [ ! -f "$root/target/kinora.jar" ] \
   || [ -n "$(find "$root/src" "$root/pom.xml" -newer "$stamp" -print -quit 2>/dev/null)" ] \
   || ! cmp -s "$installed" "$root/target/kinora.jar"; then
  echo "bench: building and installing the product..." >&2
  (cd "$root" && mvn -q -B "$@" -DskipTests install) >&2
  touch "$stamp"
fi
jar="$root/bench/target/kinora-bench.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/bench/src" "$root/bench/pom.xml" "$stamp" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "bench: building the benchmark module..." >&2
  (cd "$root" && mvn -q -B "$@" -f bench/pom.xml -DskipTests package) >&2
  touch "$jar"    # the jar plugin leaves an up-to-date jar alone; this marks it checked
fi
echo "$jar"
