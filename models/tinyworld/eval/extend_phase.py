"""Probe: does an extension continue a motion from wherever it is, or only from where motions start? Rendered clips of
the directional motions, started `phase` frames along their path (world/render.py's spec["phase"]), their first K
latent frames known (the engine's extension window) and the rest sampled by the torch reference sampler with the clip's
own caption, decoded and read by the eval's detector. At phase 0 the known frames are where every training clip's
motion starts; an extension's context (the last frames of a clip, its subject well along its path) is the larger
phases. Per phase:

  continues   the subject moves along the caption's axis the caption's way over the new frames, by at least
              --min-px (slides, rolls, float up; a fall is judged by its track error only)
  seam        the subject's step from the last known frame to the first new one, against the rendered clip's
  track       mean |generated - rendered| subject position over the new frames where both are in the frame (px)
  kept        the subject (its colour) is found in at least 10 of the 12 new frames, or the rendered one has left

  ../../.venv/bin/python -m eval.extend_phase --ckpt CKPT [--decoder D] [--n 32] [--phases 0,6,12] [--guidance 3]
"""
import argparse
import json

import numpy as np
import torch

from eval.detect import _pick, detect
from eval.time_direction import DIRECTIONAL
from train.latent import PatchEncoder
from train.sample import Text, decode, sample
from train.train_decoder2 import load_decoder, load_denoiser
from world.render import FRAMES, H, W, render

AXIS = {"slide_right": (0, 1), "roll_right": (0, 1), "slide_left": (0, -1), "roll_left": (0, -1),
        "slide_up": (1, -1), "float_up": (1, -1), "slide_down": (1, 1), "fall": (1, 1)}


def track(det, spec):
    """Per frame (x, y) of the spec's subject, or None where it is not found."""
    if not det["objects"]:
        return [None] * FRAMES
    o = _pick(det, spec)
    if o["colour"] != spec["colour"]:
        return [None] * FRAMES
    return [None if f is None else (f["x"], f["y"]) for f in o["frames"]]


def inside(p, margin=2.0):
    return p is not None and margin <= p[0] <= W - margin and margin <= p[1] <= H - margin


@torch.no_grad()
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--decoder", default="", help="a Decoder 2 state (default: the pack's)")
    ap.add_argument("--n", type=int, default=32)
    ap.add_argument("--phases", default="0,6,12")
    ap.add_argument("--k", type=int, default=4)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--min-px", type=float, default=6.0)
    ap.add_argument("--seed", type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(2)
    items = [json.loads(line) for line in open("train/data/captions.jsonl")]
    emb = np.load("train/data/emb.npy").astype(np.float32)
    rng = np.random.RandomState(a.seed)
    sel = [i for i in rng.permutation(len(items)) if items[i]["spec"]["motion"] in DIRECTIONAL][:a.n]
    seeds = [int(rng.randint(1 << 30)) for _ in sel]
    specs = [items[i]["spec"] for i in sel]
    den, step = load_denoiser(a.ckpt)
    dec = load_decoder(a.decoder) if a.decoder else load_decoder()
    text = Text.load(torch.from_numpy(emb[sel]), "train/data/tokens.npy" if getattr(den, "text_tokens", False) else None, rows=sel)
    enc = PatchEncoder()
    k = a.k
    print(f"# {a.ckpt} (step {step}), {len(sel)} directional captions, first {k} latent frames known, guidance {a.guidance}")
    for phase in (float(p) for p in a.phases.split(",")):
        rendered, metas = zip(*[render(dict(s, phase=phase), sd) for s, sd in zip(specs, seeds)])
        z = torch.from_numpy(np.stack([enc(c) for c in rendered]).transpose(0, 2, 1, 3, 4)).float()
        mask = torch.zeros(z.shape[0], 1, *z.shape[2:])
        mask[:, :, :k] = 1
        g = sample(den, text, guidance=a.guidance, cond=z * mask, mask=mask, seed=3)
        frames = decode(dec, g)
        cont, seam_g, seam_r, err, kept, judged = [], [], [], [], [], 0
        for clip, spec, meta in zip(frames, specs, metas):
            ax, sign = AXIS[spec["motion"]]
            tg = track(detect(clip), spec)
            tr = [(x, y) for x, y in zip(meta["objects"][0]["x"], meta["objects"][0]["y"])]
            gone = sum(not inside(tr[f]) for f in range(k, FRAMES)) > 2        # the rendered subject leaves the frame
            kept.append(gone or sum(tg[f] is not None for f in range(k, FRAMES)) >= 10)
            if tg[k - 1] is not None and tg[k] is not None and inside(tr[k - 1]) and inside(tr[k]):
                seam_g.append(sign * (tg[k][ax] - tg[k - 1][ax]))
                seam_r.append(sign * (tr[k][ax] - tr[k - 1][ax]))
            both = [f for f in range(k, FRAMES) if tg[f] is not None and inside(tr[f])]
            if both:
                err.append(np.mean([np.hypot(tg[f][0] - tr[f][0], tg[f][1] - tr[f][1]) for f in both]))
            if spec["motion"] != "fall":
                seen = [f for f in range(k - 1, FRAMES) if tg[f] is not None]
                if len(seen) >= 4 and inside(tr[seen[-1]]):
                    judged += 1
                    cont.append(sign * (tg[seen[-1]][ax] - tg[seen[0]][ax]) >= a.min_px)
        print(f"phase {phase:4.1f}: continues {np.sum(cont)}/{judged} ({np.mean(cont):.0%}) | seam step along the motion "
              f"{np.mean(seam_g):+.2f} px (rendered {np.mean(seam_r):+.2f}, {len(seam_g)} clips) | track error "
              f"{np.mean(err):.1f} px ({len(err)} clips) | kept {np.sum(kept)}/{len(kept)}", flush=True)


if __name__ == "__main__":
    main()
