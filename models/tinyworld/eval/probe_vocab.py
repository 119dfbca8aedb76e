"""Probe: does a denoiser follow words it never trained on? The same specs captioned twice, once in the base training
vocabulary (select_guidance's validation prompts, seed 77) and once in world/captions.py's VALIDATION_* words and
form (no training caption of the base or wide vocabulary has them, and they are not the held-out eval's words), each
sampled with the torch reference sampler on the same noise, decoded by Decoder 2 and scored by the world's detector.
The gap between the two rows is what unseen words cost; a trial of the wide vocabulary (train/make_captions.py --vocab
wide) is judged on it and on the base row (which must not fall), never on the held-out set.

  ../../.venv/bin/python -m eval.probe_vocab --ckpt CKPT [--decoder DEC_CKPT] [--n 32] [--seeds 4] [--guidance 4 --shift 3] [--read]
      [--rows base,validation,forms]

The forms row (since session 34) writes the same specs in the base words but in sentence forms no base caption has,
which is what the engine's caption form (the lexicon's "form", engine.model.PromptForm) is judged on.

Embeds its prompts with the engine (`kinora embed`, pooled and token states) into --work on first use.
"""
import argparse
import json
import os
import subprocess

import numpy as np
import torch

from eval.probe_guidance_interval import batched_draws
from eval.run_eval import adherence
from eval.select_guidance import text_specs
from train.sample import Text
from train.train_decoder2 import load_decoder, load_denoiser
from world.captions import caption

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def form_captions(specs, seed=78):
    """The same specs in the base words but sentence forms no base caption has (captions' vocab "forms"), drawn from
    their own stream so that the base and validation prompts stay as they were."""
    rng = np.random.RandomState(seed)
    return [caption(spec, rng, vocab="forms") for spec in specs]


def prompt_pairs(n, seed=77):
    """n (spec, base caption, validation caption): single subjects without pan, no occlusion or meeting scenes (the
    detector's adherence tests), drawn like eval.select_guidance.prompts but with their own stream."""
    rng = np.random.RandomState(seed)
    specs = text_specs(rng)
    out = []
    while len(out) < n:
        spec = next(specs)
        out.append((spec, caption(spec, rng), caption(spec, rng, vocab="validation")))
    return out


def embed(kinora, captions, work, name, read=False):
    """Pooled vectors and token states of captions, as the engine computes them (cached in work by content); read:
    through the pack's prompt lexicon first, as a generation reads them (`kinora embed --read`)."""
    os.makedirs(work, exist_ok=True)
    name += "_read" if read else ""
    txt = os.path.join(work, name + ".txt")
    text = "".join(c + "\n" for c in captions)
    emb, tok = os.path.join(work, name + "_emb.npy"), os.path.join(work, name + "_tokens.npy")
    if not (os.path.exists(txt) and open(txt).read() == text and os.path.exists(emb) and os.path.exists(tok)):
        with open(txt, "w") as f:
            f.write(text)
        subprocess.run([kinora, "embed", "--captions", txt, "--out", emb, "--tokens", tok] + (["--read"] if read else []), check=True,
                       stdout=subprocess.DEVNULL)
    return torch.from_numpy(np.load(emb).astype(np.float32)), tok


def score(den, dec, text, specs, seeds, **kw):
    rows = [adherence(clip, specs[i]) for i, clip in batched_draws(den, dec, text, seeds, **kw)]
    return {k: float(np.mean([r[k] for r in rows])) for k in ("colour", "shape", "motion")}, len(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True, help="a denoiser checkpoint (a line's or a trial's)")
    ap.add_argument("--decoder", default="train/checkpoints/decoder2.pt")
    ap.add_argument("--kinora", default=os.path.join(HERE, "..", "..", "kinora"))
    ap.add_argument("--work", default="/tmp/probe_vocab")
    ap.add_argument("--n", type=int, default=32, help="specs (the sampler runs 16 prompts a call)")
    ap.add_argument("--seeds", type=int, default=4, help="noise draws per prompt")
    ap.add_argument("--guidance", type=float, default=4.0)
    ap.add_argument("--shift", type=float, default=3.0, help="the pack's text-to-video time shift (2.9.0: 3)")
    ap.add_argument("--rows", default="base,validation", help="which prompt sets, of base, validation and forms")
    ap.add_argument("--read", action="store_true",
                    help="embed the prompts as a generation reads them, through the installed pack's lexicon")
    a = ap.parse_args()
    torch.set_num_threads(2)
    pairs = prompt_pairs(a.n)
    specs = [s for s, _, _ in pairs]
    den, _ = load_denoiser(a.ckpt)
    dec = load_decoder(a.decoder)
    result = {"ckpt": a.ckpt, "n": a.n, "seeds": a.seeds, "guidance": a.guidance, "shift": a.shift, "read": a.read}
    sets = {"base": [b for _, b, _ in pairs], "validation": [v for _, _, v in pairs], "forms": form_captions(specs)}
    for name in a.rows.split(","):
        caps = sets[name]
        pooled, tok = embed(a.kinora, caps, a.work, name, a.read)
        text = Text.load(pooled, tok if getattr(den, "text_tokens", False) else None)
        r, clips = score(den, dec, text, specs, a.seeds, steps=16, guidance=a.guidance, shift=a.shift)
        result[name] = r
        print(f"{name:10s} {clips} clips  colour {r['colour']:.3f}  shape {r['shape']:.3f}  motion {r['motion']:.3f}"
              f"  e.g. \"{caps[0]}\"", flush=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
