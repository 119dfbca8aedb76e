"""The seams at both ends of the frames the engine makes between two shown frames: an in-between (interpolate from a
rendered clip's first frame to its last) and a loop bridge (after a rendered 16-frame clip, back into its first
frame: the wrap a looping player shows). For each pack given, on the eval's two extension prompts (eval/prompts.py)
with --seeds noise draws: per pixel on 0-255, the step into the first generated frame, the step out of the last one
into the shown frame after it, and the mean step between generated frames; the ratios are the ends over that.

  ../../.venv/bin/python -m eval.seam_bridges --kinora ../../kinora --out /tmp/bridges [--seeds 4] PACK [PACK ...]

PACK is a pack folder or id (e.g. `.` for this folder's pack, and a copy of it without `vae_decoder_ref` from
`python -m eval.pack_without --component vae_decoder_ref --out /tmp/tw_noref`).
"""
import argparse
import json
import os

import numpy as np
from PIL import Image

from eval import prompts as P
from eval.run_eval import load_frames, run_batch, save_frames
from world.render import render


def step(a, b):
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def ends(before, frames, after):
    """(step in, step out, mean step between the generated frames)."""
    inner = np.mean([step(frames[i], frames[i + 1]) for i in range(len(frames) - 1)])
    return step(before, frames[0]), step(frames[-1], after), float(inner)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kinora", default="../../kinora")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("packs", nargs="+")
    a = ap.parse_args()
    sources = []
    for i, p in enumerate(P.extend_jobs()):
        real, _ = render(p["spec"], p["seed"] + 1)
        clip = os.path.join(a.out, "src", f"{i:03d}")
        save_frames(real, clip)
        first, last = os.path.join(a.out, "src", f"{i:03d}_a.png"), os.path.join(a.out, "src", f"{i:03d}_b.png")
        Image.fromarray(real[0]).save(first)
        Image.fromarray(real[-1]).save(last)
        sources.append((p, real, clip, first, last))
    for k, pack in enumerate(a.packs):
        jobs, runs = [], []
        for i, (p, real, clip, first, last) in enumerate(sources):
            for s in range(a.seeds):
                seed = p["seed"] + 100 * s
                d = os.path.join(a.out, f"pack{k}", f"{i:03d}_{s}")
                jobs.append({"mode": "interpolate", "prompt": p["prompt"], "seed": seed, "sources": [first, last],
                             "out": d + "_interp", "format": "png"})
                jobs.append({"mode": "loop", "prompt": p["prompt"], "seed": seed, "source": clip, "out": d + "_loop",
                             "format": "png"})
                runs.append((real, d))
        os.makedirs(os.path.join(a.out, f"pack{k}"), exist_ok=True)
        work = os.path.join(a.out, f"pack{k}")
        run_batch(a.kinora, jobs, work, model=os.path.abspath(pack) if os.path.isdir(pack) else pack)
        failed = [r for r in map(json.loads, open(os.path.join(work, "batch_results.jsonl"))) if not r.get("ok")]
        if failed:
            raise SystemExit(f"{pack}: {len(failed)} jobs failed, e.g. {failed[0]}")
        rows = {"interpolate": [], "loop": []}
        for real, d in runs:
            f = load_frames(d + "_interp")  # the first still, the in-betweens, the last still
            rows["interpolate"].append(ends(f[0], f[1:-1], f[-1]))
            f = load_frames(d + "_loop")  # the clip, then the bridge, which flows back into the clip's first frame
            n = len(real)
            rows["loop"].append(ends(f[n - 1], f[n:], f[0]))
        for mode, r in rows.items():
            r = np.array(r)
            print(f"{pack} {mode} ({len(r)} runs): step in {r[:, 0].mean():.2f}, out {r[:, 1].mean():.2f}, between "
                  f"{r[:, 2].mean():.2f} per pixel; ratio in {np.mean(r[:, 0] / r[:, 2]):.2f}x, out "
                  f"{np.mean(r[:, 1] / r[:, 2]):.2f}x (worst end {np.max(r[:, :2] / r[:, 2:3]):.2f}x)", flush=True)


if __name__ == "__main__":
    main()
