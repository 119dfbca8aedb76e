package dev.kinora.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kinora's schedulers against diffusers' own numbers for configs real families ship. The configs are
 * {@code src/test/resources/schedulers/<name>.json} (a scheduler_config.json, verbatim); the goldens beside them
 * come from diffusers' scheduler classes via {@code tools/golden/scheduler_goldens.py}.
 *
 * <p>Tolerances: timesteps 1e-2 absolute, sigmas and init_noise_sigma 1e-4 relative, step outputs 1e-5 relative to
 * max(1, |value|) (diffusers steps in float32; SVD's samples start at 700 times the noise, where a float32 ulp is 6e-5).
 */
class SchedulerGoldenTest {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final List<String> CONFIGS = List.of("wan2.1-t2v-1.3b", "wan2.1-t2v-14b-720p", "ltx-video-0.9.1",
            "flow-match-euler-shift3", "animatediff-ddim", "sd15-ddim", "cogvideox-2b-ddim", "svd-xt-euler",
            // Not shipped by a family: the other branches of each class (VP UniPC order 3 / bh1 / Karras, UniPC
            // dynamic shift, zero-SNR and cosine DDIM, linspace and exponential Euler, Karras and linear-shift FlowMatch).
            "variant-unipc-vp-order3-bh1", "variant-unipc-karras-vpred", "variant-unipc-flow-dynamic", "variant-ddim-zero-snr",
            "variant-ddim-cosine-linspace", "variant-euler-linspace-epsilon", "variant-euler-exponential-trailing",
            "variant-flow-match-karras", "variant-flow-match-linear-time-shift",
            // DPM-Solver: SD's DPM++ 2M Karras as saved (-Infinity included), AnimateDiff's DDIM config through
            // from_config, and the other branches (order 3, v and sample, dpmsolver/Heun, cosine clipped, Lu,
            // exponential, flow sigmas).
            "sd-dpmsolver-karras", "animatediff-ddim-as-dpm-karras", "variant-dpm-order3-vpred-euler-final",
            "variant-dpm-dpmsolver-heun-trailing", "variant-dpm-cosine-clipped-order3", "variant-dpm-lu-sample",
            "variant-dpm-exponential-heun", "variant-dpm-flow-shift",
            // LCM, with the noise diffusers drew inside each step given back to Kinora's step: AnimateLCM's settings
            // (4 and 8 steps, and its img2img strength), and v-prediction with clipping on a zero-SNR schedule.
            "animatelcm-lcm", "variant-lcm-vpred-clip-zero-snr",
            // Euler ancestral and DPM++ 2M SDE, noise given back the same way: SD's Euler a as saved, v-prediction
            // and trailing spacing, linspace; SDE with Karras, of order 3 with Heun, and the noise form.
            "sd-euler-ancestral", "variant-euler-a-vpred-trailing", "variant-euler-a-linspace",
            "variant-dpm-sde-karras", "variant-dpm-sde-order3-heun", "variant-dpm-sde-noise-form-heun",
            // FlowMatch Heun (two calls a step but the last), shift 3 and none.
            "variant-flow-match-heun-shift3", "variant-flow-match-heun");

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String name : CONFIGS) {
            JsonNode golden = read(name + ".golden.json");
            for (JsonNode c : golden.path("cases")) {
                String label = name + " " + c.path("steps").asInt() + " steps"
                        + (c.has("seq_len") ? ", seq len " + c.path("seq_len").asInt() : "")
                        + (c.path("pipeline_sigmas").asBoolean(false) ? ", pipeline sigmas" : "");
                out.add(Arguments.of(label, name, golden, c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void timestepsSigmasAndStepsMatchDiffusers(String label, String name, JsonNode golden, JsonNode c) throws IOException {
        DiffusersConfig config = config(name);
        TimestepInputs inputs = new TimestepInputs(c.path("seq_len").asInt(0), c.path("pipeline_sigmas").asBoolean(false));
        assertMatches(label, DiffusersSchedulers.create(config, inputs), golden, c);
    }

    /**
     * "dpm++2m-karras" over a pack's DDIM config is DPMSolverMultistepScheduler.from_config(config,
     * use_karras_sigmas=True): the golden of AnimateDiff's DDIM config with only its class and the solver's keys changed.
     */
    @Test
    void dpmSolverOverAnotherConfigIsDiffusersFromConfig() throws IOException {
        JsonNode golden = read("animatediff-ddim-as-dpm-karras.golden.json");
        for (JsonNode c : golden.path("cases")) {
            assertMatches("DPM++ 2M Karras over animatediff-ddim, " + c.path("steps").asInt() + " steps",
                    DpmSolverMultistepScheduler.overConfig(config("animatediff-ddim"), true), golden, c);
        }
    }

    private static void assertMatches(String label, Scheduler s, JsonNode golden, JsonNode c) {
        s.setTimesteps(c.path("steps").asInt(), (float) c.path("strength").asDouble(1.0));

        double[] timesteps = doubles(c.path("timesteps"));
        float[] ourTimesteps = s.timesteps();
        assertEquals(timesteps.length, ourTimesteps.length, label + ": number of timesteps");
        for (int i = 0; i < timesteps.length; i++) {
            assertEquals(timesteps[i], ourTimesteps[i], 1e-2, label + ": timestep " + i);
        }
        double[] sigmas = doubles(c.path("sigmas"));
        float[] ourSigmas = s.sigmas();
        assertEquals(sigmas.length, ourSigmas.length, label + ": number of sigmas");
        for (int i = 0; i < sigmas.length; i++) {
            assertClose(sigmas[i], ourSigmas[i], 1e-4, 1e-7, label + ": sigma " + i);
        }
        assertClose(c.path("init_noise_sigma").asDouble(), s.initNoiseSigma(), 1e-4, 0, label + ": init_noise_sigma");

        double[] sample0 = doubles(golden.path("sample"));
        float[] x = new float[sample0.length];
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) (sample0[j] * s.initNoiseSigma());
        }
        int k = 0;
        for (JsonNode expected : c.path("trajectory")) {
            float[] in = s.scaleModelInput(x, k);
            float[] out = new float[x.length];
            for (int j = 0; j < x.length; j++) {
                out[j] = (float) (0.5 * in[j] + 0.1 * Math.cos(j + 0.37 * k));
            }
            int call = k;
            x = s.step(out, k, x, size -> {
                double[] z = doubles(c.path("noise").path(call));
                assertEquals(size, z.length, label + ": diffusers drew noise of this size at step " + call);
                float[] f = new float[size];
                for (int j = 0; j < size; j++) {
                    f[j] = (float) z[j];
                }
                return f;
            });
            double[] want = doubles(expected);
            for (int j = 0; j < x.length; j++) {
                double tolerance = 1e-5 * Math.max(1, Math.abs(want[j]));
                if (!(Math.abs(x[j] - want[j]) <= tolerance)) {
                    fail(label + ": after step " + k + ", value " + j + " is " + x[j] + ", diffusers has " + want[j]);
                }
            }
            k++;
        }
        assertEquals(timesteps.length, k, label + ": trajectory covers every call");
    }

    private static void assertClose(double expected, double actual, double relative, double absolute, String what) {
        if (Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        assertTrue(Math.abs(actual - expected) <= relative * Math.abs(expected) + absolute,
                what + ": expected " + expected + ", got " + actual);
    }

    static DiffusersConfig config(String name) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> json = JSON.convertValue(read(name + ".json"), Map.class);
        return DiffusersConfig.parse(json, name + ".json");
    }

    static JsonNode read(String resource) throws IOException {
        try (InputStream in = SchedulerGoldenTest.class.getResourceAsStream("/schedulers/" + resource)) {
            if (in == null) {
                throw new IOException("missing test resource schedulers/" + resource);
            }
            return JSON.readTree(in);
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
