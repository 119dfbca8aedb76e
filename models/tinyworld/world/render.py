"""Tiny World: a procedural toy world rendered on the fly in numpy.

A scene is a dict ("spec") of discrete choices (colour, shape, motion, background,
second object, pan) plus continuous parameters drawn from a seeded RNG when the clip
is rendered.  Every clip is 16 frames at 8 fps, 64x64 RGB, anti-aliased through
signed distance fields (coverage = clamp(0.5 - d, 0, 1) in pixel units).

Coordinates: x to the right, y downwards, pixel centres at integer + 0.5.
"""
import numpy as np

H = W = 64
FRAMES = 16
FPS = 8
GROUND = 56.0          # y of the ground line where objects rest / bounce

COLOURS = {            # name -> RGB 0..255; chosen to stand apart from every background
    "red": (220, 35, 35),
    "orange": (250, 140, 20),
    "yellow": (250, 220, 40),
    "green": (40, 205, 70),
    "blue": (40, 70, 225),
    "purple": (150, 55, 205),
    "pink": (250, 120, 200),
    "white": (245, 245, 245),
}
COLOUR_NAMES = list(COLOURS)
SHAPES = ["ball", "square", "triangle", "star"]
BACKGROUNDS = ["grass", "desert", "night", "road", "beach"]
MOTIONS = ["slide_right", "slide_left", "slide_up", "slide_down", "fall", "float_up",
           "grow", "shrink", "roll_right", "roll_left", "meet", "occlude"]
OCCLUDER_RGB = (115, 80, 50)   # brown pillar / tree trunk, not in the palette

_YY, _XX = np.meshgrid(np.arange(H) + 0.5, np.arange(W) + 0.5, indexing="ij")


# ----------------------------------------------------------------------------------
# backgrounds: rows are (mostly) uniform so a per-row median recovers them; small
# features (clouds, stars, lane dashes, waves) move with the camera pan.
def _vgrad(top, bottom, y0, y1):
    t = np.clip((_YY - y0) / max(y1 - y0, 1e-6), 0, 1)[..., None]
    return np.array(top, np.float32) * (1 - t) + np.array(bottom, np.float32) * t


def _band(img, y0, y1, top, bottom):
    m = ((_YY >= y0) & (_YY < y1))[..., None]
    return np.where(m, _vgrad(top, bottom, y0, y1), img)


_BG_CACHE = {}


def background(name, pan=0.0):
    """One background frame (H,W,3) float32 0..255 with the camera panned by `pan` px (cached).
    "backdrop:<seed>" is a random backdrop (see random_backdrop), not cached."""
    if name.startswith("backdrop:"):
        return random_backdrop(int(name.split(":", 1)[1]), pan)
    key = (name, round(float(pan), 3))
    if key not in _BG_CACHE:
        _BG_CACHE[key] = _background(name, pan)
    return _BG_CACHE[key]


_AVOID = np.array(list(COLOURS.values()) + [OCCLUDER_RGB], np.float32)


def _backdrop_colour(rng):
    """A colour at least 90 (RGB distance) from every object colour and the occluder."""
    while True:
        c = rng.uniform(0, 255, 3).astype(np.float32)
        if np.min(np.linalg.norm(_AVOID - c, axis=1)) > 90:
            return c


def random_backdrop(seed, pan=0.0):
    """A backdrop the five named scenes never show: two bands (random colours, horizon, gradients)
    and faint vertical stripes that move with the camera. Training puts it under clips whose first
    frames are known, so the model must copy a scene from the known frames rather than recall one of
    five it memorised (issue #8: animating stills the renderer did not draw)."""
    rng = np.random.RandomState(seed)
    top, bottom = _backdrop_colour(rng), _backdrop_colour(rng)
    horizon = rng.uniform(18, 46)
    g1, g2 = rng.uniform(-30, 30, 3), rng.uniform(-30, 30, 3)
    img = _vgrad(top, top + g1, 0, horizon)
    img = _band(img, horizon, H, bottom, bottom + g2)
    period, amp = rng.uniform(6, 20), rng.uniform(0, 10)
    img = img + (amp * np.sin((_XX + pan) * 2 * np.pi / period))[..., None]
    return np.clip(img, 0, 255).astype(np.float32)


