package dev.kinora.engine.pipeline;

import static dev.kinora.engine.pipeline.WanPipelineTest.assertClose;
import static dev.kinora.engine.pipeline.WanPipelineTest.assertFramesEqualRounded;
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
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Source;
import dev.kinora.engine.UnsupportedModeException;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.tensor.Npy;
import dev.kinora.testing.LoadedPackExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The LTX-Video 0.9.1 adapter against diffusers' LTXPipeline and LTXImageToVideoPipeline on the tiny random-weight pack
 * (tools/export/make_tiny_ltx.py): diffusers' own random draws in, the same tensors out at every stage.
 */
class LtxPipelineTest {
    static final Path PACK = Path.of("src/test/resources/packs/ltx-tiny");
    static final Path REF = Path.of("src/test/resources/packs/ltx-tiny-reference");
    @RegisterExtension
    static final LoadedPackExtension LOADED = new LoadedPackExtension(PACK);

    private static LtxPipeline pipeline(String kase) {
        return new LtxPipeline(LOADED.lp(), new DeviceReport(Device.CPU, Device.CPU, ""), () -> MemoryLimits.UNLIMITED).withNoise((name, n) -> {
            try {
                return Npy.read(REF.resolve(kase).resolve(name + ".npy")).data();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static JsonNode settings(String kase) throws IOException {
        return new ObjectMapper().readTree(REF.resolve(kase).resolve("settings.json").toFile());
    }

    @Test
    void tokensAndTextStatesAreT5sWithoutAnEncoderMask() throws Exception {
        for (String kase : new String[] {"t2v", "i2v"}) {
            JsonNode s = settings(kase);
            for (String which : new String[] {"prompt_text", "negative_text"}) {
                JsonNode t = s.path(which);
                long[] want = new long[t.path("input_ids").size()];
                for (int i = 0; i < want.length; i++) {
                    want[i] = t.path("input_ids").get(i).asLong();
                }
                assertArrayEquals(want, LOADED.lp().tokenText().tokens(t.path("raw").asText()).ids(), kase + " " + which);
            }
            var cond = LOADED.lp().tokenText().encode(s.path("prompt").asText());
            assertClose(Npy.read(REF.resolve(kase).resolve("prompt_embeds.npy")), cond.states(), 1e-5, kase + " prompt states, padded rows included");
            assertEquals(s.path("prompt_text").path("tokens").asInt(), java.util.Arrays.stream(cond.mask()).sum(), "the denoiser's mask");
            assertClose(Npy.read(REF.resolve(kase).resolve("negative_prompt_embeds.npy")), LOADED.lp().tokenText().encode(s.path("negative_prompt").asText()).states(),
                    1e-5, kase + " negative states");
        }
    }

    @Test
    void textToVideoMatchesLtxPipelineStepByStep() throws Exception {
        JsonNode s = settings("t2v");
        Map<Integer, float[]> steps = new HashMap<>();
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), s.path("prompt").asText(), 42)
                .withSampling(s.path("steps").asInt(), (float) s.path("guidance").asDouble(), "");
        GenerationResult out = pipeline("t2v").observe((w, i, x) -> steps.put(i, x.clone())).run(r, ProgressListener.NONE, new CancelToken());
        assertEquals(4, steps.size());
        for (int i = 0; i < 4; i++) {
            assertClose(Npy.read(REF.resolve("t2v/latents_step" + i + ".npy")), steps.get(i), i < 2 ? 1e-5 : 1e-4, "t2v latents after step " + i);
        }
        assertFramesEqualRounded(Npy.read(REF.resolve("t2v/frames.npy")).data(), out.frames(), 9);
        assertEquals("flow-euler", out.recipe().resolved().scheduler());
    }

    @Test
    void imageToVideoMatchesLtxImageToVideoPipelineAndKeepsTheStill() throws Exception {
        JsonNode s = settings("i2v");
        Frames still = image(REF.resolve("i2v/image.npy"), 96, 64);
        float[] eps = Npy.read(REF.resolve("i2v/image_eps.npy")).data();
        assertClose(Npy.read(REF.resolve("i2v/image_latents.npy")), LOADED.lp().ltxVae().encodeImage(still.frame(0), eps), 1e-5, "the image's posterior sample");
        Map<Integer, float[]> steps = new HashMap<>();
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), s.path("prompt").asText(), 7)
                .withPrompt(s.path("prompt").asText(), s.path("negative_prompt").asText())
                .withSampling(s.path("steps").asInt(), (float) s.path("guidance").asDouble(), "")
                .withMode(Mode.ANIMATE, List.of(new Source(still, "image.npy", "")));
        GenerationResult out = pipeline("i2v").observe((w, i, x) -> steps.put(i, x.clone())).run(r, ProgressListener.NONE, new CancelToken());
        for (int i = 0; i < 4; i++) {
            assertClose(Npy.read(REF.resolve("i2v/latents_step" + i + ".npy")), steps.get(i), i < 2 ? 1e-5 : 1e-4, "i2v latents after step " + i);
        }
        assertArrayEquals(still.frame(0), out.frames().frame(0), "the still is frame 0, byte for byte");
        float[] want = Npy.read(REF.resolve("i2v/frames.npy")).data();
        int frame = 96 * 64 * 3;
        float[] rest = java.util.Arrays.copyOfRange(want, frame, want.length);
        assertFramesEqualRounded(rest, out.frames().slice(1, 9), 8);
    }

    @Test
    void modesTheFamilyHasNoReferenceForAreRefusedWithExit3() {
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), "a fox", 1);
        var e = assertThrows(UnsupportedModeException.class, () -> pipeline("t2v").run(r.withMode(Mode.EXTEND, List.of()), ProgressListener.NONE, new CancelToken()));
        assertTrue(e.getMessage().contains("does not support extend"), e.getMessage());
        var longer = assertThrows(UnsupportedModeException.class, () -> pipeline("t2v").run(r.withFrames(17), ProgressListener.NONE, new CancelToken()));
        assertTrue(longer.getMessage().contains("at most 9 frames"), longer.getMessage());
    }

    @Test
    void theSeedDecidesEveryDrawWithoutTheReference() throws Exception {
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), "a fox in the snow", 5).withSampling(2, 3f, "");
        LtxPipeline seeded = new LtxPipeline(LOADED.lp(), new DeviceReport(Device.CPU, Device.CPU, ""), () -> MemoryLimits.UNLIMITED);
        GenerationResult a = seeded.run(r, ProgressListener.NONE, new CancelToken());
        GenerationResult b = seeded.run(r, ProgressListener.NONE, new CancelToken());
        GenerationResult c = seeded.run(r.withSeed(6), ProgressListener.NONE, new CancelToken());
        assertEquals(9, a.frames().count());
        assertArrayEquals(a.frames().frame(4), b.frames().frame(4));
        assertTrue(!java.util.Arrays.equals(a.frames().frame(4), c.frames().frame(4)), "another seed, another clip");
    }

    /** A uint8 [H,W,3] .npy as one packed RGB frame. */
    static Frames image(Path npy, int w, int h) throws IOException {
        byte[] all = Files.readAllBytes(npy);
        int headerLen = all[6] == 1 ? (all[8] & 0xff) | (all[9] & 0xff) << 8 : ByteBuffer.wrap(all, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int start = (all[6] == 1 ? 10 : 12) + headerLen;
        byte[] f = java.util.Arrays.copyOfRange(all, start, start + w * h * 3);
        List<byte[]> frames = new ArrayList<>();
        frames.add(f);
        return new Frames(w, h, 25, frames);
    }
}
