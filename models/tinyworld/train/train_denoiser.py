"""Train the Tiny World flow-matching (x-prediction) video denoiser in the AE latent.

Time-budgeted, resumable, logs to stdout.  Run from models/tinyworld/:
  nohup nice -n 10 /usr/bin/python3 -m train.train_denoiser --out train/runs/final --minutes 70 \
      --arch unet_attn --captions train/data/captions.jsonl --emb train/data/emb.npy > log 2>&1 &
Re-running the same command resumes from <out>/ckpt.pt.
"""
import argparse, json, math, os, time, zlib
import numpy as np
import torch

from world.render import render, to_tensor, FRAMES
from train.nets import Encoder, Denoiser, count, LATENT_C

ARCHS = {
    "unet_attn": dict(chs=(64, 96, 160), attn=True),
    "unet_noattn": dict(chs=(64, 96, 192), attn=False),
    "unet_attn_s": dict(chs=(32, 64, 128), attn=True),
    "unet_noattn_s": dict(chs=(32, 64, 128), attn=False),
}
MASK_MODES = ["none", "first", "first_k", "last_k", "first_last"]
MASK_P = [0.35, 0.25, 0.15, 0.10, 0.15]


def make_mask(mode, rng, f=FRAMES):
    m = np.zeros(f, np.float32)
    if mode == "first":
        m[0] = 1
    elif mode == "first_k":
        m[:rng.randint(1, 9)] = 1
    elif mode == "last_k":
        m[f - rng.randint(1, 9):] = 1
    elif mode == "first_last":
        m[0] = m[-1] = 1
    return m


_WORDS = {}


def standin_embedding(caption):
    """Bag-of-words random vectors: a stand-in for MiniLM until the engine's embeddings exist."""
    v = np.zeros(384, np.float32)
    for w in caption.lower().replace(",", " ").split():
        if w not in _WORDS:
            _WORDS[w] = np.random.RandomState(zlib.crc32(w.encode()) & 0x7FFFFFFF).randn(384).astype(np.float32)
        v += _WORDS[w]
    return v / (np.linalg.norm(v) + 1e-8)


class Data:
    def __init__(self, captions, emb, enc, seed):
        self.items = [json.loads(l) for l in open(captions)]
        if emb and os.path.exists(emb):
            self.emb = np.load(emb).astype(np.float32)
            assert self.emb.shape == (len(self.items), 384), (self.emb.shape, len(self.items))
            self.kind = "engine"
        else:
            self.emb = np.stack([standin_embedding(it["caption"]) for it in self.items])
            self.kind = "standin"
        self.enc = enc
        self.rng = np.random.RandomState(seed)

    def batch(self, b, p_drop=0.1):
        r = self.rng
        idx = r.randint(len(self.items), size=b)
        frames = [to_tensor(render(self.items[i]["spec"], r.randint(1 << 30))[0]) for i in idx]
        x = torch.from_numpy(np.concatenate(frames))                       # [B*F,3,64,64]
        with torch.no_grad():
            z = self.enc(x)
        z = z.reshape(b, FRAMES, LATENT_C, 16, 16).permute(0, 2, 1, 3, 4).contiguous()
        y = torch.from_numpy(self.emb[idx].copy())
        y[torch.from_numpy(r.rand(b) < p_drop)] = 0.0
        modes = r.choice(len(MASK_MODES), size=b, p=MASK_P)
        m = np.stack([make_mask(MASK_MODES[k], r) for k in modes])
        mask = torch.from_numpy(m)[:, None, :, None, None].expand(b, 1, FRAMES, 16, 16).contiguous()
        return z, y, mask


def flow_inputs(z, mask, t, noise):
    tt = t[:, None, None, None, None]
    xt = (1 - tt) * z + tt * noise
    return xt, z * mask


def sample_t(b, gen, mean=0.3, std=1.0):
    return torch.sigmoid(torch.randn(b, generator=gen) * std + mean)


