"""Learning curves for the model card: markdown tables and a PNG (metric vs clips seen) from the
curve.jsonl files train_denoiser.py writes. The committed copies live in train/logs/.

  ../../.venv/bin/python -m train.curves_report train/logs/curve_trial_unet_ta.jsonl train/logs/curve_trial_dit.jsonl \
      train/logs/curve_tw2.jsonl --png eval/grids/tw2_curves.png
"""
import argparse, json, os

from PIL import Image, ImageDraw

METRICS = ["colour", "shape", "motion", "permanence", "anim_kept", "anim_present", "anim_moves"]
COLOURS = [(220, 50, 50), (40, 120, 220), (40, 170, 70), (150, 60, 200), (240, 140, 20), (120, 120, 120), (20, 180, 180)]


def load(path):
    return [json.loads(l) for l in open(path) if l.strip()]


def table(name, rows):
    out = [f"**{name}**", "", "| clips | " + " | ".join(METRICS) + " |", "|---" * (len(METRICS) + 1) + "|"]
    for r in rows:
        out.append(f"| {r['clips']:,} | " + " | ".join(f"{r[m]:.2f}" for m in METRICS) + " |")
    return "\n".join(out)


def plot(series, path, w=900, h=420):
    """One panel per run, metrics as coloured polylines over clips seen (log-free, shared x)."""
    pad, ph = 40, h - 60
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    xmax = max(r["clips"] for rows in series.values() for r in rows)
    pw = (w - pad * (len(series) + 1)) // len(series)
    for k, (name, rows) in enumerate(series.items()):
        x0 = pad + k * (pw + pad)
        d.rectangle([x0, 20, x0 + pw, 20 + ph], outline=(0, 0, 0))
        d.text((x0, 4), name, fill=(0, 0, 0))
        for gy in (0.25, 0.5, 0.75):
            y = 20 + ph * (1 - gy)
            d.line([x0, y, x0 + pw, y], fill=(225, 225, 225))
        for m, c in zip(METRICS, COLOURS):
            pts = [(x0 + pw * r["clips"] / xmax, 20 + ph * (1 - r[m])) for r in rows]
            if len(pts) > 1:
                d.line(pts, fill=c, width=2)
            for p in pts:
                d.ellipse([p[0] - 2, p[1] - 2, p[0] + 2, p[1] + 2], fill=c)
        d.text((x0, 24 + ph), f"0 .. {xmax:,} clips", fill=(0, 0, 0))
    lx = pad
    for m, c in zip(METRICS, COLOURS):
        d.rectangle([lx, h - 16, lx + 10, h - 6], fill=c)
        d.text((lx + 14, h - 18), m, fill=(0, 0, 0))
        lx += 14 + 8 * len(m) + 16
    img.save(path)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("curves", nargs="+")
    ap.add_argument("--png")
    a = ap.parse_args()
    series = {os.path.basename(p).replace("curve_", "").replace(".jsonl", ""): load(p) for p in a.curves}
    for name, rows in series.items():
        print(table(name, rows) + "\n")
    if a.png:
        plot(series, a.png)
