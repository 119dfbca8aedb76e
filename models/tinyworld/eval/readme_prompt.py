"""The README's prompt through the CLI, read by the eval's detector: seeds 1-8 of "a yellow star floats up over the
desert", each clip tallied as (colour, shape, direction) of the object the detector picks for that spec. The card's
"a star in N of 8 seeds" figures come from this.

  cd models/tinyworld && ../../.venv/bin/python -m eval.readme_prompt [--kinora ../../kinora] [--guidance G]
"""
import argparse
import collections
import os
import shlex
import subprocess
import tempfile

from eval.detect import _pick, detect, direction
from eval.run_eval import load_frames

PROMPT = "a yellow star floats up over the desert"
SPEC = {"colour": "yellow", "shape": "star", "motion": "up"}
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kinora", default=os.path.join(ROOT, "kinora"), help="the kinora command (run from the repository root)")
    ap.add_argument("--guidance", type=float, default=0, help="0: the pack's default for text to video")
    ap.add_argument("--seeds", type=int, default=8)
    a = ap.parse_args()
    tally = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, a.seeds + 1):
            out = os.path.join(tmp, f"s{seed}")
            cmd = shlex.split(a.kinora) + ["generate", "--prompt", PROMPT, "--seed", str(seed), "--format", "png",
                                           "--out", out, "--quiet"]
            if a.guidance:
                cmd += ["--guidance", str(a.guidance)]
            subprocess.run(cmd, check=True, cwd=ROOT)
            det = detect(load_frames(out))
            if not det["objects"]:
                tally["no object"] += 1
                continue
            o = _pick(det, SPEC)
            tally[f'{o["colour"]} {o["shape"]} {direction(o)}'] += 1
    for k, n in tally.most_common():
        print(f"{n} / {a.seeds}  {k}")


if __name__ == "__main__":
    main()
