"""Training batches for Tiny World 2, rendered ahead in a worker process.

Each batch is a pure function of (seed, step): the same run resumed on another machine sees the same
clips, masks and text drops. Rendering (~10 ms a clip) runs in a separate process so the trainer's
two threads are not idle while numpy draws; latents are encoded there too (the PCA encoder is linear).

The loss weight map marks latent cells within RADIUS_PAD px of an object (the renderer knows every
object's track): subjects cover a few percent of the cells, so with a flat MSE they were a few percent
of 1.0's loss and the model learned the backdrops, not the subjects.
"""
import collections
import json
import multiprocessing as mp
import os
import queue

import numpy as np

from world.render import FRAMES, H, W, render

MASK_MODES = ["none", "first", "first_k", "last_k", "first_last", "gap"]
# "first" (animate a still, continue a shot) is the product's most common conditioning: weighted up from 1.0.
# "gap" (session 23, off unless --mask-p gives it a share): the first 1-8 frames and the last ones known, a gap of 1-8
# between them, as when two clips are joined with context frames from each, or an extension's first new frames are
# sampled again with the frames after them known. A zero share leaves every batch as it was: the draws are the same.
MASK_P = [0.30, 0.30, 0.15, 0.10, 0.15, 0.0]
# Share of frame-conditioned clips drawn over a random backdrop instead of the caption's scene (their
# captions still name a scene: with known frames the model must take the scene from them). From
# Tiny World 2's second session on (the session log in train/checkpoints/tinyworld2.json says at which step).
P_BACKDROP = 0.4
# --phase-p: how far along its path a phased clip's motion starts, uniform in [0, PHASE_MAX] frames (a slide covers
# 25-38 px in 16 frames, so 12 frames on it starts anywhere up to the far edge)
PHASE_MAX = 12.0
RADIUS_PAD = 4.0
LAT = 16          # latent grid
STRIDE = 4        # pixels per latent cell


def make_mask(mode, rng, f=FRAMES):
    m = np.zeros(f, np.float32)
    if mode == "first":
        m[0] = 1
    elif mode == "first_k":
        m[:rng.randint(1, 9)] = 1
    elif mode == "last_k":
        m[f - rng.randint(1, 9):] = 1
    elif mode == "first_last":
        m[0] = m[-1] = 1
    elif mode == "gap":
        a = rng.randint(1, 9)
        g = rng.randint(1, min(8, f - a - 1) + 1)
        m[:a] = 1
        m[a + g:] = 1
    return m


_CY, _CX = np.meshgrid(np.arange(LAT) * STRIDE + STRIDE / 2, np.arange(LAT) * STRIDE + STRIDE / 2, indexing="ij")


def object_cells(meta, f=FRAMES):
    """[F,16,16] float32: 1 where a latent cell's centre is within r + RADIUS_PAD px of an object."""
    out = np.zeros((f, LAT, LAT), np.float32)
    for o in meta["objects"]:
        for i in range(f):
            d = np.hypot(_CX - o["x"][i], _CY - o["y"][i])
            out[i] = np.maximum(out[i], (d < o["r"][i] + RADIUS_PAD).astype(np.float32))
    return out


def item_weights(items, occlude_x, star_x=1.0):
    """Sampling weights over the captions: occlusion clips `occlude_x` times as likely, captions with a star `star_x`
    times (None: uniform)."""
    if occlude_x == 1.0 and star_x == 1.0:
        return None
    w = np.array([(occlude_x if it["spec"].get("motion") == "occlude" else 1.0)
                  * (star_x if "star" in (it["spec"].get("shape"), it["spec"].get("shape2")) else 1.0) for it in items])
    return w / w.sum()


def subject_seen(meta, known, pan=0):
    """True when some known frame shows every object whole: inside the frame and clear of the occluder. A caption
    without its subject asks the model to take colour and shape from the known frames; where those frames hide the
    subject (behind the pillar, off the edge after a phased start), nothing says what it is. Session 18 found that
    giving half of the frame-conditioned clips such captions cost the xt line 6-7 points of shape; this is the
    narrower variant (--subject-free-seen). The tracks in `meta` are on screen already; the occluder is in the
    scene, which world/render.py render pans by 0.6 * pan px a frame."""
    occ = meta.get("occluder")

    def whole(o, f):
        x, y, r = o["x"][f], o["y"][f], o["r"][f]
        inside = r <= x <= W - r and r <= y <= H - r
        return inside and (occ is None or x + r <= occ[0] - 0.6 * pan * f or x - r >= occ[1] - 0.6 * pan * f)

    return any(all(whole(o, f) for o in meta["objects"]) for f in np.flatnonzero(known))


