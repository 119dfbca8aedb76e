package dev.kinora.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.cli.Main;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.Source;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.testing.Synthetic;
import dev.kinora.testing.TestPacks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pack that ships a diffusers scheduler_config.json samples with exactly the schedule `kinora scheduler` prints
 * for that config (which SchedulerGoldenTest holds to diffusers'), and the user's overrides apply where they can.
 */
class DiffusersSchedulePipelineTest {
    @TempDir
    static Path models;

    static final String FLOW_MATCH_SHIFT3 = """
            {"_class_name": "FlowMatchEulerDiscreteScheduler", "_diffusers_version": "0.32.0", "num_train_timesteps": 1000, "shift": 3.0}""";
    static final String DDIM_WITHOUT_PREDICTION = """
            {"_class_name": "DDIMScheduler", "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "linear",
             "clip_sample": false, "set_alpha_to_one": false, "steps_offset": 1}""";

    @BeforeAll
    static void setUp() {
    }

    /** The windows' schedules a job stepped through, and its result. */
    record Run(List<float[]> timesteps, List<float[]> sigmas, List<Integer> frames, GenerationResult result) {
    }

    static Run run(Path pack, GenerationRequest request) throws Exception {
        ModelPack p = PackLoader.load(pack);
        List<float[]> timesteps = new ArrayList<>();
        List<float[]> sigmas = new ArrayList<>();
        List<Integer> frames = new ArrayList<>();
        try (LoadedPack lp = new LoadedPack(p, RuntimeOptions.defaults().withDevice(Device.CPU), Device.CPU)) {
            GenerationResult r = new VideoPipeline(lp, new DeviceReport(Device.CPU, Device.CPU, ""), () -> MemoryLimits.UNLIMITED, (f, t, s) -> {
                frames.add(f);
                timesteps.add(t);
                sigmas.add(s);
            }).run(request, x -> { }, new CancelToken());
            return new Run(timesteps, sigmas, frames, r);
        }
    }

    static GenerationRequest req(String pack, int steps) {
        return GenerationRequest.textToVideo(pack, "a red ball", 3).withSampling(steps, Float.NaN, "");
    }

    static GenerationRequest withShift(GenerationRequest r, String scheduler, float shift) {
        return new GenerationRequest(r.settings().withSampling(r.steps(), r.guidance(), scheduler).withShift(shift), r.sources());
    }

    /** `kinora scheduler --json` for a config file: {timesteps, sigmas}. */
    static JsonNode kinoraScheduler(Path config, int steps, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("scheduler", "--config", config.toString(), "--steps", String.valueOf(steps), "--json"));
        args.addAll(List.of(more));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(args.toArray(String[]::new));
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code, "kinora " + args);
        return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    static void assertSameSchedule(JsonNode expected, float[] timesteps, float[] sigmas, String what) {
        assertEquals(expected.path("sigmas").size(), sigmas.length, what + ": number of sigmas");
        for (int i = 0; i < sigmas.length; i++) {
            assertEquals((float) expected.path("sigmas").get(i).asDouble(), sigmas[i], 0f, what + ": sigma " + i);
        }
        for (int i = 0; i < timesteps.length; i++) {
            assertEquals((float) expected.path("timesteps").get(i).asDouble(), timesteps[i], 0f, what + ": timestep " + i);
        }
    }

    static Path config(Path pack) {
        return pack.resolve(ModelPack.SCHEDULER_CONFIG);
    }

    static String resource(String name) throws Exception {
        return Files.readString(Path.of(DiffusersSchedulePipelineTest.class.getResource("/schedulers/" + name).toURI()));
    }

    @Test
    void aFlowMatchPackWithShiftThreeStepsThroughTheSigmasKinoraSchedulerPrints() throws Exception {
        Path pack = TestPacks.tinyDiffusers(models, "fm3", FLOW_MATCH_SHIFT3, "");
        Run r = run(pack, req("fm3", 6));
        assertEquals(1, r.sigmas().size(), "one window");
        assertSameSchedule(kinoraScheduler(config(pack), 6), r.timesteps().get(0), r.sigmas().get(0), "FlowMatch shift 3");
        assertEquals("flow-euler", r.result().recipe().scheduler());
        assertEquals(3.0f, r.result().recipe().shift());
        assertEquals(8, r.result().frames().count());

        // The recipe's own values given back are no override: the same schedule, the same frames.
        Run again = run(pack, withShift(req("fm3", 6), r.result().recipe().scheduler(), r.result().recipe().shift()));
        assertArrayEquals(r.sigmas().get(0), again.sigmas().get(0));
        assertArrayEquals(r.result().frames().frame(5), again.result().frames().frame(5));
    }

    @Test
    void wansUniPcFlowConfigRunsExactlyOnTheTinyPack() throws Exception {
        Path pack = TestPacks.tinyDiffusers(models, "wan", resource("wan2.1-t2v-1.3b.json"), "");
        Run r = run(pack, req("wan", 7));
        assertSameSchedule(kinoraScheduler(config(pack), 7), r.timesteps().get(0), r.sigmas().get(0), "UniPC flow_shift 3");
        assertEquals("flow-unipc", r.result().recipe().scheduler());
        assertEquals(3.0f, r.result().recipe().shift());
    }

    @Test
    void dynamicShiftingTakesEachWindowsLatentTokensAsItsSequenceLength() throws Exception {
        Path pack = TestPacks.tinyDiffusers(models, "ltx", resource("ltx-video-0.9.1.json"), "\"scheduler\": {\"pipelineSigmas\": true}");
        // 8 frames x 8 x 8 latents = 512 tokens for a full window
        Run full = run(pack, req("ltx", 5));
        assertSameSchedule(kinoraScheduler(config(pack), 5, "--seq-len", "512", "--pipeline-sigmas"),
                full.timesteps().get(0), full.sigmas().get(0), "LTX, 512 tokens");
        // interpolating 4 frames samples a window of 6: 384 tokens
        Frames a = Synthetic.movingSquare(32, 32, 2, 1);
        Frames b = Synthetic.movingSquare(32, 32, 2, 5);
        Run interp = run(pack, req("ltx", 5).withMode(Mode.INTERPOLATE, List.of(src(a), src(b))).withFrames(4));
        assertEquals(List.of(6), interp.frames());
        assertSameSchedule(kinoraScheduler(config(pack), 5, "--seq-len", "384", "--pipeline-sigmas"),
                interp.timesteps().get(0), interp.sigmas().get(0), "LTX, 384 tokens");
    }

    @Test
    void aShiftOverrideReplacesTheConfigsShiftAndNothingElse() throws Exception {
        Path pack = TestPacks.tinyDiffusers(models, "fm3s", FLOW_MATCH_SHIFT3, "");
        Run r = run(pack, withShift(req("fm3s", 6), "", 5f));
        Path shift5 = Files.writeString(models.resolve("shift5.json"), FLOW_MATCH_SHIFT3.replace("3.0", "5.0"));
        assertSameSchedule(kinoraScheduler(shift5, 6), r.timesteps().get(0), r.sigmas().get(0), "FlowMatch with --shift 5");
        assertEquals(5f, r.result().recipe().shift());

        Path ltx = TestPacks.tinyDiffusers(models, "ltxs", resource("ltx-video-0.9.1.json"), "");
        Run dyn = run(ltx, withShift(req("ltxs", 5), "", 2f));
        Path static2 = Files.writeString(models.resolve("ltx-static2.json"),
                resource("ltx-video-0.9.1.json").replace("\"use_dynamic_shifting\": true", "\"use_dynamic_shifting\": false")
                        .replace("\"shift\": 1.0", "\"shift\": 2.0"));
        assertSameSchedule(kinoraScheduler(static2, 5), dyn.timesteps().get(0), dyn.sigmas().get(0), "LTX with --shift 2: static");
    }

    @Test
    void anotherSamplerRunsKinorasOwnOverTheConfigsSchedule() throws Exception {
        Path pack = TestPacks.tinyDiffusers(models, "fm3h", FLOW_MATCH_SHIFT3, "");
        Run heun = run(pack, req("fm3h", 4).withSampling(4, Float.NaN, "flow-heun"));
        assertEquals("flow-heun", heun.result().recipe().scheduler());
        assertEquals(3f, heun.result().recipe().shift());
        assertEquals(7, heun.timesteps().get(0).length, "Heun: two calls per step but the last");
        assertEquals(1000f * heun.sigmas().get(0)[0], heun.timesteps().get(0)[0], 1e-3f, "diffusers' timestep scale");
    }

    @Test
    void aDdimConfigWithoutPredictionTypeIsAnEpsilonPackWithItsOwnLinearBetas() throws Exception {
        Path pack = TestPacks.tinyDiffusers(models, "animdiff", DDIM_WITHOUT_PREDICTION, "");
        assertEquals("epsilon", PackLoader.load(pack).prediction());
        Run r = run(pack, req("animdiff", 7));
        // AnimateDiff's linear betas, not the scaled_linear ones the engine used to assume
        assertSameSchedule(kinoraScheduler(config(pack), 7), r.timesteps().get(0), r.sigmas().get(0), "DDIM linear betas");
        assertEquals("ddim", r.result().recipe().scheduler());

        InvalidRequestException flow = assertThrows(InvalidRequestException.class,
                () -> run(pack, req("animdiff", 4).withSampling(4, Float.NaN, "flow-euler")));
        assertTrue(flow.getMessage().contains("DDIMScheduler") && flow.getMessage().contains("ddim, euler, dpm++2m, dpm++2m-karras, lcm or euler-a"),
                flow.getMessage());
        InvalidRequestException shift = assertThrows(InvalidRequestException.class,
                () -> run(pack, withShift(req("animdiff", 4), "", 3f)));
        assertTrue(shift.getMessage().contains("no time shift"), shift.getMessage());
        // Kinora's Euler over the same linear betas is a fair override
        assertEquals("euler", run(pack, req("animdiff", 4).withSampling(4, Float.NaN, "euler")).result().recipe().scheduler());
    }

    @Test
    void aDpmSolverConfigRunsExactlyAndDpmPlusPlusRunsOverADdimConfigAsFromConfigWould() throws Exception {
        // As diffusers saves it, -Infinity included: the pack samples with it, not with an approximation.
        Path sd = TestPacks.tinyDiffusers(models, "sddpm", resource("sd-dpmsolver-karras.json"), "");
        Run r = run(sd, req("sddpm", 7));
        assertSameSchedule(kinoraScheduler(config(sd), 7), r.timesteps().get(0), r.sigmas().get(0), "DPM++ 2M Karras");
        assertEquals("dpm++2m-karras", r.result().recipe().scheduler());

        Path pack = TestPacks.tinyDiffusers(models, "animdpm", DDIM_WITHOUT_PREDICTION, "");
        Run dpm = run(pack, req("animdpm", 6).withSampling(6, Float.NaN, "dpm++2m-karras"));
        Path fromConfig = Files.writeString(models.resolve("animdpm-as-dpm.json"), DDIM_WITHOUT_PREDICTION.replace("\"DDIMScheduler\"",
                "\"DPMSolverMultistepScheduler\", \"use_karras_sigmas\": true"));
        assertSameSchedule(kinoraScheduler(fromConfig, 6), dpm.timesteps().get(0), dpm.sigmas().get(0), "from_config, Karras");
        assertEquals("dpm++2m-karras", dpm.result().recipe().scheduler());
        Run plain = run(pack, req("animdpm", 6).withSampling(6, Float.NaN, "dpm++2m"));
        assertSameSchedule(kinoraScheduler(Files.writeString(models.resolve("animdpm-plain.json"), DDIM_WITHOUT_PREDICTION.replace(
                "\"DDIMScheduler\"", "\"DPMSolverMultistepScheduler\"")), 6), plain.timesteps().get(0), plain.sigmas().get(0), "from_config");
        // The recipe's sampler given back makes the same frames.
        Run again = run(pack, req("animdpm", 6).withSampling(6, Float.NaN, dpm.result().recipe().scheduler()));
        assertArrayEquals(dpm.result().frames().frame(3), again.result().frames().frame(3));
    }

    @Test
    void lcmSamplesADdimPackAsFromConfigWithFreshSeededNoiseEachStep() throws Exception {
        Path pack = TestPacks.tinyDiffusers(models, "animlcm", DDIM_WITHOUT_PREDICTION, "");
        Run lcm = run(pack, req("animlcm", 4).withSampling(4, Float.NaN, "lcm"));
        Path fromConfig = Files.writeString(models.resolve("animlcm-as-lcm.json"), DDIM_WITHOUT_PREDICTION.replace("\"DDIMScheduler\"",
                "\"LCMScheduler\""));
        assertSameSchedule(kinoraScheduler(fromConfig, 4), lcm.timesteps().get(0), lcm.sigmas().get(0), "LCMScheduler.from_config");
        assertEquals(4, lcm.timesteps().get(0).length);
        assertEquals(999f, lcm.timesteps().get(0)[0]);
        assertEquals("lcm", lcm.result().recipe().scheduler());
        // The noise LCM adds between steps comes from the job's seed: the same seed makes the same frames, another seed others.
        Run again = run(pack, req("animlcm", 4).withSampling(4, Float.NaN, "lcm"));
        assertArrayEquals(lcm.result().frames().frame(5), again.result().frames().frame(5));
        Run other = run(pack, GenerationRequest.textToVideo("animlcm", "a red ball", 4).withSampling(4, Float.NaN, "lcm"));
        assertTrue(!java.util.Arrays.equals(lcm.result().frames().frame(5), other.result().frames().frame(5)), "seed 4 differs from seed 3");
        // More steps than the 50 it was distilled on is refused before any work, naming why.
        InvalidRequestException tooMany = assertThrows(InvalidRequestException.class,
                () -> run(pack, req("animlcm", 60).withSampling(60, Float.NaN, "lcm")));
        assertTrue(tooMany.getMessage().contains("original_inference_steps"), tooMany.getMessage());
    }

    @Test
    void eulerAncestralAndDpmSdeDrawTheirStepNoiseFromTheSeed() throws Exception {
        Path pack = TestPacks.tinyDiffusers(models, "animea", DDIM_WITHOUT_PREDICTION, "");
        Run a = run(pack, req("animea", 5).withSampling(5, Float.NaN, "euler-a"));
        Path fromConfig = Files.writeString(models.resolve("animea-as-euler-a.json"), DDIM_WITHOUT_PREDICTION.replace("\"DDIMScheduler\"",
                "\"EulerAncestralDiscreteScheduler\""));
        assertSameSchedule(kinoraScheduler(fromConfig, 5), a.timesteps().get(0), a.sigmas().get(0), "Euler a from_config");
        assertEquals("euler-a", a.result().recipe().scheduler());
        assertArrayEquals(a.result().frames().frame(4), run(pack, req("animea", 5).withSampling(5, Float.NaN, "euler-a")).result().frames().frame(4));

        // A pack that ships DPM++ 2M SDE Karras samples with it, exactly, and repeatably
        Path sde = TestPacks.tinyDiffusers(models, "sde", resource("variant-dpm-sde-karras.json"), "");
        Run s1 = run(sde, req("sde", 6));
        assertSameSchedule(kinoraScheduler(config(sde), 6), s1.timesteps().get(0), s1.sigmas().get(0), "DPM++ 2M SDE Karras");
        assertEquals("dpm++2m-karras", s1.result().recipe().scheduler());
        Run s2 = run(sde, req("sde", 6));
        assertArrayEquals(s1.result().frames().frame(4), s2.result().frames().frame(4));
        Run other = run(sde, GenerationRequest.textToVideo("sde", "a red ball", 9).withSampling(6, Float.NaN, ""));
        assertTrue(!java.util.Arrays.equals(s1.result().frames().frame(4), other.result().frames().frame(4)));
    }

    @Test
    void kinorasSamplersRefuseABetaScheduleTheyCannotFollow() throws Exception {
        Path pack = TestPacks.tinyDiffusers(models, "cosine", resource("variant-ddim-cosine-linspace.json"), "");
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> run(pack, req("cosine", 4).withSampling(4, Float.NaN, "euler")));
        assertTrue(e.getMessage().contains("squaredcos_cap_v2") && e.getMessage().contains("DDIMScheduler"), e.getMessage());
        assertEquals(5, run(pack, req("cosine", 4)).sigmas().get(0).length, "its own DDIM runs");
    }

    @Test
    void aManifestThatContradictsItsSchedulerConfigIsAPackError() throws Exception {
        Path pack = TestPacks.tinyDiffusers(models, "contra", FLOW_MATCH_SHIFT3, "\"prediction\": \"sample\"");
        PackException e = assertThrows(PackException.class, () -> run(pack, req("contra", 4)));
        assertTrue(e.getMessage().contains("prediction 'sample'") && e.getMessage().contains("scheduler_config.json"), e.getMessage());
        Path shift = TestPacks.tinyDiffusers(models, "contra2", FLOW_MATCH_SHIFT3, "\"scheduler\": {\"shift\": 5.0}");
        PackException s = assertThrows(PackException.class, () -> run(shift, req("contra2", 4)));
        assertTrue(s.getMessage().contains("scheduler.shift 5.0"), s.getMessage());
    }

    @Test
    void aFormatOnePackKeepsKinorasSchedule() throws Exception {
        Path pack = TestPacks.tiny(models, "plain");
        Run r = run(pack, req("plain", 4));
        // flow-euler shift 1, timestep scale 1: sigmas 1, 0.75, 0.5, 0.25, 0
        assertArrayEquals(new float[] {1f, 0.75f, 0.5f, 0.25f, 0f}, r.sigmas().get(0), 1e-6f);
        assertArrayEquals(new float[] {1f, 0.75f, 0.5f, 0.25f}, r.timesteps().get(0), 1e-6f);
    }

    static Source src(Frames f) {
        return new Source(f, "synthetic", "0".repeat(64));
    }
}
