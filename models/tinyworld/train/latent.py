"""The shipped pack's latent, read back from its own ONNX graphs.

Tiny World 2 keeps 1.0's latent (8-channel PCA patch latent + residual decoder), so the denoiser is
the only thing retrained and the decoder in the pack stays valid. The encoder is linear, so it is
rebuilt exactly from the initializers of vae_encoder.onnx; decoding for in-training metrics runs the
pack's vae_decoder.onnx through onnxruntime. Nothing here needs a training checkpoint of 1.0.
With TINYWORLD_PACK set, every tool reads another pack's latent instead (a wider one: train/widen_latent.py).
"""
import json
import os

import numpy as np


def pack_dir():
    """The pack the training tools work on: TINYWORLD_PACK (a candidate pack folder, e.g. one with a wider latent) or
    the shipped one. Its pack.json gives the latent's width and its VAE graphs are the latent."""
    return os.environ.get("TINYWORLD_PACK") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pack_channels():
    return int(json.load(open(os.path.join(pack_dir(), "pack.json")))["latent"]["channels"])


ROOT = pack_dir()
S = 4                # spatial stride


class PatchEncoder:
    """uint8 frames [N,64,64,3] -> normalised latent float32 [N,C,16,16] (numpy, no torch)."""

    def __init__(self, path=os.path.join(ROOT, "vae_encoder.onnx")):
        import onnx
        from onnx import numpy_helper
        init = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
        self.w = init["proj.weight"][:, :, 0, 0].astype(np.float32)       # [C,48]
        self.b = init["proj.bias"].astype(np.float32)
        self.shift = init["shift"].reshape(-1).astype(np.float32)
        self.scale = init["scale"].reshape(-1).astype(np.float32)

    def __call__(self, frames):
        n, h, w, _ = frames.shape
        x = frames.astype(np.float32) / 127.5 - 1.0                        # [N,H,W,3]
        x = x.transpose(0, 3, 1, 2)                                        # [N,3,H,W]
        # PixelUnshuffle(4): channel index = c*16 + dy*4 + dx
        x = x.reshape(n, 3, h // S, S, w // S, S).transpose(0, 1, 3, 5, 2, 4).reshape(n, 3 * S * S, h // S, w // S)
        # einsum's own loop, not BLAS: a threaded BLAS call spins its threads after every clip, and in the training
        # run's render worker that spinning cost 2.3x the rendering's CPU (measured: 155 against 68 ms a batch),
        # taken from the trainer beside it; the product itself is 0.5 ms a clip either way.
        z = np.einsum("kc,nchw->nkhw", self.w, x, optimize=False) + self.b[None, :, None, None]
        return ((z - self.shift[None, :, None, None]) / self.scale[None, :, None, None]).astype(np.float32)


class PackDecoder:
    """normalised latent [N,C,16,16] -> uint8 frames [N,64,64,3] through the pack's decoder graph."""

    def __init__(self, path=os.path.join(ROOT, "vae_decoder.onnx"), threads=1):
        import onnxruntime as ort
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.log_severity_level = 3
        self.sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])

    def __call__(self, z):
        y = self.sess.run(["sample"], {"latent": np.ascontiguousarray(z, np.float32)})[0]
        return np.clip((y + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8).transpose(0, 2, 3, 1)
