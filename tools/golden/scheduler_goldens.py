#!/usr/bin/env python3
"""Golden timesteps, sigmas and step outputs of diffusers' schedulers, for SchedulerGoldenTest.

For every config in src/test/resources/schedulers/*.json (a family's scheduler_config.json, verbatim) this
runs diffusers' own scheduler class and writes <name>.golden.json beside it:

    python tools/golden/scheduler_goldens.py --diffusers-src /tmp/diffusers/src

--diffusers-src is the `src` folder of a diffusers checkout (e.g. `git archive HEAD src | tar -x`). When
diffusers' package imports (it needs huggingface_hub and friends) the real package is used; otherwise the
scheduler modules are loaded on their own behind a few stand-ins for diffusers' config plumbing
(ConfigMixin / register_to_config / BaseOutput). The stand-ins only store constructor arguments the way
`from_config` does (keys the class does not take are dropped); every number comes from diffusers' code.

Step outputs: a pipeline-shaped loop with an analytic stand-in model, the same one the Java test runs:
    x = SAMPLE * init_noise_sigma
    for k, t: xin = scale_model_input(x, t); out = 0.5*xin + 0.1*cos(j + 0.37*k) (float32); x = step(out, t, x)
Needs torch and numpy only.
"""
import argparse
import dataclasses
import functools
import importlib.util
import inspect
import json
import logging
import math
import subprocess
import sys
import types
from enum import Enum
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "src/test/resources/schedulers"

SAMPLE = [0.5, -1.2, 0.3, 1.7, -0.8, 0.05, -2.1, 0.9]

# name -> list of runs: steps, optional image sequence length (dynamic shifting) and sigmas mode.
# "pipeline" sigmas are what the family's diffusers pipeline passes to set_timesteps (LTX: linspace(1, 1/n, n)).
CASES = {
    "wan2.1-t2v-1.3b": [{"steps": 50}, {"steps": 20}],
    "wan2.1-t2v-14b-720p": [{"steps": 50}, {"steps": 20}],
    "ltx-video-0.9.1": [
        {"steps": 50, "seq_len": 6144},
        {"steps": 20, "seq_len": 1024},
        {"steps": 50, "seq_len": 6144, "pipeline_sigmas": True},
        {"steps": 8, "seq_len": 1024, "pipeline_sigmas": True},
    ],
    "flow-match-euler-shift3": [{"steps": 28}, {"steps": 7}],
    "animatediff-ddim": [{"steps": 25}, {"steps": 7}],
    "sd15-ddim": [{"steps": 50}, {"steps": 30}],
    "cogvideox-2b-ddim": [{"steps": 50}, {"steps": 30}],
    "svd-xt-euler": [{"steps": 25}, {"steps": 10}],
    # Not shipped by a family: the other branches of each class's set_timesteps and step.
    "variant-unipc-vp-order3-bh1": [{"steps": 20}, {"steps": 7}],
    "variant-unipc-karras-vpred": [{"steps": 15}],
    "variant-unipc-flow-dynamic": [{"steps": 12, "seq_len": 2048}, {"steps": 9, "seq_len": 512, "pipeline_sigmas": True}],
    "variant-ddim-zero-snr": [{"steps": 30}],
    "variant-ddim-cosine-linspace": [{"steps": 12}],
    "variant-euler-linspace-epsilon": [{"steps": 30}],
    "variant-euler-exponential-trailing": [{"steps": 12}],
    "variant-flow-match-karras": [{"steps": 10}],
    "variant-flow-match-linear-time-shift": [{"steps": 10, "seq_len": 1024}],
    # DPM-Solver: an SD-style DPM++ 2M Karras config as diffusers saves it (-Infinity included), AnimateDiff's DDIM
    # config as DPMSolverMultistepScheduler.from_config(..., use_karras_sigmas=True) makes it, and the other branches.
    "sd-dpmsolver-karras": [{"steps": 25}, {"steps": 10}],
    "animatediff-ddim-as-dpm-karras": [{"steps": 25}, {"steps": 8}],
    "variant-dpm-order3-vpred-euler-final": [{"steps": 20}, {"steps": 7}],
    "variant-dpm-dpmsolver-heun-trailing": [{"steps": 16}, {"steps": 6}],
    "variant-dpm-cosine-clipped-order3": [{"steps": 20}],
    "variant-dpm-lu-sample": [{"steps": 12}],
    "variant-dpm-exponential-heun": [{"steps": 18}],
    "variant-dpm-flow-shift": [{"steps": 20}, {"steps": 9}],
    # LCM draws fresh noise in step(): each case records it ("noise", one list per step) for the Java side to reuse.
    "animatelcm-lcm": [{"steps": 4}, {"steps": 8}, {"steps": 4, "strength": 0.6}],
    "variant-lcm-vpred-clip-zero-snr": [{"steps": 6}, {"steps": 1}],
    # Samplers that add noise at every step, with the noise recorded: Euler ancestral, DPM++ 2M SDE.
    "sd-euler-ancestral": [{"steps": 20}, {"steps": 7}],
    "variant-euler-a-vpred-trailing": [{"steps": 12}],
    "variant-euler-a-linspace": [{"steps": 9}],
    "variant-dpm-sde-karras": [{"steps": 20}, {"steps": 8}],
    "variant-dpm-sde-order3-heun": [{"steps": 16}],
    "variant-dpm-sde-noise-form-heun": [{"steps": 10}],
    # FlowMatch Heun: two calls a step but the last.
    "variant-flow-match-heun-shift3": [{"steps": 10}, {"steps": 1}],
    "variant-flow-match-heun": [{"steps": 6}],
}