def _background(name, pan):
    xs = (_XX + pan)
    if name == "grass":
        img = _vgrad((120, 180, 235), (185, 215, 240), 0, 40)
        img = _band(img, 40, H, (70, 135, 55), (45, 100, 35))
        # faint clouds
        for cx, cy in ((12, 10), (44, 16), (76, 8)):
            d = np.sqrt(((np.mod(xs - cx, 96) - 8) / 8.0) ** 2 + ((_YY - cy) / 2.5) ** 2)
            img = img + (np.clip(1.0 - d, 0, 1) * 25.0)[..., None]
    elif name == "desert":
        img = _vgrad((170, 200, 230), (235, 215, 185), 0, 38)
        img = _band(img, 38, H, (215, 180, 120), (190, 150, 95))
        dune = 0.5 + 0.5 * np.sin(xs / 9.0)
        img = img - ((_YY > 38) * (np.abs(_YY - 44 - 2 * dune) < 0.8) * 12.0)[..., None]
    elif name == "night":
        img = _vgrad((8, 12, 35), (30, 35, 75), 0, 44)
        img = _band(img, 44, H, (30, 32, 40), (20, 22, 28))
        rs = np.random.RandomState(7)
        sx, sy = rs.uniform(0, 128, 30), rs.uniform(1, 40, 30)
        for x0, y0 in zip(sx, sy):
            d = np.sqrt((np.mod(xs - x0, 128) - 0.5) ** 2 + (_YY - y0) ** 2)
            img = img + (np.clip(1.0 - d, 0, 1) * 110.0)[..., None]
    elif name == "road":
        img = _vgrad((140, 185, 230), (200, 220, 240), 0, 30)
        img = _band(img, 30, 34, (80, 140, 60), (70, 125, 50))
        img = _band(img, 34, H, (95, 95, 100), (70, 70, 75))
        dash = (np.mod(xs, 16) < 8) & (np.abs(_YY - 47.5) < 1.0)
        img = np.where(dash[..., None], np.array((200, 200, 200), np.float32), img)
    elif name == "beach":
        img = _vgrad((130, 195, 240), (190, 225, 245), 0, 24)
        img = _band(img, 24, 40, (40, 120, 175), (60, 150, 190))
        wave = (np.abs(_YY - 30 - 1.5 * np.sin(xs / 5.0)) < 0.6) | (np.abs(_YY - 36 - 1.5 * np.sin(xs / 6.0 + 1)) < 0.6)
        img = img + (wave * (_YY < 40) * 35.0)[..., None]
        img = _band(img, 40, H, (235, 215, 165), (215, 190, 140))
    else:
        raise ValueError(name)
    return np.clip(img, 0, 255).astype(np.float32)


# ----------------------------------------------------------------------------------
# shapes as signed distance fields over the pixel grid
def _poly_sdf(px, py, verts):
    """Signed distance (negative inside) from points to a closed polygon. verts [K,2]."""
    vx, vy = verts[:, 0], verts[:, 1]
    d = (px - vx[0]) ** 2 + (py - vy[0]) ** 2
    s = np.ones_like(px)
    k = len(verts)
    for i in range(k):
        j = (i - 1) % k
        ex, ey = vx[j] - vx[i], vy[j] - vy[i]
        wx, wy = px - vx[i], py - vy[i]
        t = np.clip((wx * ex + wy * ey) / (ex * ex + ey * ey), 0, 1)
        bx, by = wx - ex * t, wy - ey * t
        d = np.minimum(d, bx * bx + by * by)
        c1 = py >= vy[i]
        c2 = py < vy[j]
        c3 = ex * wy > ey * wx
        flip = (c1 & c2 & c3) | (~c1 & ~c2 & ~c3)
        s = np.where(flip, -s, s)
    return s * np.sqrt(d)


def _shape_verts(shape, r, ang):
    if shape == "square":
        a = np.pi / 4 + ang + np.arange(4) * np.pi / 2
        rr = np.full(4, 0.86 * r * np.sqrt(2))
    elif shape == "triangle":
        a = -np.pi / 2 + ang + np.arange(3) * 2 * np.pi / 3
        rr = np.full(3, 1.25 * r)
        # centre the triangle's bounding box vertically: shift applied by caller via offset
    elif shape == "star":
        a = -np.pi / 2 + ang + np.arange(10) * np.pi / 5
        rr = np.where(np.arange(10) % 2 == 0, 1.3 * r, 0.55 * r)
    else:
        raise ValueError(shape)
    return np.stack([rr * np.cos(a), rr * np.sin(a)], 1)


