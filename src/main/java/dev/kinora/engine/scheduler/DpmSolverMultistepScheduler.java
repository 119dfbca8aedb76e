package dev.kinora.engine.scheduler;

import java.util.Map;
import java.util.function.IntFunction;

/**
 * DPM-Solver (Lu et al. 2022) and DPM-Solver++ (Lu et al. 2022b), as diffusers' DPMSolverMultistepScheduler: a
 * multistep exponential integrator in log-SNR time, on the data prediction x0 (dpmsolver++) or the noise
 * (dpmsolver), orders 1 to 3, the second-order term by the midpoint or Heun rule. "DPM++ 2M" is dpmsolver++ at order
 * 2, and "DPM++ 2M Karras" the same on Karras levels, the sampler Stable Diffusion and AnimateDiff users know.
 *
 * <p>Works in both parameterisations diffusers has: variance-preserving ({@code alpha = 1/sqrt(sigma^2+1)}, sigma the
 * k-diffusion level) and flow ({@code alpha = 1 - sigma}, {@code use_flow_sigmas}). One model call per step; the
 * history of converted outputs needs every call once, in order. The SDE variants ("DPM++ 2M SDE": {@code
 * sde-dpmsolver++}, and {@code sde-dpmsolver}) add fresh noise at every step, which the caller passes in
 * ({@link #step(float[], int, float[], IntFunction)}).
 */
public final class DpmSolverMultistepScheduler implements Scheduler {

    private final PredictionType prediction;
    private final Levels levels;
    private final boolean dataPrediction;
    private final boolean sde;
    private final boolean heun;
    private final int solverOrder;
    private final boolean lowerOrderFinal;
    private final boolean eulerAtFinal;
    private final boolean finalSigmaZero;
    private final IntFunction<Plan> planner;
    private Plan plan = Plan.EMPTY;
    /** Calls in the whole schedule, and where this run starts in it (remix runs the last calls only). */
    private int scheduled;
    private int first;

    // Multistep state, reset by setTimesteps: converted outputs of the last calls (newest last).
    private double[][] history = new double[0][];
    private int lowerOrderNums;
    private int lastCall = -1;

    private DpmSolverMultistepScheduler(DiffusersConfig c, IntFunction<Plan> planner) {
        this.prediction = c.predictionType();
        this.levels = new Levels(c.flag("use_flow_sigmas"));
        // diffusers rewrites "deis" to dpmsolver++ and the UniPC/DEIS solver types to midpoint, as here
        this.dataPrediction = !c.text("algorithm_type").equals("dpmsolver") && !c.text("algorithm_type").equals("sde-dpmsolver");
        this.sde = c.text("algorithm_type").startsWith("sde-");
        this.heun = c.text("solver_type").equals("heun");
        this.solverOrder = c.integer("solver_order");
        this.lowerOrderFinal = c.flag("lower_order_final");
        this.eulerAtFinal = c.flag("euler_at_final");
        this.finalSigmaZero = c.text("final_sigmas_type").equals("zero");
        this.planner = planner;
    }

    /** diffusers' DPMSolverMultistepScheduler for this config and these pipeline inputs. */
    static DpmSolverMultistepScheduler fromDiffusers(DiffusersConfig c, TimestepInputs inputs) {
        if (c.schedulerClass() != DiffusersConfig.SchedulerClass.DPM_SOLVER_MULTISTEP) {
            throw new IllegalArgumentException(c.source() + " is a " + c.schedulerClass().diffusersName() + " config");
        }
        return new DpmSolverMultistepScheduler(c, numSteps -> DiffusersSchedules.dpm(c, numSteps, inputs));
    }

    /**
     * DPM++ 2M over another DDPM scheduler's config, as {@code DPMSolverMultistepScheduler.from_config(config)} builds it
     * in diffusers: the training schedule's keys carry over (betas, prediction, spacing, steps_offset, zero-SNR
     * rescaling), the other class's own keys are dropped, and {@code karras} switches Karras levels on.
     *
     * @throws IllegalArgumentException when the other config's noise levels or timesteps mean something DPM-Solver
     *                                  cannot reproduce (CogVideoX's SNR shift, continuous timesteps, flow sigmas)
     */
    public static DpmSolverMultistepScheduler overConfig(DiffusersConfig other, boolean karras) {
        return fromDiffusers(DiffusersSchedulers.fromConfig(other, DiffusersConfig.SchedulerClass.DPM_SOLVER_MULTISTEP,
                dpmPlusPlus2m(karras), karras ? "dpm++2m-karras" : "dpm++2m"), TimestepInputs.NONE);
    }

