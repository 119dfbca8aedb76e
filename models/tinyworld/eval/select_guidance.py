"""Choose the pack's default guidance on a validation set, not on the held-out test prompts.

The validation prompts are drawn like training captions (training combos, phrasings and words; seed 77, so
these exact (spec, seed) pairs are not the training batches, which draw fresh physics per step), single
objects without camera pan, no occlusion or meeting scenes. Each guidance in --guidances generates the same
clips through the Java engine (`kinora batch`), and the world's detector scores colour, shape and motion,
permanence on --n-occlude occlusion prompts, and, on the first --n-animate prompts' rendered first frames, animate's
"subject kept" and "moves as prompted"; the chosen guidance has the best mean over all of them:

  cd models/tinyworld && ../../.venv/bin/python -m eval.select_guidance --kinora ../../kinora --out /tmp/gsel

Writes <out>/select_guidance.json; prints one row per guidance, with the shapes the detector read against the ones
asked for and the first test each failed occlusion clip failed (diagnostics; the choice uses the six rates only). The held-out eval (eval/run_eval.py) then
runs once, at the chosen value.
"""
import argparse
import collections
import json
import os

import numpy as np

from PIL import Image

from eval.detect import _pick, animate_subject, detect, motion_ok, permanence_why
from eval.run_eval import FRAMES, adherence, load_frames, run_batch
from world.captions import caption, sample_spec
from world.render import render


def prompts(n, seed=77):
    rng = np.random.RandomState(seed)
    out = []
    while len(out) < n:
        spec = sample_spec(rng)
        if spec["motion"] in ("meet", "occlude") or spec["pan"]:
            continue
        out.append({"spec": spec, "prompt": caption(spec, rng), "seed": 7000 + len(out)})
    return out


def occlusion_prompts(n, seed=78):
    """Objects passing behind the pillar (permanence), training combos and phrasings."""
    rng = np.random.RandomState(seed)
    out = []
    for i in range(n):
        spec = sample_spec(rng, motion="occlude")
        spec["pan"] = 0
        out.append({"spec": spec, "prompt": caption(spec, rng), "seed": 7500 + i})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kinora", default=os.environ.get("KINORA", "./kinora"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=32)
    ap.add_argument("--n-occlude", type=int, default=16, help="occlusion prompts per guidance (permanence)")
    ap.add_argument("--n-animate", type=int, default=16, help="animate jobs per guidance (rendered first frames)")
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--guidances", default="1.5,2,2.5,3,4")
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    ps = prompts(a.n)
    occ = occlusion_prompts(a.n_occlude)
    gs = [float(g) for g in a.guidances.split(",")]
    jobs = []
    for g in gs:
        for i, p in enumerate(ps):
            jobs.append({"mode": "generate", "prompt": p["prompt"], "seed": p["seed"], "steps": a.steps, "guidance": g,
                         "frames": FRAMES, "out": f"{out}/g{g}/{i:03d}", "format": "png"})
        for i, p in enumerate(occ):
            jobs.append({"mode": "generate", "prompt": p["prompt"], "seed": p["seed"], "steps": a.steps, "guidance": g,
                         "frames": FRAMES, "out": f"{out}/o{g}/{i:03d}", "format": "png"})
        for i, p in enumerate(ps[:a.n_animate]):
            src = f"{out}/anim_src/{i:03d}.png"
            if not os.path.exists(src):
                os.makedirs(os.path.dirname(src), exist_ok=True)
                Image.fromarray(render(p["spec"], p["seed"])[0][0]).save(src)
            jobs.append({"mode": "animate", "prompt": p["prompt"], "seed": p["seed"], "steps": a.steps, "guidance": g,
                         "frames": FRAMES, "source": src, "out": f"{out}/a{g}/{i:03d}", "format": "png"})
    run_batch(a.kinora, jobs, out)
    rows = []
    for g in gs:
        sc = []
        read = collections.Counter()      # asked->read shapes over the prompts and the occlusion clips: which shapes blur

        def detect_and_read(clip, spec):
            det = detect(clip) if clip is not None else {"objects": []}
            if det["objects"]:
                read[f'{spec["shape"]}->{_pick(det, spec)["shape"]}'] += 1
            return det
        for i, p in enumerate(ps):
            clip = load_frames(f"{out}/g{g}/{i:03d}")
            det = detect_and_read(clip, p["spec"])
            sc.append(adherence(clip, p["spec"], det) if clip is not None else {"colour": False, "shape": False, "motion": False})
        row = {"guidance": g, **{k: float(np.mean([s[k] for s in sc])) for k in ("colour", "shape", "motion")}}
        row["mean"] = (row["colour"] + row["shape"] + row["motion"]) / 3
        pm = []
        for i, p in enumerate(occ):
            clip = load_frames(f"{out}/o{g}/{i:03d}")
            pm.append(permanence_why(detect_and_read(clip, p["spec"]), p["spec"]))
        if pm:
            row["permanence"] = float(np.mean([w == "ok" for w in pm]))
            row["permanence_why"] = dict(collections.Counter(pm).most_common())
        row["shape_read"] = dict(sorted(read.items()))
        an = []
        for i, p in enumerate(ps[:a.n_animate]):
            clip = load_frames(f"{out}/a{g}/{i:03d}")
            if clip is None:
                an.append((False, False))
                continue
            kept, present = animate_subject(clip[:FRAMES], p["spec"])
            an.append((kept and present, bool(motion_ok(detect(clip[:FRAMES]), p["spec"]))))
        if an:
            row["animate_kept"] = float(np.mean([k for k, _ in an]))
            row["animate_moves"] = float(np.mean([m for _, m in an]))
        rows.append(row)
    # every bar counts once: colour, shape, motion, permanence, animate's subject kept and its motion
    keys = [k for k in ("colour", "shape", "motion", "permanence", "animate_kept", "animate_moves") if k in rows[0]]
    for r in rows:
        r["mean_all"] = float(np.mean([r[k] for k in keys]))
    best = max(rows, key=lambda r: r["mean_all"])
    json.dump({"n": a.n, "steps": a.steps, "rows": rows, "chosen": best["guidance"]},
              open(os.path.join(out, "select_guidance.json"), "w"), indent=1)
    for r in rows:
        print(json.dumps(r), flush=True)
    print(f"chosen: guidance {best['guidance']} (mean of {', '.join(keys)}: {best['mean_all']:.3f})", flush=True)


if __name__ == "__main__":
    main()
