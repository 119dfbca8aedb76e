"""Probe: at which noise level a shape is lost. Rendered clips of the validation prompts (eval/select_guidance.py) are
encoded, noised to flow time t0 and denoised from there with the prompt (the torch sampler's schedule below t0, as
SDEdit does), then decoded and read by the world's detector. If stars survive from t0 = 0.3 but not from 0.8, the
model draws star tips well enough and loses the star when it lays out the silhouette (high noise); if they are lost
from small t0 too, it cannot draw the tips at all. t0 = 0 reads the decoded rendered clip (the latent's own ceiling).

  ../../.venv/bin/python -m eval.shape_sdedit --ckpt CKPT [--n 64] [--t0 0,0.2,0.4,0.6,0.8,1] [--guidance 2.5]
"""
import argparse
import collections
import json
import os

import torch

from eval.animate_probe import embed
from eval.detect import _pick, detect
from eval.select_guidance import prompts
from train.latent import PatchEncoder
from train.sample import decode, sample
from train.train_decoder2 import load_decoder, load_denoiser
from world.render import render


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="train/checkpoints/tinyworld2_xt.pt")
    ap.add_argument("--decoder", default="train/checkpoints/decoder2.pt")
    ap.add_argument("--kinora", default=os.environ.get("KINORA", "../../kinora"))
    ap.add_argument("--n", type=int, default=64, help="validation prompts (all shapes; meet clips read the first object)")
    ap.add_argument("--t0", default="0,0.2,0.4,0.6,0.8,1")
    ap.add_argument("--guidance", type=float, default=2.5)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    torch.set_num_threads(2)
    den, step = load_denoiser(a.ckpt)
    dec = load_decoder(a.decoder)
    enc = PatchEncoder()
    ps = prompts(a.n)
    text = embed(a.kinora, [p["prompt"] for p in ps], getattr(den, "text_tokens", False))
    z = torch.stack([torch.from_numpy(enc(render(p["spec"], p["seed"])[0])).permute(1, 0, 2, 3) for p in ps])   # [B,8,F,16,16]
    print(f"# {a.ckpt} (step {step}), guidance {a.guidance}, 16-step schedule, {len(ps)} validation prompts", flush=True)
    for t0 in (float(t) for t in a.t0.split(",")):
        read = collections.defaultdict(collections.Counter)
        for j in range(0, len(ps), 16):
            zz = z[j:j + 16]
            out = zz if t0 == 0 else sample(den, text[j:j + 16], guidance=a.guidance, seed=a.seed * 1000 + j,
                                            start=(zz, t0) if t0 < 1 else None)
            for p, clip in zip(ps[j:j + 16], decode(dec, out)):
                det = detect(clip)
                read[p["spec"]["shape"]][_pick(det, p["spec"])["shape"] if det["objects"] else "none"] += 1
        right = sum(c[s] for s, c in read.items())
        total = sum(sum(c.values()) for c in read.values())
        print(f"t0 {t0:.1f}: shape {right}/{total}", " ".join(f"{s} {c[s]}/{sum(c.values())} {json.dumps(dict(c.most_common()))}"
                                                         for s, c in sorted(read.items())), flush=True)


if __name__ == "__main__":
    main()
