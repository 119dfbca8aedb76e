package dev.kinora.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.RecipeJson;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar lands before the media, killed writes get cleaned up, and failed writes say why in one line. */
class WriteSafetyTest {

    @TempDir
    Path dir;

    private final Clip clip = Synthetic.movingSquare(32, 32, 4, 8);

    private List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theSidecarIsWrittenBeforeTheMediaTakesItsName() throws Exception {
        Path out = dir.resolve("take.mp4");
        // The sidecar cannot land (a non-empty folder holds its name): the media must not either.
        Files.createDirectories(MediaIO.sidecar(out).resolve("in-the-way"));
        MediaException e = assertThrows(MediaException.class, () -> MediaIO.writeResult(
                TinyResults.generate(3), out, OutputFormat.MP4, 1, UpscaleFilter.NEAREST, 0));
        assertEquals(MediaException.Kind.IO, e.kind());
        assertEquals(List.of("take.mp4.json"), names(dir), "no media without its sidecar, no temporaries");
        // With the way clear both land, and agree.
        Files.delete(MediaIO.sidecar(out).resolve("in-the-way"));
        Files.delete(MediaIO.sidecar(out));
        MediaIO.writeResult(TinyResults.generate(3), out, OutputFormat.MP4, 1, UpscaleFilter.NEAREST, 0);
        assertEquals(List.of("take.mp4", "take.mp4.json"), names(dir));
        assertEquals(3, RecipeJson.fromJson(Files.readString(MediaIO.sidecar(out))).seed());
        assertEquals(3, RecipeJson.fromJson(MediaIO.readRecipeJson(out)).seed());
    }

