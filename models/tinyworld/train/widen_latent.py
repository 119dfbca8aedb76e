"""Widen Tiny World's latent from the shipped 8 PCA channels to C, keeping the denoiser's training.

Why: the 8-channel patch latent is the shape ceiling. Projected onto 8 principal components and back, the detector
reads 23 of 33 validation stars as stars (the rest as triangles: their notches fall between the components); onto
12 it reads all 33, onto 16 all 128 shapes (`python -m eval.latent_channels`). The principal directions are nested:
a wider latent's first 8 channels are the shipped latent itself, channel for channel, normalisation included. So
a denoiser trained on the 8 channels widens into one on C that computes the same function on them and predicts the
new channels' mean (zero) until it learns them: the new input weights and output rows start at zero.

  make-pack DIR [--c 16]     a candidate pack in DIR: pack.json (latent.channels C), vae_encoder.onnx (the shipped
                             directions + the next C - 8), vae_decoder.onnx (Decoder 2 widened, its learned residual
                             switched off, so it decodes the PCA back-projection exactly) and decoder2.pt (its state)
  widen CKPT OUT [--c 16]    a denoiser checkpoint (compact or full) widened to C channels, Adam's moments with it
  install DIR [--dest PACK]  the candidate's latent into a pack (default the shipped one): its VAE graphs, their parity
                             cases (torch references), pack.json's latent and shapes; then export a widened denoiser
                             into it with train.export2 (which reads the width from the pack)

Train and judge on the candidate with TINYWORLD_PACK=DIR, which every tool here reads (train/latent.py).
"""
import argparse
import json
import os
import shutil

import numpy as np
import torch

from train.fit_pca import directions
from train.latent import PatchEncoder
from train.nets import TW2_ARCHS, DecoderV2, Encoder

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))     # models/tinyworld, the shipped pack


def _wide_encoder(c):
    """Encoder(c): the shipped directions, bias and normalisation for the first 8 channels, the fit's next ones after."""
    old = PatchEncoder(os.path.join(HERE, "vae_encoder.onnx"))
    c0 = old.w.shape[0]
    mu, v, share, x = directions()
    cos = np.abs(np.sum(old.w / np.linalg.norm(old.w, axis=1, keepdims=True) * v[:, :c0].T.numpy(), axis=1))
    assert cos.min() > 0.9999, f"the fit does not reproduce the shipped directions: |cos| {cos}"
    enc = Encoder(c)
    with torch.no_grad():
        w = v[:, :c].T.float()
        b = -(v[:, :c].T @ mu).float()
        w[:c0], b[:c0] = torch.from_numpy(old.w), torch.from_numpy(old.b)
        enc.proj.weight.copy_(w[:, :, None, None])
        enc.proj.bias.copy_(b)
        z = enc.raw(x)
        shift, scale = z.mean(dim=(0, 2, 3)), z.std(dim=(0, 2, 3))
        shift[:c0], scale[:c0] = torch.from_numpy(old.shift), torch.from_numpy(old.scale)
        enc.shift.copy_(shift.view(1, c, 1, 1))
        enc.scale.copy_(scale.view(1, c, 1, 1))
    return enc, mu, float(share[:c].sum()), float(share[:c0].sum())


def set_width(pack, c):
    """pack.json's latent width, and every latent-shaped input and output its components declare."""
    c0 = pack["latent"]["channels"]
    pack["latent"]["channels"] = c
    for comp in ("vae_encoder", "vae_decoder", "denoiser"):
        for io in pack["components"][comp].get("inputs", []) + pack["components"][comp].get("outputs", []):
            if io["name"] in ("latent", "sample", "cond", "prediction") and len(io["shape"]) >= 4 and io["shape"][1] == c0:
                io["shape"][1] = c


def export_graph(m, x, path, i, o):
    """One VAE module as an ONNX graph (opset 17, dynamic N), written atomically."""
    with torch.no_grad():
        torch.onnx.export(m.eval(), (x,), path + ".tmp", input_names=[i], output_names=[o], opset_version=17,
                          dynamic_axes={i: {0: "N"}, o: {0: "N"}}, dynamo=False)
    os.replace(path + ".tmp", path)


