"""`kinora embed` in Python: the pack's text encoder on captions, for a machine that trains but has no Java.

Writes what `./kinora embed --captions C --out E --tokens T` writes (float32 .npy [N,384] of pooled, L2-normalised
sentence embeddings; float16 .npy [N,L,384] of token states, L the longest caption's token count, zero past a
caption's end; int16 .npy [N] of token counts beside it, T's name + _len.npy), computed as the engine's TextEncoder
computes them: the pack's tokenizer.json (truncated to the manifest's text.maxTokens, no padding), one caption per
encoder call. One per call matters: the int8 encoder quantises its activations with a scale taken over the whole
input, so padding captions into a batch would change every caption's states.

Why it exists: a lent GPU machine has Python, onnxruntime and tokenizers but no JDK, and the token-attending
denoisers (unet_ta_xt on) train on token states that are 1.5 GB for the 60 000 captions, far over what may be sent
to that machine; the captions and this script are small (the whole set took 10.9 s on its 16 cores in session 31,
train/logs/tw2xtw_gpu31a_embed.log).
`--check` compares the result with files `kinora embed` wrote (the embeddings differ in the last bits between
machines anyway: the int8 kernels depend on the CPU; the model card's emb_md5 notes say so).

  python -m train.embed_py --captions train/data/captions.txt --out /tmp/emb.npy --tokens /tmp/tokens.npy [--workers 16]
  python -m train.embed_py --captions train/data/captions.txt --rows 300 --check train/data/emb.npy,train/data/tokens.npy
"""
import argparse
import json
import multiprocessing as mp
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.dirname(HERE)


def read_captions(path):
    """One caption a line; a .jsonl file's rows give theirs in "caption" (train/data/captions.jsonl)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if path.endswith(".jsonl"):
        return [json.loads(s)["caption"] for s in lines]
    return lines


class Encoder:
    """The pack's text encoder as the engine runs it (TextEncoder.compute): ids, mask and type ids of one caption."""

    def __init__(self, pack_dir=PACK, threads=1):
        import onnxruntime as ort
        from tokenizers import Tokenizer
        with open(os.path.join(pack_dir, "pack.json")) as f:
            manifest = json.load(f)
        text = manifest["text"]
        comp = manifest["components"]["text_encoder"]
        tok_file = manifest["components"].get("tokenizer", {}).get("file")
        onnx_file = os.path.join(pack_dir, comp["file"])
        tok_file = os.path.join(pack_dir, tok_file) if tok_file else onnx_file[:-len(".onnx")] + "-tokenizer.json"
        for p in (onnx_file, tok_file):
            if not os.path.isfile(p):
                raise SystemExit(f"embed_py: {p} is missing (the Maven build extracts the text encoder; a GPU machine needs it carried)")
        self.tok = Tokenizer.from_file(tok_file)
        self.max_tokens = int(text["maxTokens"])
        self.tok.enable_truncation(self.max_tokens)
        self.tok.no_padding()
        self.normalise = str(text.get("pooling", "")).endswith("normalized")
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        self.sess = ort.InferenceSession(onnx_file, so, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.sess.get_inputs()}
        self.dim = int(text["dim"])

    def count(self, caption):
        """Tokens of a caption, as TextEncoder.countTokens: one more than fits when it was truncated."""
        enc = self.tok.encode(caption)
        return len(enc.ids) + (1 if enc.overflowing else 0)

    def encode(self, caption):
        """(pooled [dim] float32, token states [n,dim] float32, truncated)."""
        enc = self.tok.encode(caption)
        feed = {"input_ids": np.array([enc.ids], np.int64), "attention_mask": np.array([enc.attention_mask], np.int64),
                "token_type_ids": np.array([enc.type_ids], np.int64)}
        h = self.sess.run(["last_hidden_state"], {k: v for k, v in feed.items() if k in self.inputs})[0][0]
        keep = np.array(enc.attention_mask, bool)
        states = h[keep].astype(np.float32)
        # the engine sums in float32 in token order, divides, then scales by 1/max(norm, 1e-12) with the norm in double
        pooled = np.zeros(self.dim, np.float32)
        for row in states:
            pooled += row
        pooled /= np.float32(max(len(states), 1))
        if self.normalise:
            norm = np.sqrt(np.sum(pooled.astype(np.float64) ** 2))
            pooled *= np.float32(1.0 / max(norm, 1e-12))
        return pooled, states, bool(enc.overflowing)


_ENC = None


def _init(pack_dir):
    global _ENC
    _ENC = Encoder(pack_dir, threads=1)