    @Test
    void leftoversOfKilledWritesOlderThanADayAreDeletedOnTheNextWrite() throws Exception {
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(25)));
        FileTime recent = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        Path staleFile = Files.writeString(dir.resolve(".clip.mp4.1a2b3c4d5e.part"), "half an mp4");
        Path staleSidecar = Files.writeString(dir.resolve(".clip.mp4.json.ff.part"), "{");
        Path staleFrames = Files.createDirectory(dir.resolve(".frames.0badcafe.part"));
        Files.write(staleFrames.resolve("frame_0000.png"), new byte[] {1});
        Path running = Files.writeString(dir.resolve(".other.gif.abc123.part"), "another export, still running");
        Path notOurs = Files.writeString(dir.resolve(".notes.part"), "someone else's");
        Path notOurs2 = Files.writeString(dir.resolve("draft.1234.part"), "no leading dot");
        Path foreignFolder = Files.createDirectory(dir.resolve(".mine.abcdef.part"));
        Files.writeString(foreignFolder.resolve("diary.txt"), "keep me");
        for (Path p : List.of(staleFile, staleSidecar, staleFrames, notOurs, notOurs2, foreignFolder)) {
            Files.setLastModifiedTime(p, old);
        }
        Files.setLastModifiedTime(running, recent);

        MediaWriter.write(clip, dir.resolve("new.gif"), ExportOptions.defaults());

        assertEquals(List.of(".mine.abcdef.part", ".notes.part", ".other.gif.abc123.part", "draft.1234.part",
                "new.gif"), names(dir));
        assertEquals("keep me", Files.readString(foreignFolder.resolve("diary.txt")));
        // PNG frames are written next to leftovers too, and clean them the same way.
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Files.setLastModifiedTime(Files.writeString(sub.resolve(".x.webm.9.part"), "x"), old);
        MediaWriter.write(clip, sub.resolve("frames"), OutputFormat.PNG_SEQUENCE, ExportOptions.defaults());
        assertEquals(List.of("frames"), names(sub));
    }

    @Test
    void theSidecarsTemporaryHasTheWritersLeftoverName() throws Exception {
        MediaIO.writeAtomically(dir.resolve("a.mp4.json"), "{}");
        assertEquals(List.of("a.mp4.json"), names(dir));
        Path tmp = MediaWriter.createSibling(dir.resolve("a.mp4.json"), ".part", false);
        assertTrue(MediaWriter.LEFTOVER.matcher(tmp.getFileName().toString()).matches(), tmp.toString());
    }

    @Test
    void writingIntoAReadOnlyFolderIsOneLineOfKindIo() throws Exception {
        Path ro = Files.createDirectory(dir.resolve("read-only"));
        makeReadOnly(ro);
        try {
            assumeFalse(Files.isWritable(ro), "cannot make a read-only folder here");
            for (OutputFormat f : OutputFormat.values()) {
                Path out = ro.resolve(f == OutputFormat.PNG_SEQUENCE ? "frames" : "out." + f.extension());
                MediaException e = assertThrows(MediaException.class,
                        () -> MediaWriter.write(clip, out, f, ExportOptions.defaults()));
                assertOneClearIoLine(e, out, "permission denied");
                MediaException r = assertThrows(MediaException.class, () -> MediaIO.writeResult(
                        TinyResults.generate(1), out, f, 1, UpscaleFilter.NEAREST, 0));
                assertOneClearIoLine(r, out, "permission denied");
                MediaException t = assertThrows(MediaException.class, () -> OutputTarget.check(out, null, 1,
                        "nearest", 0, List.of(), 0));
                assertOneClearIoLine(t, out, "not writable");
            }
            assertEquals(List.of(), names(ro));
        } finally {
            makeWritable(ro);
        }
    }

    @Test
    void aFullDiskIsOneLineOfKindIo() {
        // What Java and FFmpeg report for ENOSPC, as the writer turns it into words.
        assertEquals("the disk is full", MediaWriter.reason(new FileSystemException("/x/.a.mp4.1.part", null,
                "No space left on device")));
        assertEquals("the disk is full", MediaWriter.reason(new IOException("FFmpeg libopenh264 failed:"
                + " av_interleaved_write_frame() error -28 while writing interleaved video packet.")));
        assertEquals("the file system is read-only", MediaWriter.reason(new FileSystemException("/x", null,
                "Read-only file system")));
        assertEquals("a b", MediaWriter.reason(new IOException("a\n  b\n")));
        Path out = dir.resolve("big.mp4");
        MediaException e = assertThrows(MediaException.class, () -> OutputTarget.check(out, null, 1, "nearest", 0,
                List.of(), Long.MAX_VALUE / 2));
        assertOneClearIoLine(e, out, "MB free");
        assertTrue(e.getMessage().contains("needs about "), e.getMessage());
    }

    /**
     * A real full disk, where one is given: {@code KINORA_FULL_DIR} names a folder on a tiny file
     * system of its own (e.g. {@code unshare -m} plus a 64 KB tmpfs). First the disk fills up in the
     * middle of a write, then it is full from the start.
     */
    @Test
    void writingToARealFullDiskIsOneLineOfKindIo() throws Exception {
        String full = System.getenv("KINORA_FULL_DIR");
        assumeTrue(full != null, "KINORA_FULL_DIR not set");
        Path disk = Path.of(full);
        java.util.Random noise = new java.util.Random(1); // incompressible, so every format needs > 64 KB
        List<byte[]> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 48; i++) {
            byte[] f = new byte[256 * 256 * 3];
            noise.nextBytes(f);
            frames.add(f);
        }
        Clip big = new Clip(256, 256, 24, frames);
        for (OutputFormat f : OutputFormat.values()) {
            Path out = disk.resolve(f == OutputFormat.PNG_SEQUENCE ? "frames" : "out." + f.extension());
            MediaException e = assertThrows(MediaException.class,
                    () -> MediaWriter.write(big, out, f, ExportOptions.defaults()));
            assertOneClearIoLine(e, out, "the disk is full");
        }
        assertEquals(List.of(), names(disk), "nothing left behind");
        Path filler = disk.resolve("filler");
        try (var os = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (true) {
                os.write(block);
            }
        } catch (IOException expected) {
            // full now
        }
        try {
            GenerationResult result = TinyResults.generate(1);
            for (OutputFormat f : OutputFormat.values()) {
                Path out = disk.resolve(f == OutputFormat.PNG_SEQUENCE ? "frames" : "out." + f.extension());
                MediaException r = assertThrows(MediaException.class, () -> MediaIO.writeResult(result, out, f, 1,
                        UpscaleFilter.NEAREST, 0));
                assertOneClearIoLine(r, out, "the disk is full");
            }
            assertEquals(List.of("filler"), names(disk));
        } finally {
            Files.delete(filler);
        }
    }

    static void assertOneClearIoLine(MediaException e, Path out, String why) {
        assertEquals(MediaException.Kind.IO, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith(out + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    /** chmod for users; root ignores permissions, so the immutable flag for root. */
    static void makeReadOnly(Path p) throws Exception {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (Files.isWritable(p)) {
            run("chattr", "+i", p.toString());
        }
    }

    static void makeWritable(Path p) throws Exception {
        if (!Files.isWritable(p)) {
            run("chattr", "-i", p.toString());
        }
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void run(String... cmd) throws InterruptedException {
        try {
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor();
        } catch (IOException e) {
            // not available here: the test is skipped by its assumption
        }
    }
}
