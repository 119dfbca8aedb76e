#!/usr/bin/env bash
# Prints "CKPT AE": the training checkpoints the Tiny World pack was exported from, for the PyTorch
# reference. KINORA_REF_CKPT / KINORA_REF_AE win; otherwise train/runs/final/ckpt.pt and
# train/runs/ae/ae_final.pt (the export's defaults) in this checkout or a sibling tinyworld worktree. `kinora bench compare` checks them
# against the pack's parity tensors and warns if they are not the pack's weights.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for runs in "$root/models/tinyworld/train/runs" "$root/../wt-tinyworld/models/tinyworld/train/runs"; do
  if [ -d "$runs" ]; then
    ckpt="${KINORA_REF_CKPT:-}"
    if [ -z "$ckpt" ]; then
      if [ -f "$runs/final/ckpt.pt" ]; then ckpt="$runs/final/ckpt.pt"; fi
    fi
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