def _work(job):
    i, caption = job
    pooled, states, truncated = _ENC.encode(caption)
    return i, pooled, states.astype(np.float16), truncated


def embed(captions, pack_dir=PACK, workers=1, tokens_len=None):
    """(pooled [N,dim] float32, tokens [N,L,dim] float16 or None, counts [N] int16, truncated): tokens when tokens_len
    is True (L the longest count, capped at maxTokens, as GenerationEngine.embed)."""
    enc = Encoder(pack_dir, threads=1)
    n, dim = len(captions), enc.dim
    pooled = np.zeros((n, dim), np.float32)
    counts = np.zeros(n, np.int16)
    length = max([1] + [min(enc.count(c), enc.max_tokens) for c in captions]) if tokens_len else 0
    tokens = np.zeros((n, length, dim), np.float16) if tokens_len else None
    truncated = 0
    jobs = list(enumerate(captions))
    if workers > 1:
        pool = mp.get_context("fork").Pool(workers, initializer=_init, initargs=(pack_dir,))
        results = pool.imap_unordered(_work, jobs, chunksize=64)
    else:
        global _ENC
        _ENC = enc
        results = map(_work, jobs)
    for i, p, st, tr in results:
        pooled[i] = p
        counts[i] = len(st)
        truncated += tr
        if tokens is not None:
            tokens[i, :len(st)] = st
    if workers > 1:
        pool.close()
        pool.join()
    return pooled, tokens, counts, truncated


def save_atomically(path, array):
    tmp = path + ".tmp.npy"
    np.save(tmp, array)
    os.replace(tmp, path)


def len_path(tokens_path):
    return (tokens_path[:-4] if tokens_path.endswith(".npy") else tokens_path) + "_len.npy"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--captions", required=True, help="one caption a line (or train/data/captions.jsonl)")
    ap.add_argument("--out", help="pooled embeddings, float32 .npy [N,384]")
    ap.add_argument("--tokens", help="also the token states, float16 .npy [N,L,384], and NAME_len.npy")
    ap.add_argument("--pack", default=PACK, help="the pack whose text encoder and manifest are used (default: %(default)s)")
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--rows", type=int, default=0, help="only the first ROWS captions (with --check: a sample)")
    ap.add_argument("--check", help="EMB[,TOKENS]: files `kinora embed` wrote for the same captions; prints the largest differences")
    a = ap.parse_args()
    captions = read_captions(a.captions)
    if a.rows:
        captions = captions[:a.rows]
    want_tokens = bool(a.tokens) or bool(a.check and "," in a.check)
    t0 = time.time()
    pooled, tokens, counts, truncated = embed(captions, a.pack, a.workers, want_tokens)
    took = time.time() - t0
    print(f"embedded {len(captions)} captions in {took:.1f} s ({len(captions) / max(took, 1e-9):.0f} a second, {a.workers} workers)"
          + (f", {truncated} truncated" if truncated else ""), file=sys.stderr)
    if a.out:
        save_atomically(a.out, pooled)
    if a.tokens:
        save_atomically(a.tokens, tokens)
        save_atomically(len_path(a.tokens), counts)
    if a.check:
        paths = a.check.split(",")
        ref = np.load(paths[0], mmap_mode="r")[:len(captions)]
        report = {"rows": len(captions), "emb_max_abs": float(np.abs(ref - pooled).max()),
                  "emb_min_cosine": float((ref * pooled).sum(1).min())}
        if len(paths) > 1:
            rt = np.load(paths[1], mmap_mode="r")
            rl = np.load(len_path(paths[1]))[:len(captions)]
            report["counts_equal"] = bool((rl == counts).all())
            l = min(rt.shape[1], tokens.shape[1])
            a_, b_ = rt[:len(captions), :l].astype(np.float32), tokens[:, :l].astype(np.float32)
            real = np.arange(l)[None, :] < counts[:, None]
            cos = (a_ * b_).sum(-1)[real] / (np.linalg.norm(a_, axis=-1)[real] * np.linalg.norm(b_, axis=-1)[real] + 1e-12)
            report.update(tokens_max_abs=float(np.abs(a_ - b_).max()), tokens_min_cosine=float(cos.min()),
                          tokens_median_cosine=float(np.median(cos)))
        print(json.dumps(report))
        # measured 2026-12-04 against the JDK engine's files (ONNX Runtime 1.28 there, 1.30 here): equal token counts,
        # most captions equal to float precision, a few with a sentence cosine of 0.995 (the int8 encoder's kernels)
        ok = report["emb_min_cosine"] > 0.99 and report.get("counts_equal", True) and report.get("tokens_min_cosine", 1) > 0.98
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
