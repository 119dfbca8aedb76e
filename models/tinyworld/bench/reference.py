#!/usr/bin/env python3
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
  - the same decoder, frame by frame in chunks of 16; for a pack with a reference decoder (vae_decoder_ref, Tiny
    World 2.10.0 on), the frames after a shown one as VideoPipeline.decodeAfter decodes them: each after the frame
    before it as shown, its share fading over defaults.referenceFrames frames, mixed with the plain decoder's frame.
Text embeddings are given to it (384 floats per prompt, as the engine computes them, and for a denoiser that
attends to the prompt's tokens, Tiny World since 2.4.0, the token states too), so text encoding is measured separately.

Weights: the pack's own, read from the initializers of its denoiser.onnx and vae_decoder.onnx (and vae_decoder_ref.onnx) into the
classes of train/nets.py (every architecture there is tried: 1.0's Denoiser, Tiny World 2's DenoiserTA
and DiT), so anyone can rerun it from a clean clone; failing that, the committed Tiny World 2 checkpoint
(train/checkpoints/tinyworld2.pt) when it exists; or training checkpoints given with --ckpt / --ae.
Whatever the source, the loaded model must reproduce the pack's parity tensors (parity/parity.json,
written by the export) within their tolerance, or the reference stops and says what it tried.

usage (python: the repository's .venv, made by bench/setup-python.sh; torch 2.13):
  .venv/bin/python models/tinyworld/bench/reference.py serve [--pack DIR] [--ckpt CKPT] [--ae AE] [--threads 2]
      reads one JSON request per line on stdin, answers one JSON line on stdout (bench/kb compare drives it)
  .venv/bin/python models/tinyworld/bench/reference.py check [--pack DIR]        where the weights come from, parity
  .venv/bin/python models/tinyworld/bench/reference.py once [--pack DIR] --steps 16 --frames 16 --seed 1
  .venv/bin/python models/tinyworld/bench/reference.py gemm [--n 1024]
"""
import argparse
import json
import math
import os
import re
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
# the training code (train/nets.py) beside this folder; KINORA_TINYWORLD_CODE points elsewhere if needed
TINYWORLD = os.environ.get("KINORA_TINYWORLD_CODE", os.path.dirname(HERE))
sys.path.insert(0, TINYWORLD)
PACK = os.path.dirname(HERE)                                   # models/tinyworld: the shipped pack
TW2_CKPT = os.path.join(TINYWORLD, "train", "checkpoints", "tinyworld2.pt")
TW2_XT_CKPT = os.path.join(TINYWORLD, "train", "checkpoints", "tinyworld2_xt.pt")
TW2_XTW_CKPT = os.path.join(TINYWORLD, "train", "checkpoints", "tinyworld2_xtw.pt")
DEC2_CKPT = os.path.join(TINYWORLD, "train", "checkpoints", "decoder2.pt")

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


# ------------------------------------------------------------------------------------------- weights
# The reference runs the pack's own weights: the initializers of its ONNX graphs, put back into the
# model classes of train/nets.py. torch.onnx.export keeps a parameter's name where it is used as it is
# (convs, Gemm-Linears, biases); bench/fold_frames.py keeps the name with a "__foldN" suffix (and a 4-D
# shape); parameters the exporter transformed (GroupNorm's scale and shift, Linear weights under MatMul,
# transposed) lose their name ("onnx::Mul_628") and are matched by the order the graph first uses them,
# which is the order the torch model calls its modules. Whatever the mapping, the loaded model must
# reproduce the pack's parity tensors before it is used.

_FOLD = re.compile(r"(_2d)?__fold\d+$")


class MappingError(Exception):
    pass


def _onnx_params(path):
    """Float initializers of a graph: {name: array}, the unnamed ones in order of first use (Identity
    aliases count as their own use), and the names a MatMul takes as its right-hand operand."""
    import onnx
    from onnx import numpy_helper
    g = onnx.load(path).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    # a weight train/export2.py stored as fp16 is an fp16 initializer cast back to float under its own name
    half = {k: v for k, v in arrays.items() if v.dtype == np.float16}
    arrays = {k: v for k, v in arrays.items() if v.dtype == np.float32}
    for n in g.node:
        if n.op_type == "Cast" and n.input[0] in half:
            arrays[n.output[0]] = half[n.input[0]].astype(np.float32)
    alias = {}
    for n in g.node:
        if n.op_type == "Identity" and (n.input[0] in arrays or n.input[0] in alias):
            alias[n.output[0]] = alias.get(n.input[0], n.input[0])
    unnamed, seen, matmul_b = [], set(), set()
    for n in g.node:
        if n.op_type == "Identity":
            continue
        for pos, x in enumerate(n.input):
            root = alias.get(x, x)
            if root not in arrays:
                continue
            if n.op_type == "MatMul" and pos == 1:
                matmul_b.add(x)
                matmul_b.add(root)
            if x.startswith("onnx::") and x not in seen:
                seen.add(x)
                unnamed.append(x)
    values = {**arrays, **{a: arrays[r] for a, r in alias.items()}}
    return values, unnamed, matmul_b


def _call_order(model, probe):
    """Module names in the order a forward pass first calls them."""
    order, hooks = {}, []

    def seen(name):
        def hook(module, args):
            order.setdefault(name, len(order))      # returns None: the inputs stay as they are
        return hook
    for name, mod in model.named_modules():
        hooks.append(mod.register_forward_pre_hook(seen(name)))
    try:
        with torch.inference_mode():
            model(*probe)
    finally:
        for h in hooks:
            h.remove()
    return order


def state_from_onnx(model, path, probe):
    """model's state dict filled from the graph at path; MappingError when the graph is not this model."""
    values, unnamed, matmul_b = _onnx_params(path)
    owners = dict(model.named_modules())
    sd = model.state_dict()
    out, used = {}, set()

    def fit(key, name):
        a = values[name]
        want = tuple(sd[key].shape)
        owner = owners.get(key.rsplit(".", 1)[0] if "." in key else "")
        if name in matmul_b and isinstance(owner, torch.nn.Linear) and a.ndim == 2:
            a = a.T                                         # x @ W^T folded into one constant
        if a.size != int(np.prod(want)):
            raise MappingError(f"{key} {list(want)} does not fit {name} {list(a.shape)}")
        return torch.from_numpy(np.ascontiguousarray(a).reshape(want).copy())

    for name in values:
        key = _FOLD.sub("", name)
        if key in sd and not name.startswith("onnx::"):
            out[key] = fit(key, name)
            used.add(name)
    rest = [k for k in sd if k not in out]
    order = _call_order(model, probe)
    rank = {k: i for i, k in enumerate(sd)}
    rest.sort(key=lambda k: (order.get(k.rsplit(".", 1)[0] if "." in k else "", 1 << 30), rank[k]))
    if len(rest) != len(unnamed):
        raise MappingError(f"{len(rest)} of the model's tensors have no name in the graph ({', '.join(rest[:4])}"
                           f"{', ...' if len(rest) > 4 else ''}), but the graph has {len(unnamed)} unnamed weights")
    for key, name in zip(rest, unnamed):
        out[key] = fit(key, name)
    model.load_state_dict(out)
    return model


def _probe(pack_dir, model_file):
    """Zero inputs of the shapes of the pack's first parity case for model_file."""
    spec = json.load(open(os.path.join(pack_dir, "parity", "parity.json")))
    for case in spec["cases"]:
        if case["model"] == model_file:
            return [torch.zeros(d["shape"]) for d in case["inputs"]]
    raise MappingError(f"{pack_dir}/parity/parity.json has no case for {model_file}")


def _denoiser_candidates():
    from train.nets import ARCHS, TW2_ARCHS, Denoiser
    for name, cfg in ARCHS.items():
        yield f"Denoiser({name}: chs={cfg['chs']}, attn={cfg['attn']})", lambda cfg=cfg: Denoiser(**cfg)
    for name, make in TW2_ARCHS.items():
        yield f"Tiny World 2 {name}", make


def _denoiser_from_ckpt(path, fp16=False, int8=False):
    """fp16: the weights rounded to fp16 values as train/export2.py rounds them before storing them (packs since 2.0.1
    run those, and their parity tensors are computed on them); int8: then the large ones to int8 steps, as
    `export2 --int8` does (2.11.0)."""
    from train.nets import TW2_ARCHS, Denoiser
    ck = torch.load(path, map_location="cpu", weights_only=False)
    if ck.get("arch") in TW2_ARCHS:                      # train_denoiser's Tiny World 2 checkpoints (load_weights' layout)
        den = TW2_ARCHS[ck["arch"]]()
        den.load_state_dict({k: v.float() for k, v in ck["ema"].items()})
        if fp16:
            from train.export2 import fp16_weights
            fp16_weights(den)
        if int8:
            from train.export2 import int8_weights
            int8_weights(den)
        rounded = " (weights rounded to int8 and fp16, as exported)" if int8 else " (weights rounded to fp16, as exported)" if fp16 else ""
        return den, f"Tiny World 2 {ck['arch']}" + rounded
    sd = ck["ema"] if "ema" in ck else ck                 # 1.0's train_denoiser ckpt.pt
    chs = (sd["d1.sconv.weight"].shape[0], sd["d2.sconv.weight"].shape[0], sd["m1.sconv.weight"].shape[0])
    den = Denoiser(chs=chs, attn="attn.qkv.weight" in sd)
    den.load_state_dict(sd)
    return den, f"Denoiser(chs={chs})"


def _parity_errors(model, pack_dir, model_file):
    """{case output: max |torch - stored|} over the pack's parity cases for model_file, and the tolerance."""
    pdir = os.path.join(pack_dir, "parity")
    spec = json.load(open(os.path.join(pdir, "parity.json")))
    tol = float(spec.get("tolerance", 1e-3))

    def load(d):
        return torch.from_numpy(np.fromfile(os.path.join(pdir, d["file"]), dtype="<f4").reshape(d["shape"]))
    errs = {}
    with torch.inference_mode():
        for case in spec["cases"]:
            if case["model"] == model_file:
                got = model(*[load(d) for d in case["inputs"]])
                errs[case["outputs"][0]["file"]] = float((got - load(case["outputs"][0])).abs().max())
    return errs, tol


def _verified(model, pack_dir, model_file, source):
    """The worst parity difference of model on model_file's cases; MappingError over the tolerance."""
    model.eval()
    errs, tol = _parity_errors(model, pack_dir, model_file)
    if not errs:
        raise MappingError(f"{pack_dir}/parity/parity.json has no case for {model_file}: nothing to check {source} against")
    worst = max(errs.values())
    if worst > tol:
        raise MappingError(f"these weights do not reproduce the pack's parity tensors for {model_file}: max |diff| {worst:.2e}"
                           f" > {tol:g} ({errs})")
    return worst


def load_models(pack_dir, ckpt_path=None, ae_path=None):
    """(denoiser, decoder, description): the pack's weights in train/nets.py's classes, checked against
    the pack's parity tensors. The denoiser comes from ckpt_path when given, else from denoiser.onnx
    (each architecture of nets.py is tried), else from the committed Tiny World 2 checkpoint; the
    decoder from ae_path when given, else from vae_decoder.onnx (each decoder class of nets.py is
    tried), else from the committed Decoder 2 checkpoint."""
    sources = _ckpt_sources(ckpt_path) if ckpt_path else []
    if not ckpt_path:
        onnx_path = os.path.join(pack_dir, "denoiser.onnx")
        for label, make in _denoiser_candidates():
            sources.append((onnx_path + " as " + label,
                            lambda make=make, label=label: (state_from_onnx(make().eval(), onnx_path, _probe(pack_dir, "denoiser.onnx")), label)))
        # the graphs exported since 2.0.1 are folded and laid out for ONNX Runtime, so their weights no longer map back
        # onto nets.py's modules: the committed line checkpoints, when one is the pack's source (rounded to fp16 first)
        for ck in (TW2_CKPT, TW2_XT_CKPT, TW2_XTW_CKPT):
            if os.path.isfile(ck):
                sources += _ckpt_sources(ck)
    den, den_desc = _first_verified("denoiser", sources, pack_dir, "--ckpt (train_denoiser's ckpt.pt, or the line's "
                                    "committed checkpoint as of the commit that shipped the pack: the model card's "
                                    "Reproduce section names it)")
    dec, dec_desc = _first_verified("decoder", _decoder_sources(pack_dir, ae_path), pack_dir, "--ae")
    return den, dec, f"{den_desc}; {dec_desc}"


def _ckpt_sources(path):
    """A checkpoint as (source, make) pairs: its weights rounded to fp16 as the export stores them, then also to int8
    (`export2 --int8`), then as trained."""
    return [("checkpoint " + path, lambda: _denoiser_from_ckpt(path, fp16=True)),
            ("checkpoint " + path, lambda: _denoiser_from_ckpt(path, fp16=True, int8=True)),
            ("checkpoint " + path, lambda: _denoiser_from_ckpt(path))]


def _first_verified(kind, sources, pack_dir, hint, model_file=None):
    """(model, description) from the first of `sources` ((source, make) pairs, make() -> (model, label)) whose
    weights reproduce the pack's parity tensors for model_file (default: vae_decoder.onnx for a decoder, else
    denoiser.onnx); SystemExit naming every source tried otherwise."""
    model_file = model_file or ("vae_decoder.onnx" if kind == "decoder" else "denoiser.onnx")
    tried = []
    for source, make in sources:
        try:
            model, label = make()
            worst = _verified(model, pack_dir, model_file, source)
            return model, f"{kind} {label} from {source.split(' as ')[0]} (parity max |diff| {worst:.1e})"
        except (MappingError, RuntimeError, KeyError, ValueError, TypeError) as e:   # TypeError: other inputs
            tried.append(f"  {source}: {e}")
    raise SystemExit(f"reference: no weights reproduce the pack's {kind} ({os.path.join(pack_dir, model_file)}); tried\n"
                     + "\n".join(tried) + f"\nPass the checkpoint it was exported from with {hint}.")


def _decoder_sources(pack_dir, ae_path):
    """(source, make) pairs, make() -> (decoder, label): the --ae checkpoint alone when given; else the pack's
    vae_decoder.onnx as each decoder class of nets.py (1.x-2.1's Decoder, 2.2's DecoderV2), then the committed
    Decoder 2 checkpoint."""
    from train.nets import Decoder, DecoderV2

    def from_ckpt(path):
        ck = torch.load(path, map_location="cpu", weights_only=False)
        if "dec" in ck:                                   # train_decoder2's checkpoint
            dec = DecoderV2().eval()
            dec.load_state_dict(ck["dec"])
            return dec, "DecoderV2"
        dec = Decoder().eval()                            # 1.x's autoencoder checkpoint (ae_final.pt)
        dec.load_state_dict(ck["D"])
        return dec, "Decoder"
    if ae_path:
        return [("checkpoint " + ae_path, lambda: from_ckpt(ae_path))]
    onnx_path = os.path.join(pack_dir, "vae_decoder.onnx")
    sources = [(f"{onnx_path} as {cls.__name__}",
                lambda cls=cls: (state_from_onnx(cls().eval(), onnx_path, _probe(pack_dir, "vae_decoder.onnx")), cls.__name__))
               for cls in (Decoder, DecoderV2)]
    if os.path.isfile(DEC2_CKPT):
        sources.append(("checkpoint " + DEC2_CKPT, lambda: from_ckpt(DEC2_CKPT)))
    return sources


# the reference heads this project has trained (train_decoder_ref: convex or --additive, --tau): tau is a constant in the
# graph, not a weight, so each is tried in turn and the parity tensors say which one the pack holds
REF_VARIANTS = ((True, 0.0), (False, 0.0), (True, 0.12), (False, 0.12))


def load_ref_decoder(pack_dir, ref_ckpt=None):
    """(DecoderR or None, description): the pack's vae_decoder_ref.onnx in nets.DecoderR (its own copy of the base
    decoder inside), checked against the pack's parity tensors; None when the pack has no reference decoder.
    ref_ckpt: a train_decoder_ref checkpoint instead of the graph."""
    onnx_path = os.path.join(pack_dir, "vae_decoder_ref.onnx")
    if not os.path.isfile(onnx_path) and not ref_ckpt:
        return None, "no reference decoder"
    from train.nets import DecoderR, DecoderV2
    if ref_ckpt:
        from train.train_decoder_ref import load_decoder_ref
        sources = [("checkpoint " + ref_ckpt, lambda: (load_decoder_ref(ref_ckpt), "DecoderR"))]
    else:
        sources = [(f"{onnx_path} as DecoderR(convex={convex}, tau={tau})",
                    lambda convex=convex, tau=tau: (state_from_onnx(DecoderR(DecoderV2(), convex=convex, tau=tau).eval(), onnx_path,
                                                                    _probe(pack_dir, "vae_decoder_ref.onnx")),
                                                    f"DecoderR(convex={convex}, tau={tau})"))
                   for convex, tau in REF_VARIANTS]
    return _first_verified("reference decoder", sources, pack_dir, "--ref-ckpt (train_decoder_ref's ckpt.pt)",
                           "vae_decoder_ref.onnx")


def reference_frames(pack_dir):
    """defaults.referenceFrames of the pack's manifest: how far a shown frame is carried (0: the whole chain)."""
    with open(os.path.join(pack_dir, "pack.json")) as f:
        return int(json.load(f).get("defaults", {}).get("referenceFrames", 0))


def reference_weight(i, span):
    """VideoPipeline.referenceWeight: the i-th frame after a shown one takes (span - i + 1) / span of the reference."""
    return 1.0 if span == 0 else max(0, span - i + 1) / span


def to_rgb(y):
    """[n,3,64,64] in [-1,1] -> uint8 [n,64,64,3], rounded and clamped as Latents.toRgb."""
    return torch.round((y + 1.0) * 127.5).clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).contiguous().numpy()


