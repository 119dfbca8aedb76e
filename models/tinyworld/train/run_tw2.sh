#!/usr/bin/env bash
# Starts or resumes a Tiny World 2 training line, on any machine, from its committed checkpoint
# (train/checkpoints/$LINE.pt) when this checkout has no run folder yet.
#   models/tinyworld/train/run_tw2.sh [MINUTES] [extra train_denoiser args...]    (default 150 minutes)
# LINE: tinyworld2_xt (default: the line of 2.4.0, which attends to the caption's tokens), tinyworld2_fp (2.3.0's),
# tinyworld2 (2.2.0's; its own flags then go in the extra args), tinyworld2_x16 (the xt line widened to a 16-channel
# latent, train/widen_latent.py; it trains in the candidate pack train/latent16 unless TINYWORLD_PACK names another).
# The xt, x16 and fp lines train with the flags below.
# VOCAB=wide trains on captions in the wide vocabulary (train/make_captions.py --vocab wide: the base words and forms
# plus world/captions.py's WIDE_* ones), kept in train/data_wide; the default, base, is every pack's to 2.9.0.
# Pause: kill -TERM "$(cat models/tinyworld/train/runs/$LINE.pid)" — it writes both checkpoints, then
# commit train/checkpoints/$LINE.{pt,json}. Log: train/runs/$LINE.log.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"    # models/tinyworld
root="$(cd "$here/../.." && pwd)"
minutes="${1:-150}"; shift || true
line="${LINE:-tinyworld2_xt}"
arch="${ARCH:-$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['arch'])" "$here/train/checkpoints/$line.json" 2>/dev/null || echo unet_ta)}"
flags=()
if [ "$line" != tinyworld2 ]; then
  flags=(--lr 3e-4 --obj-weight 0 --mask-p 0.25 0.25 0.25 0.10 0.15 --occlude-x 2 --high-t 0.25 0.9)
fi
if [ "$line" = tinyworld2_x16 ]; then
  # clips that start part-way through their motion, captions without their subject: the card's two session-15 trials
  export TINYWORLD_PACK="${TINYWORLD_PACK:-$here/train/latent16}"
  flags+=(--phase-p 0.5 --subject-free-p 0.5 --detail-weight 0.1)
elif [ "$line" = tinyworld2_xt ]; then
  # the clips that start part-way only: session 18's equal-step arms found that the subject-free captions cost the
  # xt line 6-7 points of shape and 7 of permanence on the torch probe, the phased clips nothing measurable
  # (the card, "Session 18")
  flags+=(--phase-p 0.5)
fi
venv="$("$root/tools/setup-python.sh")"
cd "$here"
vocab="${VOCAB:-base}"
case "$vocab" in base) data=train/data ;; wide) data=train/data_wide ;; *) echo "VOCAB: base or wide" >&2; exit 2 ;; esac
if [ ! -f "$data/emb.npy" ]; then
  # the data version is recorded in the checkpoint's config (captions and embeddings md5)
  "$venv/bin/python" -m train.make_captions --n 60000 --seed 0 --vocab "$vocab" --out "$data/captions"
  (cd "$root" && ./kinora embed --captions "models/tinyworld/$data/captions.txt" --out "models/tinyworld/$data/emb.npy")
fi
if [ ! -f train/data/curve_emb.npy ]; then
  # the learning curve's fixed prompts (train/curve.py), the same for either vocabulary
  "$venv/bin/python" -m train.curve --write-prompts
  (cd "$root" && ./kinora embed --captions models/tinyworld/train/data/curve_prompts.txt --out models/tinyworld/train/data/curve_emb.npy)
fi
if [ "$arch" = unet_ta_xt ] && [ ! -f "$data/tokens.npy" ]; then
  # the captions' token states as the engine computes them (1.5 GB, about two minutes); the pooled vectors it writes
  # beside them are the ones already in emb.npy
  (cd "$root" && ./kinora embed --captions "models/tinyworld/$data/captions.txt" --out "models/tinyworld/$data/.emb_again.npy" \
     --tokens "models/tinyworld/$data/tokens.npy" && rm -f "models/tinyworld/$data/.emb_again.npy")
fi
if [ ! -f "$data/subject_free_tokens.npy" ]; then
  # the captions without their subject (--subject-free-p), pooled vectors and token states: a few seconds
  "$venv/bin/python" -m train.make_captions --subject-free-only --out "$data/captions"
  (cd "$root" && ./kinora embed --captions "models/tinyworld/$data/subject_free.txt" --out "models/tinyworld/$data/subject_free_emb.npy" \
     --tokens "models/tinyworld/$data/subject_free_tokens.npy")
fi
[ "$vocab" = base ] || flags+=(--captions "$here/$data/captions.jsonl" --emb "$here/$data/emb.npy" --tokens "$here/$data/tokens.npy")
mkdir -p train/runs
nohup "$venv/bin/python" -m train.train_denoiser --out "train/runs/$line" --arch "$arch" --threads 2 \
  --commit-ckpt "train/checkpoints/$line.pt" --stop-after "$minutes" --curve-minutes 0 "${flags[@]}" "$@" >> "train/runs/$line.log" 2>&1 &
echo $! > "train/runs/$line.pid"
echo "training $line ($arch) for $minutes min: pid $(cat "train/runs/$line.pid"), log $here/train/runs/$line.log" >&2
