#!/usr/bin/env python3
"""Builds "animatediff-tiny": an AnimateDiff (Stable Diffusion 1.5 + motion module) text-to-video pipeline made of the
REAL diffusers/transformers classes (UNet2DConditionModel + MotionAdapter joined by UNetMotionModel.from_unet2d,
CLIPTextModel, a CLIP byte-level BPE tokenizer.json, AutoencoderKL, the DDIM config AnimateDiff's own repository runs)
with tiny widths and seeded random weights, saves it as a diffusers folder and exports it to a Kinora pack with
animatediff_export.py, then writes the reference with animatediff_reference.py.

    python tools/export/make_tiny_animatediff.py --diffusers-src /tmp/diffusers/src

diffusers is not a dependency of Kinora and is never copied into the repository: pass the `src` folder of a
diffusers checkout with --diffusers-src or $DIFFUSERS_SRC (see make_tiny_wan.py). Needs torch 2.13, transformers
(5.x tested), tokenizers, onnx, onnxruntime, onnxscript, numpy.

Tokenizer. The real one (openai/clip-vit-large-patch14 as SD 1.5 ships it: 49,408 tokens, byte-level BPE, a 2.2 MB
tokenizer.json) cannot be fetched here, and its 49,408-row embedding alone would be over the fixture's budget, so a
tiny vocabulary is trained with the `tokenizers` library on a built-in text and laid out as CLIP lays out its own:
the 256 byte symbols (bytes_to_unicode order), the same 256 with "</w>", one token per merge in merge order, then
<|startoftext|> and <|endoftext|> last. transformers' CLIPTokenizer is then built from that vocab and those merges,
so tokenizer.json has CLIP's exact pipeline (NFC + whitespace collapse + lower case, CLIP's split regex, byte-level,
BPE with end-of-word suffix "</w>", RobertaProcessing adding <|startoftext|> ... <|endoftext|>); pad = <|endoftext|>
as SD 1.5's tokenizer; model_max_length 77.

Structure. Every choice that is not a width is the real one's (SD 1.5 + guoyww/animatediff-motion-adapter-v1-5-2;
docs/models.md lists the real widths; --real-sizes counts the real models' parameters from their configs):
  unet          UNetMotionModel.from_unet2d(UNet2DConditionModel, MotionAdapter): SD 1.5's CrossAttnDownBlock2D /
                DownBlock2D levels (tiny: 2 levels of 1 layer, real: 4 of 2) each with motion modules (temporal
                self-attention over the frames with sinusoidal positions, max_seq_length 32), a motion mid block,
                "attention_head_dim" = heads (SD's naming), cross-attention on CLIP's 77 tokens; sample [B,4,F,h,w]
  text_encoder  CLIPTextModel: causal, quick_gelu, 77 positions; the pipeline takes last_hidden_state, no mask
  vae           AutoencoderKL: 4 levels (8x spatial), 4 latent channels, scaling_factor 0.18215; decoded per frame
  scheduler     DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="linear", steps_offset=1,
                clip_sample=False) -- noise_scheduler_kwargs of guoyww/AnimateDiff's configs/inference/inference-v*.yaml,
                the rest diffusers' defaults (timestep_spacing "leading", set_alpha_to_one true, epsilon)

GroupNorm groups: 8 (not SD's 32) so each group has several channels at these widths; with one channel per group
the time embedding, added per channel right before a norm, would cancel exactly (svd_reference.py measured that on
svd-tiny) and the fixture could not tell two timesteps apart. Norm gains/biases and every 1-d parameter are perturbed
(make_tiny_wan.perturb_norms); the VAE decoder's last convolution is rescaled on the reference job's own final
latents so its frames span [-1, 1] without saturating; then every weight is rounded to a float16-representable value
so the export stores it as float16 losslessly (animatediff_export.py --store-fp16-weights; arithmetic stays float32).

Outputs: <work>/diffusers (the diffusers folder) and the pack (default src/test/resources/packs/animatediff-tiny: 48x32,
a window of 8 frames -- the real motion module's is 16; 8 keep the reference under the fixture budget --, decode
chunks of 5 so the reference decodes 5 + 3), then animatediff_reference.py writes the reference beside the pack.
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

# guoyww/AnimateDiff configs/inference/inference-v1.yaml .. v3.yaml, noise_scheduler_kwargs (DDIMScheduler(**kwargs)).
GUOYWW_DDIM = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="linear", steps_offset=1, clip_sample=False)

# Real SD 1.5 UNet: block_out_channels (320, 640, 1280, 1280), down 3x CrossAttnDownBlock2D + DownBlock2D,
# layers_per_block 2, attention_head_dim 8, cross_attention_dim 768, norm_num_groups 32, sample_size 64.
UNET = dict(sample_size=4, in_channels=4, out_channels=4, down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
            up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), block_out_channels=(32, 32), layers_per_block=1,
            attention_head_dim=2, cross_attention_dim=32, norm_num_groups=8)
# Real guoyww/animatediff-motion-adapter-v1-5-2: block_out_channels as the UNet's, motion_layers_per_block 2,
# motion_num_attention_heads 8, motion_norm_num_groups 32, motion_max_seq_length 32, use_motion_mid_block true.
MOTION = dict(block_out_channels=(32, 32), motion_layers_per_block=1, motion_mid_block_layers_per_block=1,
              motion_num_attention_heads=2, motion_norm_num_groups=8, motion_max_seq_length=32, use_motion_mid_block=True)
# Real SD 1.5 VAE: block_out_channels (128, 256, 512, 512), layers_per_block 2, norm_num_groups 32, sample_size 512.
VAE = dict(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 4,
           up_block_types=("UpDecoderBlock2D",) * 4, block_out_channels=(16, 16, 16, 16), layers_per_block=1,
           latent_channels=4, norm_num_groups=8, sample_size=64, scaling_factor=0.18215)
# Real CLIP ViT-L/14 text: hidden 768, intermediate 3072, 12 layers, 12 heads, vocab 49408, quick_gelu, 77 positions.
CLIP = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2, max_position_embeddings=77,
            hidden_act="quick_gelu", layer_norm_eps=1e-5, projection_dim=32)
TEXT_LEN = 77

REAL = dict(
    unet=dict(sample_size=64, in_channels=4, out_channels=4, block_out_channels=(320, 640, 1280, 1280), layers_per_block=2,
              down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
              up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3, attention_head_dim=8, cross_attention_dim=768),
    motion=dict(block_out_channels=(320, 640, 1280, 1280), motion_layers_per_block=2, motion_num_attention_heads=8,
                motion_norm_num_groups=32, motion_max_seq_length=32, use_motion_mid_block=True),
    vae=dict(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 4,
             up_block_types=("UpDecoderBlock2D",) * 4, block_out_channels=(128, 256, 512, 512), layers_per_block=2,
             latent_channels=4, sample_size=512),
    clip=dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
              max_position_embeddings=77, hidden_act="quick_gelu", vocab_size=49408, projection_dim=768),
)

TRAIN_TEXT = """a cat walks across a sunny garden. a red ball rolls down the hill. waves crash on the rocks at
night. a dog runs after a yellow star over the desert. snow falls slowly on a quiet street. the camera pans
over a city at dawn. birds fly above green fields and a river. a person dances in the rain under neon light.
a corgi walking in the park, masterpiece, best quality, highly detailed. a panda eating bamboo on a rock.
low quality, worst quality, blurry, watermark, text. fireworks over the harbour, 4k, cinematic lighting."""


def bytes_to_unicode():
    """CLIP's (and GPT-2's) byte -> printable character table, in CLIP's vocabulary order."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def make_tokenizer(vocab_size=800):
    """A CLIP tokenizer (transformers' CLIPTokenizer) over a tiny BPE vocabulary in CLIP's layout."""
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, trainers
    from transformers import CLIPTokenizer
    trainer_tok = Tokenizer(models.BPE(end_of_word_suffix="</w>", continuing_subword_prefix=""))
    trainer_tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "),
                                                   normalizers.Lowercase()])
    trainer_tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""),
                             behavior="removed", invert=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False)])
    base = list(bytes_to_unicode().values())
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, initial_alphabet=base, end_of_word_suffix="</w>",
                                  show_progress=False, min_frequency=2)
    trainer_tok.train_from_iterator([TRAIN_TEXT] * 4, trainer=trainer)
    trained = json.loads(trainer_tok.to_str())["model"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in trained["merges"]]
    vocab = {}
    for s in base + [b + "</w>" for b in base]:
        vocab.setdefault(s, len(vocab))
    kept = []
    for a, b in merges:
        if a in vocab and b in vocab and a + b not in vocab:
            vocab[a + b] = len(vocab)
            kept.append((a, b))
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    tok = CLIPTokenizer(vocab=vocab, merges=kept)
    tok.model_max_length = TEXT_LEN
    return tok


