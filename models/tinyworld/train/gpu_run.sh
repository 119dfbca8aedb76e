#!/usr/bin/env bash
# One Tiny World 2 training session on a borrowed GPU machine: the same train_denoiser as on the CPU
# (--device cuda), resumed from the committed checkpoint and written back as the committed checkpoint.
#
#   models/tinyworld/train/gpu_run.sh MINUTES OUT_DIR [extra train_denoiser args...]
#
# Run from the repository root of a checkout on that machine. OUT_DIR receives the compact checkpoint
# (<name>.pt + .json, copy both over train/checkpoints/; at most 16 MiB, what the machine sends back: the xt line's
# EMA then goes back in fp16, as the export rounds it anyway), the log and a GPU load trace. The cool-down
# starts at 2/3 of MINUTES (WSD: train/train_denoiser.py lr_at) so what comes back can ship.
#
# Data: train/data/{captions.jsonl,emb.npy,tokens.npy} when that machine has them (train/run_tw2.sh makes them,
# with Java); else the captions alone, .gpu/captions.jsonl.gz (made here by `gpu_run.sh --pack-data`), and that
# machine embeds them itself with the pack's text encoder (train/embed_py.py: Python, onnxruntime and tokenizers,
# which the lent H200 has; 60 000 captions in 10.9 s on its 16 cores, session 31). The token states a
# token-attending arch (unet_ta_xt) needs are 1.5 GB, far over the 64 MiB that may be sent; the text encoder is not
# in git, so the call carries it:
#   run(command="models/tinyworld/train/gpu_run.sh 8 $OUT/tw ...", carry=[".gpu", "models/tinyworld/text_encoder"])
#
# Env: RUN_DIR (below), ARCH (default: the checkpoint's), CKPT (default train/checkpoints/tinyworld2_xt.pt; a path that does not
# exist starts ARCH from scratch and writes there), BATCH (64), LR (1.5e-3 from scratch; 6e-4, rewarmed over 300
# steps, resuming a line trained at batch 8 and 3e-4), DEVICE (cuda; cpu for a dry run),
# WORKERS (cores - 2: rendering, not the GPU, is what limits clips/s).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
tw="$root/models/tinyworld"
if [ "${1:-}" = "--pack-data" ]; then
  # VOCAB=wide packs the wide-vocabulary captions instead (train/make_captions.py --vocab wide, made here if missing;
  # the machine embeds whichever captions it is sent, and the checkpoint's session records their md5)
  case "${VOCAB:-base}" in
    base) data="$tw/train/data" ;;
    wide) data="$tw/train/data_wide"
          [ -f "$data/captions.jsonl" ] || (cd "$tw" && python3 -m train.make_captions --n 60000 --seed 0 --vocab wide --out train/data_wide/captions) ;;
    *) echo "gpu_run: VOCAB is base or wide" >&2; exit 2 ;;
  esac
  mkdir -p "$root/.gpu"
  rm -f "$root/.gpu/emb16.npy"      # sent before 2026-12-04; the machine now embeds the captions itself
  gzip -9 -n -c "$data/captions.jsonl" > "$root/.gpu/captions.jsonl.gz"
  [ -f "$tw/text_encoder/all-minilm-l6-v2-q.onnx" ] || echo "gpu_run: models/tinyworld/text_encoder/ is missing: build once (mvn -q -DskipTests package) so it can be carried" >&2
  ls -l "$root/.gpu"
  exit 0
fi
minutes="$1"; out="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2
ckpt="${CKPT:-$tw/train/checkpoints/tinyworld2_xt.pt}"
arch="${ARCH:-$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['arch'])" "${ckpt%.pt}.json")}"
name="$(basename "$ckpt")"
if [ -f "$ckpt" ]; then
  cp "$ckpt" "$out/$name"; cp "${ckpt%.pt}.json" "$out/${name%.pt}.json"
else
  echo "gpu_run: $ckpt does not exist: $arch starts from scratch" >&2
fi
if [ -f "$tw/train/data/emb.npy" ]; then
  captions="$tw/train/data/captions.jsonl"; emb="$tw/train/data/emb.npy"; tokens="$tw/train/data/tokens.npy"
else
  captions=/tmp/tw_captions.jsonl; emb=/tmp/tw_emb.npy; tokens=/tmp/tw_tokens.npy
  gunzip -c "$root/.gpu/captions.jsonl.gz" > "$captions"
  tok_args=()
  takes_tokens="$(cd "$tw" && python3 -c "import sys; from train.nets import TW2_ARCHS; print(int(bool(getattr(TW2_ARCHS[sys.argv[1]](), 'text_tokens', False))))" "$arch")"
  [ "$takes_tokens" = 1 ] && tok_args=(--tokens "$tokens")
  (cd "$tw" && python3 -m train.embed_py --captions "$captions" --out "$emb" "${tok_args[@]}" --workers "$(nproc)") 2>&1 | tee "$out/embed.log"
  [ "${PIPESTATUS[0]}" = 0 ] || { echo "gpu_run: embedding the captions failed (is models/tinyworld/text_encoder carried?)" >&2; exit 1; }
fi
workers="${WORKERS:-$(( $(nproc) - 2 ))}"
# the data flags of the CPU lines (train/run_tw2.sh), so a GPU session trains the same task; extra args override them
flags=()
line_flags=(--obj-weight 0 --mask-p 0.25 0.25 0.25 0.10 0.15 --occlude-x 2 --high-t 0.25 0.9)
case "$arch" in
  unet_ta_xt*) flags=("${line_flags[@]}" --phase-p 0.5) ;;
  unet_ta_fp) flags=("${line_flags[@]}") ;;
esac
if [ -f "$ckpt" ]; then lr="${LR:-6e-4}"; flags+=(--rewarm 300); else lr="${LR:-1.5e-3}"; fi
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true; nproc; lscpu | grep 'Model name' || true; python3 -c "import torch; print('torch', torch.__version__)"; } > "$out/machine.txt" 2>&1
nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv -l 15 > "$out/gpu_load.csv" 2>/dev/null &
smi=$!
cd "$tw"
# The first GPU session (2026-11-30, train/logs/tw2w_gpu1.log) rendered only ~240 clips/s with 14 workers, GPU 14 %
# busy: each forked worker's numpy BLAS (the encoder's einsum) started a thread per core, 14 x 16 threads on 16 cores.
# With one BLAS thread each, session 31 rendered ~1 050 clips/s (train/logs/tw2xtw_gpu31a.log), the GPU 57 % busy.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
set +e
# The run folder survives on a warm machine, and train_denoiser resumes from its ckpt.pt or CKPT, whichever is further
# along (session 32's second call resumed the first call's full state that way). An arm that must start from CKPT
# itself (an A/B from one head on one lease) names its own: RUN_DIR=/tmp/tw_gpu_run_b.
PYTHONUNBUFFERED=1 python3 -m train.train_denoiser --out "${RUN_DIR:-/tmp/tw_gpu_run}" --arch "$arch" --commit-ckpt "$out/$name" \
  --captions "$captions" --emb "$emb" --tokens "$tokens" --device "${DEVICE:-cuda}" --threads 2 --workers "$workers" --batch "${BATCH:-64}" \
  --lr "$lr" --stop-after "$minutes" --decay-at-minutes "$(python3 -c "print(round($minutes * 2 / 3, 2))")" \
  --ckpt-every 1000 --curve-minutes 0 --commit-limit-mb 16 "${flags[@]}" "$@" 2>&1 | tee "$out/train.log"
rc=${PIPESTATUS[0]}
kill "$smi" 2>/dev/null
exit "$rc"
