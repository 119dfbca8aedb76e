"""Train the Tiny World 2 denoiser (flow matching, x-prediction) in the pack's latent.

Everything is counted in optimizer steps, not minutes, so a run resumed on a busier or faster
machine trains the same model: the lr schedule, EMA, data (a pure function of seed and step) and
noise all follow the step. A run may span several sessions:

  * every --ckpt-every steps and on SIGTERM/SIGINT/--stop-after, <out>/ckpt.pt (fp32 + optimizer)
    is written, and --commit-ckpt (default train/checkpoints/tinyworld2.pt: EMA fp32, weights and
    Adam moments fp16, under 20 MB) with its JSON log of sessions beside it;
  * a new invocation resumes from <out>/ckpt.pt or --commit-ckpt, whichever is further along (on a fresh machine: the committed one).

Run from models/tinyworld/ with the repository's venv (train/setup_venv.sh):
  nohup ../../.venv/bin/python -m train.train_denoiser --out train/runs/tw2 --arch unet_ta \
      --threads 2 --stop-after 90 > train/runs/tw2.log 2>&1 &
  kill -TERM <pid>          # pauses: checkpoint written, resume with the same command
"""
import argparse, hashlib, json, math, os, resource, signal, socket, time

import torch

from train.data2 import MASK_P, P_BACKDROP, Prefetcher
from train.latent import PackDecoder, PatchEncoder
from train.nets import LATENT_C, TW2_ARCHS, count
from world.render import FRAMES

HERE = os.path.dirname(os.path.abspath(__file__))
# Extra loss weight on latent cells near an object. Sessions 1-2 used 20 (the probe: x21 kept subjects alive), but a
# weight that depends on where the object truly is biases the denoiser: the best prediction becomes E[w x0]/E[w], so at
# high noise every place the object might be is predicted as "object" (p -> 21p/(1+20p)) and the sampler commits to
# several of them: the duplicated subjects of the session-2 grids. 0 keeps the estimator unbiased.
OBJ_WEIGHT = 20.0


def lr_at(step, a):
    """Warm-up, then constant; an optional linear cool-down to 10 % from --decay-start (WSD): the
    run can be extended session after session and cooled only when it is to be shipped."""
    lr = a.lr * min(1.0, (step + 1) / a.warmup)
    if a.rewarm and a.rewarm_from is not None:      # a session that raises the lr again ramps it up from 10 %
        lr *= 0.1 + 0.9 * min(1.0, (step - a.rewarm_from) / a.rewarm)
    if a.decay_start and step >= a.decay_start:
        lr *= 1.0 - 0.9 * min(1.0, (step - a.decay_start) / a.decay_steps)
    return lr


def seam_weights(known, s):
    """known [B,F] (1 = a known frame) -> [B,F] loss weights 1 + s / 2^(d-1), d the distance to the nearest known
    frame: the frames an extension, an animated still or an interpolation joins its known frames at (a clip with
    none known: all 1). Why: the seam probe (eval/seam_probe.py) finds the first generated frame a whole frame step
    off the known one it follows, while the MSE spreads its weight over frames the known ones hardly determine."""
    f = known.shape[1]
    idx = torch.arange(f, dtype=torch.float32)
    gap = (idx[None, :, None] - idx[None, None, :]).abs().expand(known.shape[0], f, f)
    d = torch.where(known[:, None, :] > 0, gap, torch.full_like(gap, float("inf"))).amin(dim=2)
    return 1.0 + s * torch.exp2(-(d - 1).clamp(min=0)) * (d > 0)      # d = inf (nothing known): exp2 gives 0


def time_weights(t, p, t_min=0.05):
    """[B] flow times -> [B] loss weights (1 / max(t, t_min))^p. Why: with x-prediction the x0 MSE is the velocity MSE
    times t^2, so it gives the low-noise steps, where a star's tips and a ball's outline are drawn, a few percent of the
    weight the high-noise ones get; the shapes the detector reads as the wrong one are mostly stars drawn blunt
    (eval/select_guidance.py's shape_read). p = 2 is the velocity loss of SD3/Wan; t_min keeps t -> 0 finite."""
    return t.clamp(min=t_min).pow(-p)


def ema_decay(step, a):
    return min(a.ema, (1 + step) / (10 + step))


