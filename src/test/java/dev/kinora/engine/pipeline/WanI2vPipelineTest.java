package dev.kinora.engine.pipeline;

import static dev.kinora.engine.pipeline.WanPipelineTest.assertClose;
import static dev.kinora.engine.pipeline.WanPipelineTest.assertFramesClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Source;
import dev.kinora.engine.UnsupportedModeException;
import dev.kinora.engine.model.PilClipPreprocessor;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.engine.pack.WanI2vSpec;
import dev.kinora.engine.tensor.FloatTensor;
import dev.kinora.engine.tensor.Npy;
import dev.kinora.testing.LoadedPackExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Wan 2.1 image to video against diffusers' own {@code WanImageToVideoPipeline} on the tiny random-weight pack
 * (src/test/resources/packs/wan-i2v-tiny, made by tools/export/make_tiny_wan_i2v.py): the same still and noise in, the
 * same tensors at every stage (CLIP input, image states, the condition, text states, latents after every step, frames).
 * Each measured distance is printed as a "reference check:" line.
 */
class WanI2vPipelineTest {
    static final Path PACK = Path.of("src/test/resources/packs/wan-i2v-tiny");
    static final Path REF = Path.of("src/test/resources/packs/wan-i2v-tiny-reference");
    @RegisterExtension
    static final LoadedPackExtension LOADED = new LoadedPackExtension(PACK);

    private static WanPipeline pipeline() {
        return new WanPipeline(LOADED.lp(), new DeviceReport(Device.CPU, Device.CPU, ""), () -> MemoryLimits.UNLIMITED);
    }

    static JsonNode settings() throws IOException {
        return new ObjectMapper().readTree(REF.resolve("i2v/settings.json").toFile());
    }

    static Frames still() throws IOException {
        return LtxPipelineTest.image(REF.resolve("i2v/still.npy"), 64, 48);
    }

    private static GenerationRequest animate(JsonNode s, Frames still) {
        return GenerationRequest.textToVideo(LOADED.pack().id(), s.path("prompt").asText(), s.path("seed").asLong())
                .withPrompt(s.path("prompt").asText(), s.path("negative_prompt").asText())
                .withSampling(s.path("steps").asInt(), (float) s.path("guidance").asDouble(), "")
                .withMode(Mode.ANIMATE, List.of(new Source(still, "still.npy", "")));
    }

    @Test
    void theManifestReadsAsWanI2v() {
        var spec = LOADED.pack().family().orElseThrow();
        assertEquals("wan2.1-i2v", spec.family());
        assertEquals(List.of(Mode.ANIMATE), List.copyOf(LOADED.pack().modes()));
        WanI2vSpec i2v = spec.wanI2v();
        assertEquals(4, i2v.maskChannels());
        assertEquals("image_encoder", i2v.image().encoder());
        assertEquals(224, i2v.image().shortestEdge());
        assertEquals(257, i2v.image().tokens());
        assertEquals(32, i2v.image().dim());
        assertArrayEquals(new float[] {0.48145466f, 0.4578275f, 0.40821073f}, i2v.image().mean());
        assertEquals(512, spec.text().maxTokens());
        assertTrue(Families.find(LOADED.pack()).orElseThrow() instanceof WanI2vFamily);
        assertEquals(9, Families.maxFrames(LOADED.pack()));
    }

    /** transformers' CLIPImageProcessor (PIL backend) on the 64×48 still: an upscale to 298×224 and a center crop. */
    @Test
    void theClipInputIsTheProcessorsBitForBit() throws Exception {
        float[] got = pipeline().clipInput(still().frame(0)).data();
        assertBitExact(Npy.read(REF.resolve("i2v/clip_input.npy")).data(), got, "CLIP pixel_values of the 64x48 still (upscale)");
    }

