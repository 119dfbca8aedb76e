package dev.kinora.engine.scheduler;

import java.util.function.IntFunction;

/**
 * First-order Euler on the rectified-flow ODE {@code dx/dsigma = v}, as diffusers' FlowMatchEulerDiscreteScheduler:
 * {@code x_{i+1} = x_i + (sigma_{i+1} - sigma_i) * v}. One model call per step.
 *
 * <p>Built from a {@link SchedulerConfig} it walks Kinora's flow levels ({@link SigmaSchedules#flowSigmas});
 * built from a diffusers config ({@link DiffusersSchedulers}) it walks exactly the levels diffusers computes,
 * with dynamic shifting, shift_terminal and pipeline sigmas.
 */
public final class FlowEulerScheduler implements Scheduler {

    private final PredictionType prediction;
    private final IntFunction<Plan> planner;
    private Plan plan = Plan.EMPTY;

    public FlowEulerScheduler(SchedulerConfig config) {
        this(checked(config), numSteps -> flowPlan(config, numSteps));
    }

    private FlowEulerScheduler(PredictionType prediction, IntFunction<Plan> planner) {
        this.prediction = prediction;
        this.planner = planner;
    }

    /** diffusers' FlowMatchEulerDiscreteScheduler for this config and these pipeline inputs. */
    static FlowEulerScheduler fromDiffusers(DiffusersConfig config, TimestepInputs inputs) {
        return new FlowEulerScheduler(config.predictionType(), numSteps -> DiffusersSchedules.flowMatch(config, numSteps, inputs));
    }

    private static PredictionType checked(SchedulerConfig config) {
        Predictions.requireFlow(config.predictionType(), "flow-euler");
        return config.predictionType();
    }

    /** Kinora's flow levels, with model timesteps {@code sigma * timestepScale}. */
    static Plan flowPlan(SchedulerConfig config, int numSteps) {
        double[] sigmas = SigmaSchedules.flowSigmas(config, numSteps);
        double[] timesteps = new double[numSteps];
        for (int i = 0; i < numSteps; i++) {
            timesteps[i] = sigmas[i] * config.timestepScale();
        }
        return new Plan(timesteps, sigmas);
    }

    @Override
    public void setTimesteps(int numSteps, float strength) {
        plan = planner.apply(numSteps).lastCalls(strength);
    }

    @Override
    public float[] timesteps() {
        return Predictions.toFloats(plan.timesteps());
    }

    @Override
    public float[] sigmas() {
        return Predictions.toFloats(plan.sigmas());
    }

    @Override
    public float[] step(float[] modelOutput, int callIndex, float[] sample) {
        Predictions.requireCall(callIndex, plan.calls());
        Predictions.requireSameLength(modelOutput, sample, "step");
        double sigma = plan.sigmas()[callIndex];
        double dt = plan.sigmas()[callIndex + 1] - sigma;
        float[] next = new float[sample.length];
        for (int j = 0; j < sample.length; j++) {
            next[j] = (float) (sample[j] + dt * Predictions.flowVelocity(prediction, modelOutput[j], sample[j], sigma));
        }
        return next;
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, int callIndex) {
        Predictions.requireCall(callIndex, plan.calls());
        return FlowNoise.addNoise(original, noise, plan.sigmas()[callIndex]);
    }

    @Override
    public float[] predictOriginal(float[] modelOutput, int callIndex, float[] sample) {
        Predictions.requireCall(callIndex, plan.calls());
        return FlowNoise.predictOriginal(prediction, modelOutput, sample, plan.sigmas()[callIndex]);
    }
}
