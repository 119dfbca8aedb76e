"""Train the 4x spatial autoencoder on rendered Tiny World frames (time-budgeted, resumable).

usage: nice -n 10 /usr/bin/python3 -m train.train_ae --out train/runs/ae --minutes 7
(run from models/tinyworld/)
"""
import argparse, json, math, os, sys, time
import numpy as np
import torch
import torch.nn.functional as F

from world.render import render, to_tensor
from world.captions import sample_spec
from train.nets import Encoder, Decoder, count


def batch(rng, clips=16, per=4):
    xs = []
    for _ in range(clips):
        fr, _ = render(sample_spec(rng), rng.randint(1 << 30))
        idx = rng.choice(16, per, replace=False)
        xs.append(to_tensor(fr[idx]))
    return torch.from_numpy(np.concatenate(xs))


def psnr(a, b):
    mse = ((a.clamp(-1, 1) - b) ** 2).mean().item() / 4.0   # range 2 -> normalise to [0,1]
    return 10 * math.log10(1.0 / max(mse, 1e-12))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="train/runs/ae")
    ap.add_argument("--minutes", type=float, default=7)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lr", type=float, default=3e-3)
    a = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    E, D = Encoder(), Decoder()
    params = list(E.parameters()) + list(D.parameters())
    opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=0.0)
    ck = os.path.join(a.out, "ckpt.pt")
    step, used = 0, 0.0
    if os.path.exists(ck):
        s = torch.load(ck)
        E.load_state_dict(s["E"]); D.load_state_dict(s["D"]); opt.load_state_dict(s["opt"])
        step, used = s["step"], s["used"]
    rng = np.random.RandomState(a.seed * 1000 + step)
    print(f"enc {count(E)} dec {count(D)} params; resume step {step} used {used:.0f}s", flush=True)
    budget = a.minutes * 60
    t0, last_ck = time.time() - used, time.time()
    while time.time() - t0 < budget:
        frac = (time.time() - t0) / budget
        lr = a.lr * min(1.0, (step + 1) / 50) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        x = batch(rng, clips=8)
        z = E.raw(x)
        sig = torch.rand(z.shape[0], 1, 1, 1) * 0.15
        zn = z + sig * z.detach().std() * torch.randn_like(z)
        y = D.raw(zn)
        loss = (y - x).abs().mean() + ((y - x) ** 2).mean() + 1e-3 * (z ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 25 == 0:
            with torch.no_grad():
                p = psnr(D.raw(z), x)
            print(f"step {step} t {time.time()-t0:.0f}s lr {lr:.2e} loss {loss.item():.4f} psnr(clean z) {p:.2f}", flush=True)
        if time.time() - last_ck > 120:
            torch.save({"E": E.state_dict(), "D": D.state_dict(), "opt": opt.state_dict(), "step": step,
                        "used": time.time() - t0}, ck)
            last_ck = time.time()
    # latent statistics -> baked shift/scale so that latents are ~unit variance
    with torch.no_grad():
        zs = torch.cat([E.raw(batch(np.random.RandomState(99 + i))) for i in range(8)])
        shift = zs.mean(dim=(0, 2, 3), keepdim=True)
        scale = zs.std(dim=(0, 2, 3), keepdim=True)
        E.shift.copy_(shift); E.scale.copy_(scale); D.shift.copy_(shift); D.scale.copy_(scale)
        xv = batch(np.random.RandomState(12345), clips=32)
        zv = E(xv)
        pv = psnr(D(zv), xv)
    stats = {"step": step, "seconds": time.time() - t0, "val_psnr_db": pv,
             "latent_std_after_norm": zv.std().item(), "shift": shift.flatten().tolist(), "scale": scale.flatten().tolist()}
    print(json.dumps(stats), flush=True)
    torch.save({"E": E.state_dict(), "D": D.state_dict(), "opt": opt.state_dict(), "step": step,
                "used": time.time() - t0}, ck)
    torch.save({"E": E.state_dict(), "D": D.state_dict(), "stats": stats}, os.path.join(a.out, "ae_final.pt"))
    json.dump(stats, open(os.path.join(a.out, "stats.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
