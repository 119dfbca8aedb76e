#!/usr/bin/python3
"""PyTorch reference sampler for the Tiny World pack: the baseline Kinora's engine is benchmarked against.

It runs what a researcher would run instead of the engine: the model code of models/tinyworld/train/nets.py
in eager PyTorch, at its best on a CPU (torch.inference_mode, threads set to the machine's cores, oneDNN
for the convolutions, OpenBLAS for matmul), with *exactly* the engine's sampling:
  - the same noise: the engine's seeded generator (java.util.SplittableRandom + Box-Muller) re-implemented
    below bit for bit, one stream per window derived from the seed as VideoPipeline.seedFor does;
  - the same scheduler: flow-Euler on shifted sigmas 1 - i/n, x-prediction, classifier-free guidance with
    cond and uncond (a zero vector, the engine's blank negative prompt) in one batch of two;
  - the same windows for long clips: 16-frame windows, each continuing from the last `context` latents of
    the one before (known frames re-noised at every level), colours anchored to the first window;
  - the same decoder, frame by frame in chunks of 16.
Text embeddings are given to it (384 floats per prompt, as the engine computes them), so text encoding is
measured separately.

Weights: the training checkpoint (`ema` of train_denoiser's ckpt.pt) and the autoencoder's (`E`/`D`); the
`check` op proves they are the pack's weights by reproducing the pack's parity tensors (written by
train/export.py from the exported weights).

usage:
  /usr/bin/python3 models/tinyworld/bench/reference.py serve --ckpt CKPT --ae AE [--threads 2]
      reads one JSON request per line on stdin, answers one JSON line on stdout (kinora bench drives it)
  /usr/bin/python3 models/tinyworld/bench/reference.py once --ckpt CKPT --ae AE --steps 16 --frames 16 --seed 1
  /usr/bin/python3 models/tinyworld/bench/reference.py gemm [--n 1024]
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
# the training code (train/nets.py) beside this folder; KINORA_TINYWORLD_CODE points elsewhere if needed
TINYWORLD = os.environ.get("KINORA_TINYWORLD_CODE", os.path.dirname(HERE))
sys.path.insert(0, TINYWORLD)

MASK64 = (1 << 64) - 1
WINDOW = 16
LAT_H = LAT_W = 16
VAE_CHUNK = 16


# ------------------------------------------------------------------------------------------- noise
def _mix64(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def java_gaussian(seed, n):
    """Latents.gaussian(seed, n): SplittableRandom(seed).nextDouble() pairs through Box-Muller, as float32."""
    pairs = (n + 1) // 2
    gamma = np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        k = np.arange(1, 2 * pairs + 1, dtype=np.uint64)
        states = np.uint64(seed & MASK64) + k * gamma          # seed += gamma before every draw, wrapping
        doubles = (_mix64(states) >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)
    u1, u2 = doubles[0::2], doubles[1::2]
    radius = np.sqrt(-2.0 * np.log(1.0 - u1))
    out = np.empty(2 * pairs, dtype=np.float32)
    out[0::2] = (radius * np.cos(2 * math.pi * u2)).astype(np.float32)
    out[1::2] = (radius * np.sin(2 * math.pi * u2)).astype(np.float32)
    return out[:n]


def seed_for(seed, window_no):
    """VideoPipeline.seedFor: each window's own noise stream (Java long arithmetic, wrapping)."""
    return (seed * 0x9E3779B97F4A7C15 + window_no * 0xC2B2AE3D27D4EB4F + 0x165667B19E3779F9) & MASK64


# ------------------------------------------------------------------------------------------- model
def load_models(ckpt_path, ae_path):
    from train.nets import Decoder, Denoiser      # the training code's model classes: the researcher's view
    ck = torch.load(ckpt_path, map_location="cpu")
    sd = ck["ema"] if "ema" in ck else ck
    chs = (sd["d1.sconv.weight"].shape[0], sd["d2.sconv.weight"].shape[0], sd["m1.sconv.weight"].shape[0])
    den = Denoiser(chs=chs, attn="attn.qkv.weight" in sd)
    den.load_state_dict(sd)
    ae = torch.load(ae_path, map_location="cpu")
    dec = Decoder()
    dec.load_state_dict(ae["D"])
    den.eval()
    dec.eval()
    return den, dec


def sigmas(steps, shift):
    lin = np.array([1.0 - i / steps for i in range(steps + 1)], dtype=np.float64)
    return shift * lin / (1.0 + (shift - 1.0) * lin)


