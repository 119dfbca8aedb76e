package dev.kinora.engine.scheduler;

import static dev.kinora.engine.scheduler.StandInModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DDIM and Euler-discrete, the samplers for EPSILON / V_PREDICTION / SAMPLE packs. */
class DiffusionSchedulersTest {

    private static final float[] X0 = {0.25f, -1.5f, 0.8f, 0.0f, -0.75f};
    private static final float[] NOISE = {1.2f, -0.4f, 0.3f, -2.1f, 0.9f};

    static Stream<Arguments> kindsAndPredictions() {
        return Stream.of(SchedulerKind.DDIM, SchedulerKind.EULER)
                .flatMap(kind -> Stream.of(PredictionType.EPSILON, PredictionType.V_PREDICTION, PredictionType.SAMPLE)
                        .map(type -> Arguments.of(kind, type)));
    }

    @Test
    void ddimFourStepsUsesTrailingTimestepsAndEndsOnAlphaBarOne() {
        DdimScheduler ddim = (DdimScheduler) SchedulerKind.DDIM.create(SchedulerConfig.ddpm(PredictionType.EPSILON));
        ddim.setTimesteps(4);
        assertArrayEquals(new float[] {999f, 749f, 499f, 249f}, ddim.timesteps(), 0f);
        assertArrayEquals(new double[] {0.004660098513077238, 0.056623491598269717, 0.27766965045646763, 0.6754324137251241, 1.0},
                ddim.alphaBars(), 1e-12);
        assertArrayEquals(new float[] {14.614641f, 4.0817294f, 1.6128862f, 0.6932049f, 0f}, ddim.sigmas(), 1e-5f);
        assertEquals(1f, ddim.initNoiseSigma());
    }

    @Test
    void ddimThreeStepTrajectoryEqualsHandComputedValues() {
        // T = 3 with every beta 0.5: alphaBar_t = 0.5^(t+1), trailing timesteps 2, 1, 0 -> alphaBars 1/8, 1/4, 1/2, then 1.
        // Model eps = x/2 from x = 1; each call: x0 = (x - sqrt(1-a)*eps)/sqrt(a), x' = sqrt(a')*x0 + sqrt(1-a')*eps.
        SchedulerConfig config = SchedulerConfig.ddpm(PredictionType.EPSILON).withBetas(3, 0.5f, 0.5f, "linear");
        Scheduler ddim = SchedulerKind.DDIM.create(config);
        ddim.setTimesteps(3);
        assertArrayEquals(new float[] {2f, 1f, 0f}, ddim.timesteps(), 0f);
        float[] x = {1f};
        double[] expected = {1.1857884364991667, 1.3700534581739838, 1.2525214526388158};
        for (int k = 0; k < 3; k++) {
            x = ddim.step(new float[] {x[0] / 2f}, k, x);
            assertEquals(expected[k], x[0], 1e-6, "after call " + k);
        }
    }

    @Test
    void eulerFourStepsUsesTrainedSigmasAtTrailingTimesteps() {
        Scheduler euler = SchedulerKind.EULER.create(SchedulerConfig.ddpm(PredictionType.EPSILON));
        euler.setTimesteps(4);
        assertArrayEquals(new float[] {999f, 749f, 499f, 249f}, euler.timesteps(), 0f);
        // sqrt((1 - alphaBar)/alphaBar) at those steps
        assertArrayEquals(new float[] {14.614641f, 4.0817294f, 1.6128862f, 0.6932049f, 0f}, euler.sigmas(), 1e-5f);
        assertEquals(14.614641f, euler.initNoiseSigma(), 1e-5f);
    }

    @Test
    void eulerScalesTheModelInputToUnitVariance() {
        Scheduler euler = SchedulerKind.EULER.create(SchedulerConfig.ddpm(PredictionType.EPSILON));
        euler.setTimesteps(4);
        float sigma = euler.sigmas()[1];
        float[] scaled = euler.scaleModelInput(new float[] {2f, -3f}, 1);
        double factor = 1.0 / Math.sqrt(sigma * sigma + 1.0);
        assertArrayEquals(new float[] {(float) (2 * factor), (float) (-3 * factor)}, scaled, 1e-6f);
    }

