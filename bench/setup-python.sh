#!/usr/bin/env bash
# Prints the python the benchmarks run (the PyTorch reference, fold_frames.py, make_graphs.py): the
# repository's .venv with torch 2.13, onnx, onnxruntime and numpy, made by tools/setup-python.sh on
# first use. Where that venv cannot be made it falls back, and says so, to Debian's /usr/bin/python3
# with python3-torch (an older torch: results name the python they ran on).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if venv="$("$root/tools/setup-python.sh")"; then
  echo "$venv/bin/python"
  exit 0
fi
if /usr/bin/python3 -c 'import torch, onnx, numpy' 2>/dev/null; then
  echo "bench: FALLBACK: Debian's /usr/bin/python3 with torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), not the venv's torch 2.13" >&2
  echo /usr/bin/python3
  exit 0
fi
echo "bench: no python with torch, onnx and numpy: tools/setup-python.sh could not make .venv and /usr/bin/python3 lacks them" \
  "(sudo apt-get install python3-torch python3-onnx python3-numpy)" >&2
exit 1
