"""Train `nets.DecoderR`'s head (Decoder 2 frozen inside it): decode frames of a clip one after another, each from
its latent, the latent of the frame before it in the chain and that frame's pixels as shown, against the rendered
frames. Chains run forward or backward (half and half: extensions run both ways), CHAIN frames long.

The latents are train_decoder2's (clean, noisy, or the denoiser's guided x0 for the whole clip, `latents_for`), so the
head learns to trust the reference only as far as the latents say nothing moved. A chain's first reference is the
rendered frame half the time (an extension's first new frame follows a source frame; an animated still's frame 1
follows the still) and Decoder 2's own decode otherwise; every later one is the head's own previous output rounded to
8 bits, as the engine feeds it back, so it learns to clear what it carried in (session 27's first head, trained on
single pairs, left remnants of a moving subject behind it and drifted 1.8 % in colour over 108 frames).

usage (from models/tinyworld/):
  ../../.venv/bin/python -m train.train_decoder_ref --out train/runs/decR --denoiser CKPT --minutes 15
  (resumable: <out>/ckpt.pt; the batches depend only on --seed and the step)
  ../../.venv/bin/python -m train.train_decoder_ref --out train/runs/decR --export [--dest DIR]
  (vae_decoder_ref.onnx, its parity case and pack.json's component; the pack's vae_decoder must be the same
  Decoder 2 as --base, which the export checks)
"""
import argparse
import json
import multiprocessing as mp
import os
import time

import torch

from train.nets import DecoderR, DecoderT
from train.train_decoder2 import (HERE, KIND_P, _worker, latents_for, load_decoder, load_denoiser, loss_fn, next_batch, resume,
                                  set_lr, to_unit)

CHAIN = 4               # frames decoded in a row, each after the previous output (the engine's order)
CHAINS_PER_CLIP = 2
P_RENDERED_REF = 0.5


def load_decoder_ref(path, base="train/checkpoints/decoder2.pt"):
    """DecoderR from its training checkpoint (its own copy of the frozen Decoder 2), in eval mode."""
    s = torch.load(path, map_location="cpu", weights_only=False)
    # the base's weights are in the checkpoint itself; its kind (told the prompt or not) is read from them
    from train.nets import DecoderV2
    c = s["dec"]["base.back.weight"].shape[1]
    dec = DecoderR(DecoderT(c=c) if "base.film.weight" in s["dec"] else DecoderV2(c=c), convex=s.get("convex", False),
                   tau=s.get("tau", 0.0))
    dec.load_state_dict(s["dec"])
    return dec.eval()


def told(dec):
    """Whether the DecoderR's base is told the prompt (a DecoderT), so the head's graph takes text_embeds too."""
    return isinstance(dec.base, DecoderT)


def base_of(dec, z, y=None):
    """The frozen base's decode of z, told the prompt y [N,384] where it takes one."""
    return dec.base(z, y) if told(dec) else dec.base(z)