    @Test
    void eulerKarrasSigmasFollowTheFormulaBetweenTheTrainedExtremes() {
        EulerDiscreteScheduler euler = (EulerDiscreteScheduler) SchedulerKind.EULER.create(
                SchedulerConfig.ddpm(PredictionType.EPSILON).withSigmaSchedule(SigmaSchedule.KARRAS));
        euler.setTimesteps(5);
        double min = 0.029167158151720367;
        double max = 14.614641229333639;
        float[] sigmas = euler.sigmas();
        assertEquals(6, sigmas.length);
        for (int i = 0; i < 5; i++) {
            double ramp = i / 4.0;
            double expected = Math.pow(Math.pow(max, 1 / 7.0) + ramp * (Math.pow(min, 1 / 7.0) - Math.pow(max, 1 / 7.0)), 7.0);
            assertEquals(expected, sigmas[i], 1e-5 * expected);
        }
        float[] t = euler.timesteps();
        assertEquals(999f, t[0], 1e-3f);
        assertEquals(0f, t[4], 1e-3f);
        // Interpolated timesteps land between the trained steps whose sigmas bracket the Karras sigma.
        for (int i = 1; i < 4; i++) {
            assertTrue(t[i] > 0 && t[i] < 999 && t[i] < t[i - 1], "timestep " + t[i]);
            double[] ac = SigmaSchedules.alphasCumprod(SchedulerConfig.ddpm(PredictionType.EPSILON));
            int low = (int) Math.floor(t[i]);
            double sLow = Math.sqrt((1 - ac[low]) / ac[low]);
            double sHigh = Math.sqrt((1 - ac[low + 1]) / ac[low + 1]);
            assertTrue(sLow <= sigmas[i] * (1 + 1e-6) && sigmas[i] <= sHigh * (1 + 1e-6), "sigma " + sigmas[i] + " in [" + sLow + ", " + sHigh + "]");
        }
    }

