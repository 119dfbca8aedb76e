package dev.kinora.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way an output can be wrong is caught before any work, with a message that says what to do. */
class OutputTargetTest {

    @TempDir
    Path dir;

    private OutputTarget ok(Path out, String format) throws MediaException {
        return OutputTarget.check(out, format, 1, "nearest", 0, List.of(), 0);
    }

    private MediaException bad(Path out, String format, int scale, String filter, double fps, List<Path> inputs) {
        MediaException e = assertThrows(MediaException.class,
                () -> OutputTarget.check(out, format, scale, filter, fps, inputs, 0));
        assertEquals(MediaException.Kind.BAD_INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith(out + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    private MediaException badFormat(String name, String format) {
        return bad(dir.resolve(name), format, 1, "nearest", 0, List.of());
    }

    @Test
    void formatComesFromTheNameOrTheExtension() throws Exception {
        assertEquals(OutputFormat.MP4, ok(dir.resolve("a.mp4"), null).format());
        assertEquals(OutputFormat.WEBM, ok(dir.resolve("a.WebM"), "webm").format());
        assertEquals(OutputFormat.GIF, ok(dir.resolve("a.gif"), "GIF").format());
        assertEquals(OutputFormat.PNG_SEQUENCE, ok(dir.resolve("frames"), null).format());
        assertEquals(OutputFormat.PNG_SEQUENCE, ok(dir.resolve("frames"), "png").format());
        assertEquals(OutputFormat.PNG_SEQUENCE, ok(dir.resolve(".hidden"), null).format());
        assertEquals(OutputFormat.MP4, ok(dir.resolve("result"), "mp4").format(), "no extension: the format decides");
    }

    @Test
    void unknownFormatsAreRefusedListingTheValidOnes() {
        for (String f : List.of("avi", "bogus", "")) {
            String m = badFormat("a.mp4", f).getMessage();
            assertTrue(m.contains("mp4, webm, gif, png"), m);
        }
        assertTrue(badFormat("a.avi", null).getMessage().contains(".mp4, .webm or .gif"));
        assertTrue(badFormat("a.png", null).getMessage().contains("folder"));
    }

    @Test
    void formatAndExtensionMustAgree() {
        String m = badFormat("clip.gif", "mp4").getMessage();
        assertTrue(m.contains("is named .gif but the format asked is mp4") && m.contains("clip.mp4")
                && m.contains("or ask for gif"), m);
        assertTrue(badFormat("clip.mov", "mp4").getMessage().contains("name it clip.mp4"));
        assertTrue(badFormat("frames.png", "png").getMessage().contains("without an extension (e.g. frames)"));
        badFormat("clip.mp4", "webm");
    }

    @Test
    void scaleFilterAndFpsAreChecked() throws Exception {
        Path out = dir.resolve("a.mp4");
        for (int scale : new int[] {0, -1, 9}) {
            assertTrue(bad(out, null, scale, "nearest", 0, List.of()).getMessage().contains("1 (none) to 8"));
        }
        assertEquals(8, OutputTarget.check(out, null, 8, "nearest", 0, List.of(), 0).scale());
        MediaException f = bad(out, null, 2, "bicubic", 0, List.of());
        assertTrue(f.getMessage().contains("'bicubic'") && f.getMessage().contains("nearest")
                && f.getMessage().contains("lanczos") && !f.getMessage().contains("No enum constant"), f.getMessage());
        assertEquals(UpscaleFilter.LANCZOS, OutputTarget.check(out, null, 2, "Lanczos", 0, List.of(), 0).filter());
        for (double fps : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1, 0.5, 120.5, 1000}) {
            assertTrue(bad(out, null, 1, "nearest", fps, List.of()).getMessage().contains("1 to 120 fps"), "" + fps);
        }
        for (double fps : new double[] {0, 1, 23.976, 120}) {
            assertEquals(fps, OutputTarget.check(out, null, 1, "nearest", fps, List.of(), 0).fps());
        }
    }

    @Test
    void theOutputMayNotBeAnInputHoweverItIsSpelt() throws Exception {
        Path a = MediaWriter.write(Synthetic.movingSquare(32, 32, 2, 8), dir.resolve("a.mp4"),
                ExportOptions.defaults());
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path viaDots = sub.resolve("../a.mp4");
        Path link = Files.createSymbolicLink(dir.resolve("link.mp4"), a);
        Path dirLink = Files.createSymbolicLink(dir.resolve("dirlink"), sub);
        for (Path out : List.of(a, viaDots, link)) {
            String m = bad(out, null, 1, "nearest", 0, List.of(a)).getMessage();
            assertTrue(m.contains("is also an input") && m.contains("destroy"), m);
        }
        bad(a, null, 1, "nearest", 0, List.of(link));
        // Not there yet: compared by the real folder and the name.
        bad(dirLink.resolve("new.mp4"), null, 1, "nearest", 0, List.of(sub.resolve("new.mp4")));
        ok(dir.resolve("b.mp4"), null);
        assertEquals(OutputFormat.MP4, OutputTarget.check(dir.resolve("b.mp4"), null, 1, "nearest", 0, List.of(a),
                0).format());
    }

    @Test
    void aPngFolderOutputMayNotHoldAnInput() throws Exception {
        Path frames = MediaWriter.write(Synthetic.movingSquare(32, 32, 2, 8), dir.resolve("frames"),
                OutputFormat.PNG_SEQUENCE, ExportOptions.defaults());
        Path still = frames.resolve("frame_0000.png");
        assertTrue(bad(frames, null, 1, "nearest", 0, List.of(still)).getMessage().contains("holds the input"));
        bad(frames, "png", 1, "nearest", 0, List.of(frames));
        bad(dir, "png", 1, "nearest", 0, List.of(still));
        assertEquals(OutputFormat.PNG_SEQUENCE, ok(frames, null).format(), "an earlier sequence may be replaced");
    }

    @Test
    void theFolderMustBeAFolder() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "a file");
        for (Path out : List.of(file.resolve("out.mp4"), file.resolve("deeper/out.mp4"), file.resolve("frames"))) {
            String m = bad(out, null, 1, "nearest", 0, List.of()).getMessage();
            assertTrue(m.contains(file + " is a file, not a folder"), m);
        }
        Path folder = Files.createDirectory(dir.resolve("taken.mp4"));
        assertTrue(bad(folder, null, 1, "nearest", 0, List.of()).getMessage().contains("existing folder"));
        Files.writeString(Files.createDirectory(dir.resolve("mine")).resolve("diary.txt"), "x");
        assertTrue(bad(dir.resolve("mine"), null, 1, "nearest", 0, List.of()).getMessage().contains("other files"));
        Path plain = Files.writeString(dir.resolve("frames-file"), "a file without an extension");
        assertTrue(bad(plain, "png", 1, "nearest", 0, List.of()).getMessage().contains("exists and is a file"));
        // Folders that do not exist yet are made by the writer.
        assertEquals(OutputFormat.GIF, ok(dir.resolve("new/deeper/a.gif"), null).format());
    }

