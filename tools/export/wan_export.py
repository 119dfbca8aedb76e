#!/usr/bin/env python3
"""Exports a diffusers Wan 2.1 text-to-video folder (e.g. Wan-AI/Wan2.1-T2V-1.3B-Diffusers) or image-to-video
folder (WanImageToVideoPipeline, e.g. Wan-AI/Wan2.1-I2V-14B-480P-Diffusers) to a Kinora pack folder (pack.json
"format 2", docs/pack-format-2.md):

    python tools/export/wan_export.py /models/Wan2.1-T2V-1.3B-Diffusers /models/kinora/wan2.1-t2v-1.3b \
        --diffusers-src /tmp/diffusers/src --height 480 --width 832 --frames 81 --precision fp16

diffusers is not a dependency of Kinora and is never copied into this repository: pass the `src` folder of a
diffusers checkout with --diffusers-src or $DIFFUSERS_SRC (`git -C <diffusers> archive HEAD src | tar -x -C
/tmp/diffusers`). Needs torch 2.13 (dynamo ONNX exporter), transformers, onnx, onnxscript, onnxruntime
(its `transformers` optimizer), numpy.

What it writes:
  text_encoder/model.onnx   UMT5 encoder (TorchScript exporter, fp32): input_ids, attention_mask [B,S] int64 ->
                            last_hidden_state [B,S,D]; B and S dynamic
  transformer/model.onnx    WanTransformer3DModel: hidden_states [B,16,F,h,w], timestep [B] (float32, the
                            scheduler's timestep value), encoder_hidden_states [B,512,D] -> noise_pred [B,16,F,h,w];
                            B, F, h, w dynamic (h, w even)
  vae_decoder/model.onnx    AutoencoderKLWan.decode for a FIXED latent window L: latent_sample [B,16,L,h,w]
                            (raw VAE latent, z*std + mean already applied) -> sample [B,3,4L-3,8h,8w] in [-1,1]
  vae_encoder/model.onnx    AutoencoderKLWan._encode for a FIXED 4L-3 frames: sample [B,3,4L-3,H,W] in [-1,1]
                            -> latent_parameters [B,32,L,H/8,W/8] (channels 0-15 mean, 16-31 log-variance)
                            (both VAE graphs at the pack's size, or any size with --vae-dynamic-size)
  tokenizer/tokenizer.json, scheduler/scheduler_config.json, model_index.json (verbatim), pack.json (with what
  was fused and the parity measured under "export")

Image to video (the folder's model_index.json names WanImageToVideoPipeline; family "wan2.1-i2v", mode animate):
  transformer/model.onnx    hidden_states [B,36,F,h,w] (noisy latents 16 + mask 4 + image-condition latents 16,
                            concatenated on channels as the pipeline does), timestep [B], encoder_hidden_states
                            [B,512,D], encoder_hidden_states_image [B,257,Dimg] -> noise_pred [B,16,F,h,w]
  image_encoder/model.onnx  CLIPVisionModel: pixel_values [B,3,224,224] -> image_states [B,257,Dimg], the
                            pipeline's hidden_states[-2] (the penultimate layer's output, no post-layernorm)
  image_processor/preprocessor_config.json  verbatim; its values are also written to pack.json "image" (the
                            exporter refuses a config whose steps Kinora does not implement)
  The VAE encoder is required (it encodes the condition video [image, zeros...]).

--store-fp16-weights (fixtures): float32 weights that float16 holds exactly are stored as float16 initialisers with
a Cast to float32 in the graph (store_fp16_weights; the arithmetic stays float32, not one value moves).

Graph passes: the dynamo exporter (opset 18) writes attention as MatMul/Softmax/MatMul, which materialises every
score (Wan 1.3B at 480p x 81 frames: 12 heads x 32760^2 floats per layer). ONNX Runtime's transformer optimizer
has no pattern for it (its MMDiT/BERT attention fusions match TorchScript exports of other models), so this tool
rewrites each Softmax(MatMul(Q*c, K^T*c)) @ V into com.microsoft.MultiHeadAttention (flash/memory-efficient
kernels on CUDA; on CPU a 9,216-token tiny transformer peaks at 78 MB instead of 1,451 MB), after running the
optimizer (model_type "mmdit") for its RMSNorm/LayerNorm/Gelu fusions. Everything fused is reported in pack.json's "export". Each graph is compared with torch on ORT (CPU) before
the pack is written (--parity-tolerance; fp16 graphs are checked at 5e-2 and the error reported).
"""
import argparse
import datetime
import gc
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

OPSET = 18
TEXT_LEN = 512
MS_DOMAIN = "com.microsoft"


def log(msg):
    print(f"wan_export: {msg}", file=sys.stderr, flush=True)


def import_diffusers(arg, tool="wan_export"):
    """diffusers from --diffusers-src or $DIFFUSERS_SRC (a checkout's src folder; never installed or committed)."""
    src = arg or os.environ.get("DIFFUSERS_SRC")
    if src:
        if not (Path(src) / "diffusers" / "__init__.py").is_file():
            sys.exit(f"{tool}: {src} is not a diffusers `src` folder (no diffusers/__init__.py)")
        sys.path.insert(0, str(Path(src).resolve()))
    try:
        import diffusers  # noqa: F401
    except ImportError:
        sys.exit(f"{tool}: diffusers is needed here: pass --diffusers-src <diffusers>/src or set "
                 "DIFFUSERS_SRC (git -C <diffusers> archive HEAD src | tar -x -C /tmp/diffusers)")
    return diffusers


def save_npy(folder, name, array, files):
    """A reference array as <folder>/<name>.npy (float64 stored as float32, as the engine reads it), listed in
    `files` with its shape and dtype."""
    array = np.ascontiguousarray(array)
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    np.save(folder / f"{name}.npy", array)
    files[f"{name}.npy"] = {"shape": list(array.shape), "dtype": str(array.dtype)}


# ----------------------------------------------------------------------------------------------- torch wrappers

