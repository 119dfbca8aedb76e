package dev.kinora.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.tensor.FloatTensor;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs written into the caller's arrays (the denoising loop's reuse). The graph (tools/testgraphs/make_pinned.py)
 * takes x [N,3] and returns y = 2x + 1 [N,3] and wide = concat(x, y) [N,6], the latter declared [N,W] so that only
 * the run can tell a wrong pinned shape.
 */
class OnnxModelPinnedOutputsTest {
    @TempDir
    Path dir;
    private Component component;

    @BeforeEach
    void copyGraph() throws Exception {
        Path file = dir.resolve("pinned.onnx");
        try (InputStream in = getClass().getResourceAsStream("/graphs/pinned.onnx")) {
            Files.copy(in, file);
        }
        component = new Component("denoiser", "pinned.onnx", "", Files.size(file), List.of(), List.of());
    }

    private static FloatTensor x(float base) {
        return FloatTensor.of(new float[] {base, base + 1, base + 2, -base, 0f, 0.5f}, 2, 3);
    }

    private static float[] y(float base) {
        return new float[] {2 * base + 1, 2 * base + 3, 2 * base + 5, -2 * base + 1, 1f, 2f};
    }

    @Test
    void aPinnedOutputLandsInTheCallersArrayEveryCallAndTheOthersComeBackFresh() throws Exception {
        FloatTensor into = FloatTensor.zeros(2, 3);
        try (OnnxModel m = new OnnxModel(dir, component, RuntimeOptions.defaults(), Device.CPU)) {
            for (float base : new float[] {1f, 7f, -3f}) {
                Map<String, FloatTensor> out = m.run(Map.of("x", x(base)), Map.of(), null, Map.of("y", into));
                assertSame(into.data(), out.get("y").data(), "y written into the caller's array");
                assertArrayEquals(y(base), into.data(), 1e-6f, "y for x starting at " + base);
                float[] wide = out.get("wide").data();
                assertArrayEquals(new long[] {2, 6}, out.get("wide").shape());
                assertArrayEquals(new float[] {base, base + 1, base + 2, 2 * base + 1, 2 * base + 3, 2 * base + 5},
                        java.util.Arrays.copyOf(wide, 6), 1e-6f, "wide's first row, read the usual way beside a pinned y");
            }
        }
    }

    @Test
    void aShapeTheGraphDeclaresOtherwiseIsNotPinnedAndStillRead() throws Exception {
        FloatTensor wrong = FloatTensor.zeros(2, 4);   // y is declared [N, 3]
        try (OnnxModel m = new OnnxModel(dir, component, RuntimeOptions.defaults(), Device.CPU)) {
            Map<String, FloatTensor> out = m.run(Map.of("x", x(2f)), Map.of(), null, Map.of("y", wrong));
            assertNotSame(wrong.data(), out.get("y").data());
            assertArrayEquals(y(2f), out.get("y").data(), 1e-6f);
            assertArrayEquals(new float[8], wrong.data(), "the caller's array is left alone");
        }
    }

    @Test
    void aShapeOnlyTheRunRefutesFallsBackToAFreshArrayAndStaysUnpinned() throws Exception {
        FloatTensor tooNarrow = FloatTensor.zeros(2, 3);   // wide is [2, 6], declared [N, W]
        try (OnnxModel m = new OnnxModel(dir, component, RuntimeOptions.defaults(), Device.CPU)) {
            for (float base : new float[] {1f, 4f}) {
                Map<String, FloatTensor> out = m.run(Map.of("x", x(base)), Map.of(), null, Map.of("wide", tooNarrow));
                assertArrayEquals(new long[] {2, 6}, out.get("wide").shape(), "call with base " + base);
                assertNotSame(tooNarrow.data(), out.get("wide").data());
                float[] wide = out.get("wide").data();
                assertArrayEquals(new float[] {-base, 0f, 0.5f, -2 * base + 1, 1f, 2f}, java.util.Arrays.copyOfRange(wide, 6, 12), 1e-6f);
                assertArrayEquals(y(base), out.get("y").data(), 1e-6f);
            }
            assertArrayEquals(new float[6], tooNarrow.data(), "the caller's array is left alone");
        }
    }
}
