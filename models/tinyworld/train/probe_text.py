"""Does the text reach the denoiser? The share of variance that each caption attribute (colour, shape, motion,
background) explains in the caption embeddings and in the denoiser's own text MLP (y_mlp) output: between-class
variance over total, on the first N training captions.

  ../../.venv/bin/python -m train.probe_text train/checkpoints/tinyworld2.pt [--n 6000]
"""
import argparse, json

import numpy as np
import torch

from train.nets import TW2_ARCHS

KEYS = ["colour", "shape", "motion", "background"]


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


if __name__ == "__main__":
    main()