    @Test
    void estimatesAreUpperBoundsOfWhatIsWritten() throws Exception {
        Random noise = new Random(3);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] f = new byte[128 * 96 * 3];
            noise.nextBytes(f);
            frames.add(f);
        }
        Clip worst = new Clip(128, 96, 8, frames);
        Clip typical = Synthetic.movingSquare(64, 48, 8, 8);
        for (Clip c : List.of(worst, typical)) {
            for (OutputFormat f : OutputFormat.values()) {
                if (c == worst && f == OutputFormat.MP4) {
                    continue; // OpenH264 gives up on pure noise at small sizes (EncodeFrame returns 3)
                }
                for (int scale : new int[] {1, 2}) {
                    Path out = dir.resolve(c.width() + "-" + scale + (f == OutputFormat.PNG_SEQUENCE ? "" : "."
                            + f.extension()));
                    MediaWriter.write(c, out, f, ExportOptions.defaults().withScale(scale, UpscaleFilter.NEAREST));
                    long size;
                    try (Stream<Path> s = Files.walk(out)) {
                        size = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
                    }
                    long estimate = OutputTarget.estimateBytes(f, c.width(), c.height(), c.frameCount(), scale);
                    assertTrue(size <= estimate, f + " x" + scale + " of " + c + ": wrote " + size + ", estimated "
                            + estimate);
                }
            }
        }
        assertEquals(OutputTarget.estimateBytes(OutputFormat.PNG_SEQUENCE, 512, 512, 10, 2),
                OutputTarget.estimateBytes(OutputFormat.PNG_SEQUENCE, 1024, 1024, 10, 1));
    }

    @Test
    void tooLittleSpaceIsKindIoSayingHowMuch() {
        Path out = dir.resolve("big.mp4");
        MediaException e = assertThrows(MediaException.class, () -> OutputTarget.check(out, null, 1, "nearest", 0,
                List.of(), 1L << 60));
        assertEquals(MediaException.Kind.IO, e.kind());
        assertTrue(e.getMessage().matches(".*: needs about 1099511627776 MB, [0-9.]+ MB free on the disk of .*"),
                e.getMessage());
    }
}
