"""A detector for Tiny World clips: per-frame object colour, shape and position.

Method (knows the world's palette and backgrounds, nothing about the clip's prompt):
  1. background estimate: the closest of the five canonical backgrounds (median abs difference);
  2. foreground = pixels that differ from it by > BG_THR and lie within PAL_THR of a palette colour
     (or of its 0.6x shade: the ball's spot), labelled with that colour;
  3. per colour: area, centroid, max radius and convex-hull solidity per frame;
  4. shape = nearest centroid in (area / pi r_max^2, solidity), centroids calibrated on rendered clips;
  5. motion direction from the centroid / area track.
"""
import numpy as np

from world.render import COLOURS, COLOUR_NAMES, SHAPES, BACKGROUNDS, background

PAL = np.array([COLOURS[c] for c in COLOUR_NAMES], np.float32)
PAL2 = np.concatenate([PAL, PAL * 0.6])           # colour and the ball's darker spot
BG_THR = 40.0
PAL_THR = 60.0
SHADE_THR = 25.0
MIN_PIX = 10
_BGS = np.stack([background(b) for b in BACKGROUNDS])  # [5,H,W,3]

# (area / (pi r_max^2), solidity) shape centroids; calibrated by calibrate() on rendered clips
SHAPE_CENTROIDS = {"ball": (0.775, 0.871), "square": (0.635, 0.954), "triangle": (0.43, 0.865), "star": (0.398, 0.567)}


def _hull_area(pts):
    """Area of the convex hull of integer pixel centres [N,2] (monotone chain), pixels as unit squares."""
    if len(pts) < 3:
        return float(len(pts))
    # use pixel corners so that the hull covers whole pixels
    p = np.concatenate([pts + d for d in ((-.5, -.5), (-.5, .5), (.5, -.5), (.5, .5))])
    p = np.unique(p, axis=0)
    p = p[np.lexsort((p[:, 1], p[:, 0]))]

    def half(points):
        h = []
        for q in points:
            while len(h) >= 2 and ((h[-1][0] - h[-2][0]) * (q[1] - h[-2][1]) - (h[-1][1] - h[-2][1]) * (q[0] - h[-2][0])) <= 0:
                h.pop()
            h.append(q)
        return h
    lower, upper = half(p), half(p[::-1])
    hull = np.array(lower[:-1] + upper[:-1])
    x, y = hull[:, 0], hull[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))


def background_index(clip):
    d = [np.median(np.abs(clip.astype(np.float32) - b[None]).max(-1)) for b in _BGS]
    return int(np.argmin(d))


def label_pixels(clip):
    """clip uint8 [F,H,W,3] -> labels int [F,H,W] (-1 = background / unknown, k = colour index)."""
    x = clip.astype(np.float32)
    bg = _BGS[background_index(clip)]
    fg = np.abs(x - bg[None]).max(-1) > BG_THR
    d = np.linalg.norm(x[..., None, :] - PAL2[None, None, None], axis=-1)   # [F,H,W,16]
    d[..., len(PAL):] *= PAL_THR / SHADE_THR      # shades must match tightly (the brown occluder is near dark orange)
    k = d.argmin(-1)
    ok = fg & (d.min(-1) < PAL_THR)
    lab = np.where(ok, k % len(PAL), -1)
    return lab


def frame_features(mask):
    ys, xs = np.nonzero(mask)
    n = len(xs)
    if n < MIN_PIX:
        return None
    cx, cy = xs.mean() + 0.5, ys.mean() + 0.5
    rmax = np.sqrt(((xs + 0.5 - cx) ** 2 + (ys + 0.5 - cy) ** 2).max()) + 0.5
    hull = _hull_area(np.stack([xs, ys], 1).astype(np.float64))
    border = xs.min() == 0 or ys.min() == 0 or xs.max() == mask.shape[1] - 1 or ys.max() == mask.shape[0] - 1
    return {"x": cx, "y": cy, "area": n, "fill": n / (np.pi * rmax ** 2), "solidity": n / max(hull, 1.0),
            "border": bool(border)}


def classify_shape(feats):
    good = [f for f in feats if f is not None and not f["border"] and f["area"] >= 30]
    if not good:
        good = [f for f in feats if f is not None]
    if not good:
        return None
    v = np.array([np.median([f["fill"] for f in good]), np.median([f["solidity"] for f in good])])
    names = list(SHAPE_CENTROIDS)
    d = [np.linalg.norm((v - np.array(SHAPE_CENTROIDS[s])) * (1.0, 1.5)) for s in names]
    return names[int(np.argmin(d))]


def detect(clip):
    """-> dict: objects (sorted by pixel count): colour, shape, per-frame features; background name."""
    lab = label_pixels(clip)
    objs = []
    for k, c in enumerate(COLOUR_NAMES):
        m = lab == k
        tot = int(m.sum())
        if tot < MIN_PIX * 2:
            continue
        feats = [frame_features(m[f]) for f in range(len(clip))]
        objs.append({"colour": c, "pixels": tot, "frames": feats, "shape": classify_shape(feats)})
    objs.sort(key=lambda o: -o["pixels"])
    return {"background": BACKGROUNDS[background_index(clip)], "objects": objs}


