"""Does the text reach the denoiser? The share of variance that each caption attribute (colour, shape, motion,
background) explains in the caption embeddings and in the denoiser's own text MLP (y_mlp) output: between-class
variance over total, on the first N training captions.

  ../../.venv/bin/python -m train.probe_text train/checkpoints/tinyworld2.pt [--n 6000]

It also reads opposite motions pair by pair ("slide_left" against "slide_right", ...): the share of the pair's
variance that the direction explains, and a ridge-regression probe's held-out accuracy (trained on half the pair's
captions). Session 9 found left/right at 0.4 % of the pooled vector's variance, a third of up/down's.
"""
import argparse, json

import numpy as np
import torch

from train.nets import TW2_ARCHS

KEYS = ["colour", "shape", "motion", "background"]
PAIRS = [("slide_left", "slide_right"), ("roll_left", "roll_right"), ("slide_up", "slide_down"), ("float_up", "fall"),
         ("grow", "shrink")]


def pair_report(x, specs):
    """{pair: (direction's share of the pair's variance, held-out accuracy of a linear probe)}."""
    motion = np.array([s.get("motion") for s in specs])
    out = {}
    for a, b in PAIRS:
        idx = np.where((motion == a) | (motion == b))[0]
        if len(idx) < 20:
            continue
        z, lab = x[idx].astype(np.float64), (motion[idx] == a)
        mu = z.mean(0)
        between = sum(m.mean() * ((z[m].mean(0) - mu) ** 2).sum() for m in (lab, ~lab))
        share = between / ((z - mu) ** 2).sum(1).mean()
        zz = np.c_[z, np.ones(len(z))]
        h = len(z) // 2
        w = np.linalg.solve(zz[:h].T @ zz[:h] + 1e-2 * np.eye(zz.shape[1]), zz[:h].T @ np.where(lab[:h], 1.0, -1.0))
        acc = ((zz[h:] @ w > 0) == lab[h:]).mean()
        out[f"{a}/{b}"] = (round(float(share), 4), round(float(acc), 3))
    return out


def shares(x, specs):
    mu = x.mean(0)
    total = ((x - mu) ** 2).sum(1).mean()
    out = {}
    for key in KEYS:
        labels = np.array([str(s.get(key)) for s in specs])
        between = sum((labels == u).mean() * ((x[labels == u].mean(0) - mu) ** 2).sum() for u in set(labels))
        out[key] = round(float(between / total), 3)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("--n", type=int, default=6000)
    a = ap.parse_args()
    s = torch.load(a.ckpt, map_location="cpu", weights_only=False)
    model = TW2_ARCHS[s["arch"]]()
    model.load_state_dict({k: v.float() for k, v in s["ema"].items()})
    emb = np.load("train/data/emb.npy")[:a.n].astype(np.float32)
    specs = [json.loads(line)["spec"] for _, line in zip(range(a.n), open("train/data/captions.jsonl"))]
    with torch.no_grad():
        y = model.y_mlp(torch.from_numpy(emb)).numpy()
    print("caption embedding", shares(emb, specs))
    print("denoiser y_mlp    ", shares(y, specs))
    print("opposite motions (share of the pair's variance, linear probe accuracy)")
    print("  caption embedding", pair_report(emb, specs))
    print("  denoiser y_mlp   ", pair_report(y, specs))


if __name__ == "__main__":
    main()
