"""How many prompts the pack's lexicon reads differently, counted through the engine: each set is embedded by `kinora
embed` as typed and with --read, and a prompt counts as read differently when its pooled vectors differ. The base
training captions must all read as typed (the caption form leaves the captions' own forms alone); the forms and
validation sets say how far the lexicon reaches.

  cd models/tinyworld && ../../.venv/bin/python -m eval.form_reach [--n 20000] [--kinora ../../kinora]
"""
import argparse
import os
import subprocess
import tempfile

import numpy as np

from world.captions import caption, sample_spec, training_captions


def embed(kinora, captions, work, name, read):
    txt = os.path.join(work, name + ".txt")
    out = os.path.join(work, name + ("_read" if read else "") + ".npy")
    with open(txt, "w") as f:
        f.write("".join(c + "\n" for c in captions))
    subprocess.run([kinora, "embed", "--captions", txt, "--out", out] + (["--read"] if read else []), check=True,
                   stdout=subprocess.DEVNULL)
    return np.load(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000, help="training captions (the first n of seed 0)")
    ap.add_argument("--n-other", type=int, default=3000, help="prompts of the forms and validation sets")
    ap.add_argument("--kinora", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "kinora"))
    a = ap.parse_args()
    rng = np.random.RandomState(5)
    specs = [sample_spec(rng) for _ in range(a.n_other)]
    sets = {"base": [c for _, c in training_captions(a.n, seed=0)],
            "forms": [caption(s, rng, vocab="forms") for s in specs],
            "validation": [caption(s, rng, vocab="validation") for s in specs]}
    with tempfile.TemporaryDirectory() as work:
        for name, caps in sets.items():
            typed, read = embed(a.kinora, caps, work, name, False), embed(a.kinora, caps, work, name, True)
            changed = int(np.sum(np.any(typed != read, axis=1)))
            print(f"{name:10s} {changed} of {len(caps)} read differently", flush=True)


if __name__ == "__main__":
    main()
