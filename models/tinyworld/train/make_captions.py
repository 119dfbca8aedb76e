"""Write the fixed training caption set: train/data/captions.{txt,jsonl} (one caption per line).

Embed it with the engine:  ./kinora embed --captions captions.txt --out emb.npy
usage (from models/tinyworld/): /usr/bin/python3 -m train.make_captions --n 20000 --seed 0
"""
import argparse, os
from world.captions import write_caption_set

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="train/data/captions")
    a = ap.parse_args()
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    pairs = write_caption_set(a.out, a.n, a.seed)
    print(len(pairs), "captions,", len(set(c for _, c in pairs)), "unique ->", a.out + ".txt")
