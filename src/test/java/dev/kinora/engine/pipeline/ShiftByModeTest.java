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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pack's own flow time shift per job ({@code defaults.shiftByMode}): text alone may sample at a larger shift than the
 * frame-conditioned jobs, and each job without a shift of its own runs exactly as if it had asked for its job's.
 */
class ShiftByModeTest {
    @TempDir
    static Path models;
    static GenerationEngine engine;

    @BeforeAll
    static void setUp() throws Exception {
        TestPacks.tiny(models, "tiny");
        TestPacks.addDefaults(TestPacks.tiny(models, "tiny-s"), "\"shiftByMode\": {\"generate\": 3.0}");
        engine = new GenerationEngine(new PackRegistry(List.of(models)), RuntimeOptions.defaults().withDevice(Device.CPU));
    }

    @AfterAll
    static void tearDown() {
        engine.close();
    }

    private static GenerationResult run(GenerationRequest r) throws Exception {
        return engine.generate(r, p -> { }, new CancelToken());
    }

    private static GenerationRequest shifted(GenerationRequest r, float shift) {
        return new GenerationRequest(r.settings().withShift(shift), r.sources());
    }

    private static void assertSameClip(GenerationResult a, GenerationResult b) {
        assertEquals(a.frames().count(), b.frames().count());
        for (int i = 0; i < a.frames().count(); i++) {
            assertArrayEquals(a.frames().frame(i), b.frames().frame(i), "frame " + i);
        }
    }

    @Test
    void eachJobFallsBackToTheSchedulersShift() throws Exception {
        ModelPack p = PackLoader.load(models.resolve("tiny-s"));
        assertEquals(1.0f, p.defaults().shift());
        assertEquals(3.0f, p.defaults().shift(Mode.GENERATE));
        assertEquals(1.0f, p.defaults().shift(Mode.ANIMATE), "a job the pack does not name samples at scheduler.shift");
    }

    @Test
    void textToVideoRunsAtItsOwnShiftAndAnimateAtThePacks() throws Exception {
        GenerationRequest text = GenerationRequest.textToVideo("tiny-s", "a red ball rolls right", 11);
        GenerationResult byDefault = run(text);
        assertEquals(3.0f, byDefault.recipe().resolved().shift(), "the recipe records the shift the job ran at");
        // the same clip as the plain pack asked for shift 3: the job's default is that shift, nothing else
        GenerationResult plainAtThree = run(shifted(GenerationRequest.textToVideo("tiny", "a red ball rolls right", 11), 3.0f));
        assertSameClip(plainAtThree, byDefault);
        GenerationResult plain = run(GenerationRequest.textToVideo("tiny", "a red ball rolls right", 11));
        assertTrue(Synthetic.meanAbsDiff(plain.frames().frame(7), byDefault.frames().frame(7)) > 0.05,
                "shift 3 must change the clip against shift 1, or this test proves nothing");

        GenerationResult own = run(shifted(text, 1.0f));
        assertEquals(1.0f, own.recipe().resolved().shift(), "a request's own shift wins");
        assertSameClip(plain, own);

        Frames still = Synthetic.movingSquare(32, 32, 1, 3);
        List<Source> src = List.of(new Source(still, "synthetic", "0".repeat(64)));
        GenerationResult animate = run(GenerationRequest.textToVideo("tiny-s", "it moves", 9).withMode(Mode.ANIMATE, src));
        assertEquals(1.0f, animate.recipe().resolved().shift());
        assertSameClip(run(GenerationRequest.textToVideo("tiny", "it moves", 9).withMode(Mode.ANIMATE, src)), animate);
    }

    @Test
    void aBadEntryIsABrokenPackThatSaysWhere() throws Exception {
        Path zero = TestPacks.tiny(models.resolve("broken"), "tiny-zero");
        TestPacks.addDefaults(zero, "\"shiftByMode\": {\"generate\": 0}");
        PackException z = assertThrows(PackException.class, () -> PackLoader.load(zero));
        assertTrue(z.getMessage().contains("shiftByMode.generate must be a number above 0 and at most 100"), z.getMessage());

        Path word = TestPacks.tiny(models.resolve("broken"), "tiny-word");
        TestPacks.addDefaults(word, "\"shiftByMode\": {\"generat\": 3.0}");
        PackException w = assertThrows(PackException.class, () -> PackLoader.load(word));
        assertTrue(w.getMessage().contains("shiftByMode") && w.getMessage().contains("generat"), w.getMessage());

        // a DDPM pack has no time shift to choose: naming one per job is a contradiction, not a silent no-op
        Path ddpm = TestPacks.tiny(models.resolve("broken"), "tiny-eps");
        Path manifest = ddpm.resolve(PackLoader.MANIFEST);
        String json = Files.readString(manifest);
        assertTrue(json.contains("\"prediction\": \"sample\""), "the tiny pack's prediction line changed; update this test");
        Files.writeString(manifest, json.replace("\"prediction\": \"sample\"", "\"prediction\": \"epsilon\""));
        TestPacks.addDefaults(ddpm, "\"shiftByMode\": {\"generate\": 3.0}");
        PackException e = assertThrows(PackException.class, () -> PackLoader.load(ddpm));
        assertTrue(e.getMessage().contains("shiftByMode applies to flow-matching packs"), e.getMessage());

        // a training schedule no sampler can follow is the manifest's error, not a NaN clip later
        for (String[] bad : new String[][] {{"\"numTrainTimesteps\": 2147483647", "numTrainTimesteps 2147483647 must be 2 to 100000"},
                {"\"betaStart\": 1.5", "betaStart 1.5 and betaEnd 0.012 must be between 0 and 1"}}) {
            Path p = TestPacks.tiny(models.resolve("broken"), "tiny-betas-" + bad[0].length());
            Path m = p.resolve(PackLoader.MANIFEST);
            Files.writeString(m, Files.readString(m).replace("\"scheduler\": {\"default\": \"flow-euler\",",
                    "\"scheduler\": {" + bad[0] + ", \"default\": \"flow-euler\","));
            PackException b = assertThrows(PackException.class, () -> PackLoader.load(p));
            assertTrue(b.getMessage().contains(bad[1]), b.getMessage());
        }
    }
}
