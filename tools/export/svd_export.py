#!/usr/bin/env python3
"""Exports a diffusers Stable Video Diffusion folder (a StableVideoDiffusionPipeline, e.g.
stabilityai/stable-video-diffusion-img2vid-xt) to a Kinora pack folder (pack.json "format 2", family "svd-xt",
docs/pack-format-2.md):

    python tools/export/svd_export.py /models/stable-video-diffusion-img2vid-xt /models/kinora/svd-xt \
        --diffusers-src /tmp/diffusers/src --height 576 --width 1024 --frames 25 --precision fp16

diffusers is not a dependency of Kinora and is never copied into this repository: pass the `src` folder of a
diffusers checkout with --diffusers-src or $DIFFUSERS_SRC. Needs torch 2.13 (dynamo ONNX exporter), transformers,
onnx, onnxscript, onnxruntime, numpy. The graph passes, fp16 conversion, parity check and manifest helpers are
wan_export.py's. SVD has no text: no tokenizer, no text encoder, no prompt.

What it writes:
  image_encoder/model.onnx  CLIPVisionModelWithProjection: pixel_values [1,3,224,224] (already resized and CLIP-
                            normalised, see pack.json "image") -> image_embeds [1,D] (the pipeline's embedding
                            [1,1,D] is this with a token axis)
  unet/model.onnx           UNetSpatioTemporalConditionModel, batch 1, frame-major:
                              sample [1,F,8,h,w] (scaled noisy latents ‖ image latents on the channel axis),
                              timestep [1] float32 (continuous: 0.25 ln sigma), encoder_hidden_states [1,1,D],
                              added_time_ids [1,3] float32 (fps-1, motion_bucket_id, noise_aug_strength)
                              -> noise_pred [1,F,4,h,w] (v-prediction)
                            F dynamic. Guidance is two calls (uncond: zero embedding and zero image latents)
  vae_encoder/model.onnx    AutoencoderKLTemporalDecoder.encode's moments for ONE image: sample [1,3,H,W] in
                            [-1,1] (noise-augmented) -> latent_parameters [1,8,h,w] (channels 0-3 the mean, which
                            the pipeline takes: latent_dist.mode(); 4-7 the log-variance)
  vae_decoder/model.onnx    AutoencoderKLTemporalDecoder.decode of one chunk: latent_sample [n,4,h,w] (latents
                            / scaling_factor, frames of the chunk on the batch axis), n dynamic = the decoder's
                            num_frames (its temporal layers mix the n frames of the chunk) -> sample [n,3,H,W],
                            NOT clamped
  scheduler/scheduler_config.json, feature_extractor/preprocessor_config.json, model_index.json (verbatim), pack.json

--store-fp16-weights stores float weights as float16 initialisers with a Cast to float32 (arithmetic stays
float32) where float16 holds them exactly (make_tiny_svd.py rounds its tiny model's weights so); any other
initialiser stays float32, so the option never changes a value (for a real model it saves nothing: use --precision).

Each graph is compared with torch on ORT (CPU) before the pack is written (--parity-tolerance; fp16 checked at
5e-2 and reported), the UNet at two frame counts and the decoder at two chunk lengths (dynamic axes).
"""
import argparse
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
FAMILY = "svd-xt"
CLIP_SIZE = 224  # StableVideoDiffusionPipeline._encode_image resizes to (224, 224) whatever the encoder's config says


def log(msg):
    print(f"svd_export: {msg}", file=sys.stderr, flush=True)


common.log = log


