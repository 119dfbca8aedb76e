"""Draws what assets/ holds: the app icon at the sizes desktops ask for, and example sources for trying the three
jobs on the embedded Tiny World model (stills and a clip in its 64x64 world, one still painted outside it).

  .venv/bin/python tools/make_assets.py [--out assets]      (tools/setup-python.sh makes .venv; ffmpeg for the .mp4)

The examples are inputs, not outputs: Tiny World's renderer (models/tinyworld/world) draws them the way it draws the
model's training clips, so a fresh checkout has a still to animate, a clip to extend and two frames to connect without
looking for media of the right kind. The icon is drawn here from the studio's own colours (theme-dark.css: primary
#4a63d9 to #6a4fd8). Running it again writes the same files.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image, ImageDraw

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models", "tinyworld"))

from world.render import render                                  # noqa: E402
from eval.prompts import hand_still                           # noqa: E402

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
PRIMARY, PRIMARY_2 = (0x4a, 0x63, 0xd9), (0x6a, 0x4f, 0xd8)


def icon(size):
    """A rounded square in the studio's primary gradient holding a film frame with a play mark, drawn 8x and reduced
    (Lanczos) so small sizes stay smooth."""
    s = 8 * size
    t = np.linspace(0.0, 1.0, s)[:, None, None]
    diag = (t + np.linspace(0.0, 1.0, s)[None, :, None]) / 2
    grad = (np.array(PRIMARY) * (1 - diag) + np.array(PRIMARY_2) * diag).astype(np.uint8)
    bg = Image.fromarray(np.concatenate([grad, np.full((s, s, 1), 255, np.uint8)], 2), "RGBA")
    mask = Image.new("L", (s, s), 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, s - 1, s - 1], radius=int(0.22 * s), fill=255)
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    img.paste(bg, (0, 0), mask)
    d = ImageDraw.Draw(img)
    white = (255, 255, 255, 255)
    # the frame, with sprocket holes top and bottom
    x0, y0, x1, y1 = 0.17 * s, 0.25 * s, 0.83 * s, 0.75 * s
    w = max(1, int(0.055 * s))
    d.rounded_rectangle([x0, y0, x1, y1], radius=int(0.07 * s), outline=white, width=w)
    if size >= 32:
        for i in range(5):
            cx = x0 + (i + 0.5) * (x1 - x0) / 5
            for cy in (y0 + 0.055 * s, y1 - 0.055 * s):
                r = 0.018 * s
                d.rectangle([cx - r, cy - r, cx + r, cy + r], fill=white)
    # the play mark
    cx, cy, r = 0.52 * s, 0.5 * s, 0.14 * s
    d.polygon([(cx - 0.8 * r, cy - r), (cx - 0.8 * r, cy + r), (cx + 0.95 * r, cy)], fill=white)
    return img.resize((size, size), Image.LANCZOS)


EXAMPLES = {
    # name: (spec, seed, what it is for)
    "red-ball-grass": ({"colour": "red", "shape": "ball", "motion": "slide_right", "background": "grass", "pan": 0}, 11),
    "yellow-star-desert": ({"colour": "yellow", "shape": "star", "motion": "float_up", "background": "desert", "pan": 0}, 12),
    "blue-square-beach": ({"colour": "blue", "shape": "square", "motion": "slide_left", "background": "beach", "pan": 0}, 13),
}


def save_png(frame, path):
    Image.fromarray(np.ascontiguousarray(frame), "RGB").save(path, optimize=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "assets"))
    a = ap.parse_args()
    icons, ex = os.path.join(a.out, "icons"), os.path.join(a.out, "examples")
    os.makedirs(icons, exist_ok=True)
    os.makedirs(ex, exist_ok=True)
    for n in ICON_SIZES:
        icon(n).save(os.path.join(icons, f"kinora-{n}.png"), optimize=True)

    clips = {name: render(spec, seed)[0] for name, (spec, seed) in EXAMPLES.items()}
    save_png(clips["red-ball-grass"][0], os.path.join(ex, "red-ball-grass.png"))           # animate
    save_png(clips["yellow-star-desert"][0], os.path.join(ex, "yellow-star-desert.png"))   # animate
    save_png(clips["blue-square-beach"][0], os.path.join(ex, "blue-square-start.png"))     # interpolate: first
    save_png(clips["blue-square-beach"][15], os.path.join(ex, "blue-square-end.png"))      # interpolate: last
    # a still the renderer did not draw: a flat painted backdrop, as an artist's own still would be
    save_png(hand_still("green", "triangle", 30.0, 44.0, 7.5, (112, 128, 150), (168, 150, 120)),
             os.path.join(ex, "green-triangle-painted.png"))
    # extend: the red ball's 16 frames as an H.264 clip at the pack's 8 fps
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        print("make_assets: no ffmpeg on PATH; the example clip was not rewritten", file=sys.stderr)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            for i, f in enumerate(clips["red-ball-grass"]):
                save_png(f, os.path.join(tmp, f"{i:03d}.png"))
            dst = os.path.join(ex, "red-ball-grass.mp4")
            subprocess.run([ffmpeg, "-loglevel", "error", "-y", "-framerate", "8", "-i", os.path.join(tmp, "%03d.png"),
                            "-c:v", "libx264", "-preset", "veryslow", "-crf", "10", "-pix_fmt", "yuv420p",
                            "-map_metadata", "-1", "-flags:v", "+bitexact", dst + ".tmp.mp4"], check=True)
            os.replace(dst + ".tmp.mp4", dst)
    for root, _, files in os.walk(a.out):
        for f in sorted(files):
            p = os.path.join(root, f)
            print(f"{os.path.relpath(p, ROOT)}  {os.path.getsize(p)} bytes")


if __name__ == "__main__":
    main()
