"""The training curve's goal metrics (train/curve.py: 13 held-out prompts, 8 stills) for one checkpoint under several
sampler settings: how the pack's default guidance was looked at in session 3.

  ../../.venv/bin/python -m train.sweep_curve train/checkpoints/tinyworld2.pt 16,3,1 16,2,1 16,1.5,1   # steps,guidance,shift

The prompts are held out of training, so picking a setting by this sweep selects on them: say so next to any figure.
"""
import argparse, functools, json, time

import torch

import train.curve as C
import train.sample as S
from train.latent import PackDecoder, PatchEncoder
from train.nets import TW2_ARCHS


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("configs", nargs="+", help="steps,guidance,shift")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    s = torch.load(a.ckpt, map_location="cpu", weights_only=False)
    model = TW2_ARCHS[s["arch"]]()
    model.load_state_dict({k: v.float() for k, v in s["ema"].items()})
    model.eval()
    curve = C.Curve(PatchEncoder(), PackDecoder())
    for cfg in a.configs:
        steps, guidance, shift = cfg.split(",")
        C.sample = functools.partial(S.sample, shift=float(shift))
        curve.steps, curve.guidance = int(steps), float(guidance)
        t = time.time()
        res, _ = curve(model)
        print(cfg, json.dumps({k: round(v, 3) for k, v in res.items()}), f"{time.time() - t:.0f}s", flush=True)


if __name__ == "__main__":
    main()
