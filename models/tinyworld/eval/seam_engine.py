"""Extension seams through the engine under sampler settings: the eval's two extension prompts (eval/run_eval.py's
rendered source windows), each extended by 108 frames for --seeds noise draws, once per variant; prints each variant's
mean and worst seam ratio (eval/run_eval.py's seam_stats). A variant is NAME=JSON, extra fields of the batch job.

  ../../.venv/bin/python -m eval.seam_engine --kinora ../../kinora --out /tmp/seam base='{}' anchor_off='{"anchor": false}' \\
      c2='{"context": 2}' c8='{"context": 8}' dpm='{"scheduler": "flow-dpm++2m"}' sh3='{"shift": 3.0}' st32='{"steps": 32}'
"""
import argparse
import json
import os

import numpy as np

from eval import prompts as P
from eval.run_eval import load_frames, run_batch, save_frames, seam_stats
from world.render import FRAMES, render


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kinora", default="../../kinora")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("variants", nargs="+", help="NAME=JSON")
    a = ap.parse_args()
    variants = {name: json.loads(extra) for name, extra in (v.split("=", 1) for v in a.variants)}
    jobs, outs = [], {name: [] for name in variants}
    for i, p in enumerate(P.extend_jobs()):
        src = os.path.join(a.out, "src", f"{i:03d}")
        save_frames(render(p["spec"], p["seed"])[0], src)
        for name, extra in variants.items():
            for s in range(a.seeds):
                outs[name].append(os.path.join(a.out, name, f"{i:03d}_{s}"))
                jobs.append({"mode": "extend", "prompt": p["prompt"], "seed": p["seed"] + 100 * s, "steps": 16,
                             "guidance": a.guidance, "frames": 108, "source": src, "format": "png",
                             "out": outs[name][-1], **extra})
    run_batch(a.kinora, jobs, a.out)
    for name, extra in variants.items():
        clips = [load_frames(o) for o in outs[name]]
        runs = [seam_stats(c, FRAMES - extra.get("context", 4)) for c in clips]
        # the first new frame against the source's last, pixel by pixel: what a reference decoder carries across
        near = [float((np.abs(c[FRAMES].astype(np.int16) - c[FRAMES - 1]).max(-1) <= 2).mean()) for c in clips]
        print(f"{name}: seam ratio mean {np.mean([r['seam_ratio'] for r in runs]):.2f} max {max(r['seam_ratio'] for r in runs):.2f} "
              f"worst single seam {max(r['worst_seam_ratio'] for r in runs):.2f} ({len(runs)} runs); per pixel: seam "
              f"{np.mean([r['seam_diff'] for r in runs]):.2f} in-clip {np.mean([r['in_clip_diff'] for r in runs]):.2f}; "
              f"first new frame within 2 levels of the source's last: {min(near):.0%}-{max(near):.0%}; drift max "
              f"{max(r['drift'] for r in runs):.2%}")


if __name__ == "__main__":
    main()
