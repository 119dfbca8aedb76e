package dev.kinora.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.testing.TestPacks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parity check notices a graph that does not compute the stored outputs (Tiny World's small VAE encoder as the graph). */
class ParityCheckTest {
    private static Path packWithEncoderCase(Path dir, byte[] expected) throws Exception {
        Path tw = TestPacks.tinyWorld();
        Files.createDirectories(dir.resolve("parity"));
        Files.copy(tw.resolve("vae_encoder.onnx"), dir.resolve("vae_encoder.onnx"));
        Files.copy(tw.resolve("parity/enc_sample.bin"), dir.resolve("parity/enc_sample.bin"));
        Files.write(dir.resolve("parity/enc_latent.bin"), expected);
        Files.writeString(dir.resolve("parity/parity.json"), """
                {"tolerance": 0.001, "cases": [{"model": "vae_encoder.onnx",
                  "inputs": [{"name": "sample", "file": "enc_sample.bin", "shape": [2, 3, 64, 64]}],
                  "outputs": [{"name": "latent", "file": "enc_latent.bin", "shape": [2, %d, 16, 16]}]}]}
                """.formatted(TestPacks.tinyWorldLatentChannels()));
        return dir;
    }

    private static byte[] storedLatent() throws Exception {
        return Files.readAllBytes(TestPacks.tinyWorld().resolve("parity/enc_latent.bin"));
    }

    @Test
    void theStoredOutputsPass(@TempDir Path dir) throws Exception {
        List<ParityCheck.Result> r = ParityCheck.run(packWithEncoderCase(dir, storedLatent()), RuntimeOptions.defaults().withThreads(1));
        assertEquals(1, r.size());
        assertTrue(r.get(0).ok(), r.get(0).describe());
        assertEquals(2 * TestPacks.tinyWorldLatentChannels() * 16 * 16, r.get(0).expectedElements());
    }

    @Test
    void oneValueOffByMoreThanTheToleranceFails(@TempDir Path dir) throws Exception {
        byte[] b = storedLatent();
        ByteBuffer f = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        f.putFloat(4 * 100, f.getFloat(4 * 100) + 0.01f);
        ParityCheck.Result r = ParityCheck.run(packWithEncoderCase(dir, b), RuntimeOptions.defaults().withThreads(1)).get(0);
        assertFalse(r.ok());
        assertEquals(0.01, r.maxAbs(), 1e-4);
        assertTrue(r.describe().contains("OVER"), r.describe());
    }

    @Test
    void aDifferentNumberOfValuesFailsWhateverTheDifferences(@TempDir Path dir) throws Exception {
        byte[] b = storedLatent();
        ParityCheck.Result r = ParityCheck.run(packWithEncoderCase(dir, Arrays.copyOf(b, b.length / 2)),
                RuntimeOptions.defaults().withThreads(1)).get(0);
        assertFalse(r.ok());
        int n = 2 * TestPacks.tinyWorldLatentChannels() * 16 * 16;
        assertTrue(r.describe().contains("expected " + n / 2 + " values, the graph gave " + n), r.describe());
    }

    @Test
    void aPackWithoutParityCasesSaysWhereTheyComeFrom(@TempDir Path dir) {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ParityCheck.run(dir, RuntimeOptions.defaults()));
        assertTrue(e.getMessage().contains("parity.json"), e.getMessage());
    }
}
