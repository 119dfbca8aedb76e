"""Export Tiny World to ONNX (opset 17, dynamic batch/frames), write parity tensors and pack.json.

usage (from models/tinyworld/):
  /usr/bin/python3 -m train.export --ae train/runs/ae/ae_final.pt --ckpt train/runs/final/ckpt.pt \
      --version 1.0.0 --steps 16 --guidance 3.0 --shift 1.0
Writes vae_encoder.onnx, vae_decoder.onnx, denoiser.onnx, parity/ and pack.json next to this package.
"""
import argparse, hashlib, json, os
import numpy as np
import onnx
import torch

from train.nets import Encoder, Decoder, Denoiser, LATENT_C, TEXT_DIM
from train.nets import ARCHS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
C = LATENT_C


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export(model, args, path, inputs, outputs, dyn):
    torch.onnx.export(model, args, path, input_names=inputs, output_names=outputs, dynamic_axes=dyn,
                      opset_version=17, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return m


def write_bin(d, name, t):
    a = np.ascontiguousarray(t.detach().numpy().astype("<f4"))
    a.tofile(os.path.join(d, name + ".bin"))
    return {"name": name, "file": name + ".bin", "shape": list(a.shape), "dtype": "float32"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ae", default="train/runs/ae/ae_final.pt")
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--shift", type=float, default=1.0)
    ap.add_argument("--description", default="Tiny World: a toy text- and frame-conditioned video diffusion model trained on a 2-core CPU.")
    ap.add_argument("--dest", default=ROOT, help="pack folder to write into")
    a = ap.parse_args()
    torch.set_num_threads(1)
    root = a.dest
    os.makedirs(root, exist_ok=True)
    ae = torch.load(a.ae)
    enc, dec = Encoder(), Decoder()
    enc.load_state_dict(ae["E"]); dec.load_state_dict(ae["D"])
    ck = torch.load(a.ckpt)
    den = Denoiser(**ARCHS[ck["arch"]])
    den.load_state_dict(ck["ema"])
    for m in (enc, dec, den):
        m.eval()

    g = torch.Generator().manual_seed(0)
    x_img = torch.rand((2, 3, 64, 64), generator=g) * 2 - 1
    z_lat = torch.randn((2, C, 16, 16), generator=g)
    b, f = 2, 8
    d_in = {
        "sample": torch.randn((b, C, f, 16, 16), generator=g),
        "timestep": torch.tensor([0.8, 0.35]),
        "text_embeds": torch.nn.functional.normalize(torch.randn((b, TEXT_DIM), generator=g), dim=1),
        "cond": torch.randn((b, C, f, 16, 16), generator=g),
        "mask": torch.zeros((b, 1, f, 16, 16)),
    }
    d_in["mask"][0, :, 0] = 1
    d_in["mask"][1, :, -2:] = 1
    d_in["cond"] = d_in["cond"] * d_in["mask"]
    d_in["text_embeds"][1] = 0

    files = {}
    with torch.no_grad():
        p = os.path.join(root, "vae_encoder.onnx")
        export(enc, (x_img,), p, ["sample"], ["latent"], {"sample": {0: "N"}, "latent": {0: "N"}})
        files["vae_encoder"] = p
        p = os.path.join(root, "vae_decoder.onnx")
        export(dec, (z_lat,), p, ["latent"], ["sample"], {"latent": {0: "N"}, "sample": {0: "N"}})
        files["vae_decoder"] = p
        p = os.path.join(root, "denoiser.onnx")
        names = ["sample", "timestep", "text_embeds", "cond", "mask"]
        dyn = {"sample": {0: "B", 2: "F"}, "timestep": {0: "B"}, "text_embeds": {0: "B"},
               "cond": {0: "B", 2: "F"}, "mask": {0: "B", 2: "F"}, "prediction": {0: "B", 2: "F"}}
        export(den, tuple(d_in[n] for n in names), p, names, ["prediction"], dyn)
        files["denoiser"] = p

        # parity tensors: fixed inputs and torch outputs, raw little-endian float32
        pdir = os.path.join(root, "parity")
        os.makedirs(pdir, exist_ok=True)
        cases = []
        cases.append({"model": "vae_encoder.onnx", "inputs": [write_bin(pdir, "enc_sample", x_img)],
                      "outputs": [dict(write_bin(pdir, "enc_latent", enc(x_img)), name="latent")]})
        cases[-1]["inputs"][0]["name"] = "sample"
        cases.append({"model": "vae_decoder.onnx", "inputs": [dict(write_bin(pdir, "dec_latent", z_lat), name="latent")],
                      "outputs": [dict(write_bin(pdir, "dec_sample", dec(z_lat)), name="sample")]})
        ins = [dict(write_bin(pdir, "den_" + n, d_in[n]), name=n) for n in names]
        out = den(*[d_in[n] for n in names])
        cases.append({"model": "denoiser.onnx", "inputs": ins,
                      "outputs": [dict(write_bin(pdir, "den_prediction", out), name="prediction")]})
        # a second denoiser case with other B and F proves the dynamic axes
        b2, f2 = 1, 16
        d2 = {"sample": torch.randn((b2, C, f2, 16, 16), generator=g), "timestep": torch.tensor([0.5]),
              "text_embeds": torch.nn.functional.normalize(torch.randn((b2, TEXT_DIM), generator=g), dim=1),
              "cond": torch.zeros((b2, C, f2, 16, 16)), "mask": torch.zeros((b2, 1, f2, 16, 16))}
        ins2 = [dict(write_bin(pdir, "den16_" + n, d2[n]), name=n) for n in names]
        out2 = den(*[d2[n] for n in names])
        cases.append({"model": "denoiser.onnx", "inputs": ins2,
                      "outputs": [dict(write_bin(pdir, "den16_prediction", out2), name="prediction")]})
    json.dump({"tolerance": 1e-3, "byteOrder": "little-endian", "cases": cases},
              open(os.path.join(pdir, "parity.json"), "w"), indent=1)

    def comp(key, inputs, outputs):
        path = files[key]
        return {"file": os.path.basename(path), "sha256": sha256(path), "size": os.path.getsize(path),
                "inputs": inputs, "outputs": outputs}

    pack = {
        "format": 1,
        "id": "tinyworld",
        "name": "Tiny World",
        "version": a.version,
        "license": "Apache-2.0 (weights: this project; text encoder: all-MiniLM-L6-v2 Apache-2.0)",
        "description": a.description,
        "modes": ["generate", "animate", "extend", "interpolate", "loop"],
        "width": 64, "height": 64, "frames": 16, "fps": 8,
        "latent": {"channels": C, "height": 16, "width": 16, "spatialStride": 4, "temporalStride": 1},
        "prediction": "sample",
        "flow": {"shift": a.shift},
        "scheduler": {"default": "flow-euler", "shift": a.shift, "timestepScale": 1.0},
        "defaults": {"steps": a.steps, "guidance": a.guidance, "scheduler": "flow-euler", "contextFrames": 4},
        "text": {"maxTokens": 64, "pooling": "mean-normalized", "dim": 384, "unconditional": "zeros"},
        "components": {
            "text_encoder": {"file": "text_encoder/all-minilm-l6-v2-q.onnx",
                             "sha256": "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1", "size": 22972370,
                             "inputs": [{"name": "input_ids", "shape": [-1, -1]}, {"name": "attention_mask", "shape": [-1, -1]},
                                        {"name": "token_type_ids", "shape": [-1, -1]}],
                             "outputs": [{"name": "last_hidden_state", "shape": [-1, -1, 384]}]},
            "tokenizer": {"file": "text_encoder/all-minilm-l6-v2-q-tokenizer.json",
                          "sha256": "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0", "size": 711661},
            "vae_encoder": comp("vae_encoder", [{"name": "sample", "shape": [-1, 3, 64, 64]}],
                                [{"name": "latent", "shape": [-1, C, 16, 16]}]),
            "vae_decoder": comp("vae_decoder", [{"name": "latent", "shape": [-1, C, 16, 16]}],
                                [{"name": "sample", "shape": [-1, 3, 64, 64]}]),
            "denoiser": comp("denoiser",
                             [{"name": "sample", "shape": [-1, C, -1, 16, 16]}, {"name": "timestep", "shape": [-1]},
                              {"name": "text_embeds", "shape": [-1, 384]}, {"name": "cond", "shape": [-1, C, -1, 16, 16]},
                              {"name": "mask", "shape": [-1, 1, -1, 16, 16]}],
                             [{"name": "prediction", "shape": [-1, C, -1, 16, 16]}]),
        },
    }
    json.dump(pack, open(os.path.join(root, "pack.json"), "w"), indent=2)
    for k, p in files.items():
        print(k, os.path.getsize(p), "bytes")
    print("wrote pack.json and parity/")


if __name__ == "__main__":
    main()