def wrappers():
    import torch

    class TextEncoder(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    class Transformer(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, hidden_states, timestep, encoder_hidden_states):
            return self.m(hidden_states=hidden_states, timestep=timestep, encoder_hidden_states=encoder_hidden_states,
                          return_dict=False)[0]

    class VaeDecoder(torch.nn.Module):
        """diffusers' AutoencoderKLWan._decode: post_quant_conv, one causal step per latent frame, clamp."""

        def __init__(self, vae):
            super().__init__()
            self.vae = vae

        def forward(self, latent_sample):
            return self.vae.decode(latent_sample, return_dict=False)[0]

    class VaeEncoder(torch.nn.Module):
        """diffusers' AutoencoderKLWan._encode: frame 0, then chunks of 4 frames through the causal cache."""

        def __init__(self, vae):
            super().__init__()
            self.vae = vae

        def forward(self, sample):
            return self.vae._encode(sample)

    return TextEncoder, Transformer, VaeDecoder, VaeEncoder


def i2v_wrappers():
    import torch

    class TransformerI2V(torch.nn.Module):
        """The I2V transformer: the image tokens go in beside the 512 text tokens (the model splits them off again as
        the first len - 512 tokens of its cross-attention context, so the text must be exactly 512)."""

        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, hidden_states, timestep, encoder_hidden_states, encoder_hidden_states_image):
            return self.m(hidden_states=hidden_states, timestep=timestep, encoder_hidden_states=encoder_hidden_states,
                          encoder_hidden_states_image=encoder_hidden_states_image, return_dict=False)[0]

    class ImageEncoder(torch.nn.Module):
        """WanImageToVideoPipeline.encode_image: image_encoder(pixel_values, output_hidden_states=True).hidden_states[-2];
        the last layer and the post-layernorm are dead code in this graph (the exporter drops them)."""

        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, pixel_values):
            return self.m(pixel_values=pixel_values, output_hidden_states=True).hidden_states[-2]

    return TransformerI2V, ImageEncoder


# The CLIPImageProcessor steps Kinora implements (engine.model.ClipPilPreprocessor), by preprocessor_config.json key.
CLIP_PROCESSOR_EXPECTED = {"do_resize": True, "do_center_crop": True, "do_rescale": True, "do_normalize": True,
                           "do_convert_rgb": True, "resample": 3}


def clip_image_block(cfg, encoder_cfg, tokens):
    """pack.json "image" for family wan2.1-i2v from the checkpoint's image_processor/preprocessor_config.json; exits
    naming the key when the config asks for a step Kinora does not run."""
    for k, v in CLIP_PROCESSOR_EXPECTED.items():
        if cfg.get(k, v) != v:
            sys.exit(f"wan_export: image_processor {k}={cfg.get(k)!r} is not supported (Kinora implements {v!r})")
    size, crop = cfg.get("size", {}), cfg.get("crop_size", {})
    if set(size) != {"shortest_edge"} or set(crop) != {"height", "width"}:
        sys.exit(f"wan_export: image_processor size {size} / crop_size {crop}: Kinora implements "
                 "{'shortest_edge': n} then a {'height', 'width'} center crop")
    if crop["height"] != encoder_cfg.image_size or crop["width"] != encoder_cfg.image_size:
        sys.exit(f"wan_export: crop {crop} differs from the encoder's image_size {encoder_cfg.image_size}")
    return {"encoder": "image_encoder", "size": [crop["height"], crop["width"]], "dim": encoder_cfg.hidden_size,
            "tokens": tokens, "hiddenState": -2, "preprocess": "clip-pil",
            "resize": {"shortestEdge": size["shortest_edge"], "resample": "bicubic", "library": "pil",
                       "longEdge": "int(shortestEdge * long / short)"},
            "crop": "center", "rescale": cfg.get("rescale_factor", 1 / 255),
            "mean": [float(v) for v in cfg["image_mean"]], "std": [float(v) for v in cfg["image_std"]],
            "negative": "same"}


