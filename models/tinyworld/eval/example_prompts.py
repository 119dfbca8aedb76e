"""The pack's example prompts (pack.json "examples": the studio's prompt box offers the first, and its demo storyboard
is the first four) through the engine, read by the world's detector: each prompt as text to video at seeds 1..N, each
clip tallied on colour, shape and motion as the held-out eval scores them, its scene, and for an occlusion its
permanence. An example is a promise to an artist, so the card says how often each one keeps it.

  cd models/tinyworld && ../../.venv/bin/python -m eval.example_prompts [--kinora ../../kinora] [--seeds 8] [--first-seed 1]
      [--prompts "a|b|…"]  (--prompts: candidates instead of the manifest's list, '|'-separated)

A prompt must be in the captions' words (world/captions.py's base vocabulary, one subject or the two-subject motion):
its spec is read from those words, and a prompt they do not describe is refused rather than scored against a guess.
"""
import argparse
import json
import os
import re
import tempfile

from eval.detect import detect, permanence_ok
from eval.run_eval import adherence, load_frames, run_batch
from world.captions import BG_SYN, COLOUR_SYN, MEET_SYN, MOTION_SYN, SHAPE_SYN

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def _find(text, table):
    """Keys of table whose phrases occur in text as whole words, longest phrase first, each span taken once."""
    found, taken = [], set()
    phrases = sorted(((p, k) for k, ps in table.items() for p in ps), key=lambda x: -len(x[0]))
    padded = f" {text} "
    for p, k in phrases:
        at = padded.find(f" {p} ")
        while at >= 0:
            span = set(range(at, at + len(p) + 2))
            if not span & taken:
                taken |= span
                found.append((at, k))
            at = padded.find(f" {p} ", at + 1)
    return [k for _, k in sorted(found)]


def spec_of(prompt):
    """The spec a caption-form prompt asks for: colour, shape, motion (world/captions.py keys) and scene."""
    text = " ".join(re.sub(r"[,;.!]", " ", prompt.lower()).split())
    colours = _find(text, COLOUR_SYN)
    shapes = _find(text, SHAPE_SYN)
    motions = _find(text, {**MOTION_SYN, "meet": MEET_SYN})
    scenes = _find(text, BG_SYN)
    subjects = 2 if motions == ["meet"] else 1
    if len(colours) != subjects or len(shapes) != subjects or len(motions) != 1 or len(scenes) != 1:
        raise SystemExit(f"{prompt!r}: not in the captions' words (found colours {colours}, shapes {shapes}, motions "
                         f"{motions}, scenes {scenes}); an example must say one subject, its motion and the scene as "
                         "the captions do")
    spec = {"colour": colours[0], "shape": shapes[0], "motion": motions[0], "bg": scenes[0]}
    if subjects == 2:
        spec["colour2"], spec["shape2"] = colours[1], shapes[1]
    return spec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kinora", default=os.path.join(ROOT, "kinora"))
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--first-seed", type=int, default=1, help="seeds first-seed .. first-seed + seeds - 1")
    ap.add_argument("--prompts", default="", help="'|'-separated candidates instead of pack.json's examples")
    a = ap.parse_args()
    if a.prompts:
        prompts = [p.strip() for p in a.prompts.split("|") if p.strip()]
    else:
        with open(os.path.join(HERE, "pack.json")) as f:
            prompts = json.load(f).get("examples", [])
    specs = [spec_of(p) for p in prompts]
    report = []
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [{"prompt": p, "seed": s, "out": os.path.join(tmp, f"e{i}_s{s}"), "format": "png"}
                for i, p in enumerate(prompts) for s in range(a.first_seed, a.first_seed + a.seeds)]
        run_batch(a.kinora, jobs, tmp)
        for i, (p, spec) in enumerate(zip(prompts, specs)):
            tally = {"colour": 0, "shape": 0, "motion": 0, "scene": 0, "all": 0}
            for s in range(a.first_seed, a.first_seed + a.seeds):
                clip = load_frames(os.path.join(tmp, f"e{i}_s{s}"))
                if clip is None:
                    continue
                det = detect(clip)
                ok = adherence(clip, spec, det)
                if spec["motion"] == "occlude":
                    ok["motion"] = ok["motion"] and permanence_ok(det, spec)
                if spec["motion"] == "meet":
                    # two subjects: both colours, each with its shape (the top object alone is either of two equals)
                    got = {(o["colour"], o["shape"]) for o in det["objects"][:2]}
                    ok["colour"] = {spec["colour"], spec["colour2"]} == {c for c, _ in got}
                    ok["shape"] = got == {(spec["colour"], spec["shape"]), (spec["colour2"], spec["shape2"])}
                ok["scene"] = det["background"] == spec["bg"]
                for k in ("colour", "shape", "motion", "scene"):
                    tally[k] += int(ok[k])
                tally["all"] += int(all(ok.values()))
            report.append({"prompt": p, "spec": spec, "seeds": a.seeds, **tally})
            print(f"{tally['all']} / {a.seeds} all right (colour {tally['colour']}, shape {tally['shape']}, "
                  f"motion{' + permanence' if spec['motion'] == 'occlude' else ''} {tally['motion']}, scene "
                  f"{tally['scene']})  {p}", flush=True)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
