"""The denoiser's learning curve on the torch probe (eval/probe_guidance_interval.py --seeds 4 3,0,1: 48 validation
prompts x 4 noise draws at guidance 3, Decoder 2; colour/shape/motion over 128 clips, permanence over 64), metric
against clips seen, one point per judged checkpoint of the line 2.2.0 -> 2.3.0 (fp) -> 2.4.0 and on (xt). The points
live in eval/probe_curve.jsonl, each with when and where it was measured; add a row after every judged checkpoint.

  ../../.venv/bin/python -m eval.probe_curve [--png eval/grids/tw2_probe_curve.png]

Prints the markdown table the model card carries. Open circles are checkpoints judged before their lr cool-down.
"""
import argparse
import json
import os

from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
METRICS = {"colour": ((220, 50, 50), 0.95), "shape": ((40, 120, 220), 0.90), "motion": ((40, 170, 70), 0.90),
           "permanence": ((150, 60, 200), 0.90)}


def load(path):
    return [json.loads(l) for l in open(path) if l.strip()]


def table(rows):
    out = ["| checkpoint | clips seen | cooled | " + " | ".join(METRICS) + " |", "|---" * (len(METRICS) + 3) + "|"]
    for r in rows:
        out.append(f"| {r['label']} | {r['clips']:,} | {'yes' if r['cooled'] else 'no'} | "
                   + " | ".join(f"{100 * r[m]:.1f} %" for m in METRICS) + " |")
    out.append("| bar | | | " + " | ".join(f"≥ {100 * b:.0f} %" for _, b in METRICS.values()) + " |")
    return "\n".join(out)


def plot(rows, path, w=720, h=400, pad=48):
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    x_lo, x_hi = 0, max(r["clips"] for r in rows) * 1.1
    px = lambda c: pad + (w - 2 * pad) * (c - x_lo) / (x_hi - x_lo)
    py = lambda v: h - pad - (h - 2 * pad) * v
    d.rectangle([pad, pad, w - pad, h - pad], outline=(0, 0, 0))
    for v in (0.25, 0.5, 0.75, 1.0):
        d.line([pad, py(v), w - pad, py(v)], fill=(225, 225, 225))
        d.text((8, py(v) - 6), f"{v:.2f}", fill=(0, 0, 0))
    for c in range(0, int(x_hi), 100_000):
        d.text((px(c) - 12, h - pad + 6), f"{c // 1000}k", fill=(0, 0, 0))
    d.text((pad, 8), "torch probe vs clips seen (48 validation prompts x 4 draws, guidance 3); dashes: bars", fill=(0, 0, 0))
    for k, (m, (col, bar)) in enumerate(METRICS.items()):
        for x in range(pad, w - pad, 10):
            d.line([x, py(bar), x + 4, py(bar)], fill=col)
        pts = [(px(r["clips"]), py(r[m])) for r in rows]
        d.line(pts, fill=col, width=2)
        for (x, y), r in zip(pts, rows):
            d.ellipse([x - 4, y - 4, x + 4, y + 4], outline=col, fill=col if r["cooled"] else "white", width=2)
        d.text((pad + 10, h - pad - 70 + 14 * k), m, fill=col)          # the empty corner before the first point
    img.save(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", default=os.path.join(HERE, "probe_curve.jsonl"))
    ap.add_argument("--png", default=os.path.join(HERE, "grids", "tw2_probe_curve.png"))
    a = ap.parse_args()
    rows = sorted(load(a.points), key=lambda r: r["clips"])
    plot(rows, a.png)
    print(table(rows))


if __name__ == "__main__":
    main()
