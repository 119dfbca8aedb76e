package dev.kinora.cli;

import static dev.kinora.cli.CliRun.kinora;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.Recipe;
import dev.kinora.engine.RecipeJson;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.tensor.FloatTensor;
import dev.kinora.engine.tensor.Npy;
import dev.kinora.media.Clip;
import dev.kinora.media.MediaIO;
import dev.kinora.media.MediaReader;
import dev.kinora.media.ResizePolicy;
import dev.kinora.testing.TestPacks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        // copied before kinora.models points here: the tiny pack borrows the shipped pack's tokenizer
        Path lex = TestPacks.tiny(dir.resolve("models"), "tiny-lex");
        TestPacks.writeManifest(lex, "tiny-lex", "\"examples\": [\"a red ball\", \"a blue cube slides\"]");
        TestPacks.addLexicon(lex, """
                {"format": 1, "shapes": ["ball"], "entries": [{"kind": "colour", "from": "scarlet", "to": "red"},
                 {"kind": "shape", "from": "orb", "to": "ball"}]}
                """);
        System.setProperty("kinora.models", dir.resolve("models").toString());
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

    @Test
    void asTypedKeepsThePacksLexiconOutAndTheRecipeBatchAndInfoKeepThat() throws Exception {
        Path read = dir.resolve("lex-read");
        Path typed = dir.resolve("lex-typed");
        Path again = dir.resolve("lex-again");
        CliRun r = kinora("generate", "-m", "tiny-lex", "-p", "a scarlet orb", "-s", "4", "--format", "png", "-o", read.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("kinora: note: read \"a scarlet orb\" as \"a red ball\""), r.err());
        r = kinora("generate", "-m", "tiny-lex", "-p", "a scarlet orb", "-s", "4", "--as-typed", "--format", "png", "-o", typed.toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains("note: read"), "nothing was read: " + r.err());
        assertTrue(RecipeJson.fromJson(MediaIO.recipeJson(typed).orElseThrow()).asTyped());
        assertFalse(RecipeJson.fromJson(MediaIO.recipeJson(read).orElseThrow()).asTyped());
        assertTrue(kinora("info", typed.resolve("recipe.json").toString()).out().contains("reading    as typed"));
        assertEquals(0, kinora("generate", "--recipe", typed.resolve("recipe.json").toString(), "--format", "png", "-o", again.toString(),
                "-q").code());
        Path jobs = Files.writeString(dir.resolve("typed.jsonl"), "{\"prompt\": \"a scarlet orb\", \"seed\": 4, \"asTyped\": true,"
                + " \"out\": \"" + dir.resolve("lex-batch") + "\", \"format\": \"png\"}\n{\"prompt\": \"x\", \"asTyped\": \"yes\"}");
        CliRun batch = kinora("batch", "--jobs", jobs.toString(), "-m", "tiny-lex");
        String[] lines = batch.out().trim().split("\n");
        assertTrue(lines[0].contains("\"ok\":true") && !lines[0].contains("warnings"), lines[0]);
        assertTrue(lines[1].contains("\"ok\":false") && lines[1].contains("\\\"asTyped\\\" must be true or false"), lines[1]);
        boolean differs = false;
        for (int i = 0; i < 8; i++) {
            String name = String.format("frame_%04d.png", i);
            byte[] t = Files.readAllBytes(typed.resolve(name));
            assertArrayEquals(t, Files.readAllBytes(again.resolve(name)), "the recipe makes it again: " + name);
            assertArrayEquals(t, Files.readAllBytes(dir.resolve("lex-batch").resolve(name)), "batch: " + name);
            differs |= !java.util.Arrays.equals(t, Files.readAllBytes(read.resolve(name)));
        }
        assertTrue(differs, "the reading is another prompt, so another clip");
    }

    @Test
    void modelsInfoListsThePacksExamplePrompts() throws Exception {
        CliRun info = kinora("models", "info", "tiny-lex");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("example    a red ball\nexample    a blue cube slides\n"), info.out());
        assertFalse(kinora("models", "info", "tiny").out().contains("example"), "none listed, none shown");
    }

    // ---- `kinora embed --tokens`: the token states Tiny World's token-attending denoiser trains on, written by the engine.
    // Each caption's rows, averaged and normalised, must give back its pooled vector from the same command (to fp16's
    // precision), and its padded rows must be zero.

    /** A little-endian .npy's header length and the data's offset. */
    static int dataStart(byte[] all) {
        return 10 + ((all[8] & 0xff) | (all[9] & 0xff) << 8);
    }

    static float half(short h) {
        int e = (h >> 10) & 0x1f;
        int m = h & 0x3ff;
        double v = e == 0 ? m * Math.pow(2, -24) : (1 + m / 1024.0) * Math.pow(2, e - 15);
        return (float) ((h & 0x8000) != 0 ? -v : v);
    }

    @Test
    void tokenStatesAverageBackToThePooledVectorsAndArePaddedWithZeros() throws Exception {
        List<String> caps = List.of("a ball", "a red ball rolls slowly to the left over the desert", "star");
        Path in = dir.resolve("caps.txt");
        Files.write(in, caps, StandardCharsets.UTF_8);
        Path pooledFile = dir.resolve("emb.npy");
        Path tokFile = dir.resolve("tokens.npy");
        CliRun r = kinora("embed", "-m", "tiny", "--captions", in.toString(), "--out", pooledFile.toString(), "--tokens", tokFile.toString());
        assertEquals(0, r.code(), r.out());

        FloatTensor pooled = Npy.read(pooledFile);
        assertArrayEquals(new long[] {3, 32}, pooled.shape());
        byte[] lensBytes = Files.readAllBytes(dir.resolve("tokens_len.npy"));
        String lensHeader = new String(lensBytes, 10, dataStart(lensBytes) - 10, StandardCharsets.US_ASCII);
        assertTrue(lensHeader.contains("'<i2'") && lensHeader.contains("(3,"), lensHeader);
        ByteBuffer lb = ByteBuffer.wrap(lensBytes, dataStart(lensBytes), 6).order(ByteOrder.LITTLE_ENDIAN);
        int[] lens = {lb.getShort(), lb.getShort(), lb.getShort()};
        // [CLS] a ball [SEP]; the long caption's wordpieces; [CLS] star [SEP]
        assertEquals(4, lens[0]);
        assertEquals(3, lens[2]);
        assertTrue(lens[1] > 10, "long caption: " + lens[1]);

        byte[] all = Files.readAllBytes(tokFile);
        String header = new String(all, 10, dataStart(all) - 10, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'<f2'") && header.contains("(3, " + lens[1] + ", 32)"), header);
        ByteBuffer b = ByteBuffer.wrap(all, dataStart(all), all.length - dataStart(all)).order(ByteOrder.LITTLE_ENDIAN);
        int len = lens[1];
        for (int i = 0; i < 3; i++) {
            double[] mean = new double[32];
            for (int t = 0; t < len; t++) {
                for (int d = 0; d < 32; d++) {
                    float v = half(b.getShort());
                    if (t < lens[i]) {
                        mean[d] += v / lens[i];
                    } else {
                        assertEquals(0f, v, "caption " + i + " padded row " + t);
                    }
                }
            }
            double norm = 0;
            for (double v : mean) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int d = 0; d < 32; d++) {
                assertEquals(pooled.data()[i * 32 + d], mean[d] / norm, 2e-3, "caption " + i + " dimension " + d);
            }
        }
    }
}
