package dev.kinora.engine.scheduler;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * UniPC (Zhao et al. 2023), as diffusers' UniPCMultistepScheduler: a multistep predictor (UniP) whose result is
 * corrected at the next call with the fresh model output (UniC), so each model call buys order {@code p + 1}.
 * Wan 2.1 ships it with flow sigmas ({@code use_flow_sigmas}, {@code flow_shift}), {@code predict_x0},
 * {@code solver_type="bh2"}, order 2 and {@code lower_order_final}.
 *
 * <p>Works in both parameterisations diffusers has: flow ({@code alpha = 1 - sigma}) and variance-preserving
 * ({@code alpha = 1/sqrt(sigma^2+1)}, sigma the k-diffusion level), with lambda = log(alpha/sigma). Orders 1 to 3,
 * B(h) = h (bh1) or e^h - 1 (bh2). One model call per step; the corrector needs the previous call's sample, so
 * calls must come once each, in order.
 */
public final class UniPcMultistepScheduler implements Scheduler {

    private final PredictionType prediction;
    private final Levels levels;
    private final int solverOrder;
    private final boolean bh2;
    private final boolean predictX0;
    private final boolean lowerOrderFinal;
    private final int[] disableCorrector;
    private final IntFunction<Plan> planner;
    private Plan plan = Plan.EMPTY;

    // Multistep state, reset by setTimesteps: converted outputs of the last calls (newest last).
    private double[][] history = new double[0][];
    private double[] lastSample;
    private int lowerOrderNums;
    private int thisOrder;
    private int lastCall = -1;

    /**
     * UniPC on a Kinora flow pack: the flow sigmas diffusers uses ({@code linspace(1, 1/T, n+1)[:-1]}, shifted by
     * the pack's shift), predict_x0, bh2, order 2, lower_order_final, final sigma 0; model timesteps are diffusers'
     * integer timesteps scaled by {@code timestepScale / numTrainTimesteps}.
     */
    public UniPcMultistepScheduler(SchedulerConfig config) {
        this(checked(config), true, 2, true, true, true, new int[0], numSteps -> kinoraPlan(config, numSteps));
    }

    private UniPcMultistepScheduler(PredictionType prediction, boolean flow, int solverOrder, boolean bh2, boolean predictX0,
                                    boolean lowerOrderFinal, int[] disableCorrector, IntFunction<Plan> planner) {
        this.prediction = prediction;
        this.levels = new Levels(flow);
        this.solverOrder = solverOrder;
        this.bh2 = bh2;
        this.predictX0 = predictX0;
        this.lowerOrderFinal = lowerOrderFinal;
        this.disableCorrector = disableCorrector.clone();
        this.planner = planner;
    }

    /** diffusers' UniPCMultistepScheduler for this config and these pipeline inputs. */
    static UniPcMultistepScheduler fromDiffusers(DiffusersConfig c, TimestepInputs inputs) {
        return new UniPcMultistepScheduler(c.predictionType(), c.flag("use_flow_sigmas"), c.integer("solver_order"),
                !c.text("solver_type").equals("bh1"), c.flag("predict_x0"), c.flag("lower_order_final"),
                c.integers("disable_corrector"), numSteps -> DiffusersSchedules.unipc(c, numSteps, inputs));
    }

    private static PredictionType checked(SchedulerConfig config) {
        Predictions.requireFlow(config.predictionType(), "flow-unipc");
        return config.predictionType();
    }

    private static Plan kinoraPlan(SchedulerConfig config, int numSteps) {
        Plan p = DiffusersSchedules.unipcFlow(config.numTrainTimesteps(), config.shift(), numSteps);
        double scale = config.timestepScale() / config.numTrainTimesteps();
        double[] timesteps = new double[p.calls()];
        for (int i = 0; i < timesteps.length; i++) {
            timesteps[i] = p.timesteps()[i] * scale;
        }
        return new Plan(timesteps, p.sigmas());
    }

    @Override
    public void setTimesteps(int numSteps, float strength) {
        plan = planner.apply(numSteps).lastCalls(strength);
        history = new double[solverOrder][];
        lastSample = null;
        lowerOrderNums = 0;
        thisOrder = 0;
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
        int calls = plan.calls();
        Predictions.requireCall(callIndex, calls);
        Predictions.requireSameLength(modelOutput, sample, "step");
        if (callIndex != lastCall + 1) {
            throw new IllegalStateException("unipc: call " + callIndex + " must follow call " + (callIndex - 1)
                    + " (last stepped call was " + lastCall + "); step every call once, in order");
        }
        double[] x = new double[sample.length];
        for (int j = 0; j < x.length; j++) {
            x[j] = sample[j];
        }
        double[] converted = levels.convert(prediction, predictX0, modelOutput, sample, plan.sigmas()[callIndex]);
        boolean useCorrector = callIndex > 0 && !disabled(callIndex - 1) && lastSample != null;
        if (useCorrector) {
            x = correct(converted, lastSample, x, thisOrder, callIndex);
        }
        System.arraycopy(history, 1, history, 0, solverOrder - 1);
        history[solverOrder - 1] = converted;
        int order = lowerOrderFinal ? Math.min(solverOrder, calls - callIndex) : solverOrder;
        thisOrder = Math.min(order, lowerOrderNums + 1);
        lastSample = x;
        double[] next = predict(x, thisOrder, callIndex);
        if (lowerOrderNums < solverOrder) {
            lowerOrderNums++;
        }
        lastCall = callIndex;
        return Predictions.toFloats(next);
    }

