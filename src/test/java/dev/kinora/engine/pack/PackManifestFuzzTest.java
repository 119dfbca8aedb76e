package dev.kinora.engine.pack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * pack.json comes with downloaded packs: loading any bytes gives a pack whose geometry is usable or
 * a {@link PackException} that names the manifest, never a runtime exception.
 *
 * <p>{@code mvn test} replays {@code PackManifestFuzzTestInputs/packJson/}; fuzz with
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=PackManifestFuzzTest}.
 */
class PackManifestFuzzTest {
    /** An empty pack folder: a diffusers-layout manifest looks in it for scheduler/scheduler_config.json. */
    private static final Path DIR = folder();

    private static Path folder() {
        try {
            Path d = Files.createTempDirectory("kinora-pack-fuzz");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void packJson(byte[] input) {
        ModelPack p;
        try {
            // What PackLoader.load does once it has read pack.json; no file write per input keeps the fuzzer fast.
            p = PackLoader.parse(DIR, DIR.resolve(PackLoader.MANIFEST), input);
        } catch (PackException e) {
            assertTrue(e.getMessage().contains(PackLoader.MANIFEST), e.getMessage());
            return;
        }
        assertTrue(p.width() > 0 && p.height() > 0 && p.frames() > 0 && p.fps() > 0, "geometry is positive");
        assertFalse(p.modes().isEmpty(), "a pack can do something");
        assertTrue(p.examples().size() <= ModelPack.MAX_EXAMPLES, "at most 16 examples");
        for (String e : p.examples()) {
            // shown in the studio and printed by the CLI as they are
            assertTrue(!e.isBlank() && e.length() <= ModelPack.MAX_EXAMPLE_CHARS && e.equals(e.strip())
                    && e.chars().noneMatch(Character::isISOControl), e);
        }
        for (Component c : p.components().values()) {
            assertTrue(c.sha256().matches("[0-9a-f]{64}") && c.size() >= 0 && !c.file().isEmpty(), c.toString());
        }
    }
}
