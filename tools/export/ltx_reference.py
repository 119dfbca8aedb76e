#!/usr/bin/env python3
"""Reference outputs of diffusers' own LTX-Video pipelines for a Kinora LTX pack, as .npy files the Java tests read.

    python tools/export/ltx_reference.py <diffusers LTX folder> <pack folder> --diffusers-src /tmp/diffusers/src

Runs (torch, float32, CPU) and writes <pack folder>-reference/ (a sibling of the pack):

  t2v/   LTXPipeline (text to video); the initial noise is given as `latents` (packed) so Java can start from the
         SAME noise; the pipeline's generator (decode_seed) then draws only the decode noise
  i2v/   LTXImageToVideoPipeline (image to video) on a small synthetic image (image.npy); its generator draws, in
         this order, the image latent's posterior sample, the initial noise and the decode noise; all three are
         saved (image_eps.npy, noise.npy, decode_noise.npy). (LTXConditionPipeline exists in this diffusers too, but
         it is the 0.9.5+ pipeline: other coordinates, timesteps and step rule; see docs/pack-format-2.md.)

The 0.9.1 decoder also injects spatial noise drawn from torch's GLOBAL generator (diffusers gives the decoder no
generator). The reference seeds it (inject_seed) right before the decode and records every draw, grouped as the
pack's vae.injectNoise lists them (decoder_noise_k.npy = the graph input decoder_noise_k).

Each case folder has settings.json (every setting, token ids, timesteps, sigmas, mu, formulas, file shapes) and
float32 (uint8 for image.npy) little-endian .npy files (numpy format 1.0, C order); "packed" = [1, N, 128] tokens in
(f, y, x) order, N = L*h*w:
  noise.npy                        initial noise [1,128,L,h,w] as randn_tensor draws it (unpacked)
  latents_initial.npy              packed latents entering step 0 (t2v: pack(noise); i2v: frame 0 = image latent)
  prompt_embeds.npy, negative_prompt_embeds.npy   T5 states [1,128,D] of the 128 padded ids (no encoder mask;
                                   padded rows are NOT zero: the transformer masks them)
  video_coords.npy                 the transformer's RoPE coordinates [1,3,N] (f*8/frame_rate, y*32, x*32)
  timestep_step0.npy               the transformer's per-token timestep at step 0 [1,N] (t*(1-mask))
  denoiser_step0_{cond,uncond}.npy the transformer's output at step 0 [1,N,128]
  latents_step{k}.npy              packed latents after scheduler step k (every step)
  latents_final.npy                the last step's latents (packed, normalised space)
  decode_noise.npy                 [1,128,L,h,w]; vae_input = (1-s)*(unpack(latents_final)*std + mean) + s*decode_noise
  vae_input.npy                    what vae_decoder's latent_sample takes
  decoder_noise_{k}.npy            the decoder's injected-noise draws (vae_decoder's decoder_noise_k inputs)
  frames.npy                       the pipeline's "np" output [F,H,W,3] = clip(video/2 + 0.5, 0, 1), channels last
  i2v only: image.npy (uint8 [H,W,3]), image_moments.npy (the VAE encoder's output for it, [1,256,1,h,w]),
            image_eps.npy (the posterior sample's N(0,1) draw), image_latents.npy (normalised sample [1,128,1,h,w]),
            conditioning_mask.npy ([1,N], 1 on frame 0's tokens)

checks.json: measured claims the format doc relies on (torch), and with --check-pack the same jobs through the
pack's ONNX graphs on onnxruntime (tokenizer.json through `tokenizers`, diffusers' scheduler, guidance as two
calls of batch 1) vs torch: the end-to-end tolerance a Java run of the pack should meet.
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

COMMON = dict(steps=4, guidance=3.0, height=64, width=96, frames=9, frame_rate=25, decode_timestep=0.05,
              decode_noise_scale=0.025, max_sequence_length=128)
T2V = dict(COMMON, prompt="A red fox walks across the snowy field at night, its breath visible in the cold air.",
           negative_prompt="", seed=42, decode_seed=43, inject_seed=44)
I2V = dict(COMMON, prompt="a blue bird flies over the sea",
           negative_prompt="worst quality, inconsistent motion, blurry, jittery, distorted", seed=7, inject_seed=8)


def log(msg):
    print(f"ltx_reference: {msg}", file=sys.stderr, flush=True)


def pack(x):
    """[B,C,F,H,W] -> [B, F*H*W, C] (LTXPipeline._pack_latents with patch 1)."""
    b, c = x.shape[:2]
    return x.reshape(b, c, -1).transpose(0, 2, 1) if isinstance(x, np.ndarray) else x.reshape(b, c, -1).transpose(1, 2)


def unpack(x, f, h, w):
    """[B, N, C] -> [B,C,F,H,W]."""
    b, _, c = x.shape
    return x.transpose(0, 2, 1).reshape(b, c, f, h, w) if isinstance(x, np.ndarray) else x.transpose(1, 2).reshape(b, c, f, h, w)


class RandnRecorder:
    """torch.randn as itself, recording what it returned for calls without a generator (the decoder's injection)."""

    def __init__(self, orig):
        self.orig, self.draws = orig, []

    def __call__(self, *size, generator=None, **kw):
        out = self.orig(*size, generator=generator, **kw)
        if generator is None:
            self.draws.append(out.detach().clone())
        return out


class Recorder:
    """What went into and came out of the transformer, the VAE encoder and decoder, and prepare_latents."""

    def __init__(self, pipe, inject_seed):
        import torch
        self.denoiser, self.vae_in, self.vae_t, self.vae_out, self.inject, self.enc_in, self.enc_out = [], [], [], [], [], [], []
        self.prepared = None
        pipe.transformer.register_forward_hook(self._den, with_kwargs=True)
        decode, encode, prepare = pipe.vae.decode, pipe.vae.encode, pipe.prepare_latents

        def vae_decode(z, temb=None, *a, **k):
            self.vae_in.append(z.detach().clone())
            self.vae_t.append(None if temb is None else temb.detach().clone())
            torch.manual_seed(inject_seed)
            rec, orig = RandnRecorder(torch.randn), torch.randn
            torch.randn = rec
            try:
                out = decode(z, temb, *a, **k)
            finally:
                torch.randn = orig
            self.inject.append(rec.draws)
            self.vae_out.append((out[0] if isinstance(out, tuple) else out.sample).detach().clone())
            return out

        def vae_encode(x, *a, **k):
            self.enc_in.append(x.detach().clone())
            out = encode(x, *a, **k)
            self.enc_out.append(out.latent_dist.parameters.detach().clone())
            return out

        def prepare_latents(*a, **k):
            self.prepared = prepare(*a, **k)
            return self.prepared
        pipe.vae.decode, pipe.vae.encode, pipe.prepare_latents = vae_decode, vae_encode, prepare_latents

    def _den(self, module, args, kwargs, output):
        self.denoiser.append({"timestep": kwargs["timestep"].detach().clone(),
                              "hidden_states": kwargs["hidden_states"].detach().clone(),
                              "out": (output[0] if isinstance(output, tuple) else output.sample).detach().clone()})


def text_record(pipe, prompt, n_max):
    t = pipe.tokenizer([prompt], padding="max_length", max_length=n_max, truncation=True, add_special_tokens=True,
                       return_attention_mask=True)
    n = int(sum(t["attention_mask"][0]))
    return {"raw": prompt, "tokens": n, "input_ids": t["input_ids"][0][:n], "pad_id": pipe.tokenizer.pad_token_id}


def synthetic_image(h, w):
    """A colour gradient with a bright square and a dark disc, uint8 [H,W,3]."""
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([x * 255 // (w - 1), y * 255 // (h - 1), np.full_like(x, 90)], -1)
    img[10:30, 14:40] = [250, 230, 60]
    img[(y - 40) ** 2 + (x - 66) ** 2 < 12 ** 2] = [20, 30, 120]
    return np.clip(img, 0, 255).astype(np.uint8)


def to_unit(img):
    """uint8 [H,W,3] -> float32 [1,3,1,H,W] in [-1,1] as diffusers' VaeImageProcessor rounds it (x/255*2 - 1)."""
    x = img.astype(np.float32) / np.float32(255.0)
    return np.ascontiguousarray((np.float32(2.0) * x - np.float32(1.0)).transpose(2, 0, 1)[None, :, None])


def run_case(pipe, kind, cfg, out, manifest):
    import torch
    from diffusers.utils.torch_utils import randn_tensor
    from ltx_export import rope_coordinates
    folder = out / kind
    folder.mkdir(parents=True, exist_ok=True)
    files, steps = {}, []
    s_t, s_s = pipe.vae_temporal_compression_ratio, pipe.vae_spatial_compression_ratio
    C = pipe.transformer.config.in_channels
    L = (cfg["frames"] - 1) // s_t + 1
    h, w = cfg["height"] // s_s, cfg["width"] // s_s
    shape = (1, C, L, h, w)
    rec = Recorder(pipe, cfg["inject_seed"])
    t0 = time.time()

    def on_step(p, i, t, kw):
        steps.append({"index": i, "timestep": float(t)})
        save(folder, f"latents_step{i}", kw["latents"].numpy(), files)
        if i == 0:  # prompt_embeds is [negative, prompt] (batch 2) inside the loop
            save(folder, "prompt_embeds", kw["prompt_embeds"][1:].numpy(), files)
            save(folder, "negative_prompt_embeds", kw["prompt_embeds"][:1].numpy(), files)
        return {}

    common = dict(prompt=cfg["prompt"], negative_prompt=cfg["negative_prompt"], height=cfg["height"], width=cfg["width"],
                  num_frames=cfg["frames"], frame_rate=cfg["frame_rate"], num_inference_steps=cfg["steps"],
                  guidance_scale=cfg["guidance"], decode_timestep=cfg["decode_timestep"],
                  decode_noise_scale=cfg["decode_noise_scale"], max_sequence_length=cfg["max_sequence_length"],
                  output_type="np", callback_on_step_end=on_step, callback_on_step_end_tensor_inputs=["latents", "prompt_embeds"])
    extra = {}
    if kind == "t2v":
        noise = randn_tensor(shape, generator=torch.Generator("cpu").manual_seed(cfg["seed"]), dtype=torch.float32)
        decode_noise = randn_tensor(shape, generator=torch.Generator("cpu").manual_seed(cfg["decode_seed"]), dtype=torch.float32)
        frames = pipe(latents=pack(noise).clone(), generator=torch.Generator("cpu").manual_seed(cfg["decode_seed"]),
                      **common).frames[0]
        latents0 = rec.prepared
        mask = torch.zeros(1, L * h * w)
        extra["noise"] = ("randn_tensor([1,128,L,h,w], Generator(seed)), passed packed as `latents`; the pipeline's "
                          "generator is Generator(decode_seed) and draws only decode_noise")
    else:
        from PIL import Image
        image = synthetic_image(cfg["height"], cfg["width"])
        save(folder, "image", image, files)
        g = torch.Generator("cpu").manual_seed(cfg["seed"])  # the pipeline's draws, replayed in its order
        eps = randn_tensor((1, C, 1, h, w), generator=g, dtype=torch.float32)
        noise = randn_tensor(shape, generator=g, dtype=torch.float32)
        decode_noise = torch.randn(shape, generator=g, dtype=torch.float32)
        frames = pipe(image=Image.fromarray(image), generator=torch.Generator("cpu").manual_seed(cfg["seed"]), **common).frames[0]
        latents0, mask = rec.prepared
        mask = mask[:1]
        enc_in = rec.enc_in[0].numpy()
        assert np.array_equal(enc_in, to_unit(image)), "the encoder's input is not x/255*2-1 of image.npy"
        moments = rec.enc_out[0]
        save(folder, "image_moments", moments.numpy(), files)
        save(folder, "image_eps", eps.numpy(), files)
        mean_c, logvar = moments[:, :C], moments[:, C:].clamp(-30.0, 20.0)
        sample = mean_c + torch.exp(0.5 * logvar) * eps
        lm = pipe.vae.latents_mean.view(1, -1, 1, 1, 1)
        ls = pipe.vae.latents_std.view(1, -1, 1, 1, 1)
        image_latents = (sample - lm) * pipe.vae.config.scaling_factor / ls
        save(folder, "image_latents", image_latents.numpy(), files)
        want = noise.clone()
        want[:, :, :1] = image_latents
        err = float((pack(want) - latents0).abs().max())
        assert err == 0.0, f"initial latents differ from the replayed draws by {err}"
        save(folder, "conditioning_mask", mask.numpy(), files)
        extra.update({"image_pixels": "uint8 [H,W,3] -> float32 x/255*2-1 as [1,3,1,H,W] (diffusers' VideoProcessor; no resize at this size)",
                      "image_latent": "moments = vae_encoder(image); sample = mean + exp(0.5*clamp(logvar,-30,20))*image_eps; "
                                      "image_latents = (sample - latents_mean)/latents_std (diffusers samples the posterior "
                                      "with the pipeline's generator: retrieve_latents(..., sample_mode='sample'))",
                      "noise": "Generator(seed) draws image_eps [1,128,1,h,w], then noise [1,128,L,h,w], then (torch.randn) decode_noise",
                      "initial_latents": "noise with latent frame 0 replaced by image_latents, packed; mask = 1 on frame 0's tokens",
                      "timestep_per_token": "t * (1 - mask)", "step": "scheduler step on every token, then frame 0's tokens put back "
                      "(diffusers steps latents[:, :, 1:] only; the Euler step is elementwise, so this is the same)"})
    save(folder, "noise", noise.numpy(), files)
    save(folder, "latents_initial", latents0.numpy(), files)
    coords = rope_coordinates(L, h, w, cfg["frame_rate"], s_t, s_s)
    save(folder, "video_coords", coords.numpy(), files)
    first = rec.denoiser[0]
    save(folder, "timestep_step0", first["timestep"][:1].reshape(1, -1).expand(1, L * h * w).numpy(), files)
    save(folder, "denoiser_step0_uncond", first["out"][:1].numpy(), files)
    save(folder, "denoiser_step0_cond", first["out"][1:].numpy(), files)
    save(folder, "latents_final", np.load(folder / f"latents_step{steps[-1]['index']}.npy"), files)
    save(folder, "decode_noise", decode_noise.numpy(), files)
    z = rec.vae_in[-1]
    s = cfg["decode_noise_scale"]
    lm = pipe.vae.latents_mean.view(1, -1, 1, 1, 1)
    ls = pipe.vae.latents_std.view(1, -1, 1, 1, 1)
    den = unpack(torch.from_numpy(np.load(folder / "latents_final.npy")), L, h, w) * ls / pipe.vae.config.scaling_factor + lm
    st = torch.tensor([s])[:, None, None, None, None]
    err = float(((1 - st) * den + st * decode_noise - z).abs().max())
    assert err == 0.0, f"the VAE input is not (1-s)*denormalised + s*decode_noise ({err})"
    save(folder, "vae_input", z.numpy(), files)
    assert float(rec.vae_t[-1][0]) == np.float32(cfg["decode_timestep"])
    draws = rec.inject[-1]
    groups = manifest["vae"]["injectNoise"]
    if sum(g["draws"] for g in groups) != len(draws):
        raise SystemExit(f"ltx_reference: the decoder drew {len(draws)} injected noises, pack.json lists {groups}")
    k = 0
    for g in groups:
        block = torch.stack(draws[k:k + g["draws"]])
        assert list(block.shape) == [g["draws"], g["height"], g["width"]], (block.shape, g)
        save(folder, g["input"], block.numpy(), files)
        k += g["draws"]
    video = rec.vae_out[-1].numpy()  # not saved: frames == clip(video/2 + 0.5, 0, 1)
    assert np.abs(np.clip(video[0].transpose(1, 2, 3, 0) / 2 + 0.5, 0, 1) - np.asarray(frames)).max() < 1e-6
    save(folder, "frames", np.asarray(frames, np.float32), files)
    sched = pipe.scheduler
    from diffusers.pipelines.ltx.pipeline_ltx import calculate_shift
    mu = calculate_shift(L * h * w, sched.config.get("base_image_seq_len", 256), sched.config.get("max_image_seq_len", 4096),
                         sched.config.get("base_shift", 0.5), sched.config.get("max_shift", 1.15))
    settings = {
        "pipeline": type(pipe).__name__, **cfg, **extra,
        "scheduler": type(sched).__name__, "num_latent_frames": L, "latent_height": h, "latent_width": w,
        "tokens": L * h * w, "mu": mu,
        "pipeline_sigmas": "numpy.linspace(1.0, 1/steps, steps), then set_timesteps(sigmas=..., mu=mu)",
        "prompt_text": text_record(pipe, cfg["prompt"], cfg["max_sequence_length"]),
        "negative_text": text_record(pipe, cfg["negative_prompt"], cfg["max_sequence_length"]),
        "text_mask": "1 on the first `tokens` ids (the end token included), 0 on the padding; the T5 encoder runs on all "
                     "128 ids without a mask, the transformer gets the mask",
        "timesteps": [st_["timestep"] for st_ in steps], "sigmas": [float(v) for v in sched.sigmas],
        "guidance_formula": "uncond + guidance * (cond - uncond); two transformer calls of batch 1",
        "video_coords": "[f * (8 / frame_rate), y * 32, x * 32] per token, float32, token order (f, y, x)",
        "decode": "vae_input = (1 - decode_noise_scale) * (unpack(latents_final) * std + mean) + decode_noise_scale * "
                  "decode_noise; video = vae_decoder(vae_input, timestep=[decode_timestep], decoder_noise_k...); "
                  "frames = clip(video/2 + 0.5, 0, 1)",
        "inject_noise": "torch.manual_seed(inject_seed) right before the decode; the decoder's torch.randn draws in call "
                        "order, grouped as pack.json vae.injectNoise",
        "seconds": round(time.time() - t0, 1),
        "files": files,
    }
    (folder / "settings.json").write_text(json.dumps(settings, indent=2) + "\n")
    log(f"{kind}: {len(steps)} steps, timesteps {settings['timesteps']}, frames {np.asarray(frames).shape}, "
        f"{settings['seconds']} s")
    return settings


def check_claims(pipe, cfg):
    """Facts docs/pack-format-2.md relies on, measured on the torch modules (max |diff|; 0 = exact)."""
    import torch
    from ltx_export import rope_coordinates
    out = {}
    g = torch.Generator().manual_seed(5)
    with torch.no_grad():
        t = pipe.tokenizer([cfg["prompt"]], padding="max_length", max_length=128, truncation=True,
                           return_attention_mask=True, return_tensors="pt")
        n = int(t.attention_mask.sum())
        nomask = pipe.text_encoder(t.input_ids).last_hidden_state
        masked = pipe.text_encoder(t.input_ids, attention_mask=t.attention_mask).last_hidden_state
        # nonzero: giving the encoder the mask (as Wan does) would change the real tokens' states
        out["t5_real_tokens_with_mask_vs_without (must not be 0: no encoder mask)"] = float((nomask[:, :n] - masked[:, :n]).abs().max())
        tr = pipe.transformer
        s_t, s_s = pipe.vae_temporal_compression_ratio, pipe.vae_spatial_compression_ratio
        L, h, w = (cfg["frames"] - 1) // s_t + 1, cfg["height"] // s_s, cfg["width"] // s_s
        N = L * h * w
        x = torch.randn(1, N, tr.config.in_channels, generator=g)
        enc = torch.randn(1, 128, tr.config.caption_channels, generator=g)
        mask = torch.zeros(1, 128, dtype=torch.int64)
        mask[:, :n] = 1
        fr = cfg["frame_rate"]
        a = tr(hidden_states=x, encoder_hidden_states=enc, timestep=torch.tensor([700.0]), encoder_attention_mask=mask,
               num_frames=L, height=h, width=w, rope_interpolation_scale=(s_t / fr, s_s, s_s), return_dict=False)[0]
        a2 = tr(hidden_states=x, encoder_hidden_states=enc, timestep=torch.tensor([700.0]), encoder_attention_mask=mask,
                video_coords=rope_coordinates(L, h, w, fr, s_t, s_s), return_dict=False)[0]
        out["transformer_video_coords_vs_rope_interpolation_scale"] = float((a - a2).abs().max())
        b = tr(hidden_states=x, encoder_hidden_states=enc, timestep=torch.full((1, N), 700.0), encoder_attention_mask=mask,
               video_coords=rope_coordinates(L, h, w, fr, s_t, s_s), return_dict=False)[0]
        out["transformer_per_token_timestep_vs_one_timestep"] = float((a2 - b).abs().max())
        enc2 = enc.clone()
        enc2[:, n:] = torch.randn(1, 128 - n, enc.shape[2], generator=g) * 10
        c = tr(hidden_states=x, encoder_hidden_states=enc2, timestep=torch.full((1, N), 700.0), encoder_attention_mask=mask,
               video_coords=rope_coordinates(L, h, w, fr, s_t, s_s), return_dict=False)[0]
        out["transformer_padded_text_rows_changed (masked: -10000 bias)"] = float((b - c).abs().max())
        causal = rope_coordinates(L, h, w, fr, s_t, s_s)  # LTXConditionPipeline: (f*8 + 1 - 8).clamp(0) / frame_rate
        f_idx = torch.arange(L, dtype=torch.float32).repeat_interleave(h * w)
        causal[:, 0] = (f_idx * s_t + 1 - s_t).clamp(min=0) * (1.0 / fr)
        d = tr(hidden_states=x, encoder_hidden_states=enc, timestep=torch.full((1, N), 700.0), encoder_attention_mask=mask,
               video_coords=causal, return_dict=False)[0]
        out["transformer_0.9.5_causal_coordinates_vs_0.9.1 (must not be 0)"] = float((b - d).abs().max())
    return out


def check_pack(model_dir, pack_dir, ref, cases):
    """Both jobs through the pack's ONNX graphs (ORT, CPU) with diffusers' scheduler; max |diff| to torch."""
    import onnxruntime as ort
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler
    from diffusers.pipelines.ltx.pipeline_ltx import calculate_shift
    from ltx_export import rope_coordinates
    from tokenizers import Tokenizer
    manifest = json.loads((pack_dir / "pack.json").read_text())
    opts = ort.SessionOptions()
    opts.log_severity_level = 3

    def session(key):
        return ort.InferenceSession(str(pack_dir / manifest["components"][key]["file"]), opts, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(str(pack_dir / "tokenizer/tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    te, den, dec = session("text_encoder"), session("denoiser"), session("vae_decoder")
    text, lat = manifest["text"], manifest["latent"]
    n_text, C = text["maxTokens"], lat["channels"]
    mean = np.array(lat["mean"], np.float32).reshape(1, -1, 1, 1, 1)
    std = np.array(lat["std"], np.float32).reshape(1, -1, 1, 1, 1)
    report = {}

    def encode(prompt):
        ids = tok.encode(prompt).ids[:n_text]
        ids_p = np.full((1, n_text), text["padTokenId"], np.int64)
        ids_p[0, :len(ids)] = ids
        mask = np.zeros((1, n_text), np.int64)
        mask[0, :len(ids)] = 1
        return te.run(None, {"input_ids": ids_p})[0], mask, ids

    for kind, cfg in cases.items():
        folder = ref / kind
        settings = json.loads((folder / "settings.json").read_text())
        L, h, w = settings["num_latent_frames"], settings["latent_height"], settings["latent_width"]
        N = L * h * w
        pe, pm, ids = encode(cfg["prompt"])
        ne, nm, nids = encode(cfg["negative_prompt"])
        assert list(ids) == settings["prompt_text"]["input_ids"] and list(nids) == settings["negative_text"]["input_ids"]
        r = {"prompt_embeds": float(np.abs(pe - np.load(folder / "prompt_embeds.npy")).max()),
             "negative_prompt_embeds": float(np.abs(ne - np.load(folder / "negative_prompt_embeds.npy")).max())}
        if kind == "t2v":
            x = pack(np.load(folder / "noise.npy"))
            cmask = np.zeros((1, N), np.float32)
        else:
            enc = session("vae_encoder")
            moments = enc.run(None, {"sample": to_unit(np.load(folder / "image.npy"))})[0]
            r["image_moments"] = float(np.abs(moments - np.load(folder / "image_moments.npy")).max())
            m_c, logvar = moments[:, :C], np.clip(moments[:, C:], -30.0, 20.0)
            sample = m_c + np.exp(np.float32(0.5) * logvar) * np.load(folder / "image_eps.npy")
            img_lat = (sample - mean) / std
            r["image_latents"] = float(np.abs(img_lat - np.load(folder / "image_latents.npy")).max())
            x0 = np.load(folder / "noise.npy").copy()
            x0[:, :, :1] = img_lat
            x = pack(x0)
            cmask = np.zeros((1, L, h, w), np.float32)
            cmask[:, 0] = 1.0
            cmask = cmask.reshape(1, N)
        r["latents_initial"] = float(np.abs(x - np.load(folder / "latents_initial.npy")).max())
        coords = rope_coordinates(L, h, w, cfg["frame_rate"], 8, 32).numpy()
        r["video_coords"] = float(np.abs(coords - np.load(folder / "video_coords.npy")).max())
        sched = FlowMatchEulerDiscreteScheduler.from_pretrained(pack_dir / "scheduler")
        mu = calculate_shift(N, sched.config.base_image_seq_len, sched.config.max_image_seq_len, sched.config.base_shift,
                             sched.config.max_shift)
        sched.set_timesteps(sigmas=np.linspace(1.0, 1 / cfg["steps"], cfg["steps"]), mu=mu)
        r["timesteps"] = float(np.abs(sched.timesteps.numpy() - np.array(settings["timesteps"], np.float32)).max())
        x = torch.from_numpy(np.ascontiguousarray(x))
        keep = torch.from_numpy(cmask[..., None] > 0.5)
        for i, t in enumerate(sched.timesteps):
            tt = (np.float32(t) * (np.float32(1.0) - cmask)).astype(np.float32)
            if i == 0:
                r["timestep_step0"] = float(np.abs(tt - np.load(folder / "timestep_step0.npy")).max())
            common = {"hidden_states": x.numpy(), "timestep": tt, "video_coords": coords}
            cond = den.run(None, {**common, "encoder_hidden_states": pe, "encoder_attention_mask": pm})[0]
            uncond = den.run(None, {**common, "encoder_hidden_states": ne, "encoder_attention_mask": nm})[0]
            if i == 0:
                r["denoiser_step0_cond"] = float(np.abs(cond - np.load(folder / "denoiser_step0_cond.npy")).max())
                r["denoiser_step0_uncond"] = float(np.abs(uncond - np.load(folder / "denoiser_step0_uncond.npy")).max())
            guided = uncond + np.float32(cfg["guidance"]) * (cond - uncond)
            stepped = sched.step(torch.from_numpy(guided), t, x, return_dict=False)[0]
            x = torch.where(keep, x, stepped)
            r[f"latents_step{i}"] = float(np.abs(x.numpy() - np.load(folder / f"latents_step{i}.npy")).max())
        s = np.float32(cfg["decode_noise_scale"])
        z = (np.float32(1) - s) * (unpack(x.numpy(), L, h, w) * std + mean) + s * np.load(folder / "decode_noise.npy")
        feeds = {"timestep": np.array([cfg["decode_timestep"]], np.float32)}
        for g in manifest["vae"]["injectNoise"]:
            feeds[g["input"]] = np.load(folder / f"{g['input']}.npy")
        r["vae_input"] = float(np.abs(z - np.load(folder / "vae_input.npy")).max())

        def frames_of(latent):
            video = dec.run(None, {**feeds, "latent_sample": latent.astype(np.float32)})[0]
            return np.clip(video[0].transpose(1, 2, 3, 0) / 2 + 0.5, 0, 1)
        want = np.load(folder / "frames.npy")
        r["frames"] = float(np.abs(frames_of(z) - want).max())
        r["frames_with_reference_vae_input"] = float(np.abs(frames_of(np.load(folder / "vae_input.npy")) - want).max())
        for g in manifest["vae"]["injectNoise"]:  # how much the injected noise matters (zeros do not reproduce diffusers)
            feeds[g["input"]] = np.zeros_like(feeds[g["input"]])
        r["frames_with_zero_decoder_noise (not 0: the draws matter)"] = float(np.abs(frames_of(z) - want).max())
        for k, v in r.items():
            report[f"{kind}_{k}"] = v
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="diffusers LTX-Video 0.9.1 folder")
    ap.add_argument("pack", type=Path, help="the pack exported from it (ltx_export.py)")
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--out", type=Path, help="default: <pack>-reference beside the pack")
    ap.add_argument("--check-pack", action="store_true", help="also run both jobs through the pack's ONNX graphs")
    args = ap.parse_args()
    t_start = time.time()
    import_diffusers(args.diffusers_src, "ltx_reference")
    import torch
    from diffusers import LTXImageToVideoPipeline, LTXPipeline
    torch.manual_seed(0)
    out = args.out or args.pack.with_name(args.pack.name + "-reference")
    out.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((args.pack / "pack.json").read_text())
    pipe = LTXPipeline.from_pretrained(args.model, torch_dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    run_case(pipe, "t2v", T2V, out, manifest)
    i2v = LTXImageToVideoPipeline.from_pretrained(args.model, torch_dtype=torch.float32)
    i2v.set_progress_bar_config(disable=True)
    run_case(i2v, "i2v", I2V, out, manifest)
    claims = check_claims(LTXPipeline.from_pretrained(args.model, torch_dtype=torch.float32), T2V)
    for k, v in claims.items():
        log(f"torch: {k}: max |diff| {v:.3g}")
    if args.check_pack:
        report = check_pack(args.model, args.pack, out, {"t2v": T2V, "i2v": I2V})
        for k, v in report.items():
            log(f"ORT pack vs torch: {k}: max |diff| {v:.3g}")
        claims.update({f"ort_{k}": v for k, v in report.items()})
    (out / "checks.json").write_text(json.dumps(claims, indent=2) + "\n")
    log(f"wrote {out} in {time.time() - t_start:.0f} s")


if __name__ == "__main__":
    main()
