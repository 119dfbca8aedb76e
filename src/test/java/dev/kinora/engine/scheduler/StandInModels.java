package dev.kinora.engine.scheduler;

/**
 * Analytic stand-ins for a denoiser, for data distributions whose exact denoiser is known in closed form,
 * plus the loop a pipeline runs. Doubles inside so the reference is more accurate than the schedulers under test.
 */
final class StandInModels {

    private StandInModels() {
    }

    /** A model that answers at a given noise level; the level is read from the scheduler, as a real pack would see its timestep. */
    interface Model {
        float[] predict(float[] modelInput, double level, float[] sample);
    }

    /**
     * The pipeline loop from a given start: scale the input, call the model at the level the scheduler reports
     * for that call, step. Returns the final sample.
     */
    static float[] run(Scheduler scheduler, float[] start, Model model) {
        float[] sigmas = scheduler.sigmas();
        float[] x = start.clone();
        for (int k = 0; k < scheduler.numCalls(); k++) {
            float[] input = scheduler.scaleModelInput(x, k);
            x = scheduler.step(model.predict(input, sigmas[k], x), k, x);
        }
        return x;
    }

    /** Flow data N(mu, s^2) per element: E[x0 | x_sigma] for {@code x_sigma = (1-sigma)x0 + sigma*eps}. */
    static double flowGaussianX0(double x, double sigma, double mu, double s) {
        double signal = 1.0 - sigma;
        double variance = signal * signal * s * s + sigma * sigma;
        return mu + signal * s * s / variance * (x - signal * mu);
    }

    /** The flow ODE keeps each sample's standard score, so pure noise z ends at {@code mu + s*z}. */
    static double flowGaussianEndpoint(double z, double mu, double s) {
        return mu + s * z;
    }

    static Model flowGaussian(PredictionType type, double mu, double s) {
        return (input, sigma, unused) -> {
            float[] out = new float[input.length];
            for (int j = 0; j < input.length; j++) {
                double x0 = flowGaussianX0(input[j], sigma, mu, s);
                out[j] = (float) (type == PredictionType.SAMPLE ? x0 : (input[j] - x0) / sigma);
            }
            return out;
        };
    }

    /** Flow data concentrated on one point: x0 is known exactly, the velocity is {@code (x - x0)/sigma = eps - x0}. */
    static Model flowPoint(PredictionType type, float[] x0) {
        return (input, sigma, unused) -> {
            float[] out = new float[input.length];
            for (int j = 0; j < input.length; j++) {
                out[j] = (float) (type == PredictionType.SAMPLE ? x0[j] : (input[j] - x0[j]) / sigma);
            }
            return out;
        };
    }

    /**
     * DDPM data on one point, with the model seeing the variance-preserving input {@code alpha*x0 + vpSigma*eps}.
     * Both DDIM and Euler report {@code sigma = vpSigma/alpha}, from which alpha is recovered as a real model
     * recovers it from its timestep.
     */
    static Model vpPoint(PredictionType type, float[] x0) {
        return (input, sigmaVe, unused) -> {
            double alphaBar = 1.0 / (sigmaVe * sigmaVe + 1.0);
            double alpha = Math.sqrt(alphaBar);
            double vpSigma = Math.sqrt(1.0 - alphaBar);
            float[] out = new float[input.length];
            for (int j = 0; j < input.length; j++) {
                double eps = (input[j] - alpha * x0[j]) / vpSigma;
                out[j] = (float) switch (type) {
                    case EPSILON -> eps;
                    case V_PREDICTION -> alpha * eps - vpSigma * x0[j];
                    case SAMPLE -> x0[j];
                    case FLOW_VELOCITY -> throw new IllegalArgumentException();
                };
            }
            return out;
        };
    }

    static double maxAbsDiff(float[] a, double[] b) {
        double max = 0;
        for (int j = 0; j < a.length; j++) {
            max = Math.max(max, Math.abs(a[j] - b[j]));
        }
        return max;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int j = 0; j < a.length; j++) {
            max = Math.max(max, Math.abs(a[j] - b[j]));
        }
        return max;
    }
}
