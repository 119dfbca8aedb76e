package dev.kinora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.app.export.ReelExporter;
import dev.kinora.engine.Direction;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.Recipe;
import dev.kinora.engine.pack.Mode;
import dev.kinora.media.OutputFormat;
import dev.kinora.project.Project;
import dev.kinora.project.ProjectSettings;
import dev.kinora.project.Shot;
import dev.kinora.project.Take;
import java.util.Map;
import dev.kinora.app.packs.ModelManagerViewModel;
import dev.kinora.app.player.Reel;
import dev.kinora.engine.Frames;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.testing.TestPacks;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportAndPacksTest {
    @TempDir
    Path tmp;

    private static Frames clip(int n, int v) {
        List<byte[]> f = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[4 * 4 * 3];
            java.util.Arrays.fill(b, (byte) (v + i));
            f.add(b);
        }
        return new Frames(4, 4, 8, f);
    }

    @Test
    void theReelHoldsEachShotsLengthAndEmptyShotsAsSlates() {
        ProjectSettings ps = new ProjectSettings("tinyworld", 4, 4, 8);
        Recipe recipe = new Recipe("t", "1", "", new JobSettings("tinyworld", Mode.GENERATE, "p", "", 1, 8, 3, "flow-euler", 1, 8, 1,
                Direction.FORWARD, 0, true, false), 8, List.of());
        Take a = new Take("a", "media/s/a.png", recipe, null, 8, 8, 4, 4, "");
        Shot s1 = Shot.create("first", ps).withDuration(1.25).withTakes(List.of(a), "a");
        Shot s2 = Shot.create("", ps).withDuration(0.375);
        Project p = Project.empty("b").withSettings(ps).withShots(List.of(s1, s2));
        Optional<Frames> reel = Reel.build(p, t -> Optional.of(clip(8, 10)));
        assertEquals(13, reel.orElseThrow().count());
        assertEquals(17, reel.get().frame(9)[0], "a take shorter than its shot holds its last frame");
        assertEquals(24, reel.get().frame(12)[0], "an empty shot is a dark slate");
    }

    @Test
    void reelExportGoesThroughTheMediaLayerScaled() throws Exception {
        Path gif = ReelExporter.export(clip(5, 0), OutputFormat.GIF, 3, tmp.resolve("reel"), Map.of());
        assertTrue(gif.toString().endsWith(".gif"));
        ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            r.setInput(in);
            assertEquals(5, r.getNumImages(true));
            assertEquals(12, r.read(0).getWidth());
        }
        Path seq = ReelExporter.export(clip(5, 0), OutputFormat.PNG_SEQUENCE, 1, tmp.resolve("seq"), Map.of());
        try (var l = Files.list(seq)) {
            assertEquals(5, l.filter(x -> x.toString().endsWith(".png")).count());
        }
    }

    private static void zip(Path zip, String entry, byte[] data) throws IOException {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry(entry));
            z.write(data);
            z.closeEntry();
        }
    }

    @Test
    void zipEntriesThatEscapeThePackFolderAreRefused() throws Exception {
        Path models = tmp.resolve("models");
        Path evil = tmp.resolve("evil.zip");
        zip(evil, "../../outside.txt", new byte[] {1});
        IOException e = assertThrows(IOException.class, () -> ModelManagerViewModel.installBlocking(evil, models));
        assertTrue(e.getMessage().contains(".."), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("outside.txt")));
        Path abs = tmp.resolve("abs.zip");
        zip(abs, "/etc/kinora-evil", new byte[] {1});
        IOException e2 = assertThrows(IOException.class, () -> ModelManagerViewModel.installBlocking(abs, models));
        assertTrue(e2.getMessage().contains("absolute"), e2.getMessage());
        try (var l = Files.list(models)) {
            assertEquals(0, l.count(), "nothing is left behind");
        }
    }

    @Test
    void aVerifiedPackInstallsFromAZipAndATamperedOneDoesNot() throws Exception {
        Path src = TestPacks.tiny(tmp.resolve("src"), "tinyzip");
        Path z = tmp.resolve("pack.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(z)); var walk = Files.walk(src)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new ZipEntry("tinyzip/" + src.relativize(p)));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
        Path models = tmp.resolve("models");
        ModelPack installed = ModelManagerViewModel.installBlocking(z, models);
        assertEquals("tinyzip", installed.id());
        assertTrue(Files.isRegularFile(models.resolve("tinyzip/pack.json")));

        Path bad = TestPacks.tiny(tmp.resolve("bad"), "tinybad");
        try (OutputStream o = Files.newOutputStream(bad.resolve("denoiser.onnx"), java.nio.file.StandardOpenOption.APPEND)) {
            o.write(0);
        }
        Exception e = assertThrows(Exception.class, () -> ModelManagerViewModel.installBlocking(bad, models));
        assertTrue(e.getMessage().contains("denoiser.onnx"), e.getMessage());
        assertFalse(Files.exists(models.resolve("tinybad")));
    }
}
