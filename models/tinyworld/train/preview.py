"""Quick look at a checkpoint: sample a few training captions with the torch reference sampler.

usage (from models/tinyworld/): nice -n 10 /usr/bin/python3 -m train.preview --ckpt train/runs/final/ckpt.pt --out /tmp/p.png
"""
import argparse, json
import numpy as np
import torch
from PIL import Image

from train.nets import Encoder, Decoder, Denoiser
from train.nets import ARCHS
from train.sample import sample, decode, grid
from world.render import render, to_tensor

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--ae", default="train/runs/ae/ae_final.pt")
    ap.add_argument("--out", default="/tmp/preview.png")
    ap.add_argument("--n", type=int, default=6)
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--shift", type=float, default=1.0)
    ap.add_argument("--animate", action="store_true", help="condition on frame 0 of a rendered clip")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    ck = torch.load(a.ckpt)
    den = Denoiser(**ARCHS[ck["arch"]]); den.load_state_dict(ck["ema"]); den.eval()
    ae = torch.load(a.ae); E, D = Encoder(), Decoder(); E.load_state_dict(ae["E"]); D.load_state_dict(ae["D"])
    items = [json.loads(l) for l in open("train/data/captions.jsonl")]
    emb = np.load("train/data/emb.npy")
    idx = list(range(0, 20000, 20000 // a.n))[:a.n]
    y = torch.from_numpy(emb[idx])
    cond = mask = None
    if a.animate:
        fr = [to_tensor(render(items[i]["spec"], 1)[0]) for i in idx]
        with torch.no_grad():
            z = E(torch.from_numpy(np.concatenate(fr))).reshape(len(idx), 16, 8, 16, 16).permute(0, 2, 1, 3, 4)
        mask = torch.zeros(len(idx), 1, 16, 16, 16); mask[:, :, 0] = 1
        cond = z * mask
    z = sample(den, y, steps=a.steps, guidance=a.guidance, shift=a.shift, cond=cond, mask=mask, seed=1)
    clips = decode(D, z)
    Image.fromarray(grid(clips)).resize((8 * 64 * 2, len(idx) * 64 * 2), Image.NEAREST).save(a.out)
    for i in idx:
        print(items[i]["caption"])
