#!/usr/bin/env bash
# Every measurement of docs/benchmarks.md, in order, into bench/results/<UTC date-time>/. Took 5 min on a
# 2-core machine on 2026-12-01 (builds and the venv not counted); run it on an otherwise idle machine. Works
# from a clean clone: bench/setup-python.sh makes the venv (torch 2.13) for the PyTorch side, bench/kb builds the
# product and the benchmark module.
#   PACK=tinyworld RUNS=3 SOAK_STEPS=16 [REF_CKPT=CKPT] bench/run_all.sh
# REF_CKPT: the checkpoint the pack's denoiser was exported from, for the PyTorch reference. Packs since Tiny World 2.0.1
# are folded for ONNX Runtime, so the reference cannot read their weights back from the graph; it tries the committed
# line checkpoints, which are the pack's source only until the line trains on. For 2.9.0:
#   git show 9199fb0:models/tinyworld/train/checkpoints/tinyworld2_xt.pt > /tmp/tw290.pt; REF_CKPT=/tmp/tw290.pt bench/run_all.sh
# Tiny World 2's export folds its graph itself (train/export2.py), so the shipped pack is measured as it is;
# for an unfolded pack of another architecture, bench/fold_pack.sh makes the folded copy to measure beside it.
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
{ "$here/kb" machine; echo "python: $python"; nproc; grep -m1 'model name' /proc/cpuinfo; grep MemTotal /proc/meminfo; date -u; } > "$out/machine.txt"
# other load on the machine while measuring: the load average and the busiest processes, before each step
load() { { echo "== before $1: $(date -u +%H:%M:%S) loadavg $(cat /proc/loadavg)"; ps -eo pcpu,comm --sort=-pcpu | head -4 || true; } >> "$out/load.txt" 2>/dev/null || true; }
load gemm.txt
"$here/kb" gemm --python "$python" | tee "$out/gemm.txt"
load parity.txt
"$here/kb" parity -m "$pack" | tee "$out/parity.txt"
load flops.txt
"$here/kb" flops -m "$pack" | tee "$out/flops.txt"
load compare.txt
ref_ckpt=()
[ -n "${REF_CKPT:-}" ] && ref_ckpt=(--ref-ckpt "$REF_CKPT")
"$here/compare.sh" -m "$pack" --runs "$runs" --previews --ref-jit --ref-compile "${ref_ckpt[@]}" --json "$out/compare.json" 2>"$out/compare.log" | tee "$out/compare.txt"
load startup.txt
"$here/startup.sh" 5 | tee "$out/startup.txt"
load fx-stall.txt
"$here/fx_stall.sh" "$pack" 3 | tee "$out/fx-stall.txt"
load flops-1thread.txt
"$here/kb" flops -m "$pack" --threads 1 | tee "$out/flops-1thread.txt"
load flops-spin.txt
"$here/kb" flops -m "$pack" --ort-config session.intra_op.allow_spinning=1 | tee "$out/flops-spin.txt"
load soak.txt
# The soak watches native memory: a fixed, pre-touched Java heap keeps the heap's own first use from reading as
# growth (a heap that resized between generations 1 and 10 made RSS climb 50 MiB to generation 25, then stay flat).
KINORA_JAVA_OPTS="-Xms768m -Xmx768m -XX:+AlwaysPreTouch" \
  "$here/kb" soak -m "$pack" --runs 200 --steps "$soak_steps" 2>"$out/soak.log" | tee "$out/soak.txt"

load end
