"""Average the EMA weights of several checkpoints of one line (stochastic weight averaging over its cooled heads,
or a "soup" of trial arms that branched from one point). The line is retrained with its lr rewarmed and cooled again
each session, so its cooled heads are the low-lr points of a cyclic schedule: the points SWA averages. The model has
GroupNorm only (no running statistics), so the average needs no recalibration pass.

  ../../.venv/bin/python -m train.soup --out /tmp/soup.pt CKPT CKPT [CKPT ...]

The output is a denoiser checkpoint that `load_denoiser`, the probes and `train/export2.py` read: the last input's
arch and config, `ema` = the mean of the inputs' `ema`, `model` = the same (no optimizer state: it is not a point to
resume training from), `step` = the last input's step, and `soup` = what went into it.
"""
import argparse

import torch


def soup(paths):
    states = [torch.load(p, map_location="cpu", weights_only=False) for p in paths]
    arch = {s["arch"] for s in states}
    if len(arch) != 1:
        raise SystemExit(f"the inputs are of different architectures: {sorted(arch)}")
    keys = set(states[0]["ema"])
    for p, s in zip(paths, states):
        if set(s["ema"]) != keys or any(s["ema"][k].shape != states[0]["ema"][k].shape for k in keys):
            raise SystemExit(f"{p}: its weights do not match {paths[0]}'s")
    mean = {k: (sum(s["ema"][k].double() for s in states) / len(states)).to(states[-1]["ema"][k].dtype) for k in keys}
    last = states[-1]
    return {"ema": mean, "model": {k: v.clone() for k, v in mean.items()}, "arch": last["arch"], "config": last.get("config"),
            "step": last.get("step"), "clips": last.get("clips"), "sessions": last.get("sessions", []),
            "soup": [{"path": p, "step": s.get("step")} for p, s in zip(paths, states)]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpts", nargs="+")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    out = soup(a.ckpts)
    torch.save(out, a.out)
    print(f"{a.out}: mean of {len(a.ckpts)} ({', '.join(str(s['step']) for s in out['soup'])})")


if __name__ == "__main__":
    main()
