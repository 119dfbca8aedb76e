package dev.kinora.engine.scheduler;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Deterministic DDIM (eta = 0, Song et al. 2020) for EPSILON / V_PREDICTION / SAMPLE packs.
 *
 * <p>Built from a {@link SchedulerConfig}: diffusers' "trailing" timestep spacing and {@code set_alpha_to_one=True}
 * (the last call lands on alphaBar = 1, clean data), with one deliberate difference from diffusers: each call steps
 * to the next listed timestep, where diffusers steps to {@code t - T/n}. They agree whenever n divides T; otherwise
 * ours keeps the trajectory on the listed levels, which is what remix and known-frame re-noising assume.
 *
 * <p>Built from a diffusers config ({@link DiffusersSchedulers}) it is exactly DDIMScheduler or CogVideoXDDIMScheduler:
 * their spacing, steps_offset, the step to {@code t - T/n}, {@code set_alpha_to_one}, {@code clip_sample} (DDIM only;
 * CogVideoX's step never clips), the beta schedules, zero-terminal-SNR rescaling and CogVideoX's SNR shift. CogVideoX
 * writes the update as {@code a_t*x + b_t*x0}; that is the same DDIM step with the noise implied by x0.
 */
public final class DdimScheduler implements Scheduler {

    private final PredictionType prediction;
    private final IntFunction<DiffusersSchedules.DdimLevels> planner;
    /** Clamp of x0 (diffusers' clip_sample_range); infinite when clipping is off. */
    private final double clipRange;
    private int[] timesteps = new int[0];
    /** alphaBar at each call. */
    private double[] alphaBar = new double[0];
    /** alphaBar that each call steps to. */
    private double[] alphaBarNext = new double[0];

    public DdimScheduler(SchedulerConfig config) {
        this(checked(config), numSteps -> trailingLevels(config, numSteps), Double.POSITIVE_INFINITY);
    }

    private DdimScheduler(PredictionType prediction, IntFunction<DiffusersSchedules.DdimLevels> planner, double clipRange) {
        this.prediction = prediction;
        this.planner = planner;
        this.clipRange = clipRange;
    }

    /** diffusers' DDIMScheduler or CogVideoXDDIMScheduler for this config. */
    static DdimScheduler fromDiffusers(DiffusersConfig config) {
        boolean clip = config.schedulerClass() == DiffusersConfig.SchedulerClass.DDIM && config.flag("clip_sample");
        return new DdimScheduler(config.predictionType(), numSteps -> DiffusersSchedules.ddim(config, numSteps),
                clip ? config.number("clip_sample_range") : Double.POSITIVE_INFINITY);
    }

    private static PredictionType checked(SchedulerConfig config) {
        Predictions.requireDiffusion(config.predictionType(), "ddim");
        if (config.sigmaSchedule() != SigmaSchedule.LINEAR) {
            throw new IllegalArgumentException("ddim spaces its timesteps itself (\"trailing\") and needs sigmaSchedule LINEAR, got "
                    + config.sigmaSchedule() + "; use the euler scheduler for KARRAS sigmas");
        }
        return config.predictionType();
    }

    private static DiffusersSchedules.DdimLevels trailingLevels(SchedulerConfig config, int numSteps) {
        double[] alphasCumprod = SigmaSchedules.alphasCumprod(config);
        int[] t = SigmaSchedules.trailingTimesteps(config.numTrainTimesteps(), numSteps);
        double[] bar = new double[numSteps];
        double[] next = new double[numSteps];
        for (int k = 0; k < numSteps; k++) {
            bar[k] = alphasCumprod[t[k]];
            next[k] = k + 1 < numSteps ? alphasCumprod[t[k + 1]] : 1.0;
        }
        return new DiffusersSchedules.DdimLevels(t, bar, next);
    }

    @Override
    public void setTimesteps(int numSteps, float strength) {
        DiffusersSchedules.DdimLevels levels = planner.apply(numSteps);
        int kept = SigmaSchedules.keptSteps(numSteps, strength);
        timesteps = Arrays.copyOfRange(levels.timesteps(), numSteps - kept, numSteps);
        alphaBar = Arrays.copyOfRange(levels.alphaBar(), numSteps - kept, numSteps);
        alphaBarNext = Arrays.copyOfRange(levels.alphaBarPrev(), numSteps - kept, numSteps);
    }

    @Override
    public float[] timesteps() {
        float[] out = new float[timesteps.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = timesteps[k];
        }
        return out;
    }

    /**
     * The equivalent variance-exploding levels {@code sqrt((1 - alphaBar) / alphaBar)} at each call, then 0 (the
     * k-diffusion convention; diffusers' last DDIM step lands on alphas_cumprod[0] when set_alpha_to_one is false).
     */
    @Override
    public float[] sigmas() {
        float[] out = new float[alphaBar.length + 1];
        for (int k = 0; k < alphaBar.length; k++) {
            out[k] = (float) Math.sqrt((1.0 - alphaBar[k]) / alphaBar[k]);
        }
        return out;
    }

    /** alphaBar at each call then the one the last call steps to; exposed for tests and for pipelines that blend in VP space. */
    public double[] alphaBars() {
        double[] out = Arrays.copyOf(alphaBar, alphaBar.length + 1);
        if (alphaBar.length > 0) {
            out[alphaBar.length] = alphaBarNext[alphaBar.length - 1];
        }
        return out;
    }

    @Override
    public float[] step(float[] modelOutput, int callIndex, float[] sample) {
        Predictions.requireCall(callIndex, timesteps.length);
        Predictions.requireSameLength(modelOutput, sample, "step");
        double alpha = Math.sqrt(alphaBar[callIndex]);
        double sigma = Math.sqrt(1.0 - alphaBar[callIndex]);
        double alphaNext = Math.sqrt(alphaBarNext[callIndex]);
        double sigmaNext = Math.sqrt(1.0 - alphaBarNext[callIndex]);
        float[] next = new float[sample.length];
        for (int j = 0; j < sample.length; j++) {
            double x0 = Predictions.vpX0(prediction, modelOutput[j], sample[j], alpha, sigma);
            double eps = Predictions.vpEps(prediction, modelOutput[j], sample[j], alpha, sigma);
            // diffusers clamps x0 but keeps the model's noise (use_clipped_model_output=False).
            x0 = Math.max(-clipRange, Math.min(clipRange, x0));
            next[j] = (float) (alphaNext * x0 + sigmaNext * eps);
        }
        return next;
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, int callIndex) {
        Predictions.requireCall(callIndex, timesteps.length);
        Predictions.requireSameLength(original, noise, "addNoise");
        double alpha = Math.sqrt(alphaBar[callIndex]);
        double sigma = Math.sqrt(1.0 - alphaBar[callIndex]);
        float[] out = new float[original.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (alpha * original[j] + sigma * noise[j]);
        }
        return out;
    }

    @Override
    public float[] predictOriginal(float[] modelOutput, int callIndex, float[] sample) {
        Predictions.requireCall(callIndex, timesteps.length);
        Predictions.requireSameLength(modelOutput, sample, "predictOriginal");
        double alpha = Math.sqrt(alphaBar[callIndex]);
        double sigma = Math.sqrt(1.0 - alphaBar[callIndex]);
        float[] out = new float[sample.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) Math.max(-clipRange, Math.min(clipRange, Predictions.vpX0(prediction, modelOutput[j], sample[j], alpha, sigma)));
        }
        return out;
    }
}