def round_fp16(*modules):
    import torch
    with torch.no_grad():
        for m in modules:
            for p in m.parameters():
                p.copy_(p.half().float())


def build(work, seed):
    import torch
    from diffusers import (AnimateDiffPipeline, AutoencoderKL, DDIMScheduler, MotionAdapter, UNet2DConditionModel,
                           UNetMotionModel)
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    tokenizer = make_tokenizer()
    vocab = len(tokenizer)
    bos, eos = tokenizer.convert_tokens_to_ids(["<|startoftext|>", "<|endoftext|>"])
    text_encoder = CLIPTextModel(CLIPTextConfig(vocab_size=vocab, bos_token_id=bos, eos_token_id=eos, pad_token_id=eos,
                                                **CLIP)).eval()
    unet2d = UNet2DConditionModel(**UNET).eval()
    adapter = MotionAdapter(**MOTION).eval()
    vae = AutoencoderKL(**VAE).eval()
    for m in (text_encoder, unet2d, adapter, vae):
        perturb_norms(m, gen)
    unet = UNetMotionModel.from_unet2d(unet2d, adapter).eval()
    round_fp16(text_encoder, unet, vae)
    scheduler = DDIMScheduler(**GUOYWW_DDIM)
    pipe = AnimateDiffPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet, motion_adapter=None,
                               scheduler=scheduler)
    pipe.set_progress_bar_config(disable=True)
    calibrate_decoder(pipe, gen)
    round_fp16(vae)
    # encode_prompt's calls leave max_length padding and truncation set on the backend; the real tokenizer.json has
    # neither (the pipeline asks for them per call), so neither does this one
    tokenizer.backend_tokenizer.no_truncation()
    tokenizer.backend_tokenizer.no_padding()
    out = work / "diffusers"
    if out.exists():
        shutil.rmtree(out)
    pipe.save_pretrained(out, safe_serialization=True)
    return out


