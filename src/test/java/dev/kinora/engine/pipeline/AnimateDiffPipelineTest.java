package dev.kinora.engine.pipeline;

import static dev.kinora.engine.pipeline.WanPipelineTest.assertClose;
import static dev.kinora.engine.pipeline.WanPipelineTest.assertFramesEqualRounded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.PackAbilities;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Stage;
import dev.kinora.engine.UnsupportedModeException;
import dev.kinora.engine.model.TokenTextEncoder;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.pack.AnimateDiffSpec;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.tensor.FloatTensor;
import dev.kinora.engine.tensor.Npy;
import dev.kinora.testing.LoadedPackExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The animatediff-sd15 adapter against diffusers' AnimateDiffPipeline on animatediff-tiny (a random-weight SD 1.5 UNet
 * with a motion module, CLIP and a VAE from the real classes, tools/export/make_tiny_animatediff.py): the tokens, both
 * prompts' CLIP states, the UNet's predictions at step 0, the latents after every DDIM step, the decoder's input and
 * output and the frames, each checked against animatediff_reference.py's files from the same noise. Every measured
 * distance is printed as a "reference check:" line.
 */
class AnimateDiffPipelineTest {
    static final Path PACK = Path.of("src/test/resources/packs/animatediff-tiny");
    static final Path REF = Path.of("src/test/resources/packs/animatediff-tiny-reference");
    @RegisterExtension
    static final LoadedPackExtension LOADED = new LoadedPackExtension(PACK);

    static JsonNode settings(String kase) throws IOException {
        return new ObjectMapper().readTree(REF.resolve(kase).resolve("settings.json").toFile());
    }

    private static AnimateDiffFamily.AnimateDiffPipeline pipeline() {
        return new AnimateDiffFamily.AnimateDiffPipeline(LOADED.lp(), new DeviceReport(Device.CPU, Device.CPU, ""), () -> MemoryLimits.UNLIMITED);
    }

    private static float[] referenceNoise(int frames) {
        try {
            FloatTensor noise = Npy.read(REF.resolve("t2v/noise.npy"));
            assertEquals(frames, noise.dim(2), "the reference noise is for " + noise.dim(2) + " frames");
            return noise.data();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long[] ids(JsonNode list) {
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i).asLong();
        }
        return out;
    }

    /** The decoder's [F, 3, H, W] in [−1, 1] as the pipeline's "np" frames [F, H, W, 3]: clamp(v/2 + 0.5, 0, 1). */
    static float[] frameMajorRgb(float[] video, int f, int h, int w) {
        int plane = h * w;
        float[] out = new float[video.length];
        for (int t = 0; t < f; t++) {
            for (int ch = 0; ch < 3; ch++) {
                for (int p = 0; p < plane; p++) {
                    out[(t * plane + p) * 3 + ch] = Math.max(0f, Math.min(1f, video[(t * 3 + ch) * plane + p] / 2f + 0.5f));
                }
            }
        }
        return out;
    }

    @Test
    void theManifestReadsAsAnimateDiff() {
        var spec = LOADED.pack().family().orElseThrow();
        assertEquals("animatediff-sd15", spec.family());
        assertEquals(8, spec.latentFrames(), "the tiny pack's window (the real motion module's is 16)");
        AnimateDiffSpec ad = spec.animateDiff();
        assertEquals(77, ad.text().maxTokens());
        assertEquals(32, ad.text().dim());
        assertEquals(712, ad.text().padTokenId());
        assertEquals(false, ad.text().zeroPadded());
        assertEquals(false, ad.text().encoderMask());
        assertEquals(0.18215, ad.scalingFactor());
        assertEquals(5, ad.chunkFrames());
        assertEquals(32, ad.maxFrames());
        assertEquals(new AnimateDiffSpec.Defaults(4, 7.5f, 5), ad.defaults());
        assertEquals(List.of(Mode.GENERATE), List.copyOf(LOADED.pack().modes()));
        assertEquals("ddim", LOADED.pack().defaults().scheduler());
        assertEquals(new PackAbilities(8, true), PackAbilities.of(LOADED.pack()));
    }

