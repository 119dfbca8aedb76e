package dev.kinora.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.engine.pipeline.VideoPipeline;
import dev.kinora.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source longer than the engine takes is refused from its header, before any frame is decoded. */
class SourceLengthTest {

    @TempDir
    static Path dir;
    /** 1400 frames at 10 fps: 140 s, 1120 frames at the tiny pack's 8 fps, over the engine's 1024. */
    private static Path longClip;

    @BeforeAll
    static void writeALongClip() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 1400; i++) {
            byte[] f = new byte[16 * 16 * 3];
            java.util.Arrays.fill(f, (byte) (i % 200));
            frames.add(f);
        }
        longClip = MediaWriter.write(new Clip(16, 16, 10, frames), dir.resolve("long.mp4"), ExportOptions.defaults());
    }

    @Test
    void probeGivesTheVideoStreamsFrameCountAndLength() throws Exception {
        MediaInfo info = MediaReader.probe(longClip);
        assertEquals(1400, info.frameCount());
        assertEquals(140.0, info.durationSeconds(), 0.01);
        assertEquals(10.0, info.fps(), 1e-9);
    }

    @Test
    void checkLengthRefusesFromTheHeaderWithLengthLimitAndWhatToDo() throws Exception {
        assertEquals(1400, MediaReader.checkLength(longClip, 0, 1400).frameCount());
        assertEquals(1400, MediaReader.checkLength(longClip, 10, 1400).frameCount());
        MediaException e = assertThrows(MediaException.class, () -> MediaReader.checkLength(longClip, 10, 1399));
        assertEquals(MediaException.Kind.BAD_INPUT, e.kind());
        assertEquals(longClip + ": is 140.0 s long (1400 frames at 10 fps), but at most 1399 frames (139.9 s at 10"
                + " fps) of a source are used. Trim it to at most 139.9 s (or to the part you need) and try again.",
                e.getMessage());
        MediaException at8 = assertThrows(MediaException.class, () -> MediaIO.checkSource(longClip, 8));
        assertTrue(at8.getMessage().contains("(1120 frames at 8 fps), but at most " + VideoPipeline.MAX_FRAMES
                + " frames (128.0 s at 8 fps)"), at8.getMessage());
        assertEquals(1400, MediaIO.checkSource(longClip, 4).frameCount(), "560 frames at 4 fps fit");
    }

    @Test
    void readSourceRefusesALongClipBeforeDecodingIt() throws Exception {
        ModelPack pack = PackLoader.load(TestPacks.tiny(Files.createTempDirectory(dir, "pack")));
        assertEquals(8.0, pack.fps());
        // Damage every frame: if the reader decoded, it would complain about damage instead.
        Path hollow = DamagedClipTest.damage(longClip, dir.resolve("hollow.mp4"));
        for (Path p : List.of(longClip, hollow)) {
            MediaException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(
                    MediaException.class, () -> MediaIO.readSource(p, pack, ResizePolicy.FILL)));
            assertEquals(MediaException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage().contains("is 140.0 s long (1120 frames at 8 fps)")
                    && e.getMessage().contains("Trim it to at most 128.0 s"), e.getMessage());
        }
    }

    @Test
    void whenOnlyDecodingShowsTheLengthTheMessageSaysMoreThanTheLimit() {
        // readSource decodes at most one frame over the limit when the header gives no length.
        MediaException e = MediaReader.tooLong(longClip, 0, -1, 8, 1024);
        assertEquals(longClip + ": has more than 1024 frames at 8 fps, but at most 1024 frames (128.0 s at 8 fps)"
                + " of a source are used. Trim it to at most 128.0 s (or to the part you need) and try again.",
                e.getMessage());
    }
}
