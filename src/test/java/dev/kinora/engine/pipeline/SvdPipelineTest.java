package dev.kinora.engine.pipeline;

import static dev.kinora.engine.pipeline.WanPipelineTest.assertFramesEqualRounded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.PackAbilities;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Source;
import dev.kinora.engine.Stage;
import dev.kinora.engine.UnsupportedModeException;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.engine.tensor.Npy;
import dev.kinora.testing.LoadedPackExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The svd-xt adapter as the engine runs it: PackLoader reads svd-tiny, the family's adapter loads its parts, and a
 * request through it makes diffusers' frames from the reference's noise (SvdLoopTest checks every stage on the way);
 * frame 0 is the still itself, as the engine promises for a known frame.
 */
class SvdPipelineTest {
    static final Path PACK = Path.of("src/test/resources/packs/svd-tiny");
    static final Path REF = Path.of("src/test/resources/packs/svd-tiny-reference/i2v");
    @RegisterExtension
    static final LoadedPackExtension LOADED = new LoadedPackExtension(PACK);

    private static SvdFamily.SvdPipeline pipeline() {
        return new SvdFamily.SvdPipeline(LOADED.lp(), new DeviceReport(Device.CPU, Device.CPU, ""), () -> MemoryLimits.UNLIMITED).withNoise((name, n) -> {
            try {
                return Npy.read(REF.resolve(name + ".npy")).data();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static GenerationRequest animate(Frames still) {
        return GenerationRequest.textToVideo(LOADED.pack().id(), "", 42).withSampling(4, 3f, "")
                .withMode(Mode.ANIMATE, List.of(new Source(still, "image.npy", "")));
    }

    @Test
    void animatingTheStillMakesDiffusersFramesThroughTheEngine() throws Exception {
        Frames still = LtxPipelineTest.image(REF.resolve("image.npy"), 64, 64);
        List<Stage> stages = new ArrayList<>();
        int[] last = new int[2];
        GenerationResult out = pipeline().run(animate(still), p -> {
            if (stages.isEmpty() || stages.get(stages.size() - 1) != p.stage()) {
                stages.add(p.stage());
            }
            last[0] = p.step();
            last[1] = p.steps();
        }, new CancelToken());
        assertEquals(8, out.frames().count());
        assertArrayEquals(still.frame(0), out.frames().frame(0), "the still is frame 0, byte for byte");
        float[] want = Npy.read(REF.resolve("frames.npy")).data();
        int frame = 64 * 64 * 3;
        assertFramesEqualRounded(Arrays.copyOfRange(want, frame, want.length), out.frames().slice(1, 8), 7);
        // two encoders, 4 steps of two calls (guidance 1 → 3 over the frames), chunks of 5 and 3
        assertEquals(List.of(Stage.ENCODING_SOURCES, Stage.DENOISING, Stage.DECODING, Stage.DONE), stages);
        assertEquals(2 + 4 * 2 + 2, last[1]);
        assertEquals(last[1], last[0]);
        assertEquals(3f, out.recipe().resolved().guidance());
        assertEquals(4, out.recipe().resolved().steps());
        assertEquals(List.of(), out.warnings());
    }

    @Test
    void aPromptIsIgnoredWithAWarningAndWhatItCannotDoIsRefused() throws Exception {
        Frames still = LtxPipelineTest.image(REF.resolve("image.npy"), 64, 64);
        GenerationRequest withText = animate(still).withPrompt("a fox", "");
        GenerationResult out = pipeline().run(withText.withSampling(1, 1f, ""), ProgressListener.NONE, new CancelToken());
        assertTrue(out.warnings().get(0).contains("takes no prompt"), out.warnings().toString());
        var t2v = assertThrows(UnsupportedModeException.class,
                () -> pipeline().run(GenerationRequest.textToVideo(LOADED.pack().id(), "a fox", 1), ProgressListener.NONE, new CancelToken()));
        assertTrue(t2v.getMessage().contains("only animates a still"), t2v.getMessage());
        var longer = assertThrows(UnsupportedModeException.class,
                () -> pipeline().run(animate(still).withFrames(9), ProgressListener.NONE, new CancelToken()));
        assertTrue(longer.getMessage().contains("at most 8 frames"), longer.getMessage());
        assertEquals(new PackAbilities(8, false), PackAbilities.of(LOADED.pack()));
        assertEquals(0, LOADED.lp().countTokens("a fox"));
    }

    @Test
    void theMemoryPlanCountsTheImageEncoderAndTheChunkedDecoder() throws Exception {
        MemoryPlanner planner = new MemoryPlanner(LOADED.pack(), Device.CPU);
        MemoryEstimate e = planner.estimate(planner.job(Mode.ANIMATE, 8, 1, 3f, List.of(1), false), false);
        assertEquals(List.of("image_encoder", ModelPack.VAE_ENCODER, ModelPack.DENOISER, ModelPack.VAE_DECODER),
                e.components().stream().map(MemoryEstimate.Component::key).toList());
        assertTrue(e.peakRam() > 0);
    }
}
