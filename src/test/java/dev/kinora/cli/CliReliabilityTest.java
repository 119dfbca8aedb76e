package dev.kinora.cli;

import static dev.kinora.cli.CliRun.kinora;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.media.ExportOptions;
import dev.kinora.media.MediaIO;
import dev.kinora.media.MediaWriter;
import dev.kinora.testing.Synthetic;
import dev.kinora.testing.TestPacks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12: every bad input is refused before any work, in one line with a documented exit code;
 * nothing a file says reaches the terminal raw. Each case here passed silently (or hung, or printed
 * a stack trace) before.
 */
class CliReliabilityTest {
    @TempDir
    static Path dir;
    static String savedModels;
    static Path clip;

    @BeforeAll
    static void setUp() throws Exception {
        savedModels = System.getProperty("kinora.models");
        TestPacks.tiny(dir.resolve("models"));
        TestPacks.tiny(dir.resolve("models"), "huge");
        System.setProperty("kinora.models", dir.resolve("models").toString());
        clip = dir.resolve("src.mp4");
        assertEquals(0, kinora("generate", "-m", "tiny", "-p", "a red ball", "-s", "4", "-o", clip.toString(), "-q").code());
    }

    @AfterAll
    static void restore() {
        if (savedModels != null) {
            System.setProperty("kinora.models", savedModels);
        }
    }

