#!/usr/bin/env python3
"""Reference outputs of diffusers' StableVideoDiffusionPipeline for a Kinora SVD pack, as .npy files the Java tests read.

    python tools/export/svd_reference.py <diffusers SVD folder> <pack folder> --diffusers-src /tmp/diffusers/src

Runs (torch, float32, CPU) and writes <pack folder>-reference/ (a sibling of the pack):

  i2v/          StableVideoDiffusionPipeline on a small synthetic image (image.npy, at the pack's size, so the VAE
                path does not resize). The initial noise is given as `latents` (noise.npy, N(0,1); the pipeline
                multiplies it by init_noise_sigma); the pipeline's generator (seed) then draws only the
                noise-augmentation noise of the image (aug_noise.npy), which is saved too
  clip_resize/  the image encoder's preprocessing alone on a larger synthetic image (downscaling, where the
                anti-alias blur matters; the i2v image is upscaled to 224 and its blur is a no-op)

Files (float32 little-endian .npy, numpy format 1.0, C order; image.npy uint8 [H,W,3]):
  i2v/
    image.npy              the input picture, uint8 [H,W,3]
    clip_input.npy         pixel_values [1,3,224,224] the image encoder takes (resized, CLIP-normalised)
    image_embeds.npy       image_encoder output [1,D] (the pipeline's embedding is [1,1,D]; the negative is zeros)
    aug_noise.npy          randn [1,3,H,W] from Generator(seed): the image's noise augmentation
    vae_encoder_input.npy  image*2-1 + noise_aug_strength*aug_noise [1,3,H,W]
    image_moments.npy      vae_encoder output [1,8,h,w]; image_latents = channels 0-3 (the mode), NOT scaled
    image_latents.npy      [1,4,h,w]
    added_time_ids.npy     [1,3] = (fps-1, motion_bucket_id, noise_aug_strength)
    guidance.npy           the per-frame guidance [F] = linspace(min_guidance, max_guidance, F)
    noise.npy              the initial noise [1,F,4,h,w] (given as `latents`)
    latents_initial.npy    noise * init_noise_sigma
    unet_step0_input.npy   the UNet's cond sample at step 0 [1,F,8,h,w] = (latents/sqrt(sigma^2+1)) ‖ image_latents
    unet_step0_{cond,uncond}.npy  the UNet's outputs at step 0 [1,F,4,h,w] (uncond: zero embedding, zero image latents)
    latents_step{k}.npy    latents after scheduler step k [1,F,4,h,w]
    decoder_input.npy      latents_final[0] * float32(1/scaling_factor) [F,4,h,w]; decoded in chunks of decode_chunk_size
    frames.npy             the pipeline's "np" output [F,H,W,3] = clip(video/2 + 0.5, 0, 1)
  clip_resize/  image.npy (uint8 [256,448,3]), clip_input_sub.npy (the image encoder's pixel_values [1,3,224,224] at
                rows and columns 0, 4, ..., 220, 223: [1,3,57,57]; settings.json "subsample")

settings.json per case (every setting, sigmas, timesteps, init_noise_sigma, formulas, file shapes). checks.json:
measured claims the format doc relies on (torch), and with --check-pack the whole job through the pack's ONNX graphs
on onnxruntime with the CLIP resize re-implemented in numpy from the documented recipe (pack.json "image") and
diffusers' scheduler: the end-to-end tolerance a Java run of the pack should meet.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from wan_export import import_diffusers, save_npy as save  # noqa: E402  (one copy for every tool)

CASE = dict(height=64, width=64, frames=8, steps=4, min_guidance=1.0, max_guidance=3.0, fps=7, motion_bucket_id=127,
            noise_aug_strength=0.02, decode_chunk_size=5, seed=42, noise_seed=43)
RESIZE = dict(height=256, width=448)
SUB = sorted(set(range(0, 224, 4)) | {223})


def log(msg):
    print(f"svd_reference: {msg}", file=sys.stderr, flush=True)


def synthetic_image(h, w):
    """A colour gradient with a bright square and a dark disc, uint8 [H,W,3]."""
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([x * 255 // (w - 1), y * 255 // (h - 1), np.full_like(x, 90)], -1)
    img[h // 6:h // 2, w // 5:w // 2] = [250, 230, 60]
    img[(y - 2 * h // 3) ** 2 + (x - 2 * w // 3) ** 2 < (h // 5) ** 2] = [20, 30, 120]
    img[::7, ::5] = [255, 255, 255]  # fine detail, so the antialiasing blur is visible when downscaling
    return np.clip(img, 0, 255).astype(np.uint8)


# ------------------------------------------------------------------ the CLIP preprocessing, from the written recipe

def _gauss(k, sigma):
    x = np.arange(k, dtype=np.float64) - k // 2
    g = np.exp(-x ** 2 / (2 * sigma ** 2))
    return g / g.sum()


def _cubic_weights(t, a=-0.75):
    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.stack([far(t + 1), near(t), near(1 - t), far(2 - t)], -1)


def _resize_axis(x, out, axis):
    n = x.shape[axis]
    src = np.arange(out, dtype=np.float64) * ((n - 1) / (out - 1) if out > 1 else 0.0)
    i0 = np.floor(src).astype(np.int64)
    w = _cubic_weights(src - i0)
    idx = np.clip(i0[:, None] + np.arange(-1, 3)[None, :], 0, n - 1)
    xs = np.moveaxis(x, axis, -1)
    y = (xs[..., idx] * w).sum(-1)
    return np.moveaxis(y, -1, axis)


def clip_resize(x, size=224):
    """[1,3,H,W] in [0,1] -> [1,3,size,size] in [0,1]: diffusers' _resize_with_antialiasing on x*2-1, then (v+1)/2.
    Gaussian blur (sigma = max((in/size - 1)/2, 0.001), kernel int(max(4 sigma, 3)) made odd, reflect padding,
    x pass then y pass), then bicubic (A = -0.75) with align_corners=True and clamped edge indices."""
    v = x.astype(np.float64) * 2 - 1
    h, w = v.shape[-2:]
    sig = (max((h / size - 1) / 2, 0.001), max((w / size - 1) / 2, 0.001))
    ks = [int(max(4.0 * s, 3)) for s in sig]
    ks = [k + 1 if k % 2 == 0 else k for k in ks]
    for axis, k, s in ((3, ks[1], sig[1]), (2, ks[0], sig[0])):
        p = (k - 1) // 2
        pad = [(0, 0)] * 4
        pad[axis] = (p, k - 1 - p)
        vp = np.pad(v, pad, mode="reflect")
        g = _gauss(k, s)
        v = sum(g[j] * np.take(vp, np.arange(j, j + v.shape[axis]), axis=axis) for j in range(k))
    v = _resize_axis(_resize_axis(v, size, 2), size, 3)
    return ((v + 1) / 2).astype(np.float32)


def clip_normalise(x, mean, std):
    return ((x - np.array(mean, np.float32).reshape(1, 3, 1, 1)) / np.array(std, np.float32).reshape(1, 3, 1, 1)).astype(np.float32)


# ------------------------------------------------------------------ torch reference

def run_i2v(pipe, cfg, folder):
    import torch
    from diffusers.utils.torch_utils import randn_tensor
    from PIL import Image
    folder.mkdir(parents=True, exist_ok=True)
    files, steps, rec = {}, [], {"unet": [], "dec": [], "enc_in": [], "enc_out": [], "clip": []}
    t0 = time.time()
    pipe.unet.register_forward_hook(lambda m, a, k, o: rec["unet"].append(
        (a[0].clone(), a[1].clone() if torch.is_tensor(a[1]) else torch.tensor(a[1]), k["encoder_hidden_states"].clone(),
         k["added_time_ids"].clone(), o[0].clone())), with_kwargs=True)
    pipe.image_encoder.register_forward_hook(lambda m, a, o: rec["clip"].append((a[0].clone(), o.image_embeds.clone())))
    decode, encode = pipe.vae.decode, pipe.vae.encode

    def vae_decode(z, *a, **k):
        rec["dec"].append((z.clone(), k.get("num_frames")))
        return decode(z, *a, **k)

    def vae_encode(x, *a, **k):
        rec["enc_in"].append(x.clone())
        out = encode(x, *a, **k)
        rec["enc_out"].append(out.latent_dist.parameters.clone())
        return out
    pipe.vae.decode, pipe.vae.encode = vae_decode, vae_encode
    H, W, F = cfg["height"], cfg["width"], cfg["frames"]
    s = pipe.vae_scale_factor
    C = pipe.vae.config.latent_channels
    image = synthetic_image(H, W)
    save(folder, "image", image, files)
    noise = randn_tensor((1, F, C, H // s, W // s), generator=torch.Generator("cpu").manual_seed(cfg["noise_seed"]),
                         dtype=torch.float32)
    aug = randn_tensor((1, 3, H, W), generator=torch.Generator("cpu").manual_seed(cfg["seed"]), dtype=torch.float32)

    def on_step(p, i, t, kw):
        steps.append({"index": i, "timestep": float(t)})
        save(folder, f"latents_step{i}", kw["latents"].numpy(), files)
        return {}
    with torch.no_grad():
        frames = pipe(Image.fromarray(image), height=H, width=W, num_frames=F, num_inference_steps=cfg["steps"],
                      min_guidance_scale=cfg["min_guidance"], max_guidance_scale=cfg["max_guidance"], fps=cfg["fps"],
                      motion_bucket_id=cfg["motion_bucket_id"], noise_aug_strength=cfg["noise_aug_strength"],
                      decode_chunk_size=cfg["decode_chunk_size"], generator=torch.Generator("cpu").manual_seed(cfg["seed"]),
                      latents=noise.clone(), output_type="np", callback_on_step_end=on_step).frames[0]
    sched = pipe.scheduler
    clip_in, embeds = rec["clip"][0]
    save(folder, "clip_input", clip_in.numpy(), files)
    save(folder, "image_embeds", embeds.numpy(), files)
    save(folder, "aug_noise", aug.numpy(), files)
    enc_in = rec["enc_in"][0]
    want = torch.from_numpy(image.astype(np.float32) / np.float32(255)).permute(2, 0, 1)[None] * 2 - 1 + cfg["noise_aug_strength"] * aug
    assert float((enc_in - want).abs().max()) == 0.0, "the VAE encoder's input is not image*2-1 + aug*aug_noise"
    save(folder, "vae_encoder_input", enc_in.numpy(), files)
    moments = rec["enc_out"][0]
    save(folder, "image_moments", moments.numpy(), files)
    save(folder, "image_latents", moments[:, :C].numpy(), files)
    sample0, t0_, ehs, ids, out0 = rec["unet"][0]
    save(folder, "added_time_ids", ids[1:].numpy(), files)
    guidance = np.linspace(cfg["min_guidance"], cfg["max_guidance"], F).astype(np.float32)
    save(folder, "guidance", guidance, files)
    save(folder, "noise", noise.numpy(), files)
    save(folder, "latents_initial", (noise * sched.init_noise_sigma).numpy(), files)
    save(folder, "unet_step0_input", sample0[1:].numpy(), files)
    assert float(sample0[0, :, C:].abs().max()) == 0.0 and float(ehs[0].abs().max()) == 0.0  # the negative is zeros
    assert torch.equal(ehs[1:], embeds[:, None])
    save(folder, "unet_step0_uncond", out0[:1].numpy(), files)
    save(folder, "unet_step0_cond", out0[1:].numpy(), files)
    final = np.load(folder / f"latents_step{steps[-1]['index']}.npy")
    z = torch.cat([d[0] for d in rec["dec"]])
    assert float((z - (1 / pipe.vae.config.scaling_factor) * torch.from_numpy(final[0])).abs().max()) == 0.0  # a multiply
    save(folder, "decoder_input", z.numpy(), files)
    frames = np.asarray(frames, np.float32)
    save(folder, "frames", frames, files)
    settings = {
        "pipeline": type(pipe).__name__, **cfg,
        "scheduler": type(sched).__name__, "latent_channels": C, "latent_height": H // s, "latent_width": W // s,
        "timesteps": [st["timestep"] for st in steps], "sigmas": [float(v) for v in sched.sigmas],
        "init_noise_sigma": float(sched.init_noise_sigma),
        "added_time_ids": [float(v) for v in ids[1]],
        "guidance": [float(v) for v in guidance],
        "decode_chunks": [int(d[1]) for d in rec["dec"]],
        "image_pixels": "uint8 [H,W,3] -> x/255 (float32) [1,3,H,W]; the same array feeds both paths below",
        "clip_path": "pixel_values = normalise(clip_resize(x)) (pack.json image: antialiased bicubic resize to "
                     "224x224 done on x*2-1, back to [0,1], then (v - mean)/std); image_embeds = image_encoder(pixel_values)",
        "vae_path": "vae_encoder_input = x*2-1 + noise_aug_strength * aug_noise (aug_noise = randn_tensor([1,3,H,W], "
                    "Generator(seed)), the pipeline generator's first and here only draw); image_latents = "
                    "moments[:, :4] (the posterior's mode; NOT multiplied by scaling_factor), repeated on every frame",
        "noise": "randn_tensor([1,F,4,h,w], Generator(noise_seed)) passed as `latents`; latents_initial = noise * init_noise_sigma",
        "unet_input": "cond: cat([latents / sqrt(sigma^2 + 1), image_latents per frame], channel axis 2) with "
                      "encoder_hidden_states = image_embeds[:, None]; uncond: the same latents with ZERO image latents "
                      "and a ZERO embedding; timestep = t (0.25 ln sigma) as [1]; added_time_ids the same for both",
        "guidance_formula": "uncond + guidance[f] * (cond - uncond) per frame f",
        "step": "EulerDiscreteScheduler.step (v-prediction): x0 = -sigma/sqrt(sigma^2+1) * v + x/(sigma^2+1); "
                "x += (x - x0)/sigma * (sigma_next - sigma)",
        "decode": "decoder_input = latents_final[0] * float32(1 / scaling_factor) (decode_latents multiplies by the reciprocal; dividing differs in the last bit); vae_decoder on chunks of decode_chunk_size frames "
                  "(num_frames = the chunk's length); frames = clip(video/2 + 0.5, 0, 1) as [F,H,W,3]",
        "seconds": round(time.time() - t0, 1),
        "files": files,
    }
    (folder / "settings.json").write_text(json.dumps(settings, indent=2) + "\n")
    log(f"i2v: {len(steps)} steps, timesteps {settings['timesteps']}, frames {frames.shape}, {settings['seconds']} s")
    return settings


def run_clip_resize(pipe, folder):
    import torch
    from diffusers.pipelines.stable_video_diffusion.pipeline_stable_video_diffusion import _resize_with_antialiasing
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    image = synthetic_image(RESIZE["height"], RESIZE["width"])
    save(folder, "image", image, files)
    seen = []
    h = pipe.image_encoder.register_forward_hook(lambda m, a, o: seen.append(a[0].clone()))
    from PIL import Image
    with torch.no_grad():
        pipe._encode_image(Image.fromarray(image), "cpu", 1, False)
    h.remove()
    x = torch.from_numpy(image.astype(np.float32) / np.float32(255)).permute(2, 0, 1)[None]
    resized = (_resize_with_antialiasing(x * 2.0 - 1.0, (224, 224)) + 1.0) / 2.0
    # Every 4th row and column plus the last (edges included): 57x57 of the 224x224, to keep the fixture small.
    save(folder, "clip_input_sub", seen[0].numpy()[:, :, SUB][:, :, :, SUB], files)
    clip = pipe.feature_extractor
    again = (resized - torch.tensor(clip.image_mean).view(1, 3, 1, 1)) / torch.tensor(clip.image_std).view(1, 3, 1, 1)
    (folder / "settings.json").write_text(json.dumps({"what": "StableVideoDiffusionPipeline._encode_image's "
                                                      "preprocessing alone", **RESIZE, "subsample": SUB,
                                                      "clip_input_sub": "pixel_values[:, :, rows, cols] with rows = "
                                                      "cols = subsample", "files": files}, indent=2) + "\n")
    return {"clip_input_vs_resize_then_normalise": float((again - seen[0]).abs().max())}


def check_claims(pipe):
    """Facts docs/pack-format-2.md relies on, measured on the torch modules (max |diff|; 0 = exact)."""
    import torch
    out = {}
    g = torch.Generator().manual_seed(5)
    u = pipe.unet
    C, D = pipe.vae.config.latent_channels, u.config.cross_attention_dim
    with torch.no_grad():
        x = torch.randn(2, 6, 2 * C, 8, 8, generator=g)
        e = torch.randn(2, 1, D, generator=g)
        ids = torch.tensor([[6.0, 127.0, 0.02]] * 2)
        t = torch.tensor(0.25 * np.log(30.0), dtype=torch.float32)
        both = u(x, t, encoder_hidden_states=e, added_time_ids=ids).sample
        one = torch.cat([u(x[i:i + 1], t, encoder_hidden_states=e[i:i + 1], added_time_ids=ids[i:i + 1]).sample for i in range(2)])
        out["unet_batch2_vs_two_batch1_calls"] = float((both - one).abs().max())
        first = u(x[:1, :3], t, encoder_hidden_states=e[:1], added_time_ids=ids[:1]).sample
        out["unet_first_3_frames_alone_vs_in_6 (must not be 0: frames attend to each other)"] = float((first - one[:1, :3]).abs().max())
        ids2 = ids.clone()
        ids2[:, 0] = 7.0
        other = u(x[:1], t, encoder_hidden_states=e[:1], added_time_ids=ids2[:1]).sample
        # At 32 channels every GroupNorm group is ONE channel, and the time embedding (timestep + added_time_ids)
        # enters each resnet as a per-channel constant right before such a norm: it cancels exactly. svd-tiny's
        # outputs therefore do not depend on them (measured here); the real UNet (320+ channels, 10+ per group) does.
        out["unet_fps_id_6_vs_7 (svd-tiny ~0: the time embedding cancels in 1-channel GroupNorm groups)"] = float((other - one[:1]).abs().max())
        t2 = u(x[:1], torch.tensor(0.25 * np.log(0.5), dtype=torch.float32), encoder_hidden_states=e[:1], added_time_ids=ids[:1]).sample
        out["unet_timestep_ln30_vs_ln0.5 (svd-tiny ~0, the same reason)"] = float((t2 - one[:1]).abs().max())
        e2 = torch.zeros_like(e[:1])
        other_e = u(x[:1], t, encoder_hidden_states=e2, added_time_ids=ids[:1]).sample
        out["unet_embedding_vs_zero_embedding (must not be 0)"] = float((other_e - one[:1]).abs().max())
        x2 = x[:1].clone()
        x2[:, :, C:] = 0
        other_c = u(x2, t, encoder_hidden_states=e[:1], added_time_ids=ids[:1]).sample
        out["unet_image_latents_vs_zero (must not be 0)"] = float((other_c - one[:1]).abs().max())
        z = torch.randn(8, C, 8, 8, generator=g)
        whole = pipe.vae.decode(z, num_frames=8).sample
        chunked = torch.cat([pipe.vae.decode(z[:5], num_frames=5).sample, pipe.vae.decode(z[5:], num_frames=3).sample])
        out["vae_decode_8_frames_vs_chunks_5_3 (must not be 0: the chunk size changes the frames)"] = float((whole - chunked).abs().max())
        img = torch.rand(1, 3, 64, 64, generator=g) * 2 - 1
        dist = pipe.vae.encode(img).latent_dist
        out["vae_mode_is_moments_mean"] = float((dist.mode() - dist.parameters[:, :C]).abs().max())
    return out


def check_pack(pack_dir, ref, cfg):
    """The i2v job through the pack's ONNX graphs (ORT, CPU), the CLIP resize in numpy, diffusers' scheduler."""
    import onnxruntime as ort
    import torch
    from diffusers import EulerDiscreteScheduler
    manifest = json.loads((pack_dir / "pack.json").read_text())
    opts = ort.SessionOptions()
    opts.log_severity_level = 3

    def session(key):
        return ort.InferenceSession(str(pack_dir / manifest["components"][key]["file"]), opts, providers=["CPUExecutionProvider"])
    ie, unet, enc, dec = session("image_encoder"), session("denoiser"), session("vae_encoder"), session("vae_decoder")
    img_cfg, lat = manifest["image"], manifest["latent"]
    C, inv_sf = lat["channels"], np.float32(1.0 / lat["scalingFactor"])
    r = {}
    # the CLIP preprocessing, downscaling case
    cr = ref / "clip_resize"
    x = (np.load(cr / "image.npy").astype(np.float32) / np.float32(255)).transpose(2, 0, 1)[None]
    resized = clip_resize(x)
    mine = clip_normalise(resized, img_cfg["mean"], img_cfg["std"])[:, :, SUB][:, :, :, SUB]
    r["clip_resize_clip_input_numpy_vs_torch"] = float(np.abs(mine - np.load(cr / "clip_input_sub.npy")).max())
    folder = ref / "i2v"
    settings = json.loads((folder / "settings.json").read_text())
    F = cfg["frames"]
    x = (np.load(folder / "image.npy").astype(np.float32) / np.float32(255)).transpose(2, 0, 1)[None]
    pix = clip_normalise(clip_resize(x), img_cfg["mean"], img_cfg["std"])
    r["clip_input"] = float(np.abs(pix - np.load(folder / "clip_input.npy")).max())
    emb = ie.run(None, {"pixel_values": pix})[0]
    r["image_embeds"] = float(np.abs(emb - np.load(folder / "image_embeds.npy")).max())
    emb = emb[:, None, :]
    aug_in = x * np.float32(2) - np.float32(1) + np.float32(cfg["noise_aug_strength"]) * np.load(folder / "aug_noise.npy")
    r["vae_encoder_input"] = float(np.abs(aug_in - np.load(folder / "vae_encoder_input.npy")).max())
    moments = enc.run(None, {"sample": aug_in.astype(np.float32)})[0]
    r["image_moments"] = float(np.abs(moments - np.load(folder / "image_moments.npy")).max())
    img_lat = np.repeat(moments[:, None, :C], F, axis=1)  # [1,F,4,h,w]
    ids = np.array([[cfg["fps"] - 1, cfg["motion_bucket_id"], cfg["noise_aug_strength"]]], np.float32)
    r["added_time_ids"] = float(np.abs(ids - np.load(folder / "added_time_ids.npy")).max())
    guidance = np.linspace(cfg["min_guidance"], cfg["max_guidance"], F, dtype=np.float32).reshape(1, F, 1, 1, 1)
    sched = EulerDiscreteScheduler.from_pretrained(pack_dir / "scheduler")
    sched.set_timesteps(cfg["steps"])
    r["timesteps"] = float(np.abs(sched.timesteps.numpy() - np.array(settings["timesteps"], np.float32)).max())
    lat_t = torch.from_numpy(np.load(folder / "noise.npy")) * sched.init_noise_sigma
    zeros_lat, zeros_emb = np.zeros_like(img_lat), np.zeros_like(emb)
    for i, t in enumerate(sched.timesteps):
        sigma = float(sched.sigmas[i])
        scaled = (lat_t / ((sigma ** 2 + 1) ** 0.5)).numpy()
        tt = np.array([float(t)], np.float32)
        cond_in = np.concatenate([scaled, img_lat], 2)
        if i == 0:
            r["unet_step0_input"] = float(np.abs(cond_in - np.load(folder / "unet_step0_input.npy")).max())
        cond = unet.run(None, {"sample": cond_in, "timestep": tt, "encoder_hidden_states": emb, "added_time_ids": ids})[0]
        uncond = unet.run(None, {"sample": np.concatenate([scaled, zeros_lat], 2), "timestep": tt,
                                 "encoder_hidden_states": zeros_emb, "added_time_ids": ids})[0]
        if i == 0:
            r["unet_step0_cond"] = float(np.abs(cond - np.load(folder / "unet_step0_cond.npy")).max())
            r["unet_step0_uncond"] = float(np.abs(uncond - np.load(folder / "unet_step0_uncond.npy")).max())
        guided = uncond + guidance * (cond - uncond)
        lat_t = sched.step(torch.from_numpy(guided), t, lat_t, return_dict=False)[0]
        r[f"latents_step{i}"] = float(np.abs(lat_t.numpy() - np.load(folder / f"latents_step{i}.npy")).max())
    z = lat_t.numpy()[0] * inv_sf
    r["decoder_input"] = float(np.abs(z - np.load(folder / "decoder_input.npy")).max())
    n = cfg["decode_chunk_size"]

    def frames_of(latent, chunk):
        video = np.concatenate([dec.run(None, {"latent_sample": latent[k:k + chunk].astype(np.float32)})[0]
                                for k in range(0, latent.shape[0], chunk)])
        return np.clip(video.transpose(0, 2, 3, 1) / 2 + 0.5, 0, 1)
    want = np.load(folder / "frames.npy")
    r["frames"] = float(np.abs(frames_of(z, n) - want).max())
    r["frames_with_reference_decoder_input"] = float(np.abs(frames_of(np.load(folder / "decoder_input.npy"), n) - want).max())
    r["frames_decoded_in_one_chunk (not 0: the chunking matters)"] = float(np.abs(frames_of(z, F) - want).max())
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="diffusers SVD folder")
    ap.add_argument("pack", type=Path, help="the pack exported from it (svd_export.py)")
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--out", type=Path, help="default: <pack>-reference beside the pack")
    ap.add_argument("--check-pack", action="store_true", help="also run the job through the pack's ONNX graphs")
    args = ap.parse_args()
    t_start = time.time()
    import_diffusers(args.diffusers_src, "svd_reference")
    import torch
    from diffusers import StableVideoDiffusionPipeline
    torch.manual_seed(0)
    out = args.out or args.pack.with_name(args.pack.name + "-reference")
    out.mkdir(parents=True, exist_ok=True)
    pipe = StableVideoDiffusionPipeline.from_pretrained(args.model, torch_dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    run_i2v(pipe, CASE, out / "i2v")
    pipe = StableVideoDiffusionPipeline.from_pretrained(args.model, torch_dtype=torch.float32)
    claims = run_clip_resize(pipe, out / "clip_resize")
    claims.update(check_claims(pipe))
    for k, v in claims.items():
        log(f"torch: {k}: max |diff| {v:.3g}")
    if args.check_pack:
        report = check_pack(args.pack, out, CASE)
        for k, v in report.items():
            log(f"ORT pack vs torch: {k}: max |diff| {v:.3g}")
        claims.update({f"ort_{k}": v for k, v in report.items()})
    (out / "checks.json").write_text(json.dumps(claims, indent=2) + "\n")
    log(f"wrote {out} in {time.time() - t_start:.0f} s")


if __name__ == "__main__":
    main()
