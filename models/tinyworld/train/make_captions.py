"""Write the fixed training caption set: train/data/captions.{txt,jsonl} (one caption per line).

Embed it with the engine:  ./kinora embed --captions captions.txt --out emb.npy
usage (from models/tinyworld/): /usr/bin/python3 -m train.make_captions --n 20000 --seed 0
"""
import argparse, json, os
from world.captions import subject_free_captions, write_caption_set

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="train/data/captions")
    ap.add_argument("--subject-free-only", action="store_true", help="write only the subject-free set")
    ap.add_argument("--vocab", choices=["base", "wide"], default="base",
                    help="wide: the base words and forms plus world/captions.py's WIDE_* ones (base: every pack to 2.9.0)")
    a = ap.parse_args()
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    if not a.subject_free_only:
        pairs = write_caption_set(a.out, a.n, a.seed, None if a.vocab == "base" else a.vocab)
        print(len(pairs), "captions,", len(set(c for _, c in pairs)), "unique ->", a.out + ".txt")
    # the subject-free set beside them (train_denoiser --subject-free-p), embedded the same way
    sf = subject_free_captions()
    base = os.path.join(os.path.dirname(a.out), "subject_free")
    with open(base + ".txt", "w") as f:
        f.writelines(c["caption"] + "\n" for c in sf)
    with open(base + ".jsonl", "w") as f:
        f.writelines(json.dumps(c) + "\n" for c in sf)
    print(len(sf), "subject-free captions ->", base + ".txt")