def step_decoders(vae):
    """The decoder as diffusers runs it, one latent frame per call, with its causal cache as explicit tensors.

    first(z0) -> frame 0 and the caches; step(z_i, caches) -> 4 frames and the new caches. diffusers keeps a list
    whose slots hold nothing, "Rep" (an upsampler's time conv not run yet) or the last 1-2 frames a causal conv
    saw. Here every slot is a 2-frame tensor from the start: a missing frame is zeros, which is what the causal
    padding would have used, so the step graph has one fixed signature (exact: see the parity check)."""
    import torch
    from diffusers.models.autoencoders.autoencoder_kl_wan import WanResample
    slots = vae._cached_conv_counts["decoder"]

    def run_first(z0):
        shapes = []

        def record(module, args):
            shapes.append(args[0].shape)
        hooks = [m.register_forward_pre_hook(record) for m in vae.decoder.modules()
                 if isinstance(m, WanResample) and m.mode == "upsample3d"]
        cache, idx = [None] * slots, [0]
        try:
            out = vae.decoder(vae.post_quant_conv(z0), feat_cache=cache, feat_idx=idx, first_chunk=True)
        finally:
            for h in hooks:
                h.remove()
        rep_shapes, caches = iter(shapes), []
        for c in cache[:idx[0]]:
            if isinstance(c, str):
                b, ch, _, hh, ww = next(rep_shapes)
                caches.append(torch.zeros(b, ch, 2, hh, ww, dtype=z0.dtype))
            else:
                caches.append(torch.cat([torch.zeros_like(c), c], 2) if c.shape[2] == 1 else c)
        return out.clamp(-1.0, 1.0), caches

    class First(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.vae = vae

        def forward(self, latent_sample):
            out, caches = run_first(latent_sample)
            return (out, *caches)

    class Step(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.vae = vae

        def forward(self, latent_sample, *caches):
            cache = list(caches) + [None] * (slots - len(caches))
            out = self.vae.decoder(self.vae.post_quant_conv(latent_sample), feat_cache=cache, feat_idx=[0])
            return (out.clamp(-1.0, 1.0), *cache[:len(caches)])

    return First().eval(), Step().eval(), run_first


def export_graph(module, args, path, input_names, output_names, dynamic_shapes=None, dynamic_axes=None):
    """The dynamo exporter, or with dynamic_axes the TorchScript one (UMT5: see the text encoder below)."""
    import torch
    t0 = time.time()
    if dynamic_axes is not None:
        torch.onnx.export(module, args, str(path), dynamo=False, opset_version=OPSET, input_names=input_names,
                          output_names=output_names, dynamic_axes=dynamic_axes)
    else:
        prog = torch.onnx.export(module, args, dynamo=True, opset_version=OPSET, dynamic_shapes=dynamic_shapes,
                                 input_names=input_names, output_names=output_names, external_data=True)
        prog.save(str(path), external_data=True)
    log(f"exported {path.name} in {time.time() - t0:.0f} s")


# ----------------------------------------------------------------------------------------------- graph passes

def _const_scalar(model, name, producers, inits):
    from onnx import numpy_helper
    if name in inits:
        v = numpy_helper.to_array(inits[name])
    elif name in producers and producers[name].op_type == "Constant":
        v = numpy_helper.to_array(producers[name].attribute[0].t)
    else:
        return None
    return float(v.reshape(-1)[0]) if v.size == 1 else None


def fuse_sdpa_to_mha(model, num_heads, head_dim):
    """Rewrites torch's decomposed scaled_dot_product_attention

        Softmax(MatMul(Mul(Q, c), Mul(Kt, c)), axis=-1) @ V      Q, V: [B,N,S,H]; Kt: [B,N,H,L]

    into com.microsoft.MultiHeadAttention over [B,S,N*H] with scale c*c. Returns the number rewritten."""
    from onnx import helper, numpy_helper
    g = model.graph
    producers = {o: n for n in g.node for o in n.output}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    inits = {i.name: i for i in g.initializer}
    remove, insert_before = set(), {}
    count = 0
    for sm in [n for n in g.node if n.op_type == "Softmax"]:
        axis = next((a.i for a in sm.attribute if a.name == "axis"), -1)
        mm1 = producers.get(sm.input[0])
        users = consumers.get(sm.output[0], [])
        if axis not in (-1, 3) or mm1 is None or mm1.op_type != "MatMul" or len(users) != 1:
            continue
        mm2 = users[0]
        if mm2.op_type != "MatMul" or mm2.input[0] != sm.output[0] or len(consumers.get(mm1.output[0], [])) != 1:
            continue
        scale, operands, dead = 1.0, [], [sm, mm1, mm2]
        for name in mm1.input:
            p = producers.get(name)
            c = None
            if p is not None and p.op_type == "Mul" and len(consumers.get(name, [])) == 1:
                for j in (0, 1):
                    c = _const_scalar(model, p.input[j], producers, inits)
                    if c is not None:
                        operands.append(p.input[1 - j])
                        dead.append(p)
                        scale *= c
                        break
            if c is None:
                operands.append(name)
        q, kt = operands
        v = mm2.input[1]
        k = f"mha{count}"
        shape_bsd = f"{k}_shape_bsd"
        shape_bsnh = f"{k}_shape_bsnh"
        g.initializer.append(numpy_helper.from_array(np.array([0, 0, -1], np.int64), shape_bsd))
        g.initializer.append(numpy_helper.from_array(np.array([0, 0, num_heads, head_dim], np.int64), shape_bsnh))
        new = [
            helper.make_node("Transpose", [q], [f"{k}_q_bsnh"], perm=[0, 2, 1, 3], name=f"{k}_tq"),
            helper.make_node("Reshape", [f"{k}_q_bsnh", shape_bsd], [f"{k}_q"], name=f"{k}_rq"),
            helper.make_node("Transpose", [kt], [f"{k}_k_bsnh"], perm=[0, 3, 1, 2], name=f"{k}_tk"),
            helper.make_node("Reshape", [f"{k}_k_bsnh", shape_bsd], [f"{k}_k"], name=f"{k}_rk"),
            helper.make_node("Transpose", [v], [f"{k}_v_bsnh"], perm=[0, 2, 1, 3], name=f"{k}_tv"),
            helper.make_node("Reshape", [f"{k}_v_bsnh", shape_bsd], [f"{k}_v"], name=f"{k}_rv"),
            helper.make_node("MultiHeadAttention", [f"{k}_q", f"{k}_k", f"{k}_v"], [f"{k}_o"], domain=MS_DOMAIN,
                             num_heads=num_heads, scale=scale, name=f"{k}_MultiHeadAttention"),
            helper.make_node("Reshape", [f"{k}_o", shape_bsnh], [f"{k}_o_bsnh"], name=f"{k}_ro"),
            helper.make_node("Transpose", [f"{k}_o_bsnh"], [mm2.output[0]], perm=[0, 2, 1, 3], name=f"{k}_to"),
        ]
        insert_before[id(mm2)] = new
        remove.update(id(n) for n in dead)
        count += 1
    if count:
        nodes = []
        for n in g.node:
            nodes.extend(insert_before.get(id(n), []))
            if id(n) not in remove:
                nodes.append(n)
        del g.node[:]
        g.node.extend(nodes)
        if not any(o.domain == MS_DOMAIN for o in model.opset_import):
            model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return count


def ort_optimize(model, num_heads, hidden_size):
    """ONNX Runtime's offline transformer optimizer (opt_level 0: portable across CPU and CUDA)."""
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_by_fusion
    opts = FusionOptions("mmdit")
    om = optimize_by_fusion(model, model_type="mmdit", num_heads=num_heads, hidden_size=hidden_size,
                            optimization_options=opts)
    stats = {k: v for k, v in om.get_fused_operator_statistics().items() if v}
    return om.model, stats


def strip(model):
    """Drops what only a debugger reads: the exporter's per-node metadata (stack traces, module names, about 60% of
    a small graph's bytes), doc strings and intermediate value_info (ORT infers shapes itself); stores each distinct
    constant once and drops unused ones (ORT warns about each)."""
    from onnx import numpy_helper
    g = model.graph
    for n in g.node:
        del n.metadata_props[:]
        n.doc_string = ""
    del g.value_info[:]
    seen, rename, keep = {}, {}, []
    for t in g.initializer:
        key = (t.data_type, tuple(t.dims), t.raw_data or numpy_helper.to_array(t).tobytes())
        if key in seen and len(key[2]) > 64:
            rename[t.name] = seen[key]
        else:
            seen.setdefault(key, t.name)
            keep.append(t)
    for n in g.node:
        for i, name in enumerate(n.input):
            if name in rename:
                n.input[i] = rename[name]
    used = {name for n in g.node for name in n.input} | {o.name for o in g.output}
    keep = [t for t in keep if t.name in used]  # e.g. the sqrt(scale) constants the attention rewrite retired
    if len(keep) != len(g.initializer):
        del g.initializer[:]
        g.initializer.extend(keep)
    return model


def to_fp16(model):
    from onnxruntime.transformers.onnx_model import OnnxModel
    om = OnnxModel(model)
    om.convert_float_to_float16(keep_io_types=True, use_symbolic_shape_infer=True)
    return om.model


def save_onnx(model, path, external_over_bytes):
    import onnx
    path.parent.mkdir(parents=True, exist_ok=True)
    data = path.with_name(path.name + "_data")
    for old in (path, data):
        if old.exists():
            old.unlink()
    size = sum(len(t.raw_data) for t in model.graph.initializer)
    if size > external_over_bytes:
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data.name, size_threshold=1024)
        return [data]
    onnx.save_model(model, str(path))
    return []


def load_onnx(path):
    import onnx
    return onnx.load(str(path), load_external_data=True)


def io_specs(model):
    from onnx import TensorProto

    def spec(v):
        t = v.type.tensor_type
        dims = [d.dim_param if d.dim_param else d.dim_value for d in t.shape.dim]
        dtype = {"FLOAT": "float32", "FLOAT16": "float16", "INT64": "int64"}.get(TensorProto.DataType.Name(t.elem_type))
        return {"name": v.name, "dtype": dtype or TensorProto.DataType.Name(t.elem_type).lower(), "shape": dims}
    inits = {i.name for i in model.graph.initializer}
    return ([spec(v) for v in model.graph.input if v.name not in inits], [spec(v) for v in model.graph.output])


# ----------------------------------------------------------------------------------------------- parity

def ort_session(path):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.log_severity_level = 3
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def parity(session, torch_fn, feeds):
    import torch
    with torch.no_grad():
        ref = torch_fn(*[torch.from_numpy(v) for v in feeds.values()]).float().numpy()
    got = session.run(None, feeds)[0].astype(np.float32)
    if got.shape != ref.shape:
        raise SystemExit(f"wan_export: ORT shape {got.shape} != torch {ref.shape}")
    return float(np.abs(got - ref).max()), float(np.abs(ref).max()), list(ref.shape)


def store_fp16_weights(model, min_elements=16):
    """Float32 initialisers that float16 holds exactly -> float16 initialisers + Cast to float32 (the graph computes
    in float32 as before); the others (constants the exporter folded, e.g. sinusoid frequencies) stay float32. This
    is storage, not a precision change: not one value moves."""
    from onnx import TensorProto, helper, numpy_helper
    g = model.graph
    keep, casts, n = [], [], 0
    for t in g.initializer:
        if t.data_type != TensorProto.FLOAT or int(np.prod(t.dims)) < min_elements:
            keep.append(t)
            continue
        v = numpy_helper.to_array(t)
        h = v.astype(np.float16)
        if not np.array_equal(h.astype(np.float32), v):
            keep.append(t)
            continue
        keep.append(numpy_helper.from_array(h, t.name + "__fp16"))
        casts.append(helper.make_node("Cast", [t.name + "__fp16"], [t.name], to=TensorProto.FLOAT, name=t.name + "__cast"))
        n += 1
    del g.initializer[:]
    g.initializer.extend(keep)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(casts + nodes)
    return n


class PackGraphs:
    """Every exporter's last steps for each graph of a pack: the optional attention rewrite, precision, strip, save,
    then ORT against torch on the given feeds (the pack folder is removed if one differs by more than the tolerance),
    recorded in `report`; and each graph's manifest entry. One per pack folder.

    `args` needs external_data_over_mb and parity_tolerance; no_fusion and store_fp16_weights are read when present.
    `attention` is (heads, head_dim) for a family whose graphs are exported with fuse=True."""

    def __init__(self, tool, out, args, report, attention=None):
        self.tool, self.out, self.args, self.report, self.attention = tool, out, args, report, attention
        self.ext = args.external_data_over_mb * 1e6
        self.extra = []  # external-data files written beside the graphs, for the manifest's extraFiles

    def finish(self, name, raw_path, precision, feeds_list, torch_fn, output_dims=None, fuse=False):
        args, report = self.args, self.report
        model = load_onnx(raw_path)
        for axis, label in (output_dims or {}).items():  # torch names derived axes s39, s94, ...
            model.graph.output[0].type.tensor_type.shape.dim[axis].dim_param = label
        fused = {}
        if fuse and not getattr(args, "no_fusion", False):
            # ORT's optimizer first, so what it fuses on its own is what it reports; then our rewrite of whatever
            # attention it left as Softmax (all of it, for dynamo exports of Wan).
            heads, head_dim = self.attention
            model, stats = ort_optimize(model, heads, heads * head_dim)
            n = fuse_sdpa_to_mha(model, heads, head_dim)
            fused = {"ort_optimizer": stats, "sdpa_to_MultiHeadAttention": n}
        if precision == "fp16":
            model = to_fp16(model)
        model = strip(model)
        if precision == "fp32" and getattr(args, "store_fp16_weights", False):
            report.setdefault("fp16StoredWeights", {})[name] = store_fp16_weights(model)
        path = self.out / name / "model.onnx"
        self.extra.extend(save_onnx(model, path, self.ext))
        ops = Counter(n.op_type for n in model.graph.node)
        ins, outs = io_specs(model)
        summary = {"inputs": ins, "outputs": outs, "nodes": len(model.graph.node),
                   "contribOps": sorted({f"{n.domain}.{n.op_type}" for n in model.graph.node if n.domain == MS_DOMAIN})}
        del model  # Wan's real text encoder is 22.7 GB: never hold the proto, the session and torch at once
        gc.collect()
        if self.attention is not None:
            report.setdefault("fusions", {})[name] = fused
        report["precision"][name] = precision
        sess = ort_session(path)
        tol = args.parity_tolerance if precision == "fp32" else max(args.parity_tolerance, 5e-2)
        checks = []
        for feeds in feeds_list:
            err, mag, shape = parity(sess, torch_fn, feeds)
            checks.append({"shape": shape, "max_abs_err": err, "max_abs_ref": mag})
            log(f"{name}: ORT vs torch at {shape}: max |diff| {err:.3g} (|ref| up to {mag:.3g})")
            if err > tol:
                del sess
                shutil.rmtree(self.out, ignore_errors=True)  # no half-written pack folder to mistake for a usable one
                sys.exit(f"{self.tool}: {name} differs from torch by {err:.3g} > {tol:g}; pack not usable")
        report["parity"][name] = checks
        random = ops["RandomNormal"] + ops["RandomNormalLike"]
        log(f"{name}: {summary['nodes']} nodes, softmax {ops['Softmax']}" + (f", RandomNormal {random}" if random else "")
            + (f", fused {fused}" if fuse else "") + f", {path.stat().st_size / 1e6:.2f} MB")
        del sess
        gc.collect()
        return summary

    def component(self, name, summary, roles):
        """The manifest entry of graph `name`: file, hash, precision, opset, and its inputs and outputs with the
        engine's role for each (`roles`: graph name -> role)."""
        ins, outs = summary["inputs"], summary["outputs"]
        for t in ins + outs:
            t["role"] = roles[t["name"]]
        e = file_entry(self.out, f"{name}/model.onnx")
        e.update({"precision": self.report["precision"][name], "opset": OPSET, "contribOps": summary["contribOps"],
                  "inputs": ins, "outputs": outs})
        return e


# ----------------------------------------------------------------------------------------------- main

def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_entry(out, rel):
    p = out / rel
    return {"file": rel, "sha256": sha256(p), "size": p.stat().st_size}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="diffusers Wan 2.1 T2V or I2V folder (model_index.json, transformer/, vae/, ...)")
    ap.add_argument("out", type=Path, help="pack folder to write (replaced)")
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--height", type=int, default=480, help="the pack's native frame height (multiple of 16)")
    ap.add_argument("--width", type=int, default=832, help="the pack's native frame width (multiple of 16)")
    ap.add_argument("--frames", type=int, default=81, help="frames per window, 4L-3: fixes the VAE graphs' L")
    ap.add_argument("--fps", type=float, default=16.0)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--guidance", type=float, default=5.0)
    ap.add_argument("--precision", choices=["fp16", "fp32"], default="fp16",
                    help="the transformer's weights and arithmetic (inputs and outputs stay float32). The UMT5 "
                         "text encoder and the VAE stay fp32: T5-family encoders overflow float16 in their "
                         "feed-forward activations (torch clamps them only when it runs in fp16 itself, which an "
                         "fp32 export does not record), and diffusers runs Wan's VAE in fp32")
    ap.add_argument("--external-data-over-mb", type=float, default=256.0,
                    help="graphs with more weight bytes than this keep them in <file>_data beside model.onnx")
    ap.add_argument("--no-fusion", action="store_true", help="skip the attention rewrite and ORT's optimizer")
    ap.add_argument("--no-vae-encoder", action="store_true")
    ap.add_argument("--store-fp16-weights", action="store_true",
                    help="fixtures: store float16-representable fp32 weights as float16 + Cast (see the docstring)")
    ap.add_argument("--no-vae-step-decoder", action="store_true",
                    help="skip vae_decoder_first/vae_decoder_step (one latent frame per call, causal cache in and out)")
    ap.add_argument("--vae-dynamic-size", action="store_true",
                    help="VAE graphs with dynamic height and width (the frame count stays fixed): one pack for "
                         "several sizes and both orientations. Checked against torch at the pack's size and another")
    ap.add_argument("--parity-tolerance", type=float, default=1e-4, help="max |ORT - torch| for fp32 graphs")
    ap.add_argument("--id", default="wan2.1-t2v-1.3b")
    ap.add_argument("--name", default="Wan 2.1 T2V 1.3B")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--license", default="Apache-2.0")
    ap.add_argument("--description", help="default: Wan 2.1 text-to-video (image-to-video), exported from diffusers by "
                                          "tools/export/wan_export.py")
    args = ap.parse_args()

    if args.frames % 4 != 1 or args.height % 16 or args.width % 16:
        sys.exit("wan_export: --frames must be 4L-3 (1, 5, 9, ..., 81) and --height/--width multiples of 16")
    diffusers = import_diffusers(args.diffusers_src)
    import onnx
    import onnxruntime
    import torch
    import transformers
    from diffusers import AutoencoderKLWan, WanTransformer3DModel
    from transformers import AutoConfig, UMT5EncoderModel

    model_dir = args.model
    index = json.loads((model_dir / "model_index.json").read_text())
    i2v = index.get("_class_name") == "WanImageToVideoPipeline"
    if i2v and (index.get("boundary_ratio") is not None or index.get("expand_timesteps")
                or index.get("image_encoder", [None])[0] is None):
        sys.exit(f"wan_export: {model_dir} is a Wan 2.2 image-to-video folder (boundary_ratio / expand_timesteps) or has no "
                 "image encoder; this tool exports Wan 2.1 I2V (one transformer, CLIP image states)")
    if i2v and args.no_vae_encoder:
        sys.exit("wan_export: image to video needs the VAE encoder (the image's condition latents)")
    if not i2v and index.get("_class_name") != "WanPipeline" or index.get("transformer_2", [None])[0] is not None:
        sys.exit(f"wan_export: {model_dir} is a {index.get('_class_name')}; this tool exports Wan 2.1 WanPipeline "
                 "folders (one transformer, no image encoder)")
    sched_cfg = json.loads((model_dir / "scheduler/scheduler_config.json").read_text())
    torch.manual_seed(0)
    TextEncoder, Transformer, VaeDecoder, VaeEncoder = wrappers()
    te_cfg = AutoConfig.from_pretrained(model_dir / "text_encoder")  # the model itself is loaded when exported
    transformer = WanTransformer3DModel.from_pretrained(model_dir / "transformer", torch_dtype=torch.float32).eval()
    vae = AutoencoderKLWan.from_pretrained(model_dir / "vae", torch_dtype=torch.float32).eval()
    tcfg, vcfg = transformer.config, vae.config
    s_t, s_s = vcfg.scale_factor_temporal, vcfg.scale_factor_spatial
    L = (args.frames - 1) // s_t + 1
    lh, lw = args.height // s_s, args.width // s_s
    D = te_cfg.d_model
    heads, head_dim = tcfg.num_attention_heads, tcfg.attention_head_dim
    # I2V: noisy latents, the temporal mask (one channel per frame of a latent frame's stride) and the condition latents
    in_channels = 2 * vcfg.z_dim + s_t if i2v else vcfg.z_dim
    if tcfg.text_dim != D or tcfg.in_channels != in_channels:
        sys.exit(f"wan_export: text_dim {tcfg.text_dim} vs UMT5 d_model {D}, in_channels {tcfg.in_channels} vs {in_channels}")
    if i2v != (tcfg.image_dim is not None) or i2v and tcfg.get("pos_embed_seq_len") is not None:
        sys.exit(f"wan_export: transformer image_dim {tcfg.image_dim} / pos_embed_seq_len {tcfg.get('pos_embed_seq_len')}: "
                 "Wan 2.1 I2V has an image branch without position embeddings (FLF2V's two images are not supported)")

    out = args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tmp = Path(tempfile.mkdtemp(prefix="wan-export-"))
    report = {"fusions": {}, "parity": {}, "precision": {}}
    rng = np.random.default_rng(0)

    graphs = PackGraphs("wan_export", out, args, report, attention=(heads, head_dim))
    finish = graphs.finish

    # 1. text encoder: dynamic batch and sequence (the pipeline always pads to 512). The dynamo exporter fails on
    # transformers' UMT5 attention ("Cannot view a tensor with shape [B,S,N,H] ... as (B,S,N*H)" while decomposing,
    # even with a static sequence); UMT5 has no aten::rms_norm, so the TorchScript exporter handles it.
    text_encoder = UMT5EncoderModel.from_pretrained(model_dir / "text_encoder", torch_dtype=torch.float32).eval()
    te = TextEncoder(text_encoder).eval()
    ids = torch.randint(0, te_cfg.vocab_size, (2, 16))
    mask = torch.ones(2, 16, dtype=torch.int64)
    mask[1, 9:] = 0
    axes = {0: "batch", 1: "sequence"}
    export_graph(te, (ids, mask), tmp / "te.onnx", ["input_ids", "attention_mask"], ["last_hidden_state"],
                 dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes})

    def text_feeds(bsz, n):
        ids = rng.integers(0, te_cfg.vocab_size, (bsz, n)).astype(np.int64)
        m = np.ones((bsz, n), np.int64)
        m[-1, n // 3:] = 0
        return {"input_ids": ids, "attention_mask": m}
    te_model = finish("text_encoder", tmp / "te.onnx", "fp32",
                      [text_feeds(2, TEXT_LEN), text_feeds(1, 7)], te)
    del te, text_encoder
    gc.collect()

    # 2. transformer: dynamic B, F, h, w (h, w even: the 1x2x2 patch); I2V: 36 input channels and the image tokens
    B = torch.export.Dim("batch", min=1, max=64)
    Fd = torch.export.Dim("frames", min=1, max=1024)
    H2, W2 = torch.export.Dim("h2", min=1, max=1024), torch.export.Dim("w2", min=1, max=1024)
    ph, pw = tcfg.patch_size[1], tcfg.patch_size[2]
    x = torch.randn(2, in_channels, 2, 2 * ph, 3 * pw)
    tr_inputs = ["hidden_states", "timestep", "encoder_hidden_states"]
    tr_args = (x, torch.tensor([999.0, 1.0]), torch.randn(2, TEXT_LEN, D))
    tr_dims = {"hidden_states": {0: B, 2: Fd, 3: ph * H2, 4: pw * W2}, "timestep": {0: B}, "encoder_hidden_states": {0: B}}
    if i2v:
        TransformerI2V, ImageEncoder = i2v_wrappers()
        img_cfg = AutoConfig.from_pretrained(model_dir / "image_encoder")
        img_cfg = getattr(img_cfg, "vision_config", img_cfg)
        img_tokens = (img_cfg.image_size // img_cfg.patch_size) ** 2 + 1  # CLS + patches: 257 for ViT-H/14 at 224
        if img_cfg.hidden_size != tcfg.image_dim:
            sys.exit(f"wan_export: image encoder width {img_cfg.hidden_size} != transformer image_dim {tcfg.image_dim}")
        tr = TransformerI2V(transformer).eval()
        tr_inputs.append("encoder_hidden_states_image")
        tr_args += (torch.randn(2, img_tokens, tcfg.image_dim),)
        tr_dims["encoder_hidden_states_image"] = {0: B}
    else:
        tr = Transformer(transformer).eval()
    export_graph(tr, tr_args, tmp / "tr.onnx", tr_inputs, ["noise_pred"], tr_dims)

    def tr_feeds(bsz, f, h, w):
        feeds = {"hidden_states": rng.standard_normal((bsz, in_channels, f, h, w)).astype(np.float32),
                 "timestep": np.array([999.0, 37.0][:bsz], np.float32),
                 "encoder_hidden_states": rng.standard_normal((bsz, TEXT_LEN, D)).astype(np.float32)}
        if i2v:
            feeds["encoder_hidden_states_image"] = rng.standard_normal((bsz, img_tokens, tcfg.image_dim)).astype(np.float32)
        return feeds
    # At the pack's own geometry when that is cheap on a CPU, and always at a second, odd one (dynamic axes).
    tr_checks = [tr_feeds(2, L, lh, lw)] if L * lh * lw <= 4096 else []
    tr_checks.append(tr_feeds(1, 2, 4, 6))
    tr_model = finish("transformer", tmp / "tr.onnx", args.precision, tr_checks, tr, fuse=True)
    del tr, transformer
    gc.collect()

    # 2b. I2V: the CLIP vision tower to its penultimate hidden state, dynamic batch; fp32 as diffusers' own example loads
    # it (CLIPVisionModel.from_pretrained(..., torch_dtype=torch.float32)); its attention is left as ORT runs it
    # (257 tokens: nothing to gain from the rewrite)
    img_model = None
    if i2v:
        from transformers import CLIPVisionModel
        image_encoder = CLIPVisionModel.from_pretrained(model_dir / "image_encoder", torch_dtype=torch.float32).eval()
        ie = ImageEncoder(image_encoder).eval()
        side = img_cfg.image_size
        export_graph(ie, (torch.randn(2, 3, side, side),), tmp / "img.onnx", ["pixel_values"], ["image_states"],
                     {"pixel_values": {0: B}})
        img_feeds = [{"pixel_values": (rng.standard_normal((b, 3, side, side)) * 1.5).astype(np.float32)} for b in (1, 2)]
        img_model = finish("image_encoder", tmp / "img.onnx", "fp32", img_feeds, ie)
        del ie, image_encoder
        gc.collect()

    # 3. VAE decoder at a fixed latent window L (the causal cache is unrolled over L steps); with --vae-dynamic-size
    # height and width are dynamic (measured exact on wan-tiny at three sizes), the frame count never is.
    dyn = args.vae_dynamic_size
    Hd, Wd = torch.export.Dim("h", min=2, max=1024), torch.export.Dim("w", min=2, max=1024)
    sizes = [(lh, lw)] + ([(lh + 2, max(2, lw - 2))] if dyn else [])
    dec = VaeDecoder(vae).eval()
    export_graph(dec, (torch.randn(1, vcfg.z_dim, L, lh, lw),), tmp / "dec.onnx", ["latent_sample"], ["sample"],
                 {"latent_sample": {3: Hd, 4: Wd}} if dyn else None)
    dec_feeds = [{"latent_sample": (rng.standard_normal((1, vcfg.z_dim, L, h, w)) * 1.5).astype(np.float32)}
                 for h, w in sizes]
    dec_model = finish("vae_decoder", tmp / "dec.onnx", "fp32", dec_feeds, dec)

    enc_model = None
    if not args.no_vae_encoder:
        enc = VaeEncoder(vae).eval()
        export_graph(enc, (torch.rand(1, 3, args.frames, args.height, args.width) * 2 - 1,), tmp / "enc.onnx",
                     ["sample"], ["latent_parameters"], {"sample": {3: s_s * Hd, 4: s_s * Wd}} if dyn else None)
        enc_feeds = [{"sample": (rng.random((1, 3, args.frames, s_s * h, s_s * w)) * 2 - 1).astype(np.float32)}
                     for h, w in sizes]
        enc_model = finish("vae_encoder", tmp / "enc.onnx", "fp32", enc_feeds, enc,
                           {3: "h", 4: "w"} if dyn else None)

    # 3b. the same decoder one latent frame at a time: memory independent of the clip's length, any length
    step_names = []
    if not args.no_vae_step_decoder:
        first, step, run_first = step_decoders(vae)
        z0 = torch.randn(1, vcfg.z_dim, 1, lh, lw)
        with torch.no_grad():
            _, caches0 = run_first(z0)
        step_names = [f"cache_{i}" for i in range(len(caches0))]
        outs = ["sample"] + [f"{n}_out" for n in step_names]
        spatial = {3: Hd, 4: Wd} if dyn else {}
        cache_dims = {n: ({3: Hd * (c.shape[3] // lh), 4: Wd * (c.shape[4] // lw)} if dyn else None)
                      for n, c in zip(step_names, caches0)}
        export_graph(first, (z0,), tmp / "first.onnx", ["latent_sample"], outs,
                     {"latent_sample": spatial or None} if dyn else None)
        export_graph(step, (z0, *caches0), tmp / "step.onnx", ["latent_sample"] + step_names, outs,
                     (spatial, tuple(cache_dims.values())) if dyn else None)  # (latent_sample, caches)

        ref = VaeDecoder(vae).eval()
        first_summary = finish("vae_decoder_first", tmp / "first.onnx", "fp32", [], first)
        step_summary = finish("vae_decoder_step", tmp / "step.onnx", "fp32", [], step)
        # Parity of the protocol, not of one call: ORT first + L-1 steps vs diffusers' whole-window decode.
        sf, ss = ort_session(out / "vae_decoder_first/model.onnx"), ort_session(out / "vae_decoder_step/model.onnx")
        checks = []
        for feeds in dec_feeds:
            z = feeds["latent_sample"]
            r = sf.run(None, {"latent_sample": z[:, :, :1]})
            frames, caches = [r[0]], r[1:]
            for i in range(1, z.shape[2]):
                r = ss.run(None, {"latent_sample": z[:, :, i:i + 1], **dict(zip(step_names, caches))})
                frames.append(r[0])
                caches = r[1:]
            with torch.no_grad():
                want = ref(torch.from_numpy(z)).numpy()
            err = float(np.abs(np.concatenate(frames, 2) - want).max())
            checks.append({"shape": list(want.shape), "max_abs_err": err, "max_abs_ref": float(np.abs(want).max())})
            log(f"vae_decoder_first + {z.shape[2] - 1} x vae_decoder_step vs diffusers' decode at {list(want.shape)}: "
                f"max |diff| {err:.3g}")
            if err > args.parity_tolerance:
                del sf, ss
                shutil.rmtree(out, ignore_errors=True)  # as PackGraphs.finish: no half-written pack folder
                sys.exit(f"wan_export: the step decoder differs from diffusers' decode by {err:.3g}; pack not usable")
        report["parity"]["vae_decoder_step"] = checks
        del sf, ss
    shutil.rmtree(tmp, ignore_errors=True)

    # 4. verbatim files
    (out / "tokenizer").mkdir()
    shutil.copy(model_dir / "tokenizer/tokenizer.json", out / "tokenizer/tokenizer.json")
    (out / "scheduler").mkdir()
    shutil.copy(model_dir / "scheduler/scheduler_config.json", out / "scheduler/scheduler_config.json")
    shutil.copy(model_dir / "model_index.json", out / "model_index.json")
    if i2v:
        (out / "image_processor").mkdir()
        shutil.copy(model_dir / "image_processor/preprocessor_config.json", out / "image_processor/preprocessor_config.json")
        image_block = clip_image_block(json.loads((out / "image_processor/preprocessor_config.json").read_text()),
                                       img_cfg, img_tokens)
    tok = json.loads((out / "tokenizer/tokenizer.json").read_text())
    added = {t["content"]: t["id"] for t in tok.get("added_tokens", [])}

    # 5. manifest
    onnx_component = graphs.component

    layout = {"denoiser": "BCFHW", "vae": "BCFHW"}
    components = {
        "text_encoder": onnx_component("text_encoder", te_model, {"input_ids": "input_ids", "attention_mask": "attention_mask",
                                                                 "last_hidden_state": "hidden_states"}),
        "tokenizer": file_entry(out, "tokenizer/tokenizer.json"),
        "denoiser": onnx_component("transformer", tr_model, {"hidden_states": "sample", "timestep": "timestep",
                                                            "encoder_hidden_states": "text_embeds", "noise_pred": "prediction",
                                                            "encoder_hidden_states_image": "image_embeds"}),
        "vae_decoder": onnx_component("vae_decoder", dec_model, {"latent_sample": "latent", "sample": "sample"}),
    }
    components["denoiser"]["layout"] = layout["denoiser"]
    components["vae_decoder"]["layout"] = layout["vae"]
    if step_names:
        roles = {"latent_sample": "latent", "sample": "sample", **{n: "cache" for n in step_names},
                 **{f"{n}_out": "cache" for n in step_names}}
        for key, summary in (("vae_decoder_first", first_summary), ("vae_decoder_step", step_summary)):
            components[key] = onnx_component(key, summary, roles)
            components[key]["layout"] = layout["vae"]
    if enc_model is not None:
        components["vae_encoder"] = onnx_component("vae_encoder", enc_model, {"sample": "sample", "latent_parameters": "latent"})
        components["vae_encoder"]["layout"] = layout["vae"]
    if img_model is not None:
        components["image_encoder"] = onnx_component("image_encoder", img_model, {"pixel_values": "pixel_values",
                                                                                 "image_states": "image_states"})
        components["image_processor"] = file_entry(out, "image_processor/preprocessor_config.json")
    components["scheduler"] = file_entry(out, "scheduler/scheduler_config.json")
    components["model_index"] = file_entry(out, "model_index.json")

    manifest = {
        "format": 2,
        "layout": "diffusers",
        "family": "wan2.1-i2v" if i2v else "wan2.1-t2v",
        "id": args.id, "name": args.name, "version": args.version, "license": args.license,
        "description": args.description or f"Wan 2.1 {'image' if i2v else 'text'}-to-video, exported from diffusers by "
                                           "tools/export/wan_export.py",
        # remix = diffusers' WanVideoToVideoPipeline; extend = Kinora's forward mask/replace rule on WanPipeline's loop
        # (docs/pack-format-2.md, pinned by wan_reference.py's extend case); both need the encoder.
        # I2V: WanImageToVideoPipeline animates a still, nothing else (the still is its first frame)
        "modes": ["animate"] if i2v else ["generate"] + ([] if args.no_vae_encoder else ["extend", "remix"]),
        "width": args.width, "height": args.height, "frames": args.frames, "fps": args.fps,
        "latent": {"channels": vcfg.z_dim, "frames": L, "height": lh, "width": lw, "spatialStride": s_s,
                   "temporalStride": s_t, "temporal": "causal", "multipleOf": [1, ph, pw],
                   "mean": [float(v) for v in vcfg.latents_mean], "std": [float(v) for v in vcfg.latents_std]},
        "prediction": sched_cfg.get("prediction_type", "flow_prediction"),
        "defaults": {"steps": args.steps, "guidance": args.guidance, "contextFrames": 1},
        "text": {"maxTokens": TEXT_LEN, "pooling": "none", "dim": D, "padding": "max_length", "truncation": True,
                 "padTokenId": added.get("<pad>"), "eosTokenId": added.get("</s>"),
                 "clean": "wan", "zeroPadded": True, "negative": "encode"},
        "vae": {"kind": "causal3d", "latentFrames": L, "frames": args.frames, "decode": "window", "encode": "window",
                "dynamicSize": dyn, "stepDecoder": bool(step_names), "cacheTensors": len(step_names),
                "encodeOutput": "moments", "pixelRange": [-1.0, 1.0], "clamped": True},
        "components": components,
        "extraFiles": [file_entry(out, str(p.relative_to(out))) for p in graphs.extra],
    }
    if i2v:
        manifest["image"] = image_block
        # WanImageToVideoPipeline.prepare_latents: the denoiser's 36 channels are [latents 16, mask s_t, condition 16]
        manifest["conditioning"] = {
            "kind": "wanI2v", "order": ["latents", "mask", "imageLatents"], "maskChannels": s_t,
            "mask": "firstFrame", "video": "imageThenZeros", "imageLatent": "mode", "normalized": True,
            "negative": "same"}

    git_rev = None
    src = Path(diffusers.__file__).resolve().parents[2]
    head = src / ".git"
    if head.exists():
        git_rev = os.popen(f"git -C {src} rev-parse HEAD 2>/dev/null").read().strip() or None
    report.update({
        "tool": "tools/export/wan_export.py",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
        "versions": {"diffusers": diffusers.__version__, "diffusers_commit": git_rev, "torch": torch.__version__,
                     "transformers": transformers.__version__, "onnx": onnx.__version__,
                     "onnxruntime": onnxruntime.__version__},
        "opset": OPSET, "parityTolerance": args.parity_tolerance,
        "source": {"transformer": dict(tcfg), "vae": {k: v for k, v in dict(vcfg).items() if not k.startswith("latents_")},
                   "text_encoder": {k: getattr(te_cfg, k) for k in
                                    ("d_model", "d_kv", "d_ff", "num_layers", "num_heads", "vocab_size",
                                     "relative_attention_num_buckets", "relative_attention_max_distance",
                                     "feed_forward_proj")}},
    })
    if i2v:
        report["source"]["image_encoder"] = {k: getattr(img_cfg, k) for k in
                                             ("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                                              "image_size", "patch_size", "hidden_act", "layer_norm_eps")}
    manifest["export"] = json.loads(json.dumps(report, default=str))
    (out / "pack.json").write_text(json.dumps(manifest, indent=2) + "\n")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"wrote {out} ({total / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