def sample_t(b, gen, mean=0.3, std=1.0, high=(0.0, 1.0)):
    """Logit-normal flow time, biased to mid/high noise where layout and motion are decided. high = (p, lo): a share p
    of the clips instead draws t uniformly from [lo, 1]. The logit-normal puts 0.4 % of its mass above t = 0.95, yet the
    sampler's first step is taken at t = 1, where the prediction must come from the text alone; there 2.2.0's x0 error
    was 0.74 against 0.33 for the mean of the caption's renders (eval/time_direction.py, model card session 8)."""
    t = torch.sigmoid(torch.randn(b, generator=gen) * std + mean)
    p, lo = high
    if p > 0:                           # drawn only when asked: the batches of runs without it stay as they were
        pick = torch.rand(b, generator=gen) < p
        t = torch.where(pick, lo + (1 - lo) * torch.rand(b, generator=gen), t)
    return t


def md5(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


def cpu_seconds():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


# -------------------------------------------------------------------------- checkpoints
def save_full(path, model, ema, opt, state):
    tmp = path + ".tmp"
    torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), **state}, tmp)
    os.replace(tmp, path)


def save_compact(path, model, ema, opt, state, limit=20 << 20):
    """The committed checkpoint: EMA in fp32 (it is what ships), weights and Adam's moments in fp16.
    Adam's second moment is stored as its square root so fp16's range keeps it (v ~ g^2 underflows).
    Over `limit` (a wider model): the EMA in fp16, then without Adam's moments (the run resumes with fresh
    moments; pass --rewarm so the first steps do not take full-size updates from an empty second moment)."""
    def pack(ema_dtype, moments=True):
        o = opt.state_dict()
        st = {k: {"step": v["step"].cpu() if torch.is_tensor(v["step"]) else v["step"],
                  "m": v["exp_avg"].half().cpu(), "sqrt_v": v["exp_avg_sq"].sqrt().half().cpu()}
              for k, v in o["state"].items()} if moments else {}
        return {"model": {k: v.half().cpu() for k, v in model.state_dict().items()},
                "ema": {k: v.to(ema_dtype).cpu() for k, v in ema.state_dict().items()},
                "opt_state": st, "opt_groups": o["param_groups"], **state}
    tmp = path + ".tmp"
    for ema_dtype, moments in ((torch.float32, True), (torch.float16, True), (torch.float16, False)):
        torch.save(pack(ema_dtype, moments), tmp)
        if os.path.getsize(tmp) <= limit:
            break
    os.replace(tmp, path)


def warm_start(s, path, model, ema):
    """Start an arch that extends the checkpoint's (e.g. unet_ta -> unet_ta_tt) from its weights: every tensor
    it has is loaded, and the only ones allowed to be missing are the new zero-initialised modulations, so the
    model computes the checkpoint's function at the first step. Adam starts afresh (use --rewarm). `s`: the checkpoint as loaded from `path`."""
    for dst, key in ((model, "model"), (ema, "ema")):
        r = dst.load_state_dict({k: v.float() for k, v in s[key].items()}, strict=False)
        assert not r.unexpected_keys, f"{path} ({s['arch']}) does not extend to this arch: {r.unexpected_keys}"
    # the promise itself, not a rule on parameter names: the new layers must leave the checkpoint's function as it was
    ref = TW2_ARCHS[s["arch"]]()
    ref.load_state_dict({k: v.float() for k, v in s["ema"].items()})
    g = torch.Generator().manual_seed(0)
    x = [torch.randn(2, LATENT_C, 4, 16, 16, generator=g), torch.rand(2, generator=g), torch.randn(2, 384, generator=g),
         torch.randn(2, LATENT_C, 4, 16, 16, generator=g), torch.zeros(2, 1, 4, 16, 16)]
    xt = [torch.randn(2, 5, 384, generator=g), torch.tensor([[1.0] * 5, [1.0] * 3 + [0.0] * 2])] if getattr(ema, "text_tokens", False) else []
    with torch.no_grad():
        diff = (ema.eval()(*x, *xt) - ref.eval()(*x)).abs().max().item()
    assert diff < 1e-4, f"{path} ({s['arch']}) does not extend to this arch as the same function: {r.missing_keys} change it by {diff:.1e}"
    print(f"# warm start from {path} ({s['arch']}, step {s['step']}): {len(r.missing_keys)} new tensors, same function "
          f"(max |diff| {diff:.1e})", flush=True)