def sigmas(steps, shift):
    lin = np.array([1.0 - i / steps for i in range(steps + 1)], dtype=np.float64)
    return shift * lin / (1.0 + (shift - 1.0) * lin)


class Sampler:
    def __init__(self, den, dec, channels, tokens=None, ref_dec=None, ref_frames=0):
        """tokens: the prompt's token states [T,384] for a denoiser that takes them (its text_tokens input), else None;
        ref_dec: the pack's reference decoder (or None), carried ref_frames frames after a shown one."""
        self.den = den
        self.dec = dec
        self.ref_dec = ref_dec
        self.ref_frames = ref_frames
        self.c = channels
        self.tokens = tokens
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
        extra = token_inputs(self.tokens, 2 if guided else 1)
        for i in range(steps):
            s, sn = float(sig[i]), float(sig[i + 1])
            if guided:
                out = self.den(torch.cat([x, x]), torch.full((2,), np.float32(s)), text, cond_b, mask_b, *extra)
                xc, xu = out[:1], out[1:]
                x0 = xu + guidance * (xc - xu)
            else:
                x0 = self.den(x, torch.full((1,), np.float32(s)), text, cond_b, mask_b, *extra)
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
        rgb = to_rgb(torch.cat(parts))
        self.decode_s += time.perf_counter() - t0
        return rgb

    def decode_after(self, lat, frm, to, shown):
        """VideoPipeline.decodeAfter: frames [frm,to) of a window, each decoded after the one before it as shown
        (shown: frame frm-1 as uint8 [64,64,3], or None when nothing was shown before). Without a reference decoder, or
        with nothing shown before and a pack that fades the reference out, the plain decoder."""
        span = self.ref_frames
        if frm >= to or self.ref_dec is None or (span > 0 and shown is None):
            return self.decode(lat, frm, to)
        out, ref, f = [], shown, frm
        if ref is None:
            out.append(self.decode(lat, frm, frm + 1))
            ref, f = out[0][0], f + 1
        while f < to:
            weight = reference_weight(f - frm + 1, span)
            if weight <= 0:
                out.append(self.decode(lat, f, to))
                break
            ref = self._decode_with_reference(lat, f, f - 1, ref, weight)
            out.append(ref[None])
            f += 1
        return np.concatenate(out)

    def _decode_with_reference(self, lat, f, ref_frame, shown, weight):
        """Frame f decoded with frame ref_frame (its latent, and its pixels as shown) as reference; under weight 1 the
        mix with the plain decoder's frame, both clipped to [-1,1] first, as VideoPipeline.mix."""
        t0 = time.perf_counter()
        z = lat[:, f:f + 1].permute(1, 0, 2, 3).contiguous()
        zr = lat[:, ref_frame:ref_frame + 1].permute(1, 0, 2, 3).contiguous()
        px = torch.from_numpy(np.ascontiguousarray(shown)).permute(2, 0, 1)[None].float() / 127.5 - 1.0
        y = self.ref_dec(z, zr, px)
        if weight < 1:
            y = weight * y.clamp(-1, 1) + (1 - weight) * self.dec(z).clamp(-1, 1)
        rgb = to_rgb(y)[0]
        self.decode_s += time.perf_counter() - t0
        return rgb

    def clip(self, emb, steps, guidance, shift, frames, seed, context, anchor_colour):
        """VideoPipeline's text-to-video: one window, then forward windows keeping `context` latents."""
        c, k = self.c, context
        zeros = torch.zeros(c, WINDOW, LAT_H, LAT_W)
        lat = self.window(emb, steps, guidance, shift, zeros, np.zeros(WINDOW, bool), seed_for(seed, 0))
        out = [self.decode_after(lat, 0, min(frames, WINDOW), None)]
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
            out.append(self.decode_after(lat, k, k + take, out[-1][-1]))
            made += take
            prev = lat
        return np.concatenate(out)


