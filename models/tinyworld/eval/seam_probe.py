"""Probe: where does an extension seam come from? Rendered clips of directional motions, the first K latent frames
known (the engine's extension window), the rest sampled with the torch reference sampler and the clip's own
caption. Reports, in latent space, the jump from the last known frame to the first generated one against the
generated frames' own step-to-step change and against the rendered clip's, and how far the first generated frame
is from the rendered continuation.

  ../../.venv/bin/python -m eval.seam_probe CKPT [--k 4] [--n 24] [--decoder DEC_CKPT] [--frame-guidance S] [--cond-noise S] [--resample U]
                                               [--infill M --infill-from T] [--gap G]

--gap G: the frames after a gap of G new ones are known too (the engine's loop bridge: the clip's last k frames, G new
ones, its first frames; train/data2.py's "gap" mode), and the seam out of the gap is reported beside the one into it.

--infill M: a second pass that samples the first M new frames again with both neighbours known (the source's frames
before them, the first pass's frames after them), from the first pass noised to flow time T (1: from noise), and
reports the seam and the largest step across the re-sampled frames (a seam spread over M frames is not gone).

It also prints the x0 error of the first new frame with and without the known frames, by flow time.
"""
import argparse

import torch

from eval.time_direction import clips
from train.sample import Text, decode, sample, schedule
from train.train_decoder2 import load_decoder, load_denoiser


def step_diff(z):
    """[N,C,F,16,16] -> mean |z[f+1]-z[f]| per frame pair [N,F-1]"""
    return (z[:, :, 1:] - z[:, :, :-1]).abs().mean(dim=(1, 3, 4))


def pixel_steps(dec, z):
    """[N,C,F,16,16] decoded by Decoder 2 -> mean |pixel[f+1]-pixel[f]| per frame pair [N,F-1]"""
    p = torch.from_numpy(decode(dec, z)).float()
    return (p[:, 1:] - p[:, :-1]).abs().mean(dim=(2, 3, 4))


def split_bands(z):
    """-> (low, high): 4x4-cell means upsampled back, and the rest."""
    b, c, f, h, w = z.shape
    lo = torch.nn.functional.avg_pool2d(z.permute(0, 2, 1, 3, 4).reshape(b * f, c, h, w), 4)
    lo = torch.nn.functional.interpolate(lo, scale_factor=4, mode="nearest").reshape(b, f, c, h, w).permute(0, 2, 1, 3, 4)
    return lo, z - lo


@torch.no_grad()
def sample_fg(model, text, guidance, fg, cond, mask, steps=16, seed=0, cond_noise=0.0, resample=1, resample_above=0.5):
    """The reference flow-Euler sampler with a second guidance term on the known frames and, with cond_noise s, the
    known latents given to the model as known + s t^2 eps at flow time t (LTX-Video's image_cond_noise_scale).
    resample U > 1: RePaint's harmonising loop, each step above flow time resample_above taken U times, the result
    noised back from tn to t in between (x_t = (1-t)/(1-tn) x_tn + sqrt(t^2 - ((1-t) tn/(1-tn))^2) eps), so the new
    frames' layout is decided again with the known frames already half drawn into the window."""
    if fg == 1.0 and not cond_noise and resample == 1:
        return sample(model, text, steps=steps, guidance=guidance, cond=cond, mask=mask, seed=seed)
    b = cond.shape[0]
    x = torch.randn(cond.shape, generator=torch.Generator().manual_seed(seed))
    ts = schedule(steps, 1.0)
    rows = text.cat(text.null()).cat(text.null())
    c3, m3 = torch.cat([cond, cond, torch.zeros_like(cond)]), torch.cat([mask, mask, torch.zeros_like(mask)])
    gen = torch.Generator().manual_seed(seed + 1)
    for i in range(steps):
        t, tn = ts[i].item(), ts[i + 1].item()
        for u in range(resample if t > resample_above else 1):
            if u:
                a = (1 - t) / (1 - tn)
                x = a * x + (t * t - (a * tn) ** 2) ** 0.5 * torch.randn(x.shape, generator=gen)
            noisy = c3 + cond_noise * t * t * torch.randn(c3.shape, generator=gen) * m3 if cond_noise else c3
            x0 = model(torch.cat([x, x, x]), torch.full((3 * b,), t), rows.pooled, noisy, m3, *rows.extra())
            xc, xu, xn = x0.chunk(3)
            x0 = xn + fg * (xu - xn) + guidance * (xc - xu)
            x = x + (tn - t) * (x - x0) / t
            x = x * (1 - mask) + cond * mask
    return x