def load_weights(s, model, ema):
    """Weights and EMA from a checkpoint `s` (full or compact)."""
    model.load_state_dict({k: v.float() for k, v in s["model"].items()})
    ema.load_state_dict({k: v.float() for k, v in s["ema"].items()})


def load_opt(s, opt):
    """Adam's state from a checkpoint `s` (full, or compact with or without moments), on the device of its parameters."""
    if "opt" in s:
        opt.load_state_dict(s["opt"])
        return
    dev = opt.param_groups[0]["params"][0].device
    st = {int(k): {"step": v["step"], "exp_avg": v["m"].float().to(dev), "exp_avg_sq": v["sqrt_v"].float().to(dev) ** 2}
          for k, v in s["opt_state"].items()}
    if st:                       # a compact checkpoint of a wide model keeps no moments: Adam starts afresh
        opt.load_state_dict({"state": st, "param_groups": s["opt_groups"]})


def resume_source(ck, init, commit_ckpt):
    """(path, loaded checkpoint) to start from, or (None, None): the run folder's or the committed one, whichever
    is further along (a run folder left on this machine by an earlier session must not shadow a newer committed
    checkpoint, e.g. one trained on a GPU); --init only when neither exists. Each file is read once."""
    have = [(p, torch.load(p, map_location="cpu", weights_only=False)) for p in (ck, commit_ckpt) if p and os.path.exists(p)]
    if have:
        return max(have, key=lambda ps: ps[1]["step"])
    if init and os.path.exists(init):
        return init, torch.load(init, map_location="cpu", weights_only=False)
    return None, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--arch", default="unet_ta", choices=list(TW2_ARCHS))
    ap.add_argument("--captions", default=os.path.join(HERE, "data/captions.jsonl"))
    ap.add_argument("--emb", default=os.path.join(HERE, "data/emb.npy"))
    ap.add_argument("--tokens", default=os.path.join(HERE, "data/tokens.npy"),
                    help="per-token caption states (`kinora embed --tokens`), for an arch that attends to them")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=500)
    ap.add_argument("--decay-start", type=int, default=0, help="step where the cool-down starts (0: none yet)")
    ap.add_argument("--decay-steps", type=int, default=5000)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu", help="cpu or cuda (a GPU trains the same model; checkpoints stay portable)")
    ap.add_argument("--until-step", type=int, default=0, help="stop at this step (0: no limit)")
    ap.add_argument("--stop-after", type=float, default=0, help="stop this invocation after N minutes (resumable)")
    ap.add_argument("--ckpt-every", type=int, default=500)
    ap.add_argument("--curve-minutes", type=float, default=10, help="goal metrics every N minutes of wall time")
    ap.add_argument("--commit-ckpt", default=os.path.join(HERE, "checkpoints/tinyworld2.pt"),
                    help="compact checkpoint to keep in git ('' for none: trials)")
    ap.add_argument("--commit-limit-mb", type=float, default=20.0,
                    help="largest compact checkpoint (MiB): over it the EMA goes to fp16, then Adam's moments are dropped"
                         " (a lent GPU machine sends back files of 16 MiB at most)")
    ap.add_argument("--obj-weight", type=float, default=OBJ_WEIGHT, help="extra loss weight near objects (0: unbiased MSE)")
    ap.add_argument("--seam-weight", type=float, default=0.0,
                    help="extra loss weight on the unknown frames next to known ones, halving with each frame further")
    ap.add_argument("--t-weight", type=float, default=0.0,
                    help="weight each clip's loss by (1 / max(t, 0.05))^P: 0 is the x0 MSE, 2 the velocity MSE")
    ap.add_argument("--rewarm", type=int, default=0,
                    help="ramp the lr up over N steps from where this invocation starts (after a cooled session)")
    ap.add_argument("--mask-p", type=float, nargs="+", default=None, metavar="P",
                    help="share of each known-frames mode, in train/data2.py MASK_MODES' order (none, first, first_k, last_k, "
                         "first_last[, gap]; a missing gap share is 0; default MASK_P)")
    ap.add_argument("--occlude-x", type=float, default=1.0, help="draw occlusion captions N times as often")
    ap.add_argument("--detail-weight", type=float, default=1.0,
                    help="loss weight of the latent channels past the shipped 8 (a widened latent, train/widen_latent.py): "
                         "below 1 the new channels, unlearned at first, do not swamp the ones the checkpoint knows")
    ap.add_argument("--star-x", type=float, default=1.0,
                    help="draw captions with a star N times as often (the shape the probes read as a triangle)")
    ap.add_argument("--p-backdrop", type=float, default=None,
                    help="share of frame-conditioned clips drawn over a random backdrop (default: train/data2.py P_BACKDROP)")
    ap.add_argument("--phase-p", type=float, default=0.0,
                    help="share of frame-conditioned clips whose directional motion starts a random 0-12 frames along "
                         "its path (world/render.py spec['phase']): known frames from the middle of a motion, as an "
                         "extension's are; drawn from their own random stream, so the batches are otherwise the same")
    ap.add_argument("--subject-free-p", type=float, default=0.0,
                    help="share of frame-conditioned clips captioned without their subject ('the box rolls left', "
                         "'it falls at the beach': world/captions.py subject_free_captions, embedded beside the captions), "
                         "so the frames must give colour and shape; its own random stream, as --phase-p's")
    ap.add_argument("--subject-free-seen", action="store_true",
                    help="--subject-free-p only where a known frame shows the subject whole (train/data2.py subject_seen)")
    ap.add_argument("--init", default="", help="compact or full checkpoint to start from when <out> has none")
    ap.add_argument("--workers", type=int, default=1, help="render processes (1 on 2 cores; a dozen beside a GPU)")
    ap.add_argument("--amp", choices=["none", "bf16"], default="none", help="bf16 autocast (a GPU; this CPU is 4-5x slower with it)")
    ap.add_argument("--high-t", type=float, nargs=2, default=(0.0, 1.0), metavar=("P", "LO"),
                    help="a share P of the clips draws flow time uniformly from [LO, 1] (the sampler's first steps)")
    ap.add_argument("--decay-at-minutes", type=float, default=0,
                    help="with --stop-after: start the cool-down at this minute, over the steps the measured rate "
                         "says are left (a run on a borrowed GPU whose step count is not known ahead); logged in the session")
    a = ap.parse_args()
    if a.mask_p is not None:
        if len(a.mask_p) == len(MASK_P) - 1:
            a.mask_p = a.mask_p + [0.0]        # the lines' five shares from before "gap": the same batches
        if len(a.mask_p) != len(MASK_P) or abs(sum(a.mask_p) - 1) > 1e-6 or min(a.mask_p) < 0:
            ap.error(f"--mask-p takes {len(MASK_P) - 1} or {len(MASK_P)} shares that sum to 1")
    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)

    dev = torch.device(a.device)
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    # Built and loaded on the CPU; moved to the device after the render workers have forked (a CUDA context
    # must not be inherited by a forked process).
    model, ema = TW2_ARCHS[a.arch](), TW2_ARCHS[a.arch]()
    ema.load_state_dict(model.state_dict())
    ema.eval()
    ck = os.path.join(a.out, "ckpt.pt")
    step, clips, sessions, opt_src = 0, 0, [], None
    src, s = resume_source(ck, a.init, a.commit_ckpt)
    if src:
        if src == a.init and s["arch"] != a.arch:
            warm_start(s, src, model, ema)    # another arch: its weights, the new layers at their zero init; Adam afresh
        else:
            assert s["arch"] == a.arch, f"{src} holds {s['arch']}, not {a.arch}"
            load_weights(s, model, ema)
            opt_src = s
        step, clips, sessions = s["step"], s["clips"], s.get("sessions", [])
    a.rewarm_from = step
    data_version = {"captions": os.path.relpath(a.captions, HERE), "captions_md5": md5(a.captions),
                    "emb_md5": md5(a.emb), "renderer_md5": md5(os.path.join(HERE, "../world/render.py"))}
    tokens_path = a.tokens if getattr(model, "text_tokens", False) else None
    if tokens_path:
        # the states are a pure function of the captions and the encoder that ran it: size and the md5 of the first
        # 16 MB (which tell the engine's ORT 1.28 states from session 9's Python ORT 1.30 ones) stand in for a 1.5 GB md5
        with open(tokens_path, "rb") as f:
            head = hashlib.md5(f.read(16 << 20)).hexdigest()
        data_version.update(tokens=os.path.relpath(tokens_path, HERE), tokens_bytes=os.path.getsize(tokens_path), tokens_md5_16mb=head)
    cfg = {k: v for k, v in vars(a).items() if k not in ("stop_after", "until_step", "init")}
    cfg.update(params=count(model), data=data_version, torch=torch.__version__)
    session = {"host": socket.gethostname(), "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "from_step": step, "resumed_from": os.path.relpath(src) if src else None, "threads": a.threads,
               "data": data_version, "p_backdrop": P_BACKDROP if a.p_backdrop is None else a.p_backdrop, "obj_weight": a.obj_weight,
               "seam_weight": a.seam_weight, "t_weight": a.t_weight,
               "lr": a.lr, "rewarm": a.rewarm, "decay_start": a.decay_start, "decay_steps": a.decay_steps,
               "mask_p": a.mask_p or MASK_P, "occlude_x": a.occlude_x, "star_x": a.star_x, "device": a.device, "batch": a.batch,
               "workers": a.workers, "amp": a.amp, "high_t": list(a.high_t)}
    if a.detail_weight != 1.0:
        session["detail_weight"] = a.detail_weight
    if a.phase_p:
        session["phase_p"] = a.phase_p
    if a.subject_free_p:
        session["subject_free_p"] = a.subject_free_p
        if a.subject_free_seen:
            session["subject_free_seen"] = True
    sessions.append(session)
    print(f"# config {json.dumps(cfg)}\n# session {json.dumps(session)}", flush=True)
    json.dump(cfg, open(os.path.join(a.out, "config.json"), "w"), indent=1)

    curve = None
    if a.curve_minutes > 0:
        from train.curve import Curve
        curve = Curve(PatchEncoder(), PackDecoder())
    stop = {"why": None}
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda n, f: stop.update(why=signal.Signals(n).name))
    data = Prefetcher(a.captions, a.emb, a.seed, step, a.batch, mask_p=a.mask_p, occlude_x=a.occlude_x, workers=a.workers,
                      tokens_path=tokens_path, star_x=a.star_x, p_backdrop=a.p_backdrop, phase_p=a.phase_p,
                      subject_free_p=a.subject_free_p, subject_free_seen=a.subject_free_seen)
    model.to(dev)
    ema.to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01, betas=(0.9, 0.99),
                            **({"fused": True} if dev.type == "cuda" else {}))
    if opt_src is not None:
        load_opt(opt_src, opt)
    del opt_src
    params, ema_params = list(model.parameters()), list(ema.parameters())

    t_start = time.time()
    # per-channel loss weight [1,C,1,1,1]: the shipped 8 channels at 1, any channels past them at --detail-weight
    cw = torch.ones(1, LATENT_C, 1, 1, 1, device=dev)
    cw[:, 8:] = a.detail_weight
    wall0 = session_wall = time.time()
    cpu0 = cpu_seconds()
    last_curve, n_log = time.time(), 0
    tl = torch.zeros((), device=dev)     # summed on the device: no host sync every step

    def state():
        session.update(to_step=step, wall_s=round(time.time() - session_wall),
                       cpu_share=round((cpu_seconds() - cpu_start) / max(time.time() - session_wall, 1e-6) / os.cpu_count(), 3))
        return {"step": step, "clips": clips, "arch": a.arch, "config": cfg, "sessions": sessions}

    def checkpoint():
        st = state()
        save_full(ck, model, ema, opt, st)
        if a.commit_ckpt:
            os.makedirs(os.path.dirname(a.commit_ckpt), exist_ok=True)
            save_compact(a.commit_ckpt, model, ema, opt, st, limit=int(a.commit_limit_mb * (1 << 20)))
            log = dict(st, ckpt_bytes=os.path.getsize(a.commit_ckpt))
            tmp = a.commit_ckpt[:-3] + ".json.tmp"
            json.dump(log, open(tmp, "w"), indent=1)
            os.replace(tmp, a.commit_ckpt[:-3] + ".json")

    def run_curve():
        import copy
        res, clips_ = curve(ema if dev.type == "cpu" else copy.deepcopy(ema).cpu())
        line = {"curve_step": step, "clips": clips, "wall_s": round(time.time() - t_start), **{k: round(v, 3) for k, v in res.items()}}
        print("curve " + json.dumps(line), flush=True)
        with open(os.path.join(a.out, "curve.jsonl"), "a") as f:
            f.write(json.dumps(line) + "\n")
        try:
            from PIL import Image
            from train.sample import grid
            Image.fromarray(grid(clips_)).save(os.path.join(a.out, f"curve_{step:07d}.png"))
            Image.fromarray(grid(curve.t2v_clips[:8])).save(os.path.join(a.out, f"curve_t2v_{step:07d}.png"))
        except ImportError:
            pass

    cpu_start = cpu_seconds()
    while not stop["why"]:
        if a.until_step and step >= a.until_step:
            stop["why"] = "until-step"
            break
        if a.stop_after and time.time() - t_start > a.stop_after * 60:
            stop["why"] = "stop-after"
            break
        if a.decay_at_minutes and not a.decay_start and time.time() - t_start > a.decay_at_minutes * 60:
            rate = (step - a.rewarm_from) / (time.time() - t_start)
            a.decay_start = step
            a.decay_steps = max(1, int(rate * (a.stop_after * 60 - (time.time() - t_start))))
            session.update(decay_start=a.decay_start, decay_steps=a.decay_steps)
            print(f"# cool-down from step {a.decay_start} over {a.decay_steps} steps ({rate:.1f} steps/s)", flush=True)
        lr = lr_at(step, a)
        for g in opt.param_groups:
            g["lr"] = lr
        d = data.next()
        z = torch.from_numpy(d["z"]).to(dev).float()
        y = torch.from_numpy(d["y"]).to(dev)
        yt = [torch.from_numpy(d["yt"]).to(dev).float(), torch.from_numpy(d["ym"]).to(dev)] if tokens_path else []
        b = z.shape[0]
        m = torch.from_numpy(d["mask"])[:, None, :, None, None].expand(b, 1, FRAMES, 16, 16).to(dev)
        obj = torch.from_numpy(d["obj"]).float()[:, None].to(dev)           # [B,1,F,16,16]
        gen = torch.Generator().manual_seed(a.seed * 7919 + step)           # noise drawn on the CPU: the same on any device
        t = sample_t(b, gen, high=a.high_t).to(dev)
        noise = torch.randn(z.shape, generator=gen).to(dev)
        tt = t[:, None, None, None, None]
        xt = (1 - tt) * z + tt * noise
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=a.amp == "bf16"):
            pred = model(xt, t, y, z * m, m, *yt)
        w = (1.0 + a.obj_weight * obj) * (1 - m)
        if a.seam_weight:
            w = w * seam_weights(torch.from_numpy(d["mask"]), a.seam_weight)[:, None, :, None, None].to(dev)
        if a.t_weight:
            w = w * time_weights(t, a.t_weight)[:, None, None, None, None]
        loss = (((pred.float() - z) ** 2) * w * cw).sum() / (w.sum() * cw.sum())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        clips += b
        dec = ema_decay(step, a)
        with torch.no_grad():
            torch._foreach_lerp_(ema_params, params, 1 - dec)
            tl += loss.detach()
        n_log += 1
        if step % 50 == 0:
            now, cpu, mean_loss = time.time(), cpu_seconds(), tl.item() / n_log
            print(f"step {step} clips {clips} lr {lr:.2e} loss {mean_loss:.4f} clips/s {n_log * b / (now - wall0):.1f} "
                  f"cpu {(cpu - cpu0) / (now - wall0) / os.cpu_count():.2f}", flush=True)
            wall0, cpu0, n_log = now, cpu, 0
            tl.zero_()
            if not math.isfinite(mean_loss):    # checked before any checkpoint of this step: the last one written is sound
                stop["why"] = "non-finite loss"
                break
        if step % a.ckpt_every == 0:
            checkpoint()
        if curve and time.time() - last_curve > a.curve_minutes * 60:
            run_curve()
            last_curve = time.time()
            wall0, cpu0 = time.time(), cpu_seconds()
    data.close()
    if stop["why"] == "non-finite loss":
        raise SystemExit(f"# stopped at step {step}: the loss is not finite; the last checkpoint is the one to resume from")
    checkpoint()
    if curve:
        run_curve()
    print(f"# stopped ({stop['why']}) at step {step}, {clips} clips; session {json.dumps(session)}", flush=True)


if __name__ == "__main__":
    main()
