"""Export a Tiny World 2 denoiser into the pack (the latent and its VAE graphs stay as they are).

  ../../.venv/bin/python -m train.export2 --ckpt train/checkpoints/tinyworld2.pt --version 2.0.0 [--dest DIR]

Writes denoiser.onnx (opset 17, dynamic batch and frames, fp32 maths; a weight tensor that fp16 holds exactly is
stored as fp16 and cast back when the session loads; with --int8, conv and linear weights of 4 096 elements or more
are rounded to int8 steps per output channel and stored as int8 with their scales), the denoiser's parity cases (the
VAE cases in parity/ are kept: those graphs do not change) and pack.json with the new hash, size and
version. Exported from the EMA weights, in the layout ORT runs fastest: the U-Net's attention in its
export form (train/attention_layout.py) and the 5-D convolutions folded into 2-D ones
(bench/fold_frames.py); both keep the function, and ORT is checked against the training module before
anything is written in place.
"""
import argparse, json, os, shutil, tempfile

import numpy as np
import onnx
import onnxruntime as ort
import torch

from bench.fold_frames import fold_file
from train.attention_layout import for_export
from train.export import ROOT, sha256, write_bin
from train.nets import LATENT_C, TEXT_DIM, TW2_ARCHS, DenoiserTA

NAMES = ["sample", "timestep", "text_embeds", "cond", "mask"]
TOKEN_NAMES = ["text_tokens", "text_mask"]       # an arch that attends to the prompt's tokens (unet_ta_xt)
DYN = {"sample": {0: "B", 2: "F"}, "timestep": {0: "B"}, "text_embeds": {0: "B"},
       "cond": {0: "B", 2: "F"}, "mask": {0: "B", 2: "F"}, "prediction": {0: "B", 2: "F"},
       "text_tokens": {0: "B", 1: "T"}, "text_mask": {0: "B", 1: "T"}}
TOKEN_SPECS = [{"name": "text_tokens", "shape": [-1, -1, TEXT_DIM]}, {"name": "text_mask", "shape": [-1, -1]}]
FP16_MIN = 1024     # elements: smaller tensors (biases, norms, tables) stay fp32, they are a few KB in all


def fp16_weights(den):
    """Rounds the weight tensors of FP16_MIN elements or more to fp16 values, in place, so the graph can store them as
    fp16 with nothing lost against the module the parity cases are computed on."""
    with torch.no_grad():
        for p in den.parameters():
            if p.numel() >= FP16_MIN:
                p.copy_(p.half().float())


INT8_MIN = 4096     # elements, 2-D and up (conv and linear weights): with --int8, stored as int8 per output channel


def int8_weights(den):
    """Rounds the weight tensors of INT8_MIN elements or more to int8 steps in place, one symmetric scale per output
    channel (the largest magnitude over 127), so the graph can store them as int8 and the parity cases, computed on this
    module, still hold to float precision. Why: the wide denoiser (3.49 M parameters) is 7.1 MB at fp16 and takes the
    pack over the issue's 30 MB; int8 halves it."""
    with torch.no_grad():
        for p in den.parameters():
            if p.numel() >= INT8_MIN and p.dim() >= 2:
                w = p.reshape(p.shape[0], -1)
                scale = (w.abs().amax(1) / 127).clamp_min(torch.finfo(torch.float32).tiny)
                q = torch.round(w / scale[:, None]).clamp(-127, 127)
                p.copy_((q * scale[:, None]).reshape(p.shape))