    /** DPM++ 2M on a pack without a diffusers config: its pack.json training schedule, as diffusers' defaults otherwise. */
    public static DpmSolverMultistepScheduler fromKinora(SchedulerConfig config, boolean karras) {
        return fromDiffusers(DiffusersSchedulers.fromKinora(config, DiffusersConfig.SchedulerClass.DPM_SOLVER_MULTISTEP,
                dpmPlusPlus2m(karras), karras ? "dpm++2m-karras" : "dpm++2m"), TimestepInputs.NONE);
    }

    private static Map<String, Object> dpmPlusPlus2m(boolean karras) {
        return Map.of("algorithm_type", "dpmsolver++", "solver_order", 2, "solver_type", "midpoint", "use_karras_sigmas", karras,
                "use_exponential_sigmas", false, "use_beta_sigmas", false);
    }

    @Override
    public void setTimesteps(int numSteps, float strength) {
        Plan full = planner.apply(numSteps);
        plan = full.lastCalls(strength);
        scheduled = full.calls();
        first = scheduled - plan.calls();
        history = new double[solverOrder][];
        lowerOrderNums = 0;
        lastCall = -1;
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
        return step(modelOutput, callIndex, sample, Predictions.noNoise("sde-dpm-solver")); // drawn only by the SDE forms
    }

    @Override
    public float[] step(float[] modelOutput, int callIndex, float[] sample, IntFunction<float[]> noise) {
        Predictions.requireCall(callIndex, plan.calls());
        Predictions.requireSameLength(modelOutput, sample, "step");
        if (callIndex != lastCall + 1) {
            throw new IllegalStateException("dpm-solver: call " + callIndex + " must follow call " + (callIndex - 1)
                    + " (last stepped call was " + lastCall + "); step every call once, in order");
        }
        int index = first + callIndex; // diffusers' step_index, in the whole schedule
        boolean finalStep = index == scheduled - 1
                && (eulerAtFinal || (lowerOrderFinal && scheduled < 15) || finalSigmaZero);
        boolean secondToLast = index == scheduled - 2 && lowerOrderFinal && scheduled < 15;
        double[] converted = levels.convert(prediction, dataPrediction, modelOutput, sample, plan.sigmas()[callIndex]);
        System.arraycopy(history, 1, history, 0, solverOrder - 1);
        history[solverOrder - 1] = converted;
        float[] z = null;
        if (sde) {
            z = noise.apply(sample.length); // diffusers draws it before choosing the order, at every step
            if (z.length != sample.length) {
                throw new IllegalStateException("the noise source gave " + z.length + " values for a sample of " + sample.length);
            }
        }
        double[] next;
        if (solverOrder == 1 || lowerOrderNums < 1 || finalStep) {
            next = firstOrder(converted, sample, callIndex);
        } else if (solverOrder == 2 || lowerOrderNums < 2 || secondToLast) {
            next = secondOrder(sample, callIndex);
        } else {
            next = thirdOrder(sample, callIndex);
        }
        if (sde) {
            addNoiseTerm(next, z, callIndex);
        }
        if (lowerOrderNums < solverOrder) {
            lowerOrderNums++;
        }
        lastCall = callIndex;
        return Predictions.toFloats(next);
    }

    /** The SDE variants' noise: sigma_t sqrt(1 - e^(-2h)) z (data form) or sigma_t sqrt(e^(2h) - 1) z (noise form). */
    private void addNoiseTerm(double[] next, float[] z, int k) {
        double t = plan.sigmas()[k + 1];
        double h = levels.lambda(t) - levels.lambda(plan.sigmas()[k]);
        double scale = levels.sigmaT(t) * Math.sqrt(dataPrediction ? -Math.expm1(-2 * h) : Math.expm1(2 * h));
        if (scale == 0) {
            return; // the step to sigma 0 (h infinite): 0 * z, and no 0 * infinity
        }
        for (int j = 0; j < next.length; j++) {
            next[j] += scale * z[j];
        }
    }

