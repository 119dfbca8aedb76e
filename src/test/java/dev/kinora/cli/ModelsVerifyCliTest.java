package dev.kinora.cli;

import static dev.kinora.cli.CliRun.kinora;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.pack.HashCache;
import dev.kinora.testing.TestPacks;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `kinora models verify` reads every byte, names a bad file with both hashes, and exits with 3. */
class ModelsVerifyCliTest {
    @TempDir
    Path dir;
    Path pack;
    String savedCache;

    @BeforeEach
    void setUp() throws Exception {
        pack = TestPacks.tiny(dir.resolve("models"));
        savedCache = System.getProperty("kinora.cache");
        System.setProperty("kinora.cache", dir.resolve("cache").toString());
    }

    @AfterEach
    void restore() {
        if (savedCache == null) {
            System.clearProperty("kinora.cache");
        } else {
            System.setProperty("kinora.cache", savedCache);
        }
    }

    @Test
    void aTamperedDenoiserWithItsMtimePutBackFailsVerifyWithExitCode3() throws Exception {
        CliRun first = kinora("models", "verify", pack.toString());
        assertEquals(ExitCodes.OK, first.code(), first.out());
        assertTrue(first.out().contains("tiny: OK"), first.out());

        Path denoiser = pack.resolve("denoiser.onnx");
        String expected = HashCache.compute(denoiser);
        FileTime mtime = Files.getLastModifiedTime(denoiser);
        // One byte in the middle of the weights, same size: the graph still parses, so only the hash can tell.
        byte[] b = Files.readAllBytes(denoiser);
        try (FileChannel ch = FileChannel.open(denoiser, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (b[b.length / 2] ^ 1)}), b.length / 2);
        }
        Files.setLastModifiedTime(denoiser, mtime);
        String actual = HashCache.compute(denoiser);

        for (String[] args : new String[][] {{"models", "verify", pack.toString()},
                {"models", "verify", "--verify", "full", pack.toString()}, {"models", "verify", "--verify=quick", pack.toString()}}) {
            CliRun r = kinora(args);
            assertEquals(ExitCodes.PACK, r.code(), String.join(" ", args) + ": " + r.out());
            assertTrue(r.out().contains("denoiser.onnx") && r.out().contains("expected " + expected)
                    && r.out().contains("found " + actual), r.out());
        }
    }

    @Test
    void anUnknownVerificationDepthIsBadInput() {
        assertEquals(ExitCodes.BAD_INPUT, kinora("models", "verify", "--verify", "sometimes", pack.toString()).code());
    }
}