@torch.no_grad()
def infill(den, dec, text, a, z, g, k, pg):
    """pg: the first pass's pixel steps (pixel_steps(dec, g)), already decoded by the caller."""
    m = a.infill
    mask2 = torch.ones(z.shape[0], 1, *z.shape[2:])
    mask2[:, :, k:k + m] = 0
    known = torch.cat([z[:, :, :k], g[:, :, k:]], 2)       # the source's frames, then the first pass
    t0 = a.infill_from
    eps = torch.randn(z.shape, generator=torch.Generator().manual_seed(5))
    x = (1 - t0) * known + t0 * eps
    x = x * (1 - mask2) + known * mask2
    steps = max(1, round(16 * t0))
    ts = [t0 * (1 - i / steps) for i in range(steps + 1)]
    rows = text.cat(text.null())
    c2, m2 = torch.cat([known * mask2] * 2), torch.cat([mask2] * 2)
    for i in range(steps):
        t, tn = ts[i], ts[i + 1]
        x0 = den(torch.cat([x, x]), torch.full((2 * x.shape[0],), t), rows.pooled, c2, m2, *rows.extra())
        xc, xu = x0.chunk(2)
        x0 = xu + a.guidance * (xc - xu)
        x = x + (tn - t) * (x - x0) / t if tn > 0 else x0
        x = x * (1 - mask2) + known * mask2
    for name, y, pd in (("first pass", g, pg), (f"infill {m} from t={t0}", x, pixel_steps(dec, x))):
        d = step_diff(y)
        inside = d[:, k + m:].mean(1)
        span = d[:, k - 1:k + m].max(1).values
        pin = pd[:, k + m:].mean(1)
        print(f"  {name}: latent seam {(d[:, k - 1] / inside).mean():.2f}x, largest step over frames {k - 1}..{k + m} "
              f"{(span / inside).mean():.2f}x | pixels seam {(pd[:, k - 1] / pin).mean():.2f}x, largest "
              f"{(pd[:, k - 1:k + m].max(1).values / pin).mean():.2f}x | |y - rendered| frames {k}..{k + m - 1} "
              f"{(y - z)[:, :, k:k + m].abs().mean():.3f}")


@torch.no_grad()
def ref_decode(dec, z, px, k):
    """The engine's order for a reference decoder: frames before k are the source's own pixels, then each frame is
    decoded from its latent with the frame before it (source or decoded) as the reference. -> float [N,F,64,64,3]."""
    from train.train_decoder2 import to_unit
    out = [to_unit(px[:, f]) for f in range(k)]
    for f in range(k, z.shape[2]):
        out.append(dec(z[:, :, f], z[:, :, f - 1], out[-1]).clamp(-1, 1))
    y = torch.stack(out, 1)                                                  # [N,F,3,64,64]
    return ((y + 1) * 127.5 + 0.5).floor().clamp(0, 255).permute(0, 1, 3, 4, 2)


