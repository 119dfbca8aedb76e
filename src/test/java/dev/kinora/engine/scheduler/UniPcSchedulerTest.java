package dev.kinora.engine.scheduler;

import static dev.kinora.engine.scheduler.StandInModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** UniPC as the flow-unipc kind on Kinora flow packs; its exactness to diffusers is SchedulerGoldenTest's job. */
class UniPcSchedulerTest {

    private static final float[] X0 = {0.25f, -1.5f, 3.0f, 0.0f, -0.75f};
    private static final float[] NOISE = {1.2f, -0.4f, 0.3f, -2.1f, 0.9f};
    private static final float[] Z = {-1.7f, -0.6f, 0.0f, 0.45f, 1.3f, 2.2f};

    private static Scheduler unipc(float shift, PredictionType type) {
        return SchedulerKind.FLOW_UNIPC.create(SchedulerConfig.flow(shift, type));
    }

    @Test
    void fourStepsUseDiffusersFlowSigmasAndIntegerTimesteps() {
        Scheduler s = unipc(1f, PredictionType.FLOW_VELOCITY);
        s.setTimesteps(4);
        // linspace(1, 1/1000, 5)[:-1] = 1, 0.75025, 0.5005, 0.25075; the first nudged below 1 by 1e-6.
        assertArrayEquals(new float[] {0.999999f, 0.75025f, 0.5005f, 0.25075f, 0f}, s.sigmas(), 1e-7f);
        // int64(sigma * 1000), then the pack's timestepScale (1000 here).
        assertArrayEquals(new float[] {999f, 750f, 500f, 250f}, s.timesteps(), 0f);
    }

    @Test
    void aPackWithTimestepScaleOneSeesDiffusersTimestepsOverOneThousand() {
        Scheduler s = SchedulerKind.FLOW_UNIPC.create(SchedulerConfig.flow(1f, PredictionType.SAMPLE).withTimestepScale(1f));
        s.setTimesteps(4);
        assertArrayEquals(new float[] {0.999f, 0.75f, 0.5f, 0.25f}, s.timesteps(), 1e-7f);
    }

    @ParameterizedTest
    @EnumSource(value = PredictionType.class, names = {"FLOW_VELOCITY", "SAMPLE"})
    void exactModelOnOnePointBringsPureNoiseToThatPoint(PredictionType type) {
        for (int steps : new int[] {1, 2, 3, 4, 10, 25}) {
            for (float shift : new float[] {1f, 3f, 5f}) {
                Scheduler s = unipc(shift, type);
                s.setTimesteps(steps);
                float[] end = StandInModels.run(s, NOISE, StandInModels.flowPoint(type, X0));
                assertTrue(maxAbsDiff(end, X0) < 1e-5, type + " steps=" + steps + " shift " + shift + " error " + maxAbsDiff(end, X0));
            }
        }
    }

    /** Error at the end of a run from pure noise Z, for Gaussian data where the exact end point is mu + s*z. */
    private static double gaussianError(SchedulerKind kind, int steps) {
        Scheduler s = kind.create(SchedulerConfig.flow(1f, PredictionType.FLOW_VELOCITY));
        s.setTimesteps(steps);
        float[] end = StandInModels.run(s, Z, StandInModels.flowGaussian(PredictionType.FLOW_VELOCITY, 0.7, 0.5));
        double[] exact = new double[Z.length];
        for (int j = 0; j < Z.length; j++) {
            exact[j] = StandInModels.flowGaussianEndpoint(Z[j], 0.7, 0.5);
        }
        return maxAbsDiff(end, exact);
    }

    @Test
    void theCorrectorMakesItMoreAccurateThanDpmSolverAtEqualModelCalls() {
        for (int steps : new int[] {10, 20, 40}) {
            double unipc = gaussianError(SchedulerKind.FLOW_UNIPC, steps);
            double dpm = gaussianError(SchedulerKind.FLOW_DPMPP_2M, steps);
            assertTrue(unipc < dpm, steps + " steps: unipc " + unipc + " vs dpm++2m " + dpm);
        }
    }

    @Test
    void addNoiseAndPredictOriginalAreInverse() {
        Scheduler s = unipc(3f, PredictionType.FLOW_VELOCITY);
        s.setTimesteps(6);
        float[] sigmas = s.sigmas();
        for (int k = 0; k < s.numCalls(); k++) {
            float[] noisy = s.addNoise(X0, NOISE, k);
            for (int j = 0; j < X0.length; j++) {
                assertEquals((1 - sigmas[k]) * X0[j] + sigmas[k] * NOISE[j], noisy[j], 1e-5f);
            }
            float[] velocity = new float[X0.length];
            for (int j = 0; j < X0.length; j++) {
                velocity[j] = NOISE[j] - X0[j];
            }
            assertTrue(maxAbsDiff(s.predictOriginal(velocity, k, noisy), X0) < 1e-5, "call " + k);
        }
    }

    @Test
    void halfStrengthRemixRunsTheLastHalfAndEndsOnTheData() {
        Scheduler s = unipc(1f, PredictionType.SAMPLE);
        s.setTimesteps(10, 0.5f);
        assertEquals(5, s.numCalls());
        assertEquals(0.5005f, s.sigmas()[0], 1e-6f);
        float[] end = StandInModels.run(s, s.addNoise(X0, NOISE, 0), StandInModels.flowPoint(PredictionType.SAMPLE, X0));
        assertTrue(maxAbsDiff(end, X0) < 1e-5, "remix ends on the data");
    }

    @Test
    void callsOutOfOrderAreRefusedBecauseTheCorrectorNeedsThePreviousSample() {
        Scheduler s = unipc(1f, PredictionType.FLOW_VELOCITY);
        s.setTimesteps(4);
        s.step(new float[] {0f}, 0, new float[] {1f});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.step(new float[] {0f}, 2, new float[] {1f}));
        assertTrue(e.getMessage().contains("in order"), e.getMessage());
    }

    @Test
    void anEpsilonPackIsSentToTheDdpmSamplers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SchedulerKind.FLOW_UNIPC.create(SchedulerConfig.ddpm(PredictionType.EPSILON)));
        assertTrue(e.getMessage().contains("ddim"), e.getMessage());
    }
}