def calibrate_decoder(pipe, gen):
    """Scale and centre the decoder's last conv on the reference job's own final latents, so its frames span
    [-1, 1] with little saturation (random convolutions shrink or shift the signal; a fixture of clamped pixels
    compares nothing). The probe is the last conv's output, read through a forward hook."""
    import torch
    from animatediff_reference import CASE, case_noise
    with torch.no_grad():
        z = pipe(CASE["prompt"], negative_prompt=CASE["negative_prompt"], num_frames=CASE["frames"], height=CASE["height"],
                 width=CASE["width"], num_inference_steps=CASE["steps"], guidance_scale=CASE["guidance"],
                 latents=case_noise(pipe, CASE), output_type="latent").frames
        f = z.shape[2]
        z = (1 / pipe.vae.config.scaling_factor) * z[0].permute(1, 0, 2, 3)
        seen = []
        conv = pipe.vae.decoder.conv_out
        hook = conv.register_forward_hook(lambda m, i, o: seen.append(o.detach()))
        pipe.vae.decode(z)
        hook.remove()
        raw = seen[0]
        scale = 0.45 / max(raw.std().item(), 1e-6)
        conv.weight.mul_(scale)
        conv.bias.copy_(-(raw.mean(dim=(0, 2, 3)) - conv.bias) * scale)
    print(f"make_tiny_animatediff: decoder calibrated on {f} frames (raw std {raw.std().item():.3g}, x{scale:.3g})",
          file=sys.stderr)


