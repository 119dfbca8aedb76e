"""Train Tiny World 2.2's decoder (`nets.DecoderV2`) on the fixed PCA latent, for the latents it will
really be given: clean ones, noisy ones, and the denoiser's own x0 predictions.

Why: the shipped decoder alone costs the world's detector 18 % of shapes on real clips (an encode/decode
round trip of the eval's 38 rendered clips: 100 % -> 82 %), and a latent off by N(0, 0.2) costs 32 %.
The denoiser's last step returns its x0 prediction, which carries exactly that kind of error. So each
training clip's latent is one of
  - clean (the encoder's output),
  - clean + N(0, s^2), s ~ U(0, 0.3),
  - the shipped denoiser's guided x0 prediction from x_t, t = 0.02 + 0.58 u^2 (most mass at the small t of
    a sampler's last steps), guidance ~ U(1, 3), text dropped 10 % of the time,
and the target is the clip the renderer drew. The encoder, the latent space and the denoiser do not
change. Clips come from the training captions (60 000), 30 % over random backdrops so stills the
renderer never drew decode as well. Each run is resumable (`<out>/ckpt.pt`) and step-seeded.

usage (from models/tinyworld/):
  ../../.venv/bin/python -m train.train_decoder2 --minutes 30            # train (resumes)
  ../../.venv/bin/python -m train.train_decoder2 --eval-only [--baseline OLD.onnx]   # round-trip shapes
  ../../.venv/bin/python -m train.train_decoder2 --export [--dest DIR]   # vae_decoder.onnx + parity + pack.json
"""
import argparse
import json
import math
import multiprocessing as mp
import os
import queue
import time

import numpy as np
import torch

from train.nets import TW2_ARCHS, DecoderT, DecoderV2, latent_c_of
from train.sample import Text

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAMES_PER_CLIP = 8      # of 16, picked at random: more clips per step for the same cost
P_BACKDROP = 0.3
KIND_P = (0.2, 0.3, 0.5)  # clean, noisy, the denoiser's x0 (latents_for)


def pca_decoder_state(path=None):
    """The PCA back-projection and the latent normalisation, read from the pack's decoder graph (TINYWORLD_PACK's
    when set)."""
    import onnx
    from onnx import numpy_helper
    from train.latent import pack_dir
    path = path or os.path.join(pack_dir(), "vae_decoder.onnx")
    init = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
    return {k: torch.from_numpy(init[k].copy()) for k in ("shift", "scale", "back.weight", "back.bias")}


def to_unit(frames):
    """uint8 [..., H, W, 3] -> float [..., 3, H, W] in [-1, 1]."""
    x = torch.from_numpy(frames).float() / 127.5 - 1.0
    return x.movedim(-1, -3)


_YY, _XX = np.meshgrid(np.arange(64) + 0.5, np.arange(64) + 0.5, indexing="ij")


def object_pixels(meta, pad=1.5):
    """uint8 [F,64,64]: 1 within r + pad px of an object's centre (the renderer's own tracks)."""
    out = np.zeros((len(meta["objects"][0]["x"]) if meta["objects"] else 16, 64, 64), np.uint8)
    for o in meta["objects"]:
        for i in range(len(out)):
            out[i] |= (np.hypot(_XX - o["x"][i], _YY - o["y"][i]) < o["r"][i] + pad).astype(np.uint8)
    return out


def make_batch(items, emb, enc, seed, step, b, tokens=None, kind_p=KIND_P):
    """With `tokens` (data2.load_tokens) also the captions' token states "yt" and mask "ym", for a denoiser that
    attends to them; the random draws are the same with or without them."""
    from world.render import render
    r = np.random.RandomState((seed * 1_000_003 + step) % (2 ** 32))
    idx = r.randint(len(items), size=b)
    clips, zs, objs = [], [], []
    for i in idx:
        spec = items[i]["spec"]
        if r.rand() < P_BACKDROP:
            spec = dict(spec, background=f"backdrop:{r.randint(1 << 30)}")
        clip, meta = render(spec, r.randint(1 << 30))
        clips.append(clip)
        objs.append(object_pixels(meta))
        zs.append(enc(clip))                                          # [F,8,16,16]
    y = emb[idx].copy()
    drop = r.rand(b) < 0.1
    y[drop] = 0.0
    out = {"step": step, "frames": np.stack(clips), "obj": np.stack(objs), "z": np.stack(zs).transpose(0, 2, 1, 3, 4), "y": y,
           "kind": r.choice(3, size=b, p=list(kind_p)), "u": r.rand(b, 3).astype(np.float32),
           "pick": np.stack([r.choice(16, FRAMES_PER_CLIP, replace=False) for _ in range(b)])}
    if tokens is not None:
        from train.data2 import token_rows
        out["yt"], out["ym"] = token_rows(*tokens, idx, drop)
    return out


