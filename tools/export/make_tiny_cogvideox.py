#!/usr/bin/env python3
"""Builds "cogvideox-tiny": a CogVideoX-2B text-to-video pipeline made of the REAL diffusers/transformers classes
(CogVideoXTransformer3DModel, AutoencoderKLCogVideoX, T5EncoderModel, a T5 tokenizer.json, CogVideoX-2B's shipped
CogVideoXDDIMScheduler config) with tiny widths and seeded random weights, saves it as a diffusers folder and
exports it to a Kinora pack with cogvideox_export.py.

    python tools/export/make_tiny_cogvideox.py --diffusers-src /tmp/diffusers/src \
        --spm /tmp/sentencepiece/python/test/test_model.model

diffusers is not a dependency of Kinora and is never copied into the repository: pass the `src` folder of a
diffusers checkout with --diffusers-src or $DIFFUSERS_SRC (see make_tiny_wan.py). Needs torch 2.13,
transformers (5.x tested), onnx, onnxruntime, onnxscript, sentencepiece, protobuf, numpy.

Structure. Every choice below that is not a width is the real CogVideoX-2B's, as diffusers'
`scripts/convert_cogvideox_to_diffusers.py` builds it (version "1.0", its defaults are the 2B values: num_layers 30,
num_attention_heads 30, use_rotary_positional_embeddings False, VAE scaling_factor 1.15258426, snr_shift_scale 3.0;
get_transformer_init_kwargs("1.0"): patch_size 2, patch_size_t None, patch_bias True, sample 60 x 90 latent,
49 frames):
  transformer  2x2 spatial patches (Conv2d per latent frame, no temporal patch), text and video tokens in ONE
               sequence (226 text tokens first), 3D sin-cos absolute positional embeddings added to the video
               tokens (NOT RoPE: use_rotary_positional_embeddings False, use_learned_positional_embeddings False;
               recomputed by diffusers for any size other than 60x90x49, so an exported graph is fixed-size),
               LayerNorm q/k norm, AdaLN-zero (CogVideoXLayerNormZero) from a sinusoidal timestep embedding
               (flip_sin_to_cos True, freq_shift 0), gelu-approximate FFN, spatial_interpolation_scale 1.875
  VAE          AutoencoderKLCogVideoX: 4 levels (8x spatial), temporal compression 4, causal 3D convolutions, the
               decoder's SpatialNorm3D conditioned on the latent, no quant/post-quant conv, scaling_factor
               1.15258426 (CogVideoX-2B's; 5B has 0.7); diffusers decodes in batches of 2 latent frames
               (num_latent_frames_batch_size; an odd count puts 3 in the first batch) carrying the causal conv cache
  text         T5 v1.1 style encoder (gated-gelu, 32 relative-position buckets, max distance 128; the real one is
               google/t5-v1_1-xxl); the tokenizer as make_tiny_wan.py builds it (sentencepiece's test model through
               transformers' T5 converter), model_max_length 226 (convert script: TOKENIZER_MAX_LENGTH = 226)
  scheduler    src/test/resources/schedulers/cogvideox-2b-ddim.json, the config THUDM/CogVideoX-2b ships (the
               convert script writes the same values: scaled_linear 0.00085..0.012, v_prediction,
               rescale_betas_zero_snr True, set_alpha_to_one True, snr_shift_scale 3.0, timestep_spacing trailing)

Weights that start at a constant would hide a missing operation in an export, so norm gains/biases are perturbed
(make_tiny_wan.perturb_norms); the AdaLN/projection weights are random as every other weight.

Outputs: <work>/diffusers (the diffusers folder) and the pack (default src/test/resources/packs/cogvideox-tiny),
then cogvideox_reference.py writes the reference .npy files beside the pack.
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

COG_SCHEDULER_CONFIG = ROOT / "src/test/resources/schedulers/cogvideox-2b-ddim.json"
TEXT_LEN = 226  # CogVideoXPipeline's max_sequence_length default = the transformer's max_text_seq_length

# Tiny widths. Real 2B: 30 heads x 64 = 1920 wide, 30 layers, time_embed_dim 512, text_embed_dim 4096.
TRANSFORMER = dict(num_attention_heads=2, attention_head_dim=16, in_channels=16, out_channels=16,
                   flip_sin_to_cos=True, freq_shift=0, time_embed_dim=32, text_embed_dim=32, num_layers=2,
                   dropout=0.0, attention_bias=True, sample_width=90, sample_height=60, sample_frames=49,
                   patch_size=2, patch_size_t=None, temporal_compression_ratio=4, max_text_seq_length=TEXT_LEN,
                   activation_fn="gelu-approximate", timestep_activation_fn="silu", norm_elementwise_affine=True,
                   norm_eps=1e-5, spatial_interpolation_scale=1.875, temporal_interpolation_scale=1.0,
                   use_rotary_positional_embeddings=False, use_learned_positional_embeddings=False, patch_bias=True)
# Real 2B: block_out_channels (128, 256, 256, 512), layers_per_block 3, norm_num_groups 32.
VAE = dict(in_channels=3, out_channels=3, block_out_channels=(8, 8, 16, 16), latent_channels=16, layers_per_block=1,
           act_fn="silu", norm_eps=1e-6, norm_num_groups=4, temporal_compression_ratio=4, sample_height=480,
           sample_width=720, scaling_factor=1.15258426, use_quant_conv=False, use_post_quant_conv=False)
# Real: google/t5-v1_1-xxl (d_model 4096, d_kv 64, d_ff 10240, 24 layers, 64 heads, vocabulary 32128).
T5 = dict(d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4, relative_attention_num_buckets=32,
          relative_attention_max_distance=128, feed_forward_proj="gated-gelu", dropout_rate=0.0,
          layer_norm_epsilon=1e-6, tie_word_embeddings=False)


def build(work, spm, seed):
    import torch
    from diffusers import (AutoencoderKLCogVideoX, CogVideoXDDIMScheduler, CogVideoXPipeline,
                           CogVideoXTransformer3DModel)
    from transformers import T5Config, T5EncoderModel

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    tokenizer = make_tokenizer(spm, work)
    tokenizer.model_max_length = TEXT_LEN
    text_encoder = T5EncoderModel(T5Config(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id,
                                           eos_token_id=tokenizer.eos_token_id,
                                           decoder_start_token_id=tokenizer.pad_token_id, **T5)).eval()
    transformer = CogVideoXTransformer3DModel(**TRANSFORMER).eval()
    vae = AutoencoderKLCogVideoX(**VAE).eval()
    for m in (text_encoder, transformer, vae):
        perturb_norms(m, gen)
    with torch.no_grad():
        # Random convolutions shrink or shift the signal; scale and centre the decoder's last conv so frames span
        # [-1, 1] with little saturation (the pipeline clamps (v + 1)/2 to [0, 1]; a fixture of clamped pixels
        # compares nothing). The probe reads the last conv's output (every frame batch) through a forward hook.
        z = torch.randn(1, 16, 4, 6, 8, generator=gen)
        seen = []
        hook = vae.decoder.conv_out.register_forward_hook(lambda m, i, o: seen.append(o[0] if isinstance(o, tuple) else o))
        vae.decode(z)
        hook.remove()
        raw = torch.cat([s.detach() for s in seen], 2)
        scale = 0.45 / max(raw.std().item(), 1e-6)
        conv = vae.decoder.conv_out.conv
        conv.weight.mul_(scale)
        conv.bias.copy_(-(raw.mean(dim=(0, 2, 3, 4)) - conv.bias) * scale)
    scheduler = CogVideoXDDIMScheduler.from_config(json.loads(COG_SCHEDULER_CONFIG.read_text()))
    pipe = CogVideoXPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, scheduler=scheduler,
                             transformer=transformer)
    out = work / "diffusers"
    if out.exists():
        shutil.rmtree(out)
    pipe.save_pretrained(out, safe_serialization=True)
    # CogVideoX-2B's shipped scheduler config, byte for byte (save_pretrained rewrites _diffusers_version).
    shutil.copy(COG_SCHEDULER_CONFIG, out / "scheduler" / "scheduler_config.json")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--spm", type=Path, help="a SentencePiece unigram model to convert (see make_tiny_wan.py)")
    ap.add_argument("--work", type=Path, help="working folder for the diffusers model (default: a temp dir)")
    ap.add_argument("--out", type=Path, default=ROOT / "src/test/resources/packs/cogvideox-tiny")
    ap.add_argument("--seed", type=int, default=20250303)
    ap.add_argument("--no-export", action="store_true", help="only build the diffusers folder")
    ap.add_argument("--no-reference", action="store_true", help="skip cogvideox_reference.py")
    args = ap.parse_args()
    src = diffusers_src(args.diffusers_src)
    sys.path.insert(0, src)
    work = args.work or Path(tempfile.mkdtemp(prefix="cogvideox-tiny-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    model = build(work, args.spm, args.seed)
    print(f"make_tiny_cogvideox: diffusers folder {model} ({time.time() - t0:.0f} s)", file=sys.stderr)
    if args.no_export:
        return
    env = dict(os.environ, DIFFUSERS_SRC=src)
    py = sys.executable
    t0 = time.time()
    subprocess.run([py, str(HERE / "cogvideox_export.py"), str(model), str(args.out), "--precision", "fp32",
                    "--id", "cogvideox-tiny", "--name", "CogVideoX-2B (tiny test model)", "--version", "0.1.0",
                    "--license", "Apache-2.0", "--height", "48", "--width", "64", "--frames", "17",
                    "--steps", "5", "--guidance", "6.0", "--external-data-over-mb", "1024",
                    "--description", "Random-weight CogVideoX-2B with the real I/O signature, for tests only; "
                    "made by tools/export/make_tiny_cogvideox.py"], check=True, env=env)
    print(f"make_tiny_cogvideox: export {time.time() - t0:.0f} s", file=sys.stderr)
    if not args.no_reference:
        t0 = time.time()
        subprocess.run([py, str(HERE / "cogvideox_reference.py"), str(model), str(args.out), "--check-pack"],
                       check=True, env=env)
        print(f"make_tiny_cogvideox: reference {time.time() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
