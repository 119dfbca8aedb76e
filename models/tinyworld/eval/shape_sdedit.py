"""Probe: where a shape is lost. The validation prompts' rendered clips (eval/select_guidance.py) are read by the
world's detector as pixels, then encoded, noised to flow time t0 and denoised from there with their prompt (the
torch sampler's schedule below t0, as SDEdit does), decoded and read again. t0 = 0 decodes the rendered latent itself:
the latent and decoder's own ceiling. If stars survive from t0 = 0.3 but not from 0.8, the model draws tips well
enough and loses the star when it lays out the silhouette (high noise); if they are lost at small t0, it cannot draw
the tips; if they are lost at t0 = 0, no denoiser can draw them through this latent and decoder.

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
    den, step, dec = load_models(a)
    enc = PatchEncoder()
    ps = prompts(a.n)
    text = embed(a.kinora, [p["prompt"] for p in ps], getattr(den, "text_tokens", False))
    clips = [render(p["spec"], p["seed"])[0] for p in ps]
    z = torch.stack([torch.from_numpy(enc(c)).permute(1, 0, 2, 3) for c in clips])   # [B,8,F,16,16]
    print(f"# {a.ckpt} (step {step}), guidance {a.guidance}, 16-step schedule, {len(ps)} validation prompts", flush=True)
    report("rendered pixels (no latent)", [(p, c) for p, c in zip(ps, clips)])
    report("latent, PCA back-projection only", [(p, c) for p, c in zip(ps, pca_decode(dec, z))])
    for t0 in (float(t) for t in a.t0.split(",")):
        pairs = []
        for j in range(0, len(ps), 16):
            zz = z[j:j + 16]
            out = zz if t0 == 0 else sample(den, text[j:j + 16], guidance=a.guidance, seed=a.seed * 1000 + j,
                                            start=(zz, t0) if t0 < 1 else None)
            pairs.extend(zip(ps[j:j + 16], decode(dec, out, text[j:j + 16])))   # a DecoderT is told the prompt
        report(f"t0 {t0:.1f}", pairs)


def load_models(a):
    """(denoiser, its step, decoder) from a probe's --ckpt and --decoder, on the 2 threads the probes use."""
    torch.set_num_threads(2)
    den, step = load_denoiser(a.ckpt)
    return den, step, load_decoder(a.decoder)


def pca_decode(dec, z):
    """Decoder 2's fixed linear path alone (no learned residual): what the latent itself keeps of each 4x4 patch."""
    return decode(lambda x: dec.shuffle(dec.back(x * dec.scale + dec.shift)), z)


def report(label, pairs):
    """One line: shapes read right, and per shape asked what the detector read."""
    read = collections.defaultdict(collections.Counter)
    for p, clip in pairs:
        det = detect(clip)
        read[p["spec"]["shape"]][_pick(det, p["spec"])["shape"] if det["objects"] else "none"] += 1
    right = sum(c[s] for s, c in read.items())
    total = sum(sum(c.values()) for c in read.values())
    print(f"{label}: shape {right}/{total}", " ".join(f"{s} {c[s]}/{sum(c.values())} {json.dumps(dict(c.most_common()))}"
                                                   for s, c in sorted(read.items())), flush=True)


if __name__ == "__main__":
    main()