class Sampler:
    def __init__(self, den, dec, channels):
        self.den = den
        self.dec = dec
        self.c = channels
        self.calls = 0
        self.denoise_s = 0.0
        self.decode_s = 0.0

    def window(self, emb, steps, guidance, shift, known, is_known, noise_seed):
        """One window [C,F,h,w]; known latents (zeros where unknown) and a per-frame known flag."""
        c, f = self.c, known.shape[1]
        t0 = time.perf_counter()
        noise = torch.from_numpy(java_gaussian(noise_seed, c * f * LAT_H * LAT_W)).reshape(1, c, f, LAT_H, LAT_W)
        sig = sigmas(steps, shift)
        cond = known[None]
        mask = torch.zeros(1, 1, f, LAT_H, LAT_W)
        mask[:, :, torch.from_numpy(is_known)] = 1.0
        has_known = bool(is_known.any())
        kmask = mask.expand(1, c, f, LAT_H, LAT_W).bool()
        x = noise.clone()
        if has_known:
            x = torch.where(kmask, (1.0 - sig[0]) * cond + sig[0] * noise, x)
        guided = guidance != 1.0
        if guided:
            text = torch.stack([emb, torch.zeros_like(emb)])
            cond_b, mask_b = torch.cat([cond, cond]), torch.cat([mask, mask])
        else:
            text, cond_b, mask_b = emb[None], cond, mask
        for i in range(steps):
            s, sn = float(sig[i]), float(sig[i + 1])
            if guided:
                out = self.den(torch.cat([x, x]), torch.full((2,), np.float32(s)), text, cond_b, mask_b)
                xc, xu = out[:1], out[1:]
                x0 = xu + guidance * (xc - xu)
            else:
                x0 = self.den(x, torch.full((1,), np.float32(s)), text, cond_b, mask_b)
            self.calls += 1
            x = x + (sn - s) * ((x - x0) / s)
            if has_known:
                level = (1.0 - sn) * cond + sn * noise if i + 1 < steps else cond
                x = torch.where(kmask, level, x)
        self.denoise_s += time.perf_counter() - t0
        return x[0]

    def decode(self, lat, frm, to):
        """[C,F,h,w] frames [frm,to) -> uint8 [n,64,64,3], rounded and clamped as Latents.toRgb."""
        t0 = time.perf_counter()
        z = lat[:, frm:to].permute(1, 0, 2, 3).contiguous()
        parts = [self.dec(z[i:i + VAE_CHUNK]) for i in range(0, z.shape[0], VAE_CHUNK)]
        y = torch.cat(parts)
        rgb = torch.round((y + 1.0) * 127.5).clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).contiguous()
        self.decode_s += time.perf_counter() - t0
        return rgb.numpy()

    def clip(self, emb, steps, guidance, shift, frames, seed, context, anchor_colour):
        """VideoPipeline's text-to-video: one window, then forward windows keeping `context` latents."""
        c, k = self.c, context
        zeros = torch.zeros(c, WINDOW, LAT_H, LAT_W)
        lat = self.window(emb, steps, guidance, shift, zeros, np.zeros(WINDOW, bool), seed_for(seed, 0))
        out = [self.decode(lat, 0, min(frames, WINDOW))]
        anchor = lat.double().mean(dim=(1, 2, 3))
        made, win_no, prev = out[0].shape[0], 1, lat
        while made < frames:
            known = torch.zeros(c, WINDOW, LAT_H, LAT_W)
            known[:, :k] = prev[:, WINDOW - k:]
            is_known = np.zeros(WINDOW, bool)
            is_known[:k] = True
            lat = self.window(emb, steps, guidance, shift, known, is_known, seed_for(seed, win_no))
            win_no += 1
            if anchor_colour:
                m = lat[:, k:].double().mean(dim=(1, 2, 3))
                lat = lat.clone()
                lat[:, k:] += (anchor - m).float()[:, None, None, None]
            take = min(frames - made, WINDOW - k)
            out.append(self.decode(lat, k, k + take))
            made += take
            prev = lat
        return np.concatenate(out)


# ------------------------------------------------------------------------------------------- helpers
def proc_status_kb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def reset_peak_rss():
    """Linux: writing 5 to clear_refs resets VmHWM, so each configuration gets its own peak."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def gemm(n, reps, threads):
    torch.set_num_threads(threads)
    a32 = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
    b32 = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)
    res = {}
    ta, tb = torch.from_numpy(a32), torch.from_numpy(b32)
    for name, fn in (("torch", lambda: torch.matmul(ta, tb)), ("numpy", lambda: a32 @ b32)):
        fn()
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        res[name] = {"seconds": times, "gflops_best": 2.0 * n ** 3 / min(times) / 1e9,
                     "gflops_median": 2.0 * n ** 3 / float(np.median(times)) / 1e9}
    return res


def check_parity(den, dec, pack_dir):
    """Max abs difference between this torch model and the pack's parity outputs (exported weights)."""
    pdir = os.path.join(pack_dir, "parity")
    spec = json.load(open(os.path.join(pdir, "parity.json")))

    def load(d):
        return torch.from_numpy(np.fromfile(os.path.join(pdir, d["file"]), dtype="<f4").reshape(d["shape"]))
    worst = {}
    for case in spec["cases"]:
        model = {"denoiser.onnx": den, "vae_decoder.onnx": dec}.get(case["model"])
        if model is None:
            continue
        ins = [load(d) for d in case["inputs"]]
        want = load(case["outputs"][0])
        got = model(*ins)
        key = case["model"] + ":" + case["outputs"][0]["file"]
        worst[key] = float((got - want).abs().max())
    return worst


