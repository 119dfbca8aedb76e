package dev.kinora.engine.scheduler;

import java.util.Arrays;

/**
 * Deterministic DDIM (eta = 0, Song et al. 2020) for EPSILON / V_PREDICTION / SAMPLE packs, with diffusers'
 * "trailing" timestep spacing and {@code set_alpha_to_one=True} (the last call lands on alphaBar = 1, clean data).
 *
 * <p>One deliberate difference from diffusers: each call steps to the next listed timestep, where diffusers steps
 * to {@code t - T/n}. They agree whenever n divides T; otherwise ours keeps the trajectory on the listed levels,
 * which is what remix and known-frame re-noising assume.
 */
public final class DdimScheduler implements Scheduler {

    private final SchedulerConfig config;
    private final double[] alphasCumprod;
    private int[] timesteps = new int[0];
    /** alphaBar at each call, then the final alphaBar (1). */
    private double[] alphaBars = new double[0];

    public DdimScheduler(SchedulerConfig config) {
        Predictions.requireDiffusion(config.predictionType(), "ddim");
        if (config.sigmaSchedule() != SigmaSchedule.LINEAR) {
            throw new IllegalArgumentException("ddim spaces its timesteps itself (\"trailing\") and needs sigmaSchedule LINEAR, got "
                    + config.sigmaSchedule() + "; use the euler scheduler for KARRAS sigmas");
        }
        this.config = config;
        this.alphasCumprod = SigmaSchedules.alphasCumprod(config);
    }

    @Override
    public void setTimesteps(int numSteps, float strength) {
        int[] all = SigmaSchedules.trailingTimesteps(config.numTrainTimesteps(), numSteps);
        int kept = SigmaSchedules.keptSteps(numSteps, strength);
        timesteps = Arrays.copyOfRange(all, numSteps - kept, numSteps);
        alphaBars = new double[kept + 1];
        for (int k = 0; k < kept; k++) {
            alphaBars[k] = alphasCumprod[timesteps[k]];
        }
        alphaBars[kept] = 1.0;
    }

    @Override
    public float[] timesteps() {
        float[] out = new float[timesteps.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = timesteps[k];
        }
        return out;
    }

    /** The equivalent variance-exploding levels {@code sqrt((1 - alphaBar) / alphaBar)}, ending with 0. */
    @Override
    public float[] sigmas() {
        float[] out = new float[alphaBars.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) Math.sqrt((1.0 - alphaBars[k]) / alphaBars[k]);
        }
        return out;
    }

    /** alphaBar at each call then the final 1; exposed for tests and for pipelines that blend in VP space. */
    public double[] alphaBars() {
        return alphaBars.clone();
    }

    @Override
    public float initNoiseSigma() {
        return 1f;
    }

    @Override
    public float[] scaleModelInput(float[] sample, int callIndex) {
        return sample;
    }

    @Override
    public float[] step(float[] modelOutput, int callIndex, float[] sample) {
        Predictions.requireCall(callIndex, timesteps.length);
        Predictions.requireSameLength(modelOutput, sample, "step");
        PredictionType type = config.predictionType();
        double alpha = Math.sqrt(alphaBars[callIndex]);
        double sigma = Math.sqrt(1.0 - alphaBars[callIndex]);
        double alphaNext = Math.sqrt(alphaBars[callIndex + 1]);
        double sigmaNext = Math.sqrt(1.0 - alphaBars[callIndex + 1]);
        float[] next = new float[sample.length];
        for (int j = 0; j < sample.length; j++) {
            double x0 = Predictions.vpX0(type, modelOutput[j], sample[j], alpha, sigma);
            double eps = Predictions.vpEps(type, modelOutput[j], sample[j], alpha, sigma);
            next[j] = (float) (alphaNext * x0 + sigmaNext * eps);
        }
        return next;
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, int callIndex) {
        Predictions.requireCall(callIndex, timesteps.length);
        Predictions.requireSameLength(original, noise, "addNoise");
        double alpha = Math.sqrt(alphaBars[callIndex]);
        double sigma = Math.sqrt(1.0 - alphaBars[callIndex]);
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
        double alpha = Math.sqrt(alphaBars[callIndex]);
        double sigma = Math.sqrt(1.0 - alphaBars[callIndex]);
        float[] out = new float[sample.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) Predictions.vpX0(config.predictionType(), modelOutput[j], sample[j], alpha, sigma);
        }
        return out;
    }
}
