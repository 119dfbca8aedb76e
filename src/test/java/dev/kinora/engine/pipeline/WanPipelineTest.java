package dev.kinora.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Source;
import dev.kinora.engine.model.PromptCleaner;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.tensor.FloatTensor;
import dev.kinora.engine.tensor.Npy;
import dev.kinora.testing.LoadedPackExtension;
import dev.kinora.testing.TestPacks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Wan 2.1 adapter against diffusers' own pipelines on the tiny random-weight pack (src/test/resources/packs,
 * made by tools/export/make_tiny_wan.py): the same noise in, the same tensors out at every stage, within the
 * tolerances the reference's README derives from ORT-vs-torch (graphs 1e-5, final latents 1e-4, frames 2e-5).
 */
class WanPipelineTest {
    static final Path PACK = Path.of("src/test/resources/packs/wan-tiny");
    static final Path REF = Path.of("src/test/resources/packs/wan-tiny-reference");
    @RegisterExtension
    static final LoadedPackExtension LOADED = new LoadedPackExtension(PACK);

    private static WanPipeline pipeline() {
        return new WanPipeline(LOADED.lp(), new DeviceReport(Device.CPU, Device.CPU, ""), () -> MemoryLimits.UNLIMITED);
    }

    @Test
    void theManifestReadsAsFormat2() {
        var spec = LOADED.pack().family().orElseThrow();
        assertEquals("wan2.1-t2v", spec.family());
        assertEquals(3, spec.latentFrames());
        assertEquals(-0.7571f, spec.mean(0));
        assertEquals(1.916f, spec.std(15));
        assertEquals(512, spec.text().maxTokens());
        assertEquals(1100, spec.text().padTokenId());
        assertTrue(spec.vae().stepDecoder());
        assertEquals(32, spec.vae().cacheTensors());
    }

    @Test
    void promptsAreCleanedAndTokenizedAsDiffusersDoes() throws Exception {
        for (String kase : new String[] {"t2v", "remix"}) {
            JsonNode s = settings(kase);
            for (String which : new String[] {"prompt_text", "negative_text"}) {
                JsonNode t = s.path(which);
                assertEquals(t.path("cleaned").asText(), PromptCleaner.clean("wan", t.path("raw").asText()), kase + " " + which);
                long[] want = new long[t.path("input_ids").size()];
                for (int i = 0; i < want.length; i++) {
                    want[i] = t.path("input_ids").get(i).asLong();
                }
                assertArrayEquals(want, LOADED.lp().tokenText().tokens(t.path("raw").asText()).ids(), kase + " " + which);
            }
        }
    }

    @Test
    void textStatesMatchTheReference() throws Exception {
        JsonNode s = settings("t2v");
        var cond = LOADED.lp().tokenText().encode(s.path("prompt_text").path("raw").asText());
        var uncond = LOADED.lp().tokenText().encode("");
        assertEquals(22, cond.tokens());
        assertEquals(1, uncond.tokens());
        assertClose(Npy.read(REF.resolve("t2v/prompt_embeds.npy")), cond.states(), 1e-5, "prompt states");
        assertClose(Npy.read(REF.resolve("t2v/negative_prompt_embeds.npy")), uncond.states(), 1e-5, "the empty negative prompt, encoded");
        float[] row = cond.states().data();
        for (int i = 22 * 32; i < row.length; i++) {
            assertEquals(0f, row[i], "padded rows are zero");
        }
    }

