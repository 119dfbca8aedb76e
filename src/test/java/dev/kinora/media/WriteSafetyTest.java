package dev.kinora.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.RecipeJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar lands before the media, and killed writes get cleaned up. */
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
}