def make_pack(dest, c):
    os.makedirs(dest, exist_ok=True)
    enc, mu, kept, kept0 = _wide_encoder(c)
    old = torch.load(os.path.join(HERE, "train/checkpoints/decoder2.pt"), map_location="cpu", weights_only=False)["dec"]
    dec = DecoderV2(c=c)
    state = dec.state_dict()
    for k, t in old.items():
        if k == "inp.weight":                       # the residual's first conv: zero weights from the new channels
            state[k].zero_()
            state[k][:, :t.shape[1]] = t
        elif k in ("shift", "scale", "back.weight"):
            continue
        else:
            state[k] = t.clone()
    with torch.no_grad():
        state["shift"], state["scale"] = enc.shift.clone(), enc.scale.clone()
        state["back.weight"] = enc.proj.weight[:, :, 0, 0].T.contiguous()[:, :, None, None]
        state["back.bias"] = mu.float().clone()
        state["out.weight"].zero_()                 # the residual fixed 8-channel errors the wider latent does not make
        state["out.bias"].zero_()
    dec.load_state_dict(state)
    dec.eval()
    torch.save({"dec": dec.state_dict(), "note": f"Decoder 2 widened to {c} channels, residual off"},
               os.path.join(dest, "decoder2.pt"))
    g = torch.Generator().manual_seed(0)
    img = torch.rand((2, 3, 64, 64), generator=g) * 2 - 1
    lat = torch.randn((2, c, 16, 16), generator=g)
    export_graph(enc, img, os.path.join(dest, "vae_encoder.onnx"), "sample", "latent")
    export_graph(dec, lat, os.path.join(dest, "vae_decoder.onnx"), "latent", "sample")
    pack = json.load(open(os.path.join(HERE, "pack.json")))
    set_width(pack, c)
    json.dump(pack, open(os.path.join(dest, "pack.json"), "w"), indent=2)
    # through the new graphs: the first 8 channels equal the shipped latent's
    frames = ((img.permute(0, 2, 3, 1).numpy() + 1) * 127.5).astype(np.uint8)
    z_new = PatchEncoder(os.path.join(dest, "vae_encoder.onnx"))(frames)
    z_old = PatchEncoder(os.path.join(HERE, "vae_encoder.onnx"))(frames)
    same = float(np.abs(z_new[:, :z_old.shape[1]] - z_old).max())
    assert same < 1e-4, same
    print(json.dumps({"pack": dest, "channels": c, "variance_kept": kept, "shipped_variance_kept": kept0,
                      "first_channels_vs_shipped": same,
                      "new_channel_scale": enc.scale.flatten()[8:].tolist()}))


def _widen(t, name, c0, c, fill=0.0):
    """A denoiser tensor widened from c0 to c latent channels (unchanged when it does not touch the latent)."""
    if name == "inp.weight":                      # [c1, 2c+1, ...]: sample channels, cond channels, the mask
        out = torch.full((t.shape[0], 2 * c + 1, *t.shape[2:]), fill, dtype=t.dtype)
        out[:, :c0] = t[:, :c0]
        out[:, c:c + c0] = t[:, c0:2 * c0]
        out[:, 2 * c] = t[:, 2 * c0]
        return out
    if name in ("outc.weight", "outc.bias"):      # [c, ...]
        out = torch.full((c, *t.shape[1:]), fill, dtype=t.dtype)
        out[:c0] = t
        return out
    return t


def widen(src, dst, c):
    s = torch.load(src, map_location="cpu", weights_only=False)
    c0 = s["ema"]["outc.weight"].shape[0]
    assert c > c0, f"{src} is already {c0} channels wide"
    names = [n for n, _ in TW2_ARCHS[s["arch"]](c=c0).named_parameters()]
    ema0 = {k: v.float() for k, v in s["ema"].items()}
    for key in ("model", "ema"):
        s[key] = {k: _widen(v, k, c0, c) for k, v in s[key].items()}
    if "opt_state" in s:
        for i, st in s["opt_state"].items():
            n = names[int(i)]
            # a new slice's second moment starts at its tensor's mean, not zero: Adam's first steps on it stay lr-sized
            st["m"] = _widen(st["m"], n, c0, c)
            st["sqrt_v"] = _widen(st["sqrt_v"], n, c0, c, fill=float(st["sqrt_v"].float().mean()))
    assert "opt" not in s, "widen a compact checkpoint (train/checkpoints/*.pt)"
    s["latent"] = {"channels": c, "widened_from": {"channels": c0, "step": s["step"], "checkpoint": os.path.relpath(src)}}
    # the promise: on the first c0 channels the widened denoiser is the same function, and it predicts 0 on the new
    old, new = TW2_ARCHS[s["arch"]](c=c0), TW2_ARCHS[s["arch"]](c=c)
    old.load_state_dict(ema0)
    new.load_state_dict({k: v.float() for k, v in s["ema"].items()})
    g = torch.Generator().manual_seed(0)
    x, cond = torch.randn(2, c, 4, 16, 16, generator=g), torch.randn(2, c, 4, 16, 16, generator=g)
    mask = torch.zeros(2, 1, 4, 16, 16)
    mask[:, :, 0] = 1
    t, y = torch.rand(2, generator=g), torch.randn(2, 384, generator=g)
    tok = [torch.randn(2, 5, 384, generator=g), torch.ones(2, 5)] if getattr(new, "text_tokens", False) else []
    with torch.no_grad():
        a = old.eval()(x[:, :c0], t, y, cond[:, :c0], mask, *tok)
        b = new.eval()(x, t, y, cond, mask, *tok)
    diff = float((a - b[:, :c0]).abs().max())
    assert diff < 1e-4 and float(b[:, c0:, 1:].abs().max()) == 0.0, diff
    torch.save(s, dst + ".tmp")
    os.replace(dst + ".tmp", dst)
    print(json.dumps({"widened": os.path.relpath(src), "to": dst, "channels": [c0, c], "step": s["step"], "same_function": diff}))