def _int8_exact(x, axis):
    """(int8 values, float32 scales) that give x back exactly as q * scale along axis, or None: the export may have
    moved a module's weight to another axis (a MatMul's transpose) or mixed it (a folded constant), and only a tensor
    that int8_weights made is stored this way."""
    xc = np.moveaxis(x, axis, 0).reshape(x.shape[axis], -1)
    qs, scales = [], []
    for row in xc:
        s0 = np.float32(np.abs(row).max() / np.float32(127))
        for s in (s0, np.nextafter(s0, np.float32(np.inf)), np.nextafter(s0, np.float32(0)),
                  np.nextafter(np.nextafter(s0, np.float32(np.inf)), np.float32(np.inf))):
            if s <= 0:
                continue
            q = np.round(row / s)
            if np.abs(q).max() <= 127 and np.array_equal((q.astype(np.float32) * s).astype(np.float32), row):
                qs.append(q.astype(np.int8))
                scales.append(s)
                break
        else:
            return None
    q = np.moveaxis(np.stack(qs).reshape((x.shape[axis],) + tuple(np.delete(x.shape, axis))), 0, axis)
    return np.ascontiguousarray(q), np.array(scales, np.float32)


def _rewrite_initializers(path, convert):
    """Replaces each initializer that convert(init, array) turns into (initializers, nodes, bytes saved) and puts those
    nodes first in the graph; convert returns None to keep one as it is. Returns the bytes saved."""
    from onnx import numpy_helper
    m = onnx.load(path)
    g = m.graph
    keep, nodes, saved = [], [], 0
    for init in g.initializer:
        done = convert(init, numpy_helper.to_array(init))
        if done is None:
            keep.append(init)
            continue
        keep += done[0]
        nodes += done[1]
        saved += done[2]
    del g.initializer[:]
    g.initializer.extend(keep)
    nodes += list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.save(m, path)
    return saved


def store_int8(path):
    """Every float initializer that int8_weights made becomes an int8 initializer with per-channel scales, cast back to
    float and scaled when the session loads (the maths stays fp32). Returns the bytes saved."""
    from onnx import helper, numpy_helper, TensorProto

    def convert(init, x):
        if init.data_type != TensorProto.FLOAT or x.size < INT8_MIN or x.ndim < 2:
            return None
        for axis in dict.fromkeys((0, x.ndim - 1)):
            found = _int8_exact(x, axis)
            if found is not None:
                break
        else:
            return None
        q, scale = found
        # Cast and Mul rather than DequantizeLinear: ORT folds these constants into fp32 weights when the session loads,
        # whereas a DequantizeLinear invites its QDQ fusions, which quantize the activations too (3e-2 off the module)
        shape = [1] * x.ndim
        shape[axis] = scale.size
        inits = [numpy_helper.from_array(q, init.name + "_q8"), numpy_helper.from_array(scale.reshape(shape), init.name + "_scale")]
        nodes = [helper.make_node("Cast", [init.name + "_q8"], [init.name + "_q8f"], to=TensorProto.FLOAT, name=init.name + "_q8cast"),
                 helper.make_node("Mul", [init.name + "_q8f", init.name + "_scale"], [init.name], name=init.name + "_q8scale")]
        return inits, nodes, x.size * 3 - scale.size * 4
    return _rewrite_initializers(path, convert)


def store_fp16(path):
    """Every float initializer of FP16_MIN elements or more that fp16 holds exactly becomes an fp16 initializer and a
    Cast back to float (ORT folds the Cast when it loads the session). Returns the bytes saved."""
    from onnx import helper, numpy_helper, TensorProto

    def convert(init, x):
        if init.data_type != TensorProto.FLOAT or x.size < FP16_MIN or not np.array_equal(x.astype(np.float16).astype(np.float32), x):
            return None
        h = numpy_helper.from_array(x.astype(np.float16), init.name + "_fp16")
        return [h], [helper.make_node("Cast", [h.name], [init.name], to=TensorProto.FLOAT, name=init.name + "_cast")], x.size * 2
    return _rewrite_initializers(path, convert)


