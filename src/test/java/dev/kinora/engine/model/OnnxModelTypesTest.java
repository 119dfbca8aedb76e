package dev.kinora.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.tensor.FloatTensor;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real exports are not all float32: fp16 latents and weights, int64 timesteps. The graph
 * (tools/testgraphs/make_typed.py) takes sample float16 [N,4] and timestep int64 [N] and returns
 * out = sample * timestep + 0.5 (float16) and next_t = timestep + 1 (int64). Before, a float16
 * input was refused by ORT and non-float32 outputs were silently dropped.
 */
class OnnxModelTypesTest {
    @Test
    void inputsAreFedAndOutputsReadInTheGraphsOwnElementTypes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("typed.onnx");
        try (InputStream in = getClass().getResourceAsStream("/graphs/typed.onnx")) {
            Files.copy(in, file);
        }
        Component c = new Component("denoiser", "typed.onnx", "", Files.size(file), List.of(), List.of());
        try (OnnxModel m = new OnnxModel(dir, c, RuntimeOptions.defaults(), Device.CPU)) {
            FloatTensor sample = FloatTensor.of(new float[] {1.5f, -2f, 0.25f, 1000f, 0.1f, 0.2f, 0.3f, 0.4f}, 2, 4);
            FloatTensor timestep = FloatTensor.of(new float[] {2f, 999.4f}, 2);   // integer timesteps, as diffusers' UniPC gives
            Map<String, FloatTensor> out = m.run(Map.of("sample", sample, "timestep", timestep), Map.of(), null);
            assertArrayEquals(new long[] {2, 4}, out.get("out").shape());
            float[] got = out.get("out").data();
            // row 0: x * 2 + 0.5 is exact in fp16
            assertArrayEquals(new float[] {3.5f, -3.5f, 1.0f, 2000.5f}, java.util.Arrays.copyOf(got, 4), 0.6f);
            // row 1: timestep 999.4 is fed as int64 999; fp16 keeps ~3 significant digits
            float[] want = {0.1f * 999 + 0.5f, 0.2f * 999 + 0.5f, 0.3f * 999 + 0.5f, 0.4f * 999 + 0.5f};
            for (int i = 0; i < 4; i++) {
                assertEquals(want[i], got[4 + i], Math.abs(want[i]) * 2e-3, "fp16 product " + i);
            }
            assertArrayEquals(new float[] {3f, 1000f}, out.get("next_t").data(), "int64 output read, timestep rounded to 999");
        }
    }
}
