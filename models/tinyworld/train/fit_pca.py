"""Fit the Tiny World latent: top-C PCA of 4x4x3 patches of rendered frames (closed form, seconds).

usage (from models/tinyworld/): /usr/bin/python3 -m train.fit_pca --out train/runs/ae --clips 400 --seed 0
Writes <out>/ae_final.pt (Encoder/Decoder state dicts; the decoder's learned residual starts at zero).
"""
import argparse, json, math, os
import numpy as np
import torch
import torch.nn.functional as F

from world.render import render, to_tensor
from world.captions import sample_spec
from train.nets import Encoder, Decoder, LATENT_C


def frames(n, seed):
    rng = np.random.RandomState(seed)
    xs = []
    for i in range(n):
        fr, _ = render(sample_spec(rng), rng.randint(1 << 30))
        xs.append(to_tensor(fr[rng.choice(16, 4, replace=False)]))
    return torch.from_numpy(np.concatenate(xs))


def directions(clips=400, seed=0):
    """Mean [48] and all 48 principal directions [48,48] (columns, largest variance first, each signed so that its
    largest entry is positive) of 4x4x3 patches, and each direction's share of the variance [48]: the fit behind
    the shipped latent (its first LATENT_C columns) and behind any wider one."""
    x = frames(clips, seed)
    p = F.pixel_unshuffle(x, 4).permute(0, 2, 3, 1).reshape(-1, 48).double()
    mu = p.mean(0)
    w, v = torch.linalg.eigh((p - mu).T @ (p - mu) / (p.shape[0] - 1))
    w, v = w.flip(0), v.flip(1)
    v = v * torch.sign(v[v.abs().argmax(0), torch.arange(48)])
    return mu, v, w / w.sum(), x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="train/runs/ae")
    ap.add_argument("--clips", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(a.out, exist_ok=True)
    mu, v, share, x = directions(a.clips, a.seed)
    v = v[:, :LATENT_C]
    E, D = Encoder(), Decoder()
    with torch.no_grad():
        E.proj.weight.copy_(v.T.float()[:, :, None, None])
        E.proj.bias.copy_((-(v.T @ mu)).float())
        D.back.weight.copy_(v.float()[:, :, None, None])
        D.back.bias.copy_(mu.float())
        z = E.raw(x)
        shift = z.mean(dim=(0, 2, 3), keepdim=True)
        scale = z.std(dim=(0, 2, 3), keepdim=True)
        for m in (E, D):
            m.shift.copy_(shift); m.scale.copy_(scale)
        xv = frames(64, 12345)
        zv = E(xv)
        y = D(zv)
        mse = ((y.clamp(-1, 1) - xv) ** 2).mean().item() / 4
    stats = {"kind": "pca", "clips": a.clips, "seed": a.seed, "explained_variance": float(share[:LATENT_C].sum()),
             "val_psnr_db": 10 * math.log10(1 / mse), "latent_std_after_norm": zv.std().item(),
             "scale": scale.flatten().tolist()}
    print(json.dumps(stats))
    torch.save({"E": E.state_dict(), "D": D.state_dict(), "stats": stats}, os.path.join(a.out, "ae_final.pt"))
    torch.save({"E": E.state_dict(), "D": D.state_dict(), "stats": stats}, os.path.join(a.out, "ae_pca.pt"))
    json.dump(stats, open(os.path.join(a.out, "stats.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
