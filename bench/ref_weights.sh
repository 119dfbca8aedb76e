#!/usr/bin/env bash
# Prints "CKPT AE": the training checkpoints the Tiny World pack was exported from, for the PyTorch
# reference. KINORA_REF_CKPT / KINORA_REF_AE win; otherwise the newest ckpt.pt under train/runs (this
# checkout, or a sibling tinyworld worktree where training ran). `kinora bench compare` checks them
# against the pack's parity tensors and warns if they are not the pack's weights.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for runs in "$root/models/tinyworld/train/runs" "$root/../wt-tinyworld/models/tinyworld/train/runs"; do
  if [ -d "$runs" ]; then
    ckpt="${KINORA_REF_CKPT:-$(ls -t "$runs"/*/ckpt.pt 2>/dev/null | grep -v '/ae/' | head -1 || true)}"
    ae="${KINORA_REF_AE:-$runs/ae/ae_final.pt}"
    if [ -n "$ckpt" ] && [ -f "$ckpt" ] && [ -f "$ae" ]; then
      echo "$ckpt $ae"
      exit 0
    fi
  fi
done
if [ -n "${KINORA_REF_CKPT:-}" ] && [ -n "${KINORA_REF_AE:-}" ]; then
  echo "$KINORA_REF_CKPT $KINORA_REF_AE"
  exit 0
fi
echo "no Tiny World checkpoints found: set KINORA_REF_CKPT and KINORA_REF_AE" >&2
exit 2