@torch.no_grad()
def ref_report(path, z, g, px, k, pd, pdz):
    """Decoder 2 (pd, pdz: g and z already decoded by it) against a reference decoder on the same latents: the first
    seam as the engine shows it, for the sampled continuation (g) and the true one (z), and how far the decoded true
    frames stray from the rendered ones frame by frame (a reference carried forward could drift)."""
    from train.train_decoder_ref import load_decoder_ref
    decr = load_decoder_ref(path)
    src = torch.from_numpy(px).float()
    for name, lat, plain in (("sampled", g, pd), ("true latents", z, pdz)):
        for dname, pix in (("Decoder 2", torch.cat([src[:, :k], plain[:, k:]], 1)), ("DecoderR", ref_decode(decr, lat, px, k))):
            steps = (pix[:, 1:] - pix[:, :-1]).abs().mean(dim=(2, 3, 4))
            inside = steps[:, k:].mean(1)
            err = (pix - src).abs().mean(dim=(2, 3, 4)).mean(0)[k:]
            line = f" | |decoded - rendered| frames {k}..: " + " ".join(f"{v:.2f}" for v in err.tolist()) if name == "true latents" else ""
            print(f"  {name}, {dname}: seam {steps[:, k - 1].mean():.2f} in-clip {inside.mean():.2f} "
                  f"(ratio {(steps[:, k - 1] / inside).mean():.2f}){line}")


