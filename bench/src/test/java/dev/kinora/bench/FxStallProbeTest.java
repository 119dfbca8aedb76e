package dev.kinora.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.testing.TestPacks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stall probe works headless (Monocle): pulses are recorded and previews reach the FX thread. No timing is asserted. */
class FxStallProbeTest {
    @Test
    void theProbeSeesPulsesAndDrawsEveryPreviewOfARealGeneration(@TempDir Path dir) throws Exception {
        Path pack = TestPacks.tiny(dir);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (EngineHarness h = new EngineHarness(pack.toString(), RuntimeOptions.defaults().withThreads(1))) {
            FxStallProbe.Result r = FxStallProbe.measure(h, new Workload(4, 8), 1, 300,
                    new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertTrue(r.idle().pulses() > 1, "the FX pulse runs while idle: " + r.idle());
            assertTrue(r.generating().pulses() >= 1, "pulses during generation: " + r.generating());
            assertEquals(4, r.previewsShown(), "one preview per model call, all drawn");
            assertTrue(r.events() > 4);
        }
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("FX thread while generating"));
    }

    /** The studio scenarios run end to end on the tiny pack: each job starts, the cancels bring back partial takes. No timing asserted. */
    @Test
    void theStudioScenariosDriveTheWholeWindow(@TempDir Path dir) throws Exception {
        Path models = dir.resolve("models");
        TestPacks.tiny(models, "tiny");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        FxStallStudio.Result r = FxStallStudio.measure(new dev.kinora.engine.pack.PackRegistry(java.util.List.of(models)),
                dir.resolve("work"), 40, 200, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(java.util.List.of("device", "cancel", "cancel-2nd", "source-512"),
                r.scenarios().stream().map(FxStallStudio.Scenario::name).toList());
        for (FxStallStudio.Scenario s : r.scenarios()) {
            assertTrue(s.gaps().pulses() > 1, s.describe());
        }
        assertTrue(r.scenarios().get(1).note().contains("partial take added"), r.scenarios().get(1).describe());
        assertTrue(r.scenarios().get(3).note().contains("extend queued"), r.scenarios().get(3).describe());
    }
}