def serve(args):
    torch.set_num_threads(args.threads)
    den, dec = load_models(args.ckpt, args.ae)
    out = sys.stdout
    sys.stdout = sys.stderr           # nothing but protocol lines on the real stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        op = req.get("op")
        try:
            if op == "info":
                ans = {"torch": torch.__version__, "numpy": np.__version__, "threads": torch.get_num_threads(),
                       "mkldnn": torch.backends.mkldnn.is_available(), "python": sys.version.split()[0],
                       "vm_rss_kb": proc_status_kb("VmRSS")}
            elif op == "reset_peak":
                ans = {"reset": reset_peak_rss(), "vm_rss_kb": proc_status_kb("VmRSS")}
            elif op == "check":
                with torch.inference_mode():
                    ans = {"parity_max_abs": check_parity(den, dec, req["pack"])}
            elif op == "gemm":
                ans = gemm(int(req.get("n", 1024)), int(req.get("reps", 10)), args.threads)
            elif op == "generate":
                ans = generate(den, dec, req)
            elif op == "quit":
                out.write(json.dumps({"bye": True}) + "\n")
                out.flush()
                break
            else:
                ans = {"error": "unknown op " + str(op)}
        except Exception as e:  # report and keep serving
            ans = {"error": repr(e)}
        out.write(json.dumps(ans) + "\n")
        out.flush()


_FROZEN = {}


def frozen(den, c, frames, guided):
    """TorchScript: traced for the window's shapes, frozen and optimize_for_inference'd (oneDNN weight prepacking,
    conv fusions): the fastest plain-PyTorch CPU path a researcher could reach for without rewriting the model."""
    b = 2 if guided else 1
    key = (b, frames)
    if key not in _FROZEN:
        ex = (torch.zeros(b, c, frames, LAT_H, LAT_W), torch.full((b,), 0.5), torch.zeros(b, 384),
              torch.zeros(b, c, frames, LAT_H, LAT_W), torch.zeros(b, 1, frames, LAT_H, LAT_W))
        with torch.no_grad():
            m = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(den, ex).eval()))
            m(*ex)
            m(*ex)
        _FROZEN[key] = m
    return _FROZEN[key]


def generate(den, dec, req):
    emb = torch.tensor(req["embedding"], dtype=torch.float32)
    c = den.outc.out_channels
    if req.get("jit"):
        den = frozen(den, c, WINDOW, float(req["guidance"]) != 1.0)
    s = Sampler(den, dec, c)
    t0 = time.perf_counter()
    with torch.inference_mode():
        frames = s.clip(emb, int(req["steps"]), float(req["guidance"]), float(req["shift"]), int(req["frames"]),
                        int(req["seed"]), int(req.get("context", 4)), bool(req.get("anchor", True)))
    total = time.perf_counter() - t0
    if req.get("dump"):
        frames.tofile(req["dump"])     # raw RGB, frame after frame, for the output comparison
    return {"total_s": total, "denoise_s": s.denoise_s, "decode_s": s.decode_s, "calls": s.calls,
            "frames": int(frames.shape[0]), "vm_rss_kb": proc_status_kb("VmRSS"), "vm_hwm_kb": proc_status_kb("VmHWM")}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["serve", "once", "gemm"])
    ap.add_argument("--ckpt", help="train_denoiser checkpoint (ckpt.pt; its `ema` weights are used)")
    ap.add_argument("--ae", help="autoencoder checkpoint (ae_final.pt)")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--frames", type=int, default=16)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--shift", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=1024)
    ap.add_argument("--jit", action="store_true", help="TorchScript frozen + optimize_for_inference instead of eager")
    a = ap.parse_args()
    if a.mode == "serve":
        serve(a)
    elif a.mode == "gemm":
        print(json.dumps(gemm(a.n, 10, a.threads)))
    else:
        torch.set_num_threads(a.threads)
        den, dec = load_models(a.ckpt, a.ae)
        emb = torch.nn.functional.normalize(torch.randn(384, generator=torch.Generator().manual_seed(0)), dim=0)
        print(json.dumps(generate(den, dec, {"embedding": emb.tolist(), "steps": a.steps, "frames": a.frames,
                                            "guidance": a.guidance, "shift": a.shift, "seed": a.seed, "jit": a.jit})))


if __name__ == "__main__":
    main()