def shape_sdf(shape, cx, cy, r, ang=0.0, XX=None, YY=None):
    XX = _XX if XX is None else XX
    YY = _YY if YY is None else YY
    px, py = XX - cx, YY - cy
    if shape == "ball":
        return np.sqrt(px * px + py * py) - r
    v = _shape_verts(shape, r, ang)
    if shape == "triangle":
        py = py - 0.3 * r * np.cos(ang)  # put the centroid a bit lower so it sits like the others
    return _poly_sdf(px, py, v)


def _cover(sdf):
    return np.clip(0.5 - sdf, 0.0, 1.0)[..., None]


def draw_object(img, shape, rgb, cx, cy, r, ang):
    """Blend one object into img (in place on a crop around it; returns img)."""
    col = np.array(rgb, np.float32)
    ext = 1.45 * r + 2
    x0, x1 = int(max(0, np.floor(cx - ext))), int(min(W, np.ceil(cx + ext)))
    y0, y1 = int(max(0, np.floor(cy - ext))), int(min(H, np.ceil(cy + ext)))
    if x1 <= x0 or y1 <= y0:
        return img
    XX, YY = _XX[y0:y1, x0:x1], _YY[y0:y1, x0:x1]
    sub = img[y0:y1, x0:x1]
    a = _cover(shape_sdf(shape, cx, cy, r, ang, XX, YY))
    sub = sub * (1 - a) + col * a
    if shape == "ball":  # a darker spot so that rolling is visible
        sx, sy = cx + 0.5 * r * np.sin(ang), cy - 0.5 * r * np.cos(ang)
        a2 = _cover(np.sqrt((XX - sx) ** 2 + (YY - sy) ** 2) - 0.28 * r)
        sub = sub * (1 - a2) + (col * 0.6) * a2
    img = img.copy()
    img[y0:y1, x0:x1] = sub
    return img


def object_bottom(shape, r):
    """Distance from the object's centre to its lowest point (for resting on the ground)."""
    return {"ball": r, "square": 0.86 * r, "triangle": 0.925 * r, "star": 1.2 * r}[shape]


# ----------------------------------------------------------------------------------
# motion: per-frame tracks (x, y, r, angle) for one or two objects
# motions a clip can show from any point along the way (spec["phase"]); the others are whole choreographies
PHASED = ("slide_right", "slide_left", "slide_up", "slide_down", "fall", "float_up", "roll_right", "roll_left")