    private double[] firstOrder(double[] m0, float[] x, int k) {
        double s0 = plan.sigmas()[k];
        double t = plan.sigmas()[k + 1];
        double h = levels.lambda(t) - levels.lambda(s0);
        double alphaT = levels.alpha(t);
        double sigmaT = levels.sigmaT(t);
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            if (sde) {
                out[j] = dataPrediction
                        ? (sigmaT / levels.sigmaT(s0) * Math.exp(-h)) * x[j] - (alphaT * Math.expm1(-2 * h)) * m0[j]
                        : (alphaT / levels.alpha(s0)) * x[j] - 2.0 * (sigmaT * Math.expm1(h)) * m0[j];
            } else {
                out[j] = dataPrediction
                        ? (sigmaT / levels.sigmaT(s0)) * x[j] - (alphaT * Math.expm1(-h)) * m0[j]
                        : (alphaT / levels.alpha(s0)) * x[j] - (sigmaT * Math.expm1(h)) * m0[j];
            }
        }
        return out;
    }

    private double[] secondOrder(float[] x, int k) {
        double t = plan.sigmas()[k + 1];
        double s0 = plan.sigmas()[k];
        double s1 = plan.sigmas()[k - 1];
        double h = levels.lambda(t) - levels.lambda(s0);
        double r0 = (levels.lambda(s0) - levels.lambda(s1)) / h;
        double[] m0 = history[solverOrder - 1];
        double[] m1 = history[solverOrder - 2];
        double alphaT = levels.alpha(t);
        double sigmaT = levels.sigmaT(t);
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double d1 = (m0[j] - m1[j]) / r0;
            if (sde && dataPrediction) {
                double e2 = -Math.expm1(-2 * h); // 1 - e^(-2h)
                out[j] = (sigmaT / levels.sigmaT(s0) * Math.exp(-h)) * x[j] + alphaT * e2 * m0[j]
                        + (heun ? alphaT * (e2 / (-2 * h) + 1.0) * d1 : 0.5 * alphaT * e2 * d1);
            } else if (sde) {
                double phi = Math.expm1(h);
                out[j] = (alphaT / levels.alpha(s0)) * x[j] - 2.0 * sigmaT * phi * m0[j]
                        - (heun ? 2.0 * sigmaT * (phi / h - 1.0) * d1 : sigmaT * phi * d1);
            } else if (dataPrediction) {
                double phi = Math.expm1(-h);
                out[j] = (sigmaT / levels.sigmaT(s0)) * x[j] - alphaT * phi * m0[j]
                        + (heun ? alphaT * (phi / h + 1.0) * d1 : -0.5 * alphaT * phi * d1);
            } else {
                double phi = Math.expm1(h);
                out[j] = (alphaT / levels.alpha(s0)) * x[j] - sigmaT * phi * m0[j]
                        - (heun ? sigmaT * (phi / h - 1.0) * d1 : 0.5 * sigmaT * phi * d1);
            }
        }
        return out;
    }

    private double[] thirdOrder(float[] x, int k) {
        double t = plan.sigmas()[k + 1];
        double s0 = plan.sigmas()[k];
        double s1 = plan.sigmas()[k - 1];
        double s2 = plan.sigmas()[k - 2];
        double h = levels.lambda(t) - levels.lambda(s0);
        double r0 = (levels.lambda(s0) - levels.lambda(s1)) / h;
        double r1 = (levels.lambda(s1) - levels.lambda(s2)) / h;
        double[] m0 = history[solverOrder - 1];
        double[] m1 = history[solverOrder - 2];
        double[] m2 = history[solverOrder - 3];
        double alphaT = levels.alpha(t);
        double sigmaT = levels.sigmaT(t);
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double d10 = (m0[j] - m1[j]) / r0;
            double d11 = (m1[j] - m2[j]) / r1;
            double d1 = d10 + r0 / (r0 + r1) * (d10 - d11);
            double d2 = (d10 - d11) / (r0 + r1);
            if (sde) { // sde-dpmsolver++ (the noise form has no third order; DiffusersConfig refuses it)
                double e2 = -Math.expm1(-2 * h);
                out[j] = (sigmaT / levels.sigmaT(s0) * Math.exp(-h)) * x[j] + alphaT * e2 * m0[j] + alphaT * (e2 / (-2 * h) + 1.0) * d1
                        + alphaT * ((e2 - 2 * h) / (4 * h * h) - 0.5) * d2;
            } else if (dataPrediction) {
                double phi = Math.expm1(-h);
                out[j] = (sigmaT / levels.sigmaT(s0)) * x[j] - alphaT * phi * m0[j] + alphaT * (phi / h + 1.0) * d1
                        - alphaT * ((phi + h) / (h * h) - 0.5) * d2;
            } else {
                double phi = Math.expm1(h);
                out[j] = (alphaT / levels.alpha(s0)) * x[j] - sigmaT * phi * m0[j] - sigmaT * (phi / h - 1.0) * d1
                        - sigmaT * ((phi - h) / (h * h) - 0.5) * d2;
            }
        }
        return out;
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, int callIndex) {
        Predictions.requireCall(callIndex, plan.calls());
        Predictions.requireSameLength(original, noise, "addNoise");
        return levels.addNoise(original, noise, plan.sigmas()[callIndex]);
    }

    @Override
    public float[] predictOriginal(float[] modelOutput, int callIndex, float[] sample) {
        Predictions.requireCall(callIndex, plan.calls());
        Predictions.requireSameLength(modelOutput, sample, "predictOriginal");
        return levels.predictOriginal(prediction, modelOutput, sample, plan.sigmas()[callIndex]);
    }
}
