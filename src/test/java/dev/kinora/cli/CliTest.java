package dev.kinora.cli;

import static dev.kinora.cli.CliRun.kinora;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.Recipe;
import dev.kinora.engine.RecipeJson;
import dev.kinora.engine.pack.Mode;
import dev.kinora.media.Clip;
import dev.kinora.media.MediaIO;
import dev.kinora.media.MediaReader;
import dev.kinora.media.ResizePolicy;
import dev.kinora.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end on the tiny pack: files, recipes, exit codes. */
class CliTest {
    @TempDir
    static Path dir;
    static String savedModels;

    @BeforeAll
    static void setUp() throws Exception {
        savedModels = System.getProperty("kinora.models");
        TestPacks.tiny(dir.resolve("models"));
        System.setProperty("kinora.models", dir.resolve("models").toString());
        System.setProperty("kinora.cache", dir.resolve("cache").toString());
    }

    @AfterAll
    static void restore() {
        if (savedModels != null) {
            System.setProperty("kinora.models", savedModels);
        }
    }

    @Test
    void generateWritesAClipWithItsRecipeAndInfoShowsIt() throws Exception {
        Path out = dir.resolve("ball.mp4");
        CliRun r = kinora("generate", "-m", "tiny", "-p", "a red ball", "-s", "11", "-o", out.toString(), "-q");
        assertEquals(0, r.code(), r.out());
        Clip clip = MediaReader.readClip(out, 32, 32, 8, ResizePolicy.FILL, 100);
        assertEquals(8, clip.frameCount());
        Recipe recipe = RecipeJson.fromJson(Files.readString(MediaIO.sidecar(out)));
        assertEquals("a red ball", recipe.prompt());
        assertEquals(11, recipe.seed());
        assertEquals(Mode.GENERATE, recipe.mode());
        CliRun info = kinora("info", out.toString());
        assertEquals(0, info.code());
        assertTrue(info.out().contains("prompt     a red ball") && info.out().contains("seed       11"), info.out());
    }

    @Test
    void aRecipeRegeneratesTheSameFrames() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertEquals(0, kinora("generate", "-m", "tiny", "-p", "a blue cube", "-s", "5", "--format", "png", "-o", a.toString(), "-q").code());
        assertEquals(0, kinora("generate", "--recipe", a.resolve("recipe.json").toString(), "--format", "png", "-o", b.toString(), "-q").code());
        try (Stream<Path> files = Files.list(a)) {
            long pngs = files.filter(p -> p.toString().endsWith(".png")).count();
            assertEquals(8, pngs);
        }
        for (int i = 0; i < 8; i++) {
            String name = String.format("frame_%04d.png", i);
            assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)), name);
        }
    }

    @Test
    void extendKeepsTheSourceFramesAndJsonReportsTheResult() throws Exception {
        Path src = dir.resolve("src");
        assertEquals(0, kinora("generate", "-m", "tiny", "-p", "a ball", "-s", "3", "--format", "png", "-o", src.toString(), "-q").code());
        Path out = dir.resolve("ext");
        CliRun r = kinora("extend", "-m", "tiny", "-c", src.toString(), "--frames", "6", "--format", "png", "-o", out.toString(), "--json");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("\"frames\":14"), r.out());
        for (int i = 0; i < 8; i++) {
            String name = String.format("frame_%04d.png", i);
            assertArrayEquals(Files.readAllBytes(src.resolve(name)), Files.readAllBytes(out.resolve(name)), "source " + name);
        }
    }

    @Test
    void exitCodesSayWhatWentWrong() throws Exception {
        assertEquals(ExitCodes.PACK, kinora("generate", "-m", "nope", "-p", "x", "-q").code());
        assertEquals(ExitCodes.BAD_INPUT, kinora("generate", "-m", "tiny", "-p", "  ", "-q", "-o", dir.resolve("e.mp4").toString()).code());
        assertEquals(ExitCodes.BAD_INPUT, kinora("animate", "-m", "tiny", "-i", dir.resolve("missing.png").toString(), "-q").code());
        Path junk = Files.writeString(dir.resolve("junk.png"), "not an image");
        assertEquals(ExitCodes.BAD_INPUT, kinora("animate", "-m", "tiny", "-i", junk.toString(), "-q").code());
        assertEquals(ExitCodes.BAD_INPUT, kinora("generate", "--no-such-option").code());
        assertFalse(Files.exists(dir.resolve("e.mp4")), "a refused job leaves no file");
    }

    @Test
    void batchRunsManyJobsAndReportsEachOnItsOwnLine() throws Exception {
        Path jobs = Files.writeString(dir.resolve("jobs.jsonl"), String.join("\n",
                "{\"mode\": \"generate\", \"prompt\": \"a ball\", \"seed\": 1, \"out\": \"" + dir.resolve("j1") + "\", \"format\": \"png\"}",
                "{\"mode\": \"animate\", \"prompt\": \"x\", \"source\": \"" + dir.resolve("nothing.png") + "\"}",
                "{\"mode\": \"loop\", \"prompt\": \"a cube\", \"seed\": 2}"));
        CliRun r = kinora("batch", "--jobs", jobs.toString(), "-m", "tiny");
        String[] lines = r.out().trim().split("\n");
        assertEquals(3, lines.length, r.out());
        assertTrue(lines[0].contains("\"ok\":true") && lines[0].contains("\"frames\":8"), lines[0]);
        assertTrue(lines[1].contains("\"ok\":false") && lines[1].contains("nothing.png"), lines[1]);
        assertTrue(lines[2].contains("\"ok\":true") && lines[2].contains("\"frames\":12"), lines[2]);
        assertEquals(ExitCodes.BAD_INPUT, r.code(), "one job failed, on bad input: the batch exits with its code");
    }
}
