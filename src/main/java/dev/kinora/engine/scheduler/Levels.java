package dev.kinora.engine.scheduler;

/**
 * The two parameterisations diffusers' multistep solvers (UniPC, DPM-Solver) work in, by the level sigma a call is at:
 * variance-preserving ({@code alpha = 1/sqrt(sigma^2+1)}, {@code sigma_t = sigma·alpha}, sigma the k-diffusion level)
 * and flow ({@code alpha = 1 - sigma}, {@code sigma_t = sigma}); {@code lambda = log(alpha/sigma_t)}, the log-SNR
 * those solvers step in.
 */
record Levels(boolean flow) {

    double alpha(double sigma) {
        return flow ? 1 - sigma : 1 / Math.sqrt(sigma * sigma + 1);
    }

    double sigmaT(double sigma) {
        return flow ? sigma : sigma / Math.sqrt(sigma * sigma + 1);
    }

    /** log(alpha / sigma_t); +infinity at sigma 0, where a first-order update lands on x0 exactly. */
    double lambda(double sigma) {
        return Math.log(alpha(sigma)) - Math.log(sigmaT(sigma));
    }

    /** A model output at level sigma as the data prediction x0 ({@code dataPrediction}) or as the noise. */
    double[] convert(PredictionType prediction, boolean dataPrediction, float[] out, float[] x, double sigma) {
        double alpha = alpha(sigma);
        double sigmaT = sigmaT(sigma);
        double[] m = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            if (dataPrediction) {
                m[j] = switch (prediction) {
                    case EPSILON -> (x[j] - sigmaT * out[j]) / alpha;
                    case SAMPLE -> out[j];
                    case V_PREDICTION -> alpha * x[j] - sigmaT * out[j];
                    case FLOW_VELOCITY -> x[j] - sigma * out[j];
                };
            } else {
                m[j] = switch (prediction) {
                    case EPSILON -> out[j];
                    case SAMPLE -> (x[j] - alpha * out[j]) / sigmaT;
                    case V_PREDICTION -> alpha * out[j] + sigmaT * x[j];
                    case FLOW_VELOCITY -> throw new IllegalStateException("a flow output needs the data-prediction form");
                };
            }
        }
        return m;
    }

    /** Clean data noised to level sigma: alpha·x0 + sigma_t·noise. */
    float[] addNoise(float[] original, float[] noise, double sigma) {
        double alpha = alpha(sigma);
        double sigmaT = sigmaT(sigma);
        float[] out = new float[original.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (alpha * original[j] + sigmaT * noise[j]);
        }
        return out;
    }

    /** The clean sample a model output at level sigma predicts. */
    float[] predictOriginal(PredictionType prediction, float[] out, float[] sample, double sigma) {
        if (flow) {
            return FlowNoise.predictOriginal(prediction, out, sample, sigma);
        }
        double alpha = alpha(sigma);
        double sigmaT = sigmaT(sigma);
        float[] x0 = new float[sample.length];
        for (int j = 0; j < x0.length; j++) {
            x0[j] = (float) Predictions.vpX0(prediction, out[j], sample[j], alpha, sigmaT);
        }
        return x0;
    }
}
