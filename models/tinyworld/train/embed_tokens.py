"""Per-token text states for the training captions: the pack's own MiniLM encoder (text_encoder/*.onnx) and
tokenizer, run as the engine's TextEncoder runs them (no padding, truncation at the pack's maxTokens), its
last_hidden_state kept row by row instead of mean-pooled.

Writes data/tokens.npy [N, L, 384] float16 (rows past a caption's length are zero) and data/tokens_len.npy [N]
int16. L is the longest caption's token count. Checked on the way: mean-pooling and normalising these states
must give back data/emb.npy, which `kinora embed` (the Java engine) wrote, or the states are not the engine's.
Measured 2026-12-01: half the captions match to 5e-8; the rest differ by up to 2e-2 (pooled, max element), on
every thread count and graph optimisation level, and not from tokenization (dropping or adding a token is 2-8e-2
off): Python's onnxruntime here is 1.30, the engine's 1.28, and this encoder is int8 with dynamic quantization,
whose kernels are where the two differ. So the check asks for the median to match (same encoder, same tokens)
and reports the tail.

  ../../.venv/bin/python -m train.embed_tokens
"""
import argparse
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.join(HERE, "..")


def load_encoder():
    import onnxruntime as ort
    from tokenizers import Tokenizer
    pack = json.load(open(os.path.join(PACK, "pack.json")))
    comps = pack["components"]
    tok = Tokenizer.from_file(os.path.join(PACK, comps["tokenizer"]["file"]))
    tok.no_padding()
    tok.enable_truncation(pack["text"]["maxTokens"])
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(os.path.join(PACK, comps["text_encoder"]["file"]), opts)
    return tok, sess


def token_states(tok, sess, text):
    """[T, 384] float32: the hidden state of each of the caption's tokens ([CLS] and [SEP] included)."""
    e = tok.encode(text)
    ids = np.array([e.ids], np.int64)
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
    return sess.run(["last_hidden_state"], feed)[0][0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--captions", default=os.path.join(HERE, "data/captions.txt"))
    ap.add_argument("--emb", default=os.path.join(HERE, "data/emb.npy"))
    ap.add_argument("--out", default=os.path.join(HERE, "data/tokens.npy"))
    a = ap.parse_args()
    tok, sess = load_encoder()
    caps = [l.rstrip("\n") for l in open(a.captions)]
    states = [token_states(tok, sess, c) for c in caps]
    n, length = len(states), max(len(s) for s in states)
    out = np.lib.format.open_memmap(a.out + ".tmp.npy", mode="w+", dtype=np.float16, shape=(n, length, states[0].shape[1]))
    lens = np.zeros(n, np.int16)
    for i, s in enumerate(states):
        out[i, :len(s)] = s
        lens[i] = len(s)
    out.flush()
    del out
    pooled = np.stack([s.mean(0) for s in states])
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    err = np.abs(pooled - np.load(a.emb)).max(1)
    print(f"{n} captions, {length} tokens at most (median {int(np.median(lens))}); pooled vs the engine's emb.npy, "
          f"max |diff| per caption: median {np.median(err):.1e}, 99th percentile {np.percentile(err, 99):.1e}, max {err.max():.1e}")
    if np.median(err) > 1e-5 or err.max() > 0.1:
        raise SystemExit("these states are not the engine's: not written")
    os.replace(a.out + ".tmp.npy", a.out)
    np.save(a.out.replace(".npy", "_len.npy"), lens)


if __name__ == "__main__":
    main()