    /** CLIP's tokenizer through the pack's tokenizer.json: 77 ids, <|startoftext|> ... <|endoftext|>, padded with the pad id. */
    @Test
    void promptsAreTokenizedAsTheClipTokenizerDoes() throws Exception {
        JsonNode s = settings("tokens");
        int checked = 0;
        for (JsonNode c : s.path("cases")) {
            TokenTextEncoder.Tokens t = LOADED.lp().tokenText().tokens(c.path("raw").asText());
            long[] padded = new long[77];
            java.util.Arrays.fill(padded, s.path("pad_token_id").asLong());
            System.arraycopy(t.ids(), 0, padded, 0, t.ids().length);
            assertArrayEquals(ids(c.path("input_ids")), padded, c.path("raw").asText());
            assertEquals(c.path("truncated").asBoolean(), t.truncated(), c.path("raw").asText());
            checked++;
        }
        System.out.printf(Locale.ROOT, "reference check: token ids of %d prompts (one truncated, one empty): exact%n", checked);
        JsonNode t2v = settings("t2v");
        for (String which : new String[] {"prompt_text", "negative_text"}) {
            TokenTextEncoder.Tokens t = LOADED.lp().tokenText().tokens(t2v.path(which).path("raw").asText());
            assertArrayEquals(java.util.Arrays.copyOf(ids(t2v.path(which).path("input_ids")), t.ids().length), t.ids(), which);
        }
    }

    @Test
    void clipStatesMatchTheReferenceWithThePadsRowsKept() throws Exception {
        JsonNode s = settings("t2v");
        var cond = LOADED.lp().tokenText().encode(s.path("prompt").asText());
        var uncond = LOADED.lp().tokenText().encode(s.path("negative_prompt").asText());
        assertClose(Npy.read(REF.resolve("t2v/prompt_embeds.npy")), cond.states(), 1e-5, "prompt_embeds [1,77,32]");
        assertClose(Npy.read(REF.resolve("t2v/negative_prompt_embeds.npy")), uncond.states(), 1e-5, "negative_prompt_embeds [1,77,32]");
        float[] last = cond.states().data();
        boolean nonZero = false;
        for (int i = 76 * 32; i < 77 * 32; i++) {
            nonZero |= last[i] != 0f;
        }
        assertTrue(nonZero, "the pads' states are CLIP's, not zeros: the UNet attends to them");
    }

