"""Probe: classifier-free guidance applied only inside a flow-time interval [lo, hi] (guidance 1 outside), with
the torch reference sampler (same maths as the engine's flow-Euler, its own noise), 2.1.0's denoiser and
Decoder 2, on eval/select_guidance.py's validation prompts (32 + 16 occlusion). A look before building the
interval into the engine; the model card records what it said.

  ../../.venv/bin/python -c "from eval.select_guidance import prompts, occlusion_prompts as o; \
      open('/tmp/gi_prompts.txt','w').write('\\n'.join(p['prompt'] for p in prompts(32)+o(16))+'\\n')"
  (cd ../.. && ./kinora embed --captions /tmp/gi_prompts.txt --out /tmp/gi_emb.npy --tokens /tmp/gi_tokens.npy)
  ../../.venv/bin/python -m eval.probe_guidance_interval 3,0,1 3,0.3,1 3,0,0.7     # guidance,lo,hi ...
  ../../.venv/bin/python -m eval.probe_guidance_interval --ckpt CKPT 3,0,1        # another denoiser
  ../../.venv/bin/python -m eval.probe_guidance_interval --ckpt CKPT --seeds 4 3,0,1   # 4 batched noise draws a prompt instead
  ../../.venv/bin/python -m eval.probe_guidance_interval --decoder DEC_CKPT --seeds 4 3,0,1   # another Decoder 2
  ../../.venv/bin/python -m eval.probe_guidance_interval --shift 3 --seeds 4 --draw-from 4 4,0,1   # draws 4-7: with a
      --seeds 4 run's figures, the mean of the two is the --seeds 8 reading
  ../../.venv/bin/python -m eval.probe_guidance_interval --shift 3 --seeds 8 4,0,1 5,0.5,1   # the pack's time shift, as the engine
      samples (the default, 1, is what the card's probe tables used; the interval is in the sampled flow times either way)
  ../../.venv/bin/python -m eval.probe_guidance_interval --occlusion-only --shift 3 --seeds 8 4,0,1 4,0,0.6   # the 16
      occlusion prompts alone (permanence, and how many clips draw the subject on both sides of the pillar)
  ../../.venv/bin/python -m eval.probe_guidance_interval --shift 3 --seeds 8 4,0,0.8,2   # a schedule: guidance 2 (not 1)
      outside the interval, here above flow time 0.8
"""
import collections
import json
import sys

import numpy as np
import torch

from eval.select_guidance import prompts, occlusion_prompts
from eval.run_eval import adherence
from eval.detect import detect, permanence_why
from eval.occlusion_report import both_sides
from train.train_decoder2 import load_decoder, load_denoiser
from train.sample import Text, decode, sample


def batched_draws(den, dec, emb, seeds, chunk=16, first_draw=0, **kw):
    """(prompt index, decoded clip) for `seeds` noise draws of every row of emb, `chunk` prompts a sampler call; the
    draws depend only on (draw, chunk), so every denoiser is judged on the same noise. Draws first_draw.. continue an
    earlier run: its rates and these, averaged, are the rates of one run over all the draws (equal counts each)."""
    for k in range(first_draw, first_draw + seeds):
        for j in range(0, emb.shape[0], chunk):
            z = sample(den, emb[j:j + chunk], seed=100_000 * (k + 1) + j, **kw)
            yield from zip(range(j, j + chunk), decode(dec, z, emb[j:j + chunk]))   # a DecoderT is told the prompt


def main():
    torch.set_num_threads(2)
    ps = prompts(32) + occlusion_prompts(16)
    emb = torch.from_numpy(np.load("/tmp/gi_emb.npy").astype(np.float32))
    args = sys.argv[1:]
    ckpt = "train/checkpoints/tinyworld2.pt"
    if "--ckpt" in args:                     # another denoiser checkpoint (a trial's), same sampler and prompts
        i = args.index("--ckpt")
        ckpt = args[i + 1]
        del args[i:i + 2]
    decoder = "train/checkpoints/decoder2.pt"
    if "--decoder" in args:                  # another Decoder 2 ckpt.pt (a retrained one, or a DecoderT), same clips
        i = args.index("--decoder")
        decoder = args[i + 1]
        del args[i:i + 2]
    shift = 1.0
    if "--shift" in args:                    # the pack's flow time shift (pack.json scheduler.shift; the engine samples with it)
        i = args.index("--shift")
        shift = float(args[i + 1])
        del args[i:i + 2]
    first = 0
    if "--occlusion-only" in args:           # the occlusion prompts alone: a permanence probe at a third of the cost
        args.remove("--occlusion-only")
        first = 32
    seeds = 0
    if "--seeds" in args:                    # K extra noise draws per prompt, batched 16 prompts a call (faster, same for every denoiser)
        i = args.index("--seeds")
        seeds = int(args[i + 1])
        del args[i:i + 2]
    first_draw = 0
    if "--draw-from" in args:                # draws K.. only: the second half of an 8-draw reading after a 4-draw one
        i = args.index("--draw-from")
        first_draw = int(args[i + 1])
        del args[i:i + 2]
    den, _ = load_denoiser(ckpt)
    dec = load_decoder(decoder)
    emb = Text.load(emb, "/tmp/gi_tokens.npy" if getattr(den, "text_tokens", False) else None)
    for cfg in args:
        g, lo, hi, *rest = map(float, cfg.split(","))
        out = rest[0] if rest else 1.0       # guidance outside [lo, hi]
        sc, why, twice = [], [], []

        def score(i, clip):
            if i < 32:
                sc.append(adherence(clip, ps[i]["spec"]))
            else:
                why.append(permanence_why(detect(clip), ps[i]["spec"]))
                twice.append(both_sides(clip, ps[i]["spec"]["colour"]))
        if not seeds:
            for i, p in enumerate(ps[first:], first):
                z = sample(den, emb[i:i + 1], steps=16, guidance=g, shift=shift, seed=p["seed"], interval=(lo, hi),
                           outside=out)
                score(i, decode(dec, z, emb[i:i + 1])[0])

        def report(label):
            r = {k: float(np.mean([s[k] for s in sc])) for k in ("colour", "shape", "motion")} if sc else {}
            r["permanence"] = float(np.mean([w == "ok" for w in why]))
            print(label, json.dumps(r), "mean4 %.3f" % np.mean(list(r.values())) if sc else "", flush=True)
        draws = batched_draws(den, dec, emb[first:], seeds, steps=16, guidance=g, shift=shift, interval=(lo, hi),
                               outside=out, first_draw=first_draw)
        for n, (i, clip) in enumerate(draws, 1):
            score(i + first, clip)
            if seeds > 4 and n == 4 * len(ps[first:]):
                # the first four draws are the whole of a --seeds 4 run: comparable with the card's earlier readings
                report(cfg + " (first 4 draws)")
        report(cfg)
        print("  occlusion clips by first failed test:", json.dumps(dict(collections.Counter(why).most_common())),
              "; subject on both sides of the pillar in frames 0-1: %d of %d" % (sum(twice), len(twice)), flush=True)


if __name__ == "__main__":
    main()
