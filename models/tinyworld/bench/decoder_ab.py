"""Time two VAE decoder graphs side by side, alternating (this host's speed drifts within minutes), with ONNX
Runtime's Python API at 2 intra-op threads: a whole 16-frame clip and the 1-frame live preview.

  git show <rev>:models/tinyworld/vae_decoder.onnx > /tmp/dec_old.onnx
  ../../.venv/bin/python -m bench.decoder_ab /tmp/dec_old.onnx vae_decoder.onnx     (from models/tinyworld)
"""
import sys
import time

import numpy as np
import onnxruntime as ort


def main(paths, reps=6, calls=20):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    so.inter_op_num_threads = 1
    sess = {p: ort.InferenceSession(p, so, providers=["CPUExecutionProvider"]) for p in paths}
    for n in (16, 1):
        z = np.random.RandomState(0).randn(n, 8, 16, 16).astype(np.float32)
        ms = {p: [] for p in paths}
        for _ in range(reps):
            for p, s in sess.items():
                s.run(None, {"latent": z})
                t = time.perf_counter()
                for _ in range(calls):
                    s.run(None, {"latent": z})
                ms[p].append((time.perf_counter() - t) / calls * 1000)
        for p in paths:
            print(f"{n:2d} frames  {p}: median {np.median(ms[p]):.2f} ms, min {min(ms[p]):.2f} ms", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