def make_batch(items, emb, encoder, seed, step, b, p_drop, mix=None, tokens=None):
    """The batch for `step`: latents [B,8,F,16,16], text [B,384], mask [B,F], object cells [B,F,16,16].
    `mix` ({"mask_p": [...], "item_p": array or None, optional "p_backdrop"}) changes the data mix from a session on; without it
    the batches are the ones sessions 1-3 saw. With `tokens` ((states [N,L,384], lengths [N]) from
    `kinora embed --tokens`) also the token states "yt" [B,T,384] and their mask "ym" [B,T], T the batch's longest
    caption; a dropped caption loses its tokens too. The random draws are the same with or without them."""
    r = np.random.RandomState((seed * 1_000_003 + step) % (2 ** 32))
    item_p = mix["item_p"] if mix else None
    idx = r.randint(len(items), size=b) if item_p is None else r.choice(len(items), size=b, p=item_p)
    modes = r.choice(len(MASK_MODES), size=b, p=mix["mask_p"] if mix else MASK_P)
    backdrop = r.rand(b) < (mix.get("p_backdrop", P_BACKDROP) if mix else P_BACKDROP)
    phase_p = mix.get("phase_p", 0.0) if mix else 0.0
    if phase_p:
        # its own stream: the captions, masks, backdrops and render seeds stay those of the same step without it
        rp = np.random.RandomState((seed * 7_000_003 + step * 13 + 5) % (2 ** 32))
        phases = np.where(rp.rand(b) < phase_p, rp.uniform(0.0, PHASE_MAX, b), 0.0)
    zs, objs, metas = [], [], []
    for j, (i, k, bd) in enumerate(zip(idx, modes, backdrop)):
        spec = items[i]["spec"]
        if bd and MASK_MODES[k] != "none":
            spec = dict(spec, background=f"backdrop:{r.randint(1 << 30)}")
        if phase_p and phases[j] and MASK_MODES[k] != "none":
            spec = dict(spec, phase=float(phases[j]))
        clip, meta = render(spec, r.randint(1 << 30))
        zs.append(encoder(clip))                                   # [F,8,16,16]
        objs.append(object_cells(meta))
        metas.append(meta)
    z = np.stack(zs).transpose(0, 2, 1, 3, 4)                      # [B,8,F,16,16]
    y = emb[idx].copy()
    drop = r.rand(b) < p_drop
    y[drop] = 0.0
    m = np.stack([make_mask(MASK_MODES[k], r) for k in modes])   # r's last draws: the caption swap below uses its own stream
    sf = mix.get("subject_free") if mix else None
    sf_rows = {}                                    # clip -> row of the subject-free caption set it is given instead
    if sf:
        rs = np.random.RandomState((seed * 9_000_011 + step * 17 + 3) % (2 ** 32))   # its own stream, as the phases'
        use, pick = rs.rand(b) < sf["p"], rs.rand(b)
        for j, (i, k) in enumerate(zip(idx, modes)):
            if not use[j] or drop[j] or MASK_MODES[k] == "none":
                continue
            spec = items[i]["spec"]
            if sf.get("seen") and not subject_seen(metas[j], m[j], spec.get("pan", 0)):
                continue
            mo = spec["motion"]
            cands = sf["by"].get(("any", mo), []) + sf["by"].get(("shp", mo, spec["shape"]), [])
            if not backdrop[j]:                     # a random backdrop is no scene the caption could name
                cands = cands + sf["by"].get(("bg", mo, spec["background"]), [])
            if cands:
                sf_rows[j] = cands[int(pick[j] * len(cands))]
        for j, row in sf_rows.items():
            y[j] = sf["emb"][row]
    out = {"step": step, "z": z.astype(np.float16), "y": y, "mask": m, "obj": np.stack(objs).astype(np.uint8)}
    if tokens is not None:
        out["yt"], out["ym"] = token_rows(*tokens, idx, drop)
        if sf_rows:
            st, sm = token_rows(*sf["tokens"], np.array(list(sf_rows.values())))
            t = max(out["yt"].shape[1], st.shape[1])
            yt, ym = np.zeros((b, t, out["yt"].shape[2]), np.float32), np.zeros((b, t), np.float32)
            yt[:, :out["yt"].shape[1]], ym[:, :out["ym"].shape[1]] = out["yt"], out["ym"]
            for n, j in enumerate(sf_rows):
                yt[j], ym[j] = 0.0, 0.0
                yt[j, :st.shape[1]], ym[j, :sm.shape[1]] = st[n], sm[n]
            out["yt"], out["ym"] = yt, ym
        out["yt"] = out["yt"].astype(np.float16)
    return out


