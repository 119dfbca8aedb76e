"""Tiny World evaluation through the Java engine (one command):

  cd models/tinyworld && nice -n 10 ../../.venv/bin/python -m eval.run_eval --kinora /path/to/kinora --out eval/out

1. writes jobs.jsonl for `kinora batch` (generate on held-out prompts, animate, extend, interpolate,
   loop, and a step sweep 8/16/32), runs it (skip with --no-generate to re-score existing output);
2. detects colour/shape/motion in every clip and scores prompt adherence, permanence, animate,
   extension drift/seams, against rendered clips (ceiling) and noise (floor);
3. writes <out>/results.json and sample grids eval/grids/*.png (for MODEL_CARD.md).
"""
import argparse, glob, json, os, shlex, subprocess, time
import numpy as np
from PIL import Image

from world.render import render, FRAMES
from eval.detect import animate_subject, detect, motion_ok, permanence_ok, _pick
from eval import prompts as P

HERE = os.path.dirname(os.path.abspath(__file__))


def run_batch(kinora, jobs, out, model=""):
    """Writes <out>/jobs.jsonl, runs `kinora batch` on it (with `--model` when given: a pack folder or id; stderr to
    <out>/batch.log), keeps its per-job result lines in <out>/batch_results.jsonl."""
    jp = os.path.join(out, "jobs.jsonl")
    with open(jp, "w") as f:
        for j in jobs:
            f.write(json.dumps(j) + "\n")
    t0 = time.time()
    with open(os.path.join(out, "batch.log"), "w") as log:
        r = subprocess.run(shlex.split(kinora) + ["batch", "--threads", "2", "--jobs", jp] + (["--model", model] if model else []),
                           stdout=subprocess.PIPE, stderr=log, text=True)
    open(os.path.join(out, "batch_results.jsonl"), "w").write(r.stdout)
    print(f"batch: {len(jobs)} jobs in {time.time() - t0:.0f} s, rc {r.returncode}", flush=True)


def load_frames(d):
    files = sorted(glob.glob(os.path.join(d, "frame_*.png")))
    if not files:
        return None
    return np.stack([np.asarray(Image.open(f).convert("RGB").resize((64, 64))) for f in files])


def save_frames(frames, d):
    os.makedirs(d, exist_ok=True)
    for i, f in enumerate(frames):
        Image.fromarray(f).save(os.path.join(d, f"frame_{i:04d}.png"))


def grid(clips, every=2, scale=2):
    rows = [np.concatenate(list(c[:FRAMES][::every]), axis=1) for c in clips if c is not None]
    img = Image.fromarray(np.concatenate(rows, axis=0))
    return img.resize((img.width * scale, img.height * scale), Image.NEAREST)


def adherence(clip, spec, det=None):
    """det: detect(clip) when the caller already has it (it is the costly part)."""
    det = detect(clip) if det is None else det
    if not det["objects"]:
        return {"colour": False, "shape": False, "motion": False}
    top = det["objects"][0]
    o = _pick(det, spec)
    return {"colour": top["colour"] == spec["colour"], "shape": o["shape"] == spec["shape"] and o["colour"] == spec["colour"],
            "motion": bool(motion_ok(det, spec))}


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def rate(rows, key):
    return float(np.mean([r[key] for r in rows])) if rows else float("nan")


def wilson_centre_half(k, n, z=1.96):
    """Centre and half-width of the 95 % Wilson interval of k successes in n (eval/ship_guard.py reads the half-width)."""
    p = k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(c), float(h)


def wilson(rows, key, z=1.96):
    """95 % Wilson interval of a rate over len(rows) clips: with 8 permanence clips, 1 of 8 and 3 of 8 overlap, and
    the card should say so rather than call one a regression."""
    n = len(rows)
    if not n:
        return [float("nan"), float("nan")]
    c, h = wilson_centre_half(sum(bool(r[key]) for r in rows), n, z)
    return [round(c - h, 4), round(c + h, 4)]