def export(dec, dest):
    """vae_decoder_ref.onnx (opset 17, dynamic N): latent, ref_latent [N,C,16,16], reference [N,3,64,64] (and
    text_embeds [N,384] when its base is told the prompt) -> sample."""
    import numpy as np
    import onnxruntime as ort
    from train.export import sha256, write_bin
    dec.eval()
    c = dec.base.back.weight.shape[1]
    g = torch.Generator().manual_seed(0)
    args = lambda n: (torch.randn((n, c, 16, 16), generator=g), torch.randn((n, c, 16, 16), generator=g),  # noqa: E731
                      torch.rand((n, 3, 64, 64), generator=g) * 2 - 1) + ((torch.randn((n, 384), generator=g),) if told(dec) else ())
    names = ["latent", "ref_latent", "reference"] + (["text_embeds"] if told(dec) else [])
    # the frozen Decoder 2 inside must be the pack's own: frame 0 of a clip is decoded by vae_decoder alone
    base_sess = ort.InferenceSession(os.path.join(dest, "vae_decoder.onnx"), providers=["CPUExecutionProvider"])
    z, *_, y = args(2)
    y = y if told(dec) else None
    with torch.no_grad():
        feed = {"latent": z.numpy(), **({"text_embeds": y.numpy()} if y is not None else {})}
        off = float(np.abs(base_sess.run(["sample"], feed)[0] - base_of(dec, z, y).numpy()).max())
    if off > 1e-4:
        raise SystemExit(f"the pack's vae_decoder.onnx is not this DecoderR's base (max diff {off:.2e}); export that Decoder 2 first")
    path = os.path.join(dest, "vae_decoder_ref.onnx")
    tmp = path + ".tmp"
    x = args(2)
    with torch.no_grad():
        torch.onnx.export(dec, x, tmp, input_names=names, output_names=["sample"], opset_version=17,
                          dynamic_axes={k: {0: "N"} for k in names + ["sample"]}, dynamo=False)
    os.replace(tmp, path)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    x3 = args(3)
    with torch.no_grad():
        want = dec(*x3).numpy()
    err = float(np.abs(sess.run(["sample"], dict(zip(names, (t.numpy() for t in x3))))[0] - want).max())
    assert err < 1e-4, f"ORT and torch disagree on the reference decoder: {err}"
    pdir = os.path.join(dest, "parity")
    pj = os.path.join(pdir, "parity.json")
    par = json.load(open(pj))
    with torch.no_grad():
        case = {"model": "vae_decoder_ref.onnx",
                "inputs": [dict(write_bin(pdir, f"decref_{n}", t), name=n) for n, t in zip(names, x)],
                "outputs": [dict(write_bin(pdir, "decref_sample", dec(*x)), name="sample")]}
    par["cases"] = [k for k in par["cases"] if k["model"] != "vae_decoder_ref.onnx"] + [case]
    json.dump(par, open(pj + ".tmp", "w"), indent=1)
    os.replace(pj + ".tmp", pj)
    pp = os.path.join(dest, "pack.json")
    pack = json.load(open(pp))
    lat = [-1, c, 16, 16]
    pack["components"]["vae_decoder_ref"] = {
        "file": "vae_decoder_ref.onnx", "sha256": sha256(path), "size": os.path.getsize(path),
        "inputs": [{"name": "latent", "shape": lat}, {"name": "ref_latent", "shape": lat},
                   {"name": "reference", "shape": [-1, 3, 64, 64]}] + ([{"name": "text_embeds", "shape": [-1, 384]}] if told(dec) else []),
        "outputs": [{"name": "sample", "shape": [-1, 3, 64, 64]}]}
    json.dump(pack, open(pp + ".tmp", "w"), indent=2)
    open(pp + ".tmp", "a").write("\n")
    os.replace(pp + ".tmp", pp)
    print(f"exported {path} ({os.path.getsize(path)} bytes), ORT vs torch {err:.2e}", flush=True)


def chains_of(batch, lat, dec, gen):
    """CHAINS_PER_CLIP chains of CHAIN frames per clip, forward or backward, as stacked steps: for each step k a tuple
    (latent, reference latent, target, subject weights) over all chains, the first references (pixels) and each
    chain's caption vector (zero where the batch dropped it)."""
    zs, zr, xs, ws, ref0, ys = [], [], [], [], [], []
    for i in range(lat.shape[0]):
        frames = to_unit(batch["frames"][i])                                  # [16,3,64,64]
        z = lat[i].transpose(0, 1)                                            # [16,C,16,16]
        obj = torch.from_numpy(batch["obj"][i]).float()[:, None]
        y = torch.from_numpy(batch["y"][i]).float()
        for _ in range(CHAINS_PER_CLIP):
            ys.append(y)
            back = bool(torch.rand(1, generator=gen) < 0.5)
            if back:                                                           # reference s, then s-1 ... s-CHAIN
                s = int(torch.randint(CHAIN, 16, (1,), generator=gen))
                ts = torch.arange(s - 1, s - CHAIN - 1, -1)
            else:
                s = int(torch.randint(0, 16 - CHAIN, (1,), generator=gen))
                ts = torch.arange(s + 1, s + CHAIN + 1)
            rt = torch.cat([torch.tensor([s]), ts[:-1]])
            if torch.rand(1, generator=gen) < P_RENDERED_REF:
                ref0.append(frames[s])
            else:
                with torch.no_grad():
                    ref0.append(base_of(dec, z[s:s + 1], y[None])[0].clamp(-1, 1))
            zs.append(z[ts]); zr.append(z[rt]); xs.append(frames[ts]); ws.append(obj[ts])
    stack = lambda v: torch.stack(v, 1)                                        # noqa: E731  [CHAIN, chains, ...]
    return stack(zs), stack(zr), stack(xs), stack(ws), torch.stack(ref0), torch.stack(ys)


