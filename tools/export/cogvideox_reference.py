#!/usr/bin/env python3
"""Reference outputs of diffusers' own CogVideoXPipeline for a Kinora CogVideoX-2B pack, as .npy files the Java
tests read.

    python tools/export/cogvideox_reference.py <diffusers CogVideoX folder> <pack folder> --diffusers-src /tmp/diffusers/src

Runs (torch, float32, CPU) and writes <pack folder>-reference/ (a sibling of the pack):

  t2v/       CogVideoXPipeline (text to video), constant guidance (use_dynamic_cfg False, the pipeline's default
             and CogVideoX-2B's documented use); the initial noise is given as `latents` so Java can start from the
             SAME noise
  t2v_dcfg/  the same pipeline with use_dynamic_cfg True (the guidance scale changes every step, formula in
             settings.json), another prompt and a non-empty negative prompt

Each case folder has settings.json (every setting, token ids, timesteps, the scheduler's alphas_cumprod at each
timestep and its predecessor, the guidance scale per step, formulas, file shapes) and float32 little-endian .npy
files (numpy format 1.0, C order). Latents are FRAME-MAJOR [1, L, 16, h, w] as the pipeline keeps them:
  noise.npy                        initial noise [1,L,16,h,w] = randn_tensor(shape, Generator(seed)); init_noise_sigma
                                   is 1, so it is also the latents entering step 0
  prompt_embeds.npy, negative_prompt_embeds.npy   T5 states [1,226,D] of the 226 padded ids (no encoder mask, no
                                   transformer mask: padded rows are NOT zero and take part in attention)
  denoiser_step0_{cond,uncond}.npy the transformer's output (v) at step 0 [1,L,16,h,w]
  latents_step{k}.npy              latents after scheduler step k (every step)
  latents_final.npy                the last step's latents
  vae_input.npy                    what vae_decoder's latent_sample takes: permute(latents_final, [0,2,1,3,4]) *
                                   float32(1 / scaling_factor), [1,16,L,h,w] (a multiply, as the pipeline writes it)
  frames.npy                       the pipeline's "np" output [F,H,W,3] = clip(video/2 + 0.5, 0, 1), channels last

checks.json: measured claims the format doc relies on (torch), and with --check-pack the same jobs through the
pack's ONNX graphs on onnxruntime (tokenizer.json through `tokenizers`, diffusers' scheduler, guidance as two
calls of batch 1) vs torch: the end-to-end tolerance a Java run of the pack should meet.
"""
import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from wan_export import import_diffusers, save_npy as save  # noqa: E402  (one copy for every tool)

COMMON = dict(steps=5, height=48, width=64, frames=17, max_sequence_length=226, eta=0.0)
T2V = dict(COMMON, prompt="A panda, dressed in a small red jacket, plays a tiny guitar in a serene bamboo forest.",
           negative_prompt="", guidance=6.0, use_dynamic_cfg=False, seed=42)
T2V_DCFG = dict(COMMON, prompt="a paper boat drifts down a rainy street at dusk",
                negative_prompt="blurry, low quality, distorted", guidance=6.0, use_dynamic_cfg=True, seed=7)
CASES = {"t2v": T2V, "t2v_dcfg": T2V_DCFG}


def log(msg):
    print(f"cogvideox_reference: {msg}", file=sys.stderr, flush=True)


def dynamic_guidance(guidance, steps, t):
    """CogVideoXPipeline's use_dynamic_cfg scale at timestep t (python floats, as the pipeline: t.item())."""
    return 1 + guidance * ((1 - math.cos(math.pi * ((steps - t) / steps) ** 5.0)) / 2)


class Recorder:
    """What went into and came out of the transformer and the VAE decoder."""

    def __init__(self, pipe):
        self.denoiser, self.vae_in, self.vae_out = [], [], []
        pipe.transformer.register_forward_hook(self._den, with_kwargs=True)
        decode = pipe.vae.decode

        def vae_decode(z, *a, **k):
            self.vae_in.append(z.detach().clone())
            out = decode(z, *a, **k)
            self.vae_out.append((out[0] if isinstance(out, tuple) else out.sample).detach().clone())
            return out
        pipe.vae.decode = vae_decode

    def _den(self, module, args, kwargs, output):
        self.denoiser.append({"timestep": kwargs["timestep"].detach().clone(),
                              "hidden_states": kwargs["hidden_states"].detach().clone(),
                              "out": (output[0] if isinstance(output, tuple) else output.sample).detach().clone()})