def wrappers():
    import torch

    class ImageEncoder(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, pixel_values):
            return self.m(pixel_values=pixel_values).image_embeds

    class Unet(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, sample, timestep, encoder_hidden_states, added_time_ids):
            return self.m(sample, timestep, encoder_hidden_states=encoder_hidden_states, added_time_ids=added_time_ids,
                          return_dict=False)[0]

    class VaeEncoder(torch.nn.Module):
        def __init__(self, vae):
            super().__init__()
            self.vae = vae

        def forward(self, sample):
            return self.vae.encode(sample).latent_dist.parameters

    class VaeDecoder(torch.nn.Module):
        def __init__(self, vae):
            super().__init__()
            self.vae = vae

        def forward(self, latent_sample):
            # decode_latents passes num_frames = the chunk's length (batch 1: every row is a frame of one video)
            return self.vae.decode(latent_sample, num_frames=latent_sample.shape[0]).sample

    return ImageEncoder, Unet, VaeEncoder, VaeDecoder


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="diffusers SVD folder (model_index.json, unet/, vae/, image_encoder/, ...)")
    ap.add_argument("out", type=Path, help="pack folder to write (replaced)")
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--height", type=int, default=576, help="the pack's frame height (multiple of 8; SVD-XT: 576)")
    ap.add_argument("--width", type=int, default=1024, help="the pack's frame width (multiple of 8; SVD-XT: 1024)")
    ap.add_argument("--frames", type=int, default=None, help="frames per clip (default: unet.config.num_frames, 25 for XT)")
    ap.add_argument("--fps", type=int, default=7, help="StableVideoDiffusionPipeline's default fps (added_time_ids gets fps-1)")
    ap.add_argument("--motion-bucket-id", type=int, default=127)
    ap.add_argument("--noise-aug-strength", type=float, default=0.02)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--min-guidance", type=float, default=1.0)
    ap.add_argument("--max-guidance", type=float, default=3.0)
    ap.add_argument("--decode-chunk-size", type=int, default=None, help="frames per decoder call (default: all frames)")
    ap.add_argument("--precision", choices=["fp16", "fp32"], default="fp16",
                    help="the UNet's weights and arithmetic (inputs and outputs stay float32); the image encoder and "
                         "the VAE stay fp32")
    ap.add_argument("--store-fp16-weights", action="store_true",
                    help="fixtures: store float16-representable fp32 weights as float16 (see the docstring)")
    ap.add_argument("--reuse-raw", type=Path, help="a previous run's raw-export folder (svd-export-*): re-use its "
                    "ie/unet/enc/dec.onnx instead of exporting again (the UNet export takes minutes)")
    ap.add_argument("--external-data-over-mb", type=float, default=256.0)
    ap.add_argument("--parity-tolerance", type=float, default=1e-4, help="max |ORT - torch| for fp32 graphs")
    ap.add_argument("--id", default="svd-xt")
    ap.add_argument("--name", default="Stable Video Diffusion XT")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--license", default="Stability AI Community License (see the model card)")
    ap.add_argument("--description", default="Stable Video Diffusion XT image-to-video, exported from diffusers by "
                                             "tools/export/svd_export.py")
    args = ap.parse_args()

    if args.height % 8 or args.width % 8:
        sys.exit("svd_export: --height/--width must be multiples of 8 (StableVideoDiffusionPipeline.check_inputs)")
    t_start = time.time()
    diffusers = common.import_diffusers(args.diffusers_src, "svd_export")
    import onnx
    import onnxruntime
    import torch
    import transformers
    from diffusers import AutoencoderKLTemporalDecoder, UNetSpatioTemporalConditionModel
    from transformers import CLIPVisionModelWithProjection

    model_dir = args.model
    index = json.loads((model_dir / "model_index.json").read_text())
    if index.get("_class_name") != "StableVideoDiffusionPipeline":
        sys.exit(f"svd_export: {model_dir} is a {index.get('_class_name')}; this tool exports StableVideoDiffusionPipeline folders")
    sched_cfg = json.loads((model_dir / "scheduler/scheduler_config.json").read_text())
    if sched_cfg.get("_class_name") != "EulerDiscreteScheduler":
        sys.exit(f"svd_export: scheduler {sched_cfg.get('_class_name')}; SVD ships EulerDiscreteScheduler")
    proc_cfg = json.loads((model_dir / "feature_extractor/preprocessor_config.json").read_text())
    torch.manual_seed(0)
    ImageEncoder, Unet, VaeEncoder, VaeDecoder = wrappers()
    image_encoder = CLIPVisionModelWithProjection.from_pretrained(model_dir / "image_encoder", torch_dtype=torch.float32).eval()
    unet = UNetSpatioTemporalConditionModel.from_pretrained(model_dir / "unet", torch_dtype=torch.float32).eval()
    vae = AutoencoderKLTemporalDecoder.from_pretrained(model_dir / "vae", torch_dtype=torch.float32).eval()
    ucfg, vcfg, icfg = unet.config, vae.config, image_encoder.config
    frames = args.frames or ucfg.num_frames
    chunk = args.decode_chunk_size or frames
    s = 2 ** (len(vcfg.block_out_channels) - 1)  # the pipeline's vae_scale_factor
    C = vcfg.latent_channels
    lh, lw = args.height // s, args.width // s
    D = icfg.projection_dim
    if ucfg.in_channels != 2 * C or ucfg.out_channels != C:
        sys.exit(f"svd_export: unet in/out channels {ucfg.in_channels}/{ucfg.out_channels}; SVD's are 2x and 1x the "
                 f"VAE's {C} latent channels (noisy latents ‖ image latents)")
    if ucfg.cross_attention_dim != D:
        sys.exit(f"svd_export: unet cross_attention_dim {ucfg.cross_attention_dim} != image projection_dim {D}")
    if ucfg.projection_class_embeddings_input_dim != 3 * ucfg.addition_time_embed_dim:
        sys.exit("svd_export: the UNet's added-time embedding is not 3 ids x addition_time_embed_dim")

    out = args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tmp = Path(tempfile.mkdtemp(prefix="svd-export-"))
    export_graph = common.export_graph
    if args.reuse_raw:
        def export_graph(module, ex, path, *a, **k):
            old = args.reuse_raw / path.name
            if not old.exists():
                return common.export_graph(module, ex, path, *a, **k)
            for f in args.reuse_raw.glob(path.name + "*"):
                shutil.copy(f, tmp / f.name)
            log(f"re-used {old}")
    report = {"parity": {}, "precision": {}, "seconds": {}, "fp16StoredWeights": {}}
    rng = np.random.default_rng(0)

    graphs = common.PackGraphs("svd_export", out, args, report)
    finish = graphs.finish

    # 1. image encoder: CLIP vision tower + projection, batch 1 at 224x224.
    t0 = time.time()
    ie = ImageEncoder(image_encoder).eval()
    export_graph(ie, (torch.randn(1, 3, CLIP_SIZE, CLIP_SIZE),), tmp / "ie.onnx", ["pixel_values"], ["image_embeds"])
    ie_feeds = [{"pixel_values": (rng.standard_normal((1, 3, CLIP_SIZE, CLIP_SIZE)) * 1.5).astype(np.float32)}]
    ie_model = finish("image_encoder", tmp / "ie.onnx", "fp32", ie_feeds, ie)
    report["seconds"]["image_encoder"] = round(time.time() - t0, 1)

    # 2. UNet: batch 1 (guidance = two calls, as ltx/wan), frames dynamic, latent size fixed by the pack.
    t0 = time.time()
    un = Unet(unet).eval()
    F = torch.export.Dim("frames", min=2, max=128)
    example = (torch.randn(1, 3, 2 * C, lh, lw), torch.tensor([0.25 * np.log(700.0)], dtype=torch.float32),
               torch.randn(1, 1, D), torch.tensor([[6.0, 127.0, 0.02]]))
    export_graph(un, example, tmp / "unet.onnx", ["sample", "timestep", "encoder_hidden_states", "added_time_ids"],
                        ["noise_pred"], {"sample": {1: F}, "timestep": None, "encoder_hidden_states": None,
                                         "added_time_ids": None})

    def unet_feeds(f, sigma, zero_cond):
        x = rng.standard_normal((1, f, 2 * C, lh, lw)).astype(np.float32)
        e = rng.standard_normal((1, 1, D)).astype(np.float32)
        if zero_cond:
            x[:, :, C:] = 0.0
            e[:] = 0.0
        return {"sample": x, "timestep": np.array([0.25 * np.log(sigma)], np.float32), "encoder_hidden_states": e,
                "added_time_ids": np.array([[args.fps - 1, args.motion_bucket_id, args.noise_aug_strength]], np.float32)}
    unet_model = finish("unet", tmp / "unet.onnx", args.precision,
                        [unet_feeds(frames, 700.0, False), unet_feeds(frames, 0.5, True), unet_feeds(3, 20.0, False)], un)
    report["seconds"]["unet"] = round(time.time() - t0, 1)

    # 3. VAE encoder: one image.
    t0 = time.time()
    enc = VaeEncoder(vae).eval()
    export_graph(enc, (torch.rand(1, 3, args.height, args.width) * 2 - 1,), tmp / "enc.onnx", ["sample"],
                        ["latent_parameters"])
    enc_feeds = [{"sample": (rng.random((1, 3, args.height, args.width)) * 2 - 1).astype(np.float32)}]
    enc_model = finish("vae_encoder", tmp / "enc.onnx", "fp32", enc_feeds, enc)
    report["seconds"]["vae_encoder"] = round(time.time() - t0, 1)

    # 4. VAE decoder: one chunk of n frames, n dynamic (the last chunk may be shorter).
    t0 = time.time()
    dec = VaeDecoder(vae).eval()
    N = torch.export.Dim("chunk_frames", min=2, max=128)
    export_graph(dec, (torch.randn(3, C, lh, lw) / vcfg.scaling_factor,), tmp / "dec.onnx", ["latent_sample"],
                        ["sample"], {"latent_sample": {0: N}})

    def dec_feeds(n):
        return {"latent_sample": (rng.standard_normal((n, C, lh, lw)) / vcfg.scaling_factor).astype(np.float32)}
    sizes = sorted({chunk, frames % chunk or chunk, 3})
    dec_model = finish("vae_decoder", tmp / "dec.onnx", "fp32", [dec_feeds(n) for n in sizes], dec)
    report["seconds"]["vae_decoder"] = round(time.time() - t0, 1)
    shutil.rmtree(tmp, ignore_errors=True)  # kept on failure: --reuse-raw

    # 5. verbatim files
    for folder, name in (("scheduler", "scheduler_config.json"), ("feature_extractor", "preprocessor_config.json")):
        (out / folder).mkdir()
        shutil.copy(model_dir / folder / name, out / folder / name)
    shutil.copy(model_dir / "model_index.json", out / "model_index.json")

    # 6. manifest
    onnx_component = graphs.component

    components = {
        "image_encoder": onnx_component("image_encoder", ie_model, {"pixel_values": "pixel_values",
                                                                    "image_embeds": "image_embeds"}),
        "denoiser": onnx_component("unet", unet_model, {
            "sample": "sample", "timestep": "timestep", "encoder_hidden_states": "image_embeds",
            "added_time_ids": "added_time_ids", "noise_pred": "prediction"}),
        "vae_encoder": onnx_component("vae_encoder", enc_model, {"sample": "sample", "latent_parameters": "latent"}),
        "vae_decoder": onnx_component("vae_decoder", dec_model, {"latent_sample": "latent", "sample": "sample"}),
    }
    components["denoiser"]["layout"] = "BFCHW"
    components["vae_encoder"]["layout"] = "BCHW"
    components["vae_decoder"]["layout"] = "FCHW"
    components["scheduler"] = common.file_entry(out, "scheduler/scheduler_config.json")
    components["feature_extractor"] = common.file_entry(out, "feature_extractor/preprocessor_config.json")
    components["model_index"] = common.file_entry(out, "model_index.json")

    manifest = {
        "format": 2,
        "layout": "diffusers",
        "family": FAMILY,
        "id": args.id, "name": args.name, "version": args.version, "license": args.license,
        "description": args.description,
        "modes": ["animate"],  # image-to-video only: SVD has no text and cannot start from noise alone
        "width": args.width, "height": args.height, "frames": frames, "fps": args.fps,
        "latent": {"channels": C, "frames": frames, "height": lh, "width": lw, "spatialStride": s, "temporalStride": 1,
                   "temporal": "none", "scalingFactor": float(vcfg.scaling_factor)},
        "prediction": sched_cfg.get("prediction_type"),
        "defaults": {"steps": args.steps, "minGuidance": args.min_guidance, "maxGuidance": args.max_guidance,
                     "fps": args.fps, "motionBucketId": args.motion_bucket_id,
                     "noiseAugStrength": args.noise_aug_strength, "decodeChunkSize": chunk},
        "text": None,
        "image": {
            "encoder": "image_encoder", "size": [CLIP_SIZE, CLIP_SIZE], "dim": D, "tokens": 1,
            "preprocess": "svd-antialias-bicubic",
            "resize": {"space": "[-1,1]", "blur": "gaussian", "sigma": "max((in/224 - 1)/2, 0.001) per axis",
                       "kernel": "int(max(4*sigma, 3)) per axis, made odd", "padding": "reflect",
                       "interpolate": "bicubic", "alignCorners": True, "cubicA": -0.75},
            "mean": [float(v) for v in proc_cfg["image_mean"]], "std": [float(v) for v in proc_cfg["image_std"]],
            "negative": "zeros",
        },
        "conditioning": {"kind": "concatChannels", "imageLatent": "mode", "imageLatentScaled": False,
                         "noiseAug": "pixels", "repeatFrames": True, "negative": "zeros"},
        "addedTimeIds": {"input": "added_time_ids", "order": ["fps-1", "motion_bucket_id", "noise_aug_strength"]},
        "guidance": {"kind": "perFrameLinear", "from": "minGuidance", "to": "maxGuidance", "calls": 2},
        "scheduler": {"initNoiseSigma": True, "scaleModelInput": True, "continuousTimesteps": True},
        "vae": {"kind": "temporalDecoder", "encode": "image", "encodeOutput": "moments", "encodeSample": "mode",
                "decode": "chunks", "chunkFrames": chunk, "numFrames": "chunk", "pixelRange": [-1.0, 1.0],
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
        "tool": "tools/export/svd_export.py",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
        "versions": {"diffusers": diffusers.__version__, "diffusers_commit": git_rev, "torch": torch.__version__,
                     "transformers": transformers.__version__, "onnx": onnx.__version__,
                     "onnxruntime": onnxruntime.__version__},
        "opset": OPSET, "parityTolerance": args.parity_tolerance,
        "source": {"unet": {k: v for k, v in dict(ucfg).items() if not k.startswith("_")},
                   "vae": {k: v for k, v in dict(vcfg).items() if not k.startswith("_")},
                   "image_encoder": {k: getattr(icfg, k) for k in
                                     ("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                                      "projection_dim", "image_size", "patch_size", "hidden_act")}},
    })
    manifest["export"] = json.loads(json.dumps(report, default=str))
    (out / "pack.json").write_text(json.dumps(manifest, indent=2) + "\n")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"wrote {out} ({total / 1e6:.2f} MB) in {time.time() - t_start:.0f} s")


if __name__ == "__main__":
    main()