def seam_stats(clip, new=12):
    """An extended clip (a FRAMES-frame source, then windows of `new` frames): mean-colour drift from the source to the
    last 12 frames, and the frame difference into each window's first new frame against the mean of all the others."""
    n = len(clip)
    m = clip.reshape(n, -1, 3).mean(1)
    first, last = m[:FRAMES].mean(0), m[-12:].mean(0)
    drift = float(np.abs(last - first).mean() / 255.0)
    d = np.abs(np.diff(clip.astype(np.float32), axis=0)).mean(axis=(1, 2, 3))
    seams = [j for j in range(FRAMES - 1, len(d), new)]   # diff index of each window's first new frame
    inside = [d[j] for j in range(len(d)) if j not in seams]
    return {"frames": n, "drift": drift, "seam_diff": float(np.mean([d[j] for j in seams])),
            "worst_seam_ratio": float(max(d[j] for j in seams) / max(np.mean(inside), 1e-6)),
            "in_clip_diff": float(np.mean(inside)), "seam_ratio": float(np.mean([d[j] for j in seams]) / max(np.mean(inside), 1e-6))}


def draw_seed(job, k):
    """The seed of a job's k-th noise draw: draw 0 is the job's own seed, so a 1-draw eval is the eval it always was."""
    return job["seed"] + 7919 * k


