package dev.kinora.bench;

import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.ModelPack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The headless FX-stall measurement on the real pack, in the Monocle setup of the surefire argLine.
 * Not a test (it asserts nothing and takes a minute): bench/fx_stall.sh runs it with
 * -Dkinora.bench.fx=true and prints target/bench/fx-stall.txt.
 */
@EnabledIfSystemProperty(named = "kinora.bench.fx", matches = "true")
class FxStallMeasurement {
    @Test
    @org.junit.jupiter.api.condition.DisabledIfSystemProperty(named = "kinora.bench.fx.studio", matches = "true")
    void measureTheLongestFxStallWhileGenerating() throws Exception {
        String pack = System.getProperty("kinora.bench.pack", "tinyworld");
        int generations = Integer.getInteger("kinora.bench.generations", 3);
        int threads = Integer.getInteger("kinora.bench.threads", 0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        out.println(MachineInfo.current().describe());
        try (EngineHarness h = new EngineHarness(pack, RuntimeOptions.defaults().withThreads(threads))) {
            ModelPack p = h.pack();
            Workload w = new Workload(p.defaults().steps(), p.frames());
            h.run(w, "warm-up", 1, true, false, dev.kinora.engine.ProgressListener.NONE);
            FxStallProbe.measure(h, w, generations, 2000, out);
        }
        out.println("JavaFX " + System.getProperty("javafx.runtime.version") + ", glass " + System.getProperty("glass.platform")
                + "/" + System.getProperty("monocle.platform") + ", prism " + System.getProperty("prism.order")
                + "; Java heap max " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        Path report = Path.of("target", "bench", "fx-stall.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, buf.toString(StandardCharsets.UTF_8));
    }

    /** The studio scenarios of {@link FxStallStudio} (bench/fx_stall.sh --studio); the report is target/bench/fx-stall-studio.txt. */
    @Test
    @EnabledIfSystemProperty(named = "kinora.bench.fx.studio", matches = "true")
    void measureTheStudioScenarios(@org.junit.jupiter.api.io.TempDir Path work) throws Exception {
        int steps = Integer.getInteger("kinora.bench.steps", 40);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        out.println(MachineInfo.current().describe());
        String load = Files.isReadable(Path.of("/proc/loadavg")) ? Files.readString(Path.of("/proc/loadavg")).trim() : "?";
        out.println("load average before: " + load);
        FxStallStudio.measure(dev.kinora.engine.pack.PackRegistry.standard(), work, steps, 2000, out);
        out.println("JavaFX " + System.getProperty("javafx.runtime.version") + ", glass " + System.getProperty("glass.platform")
                + "/" + System.getProperty("monocle.platform") + ", prism " + System.getProperty("prism.order")
                + "; Java heap max " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        Path report = Path.of("target", "bench", "fx-stall-studio.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, buf.toString(StandardCharsets.UTF_8));
    }
}
