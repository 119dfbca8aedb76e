"""Side-by-side timing of denoiser graphs (and ONNX Runtime settings) through ORT's Python API, for graph
experiments before they reach a pack: each configuration is measured in turn, ROUNDS times over, so a drift of
the machine's speed shows as a spread instead of a false difference.

  ../../.venv/bin/python bench/ort_ab.py A.onnx B.onnx [--spin 0 1] [--level all extended] [--rounds 2]

Inputs are a guided call of the shipped pack's shape: batch 2, 8 latent channels, 16 frames of 16x16.
"""
import argparse, collections, time

import numpy as np
import onnx
import onnxruntime as ort

LEVELS = {"basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC, "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
          "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL}


def feed(b=2, f=16):
    r = np.random.RandomState(0)
    return {"sample": r.randn(b, 8, f, 16, 16).astype(np.float32), "timestep": np.full(b, 0.5, np.float32),
            "text_embeds": r.randn(b, 384).astype(np.float32) / 20, "cond": np.zeros((b, 8, f, 16, 16), np.float32),
            "mask": np.zeros((b, 1, f, 16, 16), np.float32)}


def session(path, spin, level, threads):
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.log_severity_level = 3
    so.graph_optimization_level = LEVELS[level]
    so.add_session_config_entry("session.intra_op.allow_spinning", spin)
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def median_ms(s, x, reps=20):
    for _ in range(3):
        s.run(None, x)
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        s.run(None, x)
        ts.append(time.perf_counter() - t)
    return 1000 * float(np.median(ts))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graphs", nargs="+")
    ap.add_argument("--spin", nargs="+", default=["0"], help="session.intra_op.allow_spinning values")
    ap.add_argument("--level", nargs="+", default=["all"], choices=list(LEVELS))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    x = feed()
    configs = [(g, sp, lv) for g in a.graphs for sp in a.spin for lv in a.level]
    sessions = {c: session(*c, a.threads) for c in configs}
    nodes = {g: sum(collections.Counter(n.op_type for n in onnx.load(g).graph.node).values()) for g in a.graphs}
    print(f"ONNX Runtime {ort.__version__}, {a.threads} threads; median of 20 calls per round")
    for r in range(a.rounds):
        for (g, sp, lv), s in sessions.items():
            print(f"round {r + 1}: {g} ({nodes[g]} nodes) spin {sp} level {lv}: {median_ms(s, x):.1f} ms")


if __name__ == "__main__":
    main()