def _worker(q, captions, emb_path, seed, start, b, tokens_path=None, kind_p=KIND_P):
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.nice(5)
    from train.latent import PatchEncoder
    items = [json.loads(l) for l in open(captions)]
    emb = np.load(emb_path).astype(np.float32)
    enc = PatchEncoder()
    tokens = None
    if tokens_path:
        from train.data2 import load_tokens
        tokens = load_tokens(tokens_path)
    step = start
    while True:
        q.put(make_batch(items, emb, enc, seed, step, b, tokens, kind_p))
        step += 1


def resume(dec, opt, ck, init=""):
    """Loads a run's own checkpoint `ck` (weights, optimizer) when it exists, else `init`'s weights; -> (step, seconds used)."""
    if os.path.exists(ck):
        s = torch.load(ck, weights_only=False)
        dec.load_state_dict(s["dec"])
        opt.load_state_dict(s["opt"])
        return s["step"], s["used"]
    if init:
        # a DecoderT starts from a Decoder 2: its FiLM layer alone is new (zero, so it decodes as the Decoder 2 did)
        missing = dec.load_state_dict(torch.load(init, weights_only=False)["dec"], strict=False).missing_keys
        assert all(k.startswith("film.") for k in missing), f"{init} lacks {missing}"
    return 0, 0.0


def next_batch(q, worker, step):
    """The render worker's batch for `step`, or why there is none."""
    while True:
        try:
            batch = q.get(timeout=5)
            break
        except queue.Empty:
            if not worker.is_alive():
                raise RuntimeError("the render worker died")
    assert batch["step"] == step
    return batch


def set_lr(opt, base, step, total):
    """100 warm-up steps, then cosine from `base` to a tenth of it over `total` steps; -> the lr set."""
    lr = base * min(1.0, (step + 1) / 100) * (0.1 + 0.45 * (1 + math.cos(math.pi * step / total)))
    for g in opt.param_groups:
        g["lr"] = lr
    return lr


def load_denoiser(path):
    s = torch.load(path, map_location="cpu", weights_only=False)
    den = TW2_ARCHS[s["arch"]](c=latent_c_of(s["ema"]))
    den.load_state_dict({k: v.float() for k, v in s["ema"].items()})
    den.eval()
    for p in den.parameters():
        p.requires_grad_(False)
    return den, s.get("step")


def load_decoder(path="train/checkpoints/decoder2.pt"):
    """Decoder 2 from its training checkpoint, in eval mode (the torch probes decode with it)."""
    state = torch.load(path, map_location="cpu", weights_only=False)["dec"]
    dec = (DecoderT if "film.weight" in state else DecoderV2)(c=state["back.weight"].shape[1])
    dec.load_state_dict(state)
    return dec.eval()


