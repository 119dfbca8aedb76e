#!/usr/bin/env bash
# Starts or resumes the Tiny World 2 training run, on any machine, from the committed checkpoint
# (train/checkpoints/tinyworld2.pt) when this checkout has no run folder yet.
#   models/tinyworld/train/run_tw2.sh [MINUTES] [extra train_denoiser args...]    (default 150 minutes)
# Pause: kill -TERM "$(cat models/tinyworld/train/runs/tw2.pid)" — it writes both checkpoints, then
# commit train/checkpoints/tinyworld2.{pt,json}. Log: train/runs/tw2.log. Curves: train/runs/tw2/curve.jsonl.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"    # models/tinyworld
root="$(cd "$here/../.." && pwd)"
minutes="${1:-150}"; shift || true
arch="${ARCH:-$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['arch'])" "$here/train/checkpoints/tinyworld2.json" 2>/dev/null || echo unet_ta)}"
venv="$("$root/tools/setup-python.sh")"
cd "$here"
data=train/data
if [ ! -f "$data/emb.npy" ] || [ ! -f "$data/curve_emb.npy" ]; then
  # the data version is recorded in the checkpoint's config (captions and embeddings md5)
  "$venv/bin/python" -m train.make_captions --n 60000 --seed 0
  "$venv/bin/python" -m train.curve --write-prompts
  (cd "$root" && ./kinora embed --captions "models/tinyworld/$data/captions.txt" --out "models/tinyworld/$data/emb.npy" \
     && ./kinora embed --captions "models/tinyworld/$data/curve_prompts.txt" --out "models/tinyworld/$data/curve_emb.npy")
fi
mkdir -p train/runs
nohup "$venv/bin/python" -m train.train_denoiser --out train/runs/tw2 --arch "$arch" --threads 2 \
  --stop-after "$minutes" --curve-minutes 10 "$@" >> train/runs/tw2.log 2>&1 &
echo $! > train/runs/tw2.pid
echo "training $arch for $minutes min: pid $(cat train/runs/tw2.pid), log $here/train/runs/tw2.log" >&2
