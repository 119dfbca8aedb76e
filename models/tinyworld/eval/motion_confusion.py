"""Where text-to-video motion goes wrong: for the validation prompts of eval/select_guidance.py (the 32 that are
not occlusion clips), the direction the world's detector reads against the one asked for, over K noise draws, with
the torch sampler and Decoder 2. Tells a wrong sign (up read as down) from too little motion ("none") or a lost
subject, which call for different fixes. The same clips' shapes, read against the one asked for, follow: permanence
needs the shape read right twice (before and after the pillar), so it moves with shape roughly squared.

  ../../.venv/bin/python -m eval.motion_confusion --ckpt train/checkpoints/tinyworld2.pt --seeds 4 [--guidance 3]
"""
import argparse
import collections
import json

import numpy as np
import torch

from eval.select_guidance import prompts
from eval.detect import detect, direction, EXPECTED_DIRECTION, _pick, motion_ok
from eval.probe_guidance_interval import batched_draws
from train.train_decoder2 import load_decoder, load_denoiser
from train.sample import Text, decode, sample


def anchored_draws(den, dec, emb, seeds, anchor_steps, anchor_frames, chunk=16, **kw):
    """As batched_draws, but each clip is first generated with anchor_steps, and its frame 0 is then animated."""
    for k in range(seeds):
        for j in range(0, emb.shape[0], chunk):
            seed = 100_000 * (k + 1) + j
            z0 = sample(den, emb[j:j + chunk], seed=seed, frames=anchor_frames, **dict(kw, steps=anchor_steps))
            b, c = z0.shape[:2]
            cond = torch.zeros(b, c, 16, 16, 16)
            cond[:, :, :1] = z0[:, :, :1]
            mask = torch.zeros(b, 1, 16, 16, 16)
            mask[:, :, :1] = 1
            yield from zip(range(j, j + chunk), decode(dec, sample(den, emb[j:j + chunk], seed=seed + 1, cond=cond, mask=mask, **kw)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="train/checkpoints/tinyworld2.pt")
    ap.add_argument("--decoder", default="train/checkpoints/decoder2.pt", help="a Decoder 2 ckpt.pt (train_decoder2)")
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--shift", type=float, default=1.0)
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--anchor", type=int, default=0, help="first generate the clip with N steps, keep its frame 0, then animate it")
    ap.add_argument("--anchor-frames", type=int, default=16, help="frames of the anchor pass")
    ap.add_argument("--emb", default="/tmp/gi_emb.npy", help="as eval/probe_guidance_interval.py makes it (first 32 rows used)")
    ap.add_argument("--tokens", default="/tmp/gi_tokens.npy", help="the same prompts' token states (a denoiser that attends to them)")
    a = ap.parse_args()
    torch.set_num_threads(2)
    ps = prompts(32)
    emb = torch.from_numpy(np.load(a.emb).astype(np.float32))[:32]
    den, step = load_denoiser(a.ckpt)
    dec = load_decoder(a.decoder)
    emb = Text.load(emb, a.tokens if getattr(den, "text_tokens", False) else None, rows=range(32))
    conf = collections.Counter()
    shapes = collections.Counter()
    disp = collections.defaultdict(list)
    kw = dict(steps=a.steps, guidance=a.guidance, shift=a.shift)
    if a.anchor:
        draws = anchored_draws(den, dec, emb, a.seeds, a.anchor, a.anchor_frames, **kw)
    else:
        draws = batched_draws(den, dec, emb, a.seeds, **kw)
    for i, clip in draws:
        p = ps[i]
        want = EXPECTED_DIRECTION[p["spec"]["motion"]]
        det = detect(clip)
        if not det["objects"]:
            conf[(want, "no object")] += 1
            continue
        o = _pick(det, p["spec"])
        shapes[(p["spec"]["shape"], o["shape"])] += 1
        got = direction(o) if want not in ("meet", "lateral") else ("ok" if motion_ok(det, p["spec"]) else "wrong")
        conf[(want, got)] += 1
        fs = [f for f in o["frames"] if f is not None]
        if len(fs) >= 2:
            disp[want].append(float(np.hypot(fs[-1]["x"] - fs[0]["x"], fs[-1]["y"] - fs[0]["y"])))
    n = sum(conf.values())
    ok = sum(c for (w, g), c in conf.items() if g == w or g == "ok")
    print(f"motion right {ok}/{n} = {ok / n:.3f}")
    wants = sorted({w for w, _ in conf})
    print(f"# {a.ckpt} (step {step}), guidance {a.guidance}, shift {a.shift}, {a.steps} steps, {a.seeds} draws of 32 prompts")
    for w in wants:
        row = {g: c for (ww, g), c in conf.items() if ww == w}
        tot = sum(row.values())
        print(f"{w:8s} n={tot:3d} ok={row.get(w, row.get('ok', 0)) / tot:.2f} first->last px {np.mean(disp[w]) if disp[w] else float('nan'):5.1f}  "
              + json.dumps(dict(sorted(row.items(), key=lambda kv: -kv[1]))))
    m = sum(shapes.values())
    print(f"shape right {sum(c for (w, g), c in shapes.items() if w == g)}/{m} (clips with an object)")
    for w in sorted({w for w, _ in shapes}):
        row = {g: c for (ww, g), c in shapes.items() if ww == w}
        print(f"{w:8s} n={sum(row.values()):3d} read as " + json.dumps(dict(sorted(row.items(), key=lambda kv: -kv[1]))))


if __name__ == "__main__":
    main()