@torch.no_grad()
def val_loss(model, data_items, emb, enc, n=24):
    """Fixed validation: n clips (fixed seeds), t in {0.25,0.5,0.75,0.9}, no mask and first-frame mask."""
    r = np.random.RandomState(4242)
    idx = r.randint(len(data_items), size=n)
    x = torch.from_numpy(np.concatenate([to_tensor(render(data_items[i]["spec"], 777 + k)[0]) for k, i in enumerate(idx)]))
    z = enc(x).reshape(n, FRAMES, LATENT_C, 16, 16).permute(0, 2, 1, 3, 4).contiguous()
    y = torch.from_numpy(emb[idx].copy())
    g = torch.Generator().manual_seed(5)
    noise = torch.randn(z.shape, generator=g)
    out = {}
    for mode in ("none", "first"):
        m = torch.from_numpy(make_mask(mode, r))[None, None, :, None, None].expand(n, 1, FRAMES, 16, 16)
        tot = 0.0
        for tv in (0.25, 0.5, 0.75, 0.9):
            t = torch.full((n,), tv)
            xt, cond = flow_inputs(z, m, t, noise)
            pred = model(xt, t, y, cond, m)
            tot += (((pred - z) ** 2) * (1 - m)).sum().item() / ((1 - m).sum().item() * LATENT_C)
        out[mode] = tot / 4
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--arch", default="unet_attn", choices=list(ARCHS))
    ap.add_argument("--ae", default="train/runs/ae/ae_final.pt")
    ap.add_argument("--captions", default="train/data/captions.jsonl")
    ap.add_argument("--emb", default="train/data/emb.npy")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1.5e-3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--t-mean", type=float, default=0.3)
    ap.add_argument("--val-every", type=float, default=15, help="minutes")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--stop-after", type=float, default=0, help="stop this invocation after N minutes (resumable); the lr schedule still spans --minutes")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    enc = Encoder()
    enc.load_state_dict(torch.load(a.ae)["E"])
    enc.eval()
    model = Denoiser(**ARCHS[a.arch])
    ema = Denoiser(**ARCHS[a.arch])
    ema.load_state_dict(model.state_dict())
    ema.eval()
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01, betas=(0.9, 0.99))
    ck = os.path.join(a.out, "ckpt.pt")
    step, used = 0, 0.0
    if os.path.exists(ck):
        s = torch.load(ck)
        model.load_state_dict(s["model"]); ema.load_state_dict(s["ema"]); opt.load_state_dict(s["opt"])
        step, used = s["step"], s["used"]
    data = Data(a.captions, a.emb, enc, a.seed * 100003 + step)
    gen = torch.Generator().manual_seed(a.seed * 7919 + step)
    cfg = dict(vars(a), params=count(model), emb_kind=data.kind, n_captions=len(data.items))
    json.dump(cfg, open(os.path.join(a.out, "config.json"), "w"), indent=1)
    print(f"# {json.dumps(cfg)}\n# resume step {step} used {used:.0f}s", flush=True)
    budget = a.minutes * 60
    t0 = time.time() - used
    last_ck = last_val = time.time()
    seen, tl, tl_n = 0, 0.0, 0
    t_log = time.time()
    t_start = time.time()
    while time.time() - t0 < budget and not (a.stop_after and time.time() - t_start > a.stop_after * 60):
        frac = (time.time() - t0) / budget
        lr = a.lr * min(1.0, (step + 1) / 100) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        z, y, mask = data.batch(a.batch)
        t = sample_t(a.batch, gen, a.t_mean)
        noise = torch.randn(z.shape, generator=gen)
        xt, cond = flow_inputs(z, mask, t, noise)
        pred = model(xt, t, y, cond, mask)
        w = 1 - mask
        loss = (((pred - z) ** 2) * w).sum() / (w.sum() * LATENT_C)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        d = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(d).add_(pm.detach(), alpha=1 - d)
        seen += a.batch
        tl += loss.item(); tl_n += 1
        if step % 20 == 0:
            now = time.time()
            print(f"step {step} t {now-t0:.0f}s lr {lr:.2e} loss {tl/tl_n:.4f} clips/s {seen/(now-t_log):.2f}", flush=True)
            seen, tl, tl_n, t_log = 0, 0.0, 0, now
        if time.time() - last_ck > 180:
            torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                        "step": step, "used": time.time() - t0, "arch": a.arch}, ck)
            last_ck = time.time()
        if time.time() - last_val > a.val_every * 60:
            print(f"val step {step} t {time.time()-t0:.0f}s {json.dumps(val_loss(ema, data.items, data.emb, enc))}", flush=True)
            last_val = time.time()
    torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                "step": step, "used": time.time() - t0, "arch": a.arch}, ck)
    v = val_loss(ema, data.items, data.emb, enc)
    res = {"step": step, "seconds": time.time() - t0, "val_ema": v}
    print(f"final {json.dumps(res)}", flush=True)
    json.dump(res, open(os.path.join(a.out, "result.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
