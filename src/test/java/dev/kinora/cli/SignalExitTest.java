package dev.kinora.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.CancelToken;
import dev.kinora.testing.TestPacks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl+C and SIGTERM: the phases of SignalExit, and a real signal to a real `kinora generate`. */
class SignalExitTest {

    @Test
    void aSignalWhileWorkingCancelsAndEndsWithin1sEvenIfNothingAnswers() throws Exception {
        CancelToken token = new CancelToken();
        CompletableFuture<Integer> code = new CompletableFuture<>();
        SignalExit s = new SignalExit(token, code::complete);
        long t0 = System.nanoTime();
        s.onSignal();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(token.isCancelled(), "the token is cancelled at once");
        assertEquals(ExitCodes.CANCELLED, code.get());
        assertTrue(ms >= SignalExit.GRACE_MS - 50 && ms < 1000, "waited " + ms + " ms");
    }

    @Test
    void aSignalDuringTheFinalWriteLetsItFinishAndExitsZero() throws Exception {
        CancelToken token = new CancelToken();
        CompletableFuture<Integer> code = new CompletableFuture<>();
        SignalExit s = new SignalExit(token, code::complete);
        s.writing();
        Thread hook = new Thread(s::onSignal);
        hook.start();
        Thread.sleep(SignalExit.GRACE_MS + 700);   // a write longer than the grace period is not cut off
        assertTrue(hook.isAlive() && !code.isDone(), "the hook waits for the write");
        s.done(ExitCodes.OK);
        assertEquals(ExitCodes.OK, code.get(2, TimeUnit.SECONDS), "the full output was written: exit 0");
    }

    @Test
    void aCancelledJobExitsWithItsOwnCodeOnceThePartialIsWritten() throws Exception {
        CancelToken token = new CancelToken();
        CompletableFuture<Integer> code = new CompletableFuture<>();
        SignalExit s = new SignalExit(token, code::complete);
        Thread hook = new Thread(s::onSignal);
        hook.start();
        Thread.sleep(100);
        s.writing();
        Thread.sleep(SignalExit.GRACE_MS);
        assertTrue(!code.isDone(), "the partial write is not cut off");
        s.done(ExitCodes.CANCELLED);
        assertEquals(ExitCodes.CANCELLED, code.get(2, TimeUnit.SECONDS));
    }

    @Test
    void ctrlCStopsARealGenerationQuicklyAndKeepsThePartialFrames(@TempDir Path dir) throws Exception {
        Path models = dir.resolve("models");
        TestPacks.tiny(models);
        Path out = dir.resolve("long.mp4");
        Path err = dir.resolve("stderr.txt");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dkinora.models=" + models, "-Dkinora.cache=" + dir.resolve("cache"),
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir", dir.resolve("jcpp").toString()),
                "-Dkinora.ort.cachedir=" + System.getProperty("kinora.ort.cachedir", dir.resolve("ort").toString()),
                Main.class.getName(), "generate", "-m", "tiny", "-p", "a long red ball", "-s", "1", "--steps", "1000",
                "--frames", "1024", "-o", out.toString())
                .redirectErrorStream(true).redirectOutput(err.toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 120_000;
            while (!read(err).contains("window 2/") && p.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(p.isAlive(), "still generating when the signal comes: " + read(err));
            long t0 = System.nanoTime();
            // A shell starts background jobs with SIGINT ignored, children inherit that, and the JVM then leaves
            // Ctrl+C alone (as a background process should): there SIGTERM, which runs the same hook, stands in.
            String signal = ignoresSigint() ? "-TERM" : "-INT";
            new ProcessBuilder("kill", signal, Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "exited");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // the bar is 1 s on an idle machine (docs: README "Exit codes"); CI's 2 shared cores get slack
            assertTrue(ms < 3000, "exit took " + ms + " ms (was 10 100 ms before the fix); its output:\n" + read(err));
            assertEquals(ExitCodes.CANCELLED, p.exitValue(), read(err));
            Path partial = dir.resolve("long-partial.mp4");
            assertTrue(Files.size(partial) > 0, "finished windows kept as " + partial + ": " + read(err));
            assertTrue(!Files.exists(out), "no full output was claimed");
        } finally {
            p.destroyForcibly();
        }
    }

    /** Whether this process ignores SIGINT (bit 1 of /proc/self/status SigIgn), so a child it starts does too. */
    private static boolean ignoresSigint() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2L) != 0;
            }
        }
        return false;
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
    }
}