def text_record(pipe, prompt, n_max):
    t = pipe.tokenizer([prompt], padding="max_length", max_length=n_max, truncation=True, add_special_tokens=True,
                       return_attention_mask=True)
    n = int(sum(t["attention_mask"][0]))
    return {"raw": prompt, "tokens": n, "input_ids": t["input_ids"][0][:n], "pad_id": pipe.tokenizer.pad_token_id}


def run_case(pipe, kind, cfg, out):
    import torch
    from diffusers.utils.torch_utils import randn_tensor
    folder = out / kind
    folder.mkdir(parents=True, exist_ok=True)
    files, steps = {}, []
    s_t, s_s = pipe.vae_scale_factor_temporal, pipe.vae_scale_factor_spatial
    C = pipe.transformer.config.in_channels
    L = (cfg["frames"] - 1) // s_t + 1
    h, w = cfg["height"] // s_s, cfg["width"] // s_s
    shape = (1, L, C, h, w)
    rec = Recorder(pipe)
    t0 = time.time()

    def on_step(p, i, t, kw):
        steps.append({"index": i, "timestep": int(t), "guidance": float(p.guidance_scale)})
        save(folder, f"latents_step{i}", kw["latents"].numpy(), files)
        if i == 0:  # prompt_embeds is [negative, prompt] (batch 2) inside the loop
            save(folder, "prompt_embeds", kw["prompt_embeds"][1:].numpy(), files)
            save(folder, "negative_prompt_embeds", kw["prompt_embeds"][:1].numpy(), files)
        return {}

    noise = randn_tensor(shape, generator=torch.Generator("cpu").manual_seed(cfg["seed"]), dtype=torch.float32)
    frames = pipe(prompt=cfg["prompt"], negative_prompt=cfg["negative_prompt"], height=cfg["height"],
                  width=cfg["width"], num_frames=cfg["frames"], num_inference_steps=cfg["steps"],
                  guidance_scale=cfg["guidance"], use_dynamic_cfg=cfg["use_dynamic_cfg"], eta=cfg["eta"],
                  latents=noise.clone(), generator=torch.Generator("cpu").manual_seed(cfg["seed"]),
                  max_sequence_length=cfg["max_sequence_length"], output_type="np",
                  callback_on_step_end=on_step, callback_on_step_end_tensor_inputs=["latents", "prompt_embeds"]).frames[0]
    save(folder, "noise", noise.numpy(), files)
    first = rec.denoiser[0]
    assert torch.equal(first["hidden_states"], torch.cat([noise, noise])), "step 0's input is not [noise, noise]"
    save(folder, "denoiser_step0_uncond", first["out"][:1].numpy(), files)
    save(folder, "denoiser_step0_cond", first["out"][1:].numpy(), files)
    final = np.load(folder / f"latents_step{steps[-1]['index']}.npy")
    save(folder, "latents_final", final, files)
    z = rec.vae_in[-1]
    sf = pipe.vae.config.scaling_factor
    want_z = torch.from_numpy(final).permute(0, 2, 1, 3, 4) * np.float32(1 / sf)
    err = float((want_z - z).abs().max())
    assert err == 0.0, f"the VAE input is not permute(latents) * float32(1/scaling_factor) ({err})"
    save(folder, "vae_input", z.numpy(), files)
    video = rec.vae_out[-1].numpy()  # not saved: frames == clip(video/2 + 0.5, 0, 1)
    assert np.abs(np.clip(video[0].transpose(1, 2, 3, 0) / 2 + 0.5, 0, 1) - np.asarray(frames)).max() < 1e-6
    assert np.asarray(frames).shape[0] == cfg["frames"], (np.asarray(frames).shape, cfg["frames"])
    save(folder, "frames", np.asarray(frames, np.float32), files)
    sched = pipe.scheduler
    ac = sched.alphas_cumprod
    ratio = sched.config.num_train_timesteps // cfg["steps"]
    per_step = []
    for st in steps:
        t = st["timestep"]
        prev = t - ratio
        per_step.append({"timestep": t, "prev_timestep": prev, "alpha_prod_t": float(ac[t]),
                         "alpha_prod_t_prev": float(ac[prev]) if prev >= 0 else float(sched.final_alpha_cumprod),
                         "guidance": st["guidance"]})
        if cfg["use_dynamic_cfg"]:
            want = dynamic_guidance(cfg["guidance"], cfg["steps"], t)
            assert abs(want - st["guidance"]) < 1e-12, (want, st["guidance"])
    settings = {
        "pipeline": type(pipe).__name__, **cfg,
        "scheduler": type(sched).__name__, "num_latent_frames": L, "latent_height": h, "latent_width": w,
        "latent_shape_frame_major": list(shape), "scaling_factor": sf,
        "prompt_text": text_record(pipe, cfg["prompt"], cfg["max_sequence_length"]),
        "negative_text": text_record(pipe, cfg["negative_prompt"], cfg["max_sequence_length"]),
        "text": "226 ids: the prompt's ids, </s>, then <pad> up to 226 (truncated to 226 incl. </s>); the T5 encoder "
                "runs on all 226 ids without a mask and the transformer gets no mask",
        "timesteps": [st_["timestep"] for st_ in steps], "steps_detail": per_step,
        "noise": "randn_tensor([1,L,16,h,w], Generator(seed)) passed as `latents` (init_noise_sigma = 1)",
        "guidance_formula": "uncond + g * (cond - uncond); two transformer calls of batch 1; g = guidance, or with "
                            "use_dynamic_cfg g = 1 + guidance * (1 - cos(pi * ((steps - t) / steps) ** 5)) / 2 in "
                            "float64 with t the integer timestep (the pipeline's formula verbatim)",
        "step_formula": "x0 = sqrt(a_t) * x - sqrt(1 - a_t) * v; x_prev = sqrt((1 - a_prev)/(1 - a_t)) * x + "
                        "(sqrt(a_prev) - sqrt(a_t) * sqrt((1 - a_prev)/(1 - a_t))) * x0 (CogVideoXDDIMScheduler.step, "
                        "eta 0, no noise)",
        "decode": "vae_input = permute(latents_final, [0,2,1,3,4]) * float32(1 / scaling_factor) (1/sf in float64, then a float32 multiply: not a division); video = vae_decoder(vae_input); "
                  "frames = clip(video/2 + 0.5, 0, 1)",
        "seconds": round(time.time() - t0, 1),
        "files": files,
    }
    (folder / "settings.json").write_text(json.dumps(settings, indent=2) + "\n")
    log(f"{kind}: {len(steps)} steps, timesteps {settings['timesteps']}, guidance {[s['guidance'] for s in steps]}, "
        f"frames {np.asarray(frames).shape}, {settings['seconds']} s")
    return settings


