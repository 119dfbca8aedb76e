package dev.kinora.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.RecipeJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `info` works on any media; the recipe is optional, read once-prefixed, and the container's wins. */
class RecipeAndInfoTest {

    @TempDir
    Path dir;

    private static int occurrences(String hay, String needle) {
        int n = 0;
        for (int i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void mediaKinoraDidNotMakeHasFactsButNoRecipe() throws Exception {
        Path plain = MediaWriter.write(Synthetic.movingSquare(64, 48, 12, 24), dir.resolve("holiday.mp4"),
                ExportOptions.defaults());
        assertEquals(Optional.empty(), MediaIO.recipeJson(plain));
        MediaException e = assertThrows(MediaException.class, () -> MediaIO.readRecipeJson(plain));
        assertEquals(MediaException.Kind.BAD_INPUT, e.kind());
        assertEquals(1, occurrences(e.getMessage(), plain.toString()), "the path once: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(plain + ": carries no Kinora recipe"), e.getMessage());

        MediaInfo info = MediaReader.probe(plain);
        assertEquals("mp4", info.container());
        assertEquals("mp4, h264, 64x48, 24 fps, 12 frames, 0.50 s", info.describe());
        Path webm = MediaWriter.write(Synthetic.movingSquare(32, 32, 4, 8), dir.resolve("w.webm"),
                ExportOptions.defaults());
        assertEquals("webm", MediaReader.probe(webm).container());
        Path gif = MediaWriter.write(Synthetic.movingSquare(32, 32, 4, 8), dir.resolve("g.gif"),
                ExportOptions.defaults());
        assertEquals("gif", MediaReader.probe(gif).container());
        Path frames = MediaWriter.write(Synthetic.movingSquare(32, 32, 4, 8), dir.resolve("frames"),
                OutputFormat.PNG_SEQUENCE, ExportOptions.defaults());
        assertEquals("png folder", MediaReader.probe(frames).container());
        Path still = frames.resolve("frame_0000.png");
        assertEquals("png, 32x32, still", MediaReader.probe(still).describe());
        assertEquals(Optional.empty(), MediaIO.recipeJson(still));
    }

    @Test
    void theContainersRecipeWinsOverAStaleSidecar() throws Exception {
        Path out = MediaIO.writeResult(TinyResults.generate(7), dir.resolve("take.mp4"), OutputFormat.MP4, 1,
                UpscaleFilter.NEAREST, 0);
        assertEquals(7, RecipeJson.fromJson(MediaIO.readRecipeJson(out)).seed());
        // A later write that failed after its sidecar landed leaves the sidecar ahead of the media.
        Files.writeString(MediaIO.sidecar(out), RecipeJson.toJson(TinyResults.generate(99).recipe()));
        assertEquals(7, RecipeJson.fromJson(MediaIO.recipeJson(out).orElseThrow()).seed());
        // The sidecar itself, named directly, is still read as what it is.
        assertEquals(99, RecipeJson.fromJson(MediaIO.readRecipeJson(MediaIO.sidecar(out))).seed());
    }

    @Test
    void theSidecarServesWhenTheContainerCarriesNoRecipe() throws Exception {
        Path gif = MediaWriter.write(Synthetic.movingSquare(32, 32, 4, 8), dir.resolve("loop.gif"),
                ExportOptions.defaults().withMetadata(Map.of("comment", "no recipe here")));
        Files.writeString(MediaIO.sidecar(gif), "{\"seed\": 5}");
        assertEquals("{\"seed\": 5}", MediaIO.recipeJson(gif).orElseThrow());
        // And for a file FFmpeg cannot open at all, a sidecar beside it still answers.
        Path broken = Files.writeString(dir.resolve("broken.mp4"), "not a video");
        Files.writeString(MediaIO.sidecar(broken), "{\"seed\": 6}");
        assertEquals("{\"seed\": 6}", MediaIO.recipeJson(broken).orElseThrow());
    }

    @Test
    void mediaIoMessagesNameThePathOnce() throws Exception {
        Path missing = dir.resolve("gone.mp4");
        MediaException e = assertThrows(MediaException.class, () -> MediaIO.readRecipeJson(missing));
        assertEquals(1, occurrences(e.getMessage(), missing.toString()), e.getMessage());
        Path blocker = Files.writeString(dir.resolve("blocker"), "a file where a folder should be");
        Path side = blocker.resolve("x.mp4.json");
        MediaException w = assertThrows(MediaException.class, () -> MediaIO.writeAtomically(side, "{}"));
        assertEquals(MediaException.Kind.IO, w.kind());
        assertEquals(1, occurrences(w.getMessage(), side.toString()), w.getMessage());
    }
}