# ------------------------------------------------------------------------------------------- helpers
def token_inputs(tokens, batch):
    """() for a denoiser without token inputs; else (text_tokens [batch,T,384], text_mask [batch,T]) as WindowSampler
    builds them: the prompt's states in row 0, and for guidance an unconditional row of zeros with an all-zero mask
    (the engine's blank negative prompt has no tokens)."""
    if tokens is None:
        return ()
    t = max(1, tokens.shape[0])
    st = torch.zeros(batch, t, tokens.shape[1])
    st[0, :tokens.shape[0]] = tokens
    mk = torch.zeros(batch, t)
    mk[0, :tokens.shape[0]] = 1.0
    return st, mk


def takes_tokens(den):
    return bool(getattr(den, "text_tokens", False))


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


def check_parity(den, dec, pack_dir, ref_dec=None):
    """Max abs difference between this torch model and the pack's parity outputs, per case output."""
    worst = {}
    models = (("denoiser.onnx", den), ("vae_decoder.onnx", dec)) + ((("vae_decoder_ref.onnx", ref_dec),) if ref_dec else ())
    for model_file, model in models:
        errs, _ = _parity_errors(model, pack_dir, model_file)
        worst.update({model_file + ":" + k: v for k, v in errs.items()})
    return worst


def serve(args):
    torch.set_num_threads(args.threads)
    den, dec, weights = load_models(args.pack, args.ckpt, args.ae)
    ref_dec, ref_desc = load_ref_decoder(args.pack, args.ref_ckpt)
    ref = (ref_dec, reference_frames(args.pack))
    weights += "; " + ref_desc
    print("reference weights: " + weights, file=sys.stderr)
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
                       "weights": weights, "vm_rss_kb": proc_status_kb("VmRSS")}
            elif op == "reset_peak":
                ans = {"reset": reset_peak_rss(), "vm_rss_kb": proc_status_kb("VmRSS")}
            elif op == "check":
                with torch.inference_mode():
                    ans = {"parity_max_abs": check_parity(den, dec, req["pack"], ref_dec)}
            elif op == "gemm":
                ans = gemm(int(req.get("n", 1024)), int(req.get("reps", 10)), args.threads)
            elif op == "generate":
                ans = generate(den, dec, req, ref)
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


