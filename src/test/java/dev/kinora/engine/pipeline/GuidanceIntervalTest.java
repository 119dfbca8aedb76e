package dev.kinora.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.testing.Synthetic;
import dev.kinora.testing.TestPacks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pack's guidance interval ({@code defaults.guidanceInterval}): guidance only at the model calls whose noise level
 * (as a flow time) lies inside it, the conditional branch alone elsewhere. The tiny pack samples flow-euler with shift
 * 1 over 4 steps, so its calls are at flow times 1, 0.75, 0.5 and 0.25.
 */
class GuidanceIntervalTest {
    @TempDir
    static Path models;
    static GenerationEngine engine;

    @BeforeAll
    static void setUp() throws Exception {
        pack("tiny-all", null);
        pack("tiny-everywhere", "[0.0, 1.0]");
        pack("tiny-high", "[0.5, 1.0]");
        pack("tiny-high-wider", "[0.3, 1.0]");
        pack("tiny-top", "[0.6, 1.0]");
        pack("tiny-none", "[0.0, 0.1]");
        engine = new GenerationEngine(new PackRegistry(List.of(models)), RuntimeOptions.defaults().withDevice(Device.CPU));
    }

    @AfterAll
    static void tearDown() {
        engine.close();
    }

    private static Path pack(String id, String interval) throws IOException {
        return pack(models, id, interval);
    }

    private static Path pack(Path parent, String id, String interval) throws IOException {
        Path dir = TestPacks.tiny(parent, id);
        if (interval != null) {
            TestPacks.addDefaults(dir, "\"guidanceInterval\": " + interval);
        }
        return dir;
    }

    private static GenerationResult run(String pack, float guidance) throws Exception {
        GenerationRequest r = GenerationRequest.textToVideo(pack, "a red ball rolls right", 21);
        if (!Float.isNaN(guidance)) {
            r = r.withSampling(0, guidance, "");
        }
        return engine.generate(r, p -> { }, new CancelToken());
    }

    private static void assertSameFrames(GenerationResult a, GenerationResult b, String what) {
        assertEquals(a.frames().count(), b.frames().count(), what);
        for (int i = 0; i < a.frames().count(); i++) {
            assertArrayEquals(a.frames().frame(i), b.frames().frame(i), what + ", frame " + i);
        }
    }

    private static double maxFrameDiff(GenerationResult a, GenerationResult b) {
        double d = 0;
        for (int i = 0; i < a.frames().count(); i++) {
            d = Math.max(d, Synthetic.meanAbsDiff(a.frames().frame(i), b.frames().frame(i)));
        }
        return d;
    }

    @Test
    void theWholeRangeIsThePlainGuidedRun() throws Exception {
        assertSameFrames(run("tiny-all", Float.NaN), run("tiny-everywhere", Float.NaN), "[0, 1] guides every call");
        assertTrue(PackLoader.load(models.resolve("tiny-all")).defaults().guidanceInterval().always());
    }

    @Test
    void anIntervalNoCallFallsInIsTheUnguidedRun() throws Exception {
        GenerationResult none = run("tiny-none", Float.NaN);
        assertSameFrames(run("tiny-all", 1.0f), none, "no call lies in [0, 0.1]: every call is the conditional branch alone");
        assertEquals(2.0f, none.recipe().resolved().guidance(), "the recipe keeps the pack's guidance; the interval is the pack's");
    }

    @Test
    void guidanceAppliesExactlyAtTheCallsInside() throws Exception {
        GenerationResult high = run("tiny-high", Float.NaN);
        // [0.3, 1] and [0.5, 1] hold the same calls (1, 0.75, 0.5): the same frames, so the boundary is per call and inclusive
        assertSameFrames(high, run("tiny-high-wider", Float.NaN), "[0.3, 1] and [0.5, 1]");
        GenerationResult top = run("tiny-top", Float.NaN);
        GenerationResult all = run("tiny-all", Float.NaN);
        GenerationResult unguided = run("tiny-all", 1.0f);
        assertTrue(maxFrameDiff(high, top) > 1e-3, "dropping the call at 0.5 must change the clip");
        assertTrue(maxFrameDiff(high, all) > 1e-3, "the unguided call at 0.25 must change the clip");
        assertTrue(maxFrameDiff(high, unguided) > 1e-3, "three guided calls must differ from none");
    }

    @Test
    void flowTimesOfFlowAndNoiseScaleSigmas() {
        assertEquals(0.75f, ModelPack.GuidanceInterval.flowTime(0.75f, true));
        // sigma 1 is signal and noise at equal scale: the flow time of equal parts, 0.5
        assertEquals(0.5f, ModelPack.GuidanceInterval.flowTime(1f, false), 1e-7f);
        assertEquals(14.6f / 15.6f, ModelPack.GuidanceInterval.flowTime(14.6f, false), 1e-6f);
        assertEquals(0f, ModelPack.GuidanceInterval.flowTime(0f, false));
        ModelPack.GuidanceInterval i = new ModelPack.GuidanceInterval(0.5f, 1f);
        assertTrue(i.contains(0.5f) && i.contains(1f) && !i.contains(0.4999f));
    }

    @Test
    void aBadIntervalIsABrokenPackThatSaysWhy() throws Exception {
        Path broken = models.resolve("broken");
        for (String[] bad : new String[][] {
                {"tiny-reversed", "[0.8, 0.2]", "0 <= from < to <= 1"},
                {"tiny-outside", "[0.5, 1.5]", "0 <= from < to <= 1"},
                {"tiny-one", "[0.5]", "two flow times"},
                {"tiny-text", "\"high\"", "two flow times"},
                {"tiny-strings", "[\"0.5\", 1]", "two flow times"}}) {
            Path p = pack(broken, bad[0], bad[1]);
            PackException e = assertThrows(PackException.class, () -> PackLoader.load(p), bad[1]);
            assertTrue(e.getMessage().contains("defaults.guidanceInterval") && e.getMessage().contains(bad[2]), e.getMessage());
        }
    }
}