def real_sizes():
    """Parameter counts of the real models, instantiated from their configs on the meta device (no weights)."""
    import torch
    from diffusers import AutoencoderKL, MotionAdapter, UNet2DConditionModel, UNetMotionModel
    from transformers import CLIPTextConfig, CLIPTextModel
    with torch.device("meta"):
        unet2d = UNet2DConditionModel(**REAL["unet"])
        adapter = MotionAdapter(**REAL["motion"])
        unet = UNetMotionModel.from_unet2d(unet2d, adapter, load_weights=False)
        vae = AutoencoderKL(**REAL["vae"])
        clip = CLIPTextModel(CLIPTextConfig(**REAL["clip"]))

    def n(m):
        return sum(p.numel() for p in m.parameters())
    sizes = {"unet2d": n(unet2d), "motion_adapter": n(adapter), "unet_motion": n(unet), "vae_decoder":
             n(vae.decoder) + n(vae.post_quant_conv), "vae_encoder": n(vae.encoder) + n(vae.quant_conv), "text_encoder": n(clip)}
    for k, v in sizes.items():
        print(f"{k}: {v:,} parameters = {v * 2 / 1e9:.3f} GB fp16, {v * 4 / 1e9:.3f} GB fp32")
    return sizes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--work", type=Path, help="working folder for the diffusers model (default: a temp dir)")
    ap.add_argument("--out", type=Path, default=ROOT / "src/test/resources/packs/animatediff-tiny")
    ap.add_argument("--seed", type=int, default=20250310)
    ap.add_argument("--no-export", action="store_true", help="only build the diffusers folder")
    ap.add_argument("--no-reference", action="store_true", help="skip animatediff_reference.py")
    ap.add_argument("--real-sizes", action="store_true", help="only print the real models' parameter counts")
    args = ap.parse_args()
    src = diffusers_src(args.diffusers_src)
    sys.path.insert(0, src)
    if args.real_sizes:
        real_sizes()
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="animatediff-tiny-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    model = build(work, args.seed)
    print(f"make_tiny_animatediff: diffusers folder {model} ({time.time() - t0:.0f} s)", file=sys.stderr)
    if args.no_export:
        return
    env = dict(os.environ, DIFFUSERS_SRC=src)
    py = sys.executable
    t0 = time.time()
    subprocess.run([py, str(HERE / "animatediff_export.py"), str(model), str(args.out), "--precision", "fp32",
                    "--id", "animatediff-tiny", "--name", "AnimateDiff SD 1.5 (tiny test model)", "--version", "0.1.0",
                    "--license", "Apache-2.0", "--height", "32", "--width", "48", "--frames", "8",
                    "--steps", "4", "--guidance", "7.5", "--decode-chunk-size", "5", "--store-fp16-weights",
                    "--description", "Random-weight AnimateDiff (SD 1.5 + motion module) with the real I/O signature, for "
                    "tests only; made by tools/export/make_tiny_animatediff.py"], check=True, env=env)
    print(f"make_tiny_animatediff: export {time.time() - t0:.0f} s", file=sys.stderr)
    if not args.no_reference:
        t0 = time.time()
        subprocess.run([py, str(HERE / "animatediff_reference.py"), str(model), str(args.out), "--check-pack"], check=True,
                       env=env)
        print(f"make_tiny_animatediff: reference {time.time() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