REAL_DIFFUSERS = None

MODULES = {
    "UniPCMultistepScheduler": "scheduling_unipc_multistep",
    "FlowMatchEulerDiscreteScheduler": "scheduling_flow_match_euler_discrete",
    "DDIMScheduler": "scheduling_ddim",
    "CogVideoXDDIMScheduler": "scheduling_ddim_cogvideox",
    "EulerDiscreteScheduler": "scheduling_euler_discrete",
    "DPMSolverMultistepScheduler": "scheduling_dpmsolver_multistep",
    "LCMScheduler": "scheduling_lcm",
    "EulerAncestralDiscreteScheduler": "scheduling_euler_ancestral_discrete",
    "FlowMatchHeunDiscreteScheduler": "scheduling_flow_match_heun_discrete",
}

# Every draw of the stand-in randn_tensor, so a scheduler's own noise can be written into the golden.
NOISE_LOG = []


def logged_randn(shape, generator=None, device=None, dtype=None):
    z = torch.randn(shape, generator=generator, dtype=dtype)
    NOISE_LOG.append(z.clone())
    return z


def install_stand_ins():
    """Just enough of diffusers' package around the scheduler modules to import them without huggingface_hub."""
    pkg = types.ModuleType("diffusers")
    pkg.__path__ = []
    sched = types.ModuleType("diffusers.schedulers")
    sched.__path__ = []

    class Config(dict):
        def __getattr__(self, name):
            try:
                return self[name]
            except KeyError as e:
                raise AttributeError(name) from e

    class ConfigMixin:
        config_name = "scheduler_config.json"

        def register_to_config(self, **kwargs):
            merged = dict(getattr(self, "_internal_dict", {}))
            merged.update(kwargs)
            self._internal_dict = Config(merged)

        @property
        def config(self):
            return self._internal_dict

    def register_to_config(init):
        @functools.wraps(init)
        def wrapper(self, *args, **kwargs):
            bound = inspect.signature(init).bind(self, *args, **kwargs)
            bound.apply_defaults()
            values = {k: v for k, v in bound.arguments.items() if k != "self"}
            ConfigMixin.register_to_config(self, **values)
            init(self, *args, **kwargs)

        return wrapper

    class BaseOutput:
        pass

    configuration_utils = types.ModuleType("diffusers.configuration_utils")
    configuration_utils.ConfigMixin = ConfigMixin
    configuration_utils.register_to_config = register_to_config

    utils = types.ModuleType("diffusers.utils")
    utils.__path__ = []
    utils.BaseOutput = BaseOutput
    utils.deprecate = lambda *a, **k: None
    utils.is_scipy_available = lambda: False
    utils.logging = types.SimpleNamespace(get_logger=logging.getLogger)
    torch_utils = types.ModuleType("diffusers.utils.torch_utils")
    torch_utils.randn_tensor = logged_randn

    scheduling_utils = types.ModuleType("diffusers.schedulers.scheduling_utils")
    scheduling_utils.KarrasDiffusionSchedulers = Enum("KarrasDiffusionSchedulers", "DDIMScheduler EulerDiscreteScheduler")

    class SchedulerMixin:
        pass

    @dataclasses.dataclass
    class SchedulerOutput(BaseOutput):
        prev_sample: torch.Tensor

    scheduling_utils.SchedulerMixin = SchedulerMixin
    scheduling_utils.SchedulerOutput = SchedulerOutput

    for name, module in {
        "diffusers": pkg,
        "diffusers.schedulers": sched,
        "diffusers.configuration_utils": configuration_utils,
        "diffusers.utils": utils,
        "diffusers.utils.torch_utils": torch_utils,
        "diffusers.schedulers.scheduling_utils": scheduling_utils,
    }.items():
        sys.modules[name] = module


