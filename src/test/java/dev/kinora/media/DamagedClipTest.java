package dev.kinora.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.pack.PackLoader;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A clip damaged in the middle is refused, naming the frames, unless the caller allows damage. */
class DamagedClipTest {

    private static final Clip SQUARE = Synthetic.movingSquare(64, 64, 64, 24);
    private static final Pattern REFUSAL = Pattern.compile(
            ".*: frames? \\d+(–\\d+)?(, \\d+(–\\d+)?)* \\(\\d+\\.\\d\\d–\\d+\\.\\d\\d s\\) (is|are) damaged \\(decoding"
                    + " errors\\); pass --allow-damaged to use it anyway.*");

    @TempDir
    static Path shared;
    private static Path mp4;
    private static Path webm;
    private static Path badMp4;
    private static Path badWebm;

    @BeforeAll
    static void writeCleanAndDamagedClips() throws Exception {
        mp4 = MediaWriter.write(SQUARE, shared.resolve("clean.mp4"), ExportOptions.defaults());
        webm = MediaWriter.write(SQUARE, shared.resolve("clean.webm"), ExportOptions.defaults());
        badMp4 = damage(mp4, shared.resolve("bad.mp4"));
        badWebm = damage(webm, shared.resolve("bad.webm"));
    }

    /** A copy with 600 bytes in the middle (inside the frame data) overwritten with noise. */
    static Path damage(Path clean, Path out) throws Exception {
        byte[] b = Files.readAllBytes(clean);
        Random r = new Random(42);
        for (int i = b.length / 2; i < b.length / 2 + 600; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return Files.write(out, b);
    }

    @Test
    void damagedMp4AndWebmAreRefusedNamingTheFrames() {
        for (Path bad : List.of(badMp4, badWebm)) {
            MediaException e = assertThrows(MediaException.class,
                    () -> MediaReader.readClip(bad, 0, 0, 0, ResizePolicy.FIT, 100));
            assertEquals(MediaException.Kind.BAD_INPUT, e.kind());
            assertTrue(REFUSAL.matcher(e.getMessage()).matches(), e.getMessage());
            assertTrue(e.getMessage().startsWith(bad.toString() + ": "), e.getMessage());
            // The damage is in the middle: the first frames are not blamed.
            assertTrue(!e.getMessage().contains("frames 0") && !e.getMessage().contains("frame 0 "), e.getMessage());
        }
    }

    @Test
    void damagedClipIsReadWithAWarningWhenAllowed() throws Exception {
        for (Path bad : List.of(badMp4, badWebm)) {
            ReadResult r = MediaReader.readClip(bad, 0, 0, 0, ResizePolicy.FIT, 100, ReadOptions.allowingDamage());
            assertTrue(r.clip().frameCount() >= 32, bad + ": " + r.clip());
            assertEquals(1, r.warnings().size(), r.warnings().toString());
            String w = r.warnings().get(0);
            assertTrue(w.startsWith(bad + ": frame") && w.contains("damaged (decoding errors)") && !w.contains("\n"), w);
        }
    }

    @Test
    void cleanClipsCountNoErrors() throws Exception {
        Path gif = MediaWriter.write(SQUARE.subClip(0, 20), shared.resolve("clean.gif"), ExportOptions.defaults());
        Path odd = MediaWriter.write(Synthetic.movingSquare(63, 35, 30, 30), shared.resolve("odd.mp4"),
                ExportOptions.defaults());
        for (Path p : List.of(mp4, webm, gif, odd)) {
            for (double fps : new double[] {0, 8, 60}) {
                ReadResult r = MediaReader.readClip(p, 32, 32, fps, ResizePolicy.FILL, 500, ReadOptions.defaults());
                assertEquals(List.of(), r.warnings(), p + " at " + fps + " fps");
            }
        }
        assertEquals(64, MediaReader.readClip(mp4, 0, 0, 0, ResizePolicy.FIT, 100).frameCount());
    }

    @Test
    void aDamagedSourceIsRefusedOrWarnedAboutByMediaIO() throws Exception {
        ModelPack pack = PackLoader.load(TestPacks.tiny(Files.createTempDirectory(shared, "pack")));
        MediaException e = assertThrows(MediaException.class,
                () -> MediaIO.readSource(badMp4, pack, ResizePolicy.FILL));
        assertTrue(e.getMessage().contains("--allow-damaged"), e.getMessage());
        MediaIO.SourceRead r = MediaIO.readSource(badMp4, pack, ResizePolicy.FILL, ReadOptions.allowingDamage());
        assertEquals(1, r.warnings().size());
        assertEquals(32, r.source().frames().width());
        assertEquals(List.of(), MediaIO.readSource(mp4, pack, ResizePolicy.FILL, ReadOptions.defaults()).warnings());
    }
}
