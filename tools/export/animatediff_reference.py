#!/usr/bin/env python3
"""Reference outputs of diffusers' AnimateDiffPipeline for a Kinora AnimateDiff pack, as files the Java tests read.

    python tools/export/animatediff_reference.py <diffusers AnimateDiff folder> <pack folder> --diffusers-src /tmp/diffusers/src

Runs (torch, float32, CPU) and writes <pack folder>-reference/ (a sibling of the pack):

  t2v/     AnimateDiffPipeline(prompt, negative_prompt, ...) with the initial noise given as `latents` (noise.npy,
           N(0,1) from Generator(noise_seed); the pipeline multiplies it by init_noise_sigma, 1 for DDIM; DDIM with
           eta 0 draws nothing else)
  tokens/  the tokenizer alone on prompts that exercise it (case, spacing, punctuation, digits, non-ASCII, an empty
           prompt, one longer than 77 tokens): settings.json lists each text and its 77 ids as the pipeline pads them

Files (float32 little-endian .npy, numpy format 1.0, C order):
  t2v/
    prompt_embeds.npy           text_encoder(prompt ids)[0] [1,77,D] (last_hidden_state, no mask, pads included)
    negative_prompt_embeds.npy  the same for the negative prompt [1,77,D]
    noise.npy                   the initial noise [1,4,F,h,w] (channel-major, given as `latents`)
    unet_step0_{uncond,cond}.npy  the UNet's outputs at step 0 [1,4,F,h,w] (diffusers runs them as ONE batch of 2)
    latents_step{k}.npy         latents after scheduler step k [1,4,F,h,w]
    decoder_input.npy           latents_final[0] * (1/scaling_factor), frames on the batch axis [F,4,h,w]
    frames.npy                  the pipeline's "np" output [F,H,W,3] = clamp(decoded/2 + 0.5, 0, 1), decoded = the VAE
                                decoder's output [F,3,H,W] (asserted here; not stored: the fixture's size budget)
  settings.json per case: every setting, the token ids, timesteps, alphas, formulas, file shapes.
checks.json: measured claims the format doc relies on (torch), and with --check-pack the whole job through the pack's
ONNX graphs on onnxruntime with the pack's tokenizer.json (tokenizers) and diffusers' scheduler.
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

CASE = dict(prompt="A corgi walking in the park, fireworks over the harbour!", negative_prompt="low quality, blurry",
            height=32, width=48, frames=8, steps=4, guidance=7.5, decode_chunk_size=5, noise_seed=43)
TOKEN_PROMPTS = [
    "A corgi walking in the park, fireworks over the harbour!",
    "",
    "  Snow   falls\tslowly ON a QUIET street...  ",
    "a panda eating bamboo, 4k, masterpiece (best quality) - 1080p",
    "café crème brûlée über naïve façade",
    "don't stop: it's the dog's ball, we'll see",
    " ".join(["a red ball rolls down the hill and a dog runs after it"] * 8),
]


def log(msg):
    print(f"animatediff_reference: {msg}", file=sys.stderr, flush=True)


def case_noise(pipe, cfg):
    """randn_tensor([1, 4, F, H/8, W/8], Generator(noise_seed)) as prepare_latents would draw it."""
    import torch
    from diffusers.utils.torch_utils import randn_tensor
    s = pipe.vae_scale_factor
    c = pipe.unet.config.in_channels
    return randn_tensor((1, c, cfg["frames"], cfg["height"] // s, cfg["width"] // s),
                        generator=torch.Generator("cpu").manual_seed(cfg["noise_seed"]), dtype=torch.float32)


def token_ids(tokenizer, text):
    return tokenizer(text, padding="max_length", max_length=tokenizer.model_max_length, truncation=True,
                     return_tensors="np").input_ids[0].astype(np.int64)


# ------------------------------------------------------------------ torch reference

def run_t2v(pipe, cfg, folder):
    import torch
    folder.mkdir(parents=True, exist_ok=True)
    files, steps, rec = {}, [], {"unet": [], "dec": [], "text": []}
    t0 = time.time()
    pipe.unet.register_forward_hook(lambda m, a, k, o: rec["unet"].append(
        (a[0].clone(), a[1].clone() if torch.is_tensor(a[1]) else torch.tensor(a[1]), k["encoder_hidden_states"].clone(),
         o[0].clone())), with_kwargs=True)
    pipe.text_encoder.register_forward_hook(lambda m, a, k, o: rec["text"].append((a[0].clone(), o[0].clone())),
                                            with_kwargs=True)
    decode = pipe.vae.decode

    def vae_decode(z, *a, **k):
        out = decode(z, *a, **k)
        rec["dec"].append((z.clone(), out.sample.clone()))
        return out
    pipe.vae.decode = vae_decode
    noise = case_noise(pipe, cfg)

    def on_step(p, i, t, kw):
        steps.append({"index": i, "timestep": int(t)})
        save(folder, f"latents_step{i}", kw["latents"].numpy(), files)
        return {}
    with torch.no_grad():
        frames = pipe(cfg["prompt"], negative_prompt=cfg["negative_prompt"], num_frames=cfg["frames"], height=cfg["height"],
                      width=cfg["width"], num_inference_steps=cfg["steps"], guidance_scale=cfg["guidance"],
                      decode_chunk_size=cfg["decode_chunk_size"], latents=noise.clone(), output_type="np",
                      callback_on_step_end=on_step).frames[0]
    sched = pipe.scheduler
    F = cfg["frames"]
    (ids_c, emb_c), (ids_u, emb_u) = rec["text"][0], rec["text"][1]  # encode_prompt: the prompt, then the negative
    assert torch.equal(ids_c[0], torch.from_numpy(token_ids(pipe.tokenizer, cfg["prompt"])))
    assert torch.equal(ids_u[0], torch.from_numpy(token_ids(pipe.tokenizer, cfg["negative_prompt"])))
    save(folder, "prompt_embeds", emb_c.numpy(), files)
    save(folder, "negative_prompt_embeds", emb_u.numpy(), files)
    save(folder, "noise", noise.numpy(), files)
    sample0, t0_, ehs0, out0 = rec["unet"][0]
    # the pipeline's UNet input: cat([latents] * 2) (uncond first) and the text states repeated per frame
    assert sample0.shape[0] == 2 and torch.equal(sample0[0], sample0[1]) and torch.equal(sample0[:1], noise * sched.init_noise_sigma)
    assert ehs0.shape[0] == 2 * F
    assert torch.equal(ehs0, torch.cat([emb_u, emb_c]).repeat_interleave(F, dim=0))
    save(folder, "unet_step0_uncond", out0[:1].numpy(), files)
    save(folder, "unet_step0_cond", out0[1:].numpy(), files)
    final = np.load(folder / f"latents_step{steps[-1]['index']}.npy")
    z = torch.cat([d[0] for d in rec["dec"]])
    want = (1 / pipe.vae.config.scaling_factor * torch.from_numpy(final)).permute(0, 2, 1, 3, 4).reshape(z.shape)
    assert float((z - want).abs().max()) == 0.0  # decode_latents: 1/sf * latents, frames to the batch axis
    save(folder, "decoder_input", z.numpy(), files)
    decoded = torch.cat([d[1] for d in rec["dec"]])  # not stored: frames.npy is it, clamped (asserted next)
    frames = np.asarray(frames, np.float32)
    assert np.array_equal(frames, np.clip(decoded.numpy().transpose(0, 2, 3, 1) / 2 + 0.5, 0, 1))
    save(folder, "frames", frames, files)
    ac = sched.alphas_cumprod
    settings = {
        "pipeline": type(pipe).__name__, **cfg,
        "scheduler": type(sched).__name__, "scheduler_config": {k: v for k, v in dict(sched.config).items()},
        "latent_channels": pipe.unet.config.in_channels, "latent_height": cfg["height"] // pipe.vae_scale_factor,
        "latent_width": cfg["width"] // pipe.vae_scale_factor,
        "prompt_text": {"raw": cfg["prompt"], "input_ids": ids_c[0].tolist()},
        "negative_text": {"raw": cfg["negative_prompt"], "input_ids": ids_u[0].tolist()},
        "timesteps": [st["timestep"] for st in steps],
        "alphas_cumprod_at_timesteps": [float(ac[t]) for t in (st["timestep"] for st in steps)],
        "final_alpha_cumprod": float(sched.final_alpha_cumprod),
        "init_noise_sigma": float(sched.init_noise_sigma),
        "decode_chunks": [int(d[0].shape[0]) for d in rec["dec"]],
        "text": "ids = tokenizer(text, padding='max_length', max_length=77, truncation=True) (<|startoftext|> ... "
                "<|endoftext|>, then <|endoftext|> as the pad); embeds = text_encoder(ids)[0], no attention mask "
                "(CLIPTextModel is causal: a token's state does not depend on the pads after it; the pads' states "
                "are used as they are)",
        "noise": "randn_tensor([1,4,F,h,w], Generator(noise_seed)) passed as `latents`; latents = noise * init_noise_sigma",
        "unet_input": "sample = cat([latents, latents]) [2,4,F,h,w]; timestep = t (int64); encoder_hidden_states = "
                      "cat([negative_embeds, prompt_embeds]).repeat_interleave(F, dim=0) [2F,77,D]",
        "guidance_formula": "uncond + guidance * (cond - uncond)",
        "step": "DDIMScheduler.step (epsilon, eta 0, clip_sample false): a = alphas_cumprod[t], a_prev = "
                "alphas_cumprod[t - T//n] or final_alpha_cumprod; x0 = (x - sqrt(1-a) eps)/sqrt(a); "
                "x = sqrt(a_prev) x0 + sqrt(1-a_prev) eps",
        "decode": "decoder_input = latents_final[0].permute(1,0,2,3) * (1/scaling_factor); vae_decoder on chunks of "
                  "decode_chunk_size frames; frames = clamp(decoded/2 + 0.5, 0, 1) as [F,H,W,3]",
        "seconds": round(time.time() - t0, 1),
        "files": files,
    }
    (folder / "settings.json").write_text(json.dumps(settings, indent=2, default=str) + "\n")
    log(f"t2v: {len(steps)} steps, timesteps {settings['timesteps']}, frames {frames.shape} in "
        f"[{frames.min():.3f}, {frames.max():.3f}], {settings['seconds']} s")
    return settings


def run_tokens(pipe, folder):
    folder.mkdir(parents=True, exist_ok=True)
    cases = []
    for text in TOKEN_PROMPTS:
        ids = token_ids(pipe.tokenizer, text)
        full = pipe.tokenizer(text).input_ids
        cases.append({"raw": text, "input_ids": ids.tolist(), "untruncated_length": len(full),
                      "truncated": len(full) > pipe.tokenizer.model_max_length})
    eos = pipe.tokenizer.convert_tokens_to_ids("<|endoftext|>")
    (folder / "settings.json").write_text(json.dumps({
        "what": "tokenizer(text, padding='max_length', max_length=77, truncation=True).input_ids, as encode_prompt calls it",
        "bos_token_id": pipe.tokenizer.convert_tokens_to_ids("<|startoftext|>"), "eos_token_id": eos,
        "pad_token_id": pipe.tokenizer.pad_token_id, "vocab_size": len(pipe.tokenizer), "cases": cases}, indent=1) + "\n")
    return {"tokens_cases": len(cases), "tokens_truncated_cases": sum(c["truncated"] for c in cases)}


def check_claims(pipe):
    """Facts docs/pack-format-2.md relies on, measured on the torch modules (max |diff|; 0 = exact)."""
    import torch
    out = {}
    g = torch.Generator().manual_seed(5)
    u = pipe.unet
    C, D = u.config.in_channels, u.config.cross_attention_dim
    with torch.no_grad():
        F = 16
        x = torch.randn(2, C, F, 4, 6, generator=g)
        e = torch.randn(2, 77, D, generator=g)
        t = torch.tensor(501)
        both = u(x, t, encoder_hidden_states=e.repeat_interleave(F, 0)).sample
        one = torch.cat([u(x[i:i + 1], t, encoder_hidden_states=e[i:i + 1].repeat_interleave(F, 0)).sample for i in range(2)])
        out["unet_batch2_vs_two_batch1_calls"] = float((both - one).abs().max())
        first = u(x[:1, :, :8], t, encoder_hidden_states=e[:1].repeat_interleave(8, 0)).sample
        out["unet_first_8_frames_alone_vs_in_16 (must not be 0: the motion modules mix frames)"] = float((first - one[:1, :, :8]).abs().max())
        t2 = u(x[:1], torch.tensor(751), encoder_hidden_states=e[:1].repeat_interleave(F, 0)).sample
        out["unet_timestep_751_vs_501 (must not be 0)"] = float((t2 - one[:1]).abs().max())
        tf = u(x[:1], torch.tensor(501.0), encoder_hidden_states=e[:1].repeat_interleave(F, 0)).sample
        out["unet_timestep_int64_vs_float32"] = float((tf - one[:1]).abs().max())
        e2 = torch.randn(1, 77, D, generator=g)
        other = u(x[:1], t, encoder_hidden_states=e2.repeat_interleave(F, 0)).sample
        out["unet_other_text_states (must not be 0)"] = float((other - one[:1]).abs().max())
        z = torch.randn(F, C, 4, 6, generator=g) * 5
        whole = pipe.vae.decode(z).sample
        per = torch.cat([pipe.vae.decode(z[i:i + 1]).sample for i in range(F)])
        out["vae_decode_16_frames_vs_one_by_one (a 2D VAE: frames independent)"] = float((whole - per).abs().max())
        ids = torch.from_numpy(token_ids(pipe.tokenizer, "a dog runs"))[None]
        n = int((ids[0] != pipe.tokenizer.pad_token_id).sum()) + 1  # the tokens and the first <|endoftext|>
        full = pipe.text_encoder(ids)[0]
        short = pipe.text_encoder(ids[:, :n])[0]
        out["text_states_of_the_tokens_with_vs_without_pads (causal: ~0)"] = float((full[:, :n] - short).abs().max())
    return out


def check_pack(pack_dir, ref, cfg):
    """The t2v job through the pack's ONNX graphs (ORT, CPU), the pack's tokenizer.json, diffusers' scheduler."""
    import onnxruntime as ort
    import torch
    from diffusers import DDIMScheduler
    from tokenizers import Tokenizer
    manifest = json.loads((pack_dir / "pack.json").read_text())
    opts = ort.SessionOptions()
    opts.log_severity_level = 3

    def session(key):
        return ort.InferenceSession(str(pack_dir / manifest["components"][key]["file"]), opts, providers=["CPUExecutionProvider"])
    te, unet, dec = session("text_encoder"), session("denoiser"), session("vae_decoder")
    text, lat = manifest["text"], manifest["latent"]
    tok = Tokenizer.from_file(str(pack_dir / manifest["components"]["tokenizer"]["file"]))
    tok.enable_truncation(text["maxTokens"])
    tok.enable_padding(length=text["maxTokens"], pad_id=text["padTokenId"])
    r = {}
    folder = ref / "t2v"
    settings = json.loads((folder / "settings.json").read_text())
    wrong = 0
    for c in json.loads((ref / "tokens" / "settings.json").read_text())["cases"]:
        wrong += tok.encode(c["raw"]).ids != c["input_ids"]
    r["tokens_cases_differing (tokenizers on the pack's tokenizer.json)"] = wrong

    def embed(prompt):
        ids = np.array([tok.encode(prompt).ids], np.int64)
        return te.run(None, {"input_ids": ids})[0]
    cond, uncond = embed(cfg["prompt"]), embed(cfg["negative_prompt"])
    r["prompt_embeds"] = float(np.abs(cond - np.load(folder / "prompt_embeds.npy")).max())
    r["negative_prompt_embeds"] = float(np.abs(uncond - np.load(folder / "negative_prompt_embeds.npy")).max())
    sched = DDIMScheduler.from_pretrained(pack_dir / "scheduler")
    sched.set_timesteps(cfg["steps"])
    r["timesteps"] = float(np.abs(sched.timesteps.numpy() - np.array(settings["timesteps"])).max())
    x = torch.from_numpy(np.load(folder / "noise.npy")) * sched.init_noise_sigma
    g = np.float32(cfg["guidance"])
    for i, t in enumerate(sched.timesteps):
        tt = np.array([float(t)], np.float32)
        xin = sched.scale_model_input(x, t).numpy()
        vc = unet.run(None, {"sample": xin, "timestep": tt, "encoder_hidden_states": cond})[0]
        vu = unet.run(None, {"sample": xin, "timestep": tt, "encoder_hidden_states": uncond})[0]
        if i == 0:
            r["unet_step0_cond"] = float(np.abs(vc - np.load(folder / "unet_step0_cond.npy")).max())
            r["unet_step0_uncond"] = float(np.abs(vu - np.load(folder / "unet_step0_uncond.npy")).max())
            both = unet.run(None, {"sample": np.concatenate([xin, xin]), "timestep": tt,
                                   "encoder_hidden_states": np.concatenate([uncond, cond])})[0]
            r["unet_step0_batch2_vs_two_calls (ORT)"] = float(np.abs(both - np.concatenate([vu, vc])).max())
        guided = vu + g * (vc - vu)
        x = sched.step(torch.from_numpy(guided), t, x, return_dict=False)[0]
        r[f"latents_step{i}"] = float(np.abs(x.numpy() - np.load(folder / f"latents_step{i}.npy")).max())
    z = x.numpy()[0].transpose(1, 0, 2, 3) * np.float32(1.0 / lat["scalingFactor"])
    r["decoder_input"] = float(np.abs(z - np.load(folder / "decoder_input.npy")).max())
    want = np.load(folder / "frames.npy")

    def frames_of(latent, chunk):
        video = np.concatenate([dec.run(None, {"latent_sample": latent[k:k + chunk].astype(np.float32)})[0]
                                for k in range(0, latent.shape[0], chunk)])
        return np.clip(video.transpose(0, 2, 3, 1) / 2 + 0.5, 0, 1)
    r["frames"] = float(np.abs(frames_of(z, cfg["decode_chunk_size"]) - want).max())
    r["frames_decoded_one_by_one"] = float(np.abs(frames_of(z, 1) - want).max())
    ref_z = np.load(folder / "decoder_input.npy")
    r["frames_with_reference_decoder_input"] = float(np.abs(frames_of(ref_z, 1) - want).max())
    r["frames_in_8bit_levels"] = float(np.abs(np.rint(frames_of(z, 1) * 255) - np.rint(want * 255)).max())
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="diffusers AnimateDiff folder")
    ap.add_argument("pack", type=Path, help="the pack exported from it (animatediff_export.py)")
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--out", type=Path, help="default: <pack>-reference beside the pack")
    ap.add_argument("--check-pack", action="store_true", help="also run the job through the pack's ONNX graphs")
    args = ap.parse_args()
    t_start = time.time()
    import_diffusers(args.diffusers_src, "animatediff_reference")
    import torch
    from diffusers import AnimateDiffPipeline
    torch.manual_seed(0)
    out = args.out or args.pack.with_name(args.pack.name + "-reference")
    out.mkdir(parents=True, exist_ok=True)
    pipe = AnimateDiffPipeline.from_pretrained(args.model, torch_dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    run_t2v(pipe, CASE, out / "t2v")
    pipe = AnimateDiffPipeline.from_pretrained(args.model, torch_dtype=torch.float32)
    claims = run_tokens(pipe, out / "tokens")
    claims.update(check_claims(pipe))
    for k, v in claims.items():
        log(f"torch: {k}: {v:.3g}")
    if args.check_pack:
        report = check_pack(args.pack, out, CASE)
        for k, v in report.items():
            log(f"ORT pack vs torch: {k}: max |diff| {v:.3g}")
        claims.update({f"ort_{k}": v for k, v in report.items()})
    (out / "checks.json").write_text(json.dumps(claims, indent=2) + "\n")
    log(f"wrote {out} in {time.time() - t_start:.0f} s")


if __name__ == "__main__":
    main()
