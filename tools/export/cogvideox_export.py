#!/usr/bin/env python3
"""Exports a diffusers CogVideoX-2B folder (a CogVideoXPipeline, e.g. THUDM/CogVideoX-2b) to a Kinora pack folder
(pack.json "format 2", family "cogvideox-2b", docs/pack-format-2.md):

    python tools/export/cogvideox_export.py /models/CogVideoX-2b /models/kinora/cogvideox-2b \
        --diffusers-src /tmp/diffusers/src --height 480 --width 720 --frames 49 --precision fp16

diffusers is not a dependency of Kinora and is never copied into this repository: pass the `src` folder of a
diffusers checkout with --diffusers-src or $DIFFUSERS_SRC. Needs torch 2.13 (dynamo ONNX exporter), transformers,
onnx, onnxscript, onnxruntime (its `transformers` optimizer), numpy. The graph passes, fp16 conversion, parity
check and manifest helpers are wan_export.py's.

What it writes:
  text_encoder/model.onnx   T5 encoder (TorchScript exporter, fp32): input_ids [B,S] int64 -> last_hidden_state
                            [B,S,D]. No attention_mask input: CogVideoXPipeline calls the encoder on the 226 padded
                            ids WITHOUT a mask, and the transformer gets no mask either (the padded rows' states
                            take part in the joint attention)
  transformer/model.onnx    CogVideoXTransformer3DModel, batch 1, FIXED size (frame-major latents):
                              hidden_states [1,L,16,h,w], encoder_hidden_states [1,226,D], timestep [1] float32
                              -> noise_pred [1,L,16,h,w] (a v-prediction)
                            Fixed because CogVideoX-2B adds 3D sin-cos positional embeddings computed for the
                            latent size (diffusers recomputes them for any size but the config's 60x90x49; the
                            graph carries them as constants). Classifier-free guidance is two calls (cond, uncond)
  vae_decoder/model.onnx    AutoencoderKLCogVideoX.decode for the pack's FIXED window: latent_sample [1,16,L,h,w]
                            (channel-major, ALREADY multiplied by 1/scaling_factor) -> sample [1,3,4L-3,8h,8w] (L odd), NOT
                            clamped. Inside the graph diffusers' frame batches run unrolled: latent frames in
                            batches of num_latent_frames_batch_size = 2 (with an odd L the first batch takes 3),
                            each batch's causal conv cache fed to the next, outputs concatenated on frames
  tokenizer/tokenizer.json, scheduler/scheduler_config.json, model_index.json (verbatim), pack.json

No VAE encoder: CogVideoXPipeline is text-to-video only (CogVideoXImageToVideoPipeline is the 5B-I2V model's, with
32 input channels and learned positional embeddings; it is another family).

Each graph is compared with torch on ORT (CPU) before the pack is written (--parity-tolerance; fp16 checked at
5e-2 and reported).
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
TEXT_LEN = 226
FAMILY = "cogvideox-2b"


def log(msg):
    print(f"cogvideox_export: {msg}", file=sys.stderr, flush=True)


common.log = log


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

        def forward(self, hidden_states, encoder_hidden_states, timestep):
            return self.m(hidden_states=hidden_states, encoder_hidden_states=encoder_hidden_states,
                          timestep=timestep, return_dict=False)[0]

    class VaeDecoder(torch.nn.Module):
        def __init__(self, vae):
            super().__init__()
            self.vae = vae

        def forward(self, latent_sample):
            return self.vae.decode(latent_sample, return_dict=False)[0]

    return TextEncoder, Transformer, VaeDecoder


def frame_batches(L, size=2):
    """diffusers' AutoencoderKLCogVideoX._decode batching: [(start, end), ...] over latent frames."""
    n = max(L // size, 1)
    rem = L % size
    return [(size * i + (0 if i == 0 else rem), size * (i + 1) + rem) for i in range(n)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="diffusers CogVideoX-2B folder (model_index.json, transformer/, vae/, ...)")
    ap.add_argument("out", type=Path, help="pack folder to write (replaced)")
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--height", type=int, default=480, help="the pack's frame height (multiple of 16)")
    ap.add_argument("--width", type=int, default=720, help="the pack's frame width (multiple of 16)")
    ap.add_argument("--frames", type=int, default=49, help="frames per window, 4L-3 with L odd: fixes L for both graphs")
    ap.add_argument("--fps", type=float, default=8.0, help="CogVideoX-2B's frame rate (export_to_video fps=8)")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--guidance", type=float, default=6.0, help="CogVideoXPipeline's default guidance_scale")
    ap.add_argument("--precision", choices=["fp16", "fp32"], default="fp16",
                    help="the transformer's weights and arithmetic (inputs and outputs stay float32); the T5 encoder "
                         "and the VAE stay fp32 (T5 overflows float16 in its feed-forward activations)")
    ap.add_argument("--external-data-over-mb", type=float, default=256.0)
    ap.add_argument("--no-fusion", action="store_true", help="skip the attention rewrite and ORT's optimizer")
    ap.add_argument("--parity-tolerance", type=float, default=1e-4, help="max |ORT - torch| for fp32 graphs")
    ap.add_argument("--id", default="cogvideox-2b")
    ap.add_argument("--name", default="CogVideoX-2B")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--license", default="Apache-2.0 (CogVideoX-2B, see the model card)")
    ap.add_argument("--description", default="CogVideoX-2B text-to-video, exported from diffusers by "
                                             "tools/export/cogvideox_export.py")
    args = ap.parse_args()

    # F = 4L - 3 only for an odd L: diffusers decodes latent frames in batches of 2 (the first takes 3 when L is
    # odd), and the decoder's temporal upsampling keeps the first frame of a batch only when the batch is odd, so an
    # even L decodes to 4L frames (measured: L = 4 gives 16, not 13). CogVideoX-2B's 49 frames are L = 13.
    if args.frames % 8 != 1 or args.height % 16 or args.width % 16:
        sys.exit("cogvideox_export: --frames must be 8k+1 (9, 17, 25, ..., 49: an odd number of latent frames) and "
                 "--height/--width multiples of 16")
    t_start = time.time()
    diffusers = common.import_diffusers(args.diffusers_src, "cogvideox_export")
    import onnx
    import onnxruntime
    import torch
    import transformers
    from diffusers import AutoencoderKLCogVideoX, CogVideoXTransformer3DModel
    from transformers import AutoConfig, T5EncoderModel

    model_dir = args.model
    index = json.loads((model_dir / "model_index.json").read_text())
    if index.get("_class_name") != "CogVideoXPipeline":
        sys.exit(f"cogvideox_export: {model_dir} is a {index.get('_class_name')}; this tool exports CogVideoXPipeline folders")
    sched_cfg = json.loads((model_dir / "scheduler/scheduler_config.json").read_text())
    if sched_cfg.get("_class_name") != "CogVideoXDDIMScheduler":
        sys.exit(f"cogvideox_export: scheduler {sched_cfg.get('_class_name')}; family cogvideox-2b runs CogVideoXDDIMScheduler")
    torch.manual_seed(0)
    TextEncoder, Transformer, VaeDecoderW = wrappers()
    te_cfg = AutoConfig.from_pretrained(model_dir / "text_encoder")
    transformer = CogVideoXTransformer3DModel.from_pretrained(model_dir / "transformer", torch_dtype=torch.float32).eval()
    vae = AutoencoderKLCogVideoX.from_pretrained(model_dir / "vae", torch_dtype=torch.float32).eval()
    tcfg, vcfg = transformer.config, vae.config
    if tcfg.use_rotary_positional_embeddings or tcfg.use_learned_positional_embeddings or tcfg.patch_size_t is not None:
        sys.exit("cogvideox_export: this transformer uses RoPE, learned positions or a temporal patch (CogVideoX-5B / "
                 "1.5); family cogvideox-2b is the sin-cos, 2x2-patch 1.0 model")
    if tcfg.max_text_seq_length != TEXT_LEN:
        sys.exit(f"cogvideox_export: max_text_seq_length {tcfg.max_text_seq_length}; the family's text is {TEXT_LEN} tokens")
    s_s = 2 ** (len(vcfg.block_out_channels) - 1)  # CogVideoXPipeline.vae_scale_factor_spatial
    s_t = int(vcfg.temporal_compression_ratio)
    C = tcfg.in_channels
    p = tcfg.patch_size
    L = (args.frames - 1) // s_t + 1
    lh, lw = args.height // s_s, args.width // s_s
    if lh % p or lw % p:
        sys.exit(f"cogvideox_export: latent {lh}x{lw} is not a multiple of the patch {p}")
    D = te_cfg.d_model
    heads, head_dim = tcfg.num_attention_heads, tcfg.attention_head_dim
    if tcfg.text_embed_dim != D or vcfg.latent_channels != C:
        sys.exit(f"cogvideox_export: text_embed_dim {tcfg.text_embed_dim} vs T5 d_model {D}, in_channels {C} vs latent "
                 f"channels {vcfg.latent_channels}")

    out = args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tmp = Path(tempfile.mkdtemp(prefix="cogvideox-export-"))
    report = {"fusions": {}, "parity": {}, "precision": {}, "seconds": {}}
    rng = np.random.default_rng(0)

    graphs = common.PackGraphs("cogvideox_export", out, args, report, attention=(heads, head_dim))
    finish = graphs.finish

    # 1. text encoder: input_ids only (see the docstring), dynamic batch and sequence (the pipeline pads to 226).
    # The TorchScript exporter, as for Wan's UMT5 and LTX's T5 (the dynamo exporter fails on transformers' T5
    # attention views).
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

    # 2. transformer: batch 1, fixed size (the sin-cos positional embeddings are constants of the latent size).
    # diffusers recomputes the sin-cos table inside forward for any size but the config's, writing into a fresh
    # tensor (`.data[...].copy_`), which torch.export refuses ("Constant ... is mutated in the forward method").
    # Computing the same table once, eagerly, with diffusers' own function and storing it as the buffer forward
    # uses when the size matches, gives the graph the identical constant (checked: the reference's --check-pack
    # compares this graph with the unmodified pipeline).
    t0 = time.time()
    pe = transformer.patch_embed
    pe.sample_height, pe.sample_width, pe.sample_frames = lh, lw, args.frames
    pe.pos_embedding = pe._get_positional_embeddings(lh, lw, args.frames)
    tr = Transformer(transformer).eval()

    def tr_feeds(t):
        return {"hidden_states": rng.standard_normal((1, L, C, lh, lw)).astype(np.float32),
                "encoder_hidden_states": rng.standard_normal((1, TEXT_LEN, D)).astype(np.float32),
                "timestep": np.array([t], np.float32)}
    ex = tr_feeds(999.0)
    common.export_graph(tr, tuple(torch.from_numpy(v) for v in ex.values()), tmp / "tr.onnx",
                        ["hidden_states", "encoder_hidden_states", "timestep"], ["noise_pred"])
    tr_model = finish("transformer", tmp / "tr.onnx", args.precision, [tr_feeds(999.0), tr_feeds(399.0)], tr, fuse=True)
    del tr, transformer
    gc.collect()
    report["seconds"]["transformer"] = round(time.time() - t0, 1)

    # 3. VAE decoder at the fixed window (diffusers' frame batches and conv cache unrolled inside).
    t0 = time.time()
    dec = VaeDecoderW(vae).eval()
    latent_shape = (1, C, L, lh, lw)

    def dec_feeds():
        return {"latent_sample": (rng.standard_normal(latent_shape) / vcfg.scaling_factor).astype(np.float32)}
    common.export_graph(dec, (torch.from_numpy(dec_feeds()["latent_sample"]),), tmp / "dec.onnx", ["latent_sample"],
                        ["sample"])
    dec_model = finish("vae_decoder", tmp / "dec.onnx", "fp32", [dec_feeds(), dec_feeds()], dec)
    report["seconds"]["vae_decoder"] = round(time.time() - t0, 1)
    shutil.rmtree(tmp, ignore_errors=True)

    # 4. verbatim files
    (out / "tokenizer").mkdir()
    shutil.copy(model_dir / "tokenizer/tokenizer.json", out / "tokenizer/tokenizer.json")
    (out / "scheduler").mkdir()
    shutil.copy(model_dir / "scheduler/scheduler_config.json", out / "scheduler/scheduler_config.json")
    shutil.copy(model_dir / "model_index.json", out / "model_index.json")
    tok = json.loads((out / "tokenizer/tokenizer.json").read_text())
    added = {t["content"]: t["id"] for t in tok.get("added_tokens", [])}

    # 5. manifest
    onnx_component = graphs.component

    components = {
        "text_encoder": onnx_component("text_encoder", te_model, {"input_ids": "input_ids", "last_hidden_state": "hidden_states"}),
        "tokenizer": common.file_entry(out, "tokenizer/tokenizer.json"),
        "denoiser": onnx_component("transformer", tr_model, {
            "hidden_states": "sample", "encoder_hidden_states": "text_embeds", "timestep": "timestep",
            "noise_pred": "prediction"}),
        "vae_decoder": onnx_component("vae_decoder", dec_model, {"latent_sample": "latent", "sample": "sample"}),
    }
    components["denoiser"]["layout"] = "BFCHW"
    components["vae_decoder"]["layout"] = "BCFHW"
    components["scheduler"] = common.file_entry(out, "scheduler/scheduler_config.json")
    components["model_index"] = common.file_entry(out, "model_index.json")

    manifest = {
        "format": 2,
        "layout": "diffusers",
        "family": FAMILY,
        "id": args.id, "name": args.name, "version": args.version, "license": args.license,
        "description": args.description,
        "modes": ["generate"],
        "width": args.width, "height": args.height, "frames": args.frames, "fps": args.fps,
        # frame-major: the transformer's latents are [B, L, C, h, w] (CogVideoXPipeline.prepare_latents); the VAE's
        # are channel-major [B, C, L, h, w] after the pipeline's permute
        "latent": {"channels": C, "frames": L, "height": lh, "width": lw, "spatialStride": s_s, "temporalStride": s_t,
                   "temporal": "causal", "multipleOf": [1, p, p], "order": "FCHW",
                   "scalingFactor": float(vcfg.scaling_factor),
                   "statistics": "vae config scaling_factor (no per-channel mean/std, no shift_factor)"},
        "positions": {"kind": "sincos3d", "baked": True, "fixedSize": [L, lh, lw], "textTokens": TEXT_LEN,
                      "spatialInterpolationScale": float(tcfg.spatial_interpolation_scale),
                      "temporalInterpolationScale": float(tcfg.temporal_interpolation_scale)},
        "prediction": "v_prediction",
        "defaults": {"steps": args.steps, "guidance": args.guidance, "dynamicGuidance": False, "eta": 0.0},
        "text": {"maxTokens": TEXT_LEN, "pooling": "none", "dim": D, "padding": "max_length", "truncation": True,
                 "padTokenId": added.get("<pad>"), "eosTokenId": added.get("</s>"), "clean": "none",
                 "zeroPadded": False, "encoderMask": False, "denoiserMask": False, "negative": "encode"},
        "vae": {"kind": "cogvideox3d", "latentFrames": L, "frames": args.frames, "decode": "window",
                "causalDecode": True, "frameBatch": 2, "frameBatches": [list(b) for b in frame_batches(L)],
                "batchedInGraph": True, "input": "latents*(1/scalingFactor)", "pixelRange": [-1.0, 1.0],
                "clamped": False},
        "components": components,
        "extraFiles": [common.file_entry(out, str(q.relative_to(out))) for q in graphs.extra],
    }

    git_rev = None
    src = Path(diffusers.__file__).resolve().parents[2]
    if (src / ".git").exists():
        git_rev = os.popen(f"git -C {src} rev-parse HEAD 2>/dev/null").read().strip() or None
    report["seconds"]["total"] = round(time.time() - t_start, 1)
    report.update({
        "tool": "tools/export/cogvideox_export.py",
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
    total = sum(q.stat().st_size for q in out.rglob("*") if q.is_file())
    log(f"wrote {out} ({total / 1e6:.2f} MB) in {time.time() - t_start:.0f} s")


if __name__ == "__main__":
    main()