@torch.no_grad()
def latents_for(batch, den, gen):
    """The latent each clip is decoded from this step: clean, noisy, or the denoiser's guided x0."""
    z = torch.from_numpy(batch["z"]).float()                         # [B,8,F,16,16]
    b = z.shape[0]
    out = z.clone()
    for i in range(b):
        kind, u = int(batch["kind"][i]), batch["u"][i]
        if kind == 1:
            out[i] = z[i] + float(u[0]) * 0.3 * torch.randn(z[i].shape, generator=gen)
        elif kind == 2:
            t = 0.02 + 0.58 * float(u[0]) ** 2
            g = 1.0 + 2.0 * float(u[1])
            eps = torch.randn(z[i:i + 1].shape, generator=gen)
            xt = (1 - t) * z[i:i + 1] + t * eps
            # a token-attending denoiser also gets the caption's token rows; the unconditional half has none
            text = Text(torch.from_numpy(batch["y"][i:i + 1]),
                        *([torch.from_numpy(batch[k][i:i + 1]).float() for k in ("yt", "ym")] if "yt" in batch else []))
            both = text.cat(text.null())
            cond = torch.zeros_like(xt)
            mask = torch.zeros(1, 1, xt.shape[2], 16, 16)
            tt = torch.full((2,), t)
            x0 = den(torch.cat([xt, xt]), tt, both.pooled, torch.cat([cond, cond]), torch.cat([mask, mask]), *both.extra())
            xc, xu = x0.chunk(2)
            out[i] = (xu + g * (xc - xu))[0]
    return out


def frames_of(batch, lat, with_text=False):
    """Pick FRAMES_PER_CLIP frames of each clip: latents [N,8,16,16], targets [N,3,64,64], subject weights
    [N,1,64,64] and, with_text, each frame's caption vector [N,384] (zero where the batch dropped it)."""
    zs, xs, ws, ys = [], [], [], []
    for i, pick in enumerate(batch["pick"]):
        zs.append(lat[i][:, pick].transpose(0, 1))
        xs.append(to_unit(batch["frames"][i][pick]))
        ws.append(torch.from_numpy(batch["obj"][i][pick]).float()[:, None])
        ys.append(torch.from_numpy(batch["y"][i]).float()[None].expand(len(pick), -1))
    out = torch.cat(zs), torch.cat(xs), torch.cat(ws)
    return out + (torch.cat(ys),) if with_text else out


def loss_fn(y, x, w):
    """L1 + L2 + L1 on finite differences (edges), each pixel weighted by w (1 + extra on the subject:
    a star's tips are a few pixels of a frame, and they are what tells it from a triangle)."""
    dx = lambda a: a[..., :, 1:] - a[..., :, :-1]                    # noqa: E731
    dy = lambda a: a[..., 1:, :] - a[..., :-1, :]                    # noqa: E731
    e = y - x
    wm = w.mean()
    return (((e.abs() + e ** 2) * w).mean()
            + 0.5 * (((dx(y) - dx(x)).abs() * w[..., :, 1:]).mean() + ((dy(y) - dy(x)).abs() * w[..., 1:, :]).mean())) / wm


def psnr(y, x):
    return 10 * math.log10(4.0 / max(((y.clamp(-1, 1) - x) ** 2).mean().item(), 1e-12))


def eval_clips():
    """The engine eval's 38 prompt clips, rendered (the eval's own specs and seeds)."""
    from eval import prompts as P
    from world.render import render
    return [(p["spec"], render(p["spec"], p["seed"])[0]) for p in P.build()]


@torch.no_grad()
def round_trip_shapes(decode, clips, noise=(0.0, 0.1, 0.2, 0.3)):
    """Share of the eval's real clips whose subject the detector still reads as the right shape after
    encode -> (+ N(0, s^2)) -> decode. 1.0 on the clips themselves."""
    from eval.run_eval import adherence
    from train.latent import PatchEncoder
    enc = PatchEncoder()
    res = {}
    for s in noise:
        ok, ps = [], []
        for k, (spec, clip) in enumerate(clips):
            z = torch.from_numpy(enc(clip))
            if s:
                z = z + s * torch.randn(z.shape, generator=torch.Generator().manual_seed(k))
            y = decode(z)
            ps.append(psnr(y, to_unit(clip)))
            u8 = ((y.clamp(-1, 1) + 1) * 127.5 + 0.5).to(torch.uint8).permute(0, 2, 3, 1).numpy()
            ok.append(adherence(u8, spec)["shape"])
        res[f"noise_{s}"] = {"shape": float(np.mean(ok)), "psnr_db": float(np.mean(ps))}
    return res


def onnx_decode(path=None):
    from train.latent import PackDecoder
    d = PackDecoder(path) if path else PackDecoder()

    def run(z):
        return torch.from_numpy(d.sess.run(["sample"], {"latent": z.numpy().astype(np.float32)})[0])
    return run


