package dev.kinora.engine.scheduler;

import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;

/**
 * Euler on the variance-exploding form of a DDPM schedule (k-diffusion's sample_euler, diffusers'
 * EulerDiscreteScheduler): {@code sigma = sqrt((1 - alphaBar) / alphaBar)}, samples live at {@code x0 + sigma*noise},
 * and the model sees {@code x / sqrt(sigma^2 + 1)}, the variance-preserving input it was trained on.
 *
 * <p>Built from a {@link SchedulerConfig}: LINEAR uses "trailing" timesteps; KARRAS spaces sigmas between the trained
 * extremes and maps them back to fractional timesteps by interpolating log-sigma, as diffusers does. Built from a
 * diffusers config ({@link DiffusersSchedulers}) it is exactly EulerDiscreteScheduler: its spacings, Karras or
 * exponential sigmas over the configured sigma_min..sigma_max (SVD: 0.002 to 700), continuous timesteps
 * {@code 0.25 ln sigma} for v-prediction, final_sigmas_type and init_noise_sigma.
 */
public final class EulerDiscreteScheduler implements Scheduler {

    private final PredictionType prediction;
    /** Trained levels sigma_t for t = 0..T-1 (increasing); only the SchedulerConfig form uses them. */
    private final double[] trainSigmas;
    private final IntFunction<Plan> planner;
    private final ToDoubleFunction<Plan> initNoise;
    private Plan plan = Plan.EMPTY;

    public EulerDiscreteScheduler(SchedulerConfig config) {
        Predictions.requireDiffusion(config.predictionType(), "euler");
        if (config.sigmaSchedule() == SigmaSchedule.SHIFTED) {
            throw new IllegalArgumentException("euler has no time shift (that belongs to flow packs); use sigmaSchedule LINEAR or KARRAS");
        }
        this.prediction = config.predictionType();
        double[] alphasCumprod = SigmaSchedules.alphasCumprod(config);
        trainSigmas = new double[alphasCumprod.length];
        for (int t = 0; t < alphasCumprod.length; t++) {
            trainSigmas[t] = Math.sqrt((1.0 - alphasCumprod[t]) / alphasCumprod[t]);
        }
        this.planner = numSteps -> kinoraPlan(config, numSteps);
        // The first level of the prepared run: pure noise times this approximates x0 + sigma_max*noise
        // (diffusers returns the same for "trailing" spacing).
        this.initNoise = p -> p.sigmas()[0];
    }

    private EulerDiscreteScheduler(DiffusersConfig config) {
        this.prediction = config.predictionType();
        this.trainSigmas = new double[0];
        this.planner = numSteps -> DiffusersSchedules.euler(config, numSteps);
        this.initNoise = p -> DiffusersSchedules.eulerInitNoiseSigma(config, p);
    }

    /** diffusers' EulerDiscreteScheduler for this config. */
    static EulerDiscreteScheduler fromDiffusers(DiffusersConfig config) {
        return new EulerDiscreteScheduler(config);
    }

    private Plan kinoraPlan(SchedulerConfig config, int numSteps) {
        double[] allSigmas;
        double[] allTimesteps = new double[numSteps];
        if (config.sigmaSchedule() == SigmaSchedule.KARRAS) {
            allSigmas = SigmaSchedules.karras(numSteps, trainSigmas[0], trainSigmas[trainSigmas.length - 1], SigmaSchedules.KARRAS_RHO);
            for (int i = 0; i < numSteps; i++) {
                allTimesteps[i] = sigmaToTimestep(allSigmas[i]);
            }
        } else {
            int[] t = SigmaSchedules.trailingTimesteps(config.numTrainTimesteps(), numSteps);
            allSigmas = new double[numSteps + 1];
            for (int i = 0; i < numSteps; i++) {
                allTimesteps[i] = t[i];
                allSigmas[i] = trainSigmas[t[i]];
            }
        }
        return new Plan(allTimesteps, allSigmas);
    }

    @Override
    public void setTimesteps(int numSteps, float strength) {
        plan = planner.apply(numSteps).lastCalls(strength);
    }

    /** Fractional timestep whose trained log-sigma matches, by linear interpolation (diffusers' _sigma_to_t). */
    double sigmaToTimestep(double sigma) {
        double logSigma = Math.log(sigma);
        int last = trainSigmas.length - 1;
        if (logSigma <= Math.log(trainSigmas[0])) {
            return 0.0;
        }
        if (logSigma >= Math.log(trainSigmas[last])) {
            return last;
        }
        int low = 0;
        while (Math.log(trainSigmas[low + 1]) < logSigma) {
            low++;
        }
        double lowLog = Math.log(trainSigmas[low]);
        double highLog = Math.log(trainSigmas[low + 1]);
        return low + (logSigma - lowLog) / (highLog - lowLog);
    }

    @Override
    public float[] timesteps() {
        return Predictions.toFloats(plan.timesteps());
    }

    @Override
    public float[] sigmas() {
        return Predictions.toFloats(plan.sigmas());
    }

    /** Scale of the starting noise, from the prepared run's largest level. */
    @Override
    public float initNoiseSigma() {
        if (plan.calls() == 0) {
            throw new IllegalStateException("setTimesteps(...) must be called before initNoiseSigma()");
        }
        return (float) initNoise.applyAsDouble(plan);
    }

    @Override
    public float[] scaleModelInput(float[] sample, int callIndex) {
        Predictions.requireCall(callIndex, plan.calls());
        return Predictions.unitVariance(sample, plan.sigmas()[callIndex]);
    }

    @Override
    public float[] step(float[] modelOutput, int callIndex, float[] sample) {
        Predictions.requireCall(callIndex, plan.calls());
        Predictions.requireSameLength(modelOutput, sample, "step");
        double sigma = plan.sigmas()[callIndex];
        double dt = plan.sigmas()[callIndex + 1] - sigma;
        double[] x0 = x0(modelOutput, callIndex, sample);
        float[] next = new float[sample.length];
        for (int j = 0; j < sample.length; j++) {
            double derivative = (sample[j] - x0[j]) / sigma;
            next[j] = (float) (sample[j] + dt * derivative);
        }
        return next;
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, int callIndex) {
        Predictions.requireCall(callIndex, plan.calls());
        Predictions.requireSameLength(original, noise, "addNoise");
        double sigma = plan.sigmas()[callIndex];
        float[] out = new float[original.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (original[j] + sigma * noise[j]);
        }
        return out;
    }

    @Override
    public float[] predictOriginal(float[] modelOutput, int callIndex, float[] sample) {
        Predictions.requireCall(callIndex, plan.calls());
        Predictions.requireSameLength(modelOutput, sample, "predictOriginal");
        return Predictions.toFloats(x0(modelOutput, callIndex, sample));
    }

    /** In VP terms the model input is {@code alpha*x}, alpha = 1/sqrt(sigma^2+1), with VP noise level alpha*sigma. */
    private double[] x0(float[] modelOutput, int callIndex, float[] sample) {
        double sigma = plan.sigmas()[callIndex];
        double alpha = 1.0 / Math.sqrt(sigma * sigma + 1.0);
        double vpSigma = sigma * alpha;
        double[] x0 = new double[sample.length];
        for (int j = 0; j < sample.length; j++) {
            x0[j] = Predictions.vpX0(prediction, modelOutput[j], alpha * sample[j], alpha, vpSigma);
        }
        return x0;
    }
}
