"""Sharpen the decoder: train its residual branch on the fixed PCA latents (the encoder, and so the
denoiser's latent space, do not change).  Time-budgeted, resumable.

usage (from models/tinyworld/): nice -n 10 /usr/bin/python3 -m train.train_decoder --minutes 10
Reads <ae>/ae_pca.pt, writes <ae>/ae_final.pt (and ckpt_dec.pt to resume).
"""
import argparse, json, math, os, time
import numpy as np
import torch

from train.fit_pca import frames
from train.nets import Encoder, Decoder


def psnr(y, x):
    return 10 * math.log10(1 / max(((y.clamp(-1, 1) - x) ** 2).mean().item() / 4, 1e-12))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ae", default="train/runs/ae")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--noise", type=float, default=0.2, help="max latent noise std during training")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    base = torch.load(os.path.join(a.ae, "ae_pca.pt"))
    E, D = Encoder(), Decoder()
    E.load_state_dict(base["E"]); D.load_state_dict(base["D"])
    E.eval()
    opt = torch.optim.Adam(D.res.parameters(), lr=a.lr)
    ck = os.path.join(a.ae, "ckpt_dec.pt")
    step, used = 0, 0.0
    if os.path.exists(ck):
        s = torch.load(ck)
        D.load_state_dict(s["D"]); opt.load_state_dict(s["opt"]); step, used = s["step"], s["used"]
    xv = frames(32, 12345)
    with torch.no_grad():
        zv = E(xv)
        print(f"start step {step}: val psnr {psnr(D(zv), xv):.2f} dB", flush=True)
    rng = np.random.RandomState(a.seed * 1000 + step)
    t0, last = time.time() - used, time.time()
    budget = a.minutes * 60
    while time.time() - t0 < budget:
        frac = (time.time() - t0) / budget
        for g in opt.param_groups:
            g["lr"] = a.lr * min(1, (step + 1) / 30) * (0.1 + 0.45 * (1 + math.cos(math.pi * frac)))
        x = frames(8, rng.randint(1 << 30))
        with torch.no_grad():
            z = E(x)
            z = z + torch.rand(z.shape[0], 1, 1, 1) * a.noise * torch.randn_like(z)
        y = D(z)
        loss = (y - x).abs().mean() + ((y - x) ** 2).mean()
        opt.zero_grad(); loss.backward(); opt.step()
        step += 1
        if step % 25 == 0:
            with torch.no_grad():
                print(f"step {step} t {time.time()-t0:.0f}s loss {loss.item():.4f} val psnr {psnr(D(zv), xv):.2f}", flush=True)
        if time.time() - last > 120:
            torch.save({"D": D.state_dict(), "opt": opt.state_dict(), "step": step, "used": time.time() - t0}, ck)
            last = time.time()
    torch.save({"D": D.state_dict(), "opt": opt.state_dict(), "step": step, "used": time.time() - t0}, ck)
    with torch.no_grad():
        p = psnr(D(zv), xv)
    stats = dict(base["stats"], decoder_residual_steps=step, decoder_seconds=time.time() - t0, val_psnr_db=p,
                 val_psnr_pca_only_db=base["stats"]["val_psnr_db"])
    print(json.dumps(stats), flush=True)
    torch.save({"E": E.state_dict(), "D": D.state_dict(), "stats": stats}, os.path.join(a.ae, "ae_final.pt"))
    json.dump(stats, open(os.path.join(a.ae, "stats.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
