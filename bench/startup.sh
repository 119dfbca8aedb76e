#!/usr/bin/env bash
# Start-up of the CLI, apart from generation: `./kinora generate` on the embedded pack, RUNS times each
# without and with the AppCDS archive the launcher records (alternating), and `./kinora --version`.
# For each run: wall time of the whole command, and the generation time the CLI itself reports
# (text + denoise + decode + file); start-up and exit = wall - generation.
#   bench/startup.sh [RUNS]     (default 5; run on an otherwise idle machine)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs="${1:-5}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$root"
./kinora --version > /dev/null                                     # builds the jar if needed
KINORA_CDS=1 ./kinora generate --prompt "a red ball rolls right" --seed 1 --out "$out/warm.mp4" > /dev/null 2>&1   # records the archive if missing
now() { date +%s.%N; }
declare -A wall gen
for i in $(seq 1 "$runs"); do
  for mode in off on; do
    cds=1; [ "$mode" = off ] && cds=0
    t0=$(now)
    KINORA_CDS=$cds ./kinora generate --prompt "a red ball rolls right" --seed "$i" --out "$out/c.mp4" > "$out/log" 2>&1
    t1=$(now)
    # the CLI's last line: "... 1.0 s (denoise 0.8 s, decode 0.0 s)"; its first figure is the job's own time
    g=$(tail -1 "$out/log" | sed -E 's/.* ([0-9.]+) s \(denoise.*/\1/')
    wall[$mode]+="$(echo "$t1 - $t0" | bc) "
    gen[$mode]+="$g "
  done
done
med() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "$("$here/kb" machine 2>/dev/null | head -1)"
echo "./kinora generate (Tiny World, 16 frames, pack defaults), medians of $runs alternating runs:"
for mode in off on; do
  w=$(echo "${wall[$mode]}" | med); g=$(echo "${gen[$mode]}" | med)
  printf '  AppCDS %-3s  wall %.2f s  generation (as the CLI reports it) %.2f s  start-up and exit %.2f s   [walls: %s]\n' \
    "$mode" "$w" "$g" "$(echo "$w - $g" | bc)" "${wall[$mode]% }"
done
for mode in off on; do
  cds=1; [ "$mode" = off ] && cds=0
  ts=""
  for i in $(seq 1 "$runs"); do t0=$(now); KINORA_CDS=$cds ./kinora --version > /dev/null; t1=$(now); ts+="$(echo "$t1 - $t0" | bc) "; done
  printf '  ./kinora --version, AppCDS %-3s  %.2f s (median)\n' "$mode" "$(echo "$ts" | med)"
done
