"""Training throughput of Tiny World 2's U-Net at several widths on this machine: forward, backward and an
AdamW step of the denoiser alone (no data loading, EMA or curves), batch 8, 16 frames of 16x16 latents.
Plans how many clips a session can give a larger model.

  ../../.venv/bin/python -m train.throughput [--threads 2] [--widths 32,64,128 48,96,192 64,128,256]
"""
import argparse, time

import torch

from train.nets import LATENT_C, TEXT_DIM, DenoiserTA, count


def clips_per_second(chs, threads, batch=8, reps=6):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    m = DenoiserTA(chs=chs)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4)
    x = torch.randn(batch, LATENT_C, 16, 16, 16)
    t, y = torch.rand(batch), torch.randn(batch, TEXT_DIM)
    cond, mask = torch.zeros_like(x), torch.zeros(batch, 1, 16, 16, 16)

    def step():
        opt.zero_grad()
        ((m(x, t, y, cond, mask) - x) ** 2).mean().backward()
        opt.step()
    for _ in range(2):
        step()
    t0 = time.perf_counter()
    for _ in range(reps):
        step()
    return count(m), batch * reps / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--widths", nargs="+", default=["32,64,128", "48,96,192", "64,128,256"])
    a = ap.parse_args()
    for w in a.widths:
        chs = tuple(int(v) for v in w.split(","))
        n, cps = clips_per_second(chs, a.threads)
        print(f"widths {w}: {n / 1e6:.2f} M parameters, {cps:.1f} clips/s (model only, batch 8, {a.threads} threads)")


if __name__ == "__main__":
    main()