def scheduler_class(src: Path, class_name: str):
    if class_name not in MODULES:
        raise SystemExit(f"no golden support for _class_name {class_name!r}")
    if REAL_DIFFUSERS is not None:
        return getattr(REAL_DIFFUSERS, class_name), "package"
    if "diffusers.configuration_utils" not in sys.modules:
        install_stand_ins()
    module_name = "diffusers.schedulers." + MODULES[class_name]
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, src / "diffusers/schedulers" / (MODULES[class_name] + ".py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return getattr(sys.modules[module_name], class_name), "modules"


def build(cls, config):
    """As diffusers' from_config: keys the class's __init__ does not take are dropped."""
    params = inspect.signature(cls.__init__).parameters
    unused = sorted(k for k in config if k not in params and not k.startswith("_"))
    if unused:
        print(f"  {cls.__name__} ignores {unused}")
    return cls(**{k: v for k, v in config.items() if k in params and k != "self"})


def calculate_shift(seq_len, config):
    """diffusers' calculate_shift (pipeline_ltx.py / pipeline_flux.py), with the config.get defaults Flux's pipeline uses."""
    base_len, max_len = config.get("base_image_seq_len", 256), config.get("max_image_seq_len", 4096)
    base_shift, max_shift = config.get("base_shift", 0.5), config.get("max_shift", 1.15)
    m = (max_shift - base_shift) / (max_len - base_len)
    b = base_shift - m * base_len
    return seq_len * m + b


def floats(t):
    return [float(v) for v in np.asarray(t, dtype=np.float64).ravel()]


def run_case(cls, config, case):
    s = build(cls, config)
    kwargs = {}
    if "seq_len" in case:
        kwargs["mu"] = calculate_shift(case["seq_len"], config)
    n = case["steps"]
    if "strength" in case:
        kwargs["strength"] = case["strength"]  # LCMScheduler.set_timesteps' own (img2img) truncation
    if case.get("pipeline_sigmas"):
        s.set_timesteps(sigmas=np.linspace(1.0, 1 / n, n), **kwargs)
    else:
        s.set_timesteps(n, **kwargs)
    timesteps = s.timesteps.clone()
    if hasattr(s, "sigmas") and len(s.sigmas) == len(timesteps) + 1:
        sigmas = floats(s.sigmas)
    else:
        # DDPM-family schedulers without sigmas: the k-diffusion levels sqrt((1-abar)/abar) at each timestep, then 0.
        abar = s.alphas_cumprod.to(torch.float64)[timesteps.long()]
        sigmas = floats(((1 - abar) / abar).sqrt()) + [0.0]
    # FlowMatchEuler has neither: its pipelines start from plain noise and feed the sample as it is.
    init = float(getattr(s, "init_noise_sigma", 1.0))
    scale = getattr(s, "scale_model_input", lambda sample, t: sample)
    x = torch.tensor([SAMPLE], dtype=torch.float32) * init
    trajectory = []
    noises = []
    generator = torch.Generator().manual_seed(1234)
    takes_generator = "generator" in inspect.signature(s.step).parameters
    for k, t in enumerate(timesteps):
        xin = scale(x, t)
        j = np.arange(len(SAMPLE), dtype=np.float64)
        out = torch.from_numpy((0.5 * xin.double().numpy() + 0.1 * np.cos(j + 0.37 * k)).astype(np.float32))
        NOISE_LOG.clear()
        extra = {"generator": generator} if takes_generator else {}
        x = s.step(out, t, x, return_dict=False, **extra)[0]
        trajectory.append(floats(x))
        noises.append(floats(NOISE_LOG[0]) if NOISE_LOG else [])
    result = dict(case)
    result.update({
        "timesteps": floats(timesteps),
        "sigmas": sigmas,
        "init_noise_sigma": init,
        "trajectory": trajectory,
    })
    if any(noises):
        result["noise"] = noises
    if "mu" in kwargs:
        result["mu"] = kwargs["mu"]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--diffusers-src", type=Path, required=True, help="src/ folder of a diffusers checkout")
    parser.add_argument("--revision", default="", help="diffusers commit to record (default: git rev-parse in the checkout)")
    parser.add_argument("--only", nargs="*", default=None, help="write only these configs' goldens (default: all)")
    args = parser.parse_args()
    sys.path.insert(0, str(args.diffusers_src))
    revision = args.revision
    if not revision:
        try:
            revision = subprocess.run(["git", "-C", str(args.diffusers_src), "rev-parse", "HEAD"], capture_output=True,
                                      text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            revision = "unknown"
    torch.set_num_threads(1)
    global REAL_DIFFUSERS
    try:
        import diffusers  # the real package, when its dependencies are installed

        REAL_DIFFUSERS = diffusers
    except ImportError:
        for name in list(sys.modules):
            if name == "diffusers" or name.startswith("diffusers."):
                del sys.modules[name]
    for name, cases in CASES.items():
        if args.only is not None and name not in args.only:
            continue
        config = json.loads((RESOURCES / f"{name}.json").read_text())
        cls, how = scheduler_class(args.diffusers_src, config["_class_name"])
        golden = {
            "config": f"{name}.json",
            "class": config["_class_name"],
            "diffusers": revision,
            "loaded_as": how,
            "sample": SAMPLE,
            "model": "out_j = float32(0.5 * scale_model_input(x)_j + 0.1 * cos(j + 0.37 * k))",
            "cases": [run_case(cls, config, case) for case in cases],
        }
        out = RESOURCES / f"{name}.golden.json"
        out.write_text(json.dumps(golden, indent=1) + "\n")
        print(f"wrote {out.relative_to(ROOT)} ({len(cases)} cases, {how})")


if __name__ == "__main__":
    main()
