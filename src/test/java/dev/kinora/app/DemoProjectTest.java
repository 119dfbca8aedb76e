package dev.kinora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinora.app.engine.PackInfo;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.testing.TestPacks;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which prompts the demo storyboard is made of: the pack's own examples when it lists some. */
class DemoProjectTest {
    @Test
    void tinyWorldsDemoIsItsFirstFourExamplesAndAPackWithoutAnyGetsTheGeneralPrompts() throws Exception {
        PackInfo tinyWorld = PackInfo.of(PackLoader.load(TestPacks.tinyWorld()));
        assertEquals(tinyWorld.examples().subList(0, 4), DemoProject.prompts(tinyWorld));
        assertEquals("a red ball rolls to the right on the grass", DemoProject.prompts(tinyWorld).get(0));
        assertEquals(List.of(DemoProject.PROMPTS), DemoProject.prompts(PackInfo.broken(Path.of("none"), "no manifest")));
    }
}
