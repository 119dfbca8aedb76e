package dev.kinora.engine.scheduler;

import java.util.Arrays;

/** Conversions between prediction types, shared so every sampler accepts every output its family can produce. */
final class Predictions {

    private Predictions() {
    }

    static void requireFlow(PredictionType type, String scheduler) {
        if (type != PredictionType.FLOW_VELOCITY && type != PredictionType.SAMPLE) {
            throw new IllegalArgumentException(scheduler + " integrates a rectified flow and needs predictionType FLOW_VELOCITY or SAMPLE, but the pack says "
                    + type + "; pick ddim or euler for EPSILON/V_PREDICTION packs");
        }
    }

    static void requireDiffusion(PredictionType type, String scheduler) {
        if (type == PredictionType.FLOW_VELOCITY) {
            throw new IllegalArgumentException(scheduler + " follows a DDPM noise schedule and needs predictionType EPSILON, V_PREDICTION or SAMPLE, but the pack says "
                    + type + "; pick flow-euler, flow-heun or flow-dpm++2m for flow packs");
        }
    }

    /** Flow x0 from the output: {@code x_t = x0 + sigma*v}. */
    static double flowX0(PredictionType type, double out, double x, double sigma) {
        return type == PredictionType.SAMPLE ? out : x - sigma * out;
    }

    /** Flow velocity {@code dx/dsigma}; for SAMPLE only defined while sigma > 0, which every model call is. */
    static double flowVelocity(PredictionType type, double out, double x, double sigma) {
        return type == PredictionType.SAMPLE ? (x - out) / sigma : out;
    }

    /** x0 in variance-preserving form {@code x = alpha*x0 + sigma*eps}, alpha^2 + sigma^2 = 1. */
    static double vpX0(PredictionType type, double out, double x, double alpha, double sigma) {
        return switch (type) {
            case EPSILON -> (x - sigma * out) / alpha;
            case V_PREDICTION -> alpha * x - sigma * out;
            case SAMPLE -> out;
            case FLOW_VELOCITY -> throw new IllegalStateException("flow output in a VP scheduler");
        };
    }

    /** The noise implied by an output in VP form. */
    static double vpEps(PredictionType type, double out, double x, double alpha, double sigma) {
        return switch (type) {
            case EPSILON -> out;
            case V_PREDICTION -> alpha * out + sigma * x;
            case SAMPLE -> (x - alpha * out) / sigma;
            case FLOW_VELOCITY -> throw new IllegalStateException("flow output in a VP scheduler");
        };
    }

    /** A k-diffusion sample at level sigma scaled to unit variance, {@code x / sqrt(sigma^2 + 1)}: what Euler-family models see. */
    static float[] unitVariance(float[] sample, double sigma) {
        double scale = 1.0 / Math.sqrt(sigma * sigma + 1.0);
        float[] out = new float[sample.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (sample[j] * scale);
        }
        return out;
    }

    /**
     * The noise source of {@link Scheduler#step(float[], int, float[])} for samplers that add noise inside a step (LCM,
     * Euler a, DPM-Solver's SDE forms): their caller must pass one, and this says so if it did not.
     */
    static java.util.function.IntFunction<float[]> noNoise(String sampler) {
        return n -> {
            throw new IllegalStateException(sampler + " adds fresh noise inside its steps; step it with a noise source");
        };
    }

    static void requireSameLength(float[] a, float[] b, String what) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(what + ": arrays must have the same length, got " + a.length + " and " + b.length);
        }
    }

    static void requireCall(int callIndex, int numCalls) {
        if (numCalls == 0) {
            throw new IllegalStateException("setTimesteps(...) must be called before stepping");
        }
        if (callIndex < 0 || callIndex >= numCalls) {
            throw new IndexOutOfBoundsException("callIndex " + callIndex + " outside 0.." + (numCalls - 1));
        }
    }

    static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    static float[] scaled(double[] values, double scale) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) (values[i] * scale);
        }
        return out;
    }

    static double[] withoutLast(double[] values) {
        return Arrays.copyOf(values, values.length - 1);
    }
}