def check_claims(pipe, cfg):
    """Facts docs/pack-format-2.md relies on, measured on the torch modules (max |diff|; 0 = exact)."""
    import torch
    out = {}
    g = torch.Generator().manual_seed(5)
    with torch.no_grad():
        t = pipe.tokenizer([cfg["prompt"]], padding="max_length", max_length=226, truncation=True,
                           return_attention_mask=True, return_tensors="pt")
        n = int(t.attention_mask.sum())
        nomask = pipe.text_encoder(t.input_ids).last_hidden_state
        masked = pipe.text_encoder(t.input_ids, attention_mask=t.attention_mask).last_hidden_state
        out["t5_real_tokens_with_mask_vs_without (must not be 0: no encoder mask)"] = float((nomask[:, :n] - masked[:, :n]).abs().max())
        tr = pipe.transformer
        s_t, s_s = pipe.vae_scale_factor_temporal, pipe.vae_scale_factor_spatial
        L, h, w = (cfg["frames"] - 1) // s_t + 1, cfg["height"] // s_s, cfg["width"] // s_s
        x = torch.randn(1, L, tr.config.in_channels, h, w, generator=g)
        enc = torch.randn(1, 226, tr.config.text_embed_dim, generator=g)
        a = tr(hidden_states=x, encoder_hidden_states=enc, timestep=torch.tensor([719]), return_dict=False)[0]
        b = tr(hidden_states=x, encoder_hidden_states=enc, timestep=torch.tensor([719.0]), return_dict=False)[0]
        out["transformer_int64_vs_float32_timestep"] = float((a - b).abs().max())
        enc2 = enc.clone()
        enc2[:, n:] = torch.randn(1, 226 - n, enc.shape[2], generator=g)
        c = tr(hidden_states=x, encoder_hidden_states=enc2, timestep=torch.tensor([719.0]), return_dict=False)[0]
        out["transformer_padded_text_rows_changed (must not be 0: no mask, padding is attended)"] = float((b - c).abs().max())
        out["transformer_uses_rope (must be 0: 2B has sin-cos positions)"] = float(bool(tr.config.use_rotary_positional_embeddings))
        x2 = x.clone()
        x2[:, -1] = torch.randn(x2[:, -1].shape, generator=g)
        d = tr(hidden_states=x2, encoder_hidden_states=enc, timestep=torch.tensor([719.0]), return_dict=False)[0]
        out["transformer_frame0_changes_when_last_frame_changes (not 0: full attention, not causal)"] = float((b[:, 0] - d[:, 0]).abs().max())
        z = torch.randn(1, tr.config.in_channels, L, h, w, generator=g)
        vae = pipe.vae
        batched = vae.decode(z).sample
        keep = vae.num_latent_frames_batch_size
        vae.num_latent_frames_batch_size = L
        whole = vae.decode(z).sample
        vae.num_latent_frames_batch_size = keep
        out["vae_decode_frame_batches_vs_one_batch (not 0: decode in diffusers' batches)"] = float((batched - whole).abs().max())
        z2 = z.clone()
        z2[:, :, -1] = torch.randn(z2[:, :, -1].shape, generator=g)
        batched2 = vae.decode(z2).sample
        first = 4 * (3 if L % 2 else 2) - (3 if L % 2 else 0)  # pixel frames of the first frame batch
        out["vae_decode_first_batch_frames_when_last_latent_changes (must be 0: causal)"] = float((batched[:, :, :first] - batched2[:, :, :first]).abs().max())
        out["vae_decode_frames_for_L_latents (4L-3: L odd)"] = int(batched.shape[2])
        out["vae_decode_frames_for_L-1_latents (4(L-1), not 4(L-1)-3: an even L)"] = int(vae.decode(z[:, :, :L - 1]).sample.shape[2])
    return out


