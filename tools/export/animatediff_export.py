#!/usr/bin/env python3
"""Exports a diffusers AnimateDiff folder (an AnimateDiffPipeline: a Stable Diffusion 1.5 model with a motion
adapter, e.g. guoyww/animatediff-motion-adapter-v1-5-2 on runwayml/stable-diffusion-v1-5) to a Kinora pack folder
(pack.json "format 2", family "animatediff-sd15", docs/pack-format-2.md):

    python tools/export/animatediff_export.py /models/animatediff-sd15 /models/kinora/animatediff-sd15 \
        --diffusers-src /tmp/diffusers/src --height 512 --width 512 --frames 16 --precision fp16

The folder is what AnimateDiffPipeline.save_pretrained writes (unet/ a UNetMotionModel), or an SD 1.5 folder whose
unet/ is a UNet2DConditionModel with --motion-adapter <MotionAdapter folder> (joined by UNetMotionModel.from_unet2d,
as AnimateDiffPipeline does). diffusers is not a dependency of Kinora and is never copied into this repository: pass
the `src` folder of a diffusers checkout with --diffusers-src or $DIFFUSERS_SRC. Needs torch 2.13 (dynamo ONNX
exporter), transformers, onnx, onnxscript, onnxruntime, numpy. The graph passes, fp16 conversion, parity check and
manifest helpers are wan_export.py's; --store-fp16-weights is svd_export.py's.

What it writes:
  text_encoder/model.onnx  CLIPTextModel: input_ids [B,77] int64 -> last_hidden_state [B,77,D] (no attention mask:
                           the pipeline passes none; CLIP's causal attention keeps a token's state independent of the
                           pads after it). B dynamic
  unet/model.onnx          UNetMotionModel, channel-major: sample [B,4,F,h,w], timestep [1] float32 (DDIM's integer
                           timestep; the UNet casts it to float for its sinusoid anyway), encoder_hidden_states [B,77,D]
                           -> noise_pred [B,4,F,h,w] (epsilon). B and F dynamic. diffusers' pipeline repeats the text
                           states per frame itself ([B*F,77,D]); the graph does that repeat_interleave inside, so the
                           pack's input is one [B,77,D] per video. Guidance: two batch-1 calls or one batch of 2
  vae_decoder/model.onnx   AutoencoderKL.decode: latent_sample [N,4,h,w] (latents * (1/scaling_factor), frames on the
                           batch axis) -> sample [N,3,H,W] in [-1,1], NOT clamped. N dynamic: a 2D VAE decodes each
                           frame on its own
  tokenizer/tokenizer.json, scheduler/scheduler_config.json, model_index.json (verbatim), pack.json; an SD 1.5 folder's
  tokenizer/ has only vocab.json + merges.txt: tokenizer.json is then made from them by transformers' CLIPTokenizer
No VAE encoder: text-to-video only (AnimateDiffVideoToVideoPipeline would need it; not exported).

--store-fp16-weights stores float weights as float16 initialisers with a Cast to float32 (arithmetic stays float32)
where float16 holds them exactly (make_tiny_animatediff.py rounds its tiny model's weights so); the option never
changes a value. Each graph is compared with torch on ORT (CPU) before the pack is written (--parity-tolerance; fp16
checked at 5e-2 and reported), at two batch sizes / frame counts (dynamic axes); any graph above tolerance stops the
export before pack.json is written.
"""
import argparse
import contextlib
import datetime
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
FAMILY = "animatediff-sd15"
TEXT_LEN = 77


def log(msg):
    print(f"animatediff_export: {msg}", file=sys.stderr, flush=True)


common.log = log


