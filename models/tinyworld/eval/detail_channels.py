"""Probe for a widened latent (train/widen_latent.py): are shapes lost in the shipped channels or in the new ones?
Generates the validation prompts from noise with a widened denoiser, then decodes each clip with the channels past
the first 8 kept, scaled by s, or zeroed (s = 0: the old latent's back-projection of the new model's first channels),
and reads every version with the world's detector. --base-decoder also decodes the first 8 alone through the shipped
Decoder 2, whose residual was trained on the 8-channel denoiser's own predictions: on generated latents that residual
is worth a good part of the shapes, so only that row compares with the 8-channel line's figures. Run with TINYWORLD_PACK set to the candidate pack.

  TINYWORLD_PACK=DIR ../../.venv/bin/python -m eval.detail_channels --ckpt CKPT --decoder DIR/decoder2.pt [--n 64]
"""
import argparse
import os

import torch

from eval.animate_probe import embed
from eval.select_guidance import prompts
from eval.shape_sdedit import load_models, report
from train.sample import decode, sample
from train.train_decoder2 import load_decoder


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--decoder", required=True)
    ap.add_argument("--kinora", default=os.environ.get("KINORA", "../../kinora"))
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--scales", default="1,0.5,0")
    ap.add_argument("--base", type=int, default=8, help="channels the shipped latent has")
    ap.add_argument("--base-decoder", default="",
                    help="also decode the first --base channels alone through this decoder (the shipped Decoder 2)")
    ap.add_argument("--guidance", type=float, default=2.5)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    den, step, dec = load_models(a)
    ps = prompts(a.n)
    text = embed(a.kinora, [p["prompt"] for p in ps], getattr(den, "text_tokens", False))
    z = torch.cat([sample(den, text[j:j + 16], guidance=a.guidance, seed=a.seed * 1000 + j) for j in range(0, len(ps), 16)])
    print(f"# {a.ckpt} (step {step}), {z.shape[1]} channels, guidance {a.guidance}, {len(ps)} validation prompts from noise", flush=True)
    for s in (float(x) for x in a.scales.split(",")):
        zz = z.clone()
        zz[:, a.base:] *= s
        report(f"channels past {a.base} x{s:g}", list(zip(ps, decode(dec, zz))))
    if a.base_decoder:
        report(f"first {a.base} channels through {a.base_decoder}", list(zip(ps, decode(load_decoder(a.base_decoder), z[:, :a.base]))))


if __name__ == "__main__":
    main()
