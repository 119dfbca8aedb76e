package dev.kinora.engine.scheduler;

/**
 * DPM-Solver++(2M) (Lu et al. 2022) in the flow parameterisation, as diffusers' DPMSolverMultistepScheduler with
 * {@code use_flow_sigmas}, {@code algorithm_type="dpmsolver++"}, {@code solver_order=2}, {@code final_sigmas_type="zero"}:
 * alpha = 1 - sigma, lambda = log(alpha / sigma), and the update works on the data prediction x0, reusing the
 * previous call's x0 for the second-order term. One model call per step. The first step has no history and the
 * step to sigma = 0 lands exactly on x0, so both are first order (the latter is what lower_order_final does).
 */
public final class FlowDpmSolverMultistepScheduler implements Scheduler {

    private final SchedulerConfig config;
    private double[] sigmas = new double[0];

    private double[] previousX0;
    private int lastCall = -1;

    public FlowDpmSolverMultistepScheduler(SchedulerConfig config) {
        Predictions.requireFlow(config.predictionType(), "flow-dpm++2m");
        this.config = config;
    }

    @Override
    public void setTimesteps(int numSteps, float strength) {
        sigmas = SigmaSchedules.lastLevels(SigmaSchedules.flowSigmas(config, numSteps), numSteps, strength);
        previousX0 = null;
        lastCall = -1;
    }

    @Override
    public float[] timesteps() {
        return Predictions.scaled(Predictions.withoutLast(sigmas), config.timestepScale());
    }

    @Override
    public float[] sigmas() {
        return Predictions.toFloats(sigmas);
    }

    /** Log signal-to-noise ratio; -infinity at pure noise, which the update formulas below tolerate. */
    static double lambda(double sigma) {
        return Math.log(1.0 - sigma) - Math.log(sigma);
    }

    @Override
    public float[] step(float[] modelOutput, int callIndex, float[] sample) {
        int calls = sigmas.length - 1;
        Predictions.requireCall(callIndex, calls);
        Predictions.requireSameLength(modelOutput, sample, "step");
        if (callIndex > 0 && lastCall != callIndex - 1) {
            throw new IllegalStateException("flow-dpm++2m: call " + callIndex + " must follow call " + (callIndex - 1)
                    + " (last stepped call was " + lastCall + "); step every call once, in order");
        }
        PredictionType type = config.predictionType();
        double sigmaS = sigmas[callIndex];
        double sigmaT = sigmas[callIndex + 1];
        double[] x0 = new double[sample.length];
        for (int j = 0; j < sample.length; j++) {
            x0[j] = Predictions.flowX0(type, modelOutput[j], sample[j], sigmaS);
        }
        float[] next = new float[sample.length];
        if (sigmaT == 0.0) {
            // The limit of the first-order update as sigma_t -> 0 is x0 itself.
            for (int j = 0; j < sample.length; j++) {
                next[j] = (float) x0[j];
            }
        } else {
            double alphaT = 1.0 - sigmaT;
            double h = lambda(sigmaT) - lambda(sigmaS);
            double ratio = sigmaT / sigmaS;
            // -alpha_t * (e^{-h} - 1), written with expm1 so small steps keep their precision.
            double coefficient = -alphaT * Math.expm1(-h);
            boolean secondOrder = callIndex > 0 && previousX0 != null;
            double r0Inverse = 0.0;
            if (secondOrder) {
                double h0 = lambda(sigmaS) - lambda(sigmas[callIndex - 1]);
                // h0 is infinite when the previous level was pure noise: 1/r0 = h/h0 = 0 drops the correction.
                r0Inverse = h / h0;
            }
            for (int j = 0; j < sample.length; j++) {
                double d1 = secondOrder ? r0Inverse * (x0[j] - previousX0[j]) : 0.0;
                next[j] = (float) (ratio * sample[j] + coefficient * (x0[j] + 0.5 * d1));
            }
        }
        previousX0 = x0;
        lastCall = callIndex;
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