def as_shown(y):
    """What the engine feeds back as the next reference: the frame rounded to 8 bits."""
    return (((y.clamp(-1, 1) + 1) * 127.5).round() / 127.5 - 1).detach()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="train/runs/decR")
    ap.add_argument("--denoiser", default="train/checkpoints/tinyworld2_xt.pt")
    ap.add_argument("--base", default="train/checkpoints/decoder2.pt", help="the Decoder 2 ckpt.pt inside it (frozen)")
    ap.add_argument("--captions", default=os.path.join(HERE, "train/data/captions.jsonl"))
    ap.add_argument("--emb", default=os.path.join(HERE, "train/data/emb.npy"))
    ap.add_argument("--tokens", default=os.path.join(HERE, "train/data/tokens.npy"))
    ap.add_argument("--minutes", type=float, default=15)
    ap.add_argument("--total-steps", type=int, default=3000, help="lr schedule length (cosine to 10 %)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=2, help="clips per step (CHAINS_PER_CLIP chains of CHAIN frames each)")
    ap.add_argument("--additive", action="store_true", help="session 27's first head: the correction added everywhere")
    ap.add_argument("--tau", type=float, default=0.0, help="no reference where Decoder 2 and it differ by much more than this")
    ap.add_argument("--init", default="", help="a DecoderR ckpt.pt to start the head from when <out> has none (its base is not taken)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--obj-weight", type=float, default=3.0)
    ap.add_argument("--export", action="store_true")
    ap.add_argument("--dest", default=HERE)
    a = ap.parse_args()
    if a.export:
        ck = os.path.join(a.out, "ckpt.pt")
        if not os.path.exists(ck):
            raise SystemExit(f"nothing to export: {ck} does not exist (train first)")
        export(load_decoder_ref(ck), a.dest)
        return
    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    ck = os.path.join(a.out, "ckpt.pt")
    dec = DecoderR(load_decoder(a.base), convex=not a.additive, tau=a.tau)
    dec.base.requires_grad_(False)
    head = [p for n, p in dec.named_parameters() if not n.startswith("base.")]
    opt = torch.optim.AdamW(head, lr=a.lr, weight_decay=0.0)
    step, used = resume(dec, opt, ck)
    if step == 0 and a.init:
        # the head only: --base stays the Decoder 2 it wraps (a ship trains a head for a new Decoder 2 from the old one's)
        init = {k: v for k, v in torch.load(a.init, weights_only=False)["dec"].items() if not k.startswith("base.")}
        missing = [k for k in dec.load_state_dict(init, strict=False).missing_keys if not k.startswith("base.")]
        assert not missing, f"--init lacks head weights {missing}"
    den, den_step = load_denoiser(a.denoiser)
    print("# config " + json.dumps(dict(vars(a), denoiser_step=den_step, head_params=sum(p.numel() for p in head),
                                         torch=torch.__version__)), flush=True)
    ctx = mp.get_context("fork")
    q = ctx.Queue(4)
    tokens_path = a.tokens if getattr(den, "text_tokens", False) else None
    worker = ctx.Process(target=_worker, args=(q, a.captions, a.emb, a.seed, step, a.batch, tokens_path, KIND_P), daemon=True)
    worker.start()
    gen = torch.Generator().manual_seed(a.seed * 7919 + step)
    stop = {"now": False}
    import signal
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("now", True))
    t0, last_ck, last_log = time.time(), time.time(), time.time()
    sums = [0.0, 0.0, 0.0]

    def save():
        torch.save({"dec": dec.state_dict(), "opt": opt.state_dict(), "step": step, "used": used + time.time() - t0,
                    "base": a.base, "convex": dec.convex, "tau": dec.tau}, ck + ".tmp")
        os.replace(ck + ".tmp", ck)

    try:
        while time.time() - t0 < a.minutes * 60 and step < a.total_steps and not stop["now"]:
            batch = next_batch(q, worker, step)
            lr = set_lr(opt, a.lr, step, a.total_steps)
            zc, zrc, xc, wc, ref, yc = chains_of(batch, latents_for(batch, den, gen), dec, gen)
            yk = yc if told(dec) else None
            dec.train()
            loss, base_loss, err = 0.0, 0.0, 0.0
            for k in range(CHAIN):
                # each step's reference is the previous step's output as shown: the head learns to clean up what it
                # carried in (a subject's remnant where it has left), not only to copy a perfect frame
                w = 1.0 + a.obj_weight * wc[k]
                y = dec(zc[k], zrc[k], ref, yk)
                loss = loss + loss_fn(y, xc[k], w) / CHAIN
                ref = as_shown(y)
                with torch.no_grad():
                    base_loss += loss_fn(base_of(dec, zc[k], yk), xc[k], w).item() / CHAIN
                    err += (y.clamp(-1, 1) - xc[k]).abs().mean().item() * 127.5 / CHAIN
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(head, 1.0)
            opt.step()
            step += 1
            # what the reference buys: the same loss for Decoder 2 alone, and the pixel error of each
            sums[0] += loss.item()
            sums[1] += base_loss
            sums[2] += err
            if step % 50 == 0:
                print(f"step {step} loss {sums[0] / 50:.4f} (Decoder 2 alone {sums[1] / 50:.4f}) |err| {sums[2] / 50:.2f}/255 "
                      f"lr {lr:.2e} s/step {(time.time() - last_log) / 50:.2f} t {(time.time() - t0) / 60:.1f} min", flush=True)
                sums, last_log = [0.0, 0.0, 0.0], time.time()
            if time.time() - last_ck > 300:
                save()
                last_ck = time.time()
    finally:
        worker.kill()
        save()
    print(f"# done step {step} minutes {(used + time.time() - t0) / 60:.1f}", flush=True)


if __name__ == "__main__":
    main()
