package dev.kinora.engine.scheduler;

import java.util.Map;
import java.util.function.IntFunction;

/**
 * Euler ancestral ("Euler a"), as diffusers' EulerAncestralDiscreteScheduler: an Euler step down to
 * {@code sigma_down}, then fresh noise back up by {@code sigma_up}, so that the next level is reached with new noise
 * at every step (k-diffusion's {@code sample_euler_ancestral}). The levels are EulerDiscrete's without Karras or
 * exponential spacing; the model input is scaled by {@code 1/sqrt(sigma^2+1)} and the start noise by
 * {@code init_noise_sigma}. The noise comes from the caller ({@link #step(float[], int, float[], IntFunction)}).
 */
public final class EulerAncestralScheduler implements Scheduler {

    private final DiffusersConfig config;
    private final PredictionType prediction;
    private Plan plan = Plan.EMPTY;

    private EulerAncestralScheduler(DiffusersConfig c) {
        if (c.schedulerClass() != DiffusersConfig.SchedulerClass.EULER_ANCESTRAL) {
            throw new IllegalArgumentException(c.source() + " is a " + c.schedulerClass().diffusersName() + " config");
        }
        this.config = c;
        this.prediction = c.predictionType();
    }

    static EulerAncestralScheduler fromDiffusers(DiffusersConfig c) {
        return new EulerAncestralScheduler(c);
    }

    /**
     * Euler ancestral over another DDPM scheduler's config, as {@code EulerAncestralDiscreteScheduler.from_config(config)}.
     *
     * @throws IllegalArgumentException when the config's noise levels or timesteps are not a DDPM schedule it reads
     */
    public static EulerAncestralScheduler overConfig(DiffusersConfig other) {
        return new EulerAncestralScheduler(DiffusersSchedulers.fromConfig(other, DiffusersConfig.SchedulerClass.EULER_ANCESTRAL,
                Map.of(), "euler-a"));
    }

    /** Euler ancestral on a pack without a diffusers config: pack.json's training schedule (epsilon or v, as diffusers'). */
    public static EulerAncestralScheduler fromKinora(SchedulerConfig config) {
        return new EulerAncestralScheduler(DiffusersSchedulers.fromKinora(config, DiffusersConfig.SchedulerClass.EULER_ANCESTRAL,
                Map.of(), "euler-a"));
    }

    @Override
    public void setTimesteps(int numSteps, float strength) {
        plan = DiffusersSchedules.eulerAncestral(config, numSteps).lastCalls(strength);
    }

    @Override
    public float[] timesteps() {
        return Predictions.toFloats(plan.timesteps());
    }

    @Override
    public float[] sigmas() {
        return Predictions.toFloats(plan.sigmas());
    }

    /** The largest sigma, scaled to unit variance for "leading" spacing (diffusers' init_noise_sigma). */
    @Override
    public float initNoiseSigma() {
        if (plan.calls() == 0) {
            throw new IllegalStateException("setTimesteps(...) must be called before initNoiseSigma()");
        }
        return (float) DiffusersSchedules.eulerInitNoiseSigma(config, plan);
    }

    @Override
    public float[] scaleModelInput(float[] sample, int callIndex) {
        Predictions.requireCall(callIndex, plan.calls());
        return Predictions.unitVariance(sample, plan.sigmas()[callIndex]);
    }

    @Override
    public float[] step(float[] modelOutput, int callIndex, float[] sample) {
        return step(modelOutput, callIndex, sample, Predictions.noNoise("euler-a"));
    }

    @Override
    public float[] step(float[] modelOutput, int callIndex, float[] sample, IntFunction<float[]> noise) {
        Predictions.requireCall(callIndex, plan.calls());
        Predictions.requireSameLength(modelOutput, sample, "step");
        double from = plan.sigmas()[callIndex];
        double to = plan.sigmas()[callIndex + 1];
        double up = Math.sqrt(to * to * (from * from - to * to) / (from * from));
        double down = Math.sqrt(to * to - up * up);
        double dt = down - from;
        float[] x0 = predictOriginal(modelOutput, callIndex, sample);
        float[] z = noise.apply(sample.length);
        if (z.length != sample.length) {
            throw new IllegalStateException("the noise source gave " + z.length + " values for a sample of " + sample.length);
        }
        float[] out = new float[sample.length];
        for (int j = 0; j < out.length; j++) {
            double derivative = (sample[j] - (double) x0[j]) / from;
            out[j] = (float) (sample[j] + derivative * dt + z[j] * up);
        }
        return out;
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, int callIndex) {
        Predictions.requireCall(callIndex, plan.calls());
        Predictions.requireSameLength(original, noise, "addNoise");
        double sigma = plan.sigmas()[callIndex];
        float[] out = new float[original.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (original[j] + noise[j] * sigma);
        }
        return out;
    }

    @Override
    public float[] predictOriginal(float[] modelOutput, int callIndex, float[] sample) {
        Predictions.requireCall(callIndex, plan.calls());
        Predictions.requireSameLength(modelOutput, sample, "predictOriginal");
        double sigma = plan.sigmas()[callIndex];
        float[] out = new float[sample.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (prediction == PredictionType.EPSILON
                    ? sample[j] - sigma * modelOutput[j]
                    : modelOutput[j] * (-sigma / Math.sqrt(sigma * sigma + 1)) + sample[j] / (sigma * sigma + 1));
        }
        return out;
    }
}
