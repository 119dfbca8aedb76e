#!/usr/bin/env python3
"""Reference outputs of diffusers' own Wan pipelines for a Kinora Wan pack, as .npy files the Java tests read.

    python tools/export/wan_reference.py <diffusers Wan folder> <pack folder> --diffusers-src /tmp/diffusers/src
        [--cases t2v,remix,extend,extend_k2] [--check-pack]

Runs (torch, float32, CPU) and writes <pack folder>-reference/ (a sibling of the pack, so the pack stays exactly
what pack.json lists); --cases runs only the named cases (default: all) and then merges its checks into the
existing checks.json instead of rewriting it:

  t2v/    WanPipeline (text to video), the initial noise given as `latents` so Java can start from the SAME noise
  remix/  WanVideoToVideoPipeline (SDEdit: the source video's VAE latents noised to `strength`, then denoised),
          the reference for the VAE encoder and for a remix job; its noise is what the pipeline's seeded
          generator draws, saved as noise.npy
  extend/ Kinora's extension rule on WanPipeline's own loop (diffusers has no extension pipeline for Wan 2.1
          T2V): the last c = 1 + 4(k - 1) frames of source.npy encoded (padded to the window), their first k
          normalised latents x0_known written into the window's first k latent frames as
          (1 - sigma) * x0_known + sigma * noise_known before step 0 and after every step (sigma = the next
          sigma; 0 after the last step, so they end as x0_known exactly), k = 1; extend_k2/ the same with k = 2.
          See EXTEND_RULE and docs/pack-format-2.md

Each case folder has settings.json (every setting, the cleaned prompts, token ids and masks, timesteps, sigmas,
file list with shapes) and float32 little-endian .npy files (numpy format 1.0, C order):
  noise.npy                      initial noise [1,16,L,h,w] (diffusers' randn_tensor of torch.Generator(seed))
  prompt_embeds.npy, negative_prompt_embeds.npy
                                 the transformer's text input [1,512,D]: UMT5 states, padded rows zeroed
  denoiser_step0_{cond,uncond}.npy  the transformer's output for the first step
  latents_step{k}.npy            latents after scheduler step k (every step; the first two are the ones to
                                 debug a sampler with)
  latents_final.npy              the last step's latents (diffusion space)
  vae_input.npy                  latents_final * std + mean: what vae_decoder/model.onnx takes
  frames.npy                     the pipeline's "np" output [F,H,W,3] in [0,1]: the decoder's output [1,3,F,H,W]
                                 (already clamped to [-1,1]) as video/2 + 0.5, channels last
  remix/source.npy               the source video as uint8 [F,H,W,3]; remix/source_latents.npy its normalised
                                 VAE mean, (mu - mean)/std
  extend*/source.npy             the clip being extended, uint8 [F,H,W,3]
  extend*/context_latents.npy    x0_known [1,16,k,h,w]: normalised VAE mean of its last c frames padded to F
  extend*/latents_init.npy       the `latents` passed to the pipeline (noise with its first k frames re-noised)
  extend*/output.npy             the extended clip, uint8 [F + F - c,H,W,3]: source.npy then the decoded frames
                                 c..F-1 as round(v * 255) (numpy's round, as diffusers' numpy_to_pil)

checks.json: the shortcuts docs/pack-format-2.md allows, measured in torch (the text encoder on the real tokens
only; decoding or encoding the first k latent frames of a window). --check-pack adds the same T2V job run through
the pack's ONNX graphs with onnxruntime (tokenizer.json through `tokenizers`, as DJL does; diffusers' scheduler)
and how far each stage is from torch: the end-to-end tolerance a Java run of the pack should meet.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np

from wan_export import import_diffusers, save_npy as save  # noqa: E402  (one copy for every tool)

T2V = dict(prompt="  A red fox walks  across the\tsnowy field at night  ", negative_prompt="", steps=5,
           guidance=5.0, height=48, width=64, frames=9, seed=42)
REMIX = dict(prompt="a blue bird flies over the sea", negative_prompt="", steps=5, guidance=5.0, height=48,
             width=64, frames=9, seed=7, strength=0.7)
EXTEND = dict(prompt="a yellow ball rolls to the right", negative_prompt="", steps=5, guidance=5.0, height=48,
              width=64, frames=9, seed=11, context_latent_frames=1)
CASES = {"t2v": T2V, "remix": REMIX, "extend": EXTEND, "extend_k2": dict(EXTEND, context_latent_frames=2)}
EXTEND_RULE = [
    "1. source S = source.npy, uint8 [F,H,W,3] (F = the window's frames).",
    "2. context: the last c = 1 + 4(k - 1) frames of S, padded to F frames by repeating the last of them, as "
    "float32 (x / 255) * 2 - 1 [1,3,F,H,W]; VAE encoder mean mu; x0_known = ((mu - latents_mean) / latents_std) "
    "latent frames 0..k-1 (context_latents.npy).",
    "3. noise [1,16,L,h,w] = randn_tensor(generator=torch.Generator('cpu').manual_seed(seed)) (noise.npy); "
    "noise_known = noise latent frames 0..k-1.",
    "4. start: latents = noise with frames 0..k-1 replaced by (1 - sigma_0) * x0_known + sigma_0 * noise_known, "
    "sigma_0 = scheduler.sigmas[0] after set_timesteps(steps) (UniPC add_noise with flow sigmas; latents_init.npy), "
    "passed to WanPipeline as `latents`.",
    "5. after scheduler step i (callback_on_step_end): latents frames 0..k-1 = (1 - sigma_{i+1}) * x0_known + "
    "sigma_{i+1} * noise_known, sigma_{i+1} = scheduler.sigmas[i + 1] (the last is 0: x0_known exactly); the "
    "scheduler's own state (model-output history, last sample) is not touched; the next step gets the replaced "
    "latents as its sample. latents_step{i}.npy are the latents after the replacement.",
    "6. decode the window as WanPipeline does (frames.npy, F frames in [0,1]); the extended clip (output.npy) = S "
    "followed by decoded frames c..F-1 as uint8 clip(round(v * 255), 0, 255); decoded frames 0..c-1 re-decode the "
    "context and are dropped.",
]


class Recorder:
    """Forward hooks on the transformer and the VAE decoder: what went in and came out, in call order."""

    def __init__(self, pipe):
        self.denoiser, self.vae_in, self.vae_out = [], [], []
        self._pipe = pipe
        self._hook = pipe.transformer.register_forward_hook(self._den, with_kwargs=True)
        self._decode = pipe.vae.decode

        def decode(z, *a, **k):
            self.vae_in.append(z.detach().clone())
            out = self._decode(z, *a, **k)
            self.vae_out.append((out[0] if isinstance(out, tuple) else out.sample).detach().clone())
            return out
        pipe.vae.decode = decode

    def _den(self, module, args, kwargs, output):
        self.denoiser.append({"timestep": kwargs["timestep"].detach().clone(),
                              "out": (output[0] if isinstance(output, tuple) else output.sample).detach().clone()})

    def close(self):
        if self._hook is not None:
            self._hook.remove()
            self._hook = None
            self._pipe.vae.decode = self._decode


def text_record(pipe, prompt):
    from diffusers.pipelines.wan.pipeline_wan import prompt_clean
    cleaned = prompt_clean(prompt)
    t = pipe.tokenizer([cleaned], padding="max_length", max_length=512, truncation=True, add_special_tokens=True,
                       return_attention_mask=True)
    n = int(sum(t["attention_mask"][0]))
    return {"raw": prompt, "cleaned": cleaned, "tokens": n, "input_ids": t["input_ids"][0][:n],
            "pad_id": pipe.tokenizer.pad_token_id}


def run_case(pipe, kind, cfg, out, checks=None):
    import torch
    from diffusers.utils.torch_utils import randn_tensor
    folder = out / kind
    folder.mkdir(parents=True, exist_ok=True)
    files, steps = {}, []
    checks = {} if checks is None else checks
    replace = None  # extension: (pipe, step index, latents after the step) -> latents with the known frames set
    s_t, s_s = pipe.vae_scale_factor_temporal, pipe.vae_scale_factor_spatial
    L = (cfg["frames"] - 1) // s_t + 1
    shape = (1, pipe.transformer.config.in_channels, L, cfg["height"] // s_s, cfg["width"] // s_s)
    noise = randn_tensor(shape, generator=torch.Generator("cpu").manual_seed(cfg["seed"]), dtype=torch.float32)
    save(folder, "noise", noise.numpy(), files)
    rec = Recorder(pipe)

    def on_step(p, i, t, kw):
        steps.append({"index": i, "timestep": int(t)})
        latents, result = kw["latents"], {}
        if replace is not None:
            latents = replace(p, i, latents)
            result = {"latents": latents}
        save(folder, f"latents_step{i}", latents.numpy(), files)
        if i == 0:
            save(folder, "prompt_embeds", kw["prompt_embeds"].numpy(), files)
            save(folder, "negative_prompt_embeds", kw["negative_prompt_embeds"].numpy(), files)
        return result

    common = dict(prompt=cfg["prompt"], negative_prompt=cfg["negative_prompt"], height=cfg["height"],
                  width=cfg["width"], num_inference_steps=cfg["steps"], guidance_scale=cfg["guidance"],
                  output_type="np", callback_on_step_end=on_step,
                  callback_on_step_end_tensor_inputs=["latents", "prompt_embeds", "negative_prompt_embeds"])
    extra = {}
    if kind == "t2v":
        frames = pipe(num_frames=cfg["frames"], latents=noise.clone(), **common).frames[0]
    elif kind.startswith("extend"):
        k = cfg["context_latent_frames"]
        c = 1 + s_t * (k - 1)
        src = source_video(cfg["frames"], cfg["height"], cfg["width"])
        save(folder, "source", src, files)
        context = src[-c:]
        padded = np.concatenate([context, np.repeat(context[-1:], cfg["frames"] - c, axis=0)])
        with torch.no_grad():
            mu = pipe.vae.encode(torch.from_numpy(to_unit(padded))).latent_dist.mode()
        mean = torch.tensor(pipe.vae.config.latents_mean).view(1, -1, 1, 1, 1)
        std = torch.tensor(pipe.vae.config.latents_std).view(1, -1, 1, 1, 1)
        x0_known = ((mu - mean) / std)[:, :, :k].contiguous()
        save(folder, "context_latents", x0_known.numpy(), files)
        noise_known = noise[:, :, :k].clone()
        sched = pipe.scheduler
        sched.set_timesteps(cfg["steps"])  # the pipeline sets the same again
        sigmas = sched.sigmas.to(torch.float32)

        def renoise(sigma):  # UniPC add_noise with flow sigmas: alpha = 1 - sigma
            return (1 - sigma) * x0_known + sigma * noise_known
        start = noise.clone()
        start[:, :, :k] = renoise(sigmas[0])
        via_add_noise = sched.add_noise(x0_known, noise_known, sched.timesteps[:1])
        checks[f"{kind}_start_formula_vs_scheduler_add_noise"] = float((via_add_noise - start[:, :, :k]).abs().max())
        save(folder, "latents_init", start.numpy(), files)
        replaced = []

        def replace(p, i, latents):
            latents = latents.clone()
            latents[:, :, :k] = renoise(p.scheduler.sigmas[i + 1].to(torch.float32))
            replaced.append(float(p.scheduler.sigmas[i + 1]))
            return latents
        frames = pipe(num_frames=cfg["frames"], latents=start, **common).frames[0]
        rec.close()  # before the round-trip decode below
        frames_np = np.asarray(frames, np.float32)
        scaled = frames_np[c:] * np.float32(255.0)
        new = np.clip(np.round(scaled), 0, 255).astype(np.uint8)  # as diffusers' numpy_to_pil: (x * 255).round()
        save(folder, "output", np.concatenate([src, new]), files)
        final_known = torch.from_numpy(np.load(folder / f"latents_step{steps[-1]['index']}.npy"))[:, :, :k]
        checks[f"{kind}_latents_final_known_vs_context_latents"] = float((final_known - x0_known).abs().max())
        checks[f"{kind}_decoded_context_vs_source"] = float(
            np.abs(frames_np[:c] - context.astype(np.float32) / np.float32(255.0)).max())
        with torch.no_grad():  # the VAE's own round trip of the context (causal decoder; WanPipeline's denormalising)
            trip = pipe.vae.decode(x0_known / (1.0 / std) + mean).sample.clamp(-1, 1)[0].permute(1, 2, 3, 0).numpy() / 2 + 0.5
        checks[f"{kind}_decoded_context_vs_vae_round_trip"] = float(np.abs(frames_np[:c] - trip[:c]).max())
        ties = int(np.count_nonzero(scaled - np.floor(scaled) == 0.5))
        extra = {
            "context_pixel_frames": c,
            "rule": {"k": k, "c": c, "steps": EXTEND_RULE,
                     "timesteps": None, "sigmas": [float(s) for s in sigmas],
                     "start_sigma": float(sigmas[0]), "replacement_sigmas_after_each_step": replaced},
            "source_pixels": "uint8 [F,H,W,3] -> float32 (x / 255) * 2 - 1 as [1,3,F,H,W] (diffusers' VideoProcessor)",
            "context_encoder_input": f"source frames {cfg['frames'] - c}..{cfg['frames'] - 1}, then the last of them "
                                     f"repeated {cfg['frames'] - c} times",
            "output": f"uint8 [{cfg['frames'] + cfg['frames'] - c},H,W,3]: source.npy ({cfg['frames']} frames) then "
                      f"frames.npy[{c}:] as clip(round(v * 255), 0, 255), v * 255 in float32; {ties} of those products "
                      "fall exactly on .5 and numpy rounds them to even (Java: Math.rint, not Math.round)",
        }
    else:
        from PIL import Image
        src = source_video(cfg["frames"], cfg["height"], cfg["width"])
        save(folder, "source", src, files)
        enc_in = torch.from_numpy(to_unit(src))
        with torch.no_grad():
            mu = pipe.vae.encode(enc_in).latent_dist.mode()
        mean = torch.tensor(pipe.vae.config.latents_mean).view(1, -1, 1, 1, 1)
        std = torch.tensor(pipe.vae.config.latents_std).view(1, -1, 1, 1, 1)
        save(folder, "source_latents", ((mu - mean) / std).numpy(), files)
        video = [Image.fromarray(f) for f in src]
        frames = pipe(video=video, strength=cfg["strength"], generator=torch.Generator("cpu").manual_seed(cfg["seed"]),
                      **common).frames[0]
        extra = {"strength": cfg["strength"], "source_pixels": "uint8 [F,H,W,3] -> float32 (x / 255) * 2 - 1 as [1,3,F,H,W] (diffusers' VideoProcessor)",
                 "noised_start": "latents = (1 - sigma) * source_latents + sigma * noise at the first kept timestep"}
    rec.close()
    cond, uncond = rec.denoiser[0], rec.denoiser[1]
    save(folder, "denoiser_step0_cond", cond["out"].numpy(), files)
    save(folder, "denoiser_step0_uncond", uncond["out"].numpy(), files)
    save(folder, "latents_final", np.load(folder / f"latents_step{steps[-1]['index']}.npy"), files)
    save(folder, "vae_input", rec.vae_in[-1].numpy(), files)
    video = rec.vae_out[-1].numpy()  # not saved: frames == video / 2 + 0.5 exactly (the decoder already clamps)
    assert np.abs(np.clip(video[0].transpose(1, 2, 3, 0) / 2 + 0.5, 0, 1) - np.asarray(frames)).max() < 1e-6
    save(folder, "frames", np.asarray(frames, np.float32), files)
    sched = pipe.scheduler
    settings = {
        "pipeline": type(pipe).__name__, **{k: v for k, v in cfg.items() if k != "strength"}, **extra,
        "flow_shift": sched.config.flow_shift, "scheduler": type(sched).__name__,
        "max_sequence_length": 512, "num_latent_frames": L,
        "prompt_text": text_record(pipe, cfg["prompt"]), "negative_text": text_record(pipe, cfg["negative_prompt"]),
        "timesteps": [s["timestep"] for s in steps], "sigmas": [float(s) for s in sched.sigmas],
        "guidance_formula": "uncond + guidance * (cond - uncond)",
        "decode": "vae_input = latents_final * std + mean (pack.json latent.std/mean); frames = clamp(video/2 + 0.5, 0, 1)",
        "noise": "diffusers.utils.torch_utils.randn_tensor(shape, generator=torch.Generator('cpu').manual_seed(seed))",
        "files": files,
    }
    if "rule" in settings:
        settings["rule"]["timesteps"] = settings["timesteps"]
    (folder / "settings.json").write_text(json.dumps(settings, indent=2) + "\n")
    print(f"wan_reference: {kind}: {len(steps)} steps, timesteps {settings['timesteps']}, frames {np.asarray(frames).shape}",
          file=sys.stderr)
    return settings


def to_unit(frames):
    """uint8 [F,H,W,3] -> float32 [1,3,F,H,W] in [-1,1], rounded as diffusers' VideoProcessor rounds."""
    x = frames.astype(np.float32) / np.float32(255.0)
    return np.ascontiguousarray((np.float32(2.0) * x - np.float32(1.0)).transpose(3, 0, 1, 2)[None])


