package dev.kinora.engine.scheduler;

/**
 * First-order Euler on the rectified-flow ODE {@code dx/dsigma = v}, as diffusers' FlowMatchEulerDiscreteScheduler:
 * {@code x_{i+1} = x_i + (sigma_{i+1} - sigma_i) * v}. One model call per step.
 */
public final class FlowEulerScheduler implements Scheduler {

    private final SchedulerConfig config;
    private double[] sigmas = new double[0];

    public FlowEulerScheduler(SchedulerConfig config) {
        Predictions.requireFlow(config.predictionType(), "flow-euler");
        this.config = config;
    }

    @Override
    public void setTimesteps(int numSteps, float strength) {
        sigmas = SigmaSchedules.lastLevels(SigmaSchedules.flowSigmas(config, numSteps), numSteps, strength);
    }

    @Override
    public float[] timesteps() {
        return Predictions.scaled(Predictions.withoutLast(sigmas), config.timestepScale());
    }

    @Override
    public float[] sigmas() {
        return Predictions.toFloats(sigmas);
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
        Predictions.requireCall(callIndex, sigmas.length - 1);
        Predictions.requireSameLength(modelOutput, sample, "step");
        double sigma = sigmas[callIndex];
        double dt = sigmas[callIndex + 1] - sigma;
        PredictionType type = config.predictionType();
        float[] next = new float[sample.length];
        for (int j = 0; j < sample.length; j++) {
            next[j] = (float) (sample[j] + dt * Predictions.flowVelocity(type, modelOutput[j], sample[j], sigma));
        }
        return next;
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, int callIndex) {
        Predictions.requireCall(callIndex, sigmas.length - 1);
        return FlowNoise.addNoise(original, noise, sigmas[callIndex]);
    }

    @Override
    public float[] predictOriginal(float[] modelOutput, int callIndex, float[] sample) {
        Predictions.requireCall(callIndex, sigmas.length - 1);
        return FlowNoise.predictOriginal(config.predictionType(), modelOutput, sample, sigmas[callIndex]);
    }
}
