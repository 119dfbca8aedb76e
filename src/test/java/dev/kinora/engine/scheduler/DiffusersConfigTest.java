package dev.kinora.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading scheduler_config.json verbatim: defaults per class, and an error for anything Kinora would have to guess. */
class DiffusersConfigTest {

    private static Map<String, Object> config(String className, Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        m.put("_class_name", className);
        m.put("_diffusers_version", "0.33.0");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static SchedulerConfigException rejected(Map<String, Object> json) {
        return assertThrows(SchedulerConfigException.class, () -> DiffusersConfig.parse(json, "scheduler_config.json"));
    }

    @Test
    void missingKeysTakeTheClassesOwnDefaults() {
        DiffusersConfig ddim = DiffusersConfig.parse(config("DDIMScheduler"), "x");
        assertEquals("leading", ddim.value("timestep_spacing"));
        assertEquals(true, ddim.value("clip_sample"));
        assertEquals(0.0001, ddim.value("beta_start"));
        DiffusersConfig cog = DiffusersConfig.parse(config("CogVideoXDDIMScheduler"), "x");
        assertEquals("scaled_linear", cog.value("beta_schedule"));
        assertEquals(3.0, cog.value("snr_shift_scale"));
        DiffusersConfig unipc = DiffusersConfig.parse(config("UniPCMultistepScheduler"), "x");
        assertEquals("linspace", unipc.value("timestep_spacing"));
        assertEquals(PredictionType.EPSILON, unipc.predictionType());
        assertFalse(unipc.isFlow());
    }

    @Test
    void dpmSolverReadsAsDiffusersWritesItAndRefusesWhatItCannotRun() throws Exception {
        DiffusersConfig sd = SchedulerGoldenTest.config("sd-dpmsolver-karras"); // "lambda_min_clipped": -Infinity
        assertEquals(Double.NEGATIVE_INFINITY, sd.value("lambda_min_clipped"));
        assertFalse(sd.isFlow());
        DiffusersConfig d = DiffusersConfig.parse(config("DPMSolverMultistepScheduler"), "x");
        assertEquals("dpmsolver++", d.value("algorithm_type"));
        assertEquals("midpoint", d.value("solver_type"));
        assertEquals(2, d.value("solver_order"));
        assertTrue(SchedulerGoldenTest.config("variant-dpm-flow-shift").isFlow());
        // "deis" and UniPC's solver types are rewritten by diffusers to dpmsolver++ and midpoint: the same steps
        float[] rewritten = trajectory(DiffusersConfig.parse(config("DPMSolverMultistepScheduler", "algorithm_type", "deis",
                "solver_type", "bh2"), "x"));
        assertArrayEquals(trajectory(d), rewritten, 0f);
        // DPM++ 2M SDE loads, and its steps take the noise they are given
        DiffusersConfig sdeConfig = DiffusersConfig.parse(config("DPMSolverMultistepScheduler", "algorithm_type", "sde-dpmsolver++"), "x");
        assertFalse(java.util.Arrays.equals(trajectory(d), trajectory(sdeConfig)), "the SDE form adds the noise it is given");
        assertTrue(rejected(config("DPMSolverMultistepScheduler", "algorithm_type", "sde-dpmsolver", "solver_order", 3,
                "final_sigmas_type", "sigma_min")).getMessage().contains("no third-order"));
        assertTrue(rejected(config("DPMSolverMultistepScheduler", "algorithm_type", "dpmsolver")).getMessage()
                .contains("final_sigmas_type \"zero\""));
        assertTrue(rejected(config("DPMSolverMultistepScheduler", "variance_type", "learned_range")).getMessage()
                .contains("twice the latent channels"));
        assertTrue(rejected(config("DPMSolverMultistepScheduler", "solver_order", 4)).getMessage().contains("orders 1 to 3"));
        assertTrue(rejected(config("DPMSolverMultistepScheduler", "lambda_min_clipped", Double.POSITIVE_INFINITY)).getMessage()
                .contains("-Infinity"));
        assertTrue(rejected(config("DPMSolverMultistepScheduler", "use_dynamic_shifting", true)).getMessage()
                .contains("use_flow_sigmas"));
        assertTrue(rejected(config("DPMSolverMultistepScheduler", "algorithm_type", "dpmsolver", "final_sigmas_type", "sigma_min",
                "prediction_type", "flow_prediction", "use_flow_sigmas", true)).getMessage().contains("dpmsolver++"));
    }

    /** Ten steps with a stand-in model and constant step noise 0.5: the final sample. */
    private static float[] trajectory(DiffusersConfig c) {
        Scheduler s = DiffusersSchedulers.create(c, TimestepInputs.NONE);
        s.setTimesteps(10);
        float[] x = {0.5f, -1.2f, 0.3f, 1.7f};
        for (int k = 0; k < s.numCalls(); k++) {
            float[] out = new float[x.length];
            for (int j = 0; j < x.length; j++) {
                out[j] = (float) (0.5 * x[j] + 0.1 * Math.cos(j + k));
            }
            x = s.step(out, k, x, n -> {
                float[] z = new float[n];
                java.util.Arrays.fill(z, 0.5f);
                return z;
            });
        }
        return x;
    }

    @Test
    void dpmPlusPlusOverAnotherConfigRefusesNoiseLevelsItCannotFollow() throws Exception {
        IllegalArgumentException cog = assertThrows(IllegalArgumentException.class,
                () -> DpmSolverMultistepScheduler.overConfig(SchedulerGoldenTest.config("cogvideox-2b-ddim"), false));
        assertTrue(cog.getMessage().contains("snr_shift_scale"), cog.getMessage());
        IllegalArgumentException svd = assertThrows(IllegalArgumentException.class,
                () -> DpmSolverMultistepScheduler.overConfig(SchedulerGoldenTest.config("svd-xt-euler"), true));
        assertTrue(svd.getMessage().contains("continuous timesteps"), svd.getMessage());
        IllegalArgumentException wan = assertThrows(IllegalArgumentException.class,
                () -> DpmSolverMultistepScheduler.overConfig(SchedulerGoldenTest.config("wan2.1-t2v-1.3b"), false));
        assertTrue(wan.getMessage().contains("flow-dpm++2m"), wan.getMessage());
        // Over SD 1.5's DDIM config: the training schedule carries over, DDIM's own keys are dropped.
        Scheduler s = DpmSolverMultistepScheduler.overConfig(SchedulerGoldenTest.config("sd15-ddim"), true);
        s.setTimesteps(10);
        assertEquals(10, s.timesteps().length);
        assertEquals(0f, s.sigmas()[10]);
        assertTrue(s.sigmas()[0] > 14 && s.sigmas()[0] < 15, "SD's largest k-diffusion sigma, 14.6: " + s.sigmas()[0]);
    }

    @Test
    void flowMatchIsAlwaysAFlowVelocityAndUniPcIsFlowWithFlowSigmas() throws Exception {
        assertEquals(PredictionType.FLOW_VELOCITY, SchedulerGoldenTest.config("ltx-video-0.9.1").predictionType());
        DiffusersConfig wan = SchedulerGoldenTest.config("wan2.1-t2v-1.3b");
        assertEquals(PredictionType.FLOW_VELOCITY, wan.predictionType());
        assertTrue(wan.isFlow());
        assertEquals(3.0, wan.value("flow_shift"));
    }

    @ParameterizedTest
    @CsvSource({
        "DDIMScheduler, beta_schedule, cosine",
        "DDIMScheduler, prediction_type, flow_prediction",
        "DDIMScheduler, timestep_spacing, middle",
        "UniPCMultistepScheduler, solver_type, bh3",
        "UniPCMultistepScheduler, final_sigmas_type, one",
        "EulerDiscreteScheduler, timestep_type, fractional",
        "EulerDiscreteScheduler, interpolation_type, cubic",
        "FlowMatchEulerDiscreteScheduler, time_shift_type, quadratic",
    })
    void anUnknownValueNamesTheKeyTheValueAndTheChoices(String className, String key, String value) {
        SchedulerConfigException e = rejected(config(className, key, value));
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains("\"" + value + "\"") && e.getMessage().contains("expected one of"),
                e.getMessage());
    }

