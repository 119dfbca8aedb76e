package dev.kinora.engine.scheduler;

import java.util.Arrays;

/**
 * diffusers' {@code set_timesteps}, reproduced: the timesteps and sigmas each supported class computes for a
 * config and a step count. Kept apart from the samplers that walk them (see {@link SigmaSchedules}).
 *
 * <p>Where diffusers computes in float32 (torch tensors) the values are rounded to float at the same points, so
 * a timestep that diffusers truncates to an integer lands on the same integer here; the rest is double. numpy's
 * {@code linspace}, {@code arange} and {@code round} (half to even) are followed to the operation.
 */
final class DiffusersSchedules {

    private DiffusersSchedules() {
    }

    /** Which variant of the "leading" / "linspace" / "trailing" spacing a class uses. */
    private enum Spacing { DDIM, UNIPC, EULER }

    /** DDIM's per-call levels: the timestep, alphaBar there, and alphaBar at {@code t - T/n} (or the final one). */
    record DdimLevels(int[] timesteps, double[] alphaBar, double[] alphaBarPrev) {
    }

    // ---------------------------------------------------------------- flow matching

    /** FlowMatchEulerDiscreteScheduler.set_timesteps. */
    static Plan flowMatch(DiffusersConfig c, int numSteps, TimestepInputs in) {
        requireSteps(numSteps);
        int t = c.numTrainTimesteps();
        boolean dynamic = c.flag("use_dynamic_shifting");
        float shift = (float) c.number("shift");
        // __init__: sigmas = linspace(1, T, T)[::-1] / T in float32, shifted unless the shift is dynamic.
        float sigmaMax = 1f;
        float sigmaMin = 1f / t;
        if (!dynamic) {
            sigmaMax = shift * sigmaMax / (1f + (shift - 1f) * sigmaMax);
            sigmaMin = shift * sigmaMin / (1f + (shift - 1f) * sigmaMin);
        }
        double[] s;
        if (in.pipelineSigmas()) {
            s = roundedToFloat(linspace(1.0, 1.0 / numSteps, numSteps));
        } else {
            double[] ts = linspace((double) sigmaMax * t, (double) sigmaMin * t, numSteps);
            s = new double[numSteps];
            for (int i = 0; i < numSteps; i++) {
                s[i] = ts[i] / t;
            }
        }
        s = dynamic ? timeShift(c, mu(c, in), s) : shifted(s, c.number("shift"));
        s = stretchToTerminal(c, s);
        if (c.flag("use_karras_sigmas")) {
            s = karras(s[s.length - 1], s[0], numSteps);
        } else if (c.flag("use_exponential_sigmas")) {
            s = exponential(s[s.length - 1], s[0], numSteps);
        }
        float[] sigmas32 = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            sigmas32[i] = (float) s[i];
        }
        boolean invert = c.flag("invert_sigmas");
        double[] timesteps = new double[s.length];
        double[] sigmas = new double[s.length + 1];
        for (int i = 0; i < s.length; i++) {
            float sigma = invert ? 1f - sigmas32[i] : sigmas32[i];
            sigmas[i] = sigma;
            timesteps[i] = sigma * (float) t;
        }
        sigmas[s.length] = invert ? 1.0 : 0.0;
        return new Plan(timesteps, sigmas);
    }

    /**
     * diffusers' {@code calculate_shift} (pipeline_flux / pipeline_ltx): mu linear in the image sequence length. UniPC
     * has no keys for it; pipelines then use {@code config.get(key, default)} with Flux's defaults, as here.
     */
    static double mu(DiffusersConfig c, TimestepInputs in) {
        if (in.imageSeqLen() <= 0) {
            throw new IllegalArgumentException(c.schedulerClass().diffusersName() + " with use_dynamic_shifting shifts by the image sequence"
                    + " length (latent frames x height x width in tokens), which was not given");
        }
        double baseLen = c.numberOr("base_image_seq_len", 256);
        double maxLen = c.numberOr("max_image_seq_len", 4096);
        double baseShift = c.numberOr("base_shift", 0.5);
        double maxShift = c.numberOr("max_shift", 1.15);
        double m = (maxShift - baseShift) / (maxLen - baseLen);
        double b = baseShift - m * baseLen;
        return in.imageSeqLen() * m + b;
    }

    private static double[] timeShift(DiffusersConfig c, double mu, double[] s) {
        boolean exponential = c.text("time_shift_type").equals("exponential");
        double e = exponential ? Math.exp(mu) : mu;
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = e / (e + (1.0 / s[i] - 1.0));
        }
        return out;
    }

    private static double[] shifted(double[] s, double shift) {
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = shift * s[i] / (1.0 + (shift - 1.0) * s[i]);
        }
        return out;
    }

    /** LTX-Video's stretch: rescales {@code 1 - sigma} so the last level lands on shift_terminal (0/null: off). */
    private static double[] stretchToTerminal(DiffusersConfig c, double[] s) {
        double terminal = c.numberOrNaN("shift_terminal");
        if (Double.isNaN(terminal) || terminal == 0.0) {
            return s;
        }
        if (1.0 - s[s.length - 1] == 0.0) {
            // diffusers divides 0 by 0 here and samples NaN: one level at 1 has nothing to stretch
            throw new IllegalArgumentException(c.source() + ": shift_terminal " + terminal + " stretches the schedule so its last"
                    + " level lands there, and " + s.length + " step" + (s.length == 1 ? "" : "s") + " ending at noise level 1"
                    + " leave nothing to stretch; take 2 or more steps");
        }
        double scale = (1.0 - s[s.length - 1]) / (1.0 - terminal);
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = 1.0 - (1.0 - s[i]) / scale;
        }
        return out;
    }

    // ---------------------------------------------------------------- UniPC

    /** UniPCMultistepScheduler.set_timesteps; timesteps are int64 there (truncated), so they are whole numbers here. */
    static Plan unipc(DiffusersConfig c, int numSteps, TimestepInputs in) {
        requireSteps(numSteps);
        int t = c.numTrainTimesteps();
        boolean flow = c.flag("use_flow_sigmas");
        if (in.pipelineSigmas() && !flow) {
            throw new IllegalArgumentException("UniPCMultistepScheduler takes pipeline sigmas only with use_flow_sigmas true");
        }
        if (c.flag("use_dynamic_shifting") && in.imageSeqLen() <= 0) {
            mu(c, in); // throws with the explanation
        }
        int n = numSteps;
        double[] ac = alphasCumprod(c);
        double[] vpSigmas = vpSigmas(ac);
        double[] timesteps = Arrays.stream(spacedTimesteps(c, Spacing.UNIPC, n)).asDoubleStream().toArray();
        boolean sigmaMinLast = c.text("final_sigmas_type").equals("sigma_min");
        double[] s;
        double last;
        if (c.flag("use_karras_sigmas") || c.flag("use_exponential_sigmas")) {
            boolean karras = c.flag("use_karras_sigmas");
            double[] logSigmas = logFloat(vpSigmas);
            double lo = orElse(c.numberOrNaN("sigma_min"), vpSigmas[0]);
            double hi = orElse(c.numberOrNaN("sigma_max"), vpSigmas[vpSigmas.length - 1]);
            s = karras ? karras(lo, hi, n) : exponential(lo, hi, n);
            timesteps = new double[n];
            if (flow && karras) {
                for (int i = 0; i < n; i++) {
                    s[i] = s[i] / (s[i] + 1);
                    timesteps[i] = s[i] * t;
                }
            } else {
                for (int i = 0; i < n; i++) {
                    timesteps[i] = sigmaToT(s[i], logSigmas);
                    if (karras) {
                        timesteps[i] = Math.rint(timesteps[i]);
                    }
                }
            }
            last = sigmaMinLast ? s[n - 1] : 0.0;
        } else if (flow) {
            s = in.pipelineSigmas() ? linspace(1.0, 1.0 / n, n) : Arrays.copyOf(linspace(1.0, 1.0 / t, n + 1), n);
            s = c.flag("use_dynamic_shifting") ? timeShift(c, mu(c, in), s) : shifted(s, c.number("flow_shift"));
            s = stretchToTerminal(c, s);
            if (Math.abs(s[0] - 1) < 1e-6) {
                s[0] -= 1e-6; // diffusers: keeps log(alpha) finite in the first update
            }
            timesteps = new double[n];
            for (int i = 0; i < n; i++) {
                timesteps[i] = s[i] * t;
            }
            last = sigmaMinLast ? s[n - 1] : 0.0;
        } else {
            s = interp(timesteps, vpSigmas);
            last = sigmaMinLast ? (float) Math.sqrt((float) ((1f - (float) ac[0]) / (float) ac[0])) : 0.0;
        }
        double[] sigmas = new double[n + 1];
        for (int i = 0; i < n; i++) {
            sigmas[i] = (float) s[i];
            timesteps[i] = (long) timesteps[i];
        }
        sigmas[n] = (float) last;
        requireDistinctLevels(c, sigmas, numSteps, "");
        return new Plan(timesteps, sigmas);
    }

    // ---------------------------------------------------------------- LCM

    /**
     * LCMScheduler.set_timesteps: the distillation schedule {@code (1..floor(original*strength)) * (T // original) - 1},
     * reversed, and {@code numSteps} of it at the indices {@code floor(linspace(0, len, numSteps, endpoint=False))}.
     */
    static int[] lcm(DiffusersConfig c, int numSteps, float strength) {
        requireSteps(numSteps);
        int t = c.numTrainTimesteps();
        int original = c.integer("original_inference_steps");
        if (numSteps > original) {
            throw new IllegalArgumentException(numSteps + " steps is more than the " + original + " steps " + c.source()
                    + " was distilled on (original_inference_steps); LCM takes 1 to " + original);
        }
        int k = t / original;
        int len = (int) (original * (double) strength);
        if (len / numSteps < 1) {
            throw new IllegalArgumentException("strength " + strength + " leaves " + len + " of the " + original
                    + " distillation timesteps, fewer than the " + numSteps + " steps asked for; raise the strength or take fewer steps");
        }
        int[] out = new int[numSteps];
        for (int i = 0; i < numSteps; i++) {
            int index = (int) Math.floor(i * ((double) len / numSteps)); // numpy linspace(0, len, n, endpoint=False)
            out[i] = (len - index) * k - 1;
        }
        return out;
    }

    /** {@code sqrt((1 - alphas_bar) / alphas_bar)} in float32: the k-diffusion level of a DDPM timestep. */
    static double vpSigma(double alphaBar) {
        float a = (float) alphaBar;
        return (float) Math.sqrt((float) ((1f - a) / a));
    }

    // ---------------------------------------------------------------- DPM-Solver

    /**
     * DPMSolverMultistepScheduler.set_timesteps: UniPC's spacings up to the last timestep that lambda_min_clipped
     * leaves, then the k-diffusion levels at those timesteps, or Karras, exponential, Lu (uniform log-SNR) or flow
     * levels; int64 timesteps (rounded where diffusers rounds, else truncated) and float32 sigmas.
     */
    static Plan dpm(DiffusersConfig c, int numSteps, TimestepInputs in) {
        requireSteps(numSteps);
        int t = c.numTrainTimesteps();
        boolean flow = c.flag("use_flow_sigmas");
        if (in.pipelineSigmas()) {
            throw new IllegalArgumentException("DPMSolverMultistepScheduler takes no pipeline sigmas (its set_timesteps has no sigmas argument)");
        }
        int n = numSteps;
        double[] ac = alphasCumprod(c);
        double[] vpSigmas = vpSigmas(ac);
        int lastTrained = lastTimestep(c, ac);
        if (lastTrained < 1) {
            throw new IllegalArgumentException(c.source() + ": lambda_min_clipped " + c.number("lambda_min_clipped")
                    + " is above every trained timestep's log-SNR, so no timestep is left to sample (diffusers' default is -Infinity)");
        }
        double[] timesteps = Arrays.stream(spacedTimesteps(c, Spacing.UNIPC, n, lastTrained)).asDoubleStream().toArray();
        boolean round = !c.text("beta_schedule").equals("squaredcos_cap_v2");
        double[] logSigmas = logFloat(vpSigmas);
        double[] s;
        if (c.flag("use_karras_sigmas") || c.flag("use_exponential_sigmas") || c.flag("use_lu_lambdas")) {
            double lo = vpSigmas[0];
            double hi = vpSigmas[vpSigmas.length - 1];
            if (c.flag("use_karras_sigmas")) {
                s = karras(lo, hi, n);
            } else if (c.flag("use_exponential_sigmas")) {
                s = exponential(lo, hi, n);
                round = false;
            } else {
                // diffusers' _convert_to_lu with rho 1: log-sigmas evenly spaced from the largest to the smallest.
                double[] l = linspace(0, 1, n);
                double lmax = logSigmas[logSigmas.length - 1];
                double lmin = logSigmas[0];
                s = new double[n];
                for (int i = 0; i < n; i++) {
                    s[i] = Math.exp(lmax + l[i] * (lmin - lmax));
                }
            }
            timesteps = new double[n];
            for (int i = 0; i < n; i++) {
                timesteps[i] = sigmaToT(s[i], logSigmas);
                if (round) {
                    timesteps[i] = Math.rint(timesteps[i]);
                }
            }
        } else if (flow) {
            double shift = c.flag("use_dynamic_shifting") ? Math.exp(mu(c, in)) : c.number("flow_shift");
            double[] alphas = linspace(1.0, 1.0 / t, n + 1);
            s = new double[n];
            timesteps = new double[n];
            for (int i = 0; i < n; i++) {
                double sigma = 1.0 - alphas[n - i];
                s[i] = shift * sigma / (1 + (shift - 1) * sigma);
                timesteps[i] = s[i] * t;
            }
        } else {
            s = interp(timesteps, vpSigmas);
        }
        double last = c.text("final_sigmas_type").equals("sigma_min") ? vpSigmas[0] : 0.0;
        n = timesteps.length;
        double[] sigmas = new double[n + 1];
        for (int i = 0; i < n; i++) {
            sigmas[i] = (float) s[i];
            timesteps[i] = (long) timesteps[i];
        }
        sigmas[n] = (float) last;
        requireDistinctLevels(c, sigmas, numSteps,
                lastTrained < c.numTrainTimesteps() ? "; lambda_min_clipped leaves " + lastTrained + " timesteps" : "");
        return new Plan(timesteps, sigmas);
    }

    /**
     * A multistep solver (DPM-Solver, UniPC) divides by each step's change of log-SNR: two calls on one noise level (more
     * steps than the schedule has distinct timesteps) make that 0, and diffusers returns inf or NaN there.
     */
    private static void requireDistinctLevels(DiffusersConfig c, double[] sigmas, int numSteps, String why) {
        for (int i = 0; i + 1 < sigmas.length; i++) {
            if (!(sigmas[i] > sigmas[i + 1])) {
                throw new IllegalArgumentException(c.source() + ": " + numSteps + " steps put calls " + i + " and " + (i + 1) + " on the"
                        + " same noise level (" + (float) sigmas[i] + "), which " + c.schedulerClass().diffusersName()
                        + " cannot step across (" + c.numTrainTimesteps() + " training timesteps" + why + "); take fewer steps");
            }
        }
    }

    /**
     * The number of training timesteps left after lambda_min_clipped: T minus the count of log-SNRs below it
     * (torch.searchsorted on the flipped, increasing lambdas, in float32).
     */
    private static int lastTimestep(DiffusersConfig c, double[] ac) {
        double clip = c.number("lambda_min_clipped");
        int below = 0;
        for (double a : ac) {
            float af = (float) a;
            float lambda = (float) Math.log((float) Math.sqrt(af)) - (float) Math.log((float) Math.sqrt(1f - af));
            if (lambda < clip) {
                below++;
            }
        }
        return c.numTrainTimesteps() - below;
    }

    /** UniPC's flow levels with a plain flow_shift and final sigma 0, for a Kinora flow pack (no diffusers config). */
    static Plan unipcFlow(int numTrainTimesteps, double flowShift, int numSteps) {
        requireSteps(numSteps);
        double[] s = shifted(Arrays.copyOf(linspace(1.0, 1.0 / numTrainTimesteps, numSteps + 1), numSteps), flowShift);
        if (Math.abs(s[0] - 1) < 1e-6) {
            s[0] -= 1e-6;
        }
        double[] timesteps = new double[numSteps];
        double[] sigmas = new double[numSteps + 1];
        for (int i = 0; i < numSteps; i++) {
            timesteps[i] = (long) (s[i] * numTrainTimesteps);
            sigmas[i] = (float) s[i];
        }
        return new Plan(timesteps, sigmas);
    }

    // ---------------------------------------------------------------- DDIM

    /** DDIMScheduler / CogVideoXDDIMScheduler: timesteps and the alphaBar pairs each step moves between. */
    static DdimLevels ddim(DiffusersConfig c, int numSteps) {
        requireSteps(numSteps);
        int t = c.numTrainTimesteps();
        if (numSteps > t) {
            throw new IllegalArgumentException("numSteps " + numSteps + " exceeds the " + t + " trained timesteps of " + c.source());
        }
        double[] ac = alphasCumprod(c);
        double last = c.flag("set_alpha_to_one") ? 1.0 : ac[0];
        long[] ts = spacedTimesteps(c, Spacing.DDIM, numSteps);
        int[] timesteps = new int[numSteps];
        double[] alphaBar = new double[numSteps];
        double[] alphaBarPrev = new double[numSteps];
        for (int k = 0; k < numSteps; k++) {
            if (ts[k] < 0 || ts[k] >= t) {
                throw new IllegalArgumentException(c.source() + ": timestep " + ts[k] + " (steps_offset " + c.integer("steps_offset")
                        + ") is outside the " + t + " trained timesteps at " + numSteps + " steps");
            }
            timesteps[k] = (int) ts[k];
            alphaBar[k] = ac[timesteps[k]];
            int prev = timesteps[k] - t / numSteps;
            alphaBarPrev[k] = prev >= 0 ? ac[prev] : last;
        }
        return new DdimLevels(timesteps, alphaBar, alphaBarPrev);
    }

    // ---------------------------------------------------------------- Euler

    /** EulerDiscreteScheduler.set_timesteps (float32 timesteps; continuous ones are {@code 0.25 ln sigma}). */
    static Plan euler(DiffusersConfig c, int numSteps) {
        requireSteps(numSteps);
        double[] ac = alphasCumprod(c);
        double[] vpSigmas = vpSigmas(ac);
        double[] logSigmas = logFloat(vpSigmas);
        double[] timesteps = spacedEuler(c, numSteps);
        double[] s = interp(timesteps, vpSigmas);
        boolean karras = c.flag("use_karras_sigmas");
        if (karras || c.flag("use_exponential_sigmas")) {
            double lo = orElse(c.numberOrNaN("sigma_min"), s[s.length - 1]);
            double hi = orElse(c.numberOrNaN("sigma_max"), s[0]);
            s = karras ? karras(lo, hi, numSteps) : exponential(lo, hi, numSteps);
            for (int i = 0; i < numSteps; i++) {
                timesteps[i] = sigmaToT(s[i], logSigmas);
            }
        }
        double last = c.text("final_sigmas_type").equals("sigma_min") ? (float) Math.sqrt((float) ((1f - (float) ac[0]) / (float) ac[0])) : 0.0;
        double[] sigmas = new double[numSteps + 1];
        for (int i = 0; i < numSteps; i++) {
            sigmas[i] = (float) s[i];
        }
        sigmas[numSteps] = (float) last;
        boolean continuous = c.text("timestep_type").equals("continuous") && c.predictionType() == PredictionType.V_PREDICTION;
        for (int i = 0; i < numSteps; i++) {
            timesteps[i] = continuous ? 0.25f * (float) Math.log((float) sigmas[i]) : (float) timesteps[i];
        }
        return new Plan(timesteps, sigmas);
    }

    /** EulerAncestralDiscreteScheduler.set_timesteps: EulerDiscrete's spacings and interpolated levels, then 0. */
    static Plan eulerAncestral(DiffusersConfig c, int numSteps) {
        requireSteps(numSteps);
        double[] vpSigmas = vpSigmas(alphasCumprod(c));
        double[] timesteps = spacedEuler(c, numSteps);
        double[] s = interp(timesteps, vpSigmas);
        double[] sigmas = new double[numSteps + 1];
        for (int i = 0; i < numSteps; i++) {
            sigmas[i] = (float) s[i];
            timesteps[i] = (float) timesteps[i];
        }
        return new Plan(timesteps, sigmas);
    }

    /** EulerDiscreteScheduler.init_noise_sigma: the largest sigma, scaled to unit variance for "leading" spacing. */
    static double eulerInitNoiseSigma(DiffusersConfig c, Plan plan) {
        float max = 0f;
        for (double s : plan.sigmas()) {
            max = Math.max(max, (float) s);
        }
        String spacing = c.text("timestep_spacing");
        return spacing.equals("linspace") || spacing.equals("trailing") ? max : (float) Math.sqrt(max * max + 1f);
    }

    private static double[] spacedEuler(DiffusersConfig c, int n) {
        if (c.text("timestep_spacing").equals("linspace")) {
            // np.linspace(0, T-1, n, dtype=float32)[::-1]: fractional timesteps
            double[] l = linspace(0, c.numTrainTimesteps() - 1, n);
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = (float) l[n - 1 - i];
            }
            return out;
        }
        return Arrays.stream(spacedTimesteps(c, Spacing.EULER, n)).asDoubleStream().toArray();
    }

    // ---------------------------------------------------------------- training noise schedule

    /**
     * alphaBar_t for t = 0..T-1 as the class computes it: float32 betas with a double-accumulated cumprod rounded to
     * float (torch on CPU) for DDIM, Euler and UniPC; CogVideoX works in float64 for scaled_linear and divides by its
     * SNR shift before the zero-terminal-SNR rescale.
     */
    static double[] alphasCumprod(DiffusersConfig c) {
        int t = c.numTrainTimesteps();
        boolean cog = c.schedulerClass() == DiffusersConfig.SchedulerClass.COGVIDEOX_DDIM;
        String schedule = c.text("beta_schedule");
        double[] trained = c.numbers("trained_betas");
        double[] betas;
        boolean float64 = false;
        if (trained.length > 0) {
            if (trained.length != t) {
                throw new SchedulerConfigException(c.source() + ": trained_betas has " + trained.length + " values but num_train_timesteps is " + t);
            }
            betas = roundedToFloat(trained);
        } else if (schedule.equals("linear")) {
            betas = torchLinspaceFloat(c.number("beta_start"), c.number("beta_end"), t);
        } else if (schedule.equals("scaled_linear")) {
            if (cog) {
                betas = torchLinspaceDouble(Math.sqrt(c.number("beta_start")), Math.sqrt(c.number("beta_end")), t);
                for (int i = 0; i < t; i++) {
                    betas[i] = betas[i] * betas[i];
                }
                float64 = true;
            } else {
                betas = torchLinspaceFloat(Math.sqrt(c.number("beta_start")), Math.sqrt(c.number("beta_end")), t);
                for (int i = 0; i < t; i++) {
                    betas[i] = (float) (betas[i] * betas[i]);
                }
            }
        } else {
            betas = roundedToFloat(squaredCosineBetas(t));
        }
        for (int i = 0; i < t; i++) {
            if (!(betas[i] > 0)) {
                // a zero beta adds no noise: the first noise level is 0 and every log-SNR step from it infinite
                throw new IllegalArgumentException(c.source() + ": beta " + i + " of its " + schedule + " schedule ("
                        + c.value("beta_start") + " to " + c.value("beta_end") + ") is 0 in float32, as diffusers computes it;"
                        + " Stable Diffusion's betas run from 0.00085 to 0.012");
            }
        }
        if (c.flag("rescale_betas_zero_snr") && !cog) {
            betas = rescaleZeroTerminalSnrBetas(betas);
        }
        double[] ac = cumprod(betas, float64);
        if (cog) {
            double snr = c.number("snr_shift_scale");
            for (int i = 0; i < t; i++) {
                if (float64) {
                    ac[i] = ac[i] / (snr + (1 - snr) * ac[i]);
                } else {
                    float a = (float) ac[i];
                    ac[i] = a / ((float) snr + (float) (1 - snr) * a);
                }
            }
            if (c.flag("rescale_betas_zero_snr")) {
                ac = rescaleZeroTerminalSnrAlphaBars(ac, float64);
            }
        } else if (c.flag("rescale_betas_zero_snr")) {
            // Euler, UniPC and DPM-Solver keep the first sigma finite with fp16's smallest subnormal; DDIM and LCM keep the exact 0.
            if (c.schedulerClass() != DiffusersConfig.SchedulerClass.DDIM && c.schedulerClass() != DiffusersConfig.SchedulerClass.LCM) {
                ac[t - 1] = 0x1p-24;
            }
        }
        if (!((float) ac[0] < 1f)) {
            // the first training step adds no noise in float32: noise level 0 there, and a log-SNR step from it infinite
            throw new IllegalArgumentException(c.source() + ": its first beta (beta_start " + c.value("beta_start") + ") is too small to add noise"
                    + " in float32 (alphas_cumprod[0] rounds to 1), as diffusers computes it; Stable Diffusion's is 0.00085");
        }
        for (int i = 0; i < t; i++) {
            float a = (float) ac[i];
            boolean noSignal = !(a > 0) || Float.isInfinite((1f - a) / a); // the float32 noise level is infinite
            if (noSignal && !(c.flag("rescale_betas_zero_snr") && i == t - 1)) {
                // only a zero-SNR schedule may end in pure noise; elsewhere an infinite noise level makes NaN steps
                throw new IllegalArgumentException(c.source() + ": its betas (" + c.text("beta_schedule") + ", " + c.value("beta_start")
                        + " to " + c.value("beta_end") + " over " + t + " timesteps) leave no signal from training timestep " + i
                        + " on (alphas_cumprod underflows); Stable Diffusion's run from 0.00085 to 0.012 over 1000");
            }
        }
        return ac;
    }

    /** {@code (1 - alphas_bar) / alphas_bar) ** 0.5} in float32, t = 0..T-1 (increasing). */
    private static double[] vpSigmas(double[] ac) {
        double[] out = new double[ac.length];
        for (int i = 0; i < ac.length; i++) {
            out[i] = vpSigma(ac[i]);
        }
        return out;
    }

    private static double[] cumprod(double[] betas, boolean float64) {
        double[] out = new double[betas.length];
        double product = 1.0;
        for (int i = 0; i < betas.length; i++) {
            double alpha = float64 ? 1.0 - betas[i] : (float) (1f - (float) betas[i]);
            product *= alpha;
            out[i] = float64 ? product : (float) product;
        }
        return out;
    }

    /** diffusers' rescale_zero_terminal_snr on betas (Lin et al. 2023, Algorithm 1), in float32 as torch runs it. */
    private static double[] rescaleZeroTerminalSnrBetas(double[] betas) {
        double[] ac = cumprod(betas, false);
        int n = ac.length;
        float[] sqrt = new float[n];
        for (int i = 0; i < n; i++) {
            sqrt[i] = (float) Math.sqrt((float) ac[i]);
        }
        float first = sqrt[0];
        float lastValue = sqrt[n - 1];
        float scale = first / (first - lastValue);
        float[] bar = new float[n];
        for (int i = 0; i < n; i++) {
            float v = (sqrt[i] - lastValue) * scale;
            bar[i] = v * v;
        }
        double[] out = new double[n];
        out[0] = 1f - bar[0];
        for (int i = 1; i < n; i++) {
            out[i] = 1f - bar[i] / bar[i - 1];
        }
        return out;
    }

    /** CogVideoX's variant, applied to alphaBar directly. */
    private static double[] rescaleZeroTerminalSnrAlphaBars(double[] ac, boolean float64) {
        int n = ac.length;
        double[] sqrt = new double[n];
        for (int i = 0; i < n; i++) {
            sqrt[i] = float64 ? Math.sqrt(ac[i]) : (float) Math.sqrt(ac[i]);
        }
        double first = sqrt[0];
        double lastValue = sqrt[n - 1];
        double scale = first / (first - lastValue);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double v = (sqrt[i] - lastValue) * scale;
            out[i] = float64 ? v * v : (float) (v * v);
        }
        return out;
    }

    /** Glide's cosine schedule, {@code betas_for_alpha_bar} with max_beta 0.999. */
    private static double[] squaredCosineBetas(int t) {
        double[] betas = new double[t];
        for (int i = 0; i < t; i++) {
            double t1 = (double) i / t;
            double t2 = (double) (i + 1) / t;
            betas[i] = Math.min(1 - cosineAlphaBar(t2) / cosineAlphaBar(t1), 0.999);
        }
        return betas;
    }

    private static double cosineAlphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    // ---------------------------------------------------------------- spacing

    /** The "linspace" / "leading" / "trailing" integer timesteps, highest first (Table 2 of Lin et al. 2023). */
    private static long[] spacedTimesteps(DiffusersConfig c, Spacing variant, int n) {
        return spacedTimesteps(c, variant, n, c.numTrainTimesteps());
    }

    /** As above, the spacing running up to {@code last} instead of T (DPM-Solver's lambda_min_clipped); trailing keeps T/n. */
    private static long[] spacedTimesteps(DiffusersConfig c, Spacing variant, int n, int last) {
        int t = last;
        int offset = c.integer("steps_offset");
        String spacing = c.text("timestep_spacing");
        long[] out = new long[n];
        switch (spacing) {
            case "linspace" -> {
                // DDIM: linspace(0, T-1, n); UniPC: linspace(0, T-1, n+1) without its last (lowest) entry
                int count = variant == Spacing.UNIPC ? n + 1 : n;
                double[] l = linspace(0, t - 1, count);
                for (int i = 0; i < n; i++) {
                    out[i] = (long) Math.rint(l[count - 1 - i]);
                }
            }
            case "leading" -> {
                int ratio = variant == Spacing.UNIPC ? t / (n + 1) : t / n;
                int count = variant == Spacing.UNIPC ? n + 1 : n;
                for (int i = 0; i < n; i++) {
                    out[i] = (long) (count - 1 - i) * ratio + offset;
                }
            }
            case "trailing" -> {
                double[] a = arange(t, 0, -((double) c.numTrainTimesteps() / n));
                if (a.length != n && t == c.numTrainTimesteps()) {
                    throw new IllegalStateException("trailing spacing gave " + a.length + " timesteps for " + n + " steps");
                }
                out = new long[a.length];
                for (int i = 0; i < a.length; i++) {
                    out[i] = (long) Math.rint(a[i]) - 1;
                }
            }
            default -> throw new IllegalStateException(spacing);
        }
        return out;
    }

    // ---------------------------------------------------------------- numpy / torch arithmetic

    /** numpy.linspace (float64, endpoint included): {@code start + i*step}, the last entry exactly stop. */
    static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        if (num == 1) {
            y[0] = start;
            return y;
        }
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    /** numpy.arange for floats: numpy fills with {@code start + i*delta}, delta = (start + step) - start. */
    private static double[] arange(double start, double stop, double step) {
        int len = (int) Math.ceil((stop - start) / step);
        double[] out = new double[Math.max(len, 0)];
        double delta = (start + step) - start;
        for (int i = 0; i < out.length; i++) {
            out[i] = start + i * delta;
        }
        return out;
    }

    /** torch.linspace in float32 (the scalar kernel: the first half counts up from start, the second down from end). */
    private static double[] torchLinspaceFloat(double start, double end, int steps) {
        float a = (float) start;
        float b = (float) end;
        float step = (b - a) / (steps - 1);
        double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = i < steps / 2 ? a + step * i : b - step * (steps - i - 1);
        }
        return out;
    }

    private static double[] torchLinspaceDouble(double a, double b, int steps) {
        double step = (b - a) / (steps - 1);
        double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = i < steps / 2 ? a + step * i : b - step * (steps - i - 1);
        }
        return out;
    }

    /** Karras et al. (2022) rho = 7 levels from sigmaMax down to sigmaMin, n of them (no trailing 0). */
    private static double[] karras(double sigmaMin, double sigmaMax, int n) {
        double rho = SigmaSchedules.KARRAS_RHO;
        double[] ramp = linspace(0, 1, n);
        double minInv = Math.pow(sigmaMin, 1 / rho);
        double maxInv = Math.pow(sigmaMax, 1 / rho);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.pow(maxInv + ramp[i] * (minInv - maxInv), rho);
        }
        return out;
    }

    private static double[] exponential(double sigmaMin, double sigmaMax, int n) {
        double[] l = linspace(Math.log(sigmaMax), Math.log(sigmaMin), n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.exp(l[i]);
        }
        return out;
    }

    /** diffusers' _sigma_to_t: the fractional timestep whose log-sigma matches, by linear interpolation. */
    private static double sigmaToT(double sigma, double[] logSigmas) {
        double logSigma = Math.log(Math.max(sigma, 1e-10));
        int count = 0;
        for (double l : logSigmas) {
            if (logSigma - l >= 0) {
                count++;
            }
        }
        int low = Math.min(Math.max(count - 1, 0), logSigmas.length - 2);
        double lowLog = logSigmas[low];
        double highLog = logSigmas[low + 1];
        double w = Math.min(Math.max((lowLog - logSigma) / (lowLog - highLog), 0), 1);
        return (1 - w) * low + w * (low + 1);
    }

    /** numpy.interp(x, arange(len(fp)), fp). */
    private static double[] interp(double[] x, double[] fp) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            if (v <= 0) {
                out[i] = fp[0];
            } else if (v >= fp.length - 1) {
                out[i] = fp[fp.length - 1];
            } else {
                int j = (int) Math.floor(v);
                double slope = (fp[j + 1] - fp[j]);
                out[i] = slope * (v - j) + fp[j];
            }
        }
        return out;
    }

    private static double[] logFloat(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) Math.log(values[i]);
        }
        return out;
    }

    private static double[] roundedToFloat(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static double orElse(double value, double fallback) {
        return Double.isNaN(value) ? fallback : value;
    }

    private static void requireSteps(int numSteps) {
        if (numSteps < 1) {
            throw new IllegalArgumentException("numSteps must be >= 1, was " + numSteps);
        }
    }
}
