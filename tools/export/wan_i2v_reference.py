#!/usr/bin/env python3
"""Reference outputs of diffusers' WanImageToVideoPipeline (Wan 2.1 image to video) for a Kinora wan2.1-i2v pack, as
.npy files the Java tests read.

    python tools/export/wan_i2v_reference.py <diffusers Wan I2V folder> <pack folder> --diffusers-src /tmp/diffusers/src
        [--check-pack]

Runs (torch, float32, CPU) and writes <pack folder>-reference/ (a sibling of the pack):

  i2v/          WanImageToVideoPipeline on still.npy with the initial noise given as `latents` (so Java starts from the
                SAME noise), every intermediate recorded through hooks on the real pipeline's modules:
    still.npy                  the input image, uint8 [H,W,3] (the pack's size: the VAE side does not resize it)
    clip_input.npy             the image encoder's pixel_values [1,3,224,224]: CLIPImageProcessor on the PIL still
    image_states.npy           encode_image's output [1,257,Dimg]: CLIPVisionModel hidden_states[-2]
    condition.npy              what prepare_latents returns besides the noise [1,4+16,L,h,w]: the mask (channels 0-3)
                               then the condition latents (4-19); the transformer gets cat([latents, condition], 1)
    noise.npy                  initial noise [1,16,L,h,w] (randn_tensor of torch.Generator('cpu').manual_seed(seed))
    prompt_embeds.npy, negative_prompt_embeds.npy   the transformer's text input [1,512,D], padded rows zero
    denoiser_step0_{cond,uncond}.npy   the transformer's outputs for the first step [1,16,L,h,w]
    latents_step{k}.npy        latents after scheduler step k
    vae_input.npy              the decoder's input: latents_final * std + mean
    frames.npy                 the pipeline's "np" output [F,H,W,3] in [0,1]
  clip_resize/  the CLIP preprocessing alone on a larger portrait image (a downscale through PIL's antialiasing
                bicubic and the other branch of "shortest edge"): image.npy uint8 [320,240,3] and pixel_values_sub.npy,
                pixel_values[:, :, ::4, ::4] ([1,3,56,56]; the whole tensor is 600 kB)

settings.json in each folder: every setting, the token ids, timesteps, sigmas, the formulas, the image processor
class that ran and the file list with shapes. checks.json: facts measured in torch; --check-pack adds the same job
run through the pack's ONNX graphs with onnxruntime (diffusers' scheduler, the reference's CLIP input) and how far
each stage is from torch.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from wan_export import import_diffusers, save_npy as save  # noqa: E402  (one copy for every tool)

I2V = dict(prompt="  a red ball rolls down the hill  at night ", negative_prompt="", steps=4, guidance=5.0,
           height=48, width=64, frames=9, seed=42)
MASK_RULE = [
    "m[f] = 1 for pixel frame f = 0, 0 for f = 1..F-1 (F = num_frames)",
    "frame 0's value repeated temporalStride (4) times, then frames 1..F-1: 4 + F - 1 = 4L values",
    "viewed as [L, 4] (latent frame, channel) and transposed: mask channel c of latent frame l = value 4l + c",
    "so latent frame 0 has mask 1 in all 4 channels and every later latent frame 0; broadcast over h, w",
]
CONDITION_RULE = [
    "video = [image, zeros x (F - 1)] as [1,3,F,H,W], image = the still as float32 x/255*2-1 (VideoProcessor), "
    "zeros = 0 in that [-1,1] space (mid grey)",
    "mu = vae.encode(video).latent_dist.mode() (the moments' mean channels, retrieve_latents sample_mode='argmax')",
    "condition latents = (mu - latents_mean) * (1 / latents_std) per channel (float32: a multiply by the reciprocal)",
    "condition = cat([mask (4 channels), condition latents (16)], channel axis); denoiser input = cat([latents, condition])",
]
CLIP_RULE = [
    "PIL image (RGB) -> resize with PIL BICUBIC (Image.resize, reducing_gap None) so the shorter side is 224 and the "
    "longer int(224 * long / short) (truncated)",
    "center crop 224x224: top = (h - 224) // 2, left = (w - 224) // 2",
    "rescale: uint8 as float64 * rescale_factor (0.00392156862745098), then float32",
    "normalize: (x - mean[c]) / std[c] in float32, mean/std as float32",
    "image_states = CLIPVisionModel(pixel_values, output_hidden_states=True).hidden_states[-2]",
]


def still_image(h, w):
    """A colour gradient with a bright square and a dark bar: uint8 [H,W,3] (structure the CLIP resize can get wrong)."""
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([x * 255 // (w - 1), y * 255 // (h - 1), (x * 7 + y * 13) % 256], -1)
    img[h // 4:h // 4 + h // 3, w // 5:w // 5 + w // 4] = [250, 230, 60]
    img[(3 * h) // 4:(3 * h) // 4 + 3, :] = [10, 20, 200]
    return np.clip(img, 0, 255).astype(np.uint8)


def text_record(pipe, prompt):
    from diffusers.pipelines.wan.pipeline_wan_i2v import prompt_clean
    cleaned = prompt_clean(prompt)
    t = pipe.tokenizer([cleaned], padding="max_length", max_length=512, truncation=True, add_special_tokens=True,
                       return_attention_mask=True)
    n = int(sum(t["attention_mask"][0]))
    return {"raw": prompt, "cleaned": cleaned, "tokens": n, "input_ids": t["input_ids"][0][:n],
            "pad_id": pipe.tokenizer.pad_token_id}


def run_i2v(pipe, cfg, out, checks):
    import torch
    from PIL import Image
    from diffusers.utils.torch_utils import randn_tensor
    folder = out / "i2v"
    folder.mkdir(parents=True, exist_ok=True)
    files, steps = {}, []
    s_t, s_s = pipe.vae_scale_factor_temporal, pipe.vae_scale_factor_spatial
    L = (cfg["frames"] - 1) // s_t + 1
    z = pipe.vae.config.z_dim
    noise = randn_tensor((1, z, L, cfg["height"] // s_s, cfg["width"] // s_s),
                         generator=torch.Generator("cpu").manual_seed(cfg["seed"]), dtype=torch.float32)
    still = still_image(cfg["height"], cfg["width"])
    save(folder, "still", still, files)
    save(folder, "noise", noise.numpy(), files)

    rec = {"clip": [], "states": [], "den": [], "vae_in": [], "vae_out": []}
    h1 = pipe.image_encoder.register_forward_pre_hook(
        lambda m, a, k: rec["clip"].append(k["pixel_values"].detach().clone()), with_kwargs=True)
    encode_image = pipe.encode_image

    def encode_image_rec(*a, **k):
        states = encode_image(*a, **k)
        rec["states"].append(states.detach().clone())
        return states
    pipe.encode_image = encode_image_rec

    def den_hook(module, args, kwargs, output):
        rec["den"].append({"in": kwargs["hidden_states"].detach().clone(), "t": kwargs["timestep"].detach().clone(),
                           "img": kwargs["encoder_hidden_states_image"].detach().clone(),
                           "out": output[0].detach().clone()})
    h2 = pipe.transformer.register_forward_hook(den_hook, with_kwargs=True)
    decode = pipe.vae.decode

    def decode_rec(zz, *a, **k):
        rec["vae_in"].append(zz.detach().clone())
        o = decode(zz, *a, **k)
        rec["vae_out"].append(o[0].detach().clone())
        return o
    pipe.vae.decode = decode_rec

    def on_step(p, i, t, kw):
        steps.append({"index": i, "timestep": int(t)})
        save(folder, f"latents_step{i}", kw["latents"].numpy(), files)
        if i == 0:
            save(folder, "prompt_embeds", kw["prompt_embeds"].numpy(), files)
            save(folder, "negative_prompt_embeds", kw["negative_prompt_embeds"].numpy(), files)
        return {}

    frames = pipe(image=Image.fromarray(still), prompt=cfg["prompt"], negative_prompt=cfg["negative_prompt"],
                  height=cfg["height"], width=cfg["width"], num_frames=cfg["frames"],
                  num_inference_steps=cfg["steps"], guidance_scale=cfg["guidance"], latents=noise.clone(),
                  output_type="np", callback_on_step_end=on_step,
                  callback_on_step_end_tensor_inputs=["latents", "prompt_embeds", "negative_prompt_embeds"]).frames[0]
    h1.remove()
    h2.remove()
    pipe.encode_image = encode_image
    pipe.vae.decode = decode

    assert len(rec["clip"]) == 1 and len(rec["states"]) == 1, "one image encoding per job"
    save(folder, "clip_input", rec["clip"][0].numpy(), files)
    save(folder, "image_states", rec["states"][0].numpy(), files)
    cond, uncond = rec["den"][0], rec["den"][1]
    condition = cond["in"][:, z:]
    save(folder, "condition", condition.numpy(), files)
    save(folder, "denoiser_step0_cond", cond["out"].numpy(), files)
    save(folder, "denoiser_step0_uncond", uncond["out"].numpy(), files)
    save(folder, "latents_final", np.load(folder / f"latents_step{steps[-1]['index']}.npy"), files)
    save(folder, "vae_input", rec["vae_in"][-1].numpy(), files)
    save(folder, "frames", np.asarray(frames, np.float32), files)

    # facts the doc states, measured on this run
    checks["denoiser_input_is_latents_then_condition"] = float((cond["in"][:, :z] - noise).abs().max())
    checks["condition_same_for_every_call"] = max(float((d["in"][:, z:] - condition).abs().max()) for d in rec["den"])
    checks["image_states_same_for_both_guidance_calls"] = max(float((d["img"] - rec["states"][0]).abs().max())
                                                             for d in rec["den"])
    mask = condition[:, :s_t]
    want_mask = torch.zeros_like(mask)
    want_mask[:, :, 0] = 1
    checks["mask_is_ones_on_latent_frame_0_only"] = float((mask - want_mask).abs().max())
    with torch.no_grad():
        px = torch.from_numpy(still.astype(np.float32) / np.float32(255.0) * np.float32(2.0) - np.float32(1.0))
        video = torch.zeros(1, 3, cfg["frames"], cfg["height"], cfg["width"])
        video[0, :, 0] = px.permute(2, 0, 1)
        mu = pipe.vae.encode(video).latent_dist.mode()
        mean = torch.tensor(pipe.vae.config.latents_mean).view(1, z, 1, 1, 1)
        inv_std = 1.0 / torch.tensor(pipe.vae.config.latents_std).view(1, z, 1, 1, 1)
        checks["condition_latents_formula"] = float(((mu - mean) * inv_std - condition[:, s_t:]).abs().max())
        states_last = pipe.image_encoder(pixel_values=rec["clip"][0], output_hidden_states=True).hidden_states[-1]
        checks["penultimate_vs_last_hidden_state_differ_by"] = float((states_last - rec["states"][0]).abs().max())
    video = rec["vae_out"][-1].numpy()
    assert np.abs(np.clip(video[0].transpose(1, 2, 3, 0) / 2 + 0.5, 0, 1) - np.asarray(frames)).max() < 1e-6
    sched = pipe.scheduler
    settings = {
        "pipeline": type(pipe).__name__, **cfg,
        "image_processor_class": type(pipe.image_processor).__name__,
        "image_processor": pipe.image_processor.to_dict(),
        "flow_shift": sched.config.flow_shift, "scheduler": type(sched).__name__,
        "max_sequence_length": 512, "num_latent_frames": L, "image_tokens": int(rec["states"][0].shape[1]),
        "prompt_text": text_record(pipe, cfg["prompt"]), "negative_text": text_record(pipe, cfg["negative_prompt"]),
        "timesteps": [s["timestep"] for s in steps], "sigmas": [float(v) for v in sched.sigmas],
        "clip_rule": CLIP_RULE, "mask_rule": MASK_RULE, "condition_rule": CONDITION_RULE,
        "denoiser_input": "cat([latents (16), condition (4 mask + 16 latents)], channel axis) = [B,36,L,h,w]; "
                          "encoder_hidden_states_image = image_states for both guidance calls",
        "guidance_formula": "uncond + guidance * (cond - uncond)",
        "decode": "vae_input = latents_final * std + mean; frames = clamp(video/2 + 0.5, 0, 1)",
        "noise": "diffusers.utils.torch_utils.randn_tensor(shape, generator=torch.Generator('cpu').manual_seed(seed))",
        "files": files,
    }
    (folder / "settings.json").write_text(json.dumps(settings, indent=2, default=str) + "\n")
    print(f"wan_i2v_reference: i2v: {len(steps)} steps, timesteps {settings['timesteps']}, frames {np.asarray(frames).shape}",
          file=sys.stderr)
    return settings


def run_clip_resize(pipe, out):
    from PIL import Image
    folder = out / "clip_resize"
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    img = still_image(320, 240)
    save(folder, "image", img, files)
    pv = pipe.image_processor(images=Image.fromarray(img), return_tensors="np")["pixel_values"]
    save(folder, "pixel_values_sub", pv[:, :, ::4, ::4], files)
    settings = {"image_processor_class": type(pipe.image_processor).__name__, "input": [320, 240],
                "resized": [int(224 * 320 / 240), 224], "crop_top_left": [(int(224 * 320 / 240) - 224) // 2, 0],
                "stored": "pixel_values[:, :, ::4, ::4]", "clip_rule": CLIP_RULE, "files": files}
    (folder / "settings.json").write_text(json.dumps(settings, indent=2) + "\n")


def check_pack(model_dir, pack, ref, cfg):
    """The I2V job through the pack's ONNX graphs (ORT, CPU) with diffusers' scheduler; max |diff| to torch per stage."""
    import onnxruntime as ort
    import torch
    from diffusers import UniPCMultistepScheduler
    manifest = json.loads((pack / "pack.json").read_text())
    opts = ort.SessionOptions()
    opts.log_severity_level = 3

    def session(key):
        return ort.InferenceSession(str(pack / manifest["components"][key]["file"]), opts,
                                    providers=["CPUExecutionProvider"])
    folder = ref / "i2v"
    lat = manifest["latent"]
    mean = np.array(lat["mean"], np.float32).reshape(1, -1, 1, 1, 1)
    std = np.array(lat["std"], np.float32).reshape(1, -1, 1, 1, 1)
    report = {}
    states = session("image_encoder").run(None, {"pixel_values": np.load(folder / "clip_input.npy")})[0]
    report["image_states"] = float(np.abs(states - np.load(folder / "image_states.npy")).max())
    still = np.load(folder / "still.npy")
    video = np.zeros((1, 3, cfg["frames"], cfg["height"], cfg["width"]), np.float32)
    video[0, :, 0] = (still.astype(np.float32) / np.float32(255.0) * np.float32(2.0) - np.float32(1.0)).transpose(2, 0, 1)
    moments = session("vae_encoder").run(None, {"sample": video})[0]
    c = lat["channels"]
    cond_lat = (moments[:, :c] - mean) * (np.float32(1.0) / std)
    want = np.load(folder / "condition.npy")
    report["condition_latents"] = float(np.abs(cond_lat - want[:, lat["temporalStride"]:]).max())
    den = session("denoiser")
    pe, ne = np.load(folder / "prompt_embeds.npy"), np.load(folder / "negative_prompt_embeds.npy")
    sched = UniPCMultistepScheduler.from_pretrained(model_dir / "scheduler")
    sched.set_timesteps(cfg["steps"])
    x = torch.from_numpy(np.load(folder / "noise.npy"))
    for i, t in enumerate(sched.timesteps):
        inp = np.concatenate([x.numpy(), want], 1)
        feeds = {"hidden_states": np.concatenate([inp, inp]), "timestep": np.full(2, float(t), np.float32),
                 "encoder_hidden_states": np.concatenate([pe, ne]),
                 "encoder_hidden_states_image": np.concatenate([states, states])}
        vc, vu = den.run(None, feeds)[0]
        if i == 0:
            report["denoiser_step0_cond"] = float(np.abs(vc - np.load(folder / "denoiser_step0_cond.npy")[0]).max())
        guided = vu + cfg["guidance"] * (vc - vu)
        x = sched.step(torch.from_numpy(guided[None]), t, x, return_dict=False)[0]
        report[f"latents_step{i}"] = float(np.abs(x.numpy() - np.load(folder / f"latents_step{i}.npy")).max())
    dec = session("vae_decoder")
    px = dec.run(None, {"latent_sample": (x.numpy() * std + mean).astype(np.float32)})[0]
    frames = np.clip(px[0].transpose(1, 2, 3, 0) / 2 + 0.5, 0, 1)
    report["frames"] = float(np.abs(frames - np.load(folder / "frames.npy")).max())
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="diffusers Wan 2.1 I2V folder")
    ap.add_argument("pack", type=Path, help="the pack exported from it (wan_export.py)")
    ap.add_argument("--diffusers-src", help="src folder of a diffusers checkout (or $DIFFUSERS_SRC)")
    ap.add_argument("--out", type=Path, help="default: <pack>-reference beside the pack")
    ap.add_argument("--check-pack", action="store_true", help="also run the job through the pack's ONNX graphs")
    args = ap.parse_args()
    import_diffusers(args.diffusers_src, "wan_i2v_reference")
    import torch
    from diffusers import WanImageToVideoPipeline
    torch.manual_seed(0)
    out = args.out or args.pack.with_name(args.pack.name + "-reference")
    out.mkdir(parents=True, exist_ok=True)
    pipe = WanImageToVideoPipeline.from_pretrained(args.model, torch_dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    checks = {}
    run_i2v(pipe, I2V, out, checks)
    run_clip_resize(pipe, out)
    for k, v in checks.items():
        print(f"wan_i2v_reference: torch: {k}: max |diff| {v:.3g}", file=sys.stderr)
    if args.check_pack:
        report = check_pack(args.model, args.pack, out, I2V)
        for k, v in report.items():
            print(f"wan_i2v_reference: ORT pack vs torch: {k}: max |diff| {v:.3g}", file=sys.stderr)
        checks.update({f"ort_{k}": v for k, v in report.items()})
    (out / "checks.json").write_text(json.dumps(checks, indent=2) + "\n")


if __name__ == "__main__":
    main()