    @Test
    void textToVideoMatchesDiffusersAnimateDiffPipelineStepByStep() throws Exception {
        JsonNode s = settings("t2v");
        int frames = s.path("frames").asInt();
        int steps = s.path("steps").asInt();
        Map<String, float[]> seen = new HashMap<>();
        float[][] timesteps = new float[1][];
        AnimateDiffFamily.Observer obs = new AnimateDiffFamily.Observer() {
            @Override
            public void schedule(float[] ts) {
                timesteps[0] = ts.clone();
            }

            @Override
            public void prediction(int step, boolean conditional, float[] eps) {
                if (step == 0) {
                    seen.put(conditional ? "cond" : "uncond", eps.clone());
                }
            }

            @Override
            public void afterStep(int step, float[] latents) {
                seen.put("step" + step, latents.clone());
            }

            @Override
            public void decoderInput(float[] z) {
                seen.put("z", z.clone());
            }

            @Override
            public void decoded(float[] video) {
                seen.put("decoded", video.clone());
            }
        };
        List<Stage> stages = new ArrayList<>();
        int[] last = new int[2];
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), s.path("prompt").asText(), 42)
                .withPrompt(s.path("prompt").asText(), s.path("negative_prompt").asText())
                .withSampling(steps, (float) s.path("guidance").asDouble(), "");
        GenerationResult out = pipeline().withNoise(AnimateDiffPipelineTest::referenceNoise).observe(obs).run(r, p -> {
            if (stages.isEmpty() || stages.get(stages.size() - 1) != p.stage()) {
                stages.add(p.stage());
            }
            last[0] = p.step();
            last[1] = p.steps();
        }, new CancelToken());

        float[] wantTs = new float[steps];
        for (int i = 0; i < steps; i++) {
            wantTs[i] = s.path("timesteps").get(i).floatValue();
        }
        assertArrayEquals(wantTs, timesteps[0], "DDIM's timesteps (leading, steps_offset 1)");
        System.out.printf(Locale.ROOT, "reference check: timesteps %s: exact%n", java.util.Arrays.toString(timesteps[0]));
        assertClose(Npy.read(REF.resolve("t2v/unet_step0_cond.npy")), seen.get("cond"), 1e-4, "UNet prediction at step 0, prompt");
        assertClose(Npy.read(REF.resolve("t2v/unet_step0_uncond.npy")), seen.get("uncond"), 1e-4, "UNet prediction at step 0, negative prompt");
        for (int i = 0; i < steps; i++) {
            assertClose(Npy.read(REF.resolve("t2v/latents_step" + i + ".npy")), seen.get("step" + i), 1e-4, "latents after DDIM step " + i);
        }
        assertClose(Npy.read(REF.resolve("t2v/decoder_input.npy")), seen.get("z"), 1e-3, "decoder input [F,4,h,w] (latents / 0.18215)");
        float[] want = Npy.read(REF.resolve("t2v/frames.npy")).data();
        WanPipelineTest.assertClose(Npy.read(REF.resolve("t2v/frames.npy")), frameMajorRgb(seen.get("decoded"), frames, LOADED.pack().height(), LOADED.pack().width()),
                1e-4, "frames clamp(decoded/2 + 0.5, 0, 1) [F,H,W,3], decoded in chunks of " + s.path("decode_chunk_size").asInt());
        assertFramesEqualRounded(want, out.frames(), frames);
        int maxByte = 0;
        for (int f = 0; f < frames; f++) {
            byte[] rgb = out.frames().frame(f);
            for (int i = 0; i < rgb.length; i++) {
                maxByte = Math.max(maxByte, Math.abs(Math.round(want[f * rgb.length + i] * 255f) - (rgb[i] & 0xFF)));
            }
        }
        System.out.printf(Locale.ROOT, "reference check: frames as uint8 vs round(255 * reference): max |diff| %d (bound 1)%n", maxByte);

        assertEquals(List.of(Stage.ENCODING_TEXT, Stage.DENOISING, Stage.DECODING, Stage.DONE), stages);
        int chunk = s.path("decode_chunk_size").asInt();
        assertEquals(2 + steps * 2 + (frames + chunk - 1) / chunk, last[1], "two prompts, two UNet calls a step, a decoder call a chunk");
        assertEquals(last[1], last[0]);
        assertEquals(7.5f, out.recipe().resolved().guidance());
        assertEquals(steps, out.recipe().resolved().steps());
        assertEquals("ddim", out.recipe().scheduler());
        assertEquals(List.of(), out.warnings());
        assertEquals(LOADED.pack().width(), out.frames().width());
        assertEquals(LOADED.pack().height(), out.frames().height());
    }

    /** The seed makes the noise: the same request gives the same frames; fewer frames than the window is one shorter window. */
    @Test
    void aSeededShortClipIsRepeatableAndWithoutGuidanceRunsOneCallAStep() throws Exception {
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), "a red ball rolls down the hill", 7).withSampling(2, 1f, "")
                .withFrames(5);
        int[] calls = {0};
        AnimateDiffFamily.Observer count = new AnimateDiffFamily.Observer() {
            @Override
            public void text(TokenTextEncoder.TokenStates cond, TokenTextEncoder.TokenStates uncond) {
                assertNull(uncond, "guidance 1: no negative prompt is encoded (diffusers' do_classifier_free_guidance is g > 1)");
            }

            @Override
            public void prediction(int step, boolean conditional, float[] eps) {
                assertTrue(conditional);
                calls[0]++;
            }
        };
        GenerationResult a = pipeline().observe(count).run(r, ProgressListener.NONE, new CancelToken());
        GenerationResult b = pipeline().run(r, ProgressListener.NONE, new CancelToken());
        assertEquals(2, calls[0]);
        assertEquals(5, a.frames().count());
        for (int f = 0; f < 5; f++) {
            assertArrayEquals(a.frames().frame(f), b.frames().frame(f), "frame " + f);
        }
        assertEquals(5, a.recipe().resolved().frames());
    }

    /**
     * AnimateLCM's way: LCMScheduler.from_config over the pack's DDIM config, 4 steps, guidance 1. Its fresh noise between
     * steps comes from the seed, so a request repeats, and the last step lands on the consistency estimate.
     */
    @Test
    void lcmSamplesTheFamilyInFourStepsRepeatably() throws Exception {
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), "a red ball rolls down the hill", 11)
                .withSampling(4, 1f, "lcm").withFrames(4);
        List<Float> timesteps = new java.util.ArrayList<>();
        AnimateDiffFamily.Observer watch = new AnimateDiffFamily.Observer() {
            @Override
            public void schedule(float[] ts) {
                for (float t : ts) {
                    timesteps.add(t);
                }
            }
        };
        GenerationResult a = pipeline().observe(watch).run(r, ProgressListener.NONE, new CancelToken());
        GenerationResult b = pipeline().run(r, ProgressListener.NONE, new CancelToken());
        // the DDIM config's linear betas and steps_offset carry over; LCM's own schedule is (50 .. 1) * 20 - 1, every 12.5th
        assertEquals(List.of(999f, 759f, 499f, 259f), timesteps);
        assertEquals("lcm", a.recipe().scheduler());
        assertEquals(4, a.frames().count());
        for (int f = 0; f < 4; f++) {
            assertArrayEquals(a.frames().frame(f), b.frames().frame(f), "frame " + f);
        }
        GenerationResult ddim = pipeline().run(GenerationRequest.textToVideo(LOADED.pack().id(), "a red ball rolls down the hill", 11)
                .withSampling(4, 1f, "").withFrames(4), ProgressListener.NONE, new CancelToken());
        assertTrue(!java.util.Arrays.equals(a.frames().frame(3), ddim.frames().frame(3)), "LCM is not the pack's DDIM");
    }

    @Test
    void whatTheFamilyCannotDoIsRefusedWithTheReason() throws Exception {
        var longer = assertThrows(UnsupportedModeException.class, () -> pipeline().run(
                GenerationRequest.textToVideo(LOADED.pack().id(), "a fox", 1).withFrames(9), ProgressListener.NONE, new CancelToken()));
        assertTrue(longer.getMessage().contains("at most 8 frames") && longer.getMessage().contains("context windows"), longer.getMessage());
        var noPrompt = assertThrows(InvalidRequestException.class, () -> pipeline().run(
                GenerationRequest.textToVideo(LOADED.pack().id(), " ", 1), ProgressListener.NONE, new CancelToken()));
        assertTrue(noPrompt.getMessage().contains("needs a prompt"), noPrompt.getMessage());
        var shift = assertThrows(InvalidRequestException.class, () -> pipeline().run(
                new GenerationRequest(GenerationRequest.textToVideo(LOADED.pack().id(), "a fox", 1).settings().withShift(3f), List.of()), ProgressListener.NONE, new CancelToken()));
        assertTrue(shift.getMessage().contains("no time shift"), shift.getMessage());
        CancelToken cancel = new CancelToken();
        cancel.cancel();
        var cancelled = assertThrows(GenerationCancelledException.class, () -> pipeline().run(
                GenerationRequest.textToVideo(LOADED.pack().id(), "a fox", 1).withSampling(1, 1f, ""), ProgressListener.NONE, cancel));
        assertTrue(cancelled.getMessage().contains("no frames are kept"), cancelled.getMessage());
        assertEquals(13, LOADED.lp().countTokens("a corgi walking in the park, fireworks over the harbour"),
                "the editor's counter: <|startoftext|>, 11 tokens, <|endoftext|>");
    }

    @Test
    void theMemoryPlanCountsClipTheUnetAndTheChunkedDecoder() throws Exception {
        MemoryPlanner planner = new MemoryPlanner(LOADED.pack(), Device.CPU);
        MemoryEstimate e = planner.estimate(planner.job(Mode.GENERATE, 8, 1, 7.5f, List.of(), true), false);
        assertEquals(List.of(ModelPack.TEXT_ENCODER, ModelPack.DENOISER, ModelPack.VAE_DECODER),
                e.components().stream().map(MemoryEstimate.Component::key).toList());
        assertTrue(e.peakRam() > 0);
    }
}
