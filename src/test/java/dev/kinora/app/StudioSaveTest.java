package dev.kinora.app;

import static dev.kinora.app.FxTestSupport.onFx;
import static dev.kinora.app.FxTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.app.prompt.PromptViewModel;
import dev.kinora.project.ProjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File ▸ Save and Save As write on the session's save thread: the FX thread asks, and hears how it went. */
class StudioSaveTest {
    @TempDir
    Path ud;
    private StudioModel studio;
    private final List<Throwable> shown = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void fx() throws Exception {
        FxTestSupport.startFx();
    }

    @BeforeEach
    void session() throws Exception {
        studio = FxTestSupport.studio(FxTestSupport.tinyEngine(ud), ud);
    }

    @AfterEach
    void close() throws Exception {
        onFx(studio::close);
    }

    /** Saves the test lets through by hand, on the test thread. */
    static final class HeldSaves implements Executor {
        private final LinkedBlockingQueue<Runnable> held = new LinkedBlockingQueue<>();

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

    private void type(String prompt) throws Exception {
        onFx(() -> {
            PromptViewModel p = new PromptViewModel(studio);
            p.promptProperty().set(prompt);
            p.commitPrompt();
        });
    }

    private static String onDisk(Path dir) throws IOException {
        return Files.readString(dir.resolve(ProjectStore.PROJECT_FILE));
    }

    @Test
    void saveReturnsBeforeTheWriteAndTheStatusBarSaysWhenItLanded() throws Exception {
        HeldSaves held = new HeldSaves();
        studio.session().saveOn(held);
        Path dir = studio.session().store().dir();
        type("a lighthouse at dusk");
        onFx(() -> studio.save(shown::add));
        assertEquals("Saving…", onFx(() -> studio.statusProperty().get()));
        assertTrue(onFx(() -> studio.dirtyProperty().get()));
        assertFalse(onDisk(dir).contains("a lighthouse at dusk"), "the FX call returned without writing");

        type("a lighthouse at night"); // typed while the save waits: not part of it
        held.releaseAll();
        waitFor("the status says saved", 5000, () -> studio.statusProperty().get().equals("Saved " + dir));
        assertTrue(onDisk(dir).contains("a lighthouse at dusk"));
        assertTrue(onFx(() -> studio.dirtyProperty().get()), "the later edit is still unsaved");
        onFx(() -> studio.save(shown::add));
        held.releaseAll();
        waitFor("clean once the current document is written", 5000, () -> !studio.dirtyProperty().get());
        assertTrue(onDisk(dir).contains("a lighthouse at night"));
        assertTrue(shown.isEmpty(), shown::toString);
    }

    @Test
    void aFailedSaveReachesTheStatusBarAndTheWindowAndKeepsTheEditsUnsaved() throws Exception {
        Path dir = studio.session().store().dir();
        // A folder where the save's temp file goes: the write fails as a broken disk would.
        Path obstacle = dir.resolve(ProjectStore.PROJECT_FILE + ".tmp");
        Files.createDirectories(obstacle.resolve("in-the-way"));
        type("not written");
        onFx(() -> studio.save(shown::add));
        waitFor("the failure on the status bar", 5000, () -> studio.statusProperty().get().startsWith("Save failed: "));
        assertEquals(1, shown.size(), "the window heard it once, to show it");
        assertTrue(shown.get(0) instanceof IOException, shown.get(0).toString());
        assertTrue(onFx(() -> studio.dirtyProperty().get()));
        assertFalse(onFx(studio::finishSaves), "leaving after a failed save is not safe");
    }

    @Test
    void theFirstSaveOfAnUntitledProjectMovesItInTheBackgroundAndASaveMeanwhileFollowsIt() throws Exception {
        HeldSaves held = new HeldSaves();
        studio.session().saveOn(held);
        Path scratch = studio.session().store().dir();
        type("a red ball");
        Path target = ud.resolve("Videos/Kinora/Ball");
        onFx(() -> studio.saveAs(target, shown::add));
        assertEquals(scratch, studio.session().store().dir(), "nothing moved on the FX thread");
        assertFalse(onFx(studio::isUntitled), "a Save on it now goes where the Save As is taking it, without asking again");
        type("a red ball bounces");
        onFx(() -> studio.save(shown::add));

        held.releaseAll();
        assertTrue(onFx(studio::finishSaves), shown::toString);
        Path saved = ud.resolve("Videos/Kinora/Ball.kinora").toAbsolutePath();
        assertEquals(saved, studio.session().store().dir());
        assertTrue(onDisk(saved).contains("a red ball bounces"), "the save asked for after the Save As landed in the new folder");
        assertFalse(Files.exists(scratch), "the scratch folder went with the first save");
        waitFor("clean and saved", 5000, () -> !studio.dirtyProperty().get() && studio.statusProperty().get().equals("Saved " + saved));
        assertTrue(shown.isEmpty(), shown::toString);
    }

    @Test
    void closingTheStudioWaitsForASaveInFlight() throws Exception {
        Path dir = studio.session().store().dir();
        studio.session().saveOn(r -> new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            r.run();
        }).start());
        type("kept on the way out");
        onFx(() -> {
            studio.save(shown::add);
            studio.close();
        });
        assertTrue(onDisk(dir).contains("kept on the way out"));
        assertFalse(Files.exists(dir.resolve(ProjectStore.AUTOSAVE_DIR).resolve(ProjectStore.JOURNAL_FILE)),
                "closed clean: nothing left to recover");
    }
}