def _example(den, c, frames, b, tokens):
    return (torch.zeros(b, c, frames, LAT_H, LAT_W), torch.full((b,), 0.5), torch.zeros(b, 384),
            torch.zeros(b, c, frames, LAT_H, LAT_W), torch.zeros(b, 1, frames, LAT_H, LAT_W)) + token_inputs(tokens, b)


def frozen(den, c, frames, guided, tokens=None):
    """TorchScript: traced for the window's shapes, frozen and optimize_for_inference'd (oneDNN weight prepacking,
    conv fusions): the fastest plain-PyTorch CPU path a researcher could reach for without rewriting the model."""
    b = 2 if guided else 1
    # a frozen trace belongs to one module's weights and one prompt length
    key = (id(den), b, frames, None if tokens is None else tokens.shape[0])
    if key not in _FROZEN:
        ex = _example(den, c, frames, b, tokens)
        with torch.no_grad():
            m = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(den, ex).eval()))
            m(*ex)
            m(*ex)
        _FROZEN[key] = m
    return _FROZEN[key]


_COMPILED = {}     # id(module) -> its torch.compile wrapper (one per module: inductor recompiles per shape itself)
_WARMED = set()    # (id(module), batch, frames) already run once, so their compile time is spent


def compiled(den, c, frames, guided, tokens=None):
    """torch.compile (inductor, default mode) of the same module, compiled and warmed for the window's shapes here
    so the compile time stays out of the measured runs."""
    b = 2 if guided else 1
    if id(den) not in _COMPILED:
        _COMPILED[id(den)] = torch.compile(den)
    m = _COMPILED[id(den)]
    key = (id(den), b, frames, None if tokens is None else tokens.shape[0])
    if key not in _WARMED:
        ex = _example(den, c, frames, b, tokens)
        with torch.inference_mode():
            m(*ex)
            m(*ex)
        _WARMED.add(key)
    return m