    static CliRun gen(String... extra) {
        String[] base = {"generate", "-m", "tiny", "-p", "a ball", "-s", "1", "-o", dir.resolve("g.mp4").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return kinora(all);
    }

    @Test
    void absurdThreadCountsAreRefusedInsteadOfHanging() {
        gen("--threads", "100000").refusedEarly(ExitCodes.BAD_INPUT);
        gen("--threads", "-1").refusedEarly(ExitCodes.BAD_INPUT);
    }

    @Test
    void nonFiniteNumbersAreRefused() {
        gen("--shift", "Infinity").refusedEarly(ExitCodes.BAD_INPUT);
        gen("--shift", "NaN").refusedEarly(ExitCodes.BAD_INPUT);
        gen("--guidance", "NaN").refusedEarly(ExitCodes.BAD_INPUT);
        gen("--fps", "NaN").refusedEarly(ExitCodes.BAD_INPUT);
        gen("--fps", "Infinity").refusedEarly(ExitCodes.BAD_INPUT);
    }

    @Test
    void outOfRangeNumbersAreRefusedNotDefaulted() {
        gen("--frames", "-5").refusedEarly(ExitCodes.BAD_INPUT);
        gen("--steps", "-1").refusedEarly(ExitCodes.BAD_INPUT);
        gen("--steps", "1001").refusedEarly(ExitCodes.BAD_INPUT);
        gen("--fps", "-8").refusedEarly(ExitCodes.BAD_INPUT);
        gen("--fps", "1000000").refusedEarly(ExitCodes.BAD_INPUT);
        gen("--fps", "0.0001").refusedEarly(ExitCodes.BAD_INPUT);
        gen("--scale", "9").refusedEarly(ExitCodes.BAD_INPUT);
        gen("--guidance", "51").refusedEarly(ExitCodes.BAD_INPUT);
        kinora("extend", "-m", "tiny", "-c", clip.toString(), "--context", "-2", "-o", dir.resolve("x.mp4").toString())
                .refusedEarly(ExitCodes.BAD_INPUT);
    }

    @Test
    void formatsAndFiltersAreCheckedByName() {
        CliRun r = gen("--format", "bogus").refusedEarly(ExitCodes.BAD_INPUT);
        assertTrue(r.err().contains("mp4"), "lists what works: " + r.err());
        kinora("generate", "-m", "tiny", "-p", "a ball", "-o", dir.resolve("g.avi").toString()).refusedEarly(ExitCodes.BAD_INPUT);
        gen("--format", "gif").refusedEarly(ExitCodes.BAD_INPUT);   // g.mp4 named, GIF asked: they disagree
        CliRun f = gen("--upscale", "bicubic").refusedEarly(ExitCodes.BAD_INPUT);
        assertFalse(f.err().contains("enum constant"), f.err());
        assertTrue(f.err().contains("lanczos"), f.err());
    }

    @Test
    void theOutputCanNeverOverwriteAnInput() throws Exception {
        byte[] before = Files.readAllBytes(clip);
        kinora("extend", "-m", "tiny", "-c", clip.toString(), "-o", clip.toString()).refusedEarly(ExitCodes.BAD_INPUT);
        Path alias = dir.resolve("sub/../src.mp4");
        Files.createDirectories(dir.resolve("sub"));
        kinora("extend", "-m", "tiny", "-c", clip.toString(), "-o", alias.toString()).refusedEarly(ExitCodes.BAD_INPUT);
        assertArrayEquals(before, Files.readAllBytes(clip), "the source is untouched");
    }

    @Test
    void anOutputPathUnderAFileIsBadInput() {
        kinora("generate", "-m", "tiny", "-p", "a ball", "-o", clip.resolve("x.mp4").toString()).refusedEarly(ExitCodes.BAD_INPUT);
    }

    @Test
    void loopWithNothingToLoopIsRefusedLikeGenerate() {
        kinora("loop", "-m", "tiny", "-o", dir.resolve("l.mp4").toString()).refusedEarly(ExitCodes.BAD_INPUT);
    }

    @Test
    void cudaOnTheCpuBuildIsARuntimeProblemNotACrash() {
        CliRun r = gen("--device", "cuda");
        assertEquals(ExitCodes.PACK, r.code(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(r.err().contains("--device cpu"), "says what to do: " + r.err());
    }

    @Test
    void malformedRecipesAreBadInputInOneLine() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad-recipe.json"), "{\"mode\": \"generate\", \"packId\": ");
        gen("--recipe", bad.toString()).refusedEarly(ExitCodes.BAD_INPUT);
        Path notRecipe = Files.writeString(dir.resolve("other.json"), "{\"hello\": 1}");
        gen("--recipe", notRecipe.toString()).refusedEarly(ExitCodes.BAD_INPUT);
    }

    @Test
    void batchFilesAreReadStrictly() throws Exception {
        Path latin1 = dir.resolve("latin1.jsonl");
        Files.write(latin1, "{\"prompt\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        CliRun r = kinora("batch", "--jobs", latin1.toString(), "-m", "tiny");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().contains("UTF-8") && !r.err().contains("\tat "), r.err());

        Path jobs = Files.writeString(dir.resolve("typed.jsonl"), String.join("\n",
                "{\"prompt\": \"a ball\", \"seed\": \"abc\"}",
                "{\"prompt\": \"a ball\", \"steps\": -3}",
                "{\"prompt\": \"a ball\", \"direction\": \"sideways\", \"mode\": \"generate\"}"));
        CliRun b = kinora("batch", "--jobs", jobs.toString(), "-m", "tiny");
        String[] lines = b.out().strip().split("\n");
        assertEquals(3, lines.length, b.out());
        assertTrue(lines[0].contains("\"ok\":false") && lines[0].contains("seed"), lines[0]);
        assertTrue(lines[1].contains("\"ok\":false") && lines[1].contains("steps"), lines[1]);
        assertTrue(lines[2].contains("\"ok\":false") && lines[2].contains("direction"), lines[2]);
        assertEquals(ExitCodes.BAD_INPUT, b.code());
    }

    @Test
    void infoShowsAnyMediaAndEscapesWhatTheFileSays() throws Exception {
        // a clip Kinora did not make: no recipe in it and none beside it
        Path plain = dir.resolve("plain.webm");
        MediaWriter.write(MediaIO.toClip(Synthetic.movingSquare(48, 32, 12, 1)), plain, ExportOptions.defaults());
        CliRun info = kinora("info", plain.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("48x32") && info.out().contains("vp9") && info.out().contains("recipe     none"), info.out());

        String recipe = Files.readString(dir.resolve("src.mp4.json")).replace("a red ball", "evil \\u001b]0;pwned\\u0007 \\u001b[31mred");
        Path evil = Files.writeString(dir.resolve("evil.json"), recipe);
        CliRun e = kinora("info", evil.toString());
        assertEquals(0, e.code(), e.err());
        assertFalse(e.out().contains("\u001b") || e.out().contains("\u0007"), "no raw control characters");
        assertTrue(e.out().contains("\\x1b]0;pwned\\x07"), e.out());
    }

    @Test
    void aManifestWhoseSizeDisagreesWithItsGraphsIsABrokenPack() throws Exception {
        Path models = dir.resolve("models");
        TestPacks.writeManifest(models.resolve("huge"), "huge", "\"width\": 100000, \"height\": 100000");
        CliRun r = kinora("generate", "-m", "huge", "-p", "a ball", "-o", dir.resolve("h.mp4").toString());
        assertEquals(ExitCodes.PACK, r.code(), r.err());
        assertTrue(r.err().contains("width") || r.err().contains("100000"), r.err());
        TestPacks.writeManifest(models.resolve("huge"), "huge", "\"width\": 64");
        CliRun m = kinora("generate", "-m", "huge", "-p", "a ball", "-o", dir.resolve("h.mp4").toString());
        assertEquals(ExitCodes.PACK, m.code(), "64 wide frames do not match an 8x8 latent at stride 4: " + m.err());
    }

    @Test
    void aRefusedFileIsDescribedNotQuoted() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "SECRETKEY=hunter2\n");
        Path link = Files.createSymbolicLink(dir.resolve("still.png"), secret);
        CliRun r = kinora("animate", "-m", "tiny", "-i", link.toString(), "-o", dir.resolve("a.mp4").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertFalse(r.err().contains("SECRET") || r.err().contains("53 45 43"), "no file content in the message: " + r.err());
        assertTrue(r.err().contains("looks like text"), r.err());
    }

    @Test
    void replayingARecipeWhoseSourceChangedSaysSo() throws Exception {
        Path still = dir.resolve("frame.png");
        writePng(still, 0xff2040);
        Path first = dir.resolve("anim.mp4");
        assertEquals(0, kinora("animate", "-m", "tiny", "-i", still.toString(), "-p", "it moves", "-s", "9", "-o", first.toString(), "-q").code());
        CliRun same = kinora("animate", "--recipe", first.toString(), "-o", dir.resolve("again.mp4").toString());
        assertEquals(0, same.code(), same.err());
        assertFalse(same.err().contains("not the file the recipe was made from"), same.err());
        writePng(still, 0x20ff40);
        CliRun changed = kinora("animate", "--recipe", first.toString(), "-o", dir.resolve("again2.mp4").toString());
        assertEquals(0, changed.code(), changed.err());
        assertTrue(changed.err().contains("not the file the recipe was made from"), changed.err());
    }

    private static void writePng(Path p, int rgb) throws java.io.IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 8; y < 24; y++) {
            for (int x = 8; x < 24; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        javax.imageio.ImageIO.write(img, "png", p.toFile());
    }

    @Test
    void usageHintsNameTheCommandOnce() {
        CliRun r = kinora("--no-such-option");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("See 'kinora --help'"), r.err());
        CliRun g = kinora("generate", "--bogus");
        assertTrue(g.err().contains("See 'kinora generate --help'"), g.err());
    }
}
