package dev.kinora.engine.scheduler;

/**
 * Second-order Heun on the flow ODE, laid out like diffusers' HeunDiscreteScheduler (Karras/EDM Algorithm 1):
 * each step from sigma_i to sigma_{i+1} > 0 takes two model calls (an Euler predictor, then the trapezoid
 * corrector with the velocity at the predicted point); the last step to sigma = 0 is plain Euler because the
 * velocity at sigma = 0 is undefined for x0-predicting models. n steps therefore take 2n - 1 calls.
 */
public final class FlowHeunScheduler implements Scheduler {

    private final PredictionType prediction;
    private final double timestepScale;
    /** The step levels sigma_0..sigma_n of a run of n steps. */
    private final java.util.function.IntFunction<double[]> levelsFor;
    /** Step levels sigma_0..sigma_n. */
    private double[] levels = new double[0];
    /** Per call: the noise level the model sees. */
    private double[] callSigmas = new double[0];
    /** Per call: index of the step it belongs to. */
    private int[] callStep = new int[0];
    /** Per call: true for the corrector call. */
    private boolean[] corrector = new boolean[0];

    // Predictor state carried into the corrector call.
    private float[] stepStart;
    private double[] firstVelocity;
    private int lastCall = -1;

    public FlowHeunScheduler(SchedulerConfig config) {
        this(config.predictionType(), config.timestepScale(), n -> SigmaSchedules.flowSigmas(config, n));
        Predictions.requireFlow(config.predictionType(), "flow-heun");
    }

    private FlowHeunScheduler(PredictionType prediction, double timestepScale, java.util.function.IntFunction<double[]> levelsFor) {
        this.prediction = prediction;
        this.timestepScale = timestepScale;
        this.levelsFor = levelsFor;
    }

    /**
     * diffusers' FlowMatchHeunDiscreteScheduler: FlowMatchEuler's levels for the same {@code shift} (its set_timesteps is
     * FlowMatchEuler's without the options), the model timestep {@code sigma * num_train_timesteps}, and this Heun step
     * (s_churn 0, the pipelines' default).
     */
    static FlowHeunScheduler fromDiffusers(DiffusersConfig c, TimestepInputs inputs) {
        DiffusersConfig euler = DiffusersConfig.parse(java.util.Map.of("_class_name", DiffusersConfig.SchedulerClass.FLOW_MATCH_EULER.diffusersName(),
                "num_train_timesteps", c.numTrainTimesteps(), "shift", c.number("shift")), c.source());
        return new FlowHeunScheduler(PredictionType.FLOW_VELOCITY, c.numTrainTimesteps(),
                n -> DiffusersSchedules.flowMatch(euler, n, inputs).sigmas());
    }

    @Override
    public void setTimesteps(int numSteps, float strength) {
        levels = SigmaSchedules.lastLevels(levelsFor.apply(numSteps), numSteps, strength);
        int steps = levels.length - 1;
        int calls = 2 * steps - 1;
        callSigmas = new double[calls + 1];
        callStep = new int[calls];
        corrector = new boolean[calls];
        int k = 0;
        for (int i = 0; i < steps; i++) {
            callSigmas[k] = levels[i];
            callStep[k] = i;
            k++;
            if (i < steps - 1) {
                callSigmas[k] = levels[i + 1];
                callStep[k] = i;
                corrector[k] = true;
                k++;
            }
        }
        callSigmas[calls] = levels[steps];
        stepStart = null;
        firstVelocity = null;
        lastCall = -1;
    }

    @Override
    public float[] timesteps() {
        return Predictions.scaled(Predictions.withoutLast(callSigmas), timestepScale);
    }

    @Override
    public float[] sigmas() {
        return Predictions.toFloats(callSigmas);
    }

    /** The step levels without Heun's repeats, for progress displays. */
    public float[] stepSigmas() {
        return Predictions.toFloats(levels);
    }

    @Override
    public float[] step(float[] modelOutput, int callIndex, float[] sample) {
        Predictions.requireCall(callIndex, callStep.length);
        Predictions.requireSameLength(modelOutput, sample, "step");
        PredictionType type = prediction;
        int i = callStep[callIndex];
        double dt = levels[i + 1] - levels[i];
        float[] next = new float[sample.length];
        if (!corrector[callIndex]) {
            double sigma = levels[i];
            double[] v = new double[sample.length];
            for (int j = 0; j < sample.length; j++) {
                v[j] = Predictions.flowVelocity(type, modelOutput[j], sample[j], sigma);
                next[j] = (float) (sample[j] + dt * v[j]);
            }
            stepStart = sample.clone();
            firstVelocity = v;
        } else {
            if (lastCall != callIndex - 1 || stepStart == null) {
                throw new IllegalStateException("flow-heun: corrector call " + callIndex + " must directly follow predictor call "
                        + (callIndex - 1) + " (last stepped call was " + lastCall + "); step every call once, in order");
            }
            double sigma = levels[i + 1];
            for (int j = 0; j < sample.length; j++) {
                double v2 = Predictions.flowVelocity(type, modelOutput[j], sample[j], sigma);
                next[j] = (float) (stepStart[j] + dt * 0.5 * (firstVelocity[j] + v2));
            }
            stepStart = null;
            firstVelocity = null;
        }
        lastCall = callIndex;
        return next;
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, int callIndex) {
        Predictions.requireCall(callIndex, callStep.length);
        return FlowNoise.addNoise(original, noise, callSigmas[callIndex]);
    }

    @Override
    public float[] predictOriginal(float[] modelOutput, int callIndex, float[] sample) {
        Predictions.requireCall(callIndex, callStep.length);
        return FlowNoise.predictOriginal(prediction, modelOutput, sample, callSigmas[callIndex]);
    }
}