def generate(den, dec, req, ref=(None, 0)):
    """req["tokens"]: the prompt's token states [T][384], needed by a denoiser that takes them; ref: (the pack's
    reference decoder or None, its defaults.referenceFrames)."""
    emb = torch.tensor(req["embedding"], dtype=torch.float32)
    tokens = None
    if takes_tokens(den):
        if not req.get("tokens"):
            raise ValueError("this denoiser attends to the prompt's token states: the request needs 'tokens' ([T][384])")
        tokens = torch.tensor(req["tokens"], dtype=torch.float32).reshape(-1, emb.shape[0])
    from train.nets import LATENT_C
    c = LATENT_C
    if req.get("jit"):
        den = frozen(den, c, WINDOW, float(req["guidance"]) != 1.0, tokens)
    elif req.get("compile"):
        den = compiled(den, c, WINDOW, float(req["guidance"]) != 1.0, tokens)
    s = Sampler(den, dec, c, tokens, *ref)
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
    ap.add_argument("mode", choices=["serve", "once", "check", "gemm"])
    ap.add_argument("--pack", default=PACK, help="the pack whose weights and parity tensors are used (default: %(default)s)")
    ap.add_argument("--ckpt", help="denoiser weights from this checkpoint instead of the pack's denoiser.onnx"
                                   " (train_denoiser's ckpt.pt or train/checkpoints/tinyworld2.pt; `ema` weights)")
    ap.add_argument("--ae", help="decoder weights from this autoencoder checkpoint (ae_final.pt) instead of vae_decoder.onnx")
    ap.add_argument("--ref-ckpt", help="reference decoder weights from this train_decoder_ref checkpoint instead of vae_decoder_ref.onnx")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--frames", type=int, default=16)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--shift", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=1024)
    ap.add_argument("--jit", action="store_true", help="TorchScript frozen + optimize_for_inference instead of eager")
    ap.add_argument("--compile", action="store_true", help="torch.compile (inductor) instead of eager")
    a = ap.parse_args()
    if a.mode == "serve":
        serve(a)
    elif a.mode == "gemm":
        print(json.dumps(gemm(a.n, 10, a.threads)))
    elif a.mode == "check":
        torch.set_num_threads(a.threads)
        den, dec, weights = load_models(a.pack, a.ckpt, a.ae)
        ref_dec, ref_desc = load_ref_decoder(a.pack, a.ref_ckpt)
        print(json.dumps({"weights": weights + "; " + ref_desc, "parity_max_abs": check_parity(den, dec, a.pack, ref_dec)}, indent=1))
    else:
        torch.set_num_threads(a.threads)
        den, dec, _ = load_models(a.pack, a.ckpt, a.ae)
        ref = (load_ref_decoder(a.pack, a.ref_ckpt)[0], reference_frames(a.pack))
        g = torch.Generator().manual_seed(0)
        emb = torch.nn.functional.normalize(torch.randn(384, generator=g), dim=0)
        tokens = torch.randn(12, 384, generator=g)           # a prompt of 12 tokens, for a denoiser that takes them
        print(json.dumps(generate(den, dec, {"embedding": emb.tolist(), "tokens": tokens.tolist(), "steps": a.steps, "frames": a.frames,
                                            "guidance": a.guidance, "shift": a.shift, "seed": a.seed, "jit": a.jit,
                                            "compile": a.compile}, ref)))


if __name__ == "__main__":
    main()
