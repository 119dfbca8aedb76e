#!/usr/bin/env python3
"""Exports a diffusers LTX-Video 0.9.1 folder (an LTXPipeline with the timestep-conditioned VAE, e.g.
Lightricks/LTX-Video-0.9.1 converted by diffusers' scripts/convert_ltx_to_diffusers.py --version 0.9.1) to a
Kinora pack folder (pack.json "format 2", family "ltx-video-0.9.1", docs/pack-format-2.md):

    python tools/export/ltx_export.py /models/LTX-Video-0.9.1 /models/kinora/ltx-video-0.9.1 \
        --diffusers-src /tmp/diffusers/src --height 512 --width 768 --frames 121 --precision fp16

diffusers is not a dependency of Kinora and is never copied into this repository: pass the `src` folder of a
diffusers checkout with --diffusers-src or $DIFFUSERS_SRC. Needs torch 2.13 (dynamo ONNX exporter), transformers,
onnx, onnxscript, onnxruntime (its `transformers` optimizer), numpy. The graph passes, fp16 conversion, parity
check and manifest helpers are wan_export.py's.

What it writes:
  text_encoder/model.onnx   T5 encoder (TorchScript exporter, fp32): input_ids [B,S] int64 -> last_hidden_state
                            [B,S,D]. No attention_mask input: LTXPipeline calls the encoder on the 128 padded ids
                            WITHOUT a mask (the mask goes to the transformer's cross-attention only)
  transformer/model.onnx    LTXVideoTransformer3DModel, batch 1, tokens dynamic:
                              hidden_states [1,N,128] (packed latent tokens), encoder_hidden_states [1,128,D],
                              encoder_attention_mask [1,128] int64, timestep [1,N] float32 (one per token),
                              video_coords [1,3,N] float32 (RoPE coordinates) -> noise_pred [1,N,128]
                            Classifier-free guidance is two calls (cond, uncond). Per-token timesteps and explicit
                            coordinates cover text-to-video, image-to-video (t * (1 - mask)) and any token layout
                            with one graph
  vae_decoder/model.onnx    AutoencoderKLLTXVideo.decode for a FIXED window: latent_sample [1,128,L,h,w] (raw VAE
                            space, decode noise already mixed in), timestep [1] (decode_timestep), and one
                            decoder_noise_k [n_k,H_k,W_k] per group of noise-injecting resnets -> sample
                            [1,3,8L-7,32h,32w], NOT clamped (diffusers clamps (v + 1)/2 to [0, 1] afterwards)
  vae_encoder/model.onnx    AutoencoderKLLTXVideo._encode of ONE frame (the image of image-to-video):
                            sample [1,3,1,H,W] in [-1,1] -> latent_parameters [1,256,1,h,w] (moments: channels
                            0-127 mean, 128-255 log-variance, which this VAE shares across channels)
  tokenizer/tokenizer.json, scheduler/scheduler_config.json, model_index.json (verbatim), pack.json

The 0.9.1 decoder's noise injection (decoder_inject_noise) draws torch.randn(H, W) in each noisy resnet from
torch's GLOBAL generator (diffusers passes no generator to the decoder). An exported torch.randn would be ONNX
RandomNormal with ORT's own unseeded stream, so the export replaces every draw by a slice of an explicit input:
the engine fills those inputs from the request's seeded generator, and a reference can feed diffusers' draws.

Each graph is compared with torch on ORT (CPU) before the pack is written (--parity-tolerance; fp16 checked at
5e-2 and reported), the transformer at the pack's token count and at another one (dynamic axis).
"""
import argparse
import datetime
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import wan_export as common  # noqa: E402  (graph passes, fp16, parity and manifest helpers)

OPSET = common.OPSET
TEXT_LEN = 128
FAMILY = "ltx-video-0.9.1"


def log(msg):
    print(f"ltx_export: {msg}", file=sys.stderr, flush=True)


common.log = log


# ----------------------------------------------------------------------------------------------- torch wrappers

