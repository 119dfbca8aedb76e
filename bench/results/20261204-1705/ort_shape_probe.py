import time, numpy as np, onnxruntime as ort
so = ort.SessionOptions(); so.inter_op_num_threads = 1; so.log_severity_level = 3
so.add_session_config_entry("session.intra_op.allow_spinning", "0")
s = ort.InferenceSession("/work/main/models/tinyworld/denoiser.onnx", so)
rng = np.random.default_rng(0)
def f(T):
    r = lambda *sh: rng.standard_normal(sh).astype(np.float32)
    return {"sample": r(2, 8, 16, 16, 16), "timestep": np.array([.5, .5], np.float32), "text_embeds": r(2, 384),
            "cond": r(2, 8, 16, 16, 16), "mask": r(2, 1, 16, 16, 16), "text_tokens": r(2, T, 384), "text_mask": np.ones((2, T), np.float32)}
def t(feed):
    t0 = time.perf_counter(); s.run(None, feed); return (time.perf_counter() - t0) * 1000
for _ in range(5): t(f(12))
same = [t(f(12)) for _ in range(20)]
firsts, rest = [], []
for T in range(13, 23):
    firsts.append(t(f(T))); rest += [t(f(T)) for _ in range(5)]
print("same shape median %.1f; first call at a new T: median %.1f (%s); following calls median %.1f" % (
    np.median(same), np.median(firsts), [round(x) for x in firsts], np.median(rest)))