def clip_name(i, k):
    return f"{i:03d}" if k == 0 else f"{i:03d}_d{k}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kinora", default=os.environ.get("KINORA", "./kinora"),
                    help="the kinora command, e.g. ./kinora or 'java -Dkinora.models=DIR -jar target/kinora.jar'")
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--model", default="",
                    help="a candidate pack folder to judge instead of the shipped pack; its grids go to <out>/grids, not eval/grids")
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--guidance", type=float, default=0,
                    help="one guidance for every job (0, the default: each job runs at the pack's own default for it)")
    ap.add_argument("--sweep", default="8,32", help="extra step counts; the main step count reuses the main clips")
    ap.add_argument("--sweep-n", type=int, default=4, help="prompts per step count in the cost sweep")
    ap.add_argument("--draws", type=int, default=1,
                    help="noise draws per held-out prompt, still and extension (1: the card's tables up to 2.8.0). Each set is "
                         "small (32 prompts, 8 occlusions, 10 stills), so one draw reads +-15 points; 4 draws read the "
                         "same inputs at four seeds (draw k adds 7919 k to each job's seed; draw 0 is the 1-draw eval)")
    ap.add_argument("--no-generate", action="store_true")
    ap.add_argument("--smoke", action="store_true", help="a few jobs only, to test the plumbing")
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    gen = P.build()
    # stills the renderer drew, and stills drawn by hand on backdrops it never makes (issue #8)
    anim = P.animate_jobs() + P.hand_jobs()
    ext = P.extend_jobs()
    n_windows = 9
    if a.smoke:
        gen = [next(p for p in gen if p["set"] == s) for s in ("heldout_combo", "heldout_phrase", "permanence")]
        anim, ext, n_windows, a.sweep = anim[:1], ext[:1], 1, ""
    G = {"guidance": a.guidance} if a.guidance else {}     # absent: the engine resolves the pack's per-job default
    draws = range(max(1, a.draws))
    jobs = []
    for k in draws:
        for i, p in enumerate(gen):
            jobs.append({"mode": "generate", "prompt": p["prompt"], "seed": draw_seed(p, k), "steps": a.steps,
                         **G, "frames": FRAMES, "out": f"{out}/gen/{clip_name(i, k)}", "format": "png"})
    for i, p in enumerate(anim):
        src = f"{out}/anim_src/{i:03d}.png"
        os.makedirs(os.path.dirname(src), exist_ok=True)
        still = p["still"] if "still" in p else render(p["spec"], p["seed"])[0][0]
        Image.fromarray(still).save(src)
        for k in draws:
            jobs.append({"mode": "animate", "prompt": p["prompt"], "seed": draw_seed(p, k), "steps": a.steps,
                         **G, "frames": FRAMES, "source": src, "out": f"{out}/anim/{clip_name(i, k)}", "format": "png"})
    for i, p in enumerate(ext):
        real, _ = render(p["spec"], p["seed"])
        src = f"{out}/ext_src/{i:03d}"
        save_frames(real, src)
        # 10 windows: the rendered source window + 9 chained windows of 12 new frames (4 context frames)
        for k in draws:
            jobs.append({"mode": "extend", "prompt": p["prompt"], "seed": draw_seed(p, k), "steps": a.steps,
                         **G, "frames": n_windows * 12, "source": src, "out": f"{out}/ext/{clip_name(i, k)}", "format": "png"})
    # interpolate / loop samples for the grids
    for i, p in enumerate(ext[:2]):  # noqa
        real, _ = render(p["spec"], p["seed"] + 1)
        srcA, srcB = f"{out}/interp_src/{i:03d}_a.png", f"{out}/interp_src/{i:03d}_b.png"
        os.makedirs(os.path.dirname(srcA), exist_ok=True)
        Image.fromarray(real[0]).save(srcA)
        Image.fromarray(real[-1]).save(srcB)
        jobs.append({"mode": "interpolate", "prompt": p["prompt"], "seed": p["seed"], "steps": a.steps, **G,
                     "sources": [srcA, srcB], "out": f"{out}/interp/{i:03d}", "format": "png"})
        jobs.append({"mode": "loop", "prompt": p["prompt"], "seed": p["seed"], "steps": a.steps, **G,
                     "out": f"{out}/loop/{i:03d}", "format": "png"})
    sweep = [int(s) for s in a.sweep.split(",") if s]
    for st in sweep:
        for i, p in enumerate(gen[:a.sweep_n]):
            jobs.append({"mode": "generate", "prompt": p["prompt"], "seed": p["seed"], "steps": st, **G,
                         "frames": FRAMES, "out": f"{out}/sweep{st}/{i:03d}", "format": "png"})
    results = []
    rpath = os.path.join(out, "batch_results.jsonl")
    if not a.no_generate:
        run_batch(a.kinora, jobs, out, a.model)
    if os.path.exists(rpath):
        for line in open(rpath):
            line = line.strip()
            if line.startswith("{"):
                results.append(json.loads(line))
    by_job = {r["job"] - 1: r for r in results}
    failed = [dict(r, out=jobs[r["job"] - 1]["out"]) for r in results if not r.get("ok")]

    def ms_of(pred):
        v = [by_job[i]["totalMs"] for i, j in enumerate(jobs) if pred(j) and i in by_job and by_job[i].get("ok")]
        return float(np.mean(v)) / 1000 if v else None

    res = {"steps": a.steps, "guidance": a.guidance or "pack defaults", "draws": len(draws), "jobs": len(jobs), "failed_jobs": failed}
    # ---- prompt adherence: generated vs rendered (ceiling) vs noise (floor)
    rng = np.random.RandomState(0)
    rows = {"model": [], "real": [], "noise": []}
    for i, p in enumerate(gen):
        real, _ = render(p["spec"], p["seed"])
        noise = rng.randint(0, 256, size=real.shape, dtype=np.uint8)
        # the rendered clip (ceiling) and noise (floor) once per prompt; the model once per draw
        scored = [("model", load_frames(f"{out}/gen/{clip_name(i, d)}")) for d in draws] + [("real", real), ("noise", noise)]
        for k, c in scored:
            if c is None:
                continue
            r = adherence(c, p["spec"])
            r.update(set=p["set"], i=i)
            if p["spec"]["motion"] == "occlude":
                r["permanence"] = bool(permanence_ok(detect(c), p["spec"]))
            rows[k].append(r)
    for k, rs in rows.items():
        held = [r for r in rs if r["set"] in ("heldout_combo", "heldout_phrase")]
        res[k] = {"n_heldout": len(held), "colour": rate(held, "colour"), "shape": rate(held, "shape"),
                  "motion": rate(held, "motion"),
                  "by_set": {s: {m: rate([r for r in rs if r["set"] == s], m) for m in ("colour", "shape", "motion")}
                             for s in ("heldout_combo", "heldout_phrase", "permanence")},
                  "permanence": rate([r for r in rs if "permanence" in r], "permanence"),
                  "interval95": {**{m: wilson(held, m) for m in ("colour", "shape", "motion")},
                                 "permanence": wilson([r for r in rs if "permanence" in r], "permanence")}}
    # ---- animate a still
    an = []
    for i, p in enumerate(anim):
        src = np.asarray(Image.open(f"{out}/anim_src/{i:03d}.png").convert("RGB"))
        for d in draws:
            clip = load_frames(f"{out}/anim/{clip_name(i, d)}")
            if clip is None:
                continue
            kept, present = animate_subject(clip[:FRAMES], p["spec"])
            an.append({"psnr0": psnr(clip[0], src), "moves": bool(motion_ok(detect(clip[:FRAMES]), p["spec"])),
                       "kept": kept, "present": present, "kept_and_present": kept and present, "hand": p.get("set") == "hand"})
    if an:
        res["animate"] = {"n": len(an), "n_hand_drawn": sum(r["hand"] for r in an),
                          "frame0_psnr_min": min(r["psnr0"] for r in an),
                          "frame0_psnr_mean": float(np.mean([r["psnr0"] for r in an])), "moves_as_prompted": rate(an, "moves"),
                          "subject_kept_frame1": rate(an, "kept"), "present_14_of_16": rate(an, "present"),
                          "kept_and_present": rate(an, "kept_and_present"),
                          "kept_and_present_hand_drawn": rate([r for r in an if r["hand"]], "kept_and_present"),
                          "interval95": {m: wilson(an, m) for m in ("moves", "kept", "kept_and_present")}}
    # ---- extension: drift and seams
    ex = []
    for i, p in enumerate(ext):
        for d in draws:
            clip = load_frames(f"{out}/ext/{clip_name(i, d)}")
            if clip is not None:
                ex.append(seam_stats(clip))
    if ex:
        # the max over runs grows with the number of runs; the mean is what compares evals with different draws
        res["extend"] = {"runs": ex, "drift_max": max(e["drift"] for e in ex), "seam_ratio_max": max(e["seam_ratio"] for e in ex),
                         "seam_ratio_mean": float(np.mean([e["seam_ratio"] for e in ex])),
                         "worst_single_seam_ratio": max(e["worst_seam_ratio"] for e in ex)}
    # ---- sampling cost and adherence per step count
    sw = {}
    for st in sorted(set(sweep + [a.steps])):
        rs = []
        base = f"{out}/sweep{st}" if st != a.steps else f"{out}/gen"
        for i, p in enumerate(gen[:a.sweep_n]):
            c = load_frames(f"{base}/{i:03d}")
            if c is not None:
                rs.append(adherence(c, p["spec"]))
        sec = ms_of(lambda j, b=base: j["mode"] == "generate" and j["out"].startswith(b + "/")
                    and j["out"].rsplit("/", 1)[1].isdigit() and int(j["out"].rsplit("/", 1)[1]) < a.sweep_n)
        sw[st] = {"n": len(rs), "colour": rate(rs, "colour"), "shape": rate(rs, "shape"), "motion": rate(rs, "motion"),
                  "seconds_per_clip": sec}
    res["sweep"] = sw
    json.dump(res, open(os.path.join(out, "results.json"), "w"), indent=1)
    # ---- grids
    gdir = os.path.join(out, "grids") if a.model else os.path.join(HERE, "grids")
    os.makedirs(gdir, exist_ok=True)
    sel = [i for i, p in enumerate(gen) if p["set"] == "heldout_combo"][::3][:8]
    grid([load_frames(f"{out}/gen/{i:03d}") for i in sel]).save(os.path.join(gdir, "generate_heldout.png"))
    grid([render(gen[i]["spec"], gen[i]["seed"])[0] for i in sel]).save(os.path.join(gdir, "real_heldout.png"))
    grid([load_frames(f"{out}/gen/{i:03d}") for i, p in enumerate(gen) if p["set"] == "heldout_phrase"][:8]).save(os.path.join(gdir, "generate_heldout_phrasing.png"))
    grid([load_frames(f"{out}/gen/{i:03d}") for i, p in enumerate(gen) if p["set"] == "permanence"][:6]).save(os.path.join(gdir, "permanence.png"))
    grid([load_frames(f"{out}/anim/{i:03d}") for i in range(len(anim))]).save(os.path.join(gdir, "animate.png"))
    exts = [load_frames(f"{out}/ext/{i:03d}") for i in range(len(ext))]
    if any(e is not None for e in exts):
        rows_ = [np.concatenate(list(e[::8]), axis=1) for e in exts if e is not None]
        w = min(r.shape[1] for r in rows_)
        Image.fromarray(np.concatenate([r[:, :w] for r in rows_], 0)).save(os.path.join(gdir, "extend_every8th.png"))
    for mode in ("interp", "loop"):
        cl = [load_frames(f"{out}/{mode}/{i:03d}") for i in range(2)]
        if any(c is not None for c in cl):
            grid(cl).save(os.path.join(gdir, f"{mode}.png"))
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