def rope_coordinates(latent_frames, h, w, frame_rate, s_t, s_s):
    """[1,3,L*h*w] float32 as LTXPipeline's rope_interpolation_scale path computes them before dividing by the
    RoPE base (20, 2048, 2048): frame f * (s_t / frame_rate), y * s_s, x * s_s, token order (f, y, x)."""
    import torch
    f, y, x = torch.meshgrid(torch.arange(latent_frames, dtype=torch.float32), torch.arange(h, dtype=torch.float32),
                             torch.arange(w, dtype=torch.float32), indexing="ij")
    coords = torch.stack([f * (s_t / frame_rate), y * s_s, x * s_s], 0)
    return coords.reshape(1, 3, -1)


def wrappers():
    import torch

    class TextEncoder(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids):
            return self.m(input_ids=input_ids).last_hidden_state

    class Transformer(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, hidden_states, encoder_hidden_states, encoder_attention_mask, timestep, video_coords):
            return self.m(hidden_states=hidden_states, encoder_hidden_states=encoder_hidden_states,
                          encoder_attention_mask=encoder_attention_mask, timestep=timestep,
                          video_coords=video_coords, return_dict=False)[0]

    class VaeEncoder(torch.nn.Module):
        def __init__(self, vae):
            super().__init__()
            self.vae = vae

        def forward(self, sample):
            return self.vae._encode(sample)

    return TextEncoder, Transformer, VaeEncoder


class _Randn:
    """Stands in for torch.randn inside the VAE decoder: records the shapes asked for (probe), or hands out the
    given tensors in call order (export and reference)."""

    def __init__(self, draws=None):
        self.draws = None if draws is None else list(draws)
        self.shapes = []

    def __call__(self, *size, generator=None, device=None, dtype=None, **kw):
        import torch
        shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list, torch.Size)) else tuple(size)
        self.shapes.append(tuple(int(s) for s in shape))
        if self.draws is None:
            return torch.zeros(shape, dtype=dtype or torch.float32)
        if not self.draws:
            raise RuntimeError("ltx_export: the decoder asked for more injected-noise draws than given")
        t = self.draws.pop(0)
        if tuple(t.shape) != self.shapes[-1]:
            raise RuntimeError(f"ltx_export: injected-noise draw {len(self.shapes) - 1} has shape {tuple(t.shape)}, "
                               f"the decoder asks for {self.shapes[-1]}")
        return t if dtype is None else t.to(dtype)


def run_with_randn(fn, randn):
    import torch
    orig = torch.randn
    torch.randn = randn
    try:
        return fn()
    finally:
        torch.randn = orig


def noise_groups(vae, latent_shape):
    """The decoder's torch.randn calls at this latent size, in order, grouped into runs of one shape:
    [(count, H, W), ...]. Empty for a decoder without noise injection (0.9.0, 0.9.5+)."""
    import torch
    rec = _Randn()
    with torch.no_grad():
        run_with_randn(lambda: vae.decode(torch.zeros(latent_shape), torch.zeros(latent_shape[0])
                                          if vae.config.timestep_conditioning else None), rec)
    groups = []
    for s in rec.shapes:
        if len(s) != 2:
            raise SystemExit(f"ltx_export: unexpected torch.randn{s} in the VAE decoder (expected spatial [H, W] draws)")
        if groups and tuple(groups[-1][1:]) == s:
            groups[-1][0] += 1
        else:
            groups.append([1, *s])
    return [tuple(g) for g in groups]


def decoder_module(vae, groups):
    """vae.decode(latent, timestep) with the injected noise taken from inputs: decoder_noise_k [count_k, H_k, W_k],
    row r of group k being the decoder's r-th draw of that shape run (draw order = forward order)."""
    import torch

    class VaeDecoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.vae = vae

        def forward(self, latent_sample, timestep, *noise):
            draws = [n[i] for n, g in zip(noise, groups) for i in range(g[0])]
            return run_with_randn(lambda: self.vae.decode(latent_sample, timestep, return_dict=False)[0], _Randn(draws))

    return VaeDecoder().eval()