def direction(obj, min_disp=8.0):
    """Motion direction of one object track: right/left/up/down/grow/shrink/none."""
    fs = [(i, f) for i, f in enumerate(obj["frames"]) if f is not None]
    if len(fs) < 3:
        return "none"
    k = max(1, len(fs) // 4)
    first, last = fs[:k], fs[-k:]
    x0, y0 = np.mean([f["x"] for _, f in first]), np.mean([f["y"] for _, f in first])
    x1, y1 = np.mean([f["x"] for _, f in last]), np.mean([f["y"] for _, f in last])
    a0, a1 = np.mean([f["area"] for _, f in first]), np.mean([f["area"] for _, f in last])
    dx, dy = x1 - x0, y1 - y0
    ymax = max(f["y"] for _, f in fs)
    if max(abs(dx), abs(dy)) < min_disp or (a1 / a0 > 2.0 or a1 / a0 < 0.5) and max(abs(dx), abs(dy)) < 2 * min_disp:
        if a1 / a0 > 1.5:
            return "grow"
        if a1 / a0 < 0.67:
            return "shrink"
        if ymax - y0 > min_disp:   # fell and bounced back up
            return "down"
        return "none"
    if abs(dx) >= abs(dy):
        return "right" if dx > 0 else "left"
    return "down" if dy > 0 else "up"


EXPECTED_DIRECTION = {"slide_right": "right", "slide_left": "left", "slide_up": "up", "slide_down": "down",
                      "fall": "down", "float_up": "up", "grow": "grow", "shrink": "shrink",
                      "roll_right": "right", "roll_left": "left", "occlude": "lateral", "meet": "meet"}


def motion_ok(det, spec):
    want = EXPECTED_DIRECTION[spec["motion"]]
    objs = det["objects"]
    if not objs:
        return False
    if want == "meet":
        if len(objs) < 2:
            return False
        a, b = objs[0]["frames"], objs[1]["frames"]
        d = [abs(fa["x"] - fb["x"]) for fa, fb in zip(a, b) if fa is not None and fb is not None]
        if len(d) < 5:
            return False
        i = int(np.argmin(d))
        return 2 <= i <= len(d) - 3 and d[0] - d[i] > 8 and d[-1] - d[i] > 4
    o = _pick(det, spec)
    got = direction(o)
    if want == "lateral":
        return got in ("left", "right")
    return got == want


def _pick(det, spec):
    for o in det["objects"]:
        if o["colour"] == spec["colour"]:
            return o
    return det["objects"][0]


def permanence_ok(det, spec, clip_len=16):
    """Occlusion clips: same colour and shape at the start and at the end, and it crossed over."""
    return permanence_why(det, spec) == "ok"


def permanence_why(det, spec):
    """The first permanence test an occlusion clip fails ("ok" when none): tells a subject that never comes back from
    the pillar ("gone after") from one that comes back as another shape, which call for different fixes."""
    if not det["objects"]:
        return "no object"
    o = _pick(det, spec)
    fs = o["frames"]
    first = [f for f in fs[:4] if f is not None]
    last = [f for f in fs[-4:] if f is not None]
    if o["colour"] != spec["colour"]:
        return "wrong colour"
    if not first:
        return "absent at start"
    if not last:
        return "gone after"
    if classify_shape(fs[:4] + [None]) != spec["shape"]:
        return "shape before"
    if classify_shape(fs[-4:]) != spec["shape"]:
        return "shape after"
    if abs(np.mean([f["x"] for f in last]) - np.mean([f["x"] for f in first])) <= 20:
        return "not crossed"
    if np.mean([f["area"] for f in last]) <= 0.5 * np.mean([f["area"] for f in first]):
        return "shrunk"
    return "ok"


def calibrate(n=200, seed=0):
    """Re-estimate SHAPE_CENTROIDS from rendered clips (all shapes and motions)."""
    from world.render import render
    from world.captions import sample_spec
    rng = np.random.RandomState(seed)
    acc = {s: [] for s in SHAPES}
    for i in range(n):
        spec = sample_spec(rng, allow_heldout=True)
        if spec["motion"] == "meet":
            continue
        clip, _ = render(dict(spec, pan=0), rng.randint(1 << 30))
        det = detect(clip)
        o = _pick(det, spec)
        good = [f for f in o["frames"] if f is not None and not f["border"] and f["area"] >= 30]
        if good:
            acc[spec["shape"]].append((np.median([f["fill"] for f in good]), np.median([f["solidity"] for f in good])))
    return {s: tuple(np.round(np.mean(v, 0), 3)) for s, v in acc.items() if v}


def animate_subject(clip, spec, max_px=3.0, min_frames=14):
    """Animate-a-still bars: (kept, present). kept = the prompt's colour is found in frames 0 and 1
    and its centroid moved at most max_px between them (the subject is where the still put it);
    present = found in at least min_frames of the clip's frames."""
    det = detect(clip)
    o = [o for o in det["objects"] if o["colour"] == spec["colour"]]
    if not o or o[0]["frames"][0] is None:
        return False, False
    fr = o[0]["frames"]
    kept = fr[1] is not None and float(np.hypot(fr[1]["x"] - fr[0]["x"], fr[1]["y"] - fr[0]["y"])) <= max_px
    present = sum(f is not None for f in fr) >= min_frames
    return bool(kept), bool(present)
