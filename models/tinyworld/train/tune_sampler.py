"""Pick the pack's default shift/guidance on TRAINING captions (never the held-out eval prompts):
sample with the torch reference sampler, score with the eval detector.

usage (from models/tinyworld/): nice -n 10 /usr/bin/python3 -m train.tune_sampler --ckpt train/runs/final/ckpt.pt
"""
import argparse, json
import numpy as np
import torch

from train.nets import Decoder, Denoiser
from train.nets import ARCHS
from train.sample import sample, decode
from eval.run_eval import adherence

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--ae", default="train/runs/ae/ae_final.pt")
    ap.add_argument("--n", type=int, default=12)
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--configs", default="1:3,1:5,2:3,3:3,1:1.5")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    ck = torch.load(a.ckpt)
    den = Denoiser(**ARCHS[ck["arch"]]); den.load_state_dict(ck["ema"]); den.eval()
    D = Decoder(); D.load_state_dict(torch.load(a.ae)["D"])
    items = [json.loads(l) for l in open("train/data/captions.jsonl")]
    emb = np.load("train/data/emb.npy")
    rng = np.random.RandomState(99)
    idx = [i for i in rng.permutation(len(items)) if items[i]["spec"]["motion"] not in ("meet",) and not items[i]["spec"]["pan"]][:a.n]
    y = torch.from_numpy(emb[idx])
    out = {}
    for cfg in a.configs.split(","):
        sh, g = (float(v) for v in cfg.split(":"))
        clips = decode(D, sample(den, y, steps=a.steps, guidance=g, shift=sh, seed=3))
        rs = [adherence(c, items[i]["spec"]) for c, i in zip(clips, idx)]
        out[cfg] = {k: float(np.mean([r[k] for r in rs])) for k in ("colour", "shape", "motion")}
        print(cfg, out[cfg], flush=True)
    json.dump(out, open(a.ckpt + ".tune.json", "w"), indent=1)
