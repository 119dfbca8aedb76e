"""Probe: how many PCA channels the latent needs to keep a shape. The validation prompts' rendered clips
(eval/select_guidance.py) are projected onto the top k principal components of 4x4x3 patches (fitted as
train/fit_pca.py fits the shipped latent: 400 rendered clips, seed 0) and back, for several k, and read by the world's
detector. k = 8 is the shipped latent's own back-projection (the probe checks that its fit matches the pack's encoder).
No denoiser and no learned decoder: this is the linear latent's ceiling, which a decoder can raise only by drawing
what the latent does not carry from what it does.

  ../../.venv/bin/python -m eval.latent_channels [--n 128] [--k 8,12,16,24]
"""
import argparse

import numpy as np
import torch
import torch.nn.functional as F

from eval.select_guidance import prompts
from eval.shape_sdedit import report
from train.fit_pca import directions
from train.latent import PatchEncoder
from world.render import render


def project(clip, mu, v, k):
    """uint8 [F,64,64,3] -> its back-projection through the top k components, uint8."""
    x = torch.from_numpy(clip).double().permute(0, 3, 1, 2) / 127.5 - 1.0
    p = F.pixel_unshuffle(x, 4)                                                        # [F,48,16,16]
    vk = v[:, :k]
    z = torch.einsum("ck,fchw->fkhw", vk, p - mu[None, :, None, None])
    y = F.pixel_shuffle(torch.einsum("ck,fkhw->fchw", vk, z) + mu[None, :, None, None], 4)
    return ((y.clamp(-1, 1) + 1) * 127.5 + 0.5).to(torch.uint8).permute(0, 2, 3, 1).numpy()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=128)
    ap.add_argument("--k", default="8,12,16,24")
    a = ap.parse_args()
    torch.set_num_threads(1)
    mu, v, ev, _ = directions()
    shipped = PatchEncoder().w                                                          # [8,48]
    cos = np.abs(np.sum(shipped / np.linalg.norm(shipped, axis=1, keepdims=True) * v[:, :8].T.numpy(), axis=1))
    print(f"# fit against the pack's encoder: |cos| of the 8 directions {np.round(cos, 4).tolist()}", flush=True)
    ps = prompts(a.n)
    clips = [render(p["spec"], p["seed"])[0] for p in ps]
    report("rendered pixels", list(zip(ps, clips)))
    for k in (int(s) for s in a.k.split(",")):
        report(f"k {k} (variance kept {float(ev[:k].sum()):.4f})", [(p, project(c, mu, v, k)) for p, c in zip(ps, clips)])


if __name__ == "__main__":
    main()
