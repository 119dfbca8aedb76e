package dev.kinora.app;

import static dev.kinora.app.FxTestSupport.onFx;
import static dev.kinora.app.FxTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.app.engine.PackInfo;
import dev.kinora.app.packs.ModelManagerViewModel;
import dev.kinora.engine.onnx.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrefsAndPacksViewModelTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void fx() throws Exception {
        FxTestSupport.startFx();
    }

    @Test
    void layoutHistoryAndDeviceAreRememberedAcrossStarts() {
        StudioPrefs p = new StudioPrefs(tmp);
        p.putDouble("layout.prompt", 0.27);
        p.putBoolean("layout.queue", false);
        p.setHistory(List.of("newest", "older"));
        p.setDevice(Device.CPU);
        p.setTheme(Theme.LIGHT);
        p.save();
        assertTrue(p.flush()); // written in the background; a quit waits for it like this
        StudioPrefs again = new StudioPrefs(tmp);
        assertEquals(0.27, again.getDouble("layout.prompt", 0.5));
        assertEquals(false, again.getBoolean("layout.queue", true));
        assertEquals(List.of("newest", "older"), again.history());
        assertEquals(Device.CPU, again.device());
        assertEquals(Theme.LIGHT, again.theme());
    }

    @Test
    void theThemeIsDarkUnlessTheArtistPickedAnother() {
        assertEquals(Theme.DARK, new StudioPrefs(tmp).theme(), "a first start");
        StudioPrefs p = new StudioPrefs(tmp);
        p.putBoolean("theme", true); // nonsense in the file: the default, not an error
        assertEquals(Theme.DARK, p.theme());
        assertEquals(Theme.LIGHT, Theme.parse(" Light "));
    }

    @Test
    void theModelManagerVerifiesPacksAndNamesATamperedFile() throws Exception {
        StudioModel studio = FxTestSupport.studio(FxTestSupport.tinyEngine(tmp), tmp.resolve("ud"));
        ModelManagerViewModel vm = onFx(() -> new ModelManagerViewModel(studio, tmp.resolve("user-models")));
        PackInfo tiny = vm.packs().get(0);
        assertEquals("tiny", tiny.id());
        assertTrue(tiny.modes().size() >= 5);
        onFx(() -> vm.verify(tiny));
        waitFor("verified", 20_000, () -> vm.verification().getOrDefault("tiny", "").startsWith("verified"));
        Files.write(tmp.resolve("models/tiny/vae_decoder.onnx"), new byte[] {1, 2, 3},
                java.nio.file.StandardOpenOption.APPEND);
        onFx(() -> vm.verify(tiny));
        waitFor("failed", 20_000, () -> vm.verification().getOrDefault("tiny", "").startsWith("FAILED"));
        assertTrue(vm.verification().get("tiny").contains("vae_decoder.onnx"), vm.verification().get("tiny"));
        onFx(() -> vm.remove(tiny));
        assertTrue(vm.messageProperty().get().contains("ships with Kinora") || Files.isDirectory(tmp.resolve("models/tiny")),
                "a pack outside the user's models folder is not deleted");
        onFx(studio::close);
    }
}
