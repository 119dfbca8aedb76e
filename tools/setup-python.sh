#!/usr/bin/env bash
# Makes the repository's Python environment (.venv, not in git) for Tiny World training, export and
# the benchmarks: torch 2.13 (CPU), onnx, onnxruntime, onnxscript, numpy, pillow.
# `--export` adds what the model-family export tools need (tools/export/: transformers, safetensors,
# tokenizers, sentencepiece, huggingface-hub, ftfy, accelerate; diffusers itself comes from a checkout).
# pip is pointed at this machine's wheel cache (PyPI itself is not reachable here); where torch 2.13
# is not available it says so and leaves the caller to fall back to Debian's python3-torch.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$here/.venv"
export_tools=0
[ "${1:-}" = "--export" ] && export_tools=1
args=()
[ -d /opt/pypi/simple ] && args+=(--index-url file:///opt/pypi/simple)
[ -d /opt/wheels ] && args+=(--find-links /opt/wheels)
extras() {
  if [ "$export_tools" = 1 ] && ! "$venv/bin/python" -c 'import transformers, safetensors, tokenizers, sentencepiece, ftfy, accelerate' 2>/dev/null; then
    "$venv/bin/pip" install -q "${args[@]}" transformers safetensors tokenizers sentencepiece huggingface-hub ftfy accelerate >&2
  fi
}
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import torch, onnx, onnxruntime, numpy, PIL' 2>/dev/null; then
  extras
  echo "$venv"; exit 0
fi
python3 -m venv "$venv"
if ! "$venv/bin/pip" install -q "${args[@]}" torch==2.13.0 onnx onnxruntime onnxscript numpy pillow >&2; then
  echo "setup-python: torch 2.13 could not be installed; use Debian's python3-torch (/usr/bin/python3) instead" >&2
  exit 1
fi
extras
echo "$venv"
