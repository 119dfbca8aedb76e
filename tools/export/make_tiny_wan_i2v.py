#!/usr/bin/env python3
"""Builds "wan-i2v-tiny": a Wan 2.1 image-to-video pipeline (diffusers' WanImageToVideoPipeline) made of the REAL
diffusers/transformers classes (WanTransformer3DModel with the I2V image branch, AutoencoderKLWan, UMT5EncoderModel,
CLIPVisionModel, a CLIPImageProcessor with the checkpoint's preprocessor_config.json values, Wan 2.1's shipped UniPC
scheduler config) with tiny widths and seeded random weights, saves it as a diffusers folder and exports it to a
Kinora pack with wan_export.py (which recognises the I2V pipeline), then writes the reference with
wan_i2v_reference.py.

    python tools/export/make_tiny_wan_i2v.py --diffusers-src /tmp/diffusers/src

diffusers is not a dependency of Kinora and is never copied into the repository (see make_tiny_wan.py for how to
get its `src` folder). Needs torch 2.13, transformers (5.x tested), onnx, onnxruntime, onnxscript, sentencepiece,
protobuf, ftfy, regex, numpy, pillow.

Structure. Every choice that is not a width is Wan2.1-I2V-14B-480P's (diffusers' scripts/convert_wan_to_diffusers.py,
model type "Wan-I2V-14B-480p"; the real widths are in the comments):
  transformer  as wan-tiny's (patch 1x2x2, RMS qk-norm across heads, cross-attn norm, freq_dim 256) plus the I2V
               branch: in_channels 36 = 16 noisy latents + 4 mask + 16 image-condition latents, image_dim = the CLIP
               width (real 1280), added_kv_proj_dim = the transformer width (real 5120: a separate key/value
               projection and RMS norm for the 257 image tokens in every cross-attention), no pos_embed_seq_len
               (that is FLF2V's)
  image        CLIPVisionModel: ViT with patch 14 at 224x224 (257 tokens: CLS + 16x16), "gelu", layer_norm_eps 1e-5
               as ViT-H/14 (laion/CLIP-ViT-H-14-laion2B-s32B-b79K); three layers so that the penultimate hidden
               state (the pipeline's hidden_states[-2]) differs from the last; image_processor = CLIPImageProcessor
               with the preprocessor_config.json that checkpoint ships (the convert script loads it from there):
               shortest edge 224, bicubic (PIL resample 3), center crop 224x224, rescale 1/255, OpenAI CLIP mean/std
  vae, text    wan-tiny's (make_tiny_wan.VAE / UMT5), with a small SentencePiece vocabulary trained on a built-in
               text (make_tokenizer below) instead of sentencepiece's 1000-piece test model: the fixture has a
               2 MB budget and the tokenizer is not what this family adds
  scheduler    src/test/resources/schedulers/wan2.1-t2v-1.3b.json byte for byte: UniPC, flow_prediction, flow sigmas,
               flow_shift 3.0, which is also what the convert script writes for Wan-I2V-14B-480p
               (UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True,
               num_train_timesteps=1000, flow_shift=3.0)); the other keys are the class defaults either way

Weights are perturbed as make_tiny_wan does (norm gains and biases away from 1/0), the VAE decoder's last conv is
rescaled so frames span [-1, 1], and every weight is then rounded to a float16-representable value so the export
stores it as float16 with a Cast (wan_export.py --store-fp16-weights; arithmetic stays float32, not one value moves).
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
from make_tiny_wan import TRAIN_TEXT, TRANSFORMER, UMT5, VAE, diffusers_src, perturb_norms  # noqa: E402

WAN_SCHEDULER_CONFIG = ROOT / "src/test/resources/schedulers/wan2.1-t2v-1.3b.json"

# Real ViT-H/14: hidden 1280, intermediate 5120, 32 layers, 16 heads, projection_dim 1024.
CLIP = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=2, projection_dim=32,
            image_size=224, patch_size=14, hidden_act="gelu", layer_norm_eps=1e-5, num_channels=3)
# image_processor/preprocessor_config.json of Wan-AI/Wan2.1-I2V-14B-480P-Diffusers (= laion/CLIP-ViT-H-14-laion2B-s32B-b79K's).
PROCESSOR = dict(crop_size={"height": 224, "width": 224}, size={"shortest_edge": 224}, do_center_crop=True,
                 do_normalize=True, do_resize=True, do_rescale=True, do_convert_rgb=True, resample=3,
                 rescale_factor=0.00392156862745098, image_mean=[0.48145466, 0.4578275, 0.40821073],
                 image_std=[0.26862954, 0.26130258, 0.27577711])
# The real I2V transformer: in 36, image_dim 1280, added_kv_proj_dim 5120, 40 layers of 40 heads x 128, ffn 13824.
I2V_TRANSFORMER = dict(TRANSFORMER, in_channels=36, image_dim=CLIP["hidden_size"],
                       added_kv_proj_dim=TRANSFORMER["num_attention_heads"] * TRANSFORMER["attention_head_dim"])


def make_tokenizer():
    """A T5 tokenizer (transformers' T5Converter over a SentencePiece unigram model, as Wan's UMT5 tokenizer.json was
    made) of a small vocabulary trained on make_tiny_wan.TRAIN_TEXT; hard_vocab_limit off: the text holds fewer
    pieces than make_tiny_wan's 200."""
    import sentencepiece as spm
    from transformers import T5Tokenizer
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "train.txt"
        text.write_text("\n".join([TRAIN_TEXT] * 4))
        spm.SentencePieceTrainer.train(input=str(text), model_prefix=str(Path(tmp) / "spiece"), vocab_size=200,
                                       hard_vocab_limit=False, model_type="unigram", character_coverage=1.0,
                                       pad_id=0, eos_id=1, unk_id=2, bos_id=-1, minloglevel=2)
        tok = T5Tokenizer.from_pretrained(tmp)
    tok.model_max_length = 512
    return tok


