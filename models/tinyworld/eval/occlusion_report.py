"""Why the held-out occlusion clips fail permanence: reads an eval folder `eval.run_eval` wrote (its gen/ clips) and
prints, per occlusion prompt and draw, the first test each clip fails (detect.permanence_why), whether the subject's
colour covers both sides of the pillar in the first two frames (the subject drawn twice: the caption does not say on
which side it starts) and what the first four frames' features read (centroid x, area, fill, solidity, frames touching
the border). The rendered clip of each prompt is read the same way, for comparison.

  ../../.venv/bin/python -m eval.occlusion_report --out /tmp/eval_cand [--draws 4]
"""
import argparse
import collections
import os

import numpy as np

from eval import prompts as P
from eval.detect import COLOUR_NAMES, _pick, classify_shape, detect, label_pixels, permanence_why
from eval.run_eval import clip_name, load_frames
from world.render import render

PILLAR = (24, 40)     # the occluder's columns (with a margin) in every scene: left of it, and right of it


def both_sides(clip, colour, min_px=25):
    m = label_pixels(clip[:2]) == COLOUR_NAMES.index(colour)
    left, right = m[:, :, :PILLAR[0]].sum() / 2, m[:, :, PILLAR[1]:].sum() / 2
    return bool(left >= min_px and right >= min_px)


def start_features(det, spec):
    if not det["objects"]:
        return "no object"
    fs = _pick(det, spec)["frames"]
    g = [f for f in fs[:4] if f is not None]
    if not g:
        return "absent in frames 0-3"
    return (f"x {np.mean([f['x'] for f in g]):4.1f} area {np.mean([f['area'] for f in g]):4.0f} "
            f"fill {np.median([f['fill'] for f in g]):.2f} solidity {np.median([f['solidity'] for f in g]):.2f} "
            f"border {sum(f['border'] for f in g)} -> {classify_shape(fs[:4] + [None])}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, help="a folder eval.run_eval wrote")
    ap.add_argument("--draws", type=int, default=4)
    a = ap.parse_args()
    gen = P.build()
    tally = collections.Counter()
    for i, p in enumerate(gen):
        spec = p["spec"]
        if spec["motion"] != "occlude":
            continue
        real, _ = render(spec, p["seed"])
        print(f"{p['prompt']}  [{spec['colour']} {spec['shape']}]\n  rendered: {start_features(detect(real), spec)}")
        for d in range(a.draws):
            clip = load_frames(os.path.join(a.out, "gen", clip_name(i, d)))
            if clip is None:
                continue
            det = detect(clip)
            why, twice = permanence_why(det, spec), both_sides(clip, spec["colour"])
            tally[(why, twice)] += 1
            print(f"  draw {d}: {why:13s} {'drawn twice' if twice else 'once':11s} {start_features(det, spec)}")
    print("\nfirst test failed, subject on both sides of the pillar in frames 0-1:")
    for (why, twice), n in sorted(tally.items()):
        print(f"  {why:13s} {'twice' if twice else 'once':5s} {n}")


if __name__ == "__main__":
    main()
