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

class FlowSchedulersTest {

    private static final float[] X0 = {0.25f, -1.5f, 3.0f, 0.0f, -0.75f};
    private static final float[] NOISE = {1.2f, -0.4f, 0.3f, -2.1f, 0.9f};
    private static final float[] Z = {-1.7f, -0.6f, 0.0f, 0.45f, 1.3f, 2.2f};
    private static final double MU = 0.7;
    private static final double S = 0.5;

    static Stream<Arguments> flowKindsAndPredictions() {
        return Stream.of(SchedulerKind.FLOW_EULER, SchedulerKind.FLOW_HEUN, SchedulerKind.FLOW_DPMPP_2M)
                .flatMap(kind -> Stream.of(PredictionType.FLOW_VELOCITY, PredictionType.SAMPLE)
                        .map(type -> Arguments.of(kind, type)));
    }

    private static Scheduler create(SchedulerKind kind, float shift, PredictionType type) {
        return kind.create(SchedulerConfig.flow(shift, type));
    }

    @Test
    void eulerAndDpmFourStepsShiftThreeCallTheModelAtHandComputedTimesteps() {
        for (SchedulerKind kind : new SchedulerKind[] {SchedulerKind.FLOW_EULER, SchedulerKind.FLOW_DPMPP_2M}) {
            Scheduler scheduler = create(kind, 3f, PredictionType.FLOW_VELOCITY);
            scheduler.setTimesteps(4);
            assertArrayEquals(new float[] {1000f, 900f, 750f, 500f}, scheduler.timesteps(), 1e-3f, kind.id());
            assertArrayEquals(new float[] {1f, 0.9f, 0.75f, 0.5f, 0f}, scheduler.sigmas(), 1e-7f, kind.id());
            assertEquals(1f, scheduler.initNoiseSigma());
        }
    }

    @Test
    void heunRepeatsEveryInnerLevelForItsCorrectorCall() {
        Scheduler heun = create(SchedulerKind.FLOW_HEUN, 3f, PredictionType.FLOW_VELOCITY);
        heun.setTimesteps(4);
        assertArrayEquals(new float[] {1000f, 900f, 900f, 750f, 750f, 500f, 500f}, heun.timesteps(), 1e-3f);
        assertArrayEquals(new float[] {1f, 0.9f, 0.9f, 0.75f, 0.75f, 0.5f, 0.5f, 0f}, heun.sigmas(), 1e-7f);
        assertArrayEquals(new float[] {1f, 0.9f, 0.75f, 0.5f, 0f}, ((FlowHeunScheduler) heun).stepSigmas(), 1e-7f);
    }

    @Test
    void tinyWorldTimestepScaleOnePassesSigmaItself() {
        Scheduler scheduler = SchedulerKind.FLOW_EULER.create(SchedulerConfig.flow(1f, PredictionType.SAMPLE).withTimestepScale(1f));
        scheduler.setTimesteps(4);
        assertArrayEquals(new float[] {1f, 0.75f, 0.5f, 0.25f}, scheduler.timesteps(), 0f);
    }

    @Test
    void eulerStepIsSigmaDifferenceTimesVelocity() {
        Scheduler euler = create(SchedulerKind.FLOW_EULER, 3f, PredictionType.FLOW_VELOCITY);
        euler.setTimesteps(4);
        float[] x = {1f, -2f};
        float[] v = {0.5f, 4f};
        // sigma 0.9 -> 0.75: dt = -0.15
        assertArrayEquals(new float[] {1f - 0.15f * 0.5f, -2f - 0.15f * 4f}, euler.step(v, 1, x), 1e-6f);
    }

    @ParameterizedTest
    @MethodSource("flowKindsAndPredictions")
    void exactModelOnOnePointBringsPureNoiseToThatPoint(SchedulerKind kind, PredictionType type) {
        for (int steps : new int[] {1, 2, 4, 10, 25}) {
            for (float shift : new float[] {1f, 3f}) {
                Scheduler scheduler = create(kind, shift, type);
                scheduler.setTimesteps(steps);
                float[] start = scaled(NOISE, scheduler.initNoiseSigma());
                float[] end = StandInModels.run(scheduler, start, StandInModels.flowPoint(type, X0));
                assertTrue(maxAbsDiff(end, X0) < 1e-5, kind.id() + " " + type + " steps=" + steps + " error " + maxAbsDiff(end, X0));
            }
        }
    }

    /** Error at the end of a run from pure noise Z, for Gaussian data where the exact end point is mu + s*z. */
    private static double gaussianError(SchedulerKind kind, PredictionType type, float shift, int steps) {
        Scheduler scheduler = create(kind, shift, type);
        scheduler.setTimesteps(steps);
        float[] end = StandInModels.run(scheduler, Z, StandInModels.flowGaussian(type, MU, S));
        double[] exact = new double[Z.length];
        for (int j = 0; j < Z.length; j++) {
            exact[j] = StandInModels.flowGaussianEndpoint(Z[j], MU, S);
        }
        return maxAbsDiff(end, exact);
    }