def check_pack(pack_dir, ref, cases):
    """Every case through the pack's ONNX graphs (ORT, CPU) with diffusers' scheduler; max |diff| to torch."""
    import onnxruntime as ort
    import torch
    from diffusers import CogVideoXDDIMScheduler
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
    n_text = text["maxTokens"]
    inv_sf = np.float32(1.0 / lat["scalingFactor"])  # the pipeline multiplies by 1/sf (double, cast to float32)
    report = {}

    def encode(prompt):
        ids = tok.encode(prompt).ids
        if len(ids) > n_text:  # truncation keeps </s> last, as transformers' T5 tokenizer does
            ids = ids[:n_text - 1] + [text["eosTokenId"]]
        ids_p = np.full((1, n_text), text["padTokenId"], np.int64)
        ids_p[0, :len(ids)] = ids
        return te.run(None, {"input_ids": ids_p})[0], ids

    for kind, cfg in cases.items():
        folder = ref / kind
        settings = json.loads((folder / "settings.json").read_text())
        pe, ids = encode(cfg["prompt"])
        ne, nids = encode(cfg["negative_prompt"])
        assert list(ids) == settings["prompt_text"]["input_ids"] and list(nids) == settings["negative_text"]["input_ids"]
        r = {"prompt_embeds": float(np.abs(pe - np.load(folder / "prompt_embeds.npy")).max()),
             "negative_prompt_embeds": float(np.abs(ne - np.load(folder / "negative_prompt_embeds.npy")).max())}
        x = torch.from_numpy(np.load(folder / "noise.npy"))
        sched = CogVideoXDDIMScheduler.from_pretrained(pack_dir / "scheduler")
        sched.set_timesteps(cfg["steps"])
        r["timesteps"] = float(np.abs(sched.timesteps.numpy() - np.array(settings["timesteps"])).max())
        for i, t in enumerate(sched.timesteps):
            tt = np.array([float(t)], np.float32)
            cond = den.run(None, {"hidden_states": x.numpy(), "encoder_hidden_states": pe, "timestep": tt})[0]
            uncond = den.run(None, {"hidden_states": x.numpy(), "encoder_hidden_states": ne, "timestep": tt})[0]
            if i == 0:
                r["denoiser_step0_cond"] = float(np.abs(cond - np.load(folder / "denoiser_step0_cond.npy")).max())
                r["denoiser_step0_uncond"] = float(np.abs(uncond - np.load(folder / "denoiser_step0_uncond.npy")).max())
            g = dynamic_guidance(cfg["guidance"], cfg["steps"], int(t)) if cfg["use_dynamic_cfg"] else cfg["guidance"]
            guided = torch.from_numpy(uncond) + g * (torch.from_numpy(cond) - torch.from_numpy(uncond))
            x = sched.step(guided, t, x, eta=0.0, return_dict=False)[0]
            r[f"latents_step{i}"] = float(np.abs(x.numpy() - np.load(folder / f"latents_step{i}.npy")).max())
        z = np.ascontiguousarray(x.numpy().transpose(0, 2, 1, 3, 4)) * inv_sf
        r["vae_input"] = float(np.abs(z - np.load(folder / "vae_input.npy")).max())

        def frames_of(latent):
            video = dec.run(None, {"latent_sample": latent.astype(np.float32)})[0]
            return np.clip(video[0].transpose(1, 2, 3, 0) / 2 + 0.5, 0, 1)
        want = np.load(folder / "frames.npy")
        r["frames"] = float(np.abs(frames_of(z) - want).max())
        r["frames_with_reference_vae_input"] = float(np.abs(frames_of(np.load(folder / "vae_input.npy")) - want).max())
        for k, v in r.items():
            report[f"{kind}_{k}"] = v
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="diffusers CogVideoX-2B folder")
    ap.add_argument("pack", type=Path, help="the pack exported from it (cogvideox_export.py)")
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--out", type=Path, help="default: <pack>-reference beside the pack")
    ap.add_argument("--check-pack", action="store_true", help="also run every case through the pack's ONNX graphs")
    args = ap.parse_args()
    t_start = time.time()
    import_diffusers(args.diffusers_src, "cogvideox_reference")
    import torch
    from diffusers import CogVideoXPipeline
    torch.manual_seed(0)
    out = args.out or args.pack.with_name(args.pack.name + "-reference")
    out.mkdir(parents=True, exist_ok=True)
    for kind, cfg in CASES.items():
        pipe = CogVideoXPipeline.from_pretrained(args.model, torch_dtype=torch.float32)
        pipe.set_progress_bar_config(disable=True)
        run_case(pipe, kind, cfg, out)
    claims = check_claims(CogVideoXPipeline.from_pretrained(args.model, torch_dtype=torch.float32), T2V)
    for k, v in claims.items():
        log(f"torch: {k}: max |diff| {v:.3g}")
    if args.check_pack:
        report = check_pack(args.pack, out, CASES)
        for k, v in report.items():
            log(f"ORT pack vs torch: {k}: max |diff| {v:.3g}")
        claims.update({f"ort_{k}": v for k, v in report.items()})
    (out / "checks.json").write_text(json.dumps(claims, indent=2) + "\n")
    log(f"wrote {out} in {time.time() - t_start:.0f} s")


if __name__ == "__main__":
    main()