def source_video(f, h, w):
    """A small synthetic clip: a colour gradient with a bright square moving right, uint8 [F,H,W,3]."""
    y, x = np.mgrid[0:h, 0:w]
    frames = []
    for i in range(f):
        img = np.stack([x * 255 // (w - 1), y * 255 // (h - 1), np.full_like(x, 40 + 20 * i)], -1)
        x0 = 4 + 5 * i
        img[12:28, x0:x0 + 16] = [250, 230, 60]
        frames.append(img)
    return np.clip(np.stack(frames), 0, 255).astype(np.uint8)


def check_pack(model_dir, pack, ref, cfg, cases=tuple(CASES)):
    """The T2V job through the pack's ONNX graphs (ORT, CPU) with diffusers' scheduler; max |diff| to torch.
    Of each case in `cases` that has one: the VAE encoder's normalised latents (remix source, extension context)."""
    import onnxruntime as ort
    import torch
    from diffusers import UniPCMultistepScheduler
    from diffusers.pipelines.wan.pipeline_wan import prompt_clean
    from tokenizers import Tokenizer
    manifest = json.loads((pack / "pack.json").read_text())
    opts = ort.SessionOptions()
    opts.log_severity_level = 3

    def session(key):
        return ort.InferenceSession(str(pack / manifest["components"][key]["file"]), opts, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(str(pack / "tokenizer/tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    lat = manifest["latent"]
    mean = np.array(lat["mean"], np.float32).reshape(1, -1, 1, 1, 1)
    std = np.array(lat["std"], np.float32).reshape(1, -1, 1, 1, 1)
    report = {}

    def encoded(frames):
        moments = session("vae_encoder").run(None, {"sample": to_unit(frames)})[0]
        return (moments[:, :lat["channels"]] - mean) / std
    if "vae_encoder" in manifest["components"]:
        for kind in cases:
            if kind.startswith("extend"):
                k = CASES[kind]["context_latent_frames"]
                c = 1 + lat["temporalStride"] * (k - 1)
                src = np.load(ref / kind / "source.npy")
                padded = np.concatenate([src[-c:], np.repeat(src[-1:], len(src) - c, axis=0)])
                known = np.load(ref / kind / "context_latents.npy")
                report[f"{kind}_context_latents"] = float(np.abs(encoded(padded)[:, :, :k] - known).max())
        if "remix" in cases:
            r = ref / "remix"
            norm = encoded(np.load(r / "source.npy"))
            report["remix_source_latents"] = float(np.abs(norm - np.load(r / "source_latents.npy")).max())
    if "t2v" not in cases:
        return report
    te, den, dec = session("text_encoder"), session("denoiser"), session("vae_decoder")
    n_text = manifest["text"]["maxTokens"]

    def encode(text):
        ids = tok.encode(prompt_clean(text)).ids[:n_text]
        ids_p = np.full((1, n_text), manifest["text"]["padTokenId"], np.int64)
        ids_p[0, :len(ids)] = ids
        mask = np.zeros((1, n_text), np.int64)
        mask[0, :len(ids)] = 1
        states = te.run(None, {"input_ids": ids_p, "attention_mask": mask})[0]
        states[:, len(ids):] = 0.0
        return states
    folder = ref / "t2v"
    pe, ne = encode(cfg["prompt"]), encode(cfg["negative_prompt"])
    ids = tok.encode(prompt_clean(cfg["prompt"])).ids
    short = te.run(None, {"input_ids": np.array([ids], np.int64), "attention_mask": np.ones((1, len(ids)), np.int64)})[0]
    report["prompt_embeds_from_real_tokens_only"] = float(np.abs(short[0] - np.load(folder / "prompt_embeds.npy")[0, :len(ids)]).max())
    report["prompt_embeds"] = float(np.abs(pe - np.load(folder / "prompt_embeds.npy")).max())
    report["negative_prompt_embeds"] = float(np.abs(ne - np.load(folder / "negative_prompt_embeds.npy")).max())
    sched = UniPCMultistepScheduler.from_pretrained(model_dir / "scheduler")
    sched.set_timesteps(cfg["steps"])
    x = torch.from_numpy(np.load(folder / "noise.npy"))
    for i, t in enumerate(sched.timesteps):
        feeds = {"hidden_states": np.concatenate([x.numpy()] * 2), "timestep": np.full(2, float(t), np.float32),
                 "encoder_hidden_states": np.concatenate([pe, ne])}
        cond, uncond = den.run(None, feeds)[0]
        if i == 0:
            report["denoiser_step0_cond"] = float(np.abs(cond - np.load(folder / "denoiser_step0_cond.npy")[0]).max())
        guided = uncond + cfg["guidance"] * (cond - uncond)
        x = sched.step(torch.from_numpy(guided[None]), t, x, return_dict=False)[0]
        report[f"latents_step{i}"] = float(np.abs(x.numpy() - np.load(folder / f"latents_step{i}.npy")).max())
    z = x.numpy() * np.array(lat["std"], np.float32).reshape(1, -1, 1, 1, 1) + np.array(lat["mean"], np.float32).reshape(1, -1, 1, 1, 1)
    video = dec.run(None, {"latent_sample": z.astype(np.float32)})[0]
    frames = np.clip(video[0].transpose(1, 2, 3, 0) / 2 + 0.5, 0, 1)
    report["frames"] = float(np.abs(frames - np.load(folder / "frames.npy")).max())
    report["frames_with_reference_latents"] = float(np.abs(np.clip(dec.run(None, {"latent_sample": np.load(folder / "vae_input.npy")})[0][0]
                                                                   .transpose(1, 2, 3, 0) / 2 + 0.5, 0, 1) - np.load(folder / "frames.npy")).max())
    return report


def check_claims(pipe, cfg):
    """The shortcuts docs/pack-format-2.md allows, measured on the torch modules (max |diff|, 0 = exact)."""
    import torch
    out = {}
    with torch.no_grad():
        t = pipe.tokenizer([cfg["prompt"]], padding="max_length", max_length=512, truncation=True,
                           return_attention_mask=True, return_tensors="pt")
        n = int(t.attention_mask.sum())
        full = pipe.text_encoder(t.input_ids, t.attention_mask).last_hidden_state[:, :n]
        short = pipe.text_encoder(t.input_ids[:, :n], t.attention_mask[:, :n]).last_hidden_state
        out["text_encoder_on_real_tokens_only"] = float((full - short).abs().max())
        vae = pipe.vae
        g = torch.Generator().manual_seed(3)
        L = (cfg["frames"] - 1) // 4 + 1
        z = torch.randn(1, 16, L, cfg["height"] // 8, cfg["width"] // 8, generator=g)
        whole = vae.decode(z).sample
        for k in range(1, L):
            part = vae.decode(z[:, :, :k]).sample
            out[f"decode_first_{k}_latents_vs_window"] = float((part - whole[:, :, :1 + 4 * (k - 1)]).abs().max())
        video = torch.rand(1, 3, cfg["frames"], cfg["height"], cfg["width"], generator=g) * 2 - 1
        mu = vae.encode(video).latent_dist.mode()
        for k in range(1, L):
            padded = video.clone()
            known = 1 + 4 * (k - 1)
            padded[:, :, known:] = padded[:, :, known - 1:known]
            mu_k = vae.encode(padded).latent_dist.mode()
            out[f"encode_first_{k}_latents_with_padding"] = float((mu_k[:, :, :k] - mu[:, :, :k]).abs().max())
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="diffusers Wan 2.1 T2V folder")
    ap.add_argument("pack", type=Path, help="the pack exported from it (wan_export.py)")
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--out", type=Path, help="default: <pack>-reference beside the pack")
    ap.add_argument("--check-pack", action="store_true", help="also run the T2V job through the pack's ONNX graphs")
    ap.add_argument("--cases", default=",".join(CASES),
                    help=f"comma-separated cases to (re)write, of {', '.join(CASES)} (default: all); the others' "
                         "folders and checks are kept")
    args = ap.parse_args()
    cases = [c for c in args.cases.split(",") if c]
    unknown = [c for c in cases if c not in CASES]
    if unknown or not cases:
        sys.exit(f"wan_reference: unknown case(s) {unknown}; known: {', '.join(CASES)}")
    import_diffusers(args.diffusers_src, "wan_reference")
    import torch
    from diffusers import WanPipeline, WanVideoToVideoPipeline
    torch.manual_seed(0)
    out = args.out or args.pack.with_name(args.pack.name + "-reference")
    out.mkdir(parents=True, exist_ok=True)
    pipe = WanPipeline.from_pretrained(args.model, torch_dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    case_checks = {}
    for kind in cases:
        if kind == "remix":
            v2v = WanVideoToVideoPipeline.from_pretrained(args.model, torch_dtype=torch.float32)
            v2v.set_progress_bar_config(disable=True)
            run_case(v2v, "remix", REMIX, out, case_checks)
        else:
            run_case(pipe, kind, CASES[kind], out, case_checks)
    claims = check_claims(pipe, T2V) if "t2v" in cases else {}
    claims.update(case_checks)
    for k, v in claims.items():
        print(f"wan_reference: torch: {k}: max |diff| {v:.3g}", file=sys.stderr)
    if len(cases) < len(CASES) and (out / "checks.json").is_file():
        claims = {**json.loads((out / "checks.json").read_text()), **claims}
    if args.check_pack:
        report = check_pack(args.model, args.pack, out, T2V, cases)
        for k, v in report.items():
            print(f"wan_reference: ORT pack vs torch: {k}: max |diff| {v:.3g}", file=sys.stderr)
        claims.update({f"ort_{k}": v for k, v in report.items()})
    (out / "checks.json").write_text(json.dumps(claims, indent=2) + "\n")


if __name__ == "__main__":
    main()
