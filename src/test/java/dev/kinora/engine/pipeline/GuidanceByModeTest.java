package dev.kinora.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.Source;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.testing.Synthetic;
import dev.kinora.testing.TestPacks;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pack's own default guidance per job ({@code defaults.guidanceByMode}): text to video and frame-conditioned jobs
 * want different values, and a request without a guidance of its own runs at its job's.
 */
class GuidanceByModeTest {
    @TempDir
    static Path models;
    static GenerationEngine engine;
    static Path pack;

    @BeforeAll
    static void setUp() throws Exception {
        pack = TestPacks.tiny(models, "tiny-g");
        TestPacks.addDefaults(pack, "\"guidanceByMode\": {\"animate\": 1.0, \"extend\": 3.5}");
        engine = new GenerationEngine(new PackRegistry(List.of(models)), RuntimeOptions.defaults().withDevice(Device.CPU));
    }

    @AfterAll
    static void tearDown() {
        engine.close();
    }

    private static GenerationResult run(GenerationRequest r) throws Exception {
        return engine.generate(r, p -> { }, new CancelToken());
    }

    @Test
    void eachJobFallsBackToThePacksOwnGuidance() throws Exception {
        ModelPack p = PackLoader.load(pack);
        assertEquals(2.0f, p.defaults().guidance(Mode.GENERATE));
        assertEquals(1.0f, p.defaults().guidance(Mode.ANIMATE));
        assertEquals(3.5f, p.defaults().guidance(Mode.EXTEND));
        assertEquals(2.0f, p.defaults().guidance(Mode.LOOP), "a job the pack does not name runs at defaults.guidance");
    }

    @Test
    void aRequestWithoutGuidanceRunsAtItsJobsDefault() throws Exception {
        Frames still = Synthetic.movingSquare(32, 32, 1, 3);
        GenerationRequest animate = GenerationRequest.textToVideo("tiny-g", "it moves", 9)
                .withMode(Mode.ANIMATE, List.of(new Source(still, "synthetic", "0".repeat(64))));
        GenerationResult byDefault = run(animate);
        GenerationResult explicit = run(animate.withSampling(0, 1.0f, ""));
        GenerationResult guided = run(animate.withSampling(0, 2.0f, ""));
        assertEquals(1.0f, byDefault.recipe().resolved().guidance());
        for (int i = 0; i < byDefault.frames().count(); i++) {
            assertArrayEquals(explicit.frames().frame(i), byDefault.frames().frame(i), "frame " + i);
        }
        assertTrue(Synthetic.meanAbsDiff(guided.frames().frame(7), byDefault.frames().frame(7)) > 0.05,
                "guidance 2 must differ from the default 1, or this test proves nothing");

        GenerationResult text = run(GenerationRequest.textToVideo("tiny-g", "a red ball", 9));
        assertEquals(2.0f, text.recipe().resolved().guidance());
        GenerationResult textExplicit = run(GenerationRequest.textToVideo("tiny-g", "a red ball", 9).withSampling(0, 5.0f, ""));
        assertEquals(5.0f, textExplicit.recipe().resolved().guidance(), "a request's own guidance wins");
    }

    @Test
    void aBadEntryIsABrokenPackThatSaysWhere() throws Exception {
        Path bad = TestPacks.tiny(models.resolve("broken"), "tiny-bad-mode");
        TestPacks.addDefaults(bad, "\"guidanceByMode\": {\"animat\": 1.0}");
        PackException mode = assertThrows(PackException.class, () -> PackLoader.load(bad));
        assertTrue(mode.getMessage().contains("guidanceByMode") && mode.getMessage().contains("animat"), mode.getMessage());

        Path worse = TestPacks.tiny(models.resolve("broken"), "tiny-bad-value");
        TestPacks.addDefaults(worse, "\"guidanceByMode\": {\"extend\": \"strong\"}");
        PackException value = assertThrows(PackException.class, () -> PackLoader.load(worse));
        assertTrue(value.getMessage().contains("guidanceByMode.extend") && value.getMessage().contains("strong"), value.getMessage());

        Path huge = TestPacks.tiny(models.resolve("broken"), "tiny-bad-range");
        TestPacks.addDefaults(huge, "\"guidanceByMode\": {\"loop\": 1e9}");
        PackException range = assertThrows(PackException.class, () -> PackLoader.load(huge));
        assertTrue(range.getMessage().contains("guidanceByMode.loop must be a number from 0 to 50"), range.getMessage());
    }
}
