"""Probe: how well can a small reader recover a prompt's colour, shape, motion and scene from the text encoder's output,
for words no training caption has? The ceiling of a prompt rewriter built on that encoder (one that would read a
free prompt and write the training caption for it, as CogVideoX and Wan rewrite prompts into their captions' style).

Readers are trained on the wide vocabulary's single-subject captions (train/data_wide, built by `VOCAB=wide
train/run_tw2.sh`) and tested on eval.probe_vocab's validation captions (words and sentence forms in no training
caption of either vocabulary, not the held-out eval's): a linear reader of the pooled sentence vector, and two of
the token states (attention pooling; the maximum over tokens of a per-token linear reader).

  ../../.venv/bin/python -m eval.probe_text_reader [--kinora ../../kinora] [--work /tmp/text_reader] [--n 400]

Embeds the validation captions with the engine (`kinora embed`, pooled and token states) into --work.
"""
import argparse
import json
import os
import subprocess

import numpy as np
import torch

from eval.probe_vocab import prompt_pairs

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(os.path.dirname(HERE))
SLOTS = ["colour", "shape", "motion", "background"]


def embed(kinora, work, n):
    """The validation captions, their pooled vectors and token states (cached in `work`)."""
    os.makedirs(work, exist_ok=True)
    pairs = prompt_pairs(n, seed=77)
    txt = os.path.join(work, "val.txt")
    with open(txt, "w") as f:
        f.writelines(val + "\n" for _, _, val in pairs)
    if not os.path.exists(os.path.join(work, "val_tokens_len.npy")):
        subprocess.run(kinora.split() + ["embed", "--captions", txt, "--out", os.path.join(work, "val_emb.npy"),
                                         "--tokens", os.path.join(work, "val_tokens.npy")], check=True, cwd=ROOT)
    return ([spec for spec, _, _ in pairs], np.load(os.path.join(work, "val_emb.npy")),
            np.load(os.path.join(work, "val_tokens.npy")), np.load(os.path.join(work, "val_tokens_len.npy")))


def pooled_reader(x, y, classes, steps=300):
    """A linear reader of the pooled vector, full batch (the vectors are unit length, hence the scale)."""
    w = torch.zeros(x.shape[1], classes, requires_grad=True)
    b = torch.zeros(classes, requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=0.05)
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(x @ w * 10 + b, y).backward()
        opt.step()
    return lambda v: (v @ w * 10 + b).argmax(1)


def token_reader(kind, x, m, y, classes, steps=400, batch=512):
    torch.manual_seed(0)
    read = torch.nn.Linear(x.shape[2], classes)
    score = torch.nn.Linear(x.shape[2], 1)
    opt = torch.optim.Adam(list(read.parameters()) + list(score.parameters()), lr=3e-3)

    def logits(x, m):
        if kind == "attention":
            w = score(x).squeeze(-1).masked_fill(~m, -1e9).softmax(1)
            return read((w[..., None] * x).sum(1))
        return read(x).masked_fill(~m[..., None], -1e9).max(1).values

    for _ in range(steps):
        i = torch.randint(0, len(y), (batch,))
        opt.zero_grad()
        torch.nn.functional.cross_entropy(logits(x[i], m[i]), y[i]).backward()
        opt.step()
    return lambda v, vm: logits(v, vm).argmax(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kinora", default=os.path.join(ROOT, "kinora"))
    ap.add_argument("--work", default="/tmp/text_reader")
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--train-tokens", type=int, default=20000, help="captions the token readers train on")
    a = ap.parse_args()
    torch.set_num_threads(1)
    data = os.path.join(HERE, "train/data_wide")
    specs = [json.loads(line)["spec"] for line in open(os.path.join(data, "captions.jsonl"))]
    single = [i for i, s in enumerate(specs) if s["motion"] != "meet" and s.get("pan", 0) == 0]
    val_specs, val_emb, val_tok, val_len = embed(a.kinora, a.work, a.n)
    pooled = torch.tensor(np.load(os.path.join(data, "emb.npy"))[single])
    tokens = np.load(os.path.join(data, "tokens.npy"), mmap_mode="r")
    t_len = np.load(os.path.join(data, "tokens_len.npy"))
    sub = single[:a.train_tokens]
    width = tokens.shape[1]
    xt = torch.tensor(np.asarray(tokens[sub], dtype=np.float32))
    mt = torch.arange(width)[None, :] < torch.tensor(t_len[sub])[:, None]
    xv = torch.zeros(len(val_specs), width, tokens.shape[2])
    xv[:, :min(width, val_tok.shape[1])] = torch.tensor(val_tok[:, :width].astype(np.float32))
    mv = torch.arange(width)[None, :] < torch.tensor(val_len)[:, None]
    for slot in SLOTS:
        classes = sorted({specs[i][slot] for i in single})
        ix = {c: k for k, c in enumerate(classes)}
        y = torch.tensor([ix[specs[i][slot]] for i in single])
        yv = torch.tensor([ix[s[slot]] for s in val_specs])
        row = [f"pooled {(pooled_reader(pooled, y, len(classes))(torch.tensor(val_emb)) == yv).float().mean().item():.1%}"]
        for kind in ("attention", "max-token"):
            r = token_reader(kind, xt, mt, y[:len(sub)], len(classes))
            with torch.no_grad():
                row.append(f"{kind} {(r(xv, mv) == yv).float().mean().item():.1%}")
        print(f"{slot} ({len(classes)} classes, {len(val_specs)} validation captions): " + ", ".join(row), flush=True)


if __name__ == "__main__":
    main()