def build(work, seed):
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanImageToVideoPipeline, WanTransformer3DModel
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModel, UMT5Config, UMT5EncoderModel

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    tokenizer = make_tokenizer()  # the small trained vocabulary (see the docstring)
    text_encoder = UMT5EncoderModel(UMT5Config(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id,
                                               eos_token_id=tokenizer.eos_token_id,
                                               decoder_start_token_id=tokenizer.pad_token_id, **UMT5)).eval()
    transformer = WanTransformer3DModel(**I2V_TRANSFORMER).eval()
    vae = AutoencoderKLWan(**VAE).eval()
    image_encoder = CLIPVisionModel(CLIPVisionConfig(**CLIP)).eval()
    for m in (text_encoder, transformer, vae, image_encoder):
        perturb_norms(m, gen)
    with torch.no_grad():
        # as make_tiny_wan: the decoder's last conv scaled and centred so frames span [-1, 1] with little clamping
        z = torch.randn(1, 16, 3, 6, 8, generator=gen)
        seen = []
        hook = vae.decoder.conv_out.register_forward_hook(lambda m, i, o: seen.append(o.detach()))
        vae.decode(z)
        hook.remove()
        raw = torch.cat(seen, 2)
        scale = 0.45 / max(raw.std().item(), 1e-6)
        vae.decoder.conv_out.weight.mul_(scale)
        vae.decoder.conv_out.bias.copy_(-(raw.mean(dim=(0, 2, 3, 4)) - vae.decoder.conv_out.bias) * scale)
        # float16-representable weights: stored as float16 in the pack without changing one value
        for m in (text_encoder, transformer, vae, image_encoder):
            for p in m.parameters():
                p.copy_(p.half().float())
    scheduler = UniPCMultistepScheduler.from_config(json.loads(WAN_SCHEDULER_CONFIG.read_text()))
    pipe = WanImageToVideoPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, scheduler=scheduler,
                                   image_processor=CLIPImageProcessor(**PROCESSOR), image_encoder=image_encoder,
                                   transformer=transformer)
    out = work / "diffusers"
    if out.exists():
        shutil.rmtree(out)
    pipe.save_pretrained(out, safe_serialization=True)
    shutil.copy(WAN_SCHEDULER_CONFIG, out / "scheduler" / "scheduler_config.json")
    # The class name the real checkpoint declares: transformers 5 writes "CLIPImageProcessorPil" when torchvision is
    # absent; "CLIPImageProcessor" loads that same PIL backend then (and the torchvision one where it is installed).
    index = json.loads((out / "model_index.json").read_text())
    index["image_processor"] = ["transformers", "CLIPImageProcessor"]
    (out / "model_index.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--work", type=Path, help="working folder for the diffusers model (default: a temp dir)")
    ap.add_argument("--out", type=Path, default=ROOT / "src/test/resources/packs/wan-i2v-tiny")
    ap.add_argument("--seed", type=int, default=20250310)
    ap.add_argument("--no-export", action="store_true", help="only build the diffusers folder")
    ap.add_argument("--no-reference", action="store_true", help="skip wan_i2v_reference.py")
    args = ap.parse_args()
    src = diffusers_src(args.diffusers_src)
    sys.path.insert(0, src)
    work = args.work or Path(tempfile.mkdtemp(prefix="wan-i2v-tiny-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    model = build(work, args.seed)
    print(f"make_tiny_wan_i2v: diffusers folder {model} ({time.time() - t0:.0f} s)", file=sys.stderr)
    if args.no_export:
        return
    env = dict(os.environ, DIFFUSERS_SRC=src)
    py = sys.executable
    # No step decoder (the window graph decodes the one window an I2V job makes) to keep the fixture under 2 MB.
    subprocess.run([py, str(HERE / "wan_export.py"), str(model), str(args.out), "--precision", "fp32",
                    "--id", "wan-i2v-tiny", "--name", "Wan 2.1 I2V (tiny test model)", "--version", "0.1.0",
                    "--license", "Apache-2.0", "--height", "48", "--width", "64", "--frames", "9",
                    "--steps", "4", "--guidance", "5.0", "--external-data-over-mb", "1024", "--no-vae-step-decoder",
                    "--store-fp16-weights",
                    "--description", "Random-weight Wan 2.1 I2V with the real I/O signature, for tests only; "
                    "made by tools/export/make_tiny_wan_i2v.py"], check=True, env=env)
    if not args.no_reference:
        subprocess.run([py, str(HERE / "wan_i2v_reference.py"), str(model), str(args.out), "--check-pack"],
                       check=True, env=env)


if __name__ == "__main__":
    main()