def install(src, dest):
    """The candidate's latent into the pack at dest: the encoder graph copied (checked against its torch form), the
    decoder exported from the candidate's decoder2.pt by train_decoder2.export, both parity cases, pack.json's width."""
    import onnx
    import onnxruntime as ort
    from onnx import numpy_helper
    from train.export import sha256, write_bin
    from train.train_decoder2 import export as export_decoder, load_decoder
    c = json.load(open(os.path.join(src, "pack.json")))["latent"]["channels"]
    pp = os.path.join(dest, "pack.json")
    pack = json.load(open(pp))
    set_width(pack, c)
    json.dump(pack, open(pp + ".tmp", "w"), indent=2)
    open(pp + ".tmp", "a").write("\n")
    os.replace(pp + ".tmp", pp)
    export_decoder(load_decoder(os.path.join(src, "decoder2.pt")), dest)      # also writes its hash into pack.json
    path = os.path.join(src, "vae_encoder.onnx")
    init = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in onnx.load(path).graph.initializer}
    enc = Encoder(c)
    enc.load_state_dict({k: init[k] for k in ("proj.weight", "proj.bias", "shift", "scale")})
    img = torch.rand((2, 3, 64, 64), generator=torch.Generator().manual_seed(0)) * 2 - 1
    with torch.no_grad():
        ref = enc(img)
    err = float(np.abs(ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(["latent"], {"sample": img.numpy()})[0]
                       - ref.numpy()).max())
    assert err < 1e-4, f"vae_encoder.onnx: ORT and torch disagree by {err}"
    shutil.copyfile(path, os.path.join(dest, "vae_encoder.onnx.tmp"))
    os.replace(os.path.join(dest, "vae_encoder.onnx.tmp"), os.path.join(dest, "vae_encoder.onnx"))
    pdir = os.path.join(dest, "parity")
    pj = os.path.join(pdir, "parity.json")
    par = json.load(open(pj))
    case = {"model": "vae_encoder.onnx", "inputs": [dict(write_bin(pdir, "enc_sample", img), name="sample")],
            "outputs": [dict(write_bin(pdir, "enc_latent", ref), name="latent")]}
    par["cases"] = [case if k["model"] == "vae_encoder.onnx" else k for k in par["cases"]]
    json.dump(par, open(pj + ".tmp", "w"), indent=1)
    os.replace(pj + ".tmp", pj)
    pack = json.load(open(pp))
    f = os.path.join(dest, "vae_encoder.onnx")
    pack["components"]["vae_encoder"].update(sha256=sha256(f), size=os.path.getsize(f))
    json.dump(pack, open(pp + ".tmp", "w"), indent=2)
    open(pp + ".tmp", "a").write("\n")
    os.replace(pp + ".tmp", pp)
    print(json.dumps({"installed": src, "into": dest, "channels": c}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-pack")
    m.add_argument("dest")
    m.add_argument("--c", type=int, default=16)
    w = sub.add_parser("widen")
    w.add_argument("src")
    w.add_argument("dst")
    w.add_argument("--c", type=int, default=16)
    i = sub.add_parser("install")
    i.add_argument("src")
    i.add_argument("--dest", default=HERE)
    a = ap.parse_args()
    torch.set_num_threads(1)
    if a.cmd == "make-pack":
        make_pack(a.dest, a.c)
    elif a.cmd == "widen":
        widen(a.src, a.dst, a.c)
    else:
        install(a.src, a.dest)


if __name__ == "__main__":
    main()