def load_subject_free(data_dir, tokens=True):
    """The subject-free caption set (world/captions.py subject_free_captions, embedded by `kinora embed` into
    data_dir/subject_free_emb.npy and _tokens.npy): {"by": rows by ("any", motion) / ("shp", motion, shape) /
    ("bg", motion, scene), "emb": pooled [N,384], "tokens": (states, lengths) or None}."""
    rows = [json.loads(line) for line in open(os.path.join(data_dir, "subject_free.jsonl"))]
    by = {}
    for n, c in enumerate(rows):
        key = ("shp", c["motion"], c["shape"]) if c["shape"] else ("bg", c["motion"], c["background"]) if c["background"] \
            else ("any", c["motion"])
        by.setdefault(key, []).append(n)
    emb = np.load(os.path.join(data_dir, "subject_free_emb.npy")).astype(np.float32)
    assert len(emb) == len(rows), f"subject_free_emb.npy: {len(emb)} rows for {len(rows)} captions"
    return {"by": by, "emb": emb, "tokens": load_tokens(os.path.join(data_dir, "subject_free_tokens.npy")) if tokens else None}


def load_tokens(path):
    """(states [N,L,384] float16, memory-mapped; lengths [N]) as `kinora embed --tokens` writes them."""
    return np.load(path, mmap_mode="r"), np.load(path.replace(".npy", "_len.npy")).astype(np.int64)


def token_rows(states, lens, rows, drop=None):
    """The token states of `rows` [R,T,384] float32 and their mask [R,T], T the longest of them; a row in `drop` has
    none (a dropped caption)."""
    n = lens[rows] if drop is None else np.where(drop, 0, lens[rows])
    t = max(1, int(lens[rows].max()))
    mask = (np.arange(t)[None] < n[:, None]).astype(np.float32)
    return np.asarray(states[rows, :t], dtype=np.float32) * mask[:, :, None], mask


def _worker(q, captions, emb_path, seed, start, every, b, p_drop, mask_p, occlude_x, tokens_path=None, star_x=1.0, p_backdrop=None,
            phase_p=0.0, subject_free_p=0.0, subject_free_seen=False):
    import os
    import signal
    # A Ctrl+C or kill -TERM aimed at the run must reach the trainer (which checkpoints), not kill the
    # renderer under it; the trainer ends this process itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.nice(5)   # the trainer comes first when the two compete for a core
    from train.latent import PatchEncoder
    items = [json.loads(l) for l in open(captions)]
    emb = np.load(emb_path).astype(np.float32)
    enc = PatchEncoder()
    mix = None if mask_p is None and occlude_x == 1.0 and star_x == 1.0 and p_backdrop is None and not phase_p \
        and not subject_free_p else {
        "mask_p": mask_p or MASK_P, "item_p": item_weights(items, occlude_x, star_x)}
    if p_backdrop is not None:
        mix["p_backdrop"] = p_backdrop
    if phase_p:
        mix["phase_p"] = phase_p
    if subject_free_p:
        mix["subject_free"] = dict(load_subject_free(os.path.dirname(captions), tokens=bool(tokens_path)), p=subject_free_p,
                                  seen=subject_free_seen)
    tokens = None
    if tokens_path:
        tokens = load_tokens(tokens_path)
        assert len(tokens[0]) == len(items), f"{tokens_path}: {len(tokens[0])} rows for {len(items)} captions"
    step = start
    while True:
        q.put(make_batch(items, emb, enc, seed, step, b, p_drop, mix, tokens))
        step += every


