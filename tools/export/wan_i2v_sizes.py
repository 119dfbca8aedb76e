#!/usr/bin/env python3
"""Sizes of the real Wan 2.1 I2V 14B parts, computed from their configs (no weights): each module is instantiated on
torch's meta device from the config diffusers' scripts/convert_wan_to_diffusers.py uses ("Wan-I2V-14B-480p"; the 720p
model has the same transformer) and its parameters counted. docs/models.md quotes the output.

    python tools/export/wan_i2v_sizes.py --diffusers-src /tmp/diffusers/src

Also prints the transformer's activations at 480x832, 81 frames (one window), the figures the memory section uses.
"""
import argparse
import os
import sys
from pathlib import Path

# scripts/convert_wan_to_diffusers.py, model_type "Wan-I2V-14B-480p" (diffusers 58eb52c)
TRANSFORMER_14B = dict(image_dim=1280, added_kv_proj_dim=5120, attention_head_dim=128, cross_attn_norm=True, eps=1e-06,
                       ffn_dim=13824, freq_dim=256, in_channels=36, num_attention_heads=40, num_layers=40,
                       out_channels=16, patch_size=[1, 2, 2], qk_norm="rms_norm_across_heads", text_dim=4096)
# laion/CLIP-ViT-H-14-laion2B-s32B-b79K's vision tower (the convert script's image_encoder)
CLIP_VIT_H = dict(hidden_size=1280, intermediate_size=5120, num_hidden_layers=32, num_attention_heads=16,
                  image_size=224, patch_size=14, hidden_act="gelu", layer_norm_eps=1e-5, projection_dim=1024)
GB = 1e9
GIB = 1 << 30


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    args = ap.parse_args()
    src = args.diffusers_src or os.environ.get("DIFFUSERS_SRC")
    if src:
        sys.path.insert(0, str(Path(src).resolve()))
    import torch
    from diffusers import WanTransformer3DModel
    from transformers import CLIPVisionConfig, CLIPVisionModel

    with torch.device("meta"):
        tr = WanTransformer3DModel(**TRANSFORMER_14B)
        clip = CLIPVisionModel(CLIPVisionConfig(**CLIP_VIT_H))
    n_tr = sum(p.numel() for p in tr.parameters())
    n_img = sum(p.numel() for n, p in tr.named_parameters() if "add_k_proj" in n or "add_v_proj" in n
                or "norm_added_k" in n or "image_embedder" in n)
    n_clip = sum(p.numel() for p in clip.parameters())
    vision = getattr(clip, "vision_model", clip)  # transformers 5 flattened CLIPVisionModel
    last = vision.encoder.layers[-1]
    # the exported graph stops at hidden_states[-2]: the last layer and the post-layernorm are not in it
    n_clip_graph = n_clip - sum(p.numel() for p in last.parameters()) \
        - sum(p.numel() for p in vision.post_layernorm.parameters())
    print(f"transformer (I2V 14B): {n_tr:,} parameters ({n_img:,} of them the image branch): "
          f"fp16 {2 * n_tr / GB:.1f} GB = {2 * n_tr / GIB:.1f} GiB, fp32 {4 * n_tr / GB:.1f} GB")
    print(f"CLIP ViT-H/14 vision tower: {n_clip:,} parameters; in the graph (to the penultimate layer): {n_clip_graph:,}: "
          f"fp32 {4 * n_clip_graph / GB:.2f} GB, fp16 {2 * n_clip_graph / GB:.2f} GB")
    # activations of one denoiser call at 480x832, 81 frames: latents [16, 21, 60, 104], patch 1x2x2
    s = 21 * 30 * 52
    d, ffn, heads = 5120, 13824, 40
    for what, shape in (("hidden states", (2, s, d)), ("FFN inner", (2, s, ffn)),
                        ("self-attention scores, unfused", (2, heads, s, s)),
                        ("cross-attention scores (512 text + 257 image tokens), unfused", (2, heads, s, 512 + 257))):
        n = 1
        for v in shape:
            n *= v
        print(f"{what} {list(shape)}: fp16 {2 * n / GB:.2f} GB")


if __name__ == "__main__":
    main()
