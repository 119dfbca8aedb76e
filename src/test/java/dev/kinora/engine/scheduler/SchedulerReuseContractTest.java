package dev.kinora.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Scheduler#step}'s contract that the window sampler's buffer reuse relies on: no reference to the model
 * output or the sample is kept past the call. Each sampler runs the same trajectory twice, once with a fresh output
 * array every call and once with one array that is overwritten every call and scribbled over after each step and
 * each predictOriginal; a scheduler that kept the array (a multistep history, Heun's first velocity) would read the
 * scribbles and land elsewhere.
 */
class SchedulerReuseContractTest {

    private static SchedulerConfig config(SchedulerKind kind) {
        return kind.isFlow() ? SchedulerConfig.flow(3f, PredictionType.FLOW_VELOCITY) : SchedulerConfig.ddpm(PredictionType.EPSILON);
    }

    /** A smooth stand-in for a denoiser: depends on the input and the call, so histories matter. */
    private static void predict(float[] input, int call, float[] out) {
        for (int j = 0; j < input.length; j++) {
            out[j] = (float) (0.6 * input[j] + 0.3 * Math.sin(0.7 * j + call) - 0.05 * call);
        }
    }

    private static float[] run(SchedulerKind kind, boolean reuse) {
        Scheduler s = kind.create(config(kind));
        s.setTimesteps(12);
        Random rng = new Random(5);
        float[] x = new float[64];
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) rng.nextGaussian() * s.initNoiseSigma();
        }
        float[] shared = new float[x.length];
        float[] cleanSum = new float[x.length];
        for (int k = 0; k < s.numCalls(); k++) {
            float[] input = s.scaleModelInput(x, k);
            float[] out = reuse ? shared : new float[x.length];
            predict(input, k, out);
            float[] clean = s.predictOriginal(out, k, x);
            if (reuse) {
                Arrays.fill(out, Float.NaN);
                predict(input, k, out);
            }
            int call = k;
            float[] next = s.step(out, k, x, n -> { // the same fresh noise in both runs, for samplers that add it
                Random z = new Random(100 + call);
                float[] noise = new float[n];
                for (int j = 0; j < n; j++) {
                    noise[j] = (float) z.nextGaussian();
                }
                return noise;
            });
            if (reuse) {
                Arrays.fill(out, 1e6f);
                Arrays.fill(x, -1e6f);   // the old sample too: the sampler drops it after the step
            }
            for (int j = 0; j < x.length; j++) {
                cleanSum[j] += clean[j];
            }
            x = next;
        }
        float[] both = Arrays.copyOf(x, 2 * x.length);
        System.arraycopy(cleanSum, 0, both, x.length, x.length);
        return both;
    }

    @ParameterizedTest
    @EnumSource(SchedulerKind.class)
    void aReusedOutputArrayGivesTheSameTrajectory(SchedulerKind kind) {
        float[] fresh = run(kind, false);
        float[] reused = run(kind, true);
        for (float v : fresh) {
            assertTrue(Float.isFinite(v), kind.id() + ": the reference trajectory is finite");
        }
        assertArrayEquals(fresh, reused, 0f, kind.id() + ": final sample and clean estimates");
    }
}