    @Test
    void textToVideoMatchesDiffusersWanPipelineStepByStep() throws Exception {
        JsonNode s = settings("t2v");
        float[] noise = Npy.read(REF.resolve("t2v/noise.npy")).data();
        Map<Integer, float[]> steps = new HashMap<>();
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), s.path("prompt").asText(), 42)
                .withSampling(s.path("steps").asInt(), (float) s.path("guidance").asDouble(), "");
        GenerationResult out = pipeline().withNoise(w -> noise).observe((w, i, x) -> steps.put(i, x.clone()))
                .run(r, ProgressListener.NONE, new CancelToken());
        assertEquals(5, steps.size());
        for (int i = 0; i < 5; i++) {
            assertClose(Npy.read(REF.resolve("t2v/latents_step" + i + ".npy")), steps.get(i), i < 2 ? 1e-5 : 1e-4, "latents after step " + i);
        }
        float[] px = LOADED.lp().causalVae().decode(steps.get(4));
        float[] want = Npy.read(REF.resolve("t2v/frames.npy")).data();
        assertFramesClose(want, px, 9, 48, 64, 2e-5);
        assertFramesEqualRounded(want, out.frames(), 9);
        assertEquals("flow-unipc", out.recipe().scheduler());
        assertEquals(3.0f, out.recipe().shift());
    }

    @Test
    void theStepDecoderAndTheWindowGraphDecodeAlike() throws Exception {
        float[] x = Npy.read(REF.resolve("t2v/latents_final.npy")).data();
        float[] steps = LOADED.lp().causalVae().decode(x);
        var spec = LOADED.pack().family().orElseThrow();
        var noSteps = new dev.kinora.engine.pack.FamilySpec(spec.family(), spec.latentFrames(), spec.mean(), spec.std(),
                spec.multipleOf(), false, spec.text(), new dev.kinora.engine.pack.FamilySpec.VaeSpec("causal3d", 3, 9, false, 0, true), null, null);
        try (var window = new dev.kinora.engine.model.CausalVae(LOADED.pack(), noSteps, RuntimeOptions.defaults().withDevice(Device.CPU), Device.CPU)) {
            float[] whole = window.decode(x);
            double max = 0;
            for (int i = 0; i < whole.length; i++) {
                max = Math.max(max, Math.abs(whole[i] - steps[i]));
            }
            assertTrue(max < 1e-5, "step graphs vs window graph: " + max);
        }
    }

    @Test
    void remixMatchesDiffusersVideoToVideo() throws Exception {
        JsonNode s = settings("remix");
        float[] noise = Npy.read(REF.resolve("remix/noise.npy")).data();
        Frames src = u8Frames(REF.resolve("remix/source.npy"), 64, 48);
        assertClose(Npy.read(REF.resolve("remix/source_latents.npy")), LOADED.lp().causalVae().encode(src.rgb()), 1e-5, "source latents");
        Map<Integer, float[]> steps = new HashMap<>();
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), s.path("prompt").asText(), 7)
                .withSampling(s.path("steps").asInt(), (float) s.path("guidance").asDouble(), "")
                .withMode(Mode.REMIX, List.of(new Source(src, "source.npy", "")))
                .withExtension(dev.kinora.engine.Direction.FORWARD, 0, (float) s.path("strength").asDouble());
        GenerationResult out = pipeline().withNoise(w -> noise).observe((w, i, x) -> steps.put(i, x.clone()))
                .run(r, ProgressListener.NONE, new CancelToken());
        assertEquals(3, steps.size(), "int(5 · 0.7) = 3 steps, as diffusers keeps");
        for (int i = 0; i < 3; i++) {
            assertClose(Npy.read(REF.resolve("remix/latents_step" + i + ".npy")), steps.get(i), 1e-4, "remix latents after step " + i);
        }
        assertFramesEqualRounded(Npy.read(REF.resolve("remix/frames.npy")).data(), out.frames(), 9);
    }

    /** Kinora's forward extension, pinned by wan_reference.py's extend cases (docs/pack-format-2.md): k = 1 and k = 2. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource({"extend, 1, 1", "extend_k2, 2, 5"})
    void extensionMatchesTheReferenceRuleOnDiffusersLoop(String kase, int k, int c) throws Exception {
        JsonNode s = settings(kase);
        Path dir = REF.resolve(kase);
        float[] noise = Npy.read(dir.resolve("noise.npy")).data();
        Frames src = u8Frames(dir.resolve("source.npy"), 64, 48);
        float[] ctx = LOADED.lp().causalVae().encode(src.rgb().subList(src.count() - c, src.count()));
        float[] known = new float[16 * k * 48];
        Latents.copyFrames(ctx, 3, 0, known, k, 0, k, 16, 48);
        assertClose(Npy.read(dir.resolve("context_latents.npy")), known, 1e-5, kase + " context latents");
        Map<Integer, float[]> steps = new HashMap<>();
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), s.path("prompt").asText(), s.path("seed").asLong())
                .withSampling(s.path("steps").asInt(), (float) s.path("guidance").asDouble(), "")
                .withMode(Mode.EXTEND, List.of(new Source(src, "source.npy", "")))
                .withExtension(dev.kinora.engine.Direction.FORWARD, k, 1f);
        GenerationResult out = pipeline().withNoise(w -> noise).observe((w, i, x) -> steps.put(i, x.clone()))
                .run(r, ProgressListener.NONE, new CancelToken());
        for (int i = 0; i < 5; i++) {
            assertClose(Npy.read(dir.resolve("latents_step" + i + ".npy")), steps.get(i), i < 2 ? 1e-5 : 1e-4, kase + " latents after step " + i);
        }
        float[] last = steps.get(4);
        for (int ch = 0; ch < 16; ch++) {
            for (int i = 0; i < k * 48; i++) {
                assertEquals(known[ch * k * 48 + i], last[ch * 3 * 48 + i], "the known latent frames end exactly on the context");
            }
        }
        byte[] want = Files.readAllBytes(dir.resolve("output.npy"));
        int frame = 64 * 48 * 3;
        int count = (want.length - headerEnd(want)) / frame;
        assertEquals(9 + 9 - c, count);
        assertEquals(count, out.frames().count(), "the clip, then the window's frames after its " + c + " context frame(s)");
        int off = 0;
        for (int t = 0; t < count; t++) {
            byte[] got = out.frames().frame(t);
            for (int i = 0; i < frame; i++) {
                int d = Math.abs((want[headerEnd(want) + t * frame + i] & 0xFF) - (got[i] & 0xFF));
                assertTrue(d <= (t < 9 ? 0 : 1), kase + " frame " + t + " value " + i + " differs by " + d);
                off += d;
            }
        }
        assertTrue(off <= 8, kase + ": " + off + " values one level off");
    }

    private static int headerEnd(byte[] npy) {
        int len = npy[6] == 1 ? (npy[8] & 0xff) | (npy[9] & 0xff) << 8 : ByteBuffer.wrap(npy, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return (npy[6] == 1 ? 10 : 12) + len;
    }

    @Test
    void aLexiconInAFormat2PackIsReadBeforeItsTextEncoderToo(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path pack = TestPacks.wanTiny(dir);
        TestPacks.addLexicon(pack, """
                {"format": 1, "shapes": ["fox"], "entries": [{"kind": "colour", "from": "vermilion", "to": "red"}]}
                """);
        try (LoadedPack lp = new LoadedPack(dev.kinora.engine.pack.PackLoader.load(pack), RuntimeOptions.defaults().withDevice(Device.CPU),
                Device.CPU)) {
            WanPipeline p = new WanPipeline(lp, new DeviceReport(Device.CPU, Device.CPU, ""), () -> MemoryLimits.UNLIMITED);
            GenerationRequest typed = GenerationRequest.textToVideo(lp.pack().id(), "a vermilion fox", 3).withSampling(2, 5f, "");
            GenerationResult a = p.run(typed, ProgressListener.NONE, new CancelToken());
            GenerationResult b = p.run(GenerationRequest.textToVideo(lp.pack().id(), "a red fox", 3).withSampling(2, 5f, ""),
                    ProgressListener.NONE, new CancelToken());
            assertEquals(List.of("read \"a vermilion fox\" as \"a red fox\" (words the model was not trained on, from its lexicon)"),
                    a.warnings());
            assertEquals(b.frames().count(), a.frames().count());
            for (int i = 0; i < a.frames().count(); i++) {
                assertArrayEquals(b.frames().frame(i), a.frames().frame(i), "frame " + i + ": T5 got the same words");
            }
        }
    }

    @Test
    void requestsTheFamilyCannotRunAreRefusedClearly() throws Exception {
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), "a fox", 1);
        var e = assertThrows(InvalidRequestException.class, () -> pipeline().run(r.withMode(Mode.ANIMATE, List.of()), ProgressListener.NONE, new CancelToken()));
        assertTrue(e.getMessage().contains("does not support animate"), e.getMessage());
        var ctx = assertThrows(InvalidRequestException.class, () -> pipeline().run(r.withExtension(dev.kinora.engine.Direction.FORWARD, 3, 1f),
                ProgressListener.NONE, new CancelToken()));
        assertTrue(ctx.getMessage().contains("context must be 1 to 2 latent frames"), ctx.getMessage());
    }

    @Test
    void aLongerTextToVideoContinuesForwardThroughExtensionWindows() throws Exception {
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), "a red fox", 3).withSampling(2, 5f, "").withFrames(20);
        GenerationResult out = pipeline().run(r, ProgressListener.NONE, new CancelToken());
        assertEquals(20, out.frames().count(), "9 + 8 + 3 frames: two extension windows after the first");
        GenerationResult again = pipeline().run(r, ProgressListener.NONE, new CancelToken());
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(out.frames().frame(i), again.frames().frame(i), "the seed fixes every frame (" + i + ")");
        }
    }

    @Test
    void theMemoryPlannerRefusesAnOversizeJobAndSaysWhatFits() throws Exception {
        // a pack with nothing loaded: loaded sessions count as memory the job may reuse
        try (LoadedPack fresh = new LoadedPack(LOADED.pack(), RuntimeOptions.defaults().withDevice(Device.CPU), Device.CPU)) {
            refuses(fresh);
        }
    }

    private static void refuses(LoadedPack lp) throws Exception {
        MemoryPlanner planner = lp.memory();
        MemoryPlanner.Job one = planner.job(Mode.GENERATE, 9, 1, 5f, List.of(), true);
        assertEquals(1, one.windows());
        assertEquals(3, one.window(), "a window is the VAE's 3 latent frames");
        assertEquals(0, one.encodedFrames(), "one window of text-to-video encodes nothing");
        MemoryPlanner.Job long3 = planner.job(Mode.GENERATE, 20, 1, 5f, List.of(), true);
        assertEquals(3, long3.windows(), "9, then 8 and 8 more frames");
        assertEquals(9, long3.encodedFrames(), "continuing encodes the clip's end");
        MemoryEstimate e = planner.estimate(one, true);
        assertTrue(e.peakRam() > e.component(ModelPack.DENOISER).weights(), e.describe());
        assertTrue(e.describe().contains("denoiser"), e.describe());
        long limit = e.peakRam() + (1 << 20);
        WanPipeline tight = new WanPipeline(lp, new DeviceReport(Device.CPU, Device.CPU, ""), () -> MemoryLimits.ram(limit));
        GenerationRequest huge = GenerationRequest.textToVideo(LOADED.pack().id(), "a fox", 1).withSampling(1, 5f, "").withFrames(1000);
        var refused = assertThrows(InvalidRequestException.class, () -> tight.run(huge, ProgressListener.NONE, new CancelToken()));
        assertTrue(refused.getMessage().startsWith("not enough memory for this job"), refused.getMessage());
        assertTrue(refused.getMessage().contains("fewer frames: at most"), refused.getMessage());
        WanPipeline none = new WanPipeline(lp, new DeviceReport(Device.CPU, Device.CPU, ""), () -> MemoryLimits.ram(1 << 20));
        var tooBig = assertThrows(dev.kinora.engine.pack.PackException.class,
                () -> none.run(GenerationRequest.textToVideo(LOADED.pack().id(), "a fox", 1), ProgressListener.NONE, new CancelToken()));
        assertTrue(tooBig.getMessage().contains("does not fit in the memory available"), tooBig.getMessage());
        assertTrue(lp.loadedComponents().isEmpty(), "refused before anything loaded: " + lp.loadedComponents());
    }

    @Test
    void aListenerGetsLiveFramesAndTheyDoNotChangeTheResult() throws Exception {
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), "a red fox", 9).withSampling(3, 5f, "").withFrames(12);
        List<dev.kinora.engine.Progress> seen = new ArrayList<>();
        GenerationResult watched = pipeline().run(r, seen::add, new CancelToken());
        List<dev.kinora.engine.Preview> previews = seen.stream().map(dev.kinora.engine.Progress::preview).filter(p -> !p.isEmpty()).toList();
        assertTrue(previews.size() >= 2, "a preview at least at each window's last step: " + previews.size());
        for (var p : previews) {
            assertEquals(64, p.width());
            assertEquals(48, p.height());
            assertEquals(64 * 48 * 3, p.rgb().length);
        }
        assertEquals(seen.get(seen.size() - 1).stage(), dev.kinora.engine.Stage.DONE);
        assertEquals(seen.get(seen.size() - 1).steps(), seen.get(seen.size() - 1).step(), "every planned model call was counted");
        GenerationResult quiet = pipeline().run(r, ProgressListener.NONE, new CancelToken());
        for (int i = 0; i < 12; i++) {
            assertArrayEquals(quiet.frames().frame(i), watched.frames().frame(i), "frame " + i);
        }
    }

    @Test
    void cancellingKeepsTheFinishedWindows() throws Exception {
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), "a red fox", 9).withSampling(2, 5f, "").withFrames(20);
        CancelToken cancel = new CancelToken();
        var e = assertThrows(dev.kinora.engine.GenerationCancelledException.class, () -> pipeline().run(r, p -> {
            if (p.stage() == dev.kinora.engine.Stage.ENCODING_SOURCES) {
                cancel.cancel(); // the second window starts: the first is done
            }
        }, cancel));
        assertEquals(9, e.partial().orElseThrow().frames().count(), "the first window's frames, final");
        assertTrue(!e.partial().orElseThrow().complete());
    }

    // ---- helpers ----

    static JsonNode settings(String kase) throws IOException {
        return new ObjectMapper().readTree(REF.resolve(kase).resolve("settings.json").toFile());
    }

    static void assertClose(FloatTensor want, FloatTensor got, double tol, String what) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        assertClose(want, got.data(), tol, what);
    }

    static void assertClose(FloatTensor want, float[] got, double tol, String what) {
        assertEquals(want.size(), got.length, what + ": size");
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs(want.data()[i] - got[i]));
        }
        // the measured distance, so the figures in docs/models.md come from rerunning these tests
        System.out.printf(java.util.Locale.ROOT, "reference check: %s: max |diff| %.2g (bound %.0g)%n", what, max, tol);
        assertTrue(max <= tol, what + ": max |diff| " + max + " > " + tol);
    }

    /** Reference frames [F,H,W,3] in [0,1] vs the decoder's [3,F,H,W] in [−1,1]. */
    static void assertFramesClose(float[] want, float[] px, int f, int h, int w, double tol) {
        int plane = h * w;
        double max = 0;
        for (int t = 0; t < f; t++) {
            for (int p = 0; p < plane; p++) {
                for (int ch = 0; ch < 3; ch++) {
                    double got = px[(ch * f + t) * plane + p] / 2.0 + 0.5;
                    max = Math.max(max, Math.abs(want[(t * plane + p) * 3 + ch] - got));
                }
            }
        }
        assertTrue(max <= tol, "frames: max |diff| " + max);
    }

    /** The engine's 8-bit frames are the reference's rounded: at most one level off where the value sits on a .5. */
    static void assertFramesEqualRounded(float[] want, Frames got, int f) {
        assertEquals(f, got.count());
        int off = 0;
        int n = 0;
        for (int t = 0; t < f; t++) {
            byte[] rgb = got.frame(t);
            for (int i = 0; i < rgb.length; i++) {
                int ref = Math.round(want[t * rgb.length + i] * 255f);
                int d = Math.abs(ref - (rgb[i] & 0xFF));
                assertTrue(d <= 1, "frame " + t + " value " + i + ": " + (rgb[i] & 0xFF) + " vs " + ref);
                off += d;
                n++;
            }
        }
        assertTrue(off <= n / 1000 + 1, off + " of " + n + " values one level off");
    }

    /** A uint8 [F,H,W,3] .npy as packed RGB frames. */
    static Frames u8Frames(Path npy, int w, int h) throws IOException {
        byte[] all = Files.readAllBytes(npy);
        int headerLen = all[6] == 1 ? (all[8] & 0xff) | (all[9] & 0xff) << 8 : ByteBuffer.wrap(all, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int start = (all[6] == 1 ? 10 : 12) + headerLen;
        String header = new String(all, 0, start);
        assertTrue(header.contains("|u1"), header);
        int frame = w * h * 3;
        List<byte[]> frames = new ArrayList<>();
        for (int off = start; off + frame <= all.length; off += frame) {
            byte[] f = new byte[frame];
            System.arraycopy(all, off, f, 0, frame);
            frames.add(f);
        }
        return new Frames(w, h, 16, frames);
    }
}
