package dev.kinora.engine.scheduler;

import java.util.Map;
import java.util.function.IntFunction;

/**
 * Latent Consistency Model sampling (Luo et al. 2023), as diffusers' LCMScheduler: each call maps the sample to a
 * clean estimate through the consistency boundary condition ({@code c_skip·x + c_out·x0}, with the scaled timestep
 * {@code 10·t}) and, but for the last call, noises it afresh to the next timestep. The timesteps are a subset of the
 * distillation schedule ({@code original_inference_steps}). AnimateLCM and LCM-LoRA models sample with it in 4 to 8
 * steps, at guidance 1 to 2.
 *
 * <p>The fresh noise comes from the caller ({@link #step(float[], int, float[], IntFunction)}): the engine draws it
 * from the job's seeded stream, and the golden test passes the noise diffusers drew.
 */
public final class LcmScheduler implements Scheduler {

    private static final double SIGMA_DATA = 0.5;

    private final DiffusersConfig config;
    private final PredictionType prediction;
    private final double[] alphasCumprod;
    private final boolean clipSample;
    private final double clipRange;
    private final double timestepScaling;
    private int[] timesteps = new int[0];

    private LcmScheduler(DiffusersConfig c) {
        if (c.schedulerClass() != DiffusersConfig.SchedulerClass.LCM) {
            throw new IllegalArgumentException(c.source() + " is a " + c.schedulerClass().diffusersName() + " config");
        }
        this.config = c;
        this.prediction = c.predictionType();
        this.alphasCumprod = DiffusersSchedules.alphasCumprod(c);
        this.clipSample = c.flag("clip_sample");
        this.clipRange = c.number("clip_sample_range");
        this.timestepScaling = c.number("timestep_scaling");
    }

    /** diffusers' LCMScheduler for this config. */
    static LcmScheduler fromDiffusers(DiffusersConfig c) {
        return new LcmScheduler(c);
    }

    /**
     * LCM over another DDPM scheduler's config, as {@code LCMScheduler.from_config(config)} in diffusers (how
     * AnimateLCM and LCM-LoRA are loaded onto a base model's pipeline): the training schedule's keys carry over.
     *
     * @throws IllegalArgumentException when the config's noise levels or timesteps are not a DDPM schedule LCM reads
     */
    public static LcmScheduler overConfig(DiffusersConfig other) {
        return new LcmScheduler(DiffusersSchedulers.fromConfig(other, DiffusersConfig.SchedulerClass.LCM, Map.of(), "lcm"));
    }

    /** LCM on a pack without a diffusers config: pack.json's training schedule, diffusers' LCM defaults otherwise. */
    public static LcmScheduler fromKinora(SchedulerConfig config) {
        return new LcmScheduler(DiffusersSchedulers.fromKinora(config, DiffusersConfig.SchedulerClass.LCM, Map.of(), "lcm"));
    }

    @Override
    public void setTimesteps(int numSteps, float strength) {
        timesteps = DiffusersSchedules.lcm(config, numSteps, strength);
    }

    @Override
    public float[] timesteps() {
        float[] out = new float[timesteps.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = timesteps[i];
        }
        return out;
    }

    /** The k-diffusion level of each call's timestep, then 0 (the last call lands on the clean estimate). */
    @Override
    public float[] sigmas() {
        float[] out = new float[timesteps.length + 1];
        for (int i = 0; i < timesteps.length; i++) {
            out[i] = (float) DiffusersSchedules.vpSigma(alphasCumprod[timesteps[i]]);
        }
        return out;
    }

    /** LCM adds fresh noise at every call but the last: without a noise source only the last call can step. */
    @Override
    public float[] step(float[] modelOutput, int callIndex, float[] sample) {
        return step(modelOutput, callIndex, sample, Predictions.noNoise("lcm"));
    }

    @Override
    public float[] step(float[] modelOutput, int callIndex, float[] sample, IntFunction<float[]> noise) {
        Predictions.requireCall(callIndex, timesteps.length);
        Predictions.requireSameLength(modelOutput, sample, "step");
        float[] denoised = denoised(modelOutput, callIndex, sample);
        if (callIndex == timesteps.length - 1) {
            return denoised;
        }
        double alphaPrev = alphasCumprod[timesteps[callIndex + 1]];
        double a = Math.sqrt(alphaPrev);
        double b = Math.sqrt(1 - alphaPrev);
        float[] z = noise.apply(sample.length);
        if (z.length != sample.length) {
            throw new IllegalStateException("the noise source gave " + z.length + " values for a sample of " + sample.length);
        }
        float[] out = new float[sample.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (a * denoised[j] + b * z[j]);
        }
        return out;
    }

    /** The consistency function's output at this call: c_skip·x + c_out·x0 (x0 clipped where the config says). */
    private float[] denoised(float[] out, int k, float[] x) {
        int t = timesteps[k];
        double alpha = alphasCumprod[t];
        double sqrtA = Math.sqrt(alpha);
        double sqrtB = Math.sqrt(1 - alpha);
        double scaled = t * timestepScaling;
        double cSkip = SIGMA_DATA * SIGMA_DATA / (scaled * scaled + SIGMA_DATA * SIGMA_DATA);
        double cOut = scaled / Math.sqrt(scaled * scaled + SIGMA_DATA * SIGMA_DATA);
        float[] d = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            double x0 = switch (prediction) {
                case EPSILON -> (x[j] - sqrtB * out[j]) / sqrtA;
                case SAMPLE -> out[j];
                case V_PREDICTION -> sqrtA * x[j] - sqrtB * out[j];
                case FLOW_VELOCITY -> throw new IllegalStateException("LCMScheduler takes no flow prediction");
            };
            if (clipSample) {
                x0 = Math.max(-clipRange, Math.min(clipRange, x0));
            }
            d[j] = (float) (cOut * x0 + cSkip * x[j]);
        }
        return d;
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, int callIndex) {
        Predictions.requireCall(callIndex, timesteps.length);
        Predictions.requireSameLength(original, noise, "addNoise");
        double alpha = alphasCumprod[timesteps[callIndex]];
        double a = Math.sqrt(alpha);
        double b = Math.sqrt(1 - alpha);
        float[] out = new float[original.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (a * original[j] + b * noise[j]);
        }
        return out;
    }

    /** The clean estimate this call steps from (the consistency function's output), for previews and known frames. */
    @Override
    public float[] predictOriginal(float[] modelOutput, int callIndex, float[] sample) {
        Predictions.requireCall(callIndex, timesteps.length);
        Predictions.requireSameLength(modelOutput, sample, "predictOriginal");
        return denoised(modelOutput, callIndex, sample);
    }
}