def tracks(spec, rng):
    """spec["phase"] (frames, default 0) starts a directional motion that far along its path: the object is where
    the motion had taken it by then, and may leave the frame. Clips without it are the ones every session so far
    trained on (the same draws from rng, the same frames). Why: every clip started its motion at the same few places
    (a slide at x 10-18), so known frames from the middle of a motion -- an extension's context, a still with its
    subject anywhere -- were never seen, and the model read a ball at x 35 rolling right as one about to roll left."""
    m = spec["motion"]
    phase = float(spec.get("phase", 0.0)) if m in PHASED else 0.0
    t = np.arange(FRAMES, dtype=np.float64) + phase
    r = rng.uniform(6.5, 8.5)
    shape = spec["shape"]
    floor_y = GROUND - object_bottom(shape, r)
    occ = None
    out = []
    ang = np.zeros(FRAMES)
    if m in ("slide_right", "slide_left"):
        v = rng.uniform(1.6, 2.4)
        x0 = rng.uniform(10, 18)
        x = x0 + v * t
        if m == "slide_left":
            x = W - x
        y = np.full(FRAMES, rng.uniform(18, floor_y))
        out.append((x, y, np.full(FRAMES, r), ang))
    elif m in ("slide_up", "slide_down"):
        v = rng.uniform(1.5, 2.0)
        y0 = floor_y - rng.uniform(0, 3)
        y = y0 - v * t
        if m == "slide_down":
            y = y[::-1].copy()
        x = np.full(FRAMES, rng.uniform(16, 48))
        out.append((x, y, np.full(FRAMES, r), ang))
    elif m == "fall":
        g = rng.uniform(0.8, 1.0)
        skip = int(round(phase))
        y = np.empty(FRAMES + skip)
        yy, vy = rng.uniform(10, 16), rng.uniform(0, 1.0)
        for i in range(FRAMES + skip):
            y[i] = yy
            vy += g
            yy += vy
            if yy > floor_y:
                yy = floor_y - (yy - floor_y) * 0.6
                vy = -vy * 0.62
        y = y[skip:]
        x = np.full(FRAMES, rng.uniform(14, 50)) + rng.uniform(-0.4, 0.4) * t
        out.append((x, y, np.full(FRAMES, r), ang))
    elif m == "float_up":
        acc = rng.uniform(0.05, 0.12)
        v0 = rng.uniform(0.6, 1.0)
        y = floor_y - rng.uniform(0, 4) - (v0 * t + 0.5 * acc * t * t)
        x = rng.uniform(18, 46) + 2.0 * np.sin(t / 2.5 + rng.uniform(0, 6.28))
        out.append((x, y, np.full(FRAMES, r), ang))
    elif m in ("grow", "shrink"):
        s = np.linspace(rng.uniform(0.45, 0.6), rng.uniform(1.3, 1.5), FRAMES)
        if m == "shrink":
            s = s[::-1].copy()
        rr = r * s
        y = np.full(FRAMES, rng.uniform(20, 40))
        x = np.full(FRAMES, rng.uniform(22, 42))
        out.append((x, y, rr, ang))
    elif m in ("roll_right", "roll_left"):
        v = rng.uniform(1.6, 2.4)
        x = rng.uniform(10, 18) + v * t
        a = (x - x[0]) / r
        if m == "roll_left":
            x, a = W - x, -a
        y = np.full(FRAMES, floor_y)
        out.append((x, y, np.full(FRAMES, r), a))
    elif m == "meet":
        shape2 = spec["shape2"]
        r2 = rng.uniform(6.5, 8.5)
        v = rng.uniform(2.2, 2.8)
        y = np.full(FRAMES, rng.uniform(22, min(floor_y, GROUND - object_bottom(shape2, r2))))
        xa0, xb0 = 2 + r, W - 2 - r2
        gap = (xb0 - xa0) - (r + r2)   # distance they travel together before touching
        tc = gap / (2 * v)
        d = np.where(t <= tc, v * t, v * (2 * tc - t))
        out.append((xa0 + d, y, np.full(FRAMES, r), ang))
        out.append((xb0 - d, y.copy(), np.full(FRAMES, r2), ang.copy()))
    elif m == "occlude":
        v = rng.uniform(2.6, 3.2)
        x = rng.uniform(4, 9) + v * t
        if rng.rand() < 0.5:
            x = W - x
        y = np.full(FRAMES, rng.uniform(26, floor_y))
        out.append((x, y, np.full(FRAMES, r), ang))
        ow = rng.uniform(11, 14)
        oc = 32 + rng.uniform(-3, 3)
        occ = (oc - ow / 2, oc + ow / 2, 6.0, GROUND)
    else:
        raise ValueError(m)
    return out, occ


def render(spec, seed, pan_speed=None):
    """Render one clip -> uint8 array [F,H,W,3] and metadata (tracks) for evaluation."""
    rng = np.random.RandomState(seed)
    objs, occ = tracks(spec, rng)
    pan = spec.get("pan", 0)
    if pan_speed is None:
        pan_speed = 0.6 * pan
    shapes = [spec["shape"]] + ([spec["shape2"]] if len(objs) > 1 else [])
    cols = [COLOURS[spec["colour"]]] + ([COLOURS[spec["colour2"]]] if len(objs) > 1 else [])
    frames = np.empty((FRAMES, H, W, 3), np.uint8)
    for f in range(FRAMES):
        off = pan_speed * f
        img = background(spec["background"], off)
        for (x, y, r, a), shp, col in zip(objs, shapes, cols):
            img = draw_object(img, shp, col, x[f] - off, y[f], r[f], a[f])
        if occ is not None:
            x0, x1, y0, y1 = occ
            sdf = np.maximum(np.maximum(x0 - off - _XX, _XX - (x1 - off)), np.maximum(y0 - _YY, _YY - y1))
            a = _cover(sdf)
            img = img * (1 - a) + np.array(OCCLUDER_RGB, np.float32) * a
        frames[f] = np.clip(img + 0.5, 0, 255).astype(np.uint8)
    meta = {"objects": [dict(x=(x - pan_speed * np.arange(FRAMES)).tolist(), y=y.tolist(), r=r.tolist())
                        for (x, y, r, a) in objs], "occluder": occ}
    return frames, meta


def to_tensor(frames):
    """uint8 [F,H,W,3] -> float32 [F,3,H,W] in [-1,1] (the engine's pixel convention)."""
    return frames.transpose(0, 3, 1, 2).astype(np.float32) / 127.5 - 1.0