def wrappers():
    import torch

    class TextEncoder(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids):
            return self.m(input_ids=input_ids).last_hidden_state

    class Unet(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, sample, timestep, encoder_hidden_states):
            # AnimateDiffPipeline: prompt_embeds.repeat_interleave(repeats=num_frames, dim=0) before the UNet
            with exact_repeat_interleave():
                states = encoder_hidden_states.repeat_interleave(sample.shape[2], dim=0)
                return self.m(sample, timestep, encoder_hidden_states=states, return_dict=False)[0]

    class VaeDecoder(torch.nn.Module):
        def __init__(self, vae):
            super().__init__()
            self.vae = vae

        def forward(self, latent_sample):
            return self.vae.decode(latent_sample).sample

    return TextEncoder, Unet, VaeDecoder


@contextlib.contextmanager
def exact_repeat_interleave():
    """torch 2.13's ONNX decomposition of repeat_interleave(n, dim=0) with a symbolic n (the frame count) expands
    [B,1,...] to [n,1,...] -- right only for B = 1: ORT then fails on a batch of 2 ("invalid expand shape"). While
    tracing, an integer count is done as unsqueeze / expand / reshape, the same copy (each row n times in a row); the
    parity check compares the result with diffusers' own call at batch 1 and 2."""
    import torch
    orig = torch.Tensor.repeat_interleave

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        if dim is None or torch.is_tensor(repeats):
            return orig(self, repeats, dim, output_size=output_size)
        d = dim % self.dim()
        shape = list(self.shape)
        x = self.unsqueeze(d + 1).expand(*shape[:d + 1], repeats, *shape[d + 1:])
        return x.reshape(*shape[:d], shape[d] * repeats, *shape[d + 1:])
    torch.Tensor.repeat_interleave = repeat_interleave
    try:
        yield
    finally:
        torch.Tensor.repeat_interleave = orig


def tokenizer_json(folder):
    """The folder's tokenizer.json verbatim; SD 1.5's tokenizer/ has only vocab.json + merges.txt, which transformers'
    CLIPTokenizer turns into the same byte-level BPE pipeline (then saved without padding or truncation, as the pipeline
    asks for both per call)."""
    if (folder / "tokenizer.json").is_file():
        return (folder / "tokenizer.json").read_text(encoding="utf-8")
    if not (folder / "vocab.json").is_file() or not (folder / "merges.txt").is_file():
        sys.exit(f"animatediff_export: {folder} has neither tokenizer.json nor CLIP's vocab.json + merges.txt")
    from transformers import CLIPTokenizer
    tok = CLIPTokenizer.from_pretrained(folder)
    backend = tok.backend_tokenizer
    backend.no_truncation()
    backend.no_padding()
    log(f"tokenizer.json made from {folder}/vocab.json + merges.txt ({len(tok)} tokens)")
    return backend.to_str(pretty=True)