class Prefetcher:
    """Batches start, start+1, ... rendered ahead by `workers` daemon processes. Worker i renders the steps
    start+i, start+i+workers, ... and they are read back in step order, so the batches do not depend on how
    many workers there are (one on a 2-core machine, a dozen beside a GPU)."""

    def __init__(self, captions, emb_path, seed, start, b, p_drop=0.1, ahead=6, mask_p=None, occlude_x=1.0, workers=1,
                 tokens_path=None, star_x=1.0, p_backdrop=None, phase_p=0.0, subject_free_p=0.0, subject_free_seen=False):
        ctx = mp.get_context("fork")
        self.qs, self.ps = [], []
        for i in range(workers):
            q = ctx.Queue(max(2, ahead // workers))
            p = ctx.Process(target=_worker, args=(q, captions, emb_path, seed, start + i, workers, b, p_drop, mask_p, occlude_x, tokens_path,
                                                     star_x, p_backdrop, phase_p, subject_free_p, subject_free_seen),
                            daemon=True)
            p.start()
            self.qs.append(q)
            self.ps.append(p)
        self.start = self.expect = start

    def next(self):
        i = (self.expect - self.start) % len(self.qs)
        while True:
            try:
                d = self.qs[i].get(timeout=5)
                break
            except queue.Empty:
                if not self.ps[i].is_alive():
                    raise RuntimeError(f"render worker {i} died (exit code {self.ps[i].exitcode})")
        assert d["step"] == self.expect, (d["step"], self.expect)
        self.expect += 1
        return d

    def close(self):
        for p in self.ps:
            p.kill()
        for p in self.ps:
            p.join(5)


def seen_table(n=600, seed=0, phase_p=0.5):
    """How many frame-conditioned clips subject_seen turns away, by motion, with the line's masks and phased clips:
    the card's figures for --subject-free-seen.  python -m train.data2 [N]"""
    items = [json.loads(line) for line in open(os.path.join(os.path.dirname(__file__), "data", "captions.jsonl"))]
    r = np.random.RandomState(seed)
    total, away = collections.Counter(), collections.Counter()
    for _ in range(n):
        spec = dict(items[r.randint(len(items))]["spec"])
        k = r.choice(len(MASK_MODES), p=MASK_P)
        if MASK_MODES[k] == "none":
            continue
        if r.rand() < phase_p:
            spec["phase"] = float(r.uniform(0, PHASE_MAX))
        _, meta = render(spec, r.randint(1 << 30))
        total[spec["motion"]] += 1
        away[spec["motion"]] += not subject_seen(meta, make_mask(MASK_MODES[k], r), spec.get("pan", 0))
    return {m: (away[m], total[m]) for m in sorted(total)}


def check_zero_gap(n=2000):
    """The claim beside MASK_P: the lines' five shares and the same shares with a zero "gap" share draw the same
    known-frames modes and leave the generator in the same state, so every batch is bit for bit the one before.
    python -m train.data2 zero-gap"""
    five = [0.25, 0.25, 0.25, 0.10, 0.15]          # the xt line's --mask-p
    for seed in range(n):
        r5, r6 = np.random.RandomState(seed), np.random.RandomState(seed)
        a, b = r5.choice(len(five), size=8, p=five), r6.choice(len(MASK_MODES), size=8, p=five + [0.0])
        if not (a == b).all() or r5.randint(1 << 30) != r6.randint(1 << 30):
            raise SystemExit(f"seed {seed}: the draws differ")
    print(f"{n} seeds: the same modes and the same generator state with and without a zero gap share")


if __name__ == "__main__":
    import sys
    if sys.argv[1:2] == ["zero-gap"]:
        check_zero_gap()
        sys.exit()
    for motion, (a, t) in seen_table(int(sys.argv[1]) if len(sys.argv) > 1 else 600).items():
        print(f"{motion:12s} {a:3d} of {t:3d} turned away")
