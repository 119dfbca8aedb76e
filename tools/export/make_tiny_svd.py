#!/usr/bin/env python3
"""Builds "svd-tiny": a Stable Video Diffusion XT (image-to-video) pipeline made of the REAL diffusers/transformers
classes (UNetSpatioTemporalConditionModel, AutoencoderKLTemporalDecoder, CLIPVisionModelWithProjection, a
CLIPImageProcessor with SVD's settings, SVD-XT's shipped EulerDiscrete scheduler config) with tiny widths and seeded
random weights, saves it as a diffusers folder and exports it to a Kinora pack with svd_export.py.

    python tools/export/make_tiny_svd.py --diffusers-src /tmp/diffusers/src

diffusers is not a dependency of Kinora and is never copied into the repository: pass the `src` folder of a
diffusers checkout with --diffusers-src or $DIFFUSERS_SRC (see make_tiny_wan.py). Needs torch 2.13,
transformers (5.x tested), onnx, onnxruntime, onnxscript, numpy, pillow. No tokenizer: SVD has no text.

Structure. Every choice below that is not a width is the real SVD-XT's (stabilityai/stable-video-diffusion-img2vid-xt;
its unet/vae configs are diffusers' class defaults, which docs/models.md lists with the real widths):
  unet         UNetSpatioTemporalConditionModel: in 8 channels (4 noisy latent + 4 image latent, concatenated per
               frame), out 4, frame-major sample [B, F, 8, h, w]; CrossAttnDownBlockSpatioTemporal levels then a
               DownBlockSpatioTemporal and the mirrored up blocks (tiny: 2 levels, real: 4); cross-attention on ONE image-embedding token
               [B, 1, D]; added_time_ids [B, 3] through addition_time_embed_dim sinusoids each
               (projection_class_embeddings_input_dim = 3 * addition_time_embed_dim); num_frames 25 (XT)
  vae          AutoencoderKLTemporalDecoder: the 2D KL encoder (4 DownEncoderBlock2D, 8x spatial, 4 latent channels,
               double_z) and the TemporalDecoder (spatio-temporal resnets with learned alpha blending, a final
               Conv3d (3,1,1) across frames), scaling_factor 0.18215
  image        CLIPVisionModelWithProjection, ViT with patch 14 at 224x224 (257 tokens), quick-free "gelu"
               activation as ViT-H/14 (laion2B) uses, image_embeds = visual_projection(post_layernorm(CLS));
               feature_extractor = CLIPImageProcessor with SVD's preprocessor_config.json values (224, bicubic,
               OpenAI CLIP mean/std; the pipeline calls it with resize/crop/rescale off and only normalises)
  scheduler    src/test/resources/schedulers/svd-xt-euler.json, the scheduler/scheduler_config.json SVD-XT ships
               (EulerDiscreteScheduler, v_prediction, use_karras_sigmas, sigma_min 0.002, sigma_max 700,
               timestep_type continuous, timestep_spacing leading), copied byte for byte into the diffusers folder

Weights that start at a constant would hide a missing operation in an export, so norm gains/biases and every
1-d parameter (incl. the alpha blenders' mix_factor) are perturbed (make_tiny_wan.perturb_norms), and the VAE
decoder's last convolution is rescaled so the tiny model's frames span [-1, 1] without saturating. Every weight is
then rounded to a float16-representable value so the export can store it as float16 losslessly (svd_export.py
--store-fp16-weights; the arithmetic stays float32).

Outputs: <work>/diffusers (the diffusers folder) and the pack (default src/test/resources/packs/svd-tiny), then
svd_reference.py writes the reference .npy files beside the pack.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from make_tiny_wan import diffusers_src, perturb_norms  # noqa: E402  (shared with the Wan fixture)

SVD_SCHEDULER_CONFIG = ROOT / "src/test/resources/schedulers/svd-xt-euler.json"

# Tiny widths (ResnetBlock2D and the VAE's GroupNorm use 32 groups: channels are multiples of 32).
# Two levels instead of four (every block kind is there once; four levels of 32 channels
# are 5 MB of weights). Real SVD-XT: block_out_channels (320, 640, 1280, 1280), layers_per_block 2, num_attention_heads (5, 10, 20, 20),
# cross_attention_dim 1024, addition_time_embed_dim 256, projection_class_embeddings_input_dim 768, sample_size 96.
UNET = dict(sample_size=8, in_channels=8, out_channels=4,
            down_block_types=("CrossAttnDownBlockSpatioTemporal", "DownBlockSpatioTemporal"),
            up_block_types=("UpBlockSpatioTemporal", "CrossAttnUpBlockSpatioTemporal"),
            block_out_channels=(32, 32), addition_time_embed_dim=8, projection_class_embeddings_input_dim=24,
            layers_per_block=1, cross_attention_dim=32, transformer_layers_per_block=1, num_attention_heads=(2, 2),
            num_frames=25)
# Real: block_out_channels (128, 256, 512, 512), layers_per_block 2, sample_size 768.
VAE = dict(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 4, block_out_channels=(32, 32, 32, 32),
           layers_per_block=1, latent_channels=4, sample_size=64, scaling_factor=0.18215, force_upcast=True)
# Real ViT-H/14 (laion/CLIP-ViT-H-14-laion2B-s32B-b79K): hidden 1280, 32 layers, 16 heads, intermediate 5120,
# projection_dim 1024, image_size 224, patch 14, hidden_act "gelu", layer_norm_eps 1e-5.
CLIP = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2, projection_dim=32,
            image_size=224, patch_size=14, hidden_act="gelu", layer_norm_eps=1e-5, num_channels=3)
# SVD's feature_extractor/preprocessor_config.json (the OpenAI CLIP values).
PROCESSOR = dict(crop_size={"height": 224, "width": 224}, size={"shortest_edge": 224}, do_center_crop=True,
                 do_normalize=True, do_resize=True, do_rescale=True, do_convert_rgb=True, resample=3,
                 rescale_factor=1 / 255, image_mean=[0.48145466, 0.4578275, 0.40821073],
                 image_std=[0.26862954, 0.26130258, 0.27577711])


def build(work, seed):
    import torch
    from diffusers import (AutoencoderKLTemporalDecoder, EulerDiscreteScheduler, StableVideoDiffusionPipeline,
                           UNetSpatioTemporalConditionModel)
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    image_encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(**CLIP)).eval()
    unet = UNetSpatioTemporalConditionModel(**UNET).eval()
    vae = AutoencoderKLTemporalDecoder(**VAE).eval()
    for m in (image_encoder, unet, vae):
        perturb_norms(m, gen)
    with torch.no_grad():
        # Random convolutions shrink or shift the signal; scale and centre the decoder's last conv so frames span
        # [-1, 1] with little saturation (the pipeline clamps (v + 1)/2 to [0, 1]).
        z = torch.randn(6, 4, 8, 8, generator=gen) / VAE["scaling_factor"]  # what decode_latents passes
        seen = []
        conv = vae.decoder.conv_out
        hook = conv.register_forward_hook(lambda m, i, o: seen.append(o.detach()))
        vae.decode(z, num_frames=6)
        hook.remove()
        raw = seen[0]
        scale = 0.45 / max(raw.std().item(), 1e-6)
        conv.weight.mul_(scale)
        conv.bias.copy_(-(raw.mean(dim=(0, 2, 3)) - conv.bias) * scale)
        # Every weight made float16-representable: svd_export.py then stores the fixture's weights as float16
        # (Cast to float32 in the graph, arithmetic float32) without changing one value, which halves the pack.
        for m in (image_encoder, unet, vae):
            for p in m.parameters():
                p.copy_(p.half().float())
    scheduler = EulerDiscreteScheduler.from_config(json.loads(SVD_SCHEDULER_CONFIG.read_text()))
    pipe = StableVideoDiffusionPipeline(vae=vae, image_encoder=image_encoder, unet=unet, scheduler=scheduler,
                                        feature_extractor=CLIPImageProcessor(**PROCESSOR))
    out = work / "diffusers"
    if out.exists():
        shutil.rmtree(out)
    pipe.save_pretrained(out, safe_serialization=True)
    # SVD-XT's shipped scheduler config, byte for byte (save_pretrained rewrites _diffusers_version).
    shutil.copy(SVD_SCHEDULER_CONFIG, out / "scheduler" / "scheduler_config.json")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--work", type=Path, help="working folder for the diffusers model (default: a temp dir)")
    ap.add_argument("--out", type=Path, default=ROOT / "src/test/resources/packs/svd-tiny")
    ap.add_argument("--seed", type=int, default=20250303)
    ap.add_argument("--no-export", action="store_true", help="only build the diffusers folder")
    ap.add_argument("--no-reference", action="store_true", help="skip svd_reference.py")
    args = ap.parse_args()
    src = diffusers_src(args.diffusers_src)
    sys.path.insert(0, src)
    work = args.work or Path(tempfile.mkdtemp(prefix="svd-tiny-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    model = build(work, args.seed)
    print(f"make_tiny_svd: diffusers folder {model} ({time.time() - t0:.0f} s)", file=sys.stderr)
    if args.no_export:
        return
    env = dict(os.environ, DIFFUSERS_SRC=src)
    py = sys.executable
    t0 = time.time()
    subprocess.run([py, str(HERE / "svd_export.py"), str(model), str(args.out), "--precision", "fp32",
                    "--id", "svd-tiny", "--name", "Stable Video Diffusion XT (tiny test model)", "--version", "0.1.0",
                    "--license", "Apache-2.0", "--height", "64", "--width", "64", "--frames", "8",
                    "--steps", "4", "--decode-chunk-size", "5", "--store-fp16-weights",
                    "--description", "Random-weight SVD-XT with the real I/O signature, for tests only; "
                    "made by tools/export/make_tiny_svd.py"], check=True, env=env)
    print(f"make_tiny_svd: export {time.time() - t0:.0f} s", file=sys.stderr)
    if not args.no_reference:
        t0 = time.time()
        subprocess.run([py, str(HERE / "svd_reference.py"), str(model), str(args.out), "--check-pack"], check=True, env=env)
        print(f"make_tiny_svd: reference {time.time() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
