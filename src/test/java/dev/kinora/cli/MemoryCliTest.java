package dev.kinora.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.testing.TestPacks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not enough memory through the command line: exit 2 when a smaller job would fit (it says which), 3 when the pack
 * cannot run at all; `kinora models info` shows the estimate. Limits come from -Dkinora.memory.ram.
 */
class MemoryCliTest {
    @TempDir
    static Path dir;
    static String savedModels;

    @BeforeAll
    static void setUp() throws Exception {
        TestPacks.tiny(dir.resolve("models"));
    }

    @AfterEach
    void clearLimit() {
        System.clearProperty("kinora.memory.ram");
    }

    record Run(int code, String out, String err) {
    }

    static Run kinora(String... args) {
        String models = System.getProperty("kinora.models");
        System.setProperty("kinora.models", dir.resolve("models").toString());
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.run(args), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            if (models != null) {
                System.setProperty("kinora.models", models);
            }
        }
    }

    @Test
    void tooManyFramesForTheMemoryIsBadInputThatSaysWhatFits() throws Exception {
        System.setProperty("kinora.memory.ram", "10M");
        Path out = dir.resolve("huge.mp4");
        Run r = kinora("generate", "-m", "tiny", "-p", "a red ball", "--frames", "1024", "-q", "--device", "cpu", "-o", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("the denoiser") && r.err().contains("fewer frames: at most"), r.err());
        assertFalse(Files.exists(out), "a refused job writes nothing");
        assertEquals(ExitCodes.OK, kinora("generate", "-m", "tiny", "-p", "a red ball", "-q", "--device", "cpu",
                "-o", dir.resolve("ok.mp4").toString()).code(), "the pack's default job fits in the same 10 MiB, one part at a time");
    }

    @Test
    void aPackThatCannotRunInTheMemoryIsAPackError() {
        System.setProperty("kinora.memory.ram", "1M");
        Run r = kinora("generate", "-m", "tiny", "-p", "a red ball", "-q", "--device", "cpu", "-o", dir.resolve("no.mp4").toString());
        assertEquals(ExitCodes.PACK, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("does not fit in the memory available"), r.err());
    }

    @Test
    void modelsInfoShowsTheDefaultJobsEstimate() {
        Run r = kinora("models", "info", "tiny", "--device", "cpu");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.out().contains("memory") && r.out().contains("denoiser") && r.out().contains("peak RAM"), r.out());
    }

    @Test
    void modelsInfoShowsAJobsOwnDefaultGuidance() throws Exception {
        Path pack = TestPacks.tiny(dir.resolve("models"), "tiny-g");
        Files.writeString(pack.resolve("pack.json"), Files.readString(pack.resolve("pack.json"))
                .replace("\"guidance\": 2.0,", "\"guidance\": 2.0, \"guidanceByMode\": {\"extend\": 4.0, \"animate\": 1.5},"));
        Run r = kinora("models", "info", "tiny-g", "--device", "cpu");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.out().contains("guidance 2.0 (animate 1.5, extend 4.0)"), r.out());
        assertTrue(kinora("models", "info", "tiny", "--device", "cpu").out().contains("guidance 2.0, shift"), "no per-job entries: one value");
    }
}
