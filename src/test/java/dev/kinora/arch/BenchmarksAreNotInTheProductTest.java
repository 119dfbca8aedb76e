package dev.kinora.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.kinora.cli.ExitCodes;
import dev.kinora.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks are a module of their own (bench/, STYLE.md's "the house"): none of their classes
 * ships in kinora.jar, and the product's command line has no `bench`.
 */
class BenchmarksAreNotInTheProductTest {
    @Test
    void noClassUnderDevKinoraBenchIsOnTheProductsClasspath() {
        List<String> bench = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.kinora").stream().map(JavaClass::getName)
                .filter(n -> n.startsWith("dev.kinora.bench.")).toList();
        assertEquals(List.of(), bench, "benchmark classes belong in bench/src/main/java, not in the product");
        assertNull(Main.class.getClassLoader().getResource("dev/kinora/bench"),
                "nothing on the product's classpath (main or test) lives under dev/kinora/bench");
    }

    @Test
    void kinoraHelpDoesNotListBench() {
        String help = run("--help").out();
        assertTrue(help.contains("generate"), help);
        assertFalse(help.lines().anyMatch(l -> l.strip().startsWith("bench")), help);
        assertEquals(ExitCodes.BAD_INPUT, run("bench", "machine").code(), "`kinora bench` is not a command");
    }

    private record Run(int code, String out) {
    }

    private static Run run(String... args) {
        PrintStream old = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.run(args), buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
    }
}
