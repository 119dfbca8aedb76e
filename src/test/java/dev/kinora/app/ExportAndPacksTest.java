package dev.kinora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.app.export.OtioWriter;
import dev.kinora.app.export.ReelExporter;
import dev.kinora.app.model.GenSettings;
import dev.kinora.app.model.ProjectFolder;
import dev.kinora.app.model.Shot;
import dev.kinora.app.model.Storyboard;
import dev.kinora.app.model.Take;
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

    private static Storyboard board() {
        Take a = new Take("a", "a.png", "p", "generate", 1, 8, 8, 8, 4, 4, true, "cpu", "");
        Shot s1 = new Shot("shot-1", "first", "", 6, 1, false, List.of(a), "a");
        Shot s2 = Shot.empty("shot-2", 3);
        return new Storyboard("Board", GenSettings.defaults(), List.of(), List.of(s1, s2));
    }

    @Test
    void theReelTrimsTakesAndHoldsEmptyShotsAsSlates() {
        Optional<Frames> reel = Reel.build(board(), t -> Optional.of(clip(8, 10)));
        assertEquals(9, reel.orElseThrow().count());
        assertEquals(11, reel.get().frame(0)[0], "starts at the shot's trim point");
        assertEquals(24, reel.get().frame(8)[0], "an empty shot is a dark slate");
    }

    @Test
    void gifAndPngSequenceExportsHaveEveryFrameScaled() throws Exception {
        Path gif = ReelExporter.export(clip(5, 0), ReelExporter.Format.GIF, 3, tmp.resolve("reel"));
        assertTrue(gif.toString().endsWith(".gif"));
        ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            r.setInput(in);
            assertEquals(5, r.getNumImages(true));
            assertEquals(12, r.read(0).getWidth());
        }
        Path seq = ReelExporter.export(clip(5, 0), ReelExporter.Format.PNG_SEQUENCE, 1, tmp.resolve("seq"));
        try (var l = Files.list(seq)) {
            assertEquals(5, l.count());
        }
    }

    @Test
    void otioHasOneItemPerShotWithPromptAndSourceRange() throws Exception {
        ProjectFolder f = ProjectFolder.create(tmp.resolve("O.kinora"), board());
        Path out = tmp.resolve("b.otio");
        OtioWriter.write(board(), f, out);
        JsonNode root = new ObjectMapper().readTree(out.toFile());
        assertEquals("Timeline.1", root.get("OTIO_SCHEMA").asText());
        JsonNode items = root.at("/tracks/children/0/children");
        assertEquals(2, items.size());
        assertEquals("Clip.2", items.get(0).get("OTIO_SCHEMA").asText());
        assertEquals("first", items.get(0).at("/metadata/kinora/prompt").asText());
        assertEquals(1.0, items.get(0).at("/source_range/start_time/value").asDouble());
        assertEquals(6.0, items.get(0).at("/source_range/duration/value").asDouble());
        assertEquals("Gap.1", items.get(1).get("OTIO_SCHEMA").asText());
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
