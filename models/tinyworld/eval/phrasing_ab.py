"""Per prompt, the held-out phrasing set read by two packs: the jobs of an `eval.run_eval` output folder (the new
pack's), rerun with `kinora batch --model OLD_PACK` into another folder, and both scored by the world's detector (c, s,
m per draw: colour, shape, motion right). For a change that only reads prompts differently (a lexicon), this says which
prompts it moved.

  cd models/tinyworld && ../../.venv/bin/python -m eval.phrasing_ab --new /tmp/eval2111 --old-pack /tmp/pack2110 \
      --old-out /tmp/eval_phr_2110
"""
import argparse
import json
import os

from eval.prompts import build
from eval.run_eval import adherence, load_frames, run_batch


def marks(rows, key, ch):
    return "".join(ch if r[key] else "-" for r in rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--new", required=True, help="a run_eval --out folder (its jobs.jsonl and clips)")
    ap.add_argument("--old-pack", required=True, help="the pack folder to rerun the phrasing jobs with")
    ap.add_argument("--old-out", required=True)
    ap.add_argument("--kinora", default="../../kinora")
    a = ap.parse_args()
    phrasing = [p for p in build() if p["set"] == "heldout_phrase"]
    prompts = {p["prompt"] for p in phrasing}
    new_jobs = [j for j in map(json.loads, open(os.path.join(a.new, "jobs.jsonl")))
                if j.get("mode") == "generate" and j["prompt"] in prompts]
    old_jobs = [dict(j, out=j["out"].replace(a.new, a.old_out)) for j in new_jobs]
    if not os.path.exists(os.path.join(a.old_out, "batch_results.jsonl")):
        os.makedirs(a.old_out, exist_ok=True)
        run_batch(a.kinora, old_jobs, a.old_out, a.old_pack)
    print(f"{'old pack':18s} | {'new pack':18s} | prompt")
    for p in phrasing:
        cols = []
        for jobs in (old_jobs, new_jobs):
            rows = [adherence(load_frames(j["out"]), p["spec"]) for j in jobs if j["prompt"] == p["prompt"]]
            cols.append(f"{marks(rows, 'colour', 'c')} {marks(rows, 'shape', 's')} {marks(rows, 'motion', 'm')}")
        print(f"{cols[0]:18s} | {cols[1]:18s} | {p['prompt']}")


if __name__ == "__main__":
    main()