    @Test
    void anUnknownClassListsTheSupportedOnes() {
        SchedulerConfigException e = rejected(config("LMSDiscreteScheduler"));
        assertTrue(e.getMessage().contains("\"LMSDiscreteScheduler\"") && e.getMessage().contains("UniPCMultistepScheduler"), e.getMessage());
        assertTrue(rejected(Map.of("shift", 3.0)).getMessage().contains("_class_name"));
    }

    @Test
    void aMisspeltKeyIsAnErrorButKeysDiffusersDropsAreIgnored() {
        SchedulerConfigException e = rejected(config("FlowMatchEulerDiscreteScheduler", "shfit", 3.0));
        assertTrue(e.getMessage().contains("\"shfit\"") && e.getMessage().contains("shift"), e.getMessage());
        // SVD's EulerDiscrete config carries PNDM's and DDIM's keys; diffusers drops them, so does Kinora.
        DiffusersConfig svd = DiffusersConfig.parse(config("EulerDiscreteScheduler", "skip_prk_steps", true, "clip_sample", false,
                "set_alpha_to_one", false), "x");
        assertThrows(IllegalArgumentException.class, () -> svd.value("clip_sample"));
        assertTrue(DiffusersConfig.IGNORED_KEYS.contains("skip_prk_steps"));
    }

