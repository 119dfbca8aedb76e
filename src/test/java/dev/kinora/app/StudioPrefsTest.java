package dev.kinora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The studio's settings are written on a background writer that coalesces bursts and is flushed, bounded, on quit. */
class StudioPrefsTest {
    @TempDir
    Path ud;

    /** Writes the test lets through by hand. */
    static final class HeldWrites implements Executor {
        final LinkedBlockingQueue<Runnable> held = new LinkedBlockingQueue<>();

        @Override
        public void execute(Runnable r) {
            held.add(r);
        }

        void releaseAll() {
            Runnable r;
            while ((r = held.poll()) != null) {
                r.run();
            }
        }
    }

    private Path file() {
        return ud.resolve("studio.properties");
    }

    @Test
    void aBurstOfChangesIsOneWriteOfTheLastValuesAndNoneOnTheCallersThread() throws Exception {
        HeldWrites held = new HeldWrites();
        StudioPrefs prefs = new StudioPrefs(ud, held);
        for (int i = 0; i < 500; i++) {
            prefs.putDouble(StudioApp.WINDOW_W, 1000 + i);
            prefs.setTheme(i % 2 == 0 ? Theme.LIGHT : Theme.DARK);
            prefs.setHistory(List.of("prompt " + i, "prompt " + (i - 1)));
            prefs.setLastProject(ud.resolve("Film-" + i + ".kinora"));
        }
        assertFalse(Files.exists(file()), "nothing was written by the thread that changed the settings");
        assertEquals(1, held.held.size(), "2000 writes asked for, one waiting: it carries them all");

        held.releaseAll();
        assertEquals(1, prefs.writes());
        StudioPrefs read = new StudioPrefs(ud);
        assertEquals(1499.0, read.getDouble(StudioApp.WINDOW_W, 0));
        assertEquals(Theme.DARK, read.theme());
        assertEquals(List.of("prompt 499", "prompt 498"), read.history());
        assertEquals(ud.resolve("Film-499.kinora").toString(), read.lastProject());
        assertFalse(Files.exists(ud.resolve("studio.properties.tmp")), "written through a temp file renamed into place");
    }

    @Test
    void aChangeAfterTheWriteHasReadTheSettingsGetsAWriteOfItsOwn() throws Exception {
        HeldWrites held = new HeldWrites();
        StudioPrefs prefs = new StudioPrefs(ud, held);
        prefs.setTheme(Theme.LIGHT);
        held.releaseAll();
        assertEquals(Theme.LIGHT, new StudioPrefs(ud).theme());

        prefs.setTheme(Theme.DARK);
        assertEquals(1, held.held.size());
        held.releaseAll();
        assertEquals(2, prefs.writes());
        assertEquals(Theme.DARK, new StudioPrefs(ud).theme(), "the last value wins");
    }

    @Test
    void flushWaitsForAWriteInFlightAndGivesUpAfterItsBound() throws Exception {
        // A slow disk: each write starts 300 ms after it is asked for, on a thread of its own.
        StudioPrefs slow = new StudioPrefs(ud, r -> new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            r.run();
        }).start());
        slow.setTheme(Theme.LIGHT);
        assertFalse(Files.exists(file()));
        assertTrue(slow.flush(Duration.ofSeconds(5)));
        assertEquals(Theme.LIGHT, new StudioPrefs(ud).theme(), "on disk once flush returns");

        StudioPrefs stuck = new StudioPrefs(ud.resolve("stuck"), new HeldWrites()); // a write that never runs
        stuck.setTheme(Theme.DARK);
        long start = System.nanoTime();
        assertFalse(stuck.flush(Duration.ofMillis(200)), "a stuck write is reported, not waited for");
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waitedMs >= 150 && waitedMs < 2000, "waited " + waitedMs + " ms");
    }

    @Test
    void aFailedWriteKeepsTheSettingsInMemoryAndTheNextWriteStoresThem() throws Exception {
        StudioPrefs prefs = new StudioPrefs(ud);
        // A folder where the temp file goes: the write fails as a broken disk would.
        Path obstacle = Files.createDirectories(ud.resolve("studio.properties.tmp").resolve("in-the-way"));
        prefs.setTheme(Theme.LIGHT);
        assertTrue(prefs.flush(Duration.ofSeconds(5)));
        assertFalse(Files.exists(file()));
        assertEquals(0, prefs.writes());
        assertEquals(Theme.LIGHT, prefs.theme());

        Files.delete(obstacle);
        Files.delete(obstacle.getParent());
        prefs.putDouble(StudioApp.WINDOW_H, 777);
        prefs.save();
        assertTrue(prefs.flush(Duration.ofSeconds(5)));
        StudioPrefs read = new StudioPrefs(ud);
        assertEquals(Theme.LIGHT, read.theme());
        assertEquals(777.0, read.getDouble(StudioApp.WINDOW_H, 0));
    }
}