    @ParameterizedTest
    @MethodSource("flowKindsAndPredictions")
    void gaussianErrorShrinksWithTheMethodsOrderWhenStepsDouble(SchedulerKind kind, PredictionType type) {
        for (float shift : new float[] {1f, 3f}) {
            // Step counts where each method is in its asymptotic regime (measured; smaller counts wobble).
            int steps = switch (kind) {
                case FLOW_EULER -> 16;
                case FLOW_HEUN -> 32;
                default -> shift == 1f ? 128 : 256;
            };
            double expectedRatio = switch (kind) {
                case FLOW_EULER -> 2.0;
                case FLOW_HEUN -> 4.0;
                // lambda = log((1-sigma)/sigma) blows up at sigma = 0, so with evenly spaced sigmas the last steps
                // keep lambda-widths log((k+1)/k) however many steps there are; their errors add up to
                // O(log(n) / n^2) (as in diffusers), hence 4 * log(n) / log(2n) instead of a clean 4.
                default -> 4.0 * Math.log(steps) / Math.log(2.0 * steps);
            };
            double coarse = gaussianError(kind, type, shift, steps);
            double fine = gaussianError(kind, type, shift, 2 * steps);
            double ratio = coarse / fine;
            String what = kind.id() + " " + type + " shift " + shift + ": error " + coarse + " -> " + fine + ", ratio " + ratio;
            assertTrue(fine > 1e-5, "error too small to measure an order: " + what);
            if (kind == SchedulerKind.FLOW_DPMPP_2M && shift != 1f) {
                // The shift crowds levels near sigma = 0 and delays the asymptote (double-precision reference: 3.21
                // here, 3.36 at 512 -> 1024); ask for clearly better than first order.
                assertTrue(ratio > 2.8 && ratio < 4.4, what);
            } else {
                assertEquals(expectedRatio, ratio, 0.1 * expectedRatio, what);
            }
        }
    }

    @Test
    void secondOrderSamplersBeatEulerAtEqualModelCalls() {
        // Heun spends 2n-1 calls on n steps; give Euler and DPM++ the same budget.
        double heun = gaussianError(SchedulerKind.FLOW_HEUN, PredictionType.FLOW_VELOCITY, 1f, 10);
        double euler = gaussianError(SchedulerKind.FLOW_EULER, PredictionType.FLOW_VELOCITY, 1f, 19);
        double dpm = gaussianError(SchedulerKind.FLOW_DPMPP_2M, PredictionType.FLOW_VELOCITY, 1f, 19);
        assertTrue(heun < euler, "heun " + heun + " vs euler " + euler);
        assertTrue(dpm < heun, "dpm++2m " + dpm + " vs heun " + heun);
    }

    @ParameterizedTest
    @MethodSource("flowKindsAndPredictions")
    void addNoiseAndPredictOriginalAreInverse(SchedulerKind kind, PredictionType type) {
        Scheduler scheduler = create(kind, 3f, type);
        scheduler.setTimesteps(6);
        float[] sigmas = scheduler.sigmas();
        for (int k = 0; k < scheduler.numCalls(); k++) {
            float[] noisy = scheduler.addNoise(X0, NOISE, k);
            for (int j = 0; j < X0.length; j++) {
                assertEquals((1 - sigmas[k]) * X0[j] + sigmas[k] * NOISE[j], noisy[j], 1e-5f);
            }
            float[] output = type == PredictionType.SAMPLE ? X0 : difference(NOISE, X0);
            assertTrue(maxAbsDiff(scheduler.predictOriginal(output, k, noisy), X0) < 1e-5, kind.id() + " call " + k);
        }
    }

    @ParameterizedTest
    @MethodSource("flowKindsAndPredictions")
    void halfStrengthRemixOfTenStepsRunsTheLastFiveFromSigmaOneHalf(SchedulerKind kind, PredictionType type) {
        Scheduler scheduler = create(kind, 1f, type);
        scheduler.setTimesteps(10, 0.5f);
        int expectedCalls = kind == SchedulerKind.FLOW_HEUN ? 9 : 5;
        assertEquals(expectedCalls, scheduler.numCalls());
        assertEquals(0.5f, scheduler.sigmas()[0], 1e-7f);
        assertEquals(0f, scheduler.sigmas()[scheduler.sigmas().length - 1]);
        float[] start = scheduler.addNoise(X0, NOISE, 0);
        for (int j = 0; j < X0.length; j++) {
            assertEquals(0.5f * X0[j] + 0.5f * NOISE[j], start[j], 1e-6f);
        }
        float[] end = StandInModels.run(scheduler, start, StandInModels.flowPoint(type, X0));
        assertTrue(maxAbsDiff(end, X0) < 1e-5, "remix ends on the data");
    }