    @Test
    void wrongTypesAreErrors() {
        assertTrue(rejected(config("DDIMScheduler", "num_train_timesteps", 999.5)).getMessage().contains("not an integer"));
        assertTrue(rejected(config("DDIMScheduler", "clip_sample", "no")).getMessage().contains("not true or false"));
        assertTrue(rejected(config("DDIMScheduler", "beta_end", "0.012")).getMessage().contains("not a number"));
        assertTrue(rejected(config("UniPCMultistepScheduler", "disable_corrector", List.of(0.5))).getMessage().contains("integers"));
    }

    @Test
    void featuresKinoraDoesNotRunAreRefusedWhenSwitchedOn() {
        assertTrue(rejected(config("EulerDiscreteScheduler", "use_beta_sigmas", true)).getMessage().contains("use_beta_sigmas"));
        assertTrue(rejected(config("DDIMScheduler", "thresholding", true)).getMessage().contains("thresholding"));
        assertTrue(rejected(config("FlowMatchEulerDiscreteScheduler", "stochastic_sampling", true)).getMessage().contains("stochastic"));
        assertTrue(rejected(config("UniPCMultistepScheduler", "solver_p", Map.of())).getMessage().contains("solver_p"));
        assertTrue(rejected(config("UniPCMultistepScheduler", "solver_order", 4)).getMessage().contains("solver_order"));
        assertTrue(rejected(config("EulerDiscreteScheduler", "use_karras_sigmas", true, "use_exponential_sigmas", true))
                .getMessage().contains("only one"));
        assertTrue(rejected(config("UniPCMultistepScheduler", "shift_terminal", 0.1)).getMessage().contains("use_flow_sigmas"));
        assertTrue(rejected(config("EulerDiscreteScheduler", "interpolation_type", "log_linear")).getMessage().contains("log_linear"));
    }

    @Test
    void dynamicShiftingWithoutASequenceLengthSaysWhatIsMissing() throws Exception {
        DiffusersConfig ltx = SchedulerGoldenTest.config("ltx-video-0.9.1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DiffusersSchedulers.create(ltx, TimestepInputs.NONE));
        assertTrue(e.getMessage().contains("sequence length"), e.getMessage());
    }

    @Test
    void pipelineSigmasAreOnlyForFlowSchedulers() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DiffusersSchedulers.create(SchedulerGoldenTest.config("sd15-ddim"), new TimestepInputs(0, true)));
        assertTrue(e.getMessage().contains("DDIMScheduler"), e.getMessage());
    }

    @Test
    void eachClassGetsItsSampler() throws Exception {
        assertInstanceOf(UniPcMultistepScheduler.class, DiffusersSchedulers.create(SchedulerGoldenTest.config("wan2.1-t2v-1.3b"), TimestepInputs.NONE));
        assertInstanceOf(FlowEulerScheduler.class, DiffusersSchedulers.create(SchedulerGoldenTest.config("flow-match-euler-shift3"), TimestepInputs.NONE));
        assertInstanceOf(DdimScheduler.class, DiffusersSchedulers.create(SchedulerGoldenTest.config("cogvideox-2b-ddim"), TimestepInputs.NONE));
        assertInstanceOf(EulerDiscreteScheduler.class, DiffusersSchedulers.create(SchedulerGoldenTest.config("svd-xt-euler"), TimestepInputs.NONE));
    }
}