def export(dec, dest):
    """vae_decoder.onnx (opset 17, dynamic N), its parity case, and pack.json's hash and size."""
    from train.export import sha256, write_bin
    dec.eval()
    g = torch.Generator().manual_seed(0)
    c = dec.back.weight.shape[1]                     # the latent's width (8 shipped; a widened latent more)
    told = isinstance(dec, DecoderT)                 # told the prompt: a text_embeds input [N,384] as well
    z = torch.randn((2, c, 16, 16), generator=g)
    y = torch.randn((2, 384), generator=g) if told else None
    names = ["latent", "text_embeds"] if told else ["latent"]
    path = os.path.join(dest, "vae_decoder.onnx")
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(dec, (z, y) if told else (z,), tmp, input_names=names, output_names=["sample"], opset_version=17,
                          dynamic_axes={**{n: {0: "N"} for n in names}, "sample": {0: "N"}}, dynamo=False)
    os.replace(tmp, path)
    import onnxruntime as ort
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    z3 = torch.randn((3, c, 16, 16), generator=g)
    y3 = torch.randn((3, 384), generator=g)
    with torch.no_grad():
        ref = (dec(z3, y3) if told else dec(z3)).numpy()
    feed = {"latent": z3.numpy(), **({"text_embeds": y3.numpy()} if told else {})}
    err = float(np.abs(sess.run(["sample"], feed)[0] - ref).max())
    assert err < 1e-4, f"ORT and torch disagree on the decoder: {err}"
    pdir = os.path.join(dest, "parity")
    pj = os.path.join(pdir, "parity.json")
    par = json.load(open(pj))
    with torch.no_grad():
        ins = [dict(write_bin(pdir, "dec_latent", z), name="latent")]
        if told:
            ins.append(dict(write_bin(pdir, "dec_text", y), name="text_embeds"))
        case = {"model": "vae_decoder.onnx", "inputs": ins,
                "outputs": [dict(write_bin(pdir, "dec_sample", dec(z, y) if told else dec(z)), name="sample")]}
    par["cases"] = [case if c["model"] == "vae_decoder.onnx" else c for c in par["cases"]]
    json.dump(par, open(pj + ".tmp", "w"), indent=1)
    os.replace(pj + ".tmp", pj)
    pp = os.path.join(dest, "pack.json")
    pack = json.load(open(pp))
    pack["components"]["vae_decoder"].update(sha256=sha256(path), size=os.path.getsize(path))
    declared = [i for i in pack["components"]["vae_decoder"]["inputs"] if i["name"] != "text_embeds"]
    pack["components"]["vae_decoder"]["inputs"] = declared + ([{"name": "text_embeds", "shape": [-1, 384]}] if told else [])
    json.dump(pack, open(pp + ".tmp", "w"), indent=2)
    open(pp + ".tmp", "a").write("\n")
    os.replace(pp + ".tmp", pp)
    print(f"exported {path} ({os.path.getsize(path)} bytes), ORT vs torch {err:.2e}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="train/runs/dec2")
    ap.add_argument("--denoiser", default="train/checkpoints/tinyworld2.pt")
    ap.add_argument("--captions", default=os.path.join(HERE, "train/data/captions.jsonl"))
    ap.add_argument("--emb", default=os.path.join(HERE, "train/data/emb.npy"))
    ap.add_argument("--tokens", default=os.path.join(HERE, "train/data/tokens.npy"),
                    help="the captions' token states, for a denoiser that attends to them (`kinora embed --tokens`)")
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--total-steps", type=int, default=3000, help="lr schedule length (cosine to 10 %)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=2, help="clips per step (FRAMES_PER_CLIP frames each)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--obj-weight", type=float, default=0.0, help="extra loss weight on the subject's pixels")
    ap.add_argument("--kind-p", type=float, nargs=3, default=KIND_P, metavar=("CLEAN", "NOISY", "X0"),
                    help="share of clips decoded from the clean latent, a noisy one, the denoiser's x0 prediction")
    ap.add_argument("--init", default="", help="a ckpt.pt to take the decoder's weights from when <out> has none")
    ap.add_argument("--text", action="store_true", help="nets.DecoderT: told the caption (FiLM), --init's Decoder 2 "
                    "weights kept and the prompt's modulation starting at zero")
    ap.add_argument("--eval-only", action="store_true")
    ap.add_argument("--baseline", default="", help="--eval-only: a decoder graph to compare (default: the pack's)")
    ap.add_argument("--export", action="store_true")
    ap.add_argument("--dest", default=HERE)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    ck = os.path.join(a.out, "ckpt.pt")
    # a run that trained a DecoderT resumes and exports as one without --text again
    told = a.text or (os.path.exists(ck) and "film.weight" in torch.load(ck, weights_only=False)["dec"])
    dec = DecoderT() if told else DecoderV2()
    dec.load_state_dict(pca_decoder_state(), strict=False)
    opt = torch.optim.AdamW([p for n, p in dec.named_parameters() if not n.startswith("back.")], lr=a.lr,
                            weight_decay=0.0)
    dec.back.requires_grad_(False)
    step, used = resume(dec, opt, ck, a.init)
    if a.export:
        if not (os.path.exists(ck) or a.init):
            raise SystemExit(f"nothing to export: {ck} does not exist (train first, or pass --init CKPT)")
        export(dec, a.dest)
        return
    clips = eval_clips()
    if a.eval_only:
        print(json.dumps({a.baseline or "shipped": round_trip_shapes(onnx_decode(a.baseline or None), clips),
                          f"dec2_step{step}": round_trip_shapes(lambda z: dec.eval()(z), clips)}), flush=True)
        return
    den, den_step = load_denoiser(a.denoiser)
    print("# config " + json.dumps(dict(vars(a), denoiser_step=den_step, params=sum(p.numel() for p in dec.parameters()),
                                         torch=torch.__version__)), flush=True)
    ctx = mp.get_context("fork")
    q = ctx.Queue(4)
    tokens_path = a.tokens if getattr(den, "text_tokens", False) else None
    worker = ctx.Process(target=_worker, args=(q, a.captions, a.emb, a.seed, step, a.batch, tokens_path, tuple(a.kind_p)), daemon=True)
    worker.start()
    gen = torch.Generator().manual_seed(a.seed * 7919 + step)
    stop = {"now": False}
    import signal
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("now", True))
    t0, last_ck, last_log = time.time(), time.time(), time.time()
    lr_sum = 0.0
    try:
        while time.time() - t0 < a.minutes * 60 and step < a.total_steps and not stop["now"]:
            batch = next_batch(q, worker, step)
            lr = set_lr(opt, a.lr, step, a.total_steps)
            z, x, obj, *y = frames_of(batch, latents_for(batch, den, gen), with_text=told)
            dec.train()
            loss = loss_fn(dec(z, *y), x, 1.0 + a.obj_weight * obj)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(dec.parameters(), 1.0)
            opt.step()
            step += 1
            lr_sum += loss.item()
            if step % 50 == 0:
                el = time.time() - t0
                print(f"step {step} loss {lr_sum / 50:.4f} lr {lr:.2e} s/step {(time.time() - last_log) / 50:.2f} "
                      f"t {el / 60:.1f} min", flush=True)
                lr_sum, last_log = 0.0, time.time()
            if time.time() - last_ck > 300:
                torch.save({"dec": dec.state_dict(), "opt": opt.state_dict(), "step": step,
                            "used": used + time.time() - t0}, ck + ".tmp")
                os.replace(ck + ".tmp", ck)
                last_ck = time.time()
    finally:
        worker.kill()
        torch.save({"dec": dec.state_dict(), "opt": opt.state_dict(), "step": step, "used": used + time.time() - t0},
                   ck + ".tmp")
        os.replace(ck + ".tmp", ck)
    # a DecoderT's round trip is read with no prompt (the zero vector): what a still or a text-free job decodes with
    r = round_trip_shapes(lambda zz: dec.eval()(zz, *([torch.zeros(len(zz), 384)] if told else [])), clips)
    print("# eval " + json.dumps({"step": step, "minutes": (used + time.time() - t0) / 60, **r}), flush=True)


if __name__ == "__main__":
    main()