    /** The same processor on a 240×320 portrait: a downscale (PIL's antialiasing support) and the other shortest-edge branch. */
    @Test
    void aLargerPortraitImageIsDownscaledAsPillowDoes() throws Exception {
        WanI2vSpec.Image img = LOADED.pack().family().orElseThrow().wanI2v().image();
        PilClipPreprocessor pre = new PilClipPreprocessor(img.height(), img.width(), img.shortestEdge(), img.rescale(), img.mean(), img.std());
        Frames image = LtxPipelineTest.image(REF.resolve("clip_resize/image.npy"), 240, 320);
        float[] all = pre.apply(image.frame(0), 240, 320);
        float[] sub = new float[3 * 56 * 56];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 56; y++) {
                for (int x = 0; x < 56; x++) {
                    sub[(c * 56 + y) * 56 + x] = all[(c * 224 + 4 * y) * 224 + 4 * x];
                }
            }
        }
        assertBitExact(Npy.read(REF.resolve("clip_resize/pixel_values_sub.npy")).data(), sub, "CLIP pixel_values of a 240x320 image (downscale), every 4th");
    }

    @Test
    void imageStatesAndTheConditionMatchTheReference() throws Exception {
        byte[] still = still().frame(0);
        FloatTensor states = pipeline().imageStates(still);
        assertClose(Npy.read(REF.resolve("i2v/image_states.npy")), states, 1e-5, "image states (CLIP hidden_states[-2])");
        float[] cond = pipeline().condition(still);
        float[] want = Npy.read(REF.resolve("i2v/condition.npy")).data();
        int maskValues = 4 * 3 * 6 * 8;
        assertArrayEquals(java.util.Arrays.copyOf(want, maskValues), java.util.Arrays.copyOf(cond, maskValues), "the mask, exactly");
        assertClose(FloatTensor.of(java.util.Arrays.copyOfRange(want, maskValues, want.length), want.length - maskValues),
                java.util.Arrays.copyOfRange(cond, maskValues, cond.length), 1e-5, "condition latents (VAE mean of [still, zeros], normalised)");
    }

    @Test
    void textStatesMatchTheReference() throws Exception {
        JsonNode s = settings();
        var cond = LOADED.lp().tokenText().encode(s.path("prompt").asText());
        var uncond = LOADED.lp().tokenText().encode(s.path("negative_prompt").asText());
        assertEquals(s.path("prompt_text").path("tokens").asInt(), cond.tokens());
        assertClose(Npy.read(REF.resolve("i2v/prompt_embeds.npy")), cond.states(), 1e-5, "i2v prompt states");
        assertClose(Npy.read(REF.resolve("i2v/negative_prompt_embeds.npy")), uncond.states(), 1e-5, "i2v negative prompt states");
    }

    @Test
    void animatingTheStillMatchesDiffusersStepByStep() throws Exception {
        JsonNode s = settings();
        float[] noise = Npy.read(REF.resolve("i2v/noise.npy")).data();
        Map<Integer, float[]> steps = new HashMap<>();
        Frames still = still();
        GenerationResult out = pipeline().withNoise(w -> noise).observe((w, i, x) -> steps.put(i, x.clone()))
                .run(animate(s, still), ProgressListener.NONE, new CancelToken());
        int n = s.path("steps").asInt();
        assertEquals(n, steps.size());
        for (int i = 0; i < n; i++) {
            assertClose(Npy.read(REF.resolve("i2v/latents_step" + i + ".npy")), steps.get(i), 1e-4, "i2v latents after step " + i);
        }
        float[] px = LOADED.lp().causalVae().decode(steps.get(n - 1));
        float[] want = Npy.read(REF.resolve("i2v/frames.npy")).data();
        assertFramesClose(want, px, 9, 48, 64, 2e-5);
        // frames 1..8 are the decoder's, rounded as diffusers' PIL output; frame 0 is the still itself (as LTX and SVD do)
        assertEquals(9, out.frames().count());
        assertArrayEquals(still.frame(0), out.frames().frame(0), "the still is frame 0, byte for byte");
        int frame = 64 * 48 * 3;
        int maxByte = 0;
        for (int t = 1; t < 9; t++) {
            byte[] rgb = out.frames().frame(t);
            for (int i = 0; i < frame; i++) {
                int ref = Math.round(want[t * frame + i] * 255f);
                maxByte = Math.max(maxByte, Math.abs(ref - (rgb[i] & 0xFF)));
            }
        }
        System.out.printf(Locale.ROOT, "reference check: i2v frames 1-8 as uint8 vs round(255 * reference): max |diff| %d (bound 1)%n", maxByte);
        assertTrue(maxByte <= 1, "frames within one 8-bit level: " + maxByte);
        int decodedFirst = 0;
        for (int i = 0; i < frame; i++) {
            decodedFirst = Math.max(decodedFirst, Math.abs(Math.round(want[i] * 255f) - (still.frame(0)[i] & 0xFF)));
        }
        System.out.printf(Locale.ROOT, "reference check: diffusers' decoded frame 0 vs the still (replaced by it): max |diff| %d levels%n", decodedFirst);
        assertEquals("flow-unipc", out.recipe().scheduler());
    }

    @Test
    void whatWanI2vCannotDoIsRefusedNamingAnimate() throws Exception {
        JsonNode s = settings();
        var t2v = assertThrows(UnsupportedModeException.class, () -> pipeline().run(
                GenerationRequest.textToVideo(LOADED.pack().id(), "a red ball", 1), ProgressListener.NONE, new CancelToken()));
        assertTrue(t2v.getMessage().contains("only animates a still") && t2v.getMessage().contains("animate"), t2v.getMessage());
        var longer = assertThrows(UnsupportedModeException.class, () -> pipeline().run(animate(s, still()).withFrames(17),
                ProgressListener.NONE, new CancelToken()));
        assertTrue(longer.getMessage().contains("at most 9 frames"), longer.getMessage());
    }

    @Test
    void theTextToVideoPackHasNoImageEncoder() throws Exception {
        try (var t2v = new LoadedPack(PackLoader.load(WanPipelineTest.PACK), RuntimeOptions.defaults().withDevice(Device.CPU), Device.CPU)) {
            assertNull(t2v.parts(WanFamily.Parts.class).imageEncoder());
            assertNull(t2v.pack().family().orElseThrow().wanI2v());
        }
    }

    /** Bit-exact float32 (both sides computed in numpy's order); prints the distance and how many values are equal. */
    static void assertBitExact(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": size");
        double max = 0;
        int equal = 0;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs(want[i] - got[i]));
            equal += Float.floatToIntBits(want[i]) == Float.floatToIntBits(got[i]) ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "reference check: %s: max |diff| %.2g (bound 0), %d of %d bit-exact%n", what, max, equal, got.length);
        assertEquals(got.length, equal, what + ": " + (got.length - equal) + " values differ, max |diff| " + max);
    }
}
