"""Cheap goal metrics during training: the world's detector on clips sampled by the torch reference
sampler, so trials are judged by the bars and not by the loss.

  t2v      16 held-out prompts (10 held-out colour x shape x motion triples, 4 held-out phrasings,
           2 permanence scenes): colour, shape, motion direction, permanence
  animate  8 stills: 4 rendered frame 0s of held-out triples, 4 drawn by hand on backdrops the
           renderer never makes. kept = the subject's centroid in generated frame 1 within 3 px of
           where it is in the still, same colour; present = found in >= 14 of 16 frames; moves = the
           detector's motion check for the prompt.

The prompts are embedded by the engine (`kinora embed`), the same vectors the Java engine feeds the
denoiser. The official numbers in MODEL_CARD.md still come from eval/run_eval.py through the engine.

  python -m train.curve --write-prompts        # writes train/data/curve_prompts.{txt,json}
  (cd ../.. && ./kinora embed --captions models/tinyworld/train/data/curve_prompts.txt \
       --out models/tinyworld/train/data/curve_emb.npy)
"""
import argparse, json, os

import numpy as np
import torch

from eval.detect import _pick, animate_subject, detect, motion_ok, permanence_ok
from eval.prompts import animate_jobs, build, hand_jobs
from train.sample import sample
from world.render import H, W, render


DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
PROMPTS = os.path.join(DATA, "curve_prompts")

def jobs():
    """Deterministic curve jobs: dicts with kind, prompt, spec, seed (+ still for animate)."""
    ev = build()
    combo = [e for e in ev if e["set"] == "heldout_combo"][::2]          # one prompt per held-out triple
    phrase = [e for e in ev if e["set"] == "heldout_phrase"][:4]
    perm = [e for e in ev if e["set"] == "permanence"][:2]
    out = [dict(e, kind="t2v") for e in combo + phrase + perm]
    for e in animate_jobs()[:4]:
        clip, _ = render(e["spec"], e["seed"])
        out.append(dict(e, kind="animate", still=clip[0]))
    out += hand_jobs()
    return out


def write_prompts():
    os.makedirs(DATA, exist_ok=True)
    js = jobs()
    with open(PROMPTS + ".txt", "w") as f:
        for j in js:
            f.write(j["prompt"] + "\n")
    print(len(js), "prompts ->", PROMPTS + ".txt")


class Curve:
    def __init__(self, encoder, decoder, emb_path=os.path.join(DATA, "curve_emb.npy"), steps=12, guidance=3.0):
        self.jobs = jobs()
        self.emb = torch.from_numpy(np.load(emb_path).astype(np.float32))
        assert self.emb.shape[0] == len(self.jobs), "curve_emb.npy is stale: rerun --write-prompts and kinora embed"
        self.enc, self.dec, self.steps, self.guidance = encoder, decoder, steps, guidance

    @torch.no_grad()
    def __call__(self, model):
        model.eval()
        res = {}
        t2v = [i for i, j in enumerate(self.jobs) if j["kind"] == "t2v"]
        z = sample(model, self.emb[t2v], steps=self.steps, guidance=self.guidance, seed=1)
        clips = self._decode(z)
        self.t2v_clips = clips
        col = shp = mot = n = perm = npm = 0
        for k, i in enumerate(t2v):
            spec, det = self.jobs[i]["spec"], detect(clips[k])
            if spec["motion"] == "occlude":
                perm += permanence_ok(det, spec)
                npm += 1
                continue
            n += 1
            if det["objects"]:
                o = _pick(det, spec)
                col += o["colour"] == spec["colour"]
                shp += o["colour"] == spec["colour"] and o["shape"] == spec["shape"]
                mot += motion_ok(det, spec)
        res.update(colour=col / n, shape=shp / n, motion=mot / n, permanence=perm / max(npm, 1))
        an = [i for i, j in enumerate(self.jobs) if j["kind"] == "animate"]
        stills = np.stack([self.jobs[i]["still"] for i in an])
        c0 = torch.from_numpy(self.enc(stills))                                  # [N,8,16,16]
        cond = torch.zeros(len(an), 8, 16, 16, 16)
        cond[:, :, 0] = c0
        mask = torch.zeros(len(an), 1, 16, 16, 16)
        mask[:, :, 0] = 1
        z = sample(model, self.emb[an], steps=self.steps, guidance=self.guidance, cond=cond, mask=mask, seed=2)
        clips = self._decode(z)
        kept = present = moves = 0
        for k, i in enumerate(an):
            spec = self.jobs[i]["spec"]
            clip = clips[k].copy()
            clip[0] = stills[k]
            ok, there = animate_subject(clip, spec)
            kept += ok
            present += there
            moves += motion_ok(detect(clip), spec)
        res.update(anim_kept=kept / len(an), anim_present=present / len(an), anim_moves=moves / len(an))
        model.train()
        return res, clips

    def _decode(self, z):
        b, c, f = z.shape[:3]
        y = self.dec(z.permute(0, 2, 1, 3, 4).reshape(b * f, c, 16, 16).numpy())
        return y.reshape(b, f, H, W, 3)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--write-prompts", action="store_true")
    a = ap.parse_args()
    if a.write_prompts:
        write_prompts()