    @Test
    void shiftedRemixStartsAtTheShiftedLevelOfTheFullSchedule() {
        Scheduler scheduler = create(SchedulerKind.FLOW_EULER, 3f, PredictionType.FLOW_VELOCITY);
        scheduler.setTimesteps(4, 0.5f);
        assertArrayEquals(new float[] {0.75f, 0.5f, 0f}, scheduler.sigmas(), 1e-7f);
        assertArrayEquals(new float[] {750f, 500f}, scheduler.timesteps(), 1e-3f);
    }

    @Test
    void dpmSecondStepUsesThePreviousPredictionHandComputed() {
        // sigmas 1, 2/3, 1/3, 0 (3 steps, no shift). Call 0 is first order from pure noise: x1 = sigma1*x + alpha1*x0.
        Scheduler dpm = create(SchedulerKind.FLOW_DPMPP_2M, 1f, PredictionType.SAMPLE);
        dpm.setTimesteps(3);
        float[] x1 = dpm.step(new float[] {2f}, 0, new float[] {1f});
        assertEquals(2.0 / 3 * 1 + 1.0 / 3 * 2, x1[0], 1e-6);
        // Call 1 (2/3 -> 1/3): lambda(2/3) = -ln 2, lambda(1/3) = ln 2, h = 2 ln 2; previous lambda is -inf so the
        // second-order term vanishes: x2 = (1/3)/(2/3)*x1 - (2/3)*(e^{-h} - 1)*x0 = x1/2 + (2/3)(3/4)*x0.
        float[] x2 = dpm.step(new float[] {1f}, 1, x1);
        assertEquals(x1[0] / 2.0 + 0.5 * 1.0, x2[0], 1e-6);
        // Call 2 goes to sigma 0 and lands on the prediction.
        assertEquals(-0.5f, dpm.step(new float[] {-0.5f}, 2, x2)[0], 0f);
    }

    @Test
    void dpmUsesTheSecondOrderCorrectionOnceHistoryIsFinite() {
        // sigmas 1, 0.75, 0.5, 0.25, 0: call 2 (0.5 -> 0.25) has a finite previous lambda.
        Scheduler dpm = create(SchedulerKind.FLOW_DPMPP_2M, 1f, PredictionType.SAMPLE);
        dpm.setTimesteps(4);
        float[] x = dpm.step(new float[] {0f}, 0, new float[] {1f});
        x = dpm.step(new float[] {1f}, 1, x);
        float[] before = x.clone();
        float[] after = dpm.step(new float[] {2f}, 2, x);
        double lPrev = Math.log(0.25 / 0.75);
        double lS = 0.0;
        double lT = Math.log(0.75 / 0.25);
        double h = lT - lS;
        double d1 = (h / (lS - lPrev)) * (2.0 - 1.0);
        double expected = (0.25 / 0.5) * before[0] - 0.75 * (Math.exp(-h) - 1) * (2.0 + 0.5 * d1);
        assertEquals(expected, after[0], 1e-6);
    }

    @Test
    void heunCorrectorOutOfOrderIsRefused() {
        Scheduler heun = create(SchedulerKind.FLOW_HEUN, 1f, PredictionType.FLOW_VELOCITY);
        heun.setTimesteps(4);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> heun.step(new float[] {0f}, 1, new float[] {0f}));
        assertTrue(e.getMessage().contains("in order"), e.getMessage());
    }

    @Test
    void heunStepIsTheTrapezoidOfBothVelocities() {
        Scheduler heun = create(SchedulerKind.FLOW_HEUN, 1f, PredictionType.FLOW_VELOCITY);
        heun.setTimesteps(2); // levels 1, 0.5, 0 -> calls at 1, 0.5 (corrector), 0.5 (Euler to 0)
        float[] predicted = heun.step(new float[] {2f}, 0, new float[] {1f});
        assertEquals(1f - 0.5f * 2f, predicted[0], 1e-7f);
        float[] corrected = heun.step(new float[] {4f}, 1, predicted);
        assertEquals(1f - 0.5f * (2f + 4f) / 2f, corrected[0], 1e-7f);
        assertEquals(corrected[0] - 0.5f * 3f, heun.step(new float[] {3f}, 2, corrected)[0], 1e-7f);
    }

    private static float[] scaled(float[] v, float s) {
        float[] out = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = v[j] * s;
        }
        return out;
    }

    private static float[] difference(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int j = 0; j < a.length; j++) {
            out[j] = a[j] - b[j];
        }
        return out;
    }
}