def load_unet(model_dir, adapter_dir, torch):
    from diffusers import MotionAdapter, UNet2DConditionModel, UNetMotionModel
    cls = json.loads((model_dir / "unet/config.json").read_text()).get("_class_name")
    if cls == "UNetMotionModel":
        if adapter_dir:
            sys.exit("animatediff_export: unet/ is already a UNetMotionModel; leave --motion-adapter out")
        return UNetMotionModel.from_pretrained(model_dir / "unet", torch_dtype=torch.float32).eval()
    if cls != "UNet2DConditionModel":
        sys.exit(f"animatediff_export: unet/ is a {cls}; expected UNetMotionModel or UNet2DConditionModel + --motion-adapter")
    adapter_dir = adapter_dir or (model_dir / "motion_adapter" if (model_dir / "motion_adapter/config.json").exists() else None)
    if adapter_dir is None:
        sys.exit("animatediff_export: unet/ is a plain UNet2DConditionModel; give the motion module with --motion-adapter")
    unet2d = UNet2DConditionModel.from_pretrained(model_dir / "unet", torch_dtype=torch.float32)
    adapter = MotionAdapter.from_pretrained(adapter_dir, torch_dtype=torch.float32)
    return UNetMotionModel.from_unet2d(unet2d, adapter).eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="diffusers AnimateDiff folder (model_index.json, unet/, vae/, text_encoder/, ...)")
    ap.add_argument("out", type=Path, help="pack folder to write (replaced)")
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--motion-adapter", type=Path, help="a MotionAdapter folder, when unet/ is SD 1.5's UNet2DConditionModel")
    ap.add_argument("--height", type=int, default=512, help="the pack's frame height (multiple of 8; SD 1.5: 512)")
    ap.add_argument("--width", type=int, default=512, help="the pack's frame width (multiple of 8; SD 1.5: 512)")
    ap.add_argument("--frames", type=int, default=16, help="frames per clip (the motion module was trained on 16)")
    ap.add_argument("--fps", type=float, default=8.0, help="AnimateDiff's examples save at 8 fps")
    ap.add_argument("--steps", type=int, default=None, help="default steps (25; 6 for an LCMScheduler pipeline)")
    ap.add_argument("--guidance", type=float, default=None, help="default guidance (7.5; 1.5 for an LCMScheduler pipeline)")
    ap.add_argument("--decode-chunk-size", type=int, default=16, help="frames per decoder call (diffusers' default 16; a "
                                                                       "2D VAE gives the same frames for any chunk)")
    ap.add_argument("--precision", choices=["fp16", "fp32"], default="fp16",
                    help="the UNet's weights and arithmetic (inputs and outputs stay float32); the CLIP text encoder and "
                         "the VAE decoder stay fp32")
    ap.add_argument("--store-fp16-weights", action="store_true",
                    help="fixtures: store float16-representable fp32 weights as float16 (see the docstring)")
    ap.add_argument("--external-data-over-mb", type=float, default=256.0)
    ap.add_argument("--parity-tolerance", type=float, default=1e-4, help="max |ORT - torch| for fp32 graphs")
    ap.add_argument("--id", default="animatediff-sd15")
    ap.add_argument("--name", default="AnimateDiff (SD 1.5)")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--license", default="CreativeML Open RAIL-M (SD 1.5) + Apache-2.0 (motion module); see the model cards")
    ap.add_argument("--description", default="AnimateDiff text-to-video (Stable Diffusion 1.5 + motion module), exported "
                                             "from diffusers by tools/export/animatediff_export.py")
    args = ap.parse_args()

    if args.height % 8 or args.width % 8:
        sys.exit("animatediff_export: --height/--width must be multiples of 8 (AnimateDiffPipeline.check_inputs)")
    t_start = time.time()
    diffusers = common.import_diffusers(args.diffusers_src, "animatediff_export")
    import onnx
    import onnxruntime
    import torch
    import transformers
    from diffusers import AutoencoderKL
    from transformers import CLIPTextModel

    model_dir = args.model
    index = json.loads((model_dir / "model_index.json").read_text())
    if index.get("_class_name") not in ("AnimateDiffPipeline", "StableDiffusionPipeline"):
        sys.exit(f"animatediff_export: {model_dir} is a {index.get('_class_name')}; this tool exports AnimateDiffPipeline "
                 "folders (or an SD 1.5 folder with --motion-adapter)")
    sched_cfg = json.loads((model_dir / "scheduler/scheduler_config.json").read_text())
    # The DDPM schedulers Kinora runs exactly (docs/engine.md): AnimateDiff's DDIM, AnimateLCM's LCM, and the
    # DPM-Solver / Euler samplers a pipeline may have been saved with. The pack samples with its own by default.
    exact = ("DDIMScheduler", "LCMScheduler", "DPMSolverMultistepScheduler", "EulerDiscreteScheduler",
             "EulerAncestralDiscreteScheduler")
    if sched_cfg.get("_class_name") not in exact:
        sys.exit(f"animatediff_export: scheduler {sched_cfg.get('_class_name')}; Kinora runs {', '.join(exact)} exactly. "
                 "AnimateDiff samples with DDIMScheduler (guoyww/AnimateDiff's noise_scheduler_kwargs: linear betas "
                 "0.00085-0.012, steps_offset 1, clip_sample false), AnimateLCM with LCMScheduler (linear betas); save the "
                 "pipeline with one of them first")
    # AnimateLCM samples in 4-8 steps at guidance 1-2; 25 steps at 7.5 would burn its frames
    lcm = sched_cfg.get("_class_name") == "LCMScheduler"
    if args.steps is None:
        args.steps = 6 if lcm else 25
    if args.guidance is None:
        args.guidance = 1.5 if lcm else 7.5
    if sched_cfg.get("use_flow_sigmas") or sched_cfg.get("timestep_type") == "continuous":
        sys.exit("animatediff_export: the scheduler config uses flow sigmas or continuous timesteps; SD 1.5's UNet takes "
                 "discrete DDPM timesteps")
    if sched_cfg.get("prediction_type", "epsilon") != "epsilon":
        sys.exit(f"animatediff_export: prediction_type {sched_cfg.get('prediction_type')}; SD 1.5 predicts epsilon")
    torch.manual_seed(0)
    TextEncoder, Unet, VaeDecoder = wrappers()
    text_encoder = CLIPTextModel.from_pretrained(model_dir / "text_encoder", torch_dtype=torch.float32).eval()
    unet = load_unet(model_dir, args.motion_adapter, torch)
    vae = AutoencoderKL.from_pretrained(model_dir / "vae", torch_dtype=torch.float32).eval()
    ucfg, vcfg, tcfg = unet.config, vae.config, text_encoder.config
    frames = args.frames
    s = 2 ** (len(vcfg.block_out_channels) - 1)  # the pipeline's vae_scale_factor
    C = vcfg.latent_channels
    lh, lw = args.height // s, args.width // s
    D = tcfg.hidden_size
    down = 2 ** (len(ucfg.block_out_channels) - 1)
    if lh % down or lw % down:
        sys.exit(f"animatediff_export: the latent {lh}x{lw} must be a multiple of {down} (the UNet's downsamplings)")
    if ucfg.in_channels != C or ucfg.out_channels != C:
        sys.exit(f"animatediff_export: unet in/out channels {ucfg.in_channels}/{ucfg.out_channels} != the VAE's {C} latent channels")
    if ucfg.cross_attention_dim != D:
        sys.exit(f"animatediff_export: unet cross_attention_dim {ucfg.cross_attention_dim} != CLIP hidden_size {D}")
    if tcfg.max_position_embeddings < TEXT_LEN:
        sys.exit(f"animatediff_export: the text encoder has {tcfg.max_position_embeddings} positions; SD's pipeline pads to 77")
    if frames > ucfg.motion_max_seq_length:
        sys.exit(f"animatediff_export: {frames} frames exceed the motion module's {ucfg.motion_max_seq_length} positions")
    tok_text = tokenizer_json(model_dir / "tokenizer")
    tok = json.loads(tok_text)
    added = {t["content"]: t["id"] for t in tok.get("added_tokens", [])}
    tok_cfg = json.loads((model_dir / "tokenizer/tokenizer_config.json").read_text())
    pad_token = tok_cfg.get("pad_token", "<|endoftext|>")
    pad_token = pad_token.get("content") if isinstance(pad_token, dict) else pad_token
    if pad_token not in added or "<|endoftext|>" not in added or "<|startoftext|>" not in added:
        sys.exit(f"animatediff_export: tokenizer.json lacks CLIP's <|startoftext|>/<|endoftext|> or the pad token {pad_token}")
    if int(tok_cfg.get("model_max_length", TEXT_LEN)) != TEXT_LEN:
        sys.exit(f"animatediff_export: tokenizer model_max_length {tok_cfg.get('model_max_length')}; SD 1.5's is 77")

    out = args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tmp = Path(tempfile.mkdtemp(prefix="animatediff-export-"))
    report = {"parity": {}, "precision": {}, "seconds": {}, "fp16StoredWeights": {}}
    rng = np.random.default_rng(0)

    graphs = common.PackGraphs("animatediff_export", out, args, report)
    finish = graphs.finish

    # 1. text encoder: ids padded to 77, batch dynamic (the prompt and the negative prompt: 1 or 2).
    t0 = time.time()
    te = TextEncoder(text_encoder).eval()
    B = torch.export.Dim("batch", min=1, max=64)
    common.export_graph(te, (torch.randint(0, tcfg.vocab_size, (2, TEXT_LEN)),), tmp / "te.onnx", ["input_ids"],
                        ["last_hidden_state"], {"input_ids": {0: B}})

    def text_feeds(bsz):
        ids = rng.integers(0, tcfg.vocab_size, (bsz, TEXT_LEN)).astype(np.int64)
        ids[:, 0] = added["<|startoftext|>"]
        ids[-1, 9:] = added[pad_token]  # a short prompt: the end token, then pads
        return {"input_ids": ids}
    te_model = finish("text_encoder", tmp / "te.onnx", "fp32", [text_feeds(2), text_feeds(1)], te)
    report["seconds"]["text_encoder"] = round(time.time() - t0, 1)

    # 2. UNet: batch and frames dynamic, latent size fixed by the pack.
    t0 = time.time()
    un = Unet(unet).eval()
    Fd = torch.export.Dim("frames", min=2, max=int(ucfg.motion_max_seq_length))
    example = (torch.randn(2, C, 3, lh, lw), torch.tensor([501.0]), torch.randn(2, TEXT_LEN, D))
    common.export_graph(un, example, tmp / "unet.onnx", ["sample", "timestep", "encoder_hidden_states"], ["noise_pred"],
                        {"sample": {0: B, 2: Fd}, "timestep": None, "encoder_hidden_states": {0: B}})

    def unet_feeds(bsz, f, t):
        return {"sample": rng.standard_normal((bsz, C, f, lh, lw)).astype(np.float32),
                "timestep": np.array([t], np.float32),
                "encoder_hidden_states": rng.standard_normal((bsz, TEXT_LEN, D)).astype(np.float32)}
    def diffusers_unet(sample, timestep, states):
        # the reference side runs diffusers' own code, unpatched, with the pipeline's per-frame repeat
        return unet(sample, timestep, encoder_hidden_states=states.repeat_interleave(sample.shape[2], dim=0)).sample
    unet_model = finish("unet", tmp / "unet.onnx", args.precision,
                        [unet_feeds(1, frames, 981.0), unet_feeds(2, frames, 1.0), unet_feeds(1, 5, 501.0)], diffusers_unet)
    report["seconds"]["unet"] = round(time.time() - t0, 1)

    # 3. VAE decoder: N frames per call, N dynamic (one frame, a chunk, the last chunk).
    chunk = min(args.decode_chunk_size, frames)
    t0 = time.time()
    dec = VaeDecoder(vae).eval()
    N = torch.export.Dim("chunk_frames", min=1, max=128)
    common.export_graph(dec, (torch.randn(3, C, lh, lw) / vcfg.scaling_factor,), tmp / "dec.onnx", ["latent_sample"],
                        ["sample"], {"latent_sample": {0: N}})

    def dec_feeds(n):
        return {"latent_sample": (rng.standard_normal((n, C, lh, lw)) / vcfg.scaling_factor).astype(np.float32)}
    dec_model = finish("vae_decoder", tmp / "dec.onnx", "fp32", [dec_feeds(n) for n in sorted({1, chunk, frames % chunk or chunk})], dec)
    report["seconds"]["vae_decoder"] = round(time.time() - t0, 1)
    shutil.rmtree(tmp, ignore_errors=True)

    # 4. verbatim files
    (out / "tokenizer").mkdir()
    (out / "tokenizer/tokenizer.json").write_text(tok_text, encoding="utf-8")
    (out / "scheduler").mkdir()
    shutil.copy(model_dir / "scheduler/scheduler_config.json", out / "scheduler/scheduler_config.json")
    shutil.copy(model_dir / "model_index.json", out / "model_index.json")

    # 5. manifest
    onnx_component = graphs.component

    components = {
        "text_encoder": onnx_component("text_encoder", te_model, {"input_ids": "input_ids", "last_hidden_state": "hidden_states"}),
        "tokenizer": common.file_entry(out, "tokenizer/tokenizer.json"),
        "denoiser": onnx_component("unet", unet_model, {"sample": "sample", "timestep": "timestep",
                                                        "encoder_hidden_states": "text_embeds", "noise_pred": "prediction"}),
        "vae_decoder": onnx_component("vae_decoder", dec_model, {"latent_sample": "latent", "sample": "sample"}),
    }
    components["denoiser"]["layout"] = "BCFHW"
    components["vae_decoder"]["layout"] = "NCHW"
    components["scheduler"] = common.file_entry(out, "scheduler/scheduler_config.json")
    components["model_index"] = common.file_entry(out, "model_index.json")

    manifest = {
        "format": 2,
        "layout": "diffusers",
        "family": FAMILY,
        "id": args.id, "name": args.name, "version": args.version, "license": args.license,
        "description": args.description,
        "modes": ["generate"],  # one window of text-to-video; no VAE encoder, no extension
        "width": args.width, "height": args.height, "frames": frames, "fps": args.fps,
        "latent": {"channels": C, "frames": frames, "height": lh, "width": lw, "spatialStride": s, "temporalStride": 1,
                   "temporal": "none", "order": "CFHW", "scalingFactor": float(vcfg.scaling_factor)},
        "prediction": sched_cfg.get("prediction_type", "epsilon"),
        "defaults": {"steps": args.steps, "guidance": args.guidance, "decodeChunkSize": args.decode_chunk_size},
        "text": {"maxTokens": TEXT_LEN, "pooling": "none", "dim": D, "padding": "max_length", "truncation": True,
                 "padTokenId": added[pad_token], "bosTokenId": added["<|startoftext|>"], "eosTokenId": added["<|endoftext|>"],
                 "clean": "none", "zeroPadded": False, "encoderMask": False, "negative": "encode"},
        "unet": {"textStates": "perVideo", "repeatPerFrame": "inGraph", "timestep": "float32[1]",
                 "maxFrames": int(ucfg.motion_max_seq_length)},
        "guidance": {"kind": "cfg", "calls": 2},
        "vae": {"kind": "image2d", "decode": "perFrame", "chunkFrames": min(args.decode_chunk_size, frames),
                "input": "latents*(1/scalingFactor)", "pixelRange": [-1.0, 1.0], "clamped": False},
        "components": components,
        "extraFiles": [common.file_entry(out, str(p.relative_to(out))) for p in graphs.extra],
    }

    git_rev = None
    src = Path(diffusers.__file__).resolve().parents[2]
    if (src / ".git").exists():
        git_rev = os.popen(f"git -C {src} rev-parse HEAD 2>/dev/null").read().strip() or None
    report["seconds"]["total"] = round(time.time() - t_start, 1)
    report.update({
        "tool": "tools/export/animatediff_export.py",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
        "versions": {"diffusers": diffusers.__version__, "diffusers_commit": git_rev, "torch": torch.__version__,
                     "transformers": transformers.__version__, "onnx": onnx.__version__,
                     "onnxruntime": onnxruntime.__version__},
        "opset": OPSET, "parityTolerance": args.parity_tolerance,
        "source": {"unet": {k: v for k, v in dict(ucfg).items() if not k.startswith("_")},
                   "vae": {k: v for k, v in dict(vcfg).items() if not k.startswith("_")},
                   "text_encoder": {k: getattr(tcfg, k) for k in
                                    ("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                                     "max_position_embeddings", "vocab_size", "hidden_act")}},
    })
    manifest["export"] = json.loads(json.dumps(report, default=str))
    (out / "pack.json").write_text(json.dumps(manifest, indent=2) + "\n")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"wrote {out} ({total / 1e6:.2f} MB) in {time.time() - t_start:.0f} s")


if __name__ == "__main__":
    main()
