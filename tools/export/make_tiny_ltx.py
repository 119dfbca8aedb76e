#!/usr/bin/env python3
"""Builds "ltx-tiny": an LTX-Video 0.9.1 pipeline made of the REAL diffusers/transformers classes
(LTXVideoTransformer3DModel, AutoencoderKLLTXVideo with 0.9.1's timestep-conditioned, noise-injecting decoder,
T5EncoderModel, a T5 tokenizer.json, LTX 0.9.1's shipped FlowMatchEuler scheduler config) with tiny widths and
seeded random weights, saves it as a diffusers folder and exports it to a Kinora pack with ltx_export.py.

    python tools/export/make_tiny_ltx.py --diffusers-src /tmp/diffusers/src \
        --spm /tmp/sentencepiece/python/test/test_model.model

diffusers is not a dependency of Kinora and is never copied into the repository: pass the `src` folder of a
diffusers checkout with --diffusers-src or $DIFFUSERS_SRC (see make_tiny_wan.py). Needs torch 2.13,
transformers (5.x tested), onnx, onnxruntime, onnxscript, sentencepiece, protobuf, numpy, pillow.

Structure. Every choice below that is not a width is the real 0.9.1 model's, as diffusers'
`scripts/convert_ltx_to_diffusers.py` (get_transformer_config / get_vae_config "0.9.1") builds it:
  transformer  patch 1x1 (one token per latent voxel), 128 latent channels in and out, RMS q/k norm across heads,
               gelu-approximate FFN, AdaLN-single timestep embedding (6 modulation vectors), caption projection
               from the T5 width, RoPE on [frame, y, x] over the full inner width (inner % 6 == 2, as 2048 % 6)
  VAE          encoder: patch 4, LTXVideoDownBlock3D x4 with conv downsampling on the first three (32x spatial,
               8x temporal), 128 latent channels + 1 shared log-variance channel, causal;
               decoder: 3 up blocks with residual depth-to-space upsampling (factor 2), timestep conditioning
               (time embedders, scale-shift tables, timestep_scale_multiplier), noise injection in the up blocks
               (decoder_inject_noise (True, True, True, False)), non-causal
  text         T5 v1.1 style encoder (gated-gelu, 32 relative-position buckets, max distance 128, no tied
               embeddings); the tokenizer as make_tiny_wan.py builds it (sentencepiece's test model through
               transformers' T5 converter), model_max_length 128
  scheduler    src/test/resources/schedulers/ltx-video-0.9.1.json, the config Lightricks/LTX-Video ships (the
               same values convert_ltx_to_diffusers.py writes for 0.9.0/0.9.1: use_dynamic_shifting, base_shift
               0.95, max_shift 2.05, base/max_image_seq_len 1024/4096, shift_terminal 0.1)

Weights that start at a constant would hide a missing operation in an export, so the tiny model also gets:
norm gains/biases perturbed (make_tiny_wan.perturb_norms), the decoder's noise-injection scales
(per_channel_scale1/2, zero at init) and the VAE's latents_mean/latents_std buffers (zeros/ones at init; the
real ones are trained statistics stored in the VAE weights) set to seeded random values.

Outputs: <work>/diffusers (the diffusers folder) and the pack (default src/test/resources/packs/ltx-tiny), then
ltx_reference.py writes the reference .npy files beside the pack.
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
from make_tiny_wan import diffusers_src, make_tokenizer, perturb_norms  # noqa: E402  (shared with the Wan fixture)

LTX_SCHEDULER_CONFIG = ROOT / "src/test/resources/schedulers/ltx-video-0.9.1.json"
TEXT_LEN = 128  # LTXPipeline's max_sequence_length default and the tokenizer's model_max_length (convert script)

# Tiny widths. Real 0.9.1: 32 heads x 64 = 2048 wide, cross_attention_dim 2048, 28 layers, caption_channels 4096.
TRANSFORMER = dict(in_channels=128, out_channels=128, patch_size=1, patch_size_t=1, num_attention_heads=2,
                   attention_head_dim=16, cross_attention_dim=32, num_layers=2, activation_fn="gelu-approximate",
                   qk_norm="rms_norm_across_heads", norm_elementwise_affine=False, norm_eps=1e-6, caption_channels=32,
                   attention_bias=True, attention_out_bias=True)
# Real 0.9.1: block_out_channels (128, 256, 512, 512), decoder_block_out_channels (256, 512, 1024),
# layers_per_block (4, 3, 3, 3, 4), decoder_layers_per_block (5, 6, 7, 8).
VAE = dict(in_channels=3, out_channels=3, latent_channels=128, block_out_channels=(4, 8, 8, 8),
           down_block_types=("LTXVideoDownBlock3D",) * 4, decoder_block_out_channels=(8, 16, 32),
           layers_per_block=(1, 1, 1, 1, 1), decoder_layers_per_block=(1, 1, 2, 1),
           spatio_temporal_scaling=(True, True, True, False), decoder_spatio_temporal_scaling=(True, True, True),
           decoder_inject_noise=(True, True, True, False), downsample_type=("conv", "conv", "conv", "conv"),
           upsample_residual=(True, True, True), upsample_factor=(2, 2, 2), timestep_conditioning=True,
           patch_size=4, patch_size_t=1, resnet_norm_eps=1e-6, scaling_factor=1.0, encoder_causal=True,
           decoder_causal=False)
# Real: google/t5-v1_1-xxl (d_model 4096, d_kv 64, d_ff 10240, 24 layers, 64 heads, vocabulary 32128).
T5 = dict(d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4, relative_attention_num_buckets=32,
          relative_attention_max_distance=128, feed_forward_proj="gated-gelu", dropout_rate=0.0,
          layer_norm_epsilon=1e-6, tie_word_embeddings=False)


def build(work, spm, seed):
    import torch
    from diffusers import AutoencoderKLLTXVideo, FlowMatchEulerDiscreteScheduler, LTXPipeline, LTXVideoTransformer3DModel
    from transformers import T5Config, T5EncoderModel

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    tokenizer = make_tokenizer(spm, work)
    tokenizer.model_max_length = TEXT_LEN
    text_encoder = T5EncoderModel(T5Config(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id,
                                           eos_token_id=tokenizer.eos_token_id,
                                           decoder_start_token_id=tokenizer.pad_token_id, **T5)).eval()
    transformer = LTXVideoTransformer3DModel(**TRANSFORMER).eval()
    vae = AutoencoderKLLTXVideo(**VAE).eval()
    for m in (text_encoder, transformer, vae):
        perturb_norms(m, gen)
    with torch.no_grad():
        for name, p in vae.named_parameters():
            if "per_channel_scale" in name:
                p.copy_(0.3 * torch.randn(p.shape, generator=gen))
        c = VAE["latent_channels"]
        vae.latents_mean.copy_(0.5 * torch.randn(c, generator=gen))
        vae.latents_std.copy_(0.5 + 1.5 * torch.rand(c, generator=gen))
        # Random convolutions shrink or shift the signal; scale and centre the decoder's last conv so frames span
        # [-1, 1] with little saturation (the pipeline clamps (v + 1)/2 to [0, 1]; a fixture of clamped pixels
        # compares nothing). The probe reads the last conv's output through a forward hook.
        z = torch.randn(1, c, 3, 2, 3, generator=gen)
        seen = []
        hook = vae.decoder.conv_out.register_forward_hook(lambda m, i, o: seen.append(o.detach()))
        torch.manual_seed(seed)  # the decoder's injected noise comes from torch's global generator
        vae.decode(z, torch.tensor([0.05]))
        hook.remove()
        raw = seen[0]
        scale = 0.45 / max(raw.std().item(), 1e-6)
        conv = vae.decoder.conv_out.conv
        conv.weight.mul_(scale)
        conv.bias.copy_(-(raw.mean(dim=(0, 2, 3, 4)) - conv.bias) * scale)
    scheduler = FlowMatchEulerDiscreteScheduler.from_config(json.loads(LTX_SCHEDULER_CONFIG.read_text()))
    pipe = LTXPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, scheduler=scheduler,
                       transformer=transformer)
    out = work / "diffusers"
    if out.exists():
        shutil.rmtree(out)
    pipe.save_pretrained(out, safe_serialization=True)
    # LTX 0.9.1's shipped scheduler config, byte for byte (save_pretrained rewrites _diffusers_version).
    shutil.copy(LTX_SCHEDULER_CONFIG, out / "scheduler" / "scheduler_config.json")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--spm", type=Path, help="a SentencePiece unigram model to convert (see make_tiny_wan.py)")
    ap.add_argument("--work", type=Path, help="working folder for the diffusers model (default: a temp dir)")
    ap.add_argument("--out", type=Path, default=ROOT / "src/test/resources/packs/ltx-tiny")
    ap.add_argument("--seed", type=int, default=20250302)
    ap.add_argument("--no-export", action="store_true", help="only build the diffusers folder")
    ap.add_argument("--no-reference", action="store_true", help="skip ltx_reference.py")
    args = ap.parse_args()
    src = diffusers_src(args.diffusers_src)
    sys.path.insert(0, src)
    work = args.work or Path(tempfile.mkdtemp(prefix="ltx-tiny-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    model = build(work, args.spm, args.seed)
    print(f"make_tiny_ltx: diffusers folder {model} ({time.time() - t0:.0f} s)", file=sys.stderr)
    if args.no_export:
        return
    env = dict(os.environ, DIFFUSERS_SRC=src)
    py = sys.executable
    t0 = time.time()
    subprocess.run([py, str(HERE / "ltx_export.py"), str(model), str(args.out), "--precision", "fp32",
                    "--id", "ltx-tiny", "--name", "LTX-Video 0.9.1 (tiny test model)", "--version", "0.1.0",
                    "--license", "Apache-2.0", "--height", "64", "--width", "96", "--frames", "9",
                    "--steps", "4", "--guidance", "3.0", "--external-data-over-mb", "1024",
                    "--description", "Random-weight LTX-Video 0.9.1 with the real I/O signature, for tests only; "
                    "made by tools/export/make_tiny_ltx.py"], check=True, env=env)
    print(f"make_tiny_ltx: export {time.time() - t0:.0f} s", file=sys.stderr)
    if not args.no_reference:
        t0 = time.time()
        subprocess.run([py, str(HERE / "ltx_reference.py"), str(model), str(args.out), "--check-pack"], check=True, env=env)
        print(f"make_tiny_ltx: reference {time.time() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
