"""Would int8 help Tiny World's denoiser? Static QDQ quantization of every Conv (per-channel int8 weights,
uint8 activations calibrated on real denoiser inputs recorded while sampling), then: decoded-frame PSNR of
full 16-step guided samples against fp32 (issue #13's bar: >= 35 dB), and the time per call side by side.

  ../../.venv/bin/python bench/int8_probe.py [PACK_DIR]      (default: this pack, models/tinyworld)
"""
import argparse, os, tempfile, time

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process

HERE = os.path.dirname(os.path.abspath(__file__))


def session(path):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    so.log_severity_level = 3
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def sample(den, emb, seed, steps=16, guidance=2.0, record=None, f=16):
    """Flow-Euler with classifier-free guidance (x-prediction), as the engine samples a text-to-video window."""
    r = np.random.RandomState(seed)
    x = r.randn(1, 8, f, 16, 16).astype(np.float32)
    e = emb[seed % len(emb)][None]
    text = np.concatenate([e, np.zeros_like(e)])
    cond, mask = np.zeros((2, 8, f, 16, 16), np.float32), np.zeros((2, 1, f, 16, 16), np.float32)
    ts = np.linspace(1, 0, steps + 1)
    for i in range(steps):
        feed = {"sample": np.concatenate([x, x]), "timestep": np.full(2, ts[i], np.float32), "text_embeds": text,
                "cond": cond, "mask": mask}
        if record is not None:
            record.append(feed)
        p = den.run(None, feed)[0]
        x0 = p[1:] + guidance * (p[:1] - p[1:])
        x = (x + (ts[i + 1] - ts[i]) * (x - x0) / ts[i]).astype(np.float32)
    return x


class Feeds(CalibrationDataReader):
    def __init__(self, feeds):
        self.it = iter(feeds)

    def get_next(self):
        return next(self.it, None)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pack", nargs="?", default=os.path.dirname(HERE))
    a = ap.parse_args()
    emb = np.load(os.path.join(os.path.dirname(HERE), "train/data/curve_emb.npy")).astype(np.float32)
    fp = session(os.path.join(a.pack, "denoiser.onnx"))
    dec = session(os.path.join(a.pack, "vae_decoder.onnx"))
    calib = []
    for s in range(6):
        sample(fp, emb, 1000 + s, record=calib)
    with tempfile.TemporaryDirectory() as tmp:
        pre, q = os.path.join(tmp, "pre.onnx"), os.path.join(tmp, "q8.onnx")
        quant_pre_process(os.path.join(a.pack, "denoiser.onnx"), pre, skip_symbolic_shape=True)
        quantize_static(pre, q, Feeds(calib), quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, op_types_to_quantize=["Conv"],
                        calibrate_method=CalibrationMethod.MinMax)
        q8 = session(q)

    def frames(lat):
        return np.clip(dec.run(None, {dec.get_inputs()[0].name: lat[0].transpose(1, 0, 2, 3)})[0], -1, 1)
    psnr = []
    for s in range(6):
        ref, got = frames(sample(fp, emb, s)), frames(sample(q8, emb, s))
        psnr.append(10 * np.log10(1 / np.mean(((ref - got) / 2) ** 2)))
    print(f"calibration: {len(calib)} denoiser inputs from 6 sampled clips")
    print("decoded-frame PSNR, int8 vs fp32, per clip (dB):", " ".join(f"{p:.1f}" for p in psnr))
    feed = calib[5]
    for rnd in range(2):
        for name, m in (("fp32", fp), ("int8", q8)):
            for _ in range(3):
                m.run(None, feed)
            t = []
            for _ in range(20):
                t0 = time.perf_counter()
                m.run(None, feed)
                t.append(time.perf_counter() - t0)
            print(f"round {rnd + 1}: {name} median {1000 * np.median(t):.1f} ms per call")


if __name__ == "__main__":
    main()
