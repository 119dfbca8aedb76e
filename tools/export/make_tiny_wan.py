#!/usr/bin/env python3
"""Builds "wan-tiny": a Wan 2.1 text-to-video pipeline made of the REAL diffusers/transformers classes
(WanTransformer3DModel, AutoencoderKLWan, UMT5EncoderModel, a T5 tokenizer.json, Wan 2.1's shipped
UniPC scheduler config) with tiny widths and seeded random weights, saves it as a diffusers folder and
exports it to a Kinora pack with wan_export.py.

    python tools/export/make_tiny_wan.py --diffusers-src /tmp/diffusers/src \
        --spm /tmp/sentencepiece/python/test/test_model.model

diffusers is not a dependency of Kinora and is never copied into the repository: pass the `src` folder
of a diffusers checkout (`git clone https://github.com/huggingface/diffusers` or
`git -C <diffusers> archive HEAD src | tar -x -C /tmp/diffusers`) with --diffusers-src or $DIFFUSERS_SRC.
Also needs torch 2.13, transformers (5.x tested), onnx, onnxruntime, onnxscript, sentencepiece, protobuf,
ftfy, regex, numpy.

Tokenizer. The real UMT5 vocabulary (google/umt5-xxl, 256k pieces, 16 MB tokenizer.json) is far over
the fixture budget and not obtainable offline here, so the tiny pack converts a small REAL SentencePiece
unigram model with transformers' own T5 converter (the same code path that produced Wan's UMT5
tokenizer.json: Unigram model, Metaspace pre-tokenizer, `</s>` appended by TemplateProcessing, `<pad>`
padding, 100 `<extra_id_*>` tokens). The model is sentencepiece's test model (1000 pieces, trained on
"Botchan", Apache-2.0), `python/test/test_model.model` in github.com/google/sentencepiece; pass it with
--spm. Without --spm a small unigram model is trained with `tokenizers` on a built-in text and wrapped
the same way (`--spm` is what the committed fixture used; see the pack's README.md).

Outputs: <work>/diffusers (the diffusers folder) and the pack (default src/test/resources/packs/wan-tiny),
then wan_reference.py writes the reference .npy files beside the pack.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WAN_SCHEDULER_CONFIG = ROOT / "src/test/resources/schedulers/wan2.1-t2v-1.3b.json"

# Tiny widths; every structural choice (patch 1x2x2, qk RMS norm across heads, cross-attn norm, z_dim 16,
# dim_mult [1,2,4,4], 2 res blocks, temporal downsample [F,T,T], gated-gelu UMT5 with 32 relative buckets)
# is the real model's.
TRANSFORMER = dict(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=16, in_channels=16,
                   out_channels=16, text_dim=32, freq_dim=256, ffn_dim=64, num_layers=2, cross_attn_norm=True,
                   qk_norm="rms_norm_across_heads", eps=1e-6, image_dim=None, added_kv_proj_dim=None,
                   rope_max_seq_len=1024)
VAE = dict(base_dim=4, z_dim=16, dim_mult=[1, 2, 4, 4], num_res_blocks=2, attn_scales=[],
           temperal_downsample=[False, True, True], dropout=0.0)  # latents_mean/std: diffusers' defaults = Wan 2.1's
UMT5 = dict(d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4, relative_attention_num_buckets=32,
            relative_attention_max_distance=128, feed_forward_proj="gated-gelu", dropout_rate=0.0,
            layer_norm_epsilon=1e-6, is_encoder_decoder=True, tie_word_embeddings=False)

TRAIN_TEXT = """a cat walks across a sunny garden. a red ball rolls down the hill. waves crash on the rocks at
night. a dog runs after a yellow star over the desert. snow falls slowly on a quiet street. the camera pans
over a city at dawn. birds fly above green fields and a river. a person dances in the rain under neon light."""


def diffusers_src(arg):
    src = arg or os.environ.get("DIFFUSERS_SRC")
    if not src or not (Path(src) / "diffusers" / "__init__.py").is_file():
        sys.exit("make_tiny_wan: give the `src` folder of a diffusers checkout with --diffusers-src or $DIFFUSERS_SRC "
                 "(it must contain diffusers/__init__.py); found " + repr(src))
    return str(Path(src).resolve())


def make_tokenizer(spm, out_dir):
    """A T5 tokenizer saved with save_pretrained (tokenizer.json + tokenizer_config.json)."""
    from transformers import T5Tokenizer
    with tempfile.TemporaryDirectory() as tmp:
        if spm is None:
            spm = Path(tmp) / "spiece.model"
            train_spm(spm)
        shutil.copy(spm, Path(tmp) / "spiece.model")
        tok = T5Tokenizer.from_pretrained(tmp)  # transformers' T5Converter: spiece.model -> tokenizer.json
    tok.model_max_length = 512
    return tok


def train_spm(path):
    import sentencepiece as spm
    text = Path(path).with_suffix(".txt")
    text.write_text("\n".join([TRAIN_TEXT] * 4))
    spm.SentencePieceTrainer.train(input=str(text), model_prefix=str(path.with_suffix("")), vocab_size=200,
                                   model_type="unigram", character_coverage=1.0, pad_id=0, eos_id=1, unk_id=2,
                                   bos_id=-1)


def perturb_norms(module, gen, scale=0.2):
    """Norm gains and biases start at exactly 1 / 0, which would hide a missing multiply or add in an export."""
    import torch
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.ndim <= 1 or "norm" in name or "gamma" in name:
                p.add_(scale * torch.randn(p.shape, generator=gen))


def build(work, spm, seed):
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanPipeline, WanTransformer3DModel
    from transformers import UMT5Config, UMT5EncoderModel

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    tokenizer = make_tokenizer(spm, work)
    text_encoder = UMT5EncoderModel(UMT5Config(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id,
                                               eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.pad_token_id,
                                               **UMT5)).eval()
    transformer = WanTransformer3DModel(**TRANSFORMER).eval()
    vae = AutoencoderKLWan(**VAE).eval()
    for m in (text_encoder, transformer, vae):
        perturb_norms(m, gen)
    with torch.no_grad():
        # Random convolutions shrink or shift the signal; scale and centre the decoder's last conv so frames
        # span the clamp range [-1, 1] with little saturation (a fixture of clamped pixels compares nothing).
        # The probe is read before the clamp: the last conv's output, through a forward hook.
        z = torch.randn(1, 16, 3, 6, 8, generator=gen)
        seen = []
        hook = vae.decoder.conv_out.register_forward_hook(lambda m, i, o: seen.append(o.detach()))
        vae.decode(z)
        hook.remove()
        raw = torch.cat(seen, 2)
        scale = 0.45 / max(raw.std().item(), 1e-6)
        vae.decoder.conv_out.weight.mul_(scale)
        vae.decoder.conv_out.bias.copy_(-(raw.mean(dim=(0, 2, 3, 4)) - vae.decoder.conv_out.bias) * scale)
    scheduler = UniPCMultistepScheduler.from_config(json.loads(WAN_SCHEDULER_CONFIG.read_text()))
    pipe = WanPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, scheduler=scheduler,
                       transformer=transformer)
    out = work / "diffusers"
    if out.exists():
        shutil.rmtree(out)
    pipe.save_pretrained(out, safe_serialization=True)
    # Wan's shipped scheduler config, byte for byte (save_pretrained rewrites _diffusers_version).
    shutil.copy(WAN_SCHEDULER_CONFIG, out / "scheduler" / "scheduler_config.json")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--spm", type=Path, help="a SentencePiece unigram model to convert (see above)")
    ap.add_argument("--work", type=Path, help="working folder for the diffusers model (default: a temp dir)")
    ap.add_argument("--out", type=Path, default=ROOT / "src/test/resources/packs/wan-tiny")
    ap.add_argument("--seed", type=int, default=20250301)
    ap.add_argument("--no-export", action="store_true", help="only build the diffusers folder")
    ap.add_argument("--no-reference", action="store_true", help="skip wan_reference.py")
    args = ap.parse_args()
    src = diffusers_src(args.diffusers_src)
    sys.path.insert(0, src)
    work = args.work or Path(tempfile.mkdtemp(prefix="wan-tiny-"))
    work.mkdir(parents=True, exist_ok=True)
    model = build(work, args.spm, args.seed)
    print(f"make_tiny_wan: diffusers folder {model}", file=sys.stderr)
    if args.no_export:
        return
    env = dict(os.environ, DIFFUSERS_SRC=src)
    py = sys.executable
    subprocess.run([py, str(HERE / "wan_export.py"), str(model), str(args.out), "--precision", "fp32",
                    "--id", "wan-tiny", "--name", "Wan 2.1 T2V (tiny test model)", "--version", "0.1.0",
                    "--license", "Apache-2.0", "--height", "48", "--width", "64", "--frames", "9",
                    "--steps", "5", "--guidance", "5.0", "--external-data-over-mb", "1024",
                    "--description", "Random-weight Wan 2.1 T2V with the real I/O signature, for tests only; "
                    "made by tools/export/make_tiny_wan.py"], check=True, env=env)
    if not args.no_reference:
        subprocess.run([py, str(HERE / "wan_reference.py"), str(model), str(args.out), "--check-pack"], check=True, env=env)


if __name__ == "__main__":
    main()