def inputs(g, b, f, masks, tokens=False):
    d = {"sample": torch.randn((b, LATENT_C, f, 16, 16), generator=g),
         "timestep": torch.rand((b,), generator=g) * 0.9 + 0.05,
         "text_embeds": torch.nn.functional.normalize(torch.randn((b, TEXT_DIM), generator=g), dim=1),
         "cond": torch.randn((b, LATENT_C, f, 16, 16), generator=g),
         "mask": torch.zeros((b, 1, f, 16, 16))}
    for i, m in enumerate(masks):
        d["mask"][i, :, m] = 1
    d["cond"] = d["cond"] * d["mask"]
    d["text_embeds"][-1] = 0      # the unconditional row
    if tokens:
        t = 6
        d["text_tokens"] = torch.randn((b, t, TEXT_DIM), generator=g)
        d["text_mask"] = torch.zeros((b, t))
        for i in range(b - 1):
            d["text_mask"][i, :t - i] = 1                      # rows of different lengths, zero-padded
        d["text_tokens"] = d["text_tokens"] * d["text_mask"][:, :, None]
    return d


class FramePositionTable(torch.nn.Module):
    """FramePosition as the table of its outputs for frames 0..rows-1 (the pack's window is 16 frames): the same values,
    and 64 KB in the graph instead of its MLP's 330 KB, which kept the pack under 30 MiB."""

    def __init__(self, fpos, rows=64):
        super().__init__()
        with torch.no_grad():
            self.register_buffer("table", fpos(rows, torch.zeros(1))[0].clone())

    def forward(self, f, ref):
        return self.table[:f][None]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="train/checkpoints/tinyworld2.pt")
    ap.add_argument("--version", required=True)
    ap.add_argument("--dest", default=ROOT)
    ap.add_argument("--steps", type=int, default=0, help="pack default steps (0: keep)")
    ap.add_argument("--guidance", type=float, default=0,
                    help="text-to-video default guidance (defaults.guidanceByMode.generate if the pack names it, else defaults.guidance; 0: keep)")
    ap.add_argument("--guidance-frames", type=float, default=0,
                    help="default guidance of the frame-conditioned jobs (animate, extend, interpolate; a loop may start from text; pack.json "
                         "defaults.guidanceByMode; 0: keep); eval/select_guidance.py chooses both")
    ap.add_argument("--guidance-interval", type=float, nargs=2, default=None, metavar=("FROM", "TO"),
                    help="flow times at which guidance applies (pack.json defaults.guidanceInterval); 0 1 removes it; absent: keep")
    ap.add_argument("--description", default="")
    ap.add_argument("--int8", action="store_true",
                    help=f"store weight tensors of {INT8_MIN} elements or more as int8 with a scale per output channel")
    a = ap.parse_args()
    torch.set_num_threads(1)
    s = torch.load(a.ckpt, map_location="cpu", weights_only=False)
    den = TW2_ARCHS[s["arch"]]()
    den.load_state_dict({k: v.float() for k, v in s["ema"].items()})
    den.eval()
    tok = getattr(den, "text_tokens", False)
    names = NAMES + (TOKEN_NAMES if tok else [])
    g = torch.Generator().manual_seed(0)
    cases_in = [inputs(g, 2, 8, [[0], [6, 7]], tok), inputs(g, 1, 16, [[]], tok), inputs(g, 3, 24, [[0, 1, 2, 3], [0], []], tok)]
    with torch.no_grad():
        before = [den(*[d[n] for n in names]) for d in cases_in]
        fp16_weights(den)
        if a.int8:
            int8_weights(den)
        moved = [(den(*[d[n] for n in names]) - b).abs() for d, b in zip(cases_in, before)]
        shift = max(float(m.max()) for m in moved)
    print(f"weights rounded to {'int8' if a.int8 else 'fp16'}: the output moves by at most {shift:.1e} on the parity inputs"
          f" (mean {np.mean([float(m.mean()) for m in moved]):.1e})")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "denoiser.onnx")
        with torch.no_grad():
            graph_form = for_export(den) if isinstance(den, DenoiserTA) else den
            if getattr(graph_form, "fpos", None) is not None:
                graph_form.fpos = FramePositionTable(graph_form.fpos)
            torch.onnx.export(graph_form, tuple(cases_in[0][n] for n in names), path, input_names=names, output_names=["prediction"],
                              dynamic_axes=DYN, opset_version=17, do_constant_folding=True, dynamo=False)
        print("folded", fold_file(path, path))
        if a.int8:
            print(f"stored as int8: {store_int8(path)} bytes saved")
        print(f"stored as fp16: {store_fp16(path)} bytes saved")
        onnx.checker.check_model(onnx.load(path))
        so = ort.SessionOptions()
        so.log_severity_level = 3
        sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        outs = []
        for d in cases_in:
            with torch.no_grad():
                ref = den(*[d[n] for n in names]).numpy()
            got = sess.run(["prediction"], {n: d[n].numpy() for n in names})[0]
            err = float(np.abs(got - ref).max())
            print(f"parity B={d['sample'].shape[0]} F={d['sample'].shape[2]}: max |onnx - torch| = {err:.2e}")
            assert err < 1e-4, err
            known = d["mask"].expand_as(d["cond"]).numpy() > 0
            assert np.array_equal(got[known], d["cond"].numpy()[known]), "known frames must come back exactly"
            outs.append(torch.from_numpy(ref))
        dest = a.dest
        os.makedirs(os.path.join(dest, "parity"), exist_ok=True)
        shutil.copyfile(path, os.path.join(dest, "denoiser.onnx"))

    pdir = os.path.join(dest, "parity")
    pj = os.path.join(pdir, "parity.json")
    spec = json.load(open(pj)) if os.path.exists(pj) else {"tolerance": 1e-3, "byteOrder": "little-endian", "cases": []}
    for f in os.listdir(pdir):
        if f.startswith("den"):
            os.remove(os.path.join(pdir, f))
    cases = [c for c in spec["cases"] if c["model"] != "denoiser.onnx"]
    for k, (d, out) in enumerate(zip(cases_in, outs)):
        pre = f"den{k}_"
        ins = [dict(write_bin(pdir, pre + n, d[n]), name=n) for n in names]
        cases.append({"model": "denoiser.onnx", "inputs": ins,
                      "outputs": [dict(write_bin(pdir, pre + "prediction", out), name="prediction")]})
    spec["cases"] = cases
    json.dump(spec, open(pj, "w"), indent=1)

    pack_path = os.path.join(dest, "pack.json")
    pack = json.load(open(pack_path))
    f = os.path.join(dest, "denoiser.onnx")
    pack["components"]["denoiser"].update(sha256=sha256(f), size=os.path.getsize(f))
    declared = [i for i in pack["components"]["denoiser"]["inputs"] if i["name"] not in TOKEN_NAMES]
    pack["components"]["denoiser"]["inputs"] = declared + (TOKEN_SPECS if tok else [])
    pack["version"] = a.version
    if a.description:
        pack["description"] = a.description
    if a.steps:
        pack["defaults"]["steps"] = a.steps
    if a.guidance:
        # the text-to-video default: guidanceByMode.generate where the pack names one (2.8.1: text samples at its own
        # shift, and loop and remix keep defaults.guidance), else defaults.guidance
        by_mode = pack["defaults"].get("guidanceByMode", {})
        if "generate" in by_mode:
            by_mode["generate"] = a.guidance
        else:
            pack["defaults"]["guidance"] = a.guidance
    if a.guidance_frames:
        pack["defaults"]["guidanceByMode"] = {**pack["defaults"].get("guidanceByMode", {}),
                                              **{m: a.guidance_frames for m in ("animate", "extend", "interpolate")}}
    if a.guidance_interval is not None:
        if list(a.guidance_interval) == [0.0, 1.0]:
            pack["defaults"].pop("guidanceInterval", None)
        else:
            pack["defaults"]["guidanceInterval"] = list(a.guidance_interval)
    tmp = pack_path + ".tmp"
    json.dump(pack, open(tmp, "w"), indent=2)
    os.replace(tmp, pack_path)
    print(f"denoiser.onnx {os.path.getsize(f)} bytes ({s['arch']}, step {s['step']}, {s['clips']} clips) -> {dest}")


if __name__ == "__main__":
    main()
