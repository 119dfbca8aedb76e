"""The fixed evaluation prompt sets (all deterministic):

  heldout_combo   : held-out (colour, shape, motion) triples, training phrasings     -> 20 prompts
  heldout_phrase  : seen combos, held-out sentence forms and held-out words          -> 12 prompts
  permanence      : occlusion prompts (one held-out combo among them)               ->  6 prompts
  animate         : a rendered frame 0 + its caption (held-out combos)               ->  6 jobs
  extend          : 10 chained windows from a rendered source window                 ->  2 jobs
(sizes are set by what the 2-core machine can generate in the eval's time box)
"""
import numpy as np

from world.captions import HELDOUT_COMBOS, caption, sample_spec
from world.render import BACKGROUNDS, COLOURS, COLOUR_NAMES, H, SHAPES, W, draw_object


def _spec(colour, shape, motion, bg, rng):
    s = {"colour": colour, "shape": shape, "motion": motion, "background": bg, "pan": 0}
    if motion == "meet":
        s["colour2"] = [c for c in COLOUR_NAMES if c != colour][rng.randint(7)]
        s["shape2"] = SHAPES[rng.randint(4)]
    return s


def build():
    rng = np.random.RandomState(2026)
    out = []
    combos = sorted(HELDOUT_COMBOS)
    for i, (c, s, m) in enumerate(combos):
        for j in range(2):
            bg = BACKGROUNDS[(i + 2 * j) % 5]
            spec = _spec(c, s, m, bg, rng)
            out.append({"set": "heldout_combo", "spec": spec, "prompt": caption(spec, rng, heldout=False),
                        "seed": 1000 + len(out)})
    n = 0
    while n < 12:
        spec = sample_spec(rng)
        if spec["motion"] in ("meet", "occlude") or spec["pan"]:
            continue
        out.append({"set": "heldout_phrase", "spec": spec, "prompt": caption(spec, rng, heldout=True),
                    "seed": 1000 + len(out)})
        n += 1
    for i in range(6):
        c = COLOUR_NAMES[i % 8]
        s = SHAPES[i % 4]
        if i == 0:
            c, s = "blue", "square"      # the held-out occlusion combo
        spec = _spec(c, s, "occlude", BACKGROUNDS[i % 5], rng)
        out.append({"set": "permanence", "spec": spec, "prompt": caption(spec, rng, heldout=False),
                    "seed": 1000 + len(out)})
    return out


def animate_jobs():
    rng = np.random.RandomState(7)
    combos = [c for c in sorted(HELDOUT_COMBOS) if c[2] not in ("occlude", "grow", "shrink")]
    out = []
    for i in range(6):
        c, s, m = combos[i % len(combos)]
        spec = _spec(c, s, m, BACKGROUNDS[(i + 1) % 5], rng)
        out.append({"set": "animate", "spec": spec, "prompt": caption(spec, rng), "seed": 3000 + i})
    return out


def extend_jobs():
    rng = np.random.RandomState(11)
    specs = [_spec("red", "ball", "slide_right", "grass", rng), _spec("purple", "square", "slide_left", "beach", rng)]
    return [{"set": "extend", "spec": s, "prompt": caption(s, rng), "seed": 5000 + i} for i, s in enumerate(specs)]


# hand-placed stills: (colour, shape, motion, centre x, centre y, radius, backdrop top, backdrop bottom)
HAND = [
    ("yellow", "star", "float_up", 30.0, 44.0, 7.5, (150, 170, 190), (110, 100, 90)),
    ("red", "ball", "slide_right", 16.0, 40.0, 7.0, (60, 60, 70), (160, 150, 120)),
    ("blue", "triangle", "slide_left", 46.0, 30.0, 8.0, (200, 200, 190), (120, 130, 120)),
    ("green", "square", "fall", 34.0, 16.0, 7.0, (170, 150, 160), (90, 80, 90)),
]


def hand_still(colour, shape, x, y, r, top, bottom):
    img = np.empty((H, W, 3), np.float32)
    img[: H // 2] = top
    img[H // 2:] = bottom
    img = draw_object(img, shape, COLOURS[colour], x, y, r, 0.0)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


# how the hand-drawn stills' prompts say each motion (the held-out set and the validation set both use it)
MOTION_PHRASES = {"slide_right": "slides to the right", "slide_left": "slides to the left", "slide_up": "slides up",
                  "slide_down": "slides down", "fall": "falls and bounces", "float_up": "floats up", "grow": "grows",
                  "shrink": "shrinks", "roll_right": "rolls to the right", "roll_left": "rolls to the left"}


def hand_jobs():
    """Animate jobs on the hand-drawn stills (issue #8: stills the renderer did not draw)."""
    rng = np.random.RandomState(99)
    out = []
    for i, (c, s, m, x, y, r, top, bot) in enumerate(HAND):
        spec = _spec(c, s, m, "grass", rng)
        out.append({"kind": "animate", "set": "hand", "spec": spec, "prompt": f"a {c} {s} {MOTION_PHRASES[m]}",
                    "seed": 7000 + i, "still": hand_still(c, s, x, y, r, top, bot)})
    return out