    private boolean disabled(int call) {
        return Arrays.stream(disableCorrector).anyMatch(c -> c == call);
    }

    /** The coefficients both updates share: h-dependent phi terms, B(h), and the right-hand side b. */
    private record Coefficients(double hPhi1, double bH, double[] b, double[] rks) {
    }

    private Coefficients coefficients(double h, double[] rks, int order) {
        double hh = predictX0 ? -h : h;
        double hPhi1 = Math.expm1(hh);
        double hPhiK = hPhi1 / hh - 1;
        double factorial = 1;
        double bH = bh2 ? Math.expm1(hh) : hh;
        double[] b = new double[order];
        for (int i = 1; i <= order; i++) {
            b[i - 1] = hPhiK * factorial / bH;
            factorial *= i + 1;
            hPhiK = hPhiK / hh - 1 / factorial;
        }
        return new Coefficients(hPhi1, bH, b, rks);
    }

    /** UniP: from call k's sample to the level of call k + 1. */
    private double[] predict(double[] x, int order, int k) {
        double sigmaS0 = plan.sigmas()[k];
        double sigmaNext = plan.sigmas()[k + 1];
        double lambdaS0 = levels.lambda(sigmaS0);
        double h = levels.lambda(sigmaNext) - lambdaS0;
        double[] m0 = history[solverOrder - 1];
        double[] rks = new double[order];
        double[][] d1s = new double[order - 1][];
        for (int i = 1; i < order; i++) {
            double rk = (levels.lambda(plan.sigmas()[k - i]) - lambdaS0) / h;
            rks[i - 1] = rk;
            d1s[i - 1] = difference(history[solverOrder - 1 - i], m0, rk);
        }
        rks[order - 1] = 1;
        Coefficients co = coefficients(h, rks, order);
        double[] rhos = new double[0];
        if (order == 2) {
            rhos = new double[] {0.5};
        } else if (order > 2) {
            rhos = solve(vandermonde(rks, order - 1), Arrays.copyOf(co.b(), order - 1));
        }
        return update(x, m0, sigmaS0, sigmaNext, co, d1s, rhos, null, 0);
    }

    /** UniC: corrects call k's sample (predicted from call k - 1) with call k's converted output. */
    private double[] correct(double[] modelT, double[] last, double[] thisSample, int order, int k) {
        double sigmaS0 = plan.sigmas()[k - 1];
        double sigmaT = plan.sigmas()[k];
        double lambdaS0 = levels.lambda(sigmaS0);
        double h = levels.lambda(sigmaT) - lambdaS0;
        double[] m0 = history[solverOrder - 1];
        double[] rks = new double[order];
        double[][] d1s = new double[order - 1][];
        for (int i = 1; i < order; i++) {
            double rk = (levels.lambda(plan.sigmas()[k - (i + 1)]) - lambdaS0) / h;
            rks[i - 1] = rk;
            d1s[i - 1] = difference(history[solverOrder - 1 - i], m0, rk);
        }
        rks[order - 1] = 1;
        Coefficients co = coefficients(h, rks, order);
        double[] rhos = order == 1 ? new double[] {0.5} : solve(vandermonde(rks, order), co.b());
        double[] d1t = new double[m0.length];
        for (int j = 0; j < m0.length; j++) {
            d1t[j] = modelT[j] - m0[j];
        }
        return update(last, m0, sigmaS0, sigmaT, co, d1s, Arrays.copyOf(rhos, order - 1), d1t, rhos[order - 1]);
    }

    /** The shared B(h) update: the first-order step plus the weighted differences (and UniC's new one). */
    private double[] update(double[] x, double[] m0, double sigmaS0, double sigmaT, Coefficients co, double[][] d1s,
                            double[] rhos, double[] d1t, double rhoT) {
        double alphaT = levels.alpha(sigmaT);
        double sigmaTT = levels.sigmaT(sigmaT);
        double alphaS0 = levels.alpha(sigmaS0);
        double sigmaS0T = levels.sigmaT(sigmaS0);
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double res = 0;
            for (int i = 0; i < rhos.length; i++) {
                res += rhos[i] * d1s[i][j];
            }
            if (d1t != null) {
                res += rhoT * d1t[j];
            }
            out[j] = predictX0
                    ? sigmaTT / sigmaS0T * x[j] - alphaT * co.hPhi1() * m0[j] - alphaT * co.bH() * res
                    : alphaT / alphaS0 * x[j] - sigmaTT * co.hPhi1() * m0[j] - sigmaTT * co.bH() * res;
        }
        return out;
    }

    private static double[] difference(double[] mi, double[] m0, double rk) {
        double[] d = new double[m0.length];
        for (int j = 0; j < d.length; j++) {
            d[j] = (mi[j] - m0[j]) / rk;
        }
        return d;
    }

    /** R[i][k] = rks[k]^i for i, k < size. */
    private static double[][] vandermonde(double[] rks, int size) {
        double[][] r = new double[size][size];
        for (int i = 0; i < size; i++) {
            for (int k = 0; k < size; k++) {
                r[i][k] = Math.pow(rks[k], i);
            }
        }
        return r;
    }

    /** Gaussian elimination with partial pivoting; the systems here are at most 3 x 3. */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = Arrays.copyOf(a[i], n + 1);
            m[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = m[col];
            m[col] = m[pivot];
            m[pivot] = tmp;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                for (int c = col; c <= n; c++) {
                    m[r][c] -= f * m[col][c];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int c = r + 1; c < n; c++) {
                s -= m[r][c] * x[c];
            }
            x[r] = s / m[r][r];
        }
        return x;
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