    @ParameterizedTest
    @MethodSource("kindsAndPredictions")
    void exactModelOnOnePointBringsPureNoiseToThatPoint(SchedulerKind kind, PredictionType type) {
        for (SigmaSchedule schedule : kind == SchedulerKind.EULER
                ? new SigmaSchedule[] {SigmaSchedule.LINEAR, SigmaSchedule.KARRAS} : new SigmaSchedule[] {SigmaSchedule.LINEAR}) {
            for (int steps : new int[] {1, 3, 10, 50}) {
                Scheduler scheduler = kind.create(SchedulerConfig.ddpm(type).withSigmaSchedule(schedule));
                scheduler.setTimesteps(steps);
                // Pure noise, as text-to-video starts; both samplers are exact for one-point data from any start.
                float[] start = new float[NOISE.length];
                for (int j = 0; j < start.length; j++) {
                    start[j] = scheduler.initNoiseSigma() * NOISE[j];
                }
                float[] end = StandInModels.run(scheduler, start, StandInModels.vpPoint(type, X0));
                assertTrue(maxAbsDiff(end, X0) < 1e-5, kind.id() + " " + type + " " + schedule + " steps=" + steps
                        + " error " + maxAbsDiff(end, X0));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kindsAndPredictions")
    void addNoiseAndPredictOriginalAreInverse(SchedulerKind kind, PredictionType type) {
        Scheduler scheduler = kind.create(SchedulerConfig.ddpm(type));
        scheduler.setTimesteps(6);
        float[] sigmas = scheduler.sigmas();
        for (int k = 0; k < scheduler.numCalls(); k++) {
            float[] noisy = scheduler.addNoise(X0, NOISE, k);
            double alpha = 1.0 / Math.sqrt(sigmas[k] * (double) sigmas[k] + 1.0);
            double vpSigma = sigmas[k] * alpha;
            // The VP sample the model sees: DDIM samples are VP already, Euler's are x0 + sigma*noise.
            float[] modelSees = scheduler.scaleModelInput(noisy, k);
            for (int j = 0; j < X0.length; j++) {
                assertEquals(alpha * X0[j] + vpSigma * NOISE[j], modelSees[j], 1e-6);
            }
            float[] output = new float[X0.length];
            for (int j = 0; j < X0.length; j++) {
                output[j] = (float) switch (type) {
                    case EPSILON -> NOISE[j];
                    case V_PREDICTION -> alpha * NOISE[j] - vpSigma * X0[j];
                    default -> X0[j];
                };
            }
            double error = maxAbsDiff(scheduler.predictOriginal(output, k, noisy), X0);
            assertTrue(error < 5e-6, kind.id() + " " + type + " call " + k + " error " + error);
        }
    }

    @ParameterizedTest
    @MethodSource("kindsAndPredictions")
    void halfStrengthRemixOfTenStepsRunsTheLastFiveCalls(SchedulerKind kind, PredictionType type) {
        Scheduler full = kind.create(SchedulerConfig.ddpm(type));
        full.setTimesteps(10);
        Scheduler remix = kind.create(SchedulerConfig.ddpm(type));
        remix.setTimesteps(10, 0.5f);
        assertEquals(5, remix.numCalls());
        assertArrayEquals(new float[] {499f, 399f, 299f, 199f, 99f}, remix.timesteps(), 0f);
        assertEquals(full.sigmas()[5], remix.sigmas()[0], 0f);
        float[] end = StandInModels.run(remix, remix.addNoise(X0, NOISE, 0), StandInModels.vpPoint(type, X0));
        assertTrue(maxAbsDiff(end, X0) < 1e-5, "remix ends on the data, error " + maxAbsDiff(end, X0));
    }

    private static final float[] Z = {-1.7f, -0.6f, 0.0f, 0.45f, 1.3f, 2.2f};
    private static final double MU = 0.7;
    private static final double S = 0.5;

    /**
     * Runs from noise to clean data N(MU, S^2) with the exact denoiser {@code E[x0|x] = MU + S^2/(S^2+sigma^2)(x - MU)}
     * in the variance-exploding coordinates x = x0 + sigma*eps. The ODE keeps each sample's standard score, so the
     * start {@code MU + sqrt(S^2 + sigmaMax^2)*z} must end at {@code MU + S*z}; returns the end sample.
     */
    private static float[] gaussianRun(SchedulerKind kind, PredictionType type, int steps) {
        Scheduler scheduler = kind.create(SchedulerConfig.ddpm(type));
        scheduler.setTimesteps(steps);
        double sigmaMax = scheduler.sigmas()[0];
        // DDIM keeps variance-preserving samples: alpha times the VE sample.
        double startScale = kind == SchedulerKind.DDIM ? 1.0 / Math.sqrt(sigmaMax * sigmaMax + 1.0) : 1.0;
        float[] start = new float[Z.length];
        for (int j = 0; j < Z.length; j++) {
            start[j] = (float) (startScale * (MU + Math.sqrt(S * S + sigmaMax * sigmaMax) * Z[j]));
        }
        return StandInModels.run(scheduler, start, (input, sigma, unused) -> {
            double alpha = 1.0 / Math.sqrt(sigma * sigma + 1.0);
            double vpSigma = sigma * alpha;
            float[] out = new float[input.length];
            for (int j = 0; j < input.length; j++) {
                double ve = input[j] / alpha;
                double x0 = MU + S * S / (S * S + sigma * sigma) * (ve - MU);
                double eps = (ve - x0) / sigma;
                out[j] = (float) switch (type) {
                    case EPSILON -> eps;
                    case V_PREDICTION -> alpha * eps - vpSigma * x0;
                    default -> x0;
                };
            }
            return out;
        });
    }

    private static double gaussianError(SchedulerKind kind, PredictionType type, int steps) {
        double[] exact = new double[Z.length];
        for (int j = 0; j < Z.length; j++) {
            exact[j] = MU + S * Z[j];
        }
        return maxAbsDiff(gaussianRun(kind, type, steps), exact);
    }

    @ParameterizedTest
    @MethodSource("kindsAndPredictions")
    void gaussianErrorHalvesWhenStepsDouble(SchedulerKind kind, PredictionType type) {
        double coarse = gaussianError(kind, type, 40);
        double fine = gaussianError(kind, type, 80);
        // Measured 1.82; trailing steps on the scaled-linear schedule approach 2 slowly (1.69 at 5 -> 10 steps).
        assertEquals(1.85, coarse / fine, 0.2, kind.id() + " " + type + ": " + coarse + " -> " + fine);
    }

    @Test
    void ddimIsEulerInVarianceExplodingCoordinates() {
        // Karras et al. 2022: deterministic DDIM is Euler on dx/dsigma = (x - x0)/sigma for x = sample/alpha.
        for (PredictionType type : new PredictionType[] {PredictionType.EPSILON, PredictionType.V_PREDICTION, PredictionType.SAMPLE}) {
            float[] ddim = gaussianRun(SchedulerKind.DDIM, type, 12);
            float[] euler = gaussianRun(SchedulerKind.EULER, type, 12);
            assertTrue(maxAbsDiff(ddim, euler) < 1e-5, type + ": " + maxAbsDiff(ddim, euler));
        }
    }

    @Test
    void ddimRefusesSchedulesItCannotFollow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchedulerKind.DDIM.create(
                SchedulerConfig.ddpm(PredictionType.EPSILON).withSigmaSchedule(SigmaSchedule.KARRAS)));
        assertTrue(e.getMessage().contains("euler"), e.getMessage());
    }
}
