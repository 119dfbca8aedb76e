"""Probe: animate a still with the torch sampler, on stills drawn outside the renderer (select_guidance.hand_prompts,
its own seed, so neither the held-out HAND stills nor select_guidance's 8) and, for comparison, on rendered first
frames of the validation prompts. Scores animate's bars as run_eval does (subject kept in frame 1 and present in
>= 14 frames; moves as prompted) and says, for a still that fails, what the detector saw instead. A quick, batched
look for judging trials on "animate on unfamiliar backdrops"; the card's numbers come from the engine. The prompts
are embedded by the engine itself (`kinora embed`, the command in --kinora or $KINORA).

  ../../.venv/bin/python -m eval.animate_probe --ckpt CKPT [--n-hand 32] [--n-rendered 16] [--guidance 3] [--grid F.png]
"""
import argparse
import collections
import json
import os
import subprocess
import tempfile

import numpy as np
import torch

from eval.detect import animate_subject, detect, motion_ok
from eval.prompts import MOTION_PHRASES
from eval.select_guidance import hand_prompts, prompts
from train.latent import PatchEncoder
from train.sample import Text, decode, grid, sample
from train.train_decoder2 import load_decoder, load_denoiser
from world.render import COLOURS, FRAMES, render


# subject-free prompts (the motion phrase is MOTION_PHRASES', e.g. "slides to the right"); none is a training template
VAGUE = ["it {}", "the object {}", "now it {}", "and then it {}"]


def embed(kinora, texts, tokens):
    """Pooled vectors and (for a token-attending denoiser) token states of `texts`, as the engine computes them."""
    with tempfile.TemporaryDirectory() as d:
        with open(f"{d}/p.txt", "w") as f:
            f.write("\n".join(texts) + "\n")
        cmd = f"{kinora} embed --captions {d}/p.txt --out {d}/e.npy" + (f" --tokens {d}/t.npy" if tokens else "")
        subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return Text.load(torch.from_numpy(np.load(f"{d}/e.npy").astype(np.float32)), f"{d}/t.npy" if tokens else None)


def why_not_kept(det, spec):
    """What the detector saw where the subject was not kept: lost, moved (px in frame 1), or gone later."""
    o = [o for o in det["objects"] if o["colour"] == spec["colour"]]
    if not o or o[0]["frames"][0] is None:
        return "not found in frame 0"
    fr = o[0]["frames"]
    if fr[1] is None:
        return "gone in frame 1"
    d = float(np.hypot(fr[1]["x"] - fr[0]["x"], fr[1]["y"] - fr[0]["y"]))
    if d > 3.0:
        return next((f"jumped {lo}-{hi} px" for lo, hi in ((3, 5), (5, 10), (10, 20)) if d <= hi), "jumped > 20 px")
    return "present in < 14 frames"


def contrast(still, colour):
    """RGB distance between the subject's colour and the backdrop band it sits on (column 0 of the subject's rows is
    backdrop: the stills keep objects off the left edge)."""
    near = np.linalg.norm(still.astype(np.float32) - np.array(COLOURS[colour], np.float32), axis=-1) < 40
    ys = np.nonzero(near)[0]
    row = int(np.median(ys)) if len(ys) else 32
    return float(np.linalg.norm(still[row, 0].astype(np.float32) - np.array(COLOURS[colour], np.float32)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="train/checkpoints/tinyworld2_xt.pt")
    ap.add_argument("--decoder", default="train/checkpoints/decoder2.pt")
    ap.add_argument("--kinora", default=os.environ.get("KINORA", "../../kinora"))
    ap.add_argument("--n-hand", type=int, default=32)
    ap.add_argument("--hand-seed", type=int, default=83, help="select_guidance uses 79; the held-out stills are eval/prompts.py HAND")
    ap.add_argument("--n-rendered", type=int, default=16)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--grid", help="write the hand stills' clips (every 2nd frame) to this PNG")
    ap.add_argument("--vague", action="store_true",
                    help="prompt with the motion alone ('it slides to the right'; VAGUE's forms, which no training "
                         "caption uses), as a user animating their own still might: the subject's colour and shape must "
                         "then come from the still")
    a = ap.parse_args()
    torch.set_num_threads(2)
    den, step = load_denoiser(a.ckpt)
    dec = load_decoder(a.decoder)
    enc = PatchEncoder()
    hand = hand_prompts(a.n_hand, seed=a.hand_seed)
    rend = [dict(p, still=render(p["spec"], p["seed"])[0][0]) for p in prompts(a.n_rendered)]
    if a.vague:
        rend = [p for p in rend if p["spec"]["motion"] in MOTION_PHRASES]
        for i, p in enumerate(hand + rend):
            p["prompt"] = VAGUE[i % len(VAGUE)].format(MOTION_PHRASES[p["spec"]["motion"]])
    sets = [("hand", hand), ("rendered", rend)]
    print(f"# {a.ckpt} (step {step}), guidance {a.guidance}, 16 steps, {len(hand)} hand stills (seed {a.hand_seed}), "
          f"{len(rend)} rendered first frames" + (", subject-free prompts (--vague)" if a.vague else ""), flush=True)
    for name, ps in sets:
        if not ps:
            continue
        text = embed(a.kinora, [p["prompt"] for p in ps], getattr(den, "text_tokens", False))
        z0 = torch.from_numpy(enc(np.stack([p["still"] for p in ps])))          # [B,8,16,16]
        b = z0.shape[0]
        cond = torch.zeros(b, z0.shape[1], FRAMES, 16, 16)
        cond[:, :, 0] = z0
        mask = torch.zeros(b, 1, FRAMES, 16, 16)
        mask[:, :, 0] = 1
        clips = []
        for j in range(0, b, 16):
            z = sample(den, text[j:j + 16], guidance=a.guidance, cond=cond[j:j + 16], mask=mask[j:j + 16],
                       seed=a.seed * 1000 + j)
            clips.extend(decode(dec, z))
        for p, clip in zip(ps, clips):
            clip[0] = p["still"]      # the engine copies source frames into its output byte for byte
        rows, why = [], collections.Counter()
        for p, clip in zip(ps, clips):
            kept, present = animate_subject(clip, p["spec"])
            det = detect(clip)
            rows.append((kept and present, bool(motion_ok(det, p["spec"]))))
            if not (kept and present):
                why[why_not_kept(det, p["spec"])] += 1
        r = {"kept": float(np.mean([k for k, _ in rows])), "moves": float(np.mean([m for _, m in rows]))}
        by_shape, by_contrast = collections.defaultdict(list), collections.defaultdict(list)
        for p, (k, _) in zip(ps, rows):
            by_shape[p["spec"]["shape"]].append(k)
            c = contrast(p["still"], p["spec"]["colour"])
            by_contrast["<90" if c < 90 else "90-150" if c < 150 else ">=150"].append(k)
        tally = lambda d: json.dumps({s: f"{sum(v)}/{len(v)}" for s, v in sorted(d.items())})
        print(f"{name:9s}", json.dumps(r), "kept by shape", tally(by_shape), "by contrast", tally(by_contrast),
              "| not kept:", json.dumps(dict(why.most_common())), flush=True)
        if a.grid and name == "hand":
            from PIL import Image
            Image.fromarray(grid(np.stack(clips))).save(a.grid)


if __name__ == "__main__":
    main()
