package dev.kinora.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinora.engine.PackAbilities;
import dev.kinora.engine.pack.FamilySpec;
import dev.kinora.engine.pack.PackLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The families PackLoader reads and the adapters the engine has are the same list, each family driven by one adapter. */
class FamiliesTest {
    private static final Path PACKS = Path.of("src/test/resources/packs");

    @Test
    void everyFamilyThePackLoaderReadsHasExactlyOneAdapter() {
        List<String> driven = Families.ADAPTERS.stream().flatMap(a -> a.families().stream()).toList();
        assertEquals(new TreeSet<>(FamilySpec.FAMILIES), new TreeSet<>(driven));
        assertEquals(driven.size(), new TreeSet<>(driven).size(), "a family driven by two adapters: " + driven);
    }

    @Test
    void abilitiesComeFromTheAdapter() throws Exception {
        // Wan continues window after window (its VAE encodes the frames it follows); LTX-Video 0.9.1 makes one window
        assertEquals(new PackAbilities(Integer.MAX_VALUE, true), PackAbilities.of(PackLoader.load(PACKS.resolve("wan-tiny"))));
        var ltx = PackLoader.load(PACKS.resolve("ltx-tiny"));
        assertEquals(new PackAbilities(ltx.frames(), true), PackAbilities.of(ltx));
        assertEquals(new PackAbilities(Integer.MAX_VALUE, true), PackAbilities.of(PackLoader.load(Path.of("models/tinyworld"))));
    }
}
