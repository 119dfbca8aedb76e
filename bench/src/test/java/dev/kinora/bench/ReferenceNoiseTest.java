package dev.kinora.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch reference draws the engine's noise bit for bit (its port of SplittableRandom + Box–Muller
 * and of the per-window seed), which is what lets the benchmark compare outputs, not just times.
 * Runs with the reference's python (the repository's .venv, else /usr/bin/python3); skipped where it lacks numpy.
 */
class ReferenceNoiseTest {
    private static final Path HOME = Path.of(System.getProperty("kinora.home", ".."));
    private static final Path PYTHON = Path.of(ReferencePython.orDefault(null, HOME));

    @Test
    void theReferenceDrawsTheEnginesNoiseBitForBit() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "no " + PYTHON);
        long seed = 1000;
        int window = 3;
        int n = 11;
        String code = "import sys, types; sys.modules.setdefault('torch', types.ModuleType('torch'))\n"
                + "sys.path.insert(0, " + pyString(HOME.resolve("models/tinyworld/bench").toAbsolutePath().toString()) + ")\n"
                + "import reference as R\n"
                + "print(' '.join(str(v) for v in R.java_gaussian(R.seed_for(" + seed + ", " + window + "), " + n + ").view('int32')))\n";
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", code).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "python with numpy unavailable: " + out);

        // VideoPipeline's per-window seed, then the engine's own generator (package-private, hence reflection)
        long windowSeed = seed * 0x9E3779B97F4A7C15L + window * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L;
        Method gaussian = Class.forName("dev.kinora.engine.pipeline.Latents").getDeclaredMethod("gaussian", long.class, int.class);
        gaussian.setAccessible(true);
        float[] engine = (float[]) gaussian.invoke(null, windowSeed, n);
        StringBuilder want = new StringBuilder();
        for (float v : engine) {
            want.append(want.length() == 0 ? "" : " ").append(Float.floatToIntBits(v));
        }
        assertEquals(want.toString(), out);
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
