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
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.UnsupportedModeException;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.tensor.Npy;
import dev.kinora.testing.LoadedPackExtension;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CogVideoX-2B through the causal-VAE adapter (frame-major latents, CogVideoXDDIM with v-prediction, T5 without masks,
 * the VAE's frame batches inside its graph) against diffusers' CogVideoXPipeline on cogvideox-tiny.
 */
class CogVideoXPipelineTest {
    static final Path PACK = Path.of("src/test/resources/packs/cogvideox-tiny");
    static final Path REF = Path.of("src/test/resources/packs/cogvideox-tiny-reference/t2v");
    @RegisterExtension
    static final LoadedPackExtension LOADED = new LoadedPackExtension(PACK);

    private static WanPipeline pipeline() {
        return new WanPipeline(LOADED.lp(), new DeviceReport(Device.CPU, Device.CPU, ""), () -> MemoryLimits.UNLIMITED);
    }

    @Test
    void textToVideoMatchesCogVideoXPipelineStepByStep() throws Exception {
        JsonNode s = new ObjectMapper().readTree(REF.resolve("settings.json").toFile());
        var spec = LOADED.pack().family().orElseThrow();
        assertTrue(spec.frameMajor());
        assertEquals((float) (1 / 1.15258426), spec.std(3));
        JsonNode ids = s.path("prompt_text").path("input_ids");
        long[] want = new long[ids.size()];
        for (int i = 0; i < want.length; i++) {
            want[i] = ids.get(i).asLong();
        }
        assertArrayEquals(want, LOADED.lp().tokenText().tokens(s.path("prompt").asText()).ids());
        assertClose(Npy.read(REF.resolve("prompt_embeds.npy")), LOADED.lp().tokenText().encode(s.path("prompt").asText()).states(), 1e-5,
                "T5 states of all 226 rows, no mask");
        assertClose(Npy.read(REF.resolve("negative_prompt_embeds.npy")), LOADED.lp().tokenText().encode(s.path("negative_prompt").asText()).states(), 1e-5,
                "the empty negative prompt");
        float[] noise = Npy.read(REF.resolve("noise.npy")).data();
        Map<Integer, float[]> steps = new HashMap<>();
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), s.path("prompt").asText(), s.path("seed").asLong())
                .withSampling(s.path("steps").asInt(), (float) s.path("guidance").asDouble(), "");
        GenerationResult out = pipeline().withNoise(w -> noise).observe((w, i, x) -> steps.put(i, x.clone())).run(r, ProgressListener.NONE, new CancelToken());
        assertEquals(5, steps.size());
        for (int i = 0; i < 5; i++) {
            assertClose(Npy.read(REF.resolve("latents_step" + i + ".npy")), steps.get(i), i < 2 ? 1e-5 : 1e-4, "latents after step " + i);
        }
        assertFramesEqualRounded(Npy.read(REF.resolve("frames.npy")).data(), out.frames(), 17);
        assertEquals("ddim", out.recipe().resolved().scheduler());
    }

    @Test
    void whatThePackCannotDoIsRefused() {
        GenerationRequest r = GenerationRequest.textToVideo(LOADED.pack().id(), "a fox", 1);
        var longer = assertThrows(UnsupportedModeException.class, () -> pipeline().run(r.withFrames(30), ProgressListener.NONE, new CancelToken()));
        assertTrue(longer.getMessage().contains("at most 17 frames"), longer.getMessage());
        var extend = assertThrows(UnsupportedModeException.class, () -> pipeline().run(r.withMode(Mode.EXTEND, List.of()), ProgressListener.NONE, new CancelToken()));
        assertTrue(extend.getMessage().contains("does not support extend"), extend.getMessage());
    }
}
