"""Probe: window seams of a long extension, sampled window after window (the engine's chaining: each window knows the
last k latent frames of the one before) against all windows denoised together (temporal co-denoising: every step
runs each window on the shared timeline and averages the windows' x0 where they overlap, so no window ever starts
from another's finished frames). Rendered clips of directional motion give the first k known frames; both arms use
the torch reference sampler, the same noise and the clip's own caption; frames decoded by Decoder 2.

  ../../.venv/bin/python -m eval.codenoise_probe CKPT [--n 8] [--windows 4] [--k 4]

Prints per arm: the source seam, the mean and worst window seam against the new frames' own step (pixels, 0-255),
and the latent-mean drift from the source.
"""
import argparse

import torch

from eval.time_direction import clips
from train.sample import Text, decode, schedule
from train.train_decoder2 import load_decoder, load_denoiser


def guided(model, x, t, text, cond, mask, g):
    b = x.shape[0]
    tt = torch.full((2 * b,), t)
    both = text.cat(text.null())
    x0 = model(torch.cat([x, x]), tt, both.pooled, torch.cat([cond, cond]), torch.cat([mask, mask]), *both.extra())
    xc, xu = x0.chunk(2)
    return xu + g * (xc - xu)


@torch.no_grad()
def chained(model, text, src, k, windows, g, steps, shift, seed, F=16):
    """the engine's order: window i knows the last k frames of window i-1 (window 0 the source's k)."""
    b, c = src.shape[:2]
    stride = F - k
    out = [src[:, :, :k]]
    prev = src[:, :, :k]
    gen = torch.Generator().manual_seed(seed)
    noise = torch.randn((b, c, k + stride * windows, 16, 16), generator=gen)
    ts = schedule(steps, shift)
    for i in range(windows):
        cond = torch.zeros(b, c, F, 16, 16)
        cond[:, :, :k] = prev
        mask = torch.zeros(b, 1, F, 16, 16)
        mask[:, :, :k] = 1
        x = noise[:, :, i * stride:i * stride + F].clone()
        for s in range(steps):
            t, tn = ts[s].item(), ts[s + 1].item()
            x0 = guided(model, x, t, text, cond, mask, g)
            x = x + (tn - t) * (x - x0) / t
            x = x * (1 - mask) + cond * mask
        out.append(x[:, :, k:])
        prev = x[:, :, -k:]
    return torch.cat(out, 2)


@torch.no_grad()
def codenoised(model, text, src, k, windows, g, steps, shift, seed, F=16, ramp=False):
    """all windows in lockstep on one timeline; x0 averaged where windows overlap (ramp: each window's weight rises
    over its first k frames and falls over its last k, a crossfade, where the timeline does not end there); the
    source's k frames known."""
    b, c = src.shape[:2]
    stride = F - k
    L = k + stride * windows
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn((b, c, L, 16, 16), generator=gen)
    cond_all = torch.zeros(b, c, L, 16, 16)
    cond_all[:, :, :k] = src[:, :, :k]
    mask_all = torch.zeros(b, 1, L, 16, 16)
    mask_all[:, :, :k] = 1
    ts = schedule(steps, shift)
    for s in range(steps):
        t, tn = ts[s].item(), ts[s + 1].item()
        acc = torch.zeros_like(x)
        cnt = torch.zeros(1, 1, L, 1, 1)
        for i in range(windows):
            sl = slice(i * stride, i * stride + F)
            wt = torch.ones(F)
            if ramp:
                r = torch.arange(1, k + 1, dtype=torch.float32) / (k + 1)
                if i > 0:
                    wt[:k] = r
                if i < windows - 1:
                    wt[F - k:] = r.flip(0)
            wt = wt.view(1, 1, F, 1, 1)
            acc[:, :, sl] += wt * guided(model, x[:, :, sl], t, text, cond_all[:, :, sl], mask_all[:, :, sl], g)
            cnt[:, :, sl] += wt
        x0 = acc / cnt
        x = x + (tn - t) * (x - x0) / t
        x = x * (1 - mask_all) + cond_all * mask_all
    return x


def report(name, dec, z, src_px, k, windows, F=16):
    px = torch.from_numpy(decode(dec, z)).float()                 # [N,L,64,64,3]
    px[:, :k] = src_px[:, :k]                                      # the source's own frames, as the engine shows them
    d = (px[:, 1:] - px[:, :-1]).abs().mean(dim=(2, 3, 4))         # [N,L-1]
    stride = F - k
    seams = [k - 1 + stride * i for i in range(1, windows)]
    inside = [j for j in range(k, d.shape[1]) if j not in seams]
    step = d[:, inside].mean(1)
    ws = d[:, seams] / step[:, None]
    print(f"{name}: source seam {(d[:, k - 1] / step).mean():.2f}x | window seams mean {ws.mean():.2f}x, worst per clip "
          f"{ws.max(1).values.mean():.2f}x, worst {ws.max():.2f}x, over 1.5x {(ws > 1.5).float().mean():.0%} | "
          f"step {step.mean():.2f}/px | tone drift {(z[:, :, -k:].mean((2, 3, 4)) - z[:, :, :k].mean((2, 3, 4))).abs().mean():.4f}")
    return px


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--windows", type=int, default=4)
    ap.add_argument("--k", type=int, default=4)
    ap.add_argument("--guidance", type=float, default=2.0)
    ap.add_argument("--shift", type=float, default=1.0)
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--grid", default="")
    ap.add_argument("--arms", default="chained,co,ramp")
    a = ap.parse_args()
    torch.set_num_threads(2)
    z, y, specs, sel, px = clips(a.n, pixels=True)
    den, step = load_denoiser(a.ckpt)
    dec = load_decoder("train/checkpoints/decoder2.pt")
    text = Text.load(y, "train/data/tokens.npy" if getattr(den, "text_tokens", False) else None, rows=sel)
    src_px = torch.from_numpy(px).float()
    print(f"{a.ckpt} (step {step}), {a.n} clips, {a.windows} windows of 16, k {a.k}, guidance {a.guidance}, shift {a.shift}")
    args = (den, text, z, a.k, a.windows, a.guidance, a.steps, a.shift, a.seed)
    arms = {"chained": lambda: chained(*args), "co": lambda: codenoised(*args), "ramp": lambda: codenoised(*args, ramp=True)}
    shown = [report(f"{name:8s}", dec, arms[name](), src_px, a.k, a.windows) for name in a.arms.split(",")]
    if a.grid:
        import numpy as np
        from PIL import Image
        rows = [np.concatenate(list(p[i, ::2].numpy().astype(np.uint8)), axis=1) for i in range(min(4, a.n)) for p in shown]
        Image.fromarray(np.concatenate(rows, 0)).save(a.grid)


if __name__ == "__main__":
    main()