@torch.no_grad()
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("--k", type=int, default=4)
    ap.add_argument("--decoder", default="train/checkpoints/decoder2.pt", help="a Decoder 2 ckpt.pt (a retrained one)")
    ap.add_argument("--ref-decoder", default="", help="a DecoderR ckpt.pt (train.train_decoder_ref): decode the new frames "
                    "in order, each with the frame before it as its reference, beside Decoder 2")
    ap.add_argument("--n", type=int, default=24)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--cond-noise", type=float, default=0.0, help="noise s t^2 on the known latents the model is given")
    ap.add_argument("--resample", type=int, default=1, help="RePaint's loop: each step above --resample-above taken N times")
    ap.add_argument("--resample-above", type=float, default=0.5)
    ap.add_argument("--gap", type=int, default=0, help="known frames after a gap of G new ones as well (a loop's bridge)")
    ap.add_argument("--infill", type=int, default=0, help="re-sample the first M new frames with both neighbours known")
    ap.add_argument("--infill-from", type=float, default=1.0, help="--infill: the flow time the second pass starts from")
    ap.add_argument("--frame-guidance", type=float, default=1.0,
                    help="scale on the known frames' effect (e(none) + s (e(frames) - e(none)) + g (e(frames,text) - e(frames)))")
    a = ap.parse_args()
    torch.set_num_threads(2)
    z, y, specs, sel, px = clips(a.n, pixels=True)
    den, step = load_denoiser(a.ckpt)
    dec = load_decoder(a.decoder)
    text = Text.load(y, "train/data/tokens.npy" if getattr(den, "text_tokens", False) else None, rows=sel)
    k = a.k
    mask = torch.zeros(z.shape[0], 1, *z.shape[2:])
    mask[:, :, :k] = 1
    if a.gap:
        mask[:, :, k + a.gap:] = 1
    g = sample_fg(den, text, a.guidance, a.frame_guidance, z * mask, mask, seed=3, cond_noise=a.cond_noise,
                  resample=a.resample, resample_above=a.resample_above)
    dg, dr = step_diff(g), step_diff(z)
    seam = dg[:, k - 1]
    inside = dg[:, k:k + a.gap - 1].mean(1) if a.gap else dg[:, k:].mean(1)
    pd, pdz = (torch.from_numpy(decode(dec, x)).float() for x in (g, z))          # [N,F,64,64,3]
    pg, pz = ((p[:, 1:] - p[:, :-1]).abs().mean(dim=(2, 3, 4)) for p in (pd, pdz))
    if a.gap:
        e = k + a.gap - 1                       # the step from the gap's last new frame into the known frames after it
        pin = pg[:, k:e].mean(1)
        print(f"gap {a.gap}: latent seam in {(seam / inside).mean():.2f}x, out {(dg[:, e] / inside).mean():.2f}x | pixels in "
              f"{(pg[:, k - 1] / pin).mean():.2f}x, out {(pg[:, e] / pin).mean():.2f}x (against the gap's own steps; rendered "
              f"in-clip {dr[:, k:e].mean():.4f}, generated {inside.mean():.4f})")
    print(f"{a.ckpt} (step {step}) k={k}: seam {seam.mean():.4f} | generated in-clip {inside.mean():.4f} "
          f"(ratio {(seam / inside).mean():.2f}) | rendered at the seam {dr[:, k - 1].mean():.4f}, in-clip {dr[:, k:].mean():.4f}")
    print("  generated step diff by frame:", " ".join(f"{v:.3f}" for v in dg.mean(0).tolist()))
    print("  rendered  step diff by frame:", " ".join(f"{v:.3f}" for v in dr.mean(0).tolist()))
    for name, band in zip(("low (4x4 means)", "high (the rest)"), zip(split_bands(g), split_bands(z))):
        bg, bz = map(step_diff, band)
        print(f"  {name}: seam {bg[:, k - 1].mean():.4f} generated in-clip {bg[:, k:].mean():.4f} "
              f"rendered seam {bz[:, k - 1].mean():.4f} in-clip {bz[:, k:].mean():.4f}")
    # the whole frame's mean latent (per channel): a jump here is a global tone or backdrop shift, not the subject
    dcg, dcz = [step_diff(x.mean(dim=(3, 4), keepdim=True)) for x in (g, z)]
    print(f"  whole-frame mean: seam {dcg[:, k - 1].mean():.4f} generated in-clip {dcg[:, k:].mean():.4f} "
          f"rendered seam {dcz[:, k - 1].mean():.4f} in-clip {dcz[:, k:].mean():.4f}")
    print(f"  pixels (Decoder 2): seam {pg[:, k - 1].mean():.2f} generated in-clip {pg[:, k:].mean():.2f} "
          f"(ratio {(pg[:, k - 1] / pg[:, k:].mean(1)).mean():.2f}) | decoded rendered: seam {pz[:, k - 1].mean():.2f} in-clip {pz[:, k:].mean():.2f}")
    # what the engine shows: the source's own frames up to k, then decoded ones; and the part of that seam a perfect
    # continuation would still have (the true latents decoded), which is Decoder 2's round trip alone
    src = torch.from_numpy(px).float()
    seam_src = (pd[:, k] - src[:, k - 1]).abs().mean(dim=(1, 2, 3))
    seam_rt = (pdz[:, k] - src[:, k - 1]).abs().mean(dim=(1, 2, 3))
    rin = (src[:, 1:] - src[:, :-1]).abs().mean(dim=(2, 3, 4))[:, k:].mean(1)
    print(f"  as the engine shows it (source pixels to frame {k - 1}, decoded after): seam {seam_src.mean():.2f} against generated "
          f"in-clip {pg[:, k:].mean():.2f} (ratio {(seam_src / pg[:, k:].mean(1)).mean():.2f}) | the true latents decoded "
          f"after the source: seam {seam_rt.mean():.2f} against rendered in-clip {rin.mean():.2f} (ratio "
          f"{(seam_rt / rin).mean():.2f}) | |decoded - rendered| of the true latents {(pdz - src).abs().mean():.2f}")
    if a.ref_decoder:
        ref_report(a.ref_decoder, z, g, px, k, pd, pdz)
    if a.infill:
        infill(den, dec, text, a, z, g, k, pg)
    # how much the known frames help the x0 prediction of the first new frame, by flow time (the same noise)
    eps = torch.randn(z.shape, generator=torch.Generator().manual_seed(11))
    none = torch.zeros_like(mask)
    line = []
    for t in (1.0, 0.9, 0.7, 0.5, 0.3, 0.1):
        xt = (1 - t) * z + t * eps
        tt = torch.full((z.shape[0],), t)
        e = [(den(xt, tt, text.pooled, z * m, m, *text.extra())[:, :, k] - z[:, :, k]).abs().mean().item() for m in (mask, none)]
        line.append(f"t={t}: {e[0]:.3f} vs {e[1]:.3f}")
    print(f"  x0 error of frame {k}, known frames given vs none:", " | ".join(line))
    err = (g - z).abs().mean(dim=(1, 3, 4)).mean(0)
    print("  |generated - rendered| by frame:", " ".join(f"{v:.3f}" for v in err.tolist()))


if __name__ == "__main__":
    main()

