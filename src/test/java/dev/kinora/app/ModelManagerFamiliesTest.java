package dev.kinora.app;

import static dev.kinora.app.FxTestSupport.onFx;
import static dev.kinora.app.FxTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.app.engine.LocalEngine;
import dev.kinora.app.engine.PackInfo;
import dev.kinora.app.packs.ModelManagerViewModel;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A format-2 pack downloaded as a zip installs through the model manager, which then shows its family, longest clip and memory. */
class ModelManagerFamiliesTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void fx() throws Exception {
        FxTestSupport.startFx();
    }

    @Test
    void anSvdPackInstallsFromAZipAndShowsWhatItIs() throws Exception {
        Path models = tmp.resolve("models");
        TestPacks.ltxTiny(models);
        Path src = TestPacks.svdTiny(tmp.resolve("download"));
        Path zip = tmp.resolve("svd-tiny.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip)); var walk = Files.walk(src)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new ZipEntry("svd-tiny/" + src.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
        StudioModel studio = FxTestSupport.studio(new LocalEngine(new PackRegistry(List.of(models))), tmp.resolve("ud"));
        ModelManagerViewModel vm = onFx(() -> new ModelManagerViewModel(studio, models));
        onFx(() -> vm.install(zip));
        waitFor("installed", 30_000, () -> vm.packs().stream().anyMatch(p -> p.id().equals("svd-tiny")));
        assertTrue(vm.messageProperty().get().startsWith("installed svd-tiny"), vm.messageProperty().get());
        PackInfo svd = vm.packs().stream().filter(p -> p.id().equals("svd-tiny")).findFirst().orElseThrow();
        assertEquals("svd-xt", svd.family());
        assertEquals(8, svd.maxFrames());
        assertFalse(svd.takesText());
        PackInfo ltx = vm.packs().stream().filter(p -> p.id().equals("ltx-tiny")).findFirst().orElseThrow();
        assertEquals("ltx-video-0.9.1", ltx.family());
        assertEquals(9, ltx.maxFrames());
        assertTrue(ltx.takesText());
        onFx(() -> vm.estimate(svd));
        waitFor("estimated", 20_000, () -> !vm.memory().getOrDefault("svd-tiny", "estimating…").equals("estimating…"));
        String mem = vm.memory().get("svd-tiny");
        assertTrue(mem.startsWith("8 frames: CPU RAM ") && mem.contains("CUDA: VRAM "), mem);
        onFx(() -> vm.verify(svd));
        waitFor("verified", 20_000, () -> vm.verification().getOrDefault("svd-tiny", "").startsWith("verified"));
        onFx(studio::close);
    }
}
