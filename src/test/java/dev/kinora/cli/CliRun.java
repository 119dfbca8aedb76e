package dev.kinora.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** `kinora ARGS` in this JVM with stdout and stderr captured: what the CLI tests assert on. */
record CliRun(int code, String out, String err) {

    /** Refused with this code in one line of its own, no stack trace, before the model ran (no start line). */
    CliRun refusedEarly(int expected) {
        org.junit.jupiter.api.Assertions.assertEquals(expected, code, err);
        org.junit.jupiter.api.Assertions.assertEquals(1, err.strip().lines().filter(l -> l.startsWith("kinora: ")).count(), err);
        org.junit.jupiter.api.Assertions.assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace: " + err);
        org.junit.jupiter.api.Assertions.assertFalse(err.matches("(?s).*kinora: \\w+ on .*, seed \\d+.*"), "refused before the model ran: " + err);
        return this;
    }

    static synchronized CliRun kinora(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