# ----------------------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="diffusers LTX-Video 0.9.1 folder (model_index.json, transformer/, vae/, ...)")
    ap.add_argument("out", type=Path, help="pack folder to write (replaced)")
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--height", type=int, default=512, help="the pack's frame height (multiple of 32)")
    ap.add_argument("--width", type=int, default=768, help="the pack's frame width (multiple of 32)")
    ap.add_argument("--frames", type=int, default=121, help="frames per window, 8L-7: fixes the VAE decoder's L")
    ap.add_argument("--fps", type=float, default=25.0, help="frame_rate: scales the RoPE frame coordinate")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--guidance", type=float, default=3.0, help="LTXPipeline's default guidance_scale")
    ap.add_argument("--decode-timestep", type=float, default=0.05,
                    help="diffusers' LTX docs for timestep-aware VAEs (0.9.1+): decode_timestep 0.05")
    ap.add_argument("--decode-noise-scale", type=float, default=0.025, help="the same docs: decode_noise_scale 0.025")
    ap.add_argument("--precision", choices=["fp16", "fp32"], default="fp16",
                    help="the transformer's weights and arithmetic (inputs and outputs stay float32); the T5 encoder "
                         "and the VAE stay fp32 (T5 overflows float16 in its feed-forward activations)")
    ap.add_argument("--external-data-over-mb", type=float, default=256.0)
    ap.add_argument("--no-fusion", action="store_true", help="skip the attention rewrite and ORT's optimizer")
    ap.add_argument("--no-vae-encoder", action="store_true", help="no image-to-video (mode 'animate')")
    ap.add_argument("--parity-tolerance", type=float, default=1e-4, help="max |ORT - torch| for fp32 graphs")
    ap.add_argument("--id", default="ltx-video-0.9.1")
    ap.add_argument("--name", default="LTX-Video 0.9.1")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--license", default="LTX-Video 0.9.1 license (see the model card)")
    ap.add_argument("--description", default="LTX-Video 0.9.1 text/image-to-video, exported from diffusers by "
                                             "tools/export/ltx_export.py")
    args = ap.parse_args()

    if args.frames % 8 != 1 or args.height % 32 or args.width % 32:
        sys.exit("ltx_export: --frames must be 8L-7 (1, 9, 17, ..., 121, ...) and --height/--width multiples of 32")
    t_start = time.time()
    diffusers = common.import_diffusers(args.diffusers_src, "ltx_export")
    import onnx
    import onnxruntime
    import torch
    import transformers
    from diffusers import AutoencoderKLLTXVideo, LTXVideoTransformer3DModel
    from transformers import AutoConfig, T5EncoderModel

    model_dir = args.model
    index = json.loads((model_dir / "model_index.json").read_text())
    if index.get("_class_name") not in ("LTXPipeline", "LTXImageToVideoPipeline"):
        sys.exit(f"ltx_export: {model_dir} is a {index.get('_class_name')}; this tool exports LTXPipeline folders")
    sched_cfg = json.loads((model_dir / "scheduler/scheduler_config.json").read_text())
    if sched_cfg.get("_class_name") != "FlowMatchEulerDiscreteScheduler":
        sys.exit(f"ltx_export: scheduler {sched_cfg.get('_class_name')}; LTXPipeline runs FlowMatchEulerDiscreteScheduler")
    torch.manual_seed(0)
    TextEncoder, Transformer, VaeEncoder = wrappers()
    te_cfg = AutoConfig.from_pretrained(model_dir / "text_encoder")
    transformer = LTXVideoTransformer3DModel.from_pretrained(model_dir / "transformer", torch_dtype=torch.float32).eval()
    vae = AutoencoderKLLTXVideo.from_pretrained(model_dir / "vae", torch_dtype=torch.float32).eval()
    tcfg, vcfg = transformer.config, vae.config
    if not vcfg.timestep_conditioning:
        sys.exit("ltx_export: this VAE has no timestep conditioning (LTX-Video 0.9.0); family ltx-video-0.9.1 needs "
                 "the 0.9.1 decoder")
    if tcfg.patch_size != 1 or tcfg.patch_size_t != 1:
        sys.exit(f"ltx_export: transformer patch {tcfg.patch_size_t}x{tcfg.patch_size}; the family packs one token per latent voxel")
    if float(vcfg.scaling_factor) != 1.0:
        sys.exit(f"ltx_export: VAE scaling_factor {vcfg.scaling_factor}; every LTX-Video VAE has 1.0 and the pack's "
                 "latent.mean/std assume it")
    s_t, s_s = vae.temporal_compression_ratio, vae.spatial_compression_ratio
    C = vcfg.latent_channels
    L = (args.frames - 1) // s_t + 1
    lh, lw = args.height // s_s, args.width // s_s
    D = te_cfg.d_model
    heads, head_dim = tcfg.num_attention_heads, tcfg.attention_head_dim
    if tcfg.caption_channels != D or tcfg.in_channels != C:
        sys.exit(f"ltx_export: caption_channels {tcfg.caption_channels} vs T5 d_model {D}, in_channels {tcfg.in_channels} vs latent channels {C}")

    out = args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tmp = Path(tempfile.mkdtemp(prefix="ltx-export-"))
    report = {"fusions": {}, "parity": {}, "precision": {}, "seconds": {}}
    rng = np.random.default_rng(0)

    graphs = common.PackGraphs("ltx_export", out, args, report, attention=(heads, head_dim))
    finish = graphs.finish

    # 1. text encoder: input_ids only (see the docstring), dynamic batch and sequence (the pipeline pads to 128).
    # The TorchScript exporter, as for Wan's UMT5 (the dynamo exporter fails on transformers' T5 attention views).
    t0 = time.time()
    text_encoder = T5EncoderModel.from_pretrained(model_dir / "text_encoder", torch_dtype=torch.float32).eval()
    te = TextEncoder(text_encoder).eval()
    axes = {0: "batch", 1: "sequence"}
    common.export_graph(te, (torch.randint(0, te_cfg.vocab_size, (2, 16)),), tmp / "te.onnx", ["input_ids"],
                        ["last_hidden_state"], dynamic_axes={"input_ids": axes, "last_hidden_state": axes})

    def text_feeds(bsz, n):
        return {"input_ids": rng.integers(0, te_cfg.vocab_size, (bsz, n)).astype(np.int64)}
    te_model = finish("text_encoder", tmp / "te.onnx", "fp32", [text_feeds(1, TEXT_LEN), text_feeds(2, 7)], te)
    del te, text_encoder
    gc.collect()
    report["seconds"]["text_encoder"] = round(time.time() - t0, 1)

    # 2. transformer: batch 1, tokens N dynamic. With a dynamic batch too, torch.export fails ("The size of tensor a
    # (s87) must match the size of tensor b ((s78//s47)) at non-singleton dimension 2", torch 2.13, measured on
    # ltx-tiny): the guidance pair runs as two calls.
    t0 = time.time()
    tr = Transformer(transformer).eval()
    N = torch.export.Dim("tokens", min=2, max=1 << 20)
    n0 = L * lh * lw
    mask = torch.ones(1, TEXT_LEN, dtype=torch.int64)
    mask[:, 9:] = 0
    example = (torch.randn(1, 2 * 3 * 4, C), torch.randn(1, TEXT_LEN, D), mask, torch.full((1, 24), 900.0),
               rope_coordinates(2, 3, 4, args.fps, s_t, s_s))
    common.export_graph(tr, example, tmp / "tr.onnx",
                        ["hidden_states", "encoder_hidden_states", "encoder_attention_mask", "timestep", "video_coords"],
                        ["noise_pred"], {"hidden_states": {1: N}, "encoder_hidden_states": None,
                                         "encoder_attention_mask": None, "timestep": {1: N}, "video_coords": {2: N}})

    def tr_feeds(f, h, w, n_text, conditioned):
        n = f * h * w
        m = np.zeros((1, TEXT_LEN), np.int64)
        m[0, :n_text] = 1
        t = np.full((1, n), 923.5, np.float32)
        t[0, :conditioned] = 0.0  # image-to-video: the first latent frame's tokens at t = 0
        return {"hidden_states": rng.standard_normal((1, n, C)).astype(np.float32),
                "encoder_hidden_states": rng.standard_normal((1, TEXT_LEN, D)).astype(np.float32),
                "encoder_attention_mask": m, "timestep": t,
                "video_coords": rope_coordinates(f, h, w, args.fps, s_t, s_s).numpy()}
    tr_checks = [tr_feeds(L, lh, lw, 12, lh * lw)] if n0 <= 8192 else []
    tr_checks.append(tr_feeds(2, 3, 5, 1, 0))
    tr_model = finish("transformer", tmp / "tr.onnx", args.precision, tr_checks, tr, fuse=True)
    del tr, transformer
    gc.collect()
    report["seconds"]["transformer"] = round(time.time() - t0, 1)

    # 3. VAE decoder at a fixed window (it is not causal: every frame depends on every latent frame).
    t0 = time.time()
    latent_shape = (1, C, L, lh, lw)
    groups = noise_groups(vae, latent_shape)
    noise_names = [f"decoder_noise_{k}" for k in range(len(groups))]
    log(f"vae_decoder: {sum(g[0] for g in groups)} injected-noise draws in {len(groups)} groups {groups}")
    dec = decoder_module(vae, groups)

    def dec_feeds(scale_t):
        feeds = {"latent_sample": (rng.standard_normal(latent_shape) * 1.5).astype(np.float32),
                 "timestep": np.array([scale_t], np.float32)}
        for name, g in zip(noise_names, groups):
            feeds[name] = rng.standard_normal(g).astype(np.float32)
        return feeds
    ex = dec_feeds(0.05)
    common.export_graph(dec, tuple(torch.from_numpy(v) for v in ex.values()), tmp / "dec.onnx",
                        ["latent_sample", "timestep"] + noise_names, ["sample"])
    dec_model = finish("vae_decoder", tmp / "dec.onnx", "fp32", [dec_feeds(0.05), dec_feeds(0.7)], dec)
    report["seconds"]["vae_decoder"] = round(time.time() - t0, 1)

    # 4. VAE encoder for one frame (the image of image-to-video).
    enc_model = None
    if not args.no_vae_encoder:
        t0 = time.time()
        enc = VaeEncoder(vae).eval()
        common.export_graph(enc, (torch.rand(1, 3, 1, args.height, args.width) * 2 - 1,), tmp / "enc.onnx",
                            ["sample"], ["latent_parameters"])
        enc_feeds = [{"sample": (rng.random((1, 3, 1, args.height, args.width)) * 2 - 1).astype(np.float32)}]
        enc_model = finish("vae_encoder", tmp / "enc.onnx", "fp32", enc_feeds, enc)
        report["seconds"]["vae_encoder"] = round(time.time() - t0, 1)
    shutil.rmtree(tmp, ignore_errors=True)

    # 5. verbatim files
    (out / "tokenizer").mkdir()
    shutil.copy(model_dir / "tokenizer/tokenizer.json", out / "tokenizer/tokenizer.json")
    (out / "scheduler").mkdir()
    shutil.copy(model_dir / "scheduler/scheduler_config.json", out / "scheduler/scheduler_config.json")
    shutil.copy(model_dir / "model_index.json", out / "model_index.json")
    tok = json.loads((out / "tokenizer/tokenizer.json").read_text())
    added = {t["content"]: t["id"] for t in tok.get("added_tokens", [])}

    # 6. manifest
    onnx_component = graphs.component

    components = {
        "text_encoder": onnx_component("text_encoder", te_model, {"input_ids": "input_ids", "last_hidden_state": "hidden_states"}),
        "tokenizer": common.file_entry(out, "tokenizer/tokenizer.json"),
        "denoiser": onnx_component("transformer", tr_model, {
            "hidden_states": "sample", "encoder_hidden_states": "text_embeds", "encoder_attention_mask": "text_mask",
            "timestep": "timestep", "video_coords": "coordinates", "noise_pred": "prediction"}),
        "vae_decoder": onnx_component("vae_decoder", dec_model, {"latent_sample": "latent", "timestep": "decode_timestep",
                                                                "sample": "sample", **{n: "decode_noise" for n in noise_names}}),
    }
    components["denoiser"]["layout"] = "BNC"
    components["vae_decoder"]["layout"] = "BCFHW"
    if enc_model is not None:
        components["vae_encoder"] = onnx_component("vae_encoder", enc_model, {"sample": "sample", "latent_parameters": "latent"})
        components["vae_encoder"]["layout"] = "BCFHW"
    components["scheduler"] = common.file_entry(out, "scheduler/scheduler_config.json")
    components["model_index"] = common.file_entry(out, "model_index.json")

    manifest = {
        "format": 2,
        "layout": "diffusers",
        "family": FAMILY,
        "id": args.id, "name": args.name, "version": args.version, "license": args.license,
        "description": args.description,
        # animate = diffusers' LTXImageToVideoPipeline (the image replaces latent frame 0's tokens)
        "modes": ["generate"] + ([] if args.no_vae_encoder else ["animate"]),
        "width": args.width, "height": args.height, "frames": args.frames, "fps": args.fps,
        "latent": {"channels": C, "frames": L, "height": lh, "width": lw, "spatialStride": s_s, "temporalStride": s_t,
                   "temporal": "causal", "multipleOf": [1, 1, 1],
                   "mean": [float(v) for v in vae.latents_mean], "std": [float(v) for v in vae.latents_std],
                   "statistics": "vae.latents_mean/latents_std buffers (diffusion_pytorch_model.safetensors)"},
        "tokens": {"order": "FHW", "patch": [tcfg.patch_size_t, tcfg.patch_size, tcfg.patch_size], "features": C},
        "coordinates": {"input": "video_coords", "scale": [s_t, s_s, s_s], "frameRateDivides": "frame",
                        "causalOffset": False, "ropeBase": [20, 2048, 2048]},
        "prediction": "flow_prediction",
        "defaults": {"steps": args.steps, "guidance": args.guidance, "guidanceRescale": 0.0, "frameRate": args.fps,
                     "decodeTimestep": args.decode_timestep, "decodeNoiseScale": args.decode_noise_scale},
        "scheduler": {"pipelineSigmas": True, "dynamicShiftTokens": "L*h*w"},
        "text": {"maxTokens": TEXT_LEN, "pooling": "none", "dim": D, "padding": "max_length", "truncation": True,
                 "padTokenId": added.get("<pad>"), "eosTokenId": added.get("</s>"), "clean": "none",
                 "zeroPadded": False, "encoderMask": False, "denoiserMask": True, "negative": "encode"},
        "timestep": {"perToken": True, "conditioned": "t*(1-mask)"},
        "conditioning": {"kind": "tokenReplace", "latentFrames": [0], "sample": "posterior"},
        "vae": {"kind": "ltx3d", "latentFrames": L, "frames": args.frames, "decode": "window", "causalDecode": False,
                "decodeTimestep": True, "decodeNoise": "latent",
                "injectNoise": [{"input": n, "draws": g[0], "height": g[1], "width": g[2]} for n, g in zip(noise_names, groups)],
                "encode": "image", "encodeFrames": 1, "encodeOutput": "moments", "pixelRange": [-1.0, 1.0],
                "clamped": False},
        "components": components,
        "extraFiles": [common.file_entry(out, str(p.relative_to(out))) for p in graphs.extra],
    }

    git_rev = None
    src = Path(diffusers.__file__).resolve().parents[2]
    if (src / ".git").exists():
        git_rev = os.popen(f"git -C {src} rev-parse HEAD 2>/dev/null").read().strip() or None
    report["seconds"]["total"] = round(time.time() - t_start, 1)
    report.update({
        "tool": "tools/export/ltx_export.py",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
        "versions": {"diffusers": diffusers.__version__, "diffusers_commit": git_rev, "torch": torch.__version__,
                     "transformers": transformers.__version__, "onnx": onnx.__version__,
                     "onnxruntime": onnxruntime.__version__},
        "opset": OPSET, "parityTolerance": args.parity_tolerance,
        "source": {"transformer": {k: v for k, v in dict(tcfg).items() if not k.startswith("_")},  # no local paths
                   "vae": {k: v for k, v in dict(vcfg).items() if not k.startswith("_")},
                   "text_encoder": {k: getattr(te_cfg, k) for k in
                                    ("d_model", "d_kv", "d_ff", "num_layers", "num_heads", "vocab_size",
                                     "relative_attention_num_buckets", "relative_attention_max_distance",
                                     "feed_forward_proj")}},
    })
    manifest["export"] = json.loads(json.dumps(report, default=str))
    (out / "pack.json").write_text(json.dumps(manifest, indent=2) + "\n")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"wrote {out} ({total / 1e6:.2f} MB) in {time.time() - t_start:.0f} s")


if __name__ == "__main__":
    main()
