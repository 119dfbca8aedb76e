package dev.kinora.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Map;

/**
 * scheduler_config.json comes with packs users convert: any bytes give a scheduler whose timesteps and noise levels
 * are numbers a denoiser can take, or an error that says what is wrong (a {@link SchedulerConfigException} for the
 * file, an {@link IllegalArgumentException} for a step count the config cannot serve), never a runtime exception
 * deeper down or a NaN in the schedule.
 *
 * <p>{@code mvn test} replays {@code SchedulerConfigFuzzTestInputs/schedulerConfig/} (every config of
 * {@code src/test/resources/schedulers}); fuzz with {@code JAZZER_FUZZ=1 mvn test -Dtest=SchedulerConfigFuzzTest}.
 */
class SchedulerConfigFuzzTest {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    @FuzzTest
    void schedulerConfig(byte[] input) {
        Map<String, Object> json;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.readValue(input, Map.class);
            json = m;
        } catch (IOException e) {
            return; // not JSON (a parse error, or bytes that are no text: UTF-32 look-alikes): PackLoader reports it as such
        }
        if (json == null) {
            return;
        }
        DiffusersConfig c;
        try {
            c = DiffusersConfig.parse(json, "scheduler_config.json");
        } catch (SchedulerConfigException e) {
            assertTrue(e.getMessage().startsWith("scheduler_config.json"), e.getMessage());
            return;
        }
        for (int steps : new int[] {1, 4, 25}) {
            Scheduler s;
            try {
                s = DiffusersSchedulers.create(c, new TimestepInputs(512, false));
                s.setTimesteps(steps);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an explanation");
                continue;
            }
            float[] t = s.timesteps();
            float[] sigmas = s.sigmas();
            assertTrue(t.length >= 1, c + ": at least one call at " + steps + " steps");
            assertEquals(t.length + 1, sigmas.length, c + ": one sigma more than timesteps");
            for (float v : t) {
                assertTrue(Float.isFinite(v), c + ": timestep " + v);
            }
            for (float v : sigmas) {
                assertTrue(!Float.isNaN(v) && v >= 0, c + ": sigma " + v);
            }
            assertTrue(Float.isFinite(s.initNoiseSigma()) && s.initNoiseSigma() > 0, c + ": init noise sigma " + s.initNoiseSigma());
            // A run with a stand-in model stays finite: no step divides by a zero step size or a zero level.
            float[] x = new float[8];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) ((j % 3 - 1) * 0.7 * s.initNoiseSigma());
            }
            for (int k = 0; k < t.length; k++) {
                float[] in = s.scaleModelInput(x, k);
                float[] out = new float[x.length];
                for (int j = 0; j < out.length; j++) {
                    out[j] = (float) (0.5 * in[j] + 0.1 * Math.cos(j + k));
                }
                x = s.step(out, k, x, n -> {
                    float[] z = new float[n];
                    java.util.Arrays.fill(z, 0.3f);
                    return z;
                });
                for (float v : x) {
                    assertTrue(Float.isFinite(v), c + ": sample " + v + " after call " + k + " of " + t.length);
                }
            }
            boolean continuous = c.schedulerClass() == DiffusersConfig.SchedulerClass.EULER_DISCRETE
                    && "continuous".equals(c.value("timestep_type")); // SVD's 0.25 ln(sigma): negative near the end
            if (!c.isFlow() && !continuous) {
                int trained = c.numTrainTimesteps();
                for (float v : t) {
                    assertTrue(v >= -1e-3 && v <= trained, c + ": timestep " + v + " outside the " + trained + " trained ones");
                }
            }
        }
    }
}
