package dev.kinora.engine.scheduler;

import java.util.Arrays;

/**
 * Noise-level schedules, kept apart from the samplers that walk them (as ComfyUI and stable-diffusion.cpp do).
 * Every schedule here returns numSteps + 1 levels, highest first, ending with 0. Doubles throughout: the
 * public float arrays are only a view, so rounding does not pile up across steps.
 */
public final class SigmaSchedules {

    /** Karras et al. use 7; it spends more steps at low noise where detail forms. */
    public static final double KARRAS_RHO = 7.0;

    private SigmaSchedules() {
    }

    /** Flow levels {@code 1 - i/n}, i = 0..n (the Wan / SD3 spacing). */
    public static double[] flowLinear(int numSteps) {
        requireSteps(numSteps);
        double[] s = new double[numSteps + 1];
        for (int i = 0; i <= numSteps; i++) {
            s[i] = 1.0 - (double) i / numSteps;
        }
        return s;
    }

    /** The resolution-dependent time shift of SD3/Wan: spends more of the run at high noise when shift > 1. */
    public static double shift(double sigma, double shift) {
        return shift * sigma / (1.0 + (shift - 1.0) * sigma);
    }

    public static double[] shifted(double[] sigmas, double shift) {
        double[] out = new double[sigmas.length];
        for (int i = 0; i < sigmas.length; i++) {
            out[i] = shift(sigmas[i], shift);
        }
        return out;
    }

    /** {@code (max^(1/rho) + i/(n-1) * (min^(1/rho) - max^(1/rho)))^rho} for i = 0..n-1, then 0. */
    public static double[] karras(int numSteps, double sigmaMin, double sigmaMax, double rho) {
        requireSteps(numSteps);
        if (!(sigmaMin > 0 && sigmaMax > sigmaMin)) {
            throw new IllegalArgumentException("Karras needs 0 < sigmaMin < sigmaMax, got " + sigmaMin + " and " + sigmaMax);
        }
        double[] s = new double[numSteps + 1];
        double minInv = Math.pow(sigmaMin, 1.0 / rho);
        double maxInv = Math.pow(sigmaMax, 1.0 / rho);
        for (int i = 0; i < numSteps; i++) {
            double ramp = numSteps == 1 ? 0.0 : (double) i / (numSteps - 1);
            s[i] = Math.pow(maxInv + ramp * (minInv - maxInv), rho);
        }
        s[numSteps] = 0.0;
        return s;
    }

    /**
     * Flow levels for a config. KARRAS runs from 1 down to the shifted smallest trained level
     * {@code shift(1/numTrainTimesteps)}, the same range diffusers' FlowMatchEuler uses.
     */
    public static double[] flowSigmas(SchedulerConfig config, int numSteps) {
        return switch (config.sigmaSchedule()) {
            case LINEAR -> flowLinear(numSteps);
            case SHIFTED -> shifted(flowLinear(numSteps), config.shift());
            case KARRAS -> karras(numSteps, shift(1.0 / config.numTrainTimesteps(), config.shift()), 1.0, KARRAS_RHO);
        };
    }

    /** Cumulative products of {@code 1 - beta} over the training steps. */
    public static double[] alphasCumprod(SchedulerConfig config) {
        int n = config.numTrainTimesteps();
        // Via the decimal string: (double) 0.00085f is 0.00084999998, which shifts alphaBar off the published tables.
        double start = Double.parseDouble(Float.toString(config.betaStart()));
        double end = Double.parseDouble(Float.toString(config.betaEnd()));
        boolean scaled = config.betaSchedule().equals("scaled_linear");
        if (scaled) {
            start = Math.sqrt(start);
            end = Math.sqrt(end);
        }
        double[] cumprod = new double[n];
        double product = 1.0;
        for (int t = 0; t < n; t++) {
            double b = n == 1 ? start : start + (end - start) * t / (n - 1);
            if (scaled) {
                b = b * b;
            }
            product *= 1.0 - b;
            cumprod[t] = product;
        }
        return cumprod;
    }

    /**
     * diffusers' "trailing" spacing, {@code round(T - i*T/n) - 1}: always starts at the last trained step
     * (pure noise), which "leading" spacing misses. Rounds half to even like numpy.
     */
    public static int[] trailingTimesteps(int numTrainTimesteps, int numSteps) {
        requireSteps(numSteps);
        if (numSteps > numTrainTimesteps) {
            throw new IllegalArgumentException("numSteps " + numSteps + " exceeds the " + numTrainTimesteps
                    + " trained timesteps; use at most " + numTrainTimesteps);
        }
        int[] t = new int[numSteps];
        for (int i = 0; i < numSteps; i++) {
            t[i] = (int) Math.rint(numTrainTimesteps - i * ((double) numTrainTimesteps / numSteps)) - 1;
        }
        return t;
    }

    /**
     * How many of numSteps steps a remix of the given strength runs: the last {@code ceil(numSteps*strength)}.
     * The tolerance keeps 10 * 0.3f (= 3.0000001) at 3 steps.
     */
    public static int keptSteps(int numSteps, float strength) {
        requireSteps(numSteps);
        if (!(strength > 0f && strength <= 1f)) {
            throw new IllegalArgumentException("strength must be in (0, 1] (1 = start from pure noise), was " + strength);
        }
        int kept = (int) Math.ceil(numSteps * (double) strength - 1e-6);
        return Math.max(1, Math.min(numSteps, kept));
    }

    static double[] lastLevels(double[] levels, int numSteps, float strength) {
        int kept = keptSteps(numSteps, strength);
        return Arrays.copyOfRange(levels, numSteps - kept, numSteps + 1);
    }

    private static void requireSteps(int numSteps) {
        if (numSteps < 1) {
            throw new IllegalArgumentException("numSteps must be >= 1, was " + numSteps);
        }
    }
}
