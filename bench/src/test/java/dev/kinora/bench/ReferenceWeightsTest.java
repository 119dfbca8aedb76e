package dev.kinora.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch reference needs no training checkpoint: it reads the shipped pack's weights from its ONNX
 * graphs into train/nets.py's classes and reproduces the pack's parity tensors. Runs with the reference's
 * python (bench/setup-python.sh); skipped where that python has no torch and onnx.
 */
class ReferenceWeightsTest {
    private static final Path HOME = Path.of(System.getProperty("kinora.home", ".."));

    @Test
    void theReferenceRunsTheShippedPacksOwnWeights(@TempDir Path dir) throws Exception {
        String python = ReferencePython.orDefault(null, HOME);
        Process probe = new ProcessBuilder(python, "-c", "import torch, onnx, numpy").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, python + " has no torch, onnx and numpy");

        Path log = dir.resolve("reference.log");
        Process p = new ProcessBuilder(python, HOME.resolve("models/tinyworld/bench/reference.py").toString(), "check",
                "--pack", HOME.resolve("models/tinyworld").toString(), "--threads", "1")
                .redirectError(log.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "reference.py check did not finish");
        assertEquals(0, p.exitValue(), Files.readString(log));
        JsonNode r = new ObjectMapper().readTree(out);
        assertTrue(r.path("weights").asText().contains("denoiser.onnx"), r.toString());
        assertTrue(r.path("parity_max_abs").size() >= 2, r.toString());
        r.path("parity_max_abs").fields().forEachRemaining(e -> assertTrue(e.getValue().asDouble() <= 1e-4, e.toString()));
    }
}
