#!/usr/bin/env bash
# Every measurement of docs/benchmarks.md, in order, into bench/results/<UTC date-time>/. Takes ~25 min
# on a 2-core machine; run it on an otherwise idle machine. Works from a clean clone: bench/setup-python.sh makes
# the venv (torch 2.13) for the PyTorch side, bench/kb builds the product and the benchmark module.
#   PACK=tinyworld RUNS=3 SOAK_STEPS=16 [SOAK_PACK=…] bench/run_all.sh   (the soak runs the folded pack by default: faster, same engine code paths)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
pack="${PACK:-tinyworld}"
runs="${RUNS:-3}"
soak_steps="${SOAK_STEPS:-16}"
python="$("$here/setup-python.sh")"
out="$here/results/$(date -u +%Y%m%d-%H%M)"
mkdir -p "$out"
echo "results in $out" >&2
packdir="$pack"; [ -d "$packdir" ] || packdir="$root/models/$pack"
folded="$("$here/fold_pack.sh" "$packdir" "$root/target/packs/$(basename "$packdir")-folded")"
{ "$here/kb" machine; echo "python: $python"; nproc; grep -m1 'model name' /proc/cpuinfo; grep MemTotal /proc/meminfo; date -u; } > "$out/machine.txt"
# other load on the machine while measuring: the load average and the busiest processes, before each step
load() { { echo "== before $1: $(date -u +%H:%M:%S) loadavg $(cat /proc/loadavg)"; ps -eo pcpu,comm --sort=-pcpu | head -4 || true; } >> "$out/load.txt" 2>/dev/null || true; }
load gemm.txt
"$here/kb" gemm --python "$python" | tee "$out/gemm.txt"
load parity-folded.txt
"$here/kb" parity -m "$folded" | tee "$out/parity-folded.txt"
load flops.txt
"$here/kb" flops -m "$pack" | tee "$out/flops.txt"
load flops-folded.txt
"$here/kb" flops -m "$folded" | tee "$out/flops-folded.txt"
load compare.txt
"$here/compare.sh" -m "$pack" --runs "$runs" --previews --ref-jit --json "$out/compare.json" 2>"$out/compare.log" | tee "$out/compare.txt"
load compare-folded.txt
"$here/kb" compare -m "$folded" --engine-only --runs "$runs" --previews 2>"$out/compare-folded.log" | tee "$out/compare-folded.txt"
load fx-stall.txt
"$here/fx_stall.sh" "$pack" 3 | tee "$out/fx-stall.txt"
load fx-stall-folded.txt
"$here/fx_stall.sh" "$folded" 3 | tee "$out/fx-stall-folded.txt"
load flops-folded-1thread.txt
"$here/kb" flops -m "$folded" --threads 1 | tee "$out/flops-folded-1thread.txt"
load flops-folded-nospin.txt
"$here/kb" flops -m "$folded" --ort-config session.intra_op.allow_spinning=0 | tee "$out/flops-folded-nospin.txt"
load soak.txt
"$here/kb" soak -m "${SOAK_PACK:-$folded}" --runs 200 --steps "$soak_steps" 2>"$out/soak.log" | tee "$out/soak.txt"

load end
