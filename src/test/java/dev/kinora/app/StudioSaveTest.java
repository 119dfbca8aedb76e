package dev.kinora.app;

import static dev.kinora.app.FxTestSupport.onFx;
import static dev.kinora.app.FxTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.app.prompt.PromptViewModel;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.ProgressListener;
import dev.kinora.media.FilmStrip;
import dev.kinora.project.Project;
import dev.kinora.project.ProjectSession;
import dev.kinora.project.JobSpec;
import dev.kinora.project.ProjectStore;
import dev.kinora.project.RecentProjects;
import dev.kinora.project.Shot;
import dev.kinora.project.SourceRef;
import dev.kinora.project.SourceRole;
import dev.kinora.project.Take;
import dev.kinora.project.render.Submission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File ▸ Save, Save As and New, and the demo, write on the session's save thread: the FX thread asks,
 * and hears how it went. Quitting waits (bounded) for the settings write.
 */
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

        int waiting() {
            return held.size();
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

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    @Test
    void aNewProjectShowsAtOnceIsWrittenOnTheSaveThreadAndASaveFollowsIt() throws Exception {
        Path slot = studio.session().store().dir();
        type("the last untitled idea");
        onFx(() -> studio.save(shown::add));
        assertTrue(onFx(studio::finishSaves));
        HeldSaves held = new HeldSaves();
        studio.newProjectSavesOn(held);

        CompletableFuture<Path> ready = onFx(() -> studio.newUntitled(shown::add)); // File ▸ New on the untitled project
        assertEquals(slot, studio.session().store().dir(), "the one reused scratch folder");
        assertEquals(1, studio.doc().shots().size(), "the new project shows at once");
        assertEquals("", studio.doc().shots().get(0).prompt());
        assertEquals("Creating " + slot + "…", onFx(() -> studio.statusProperty().get()));
        assertTrue(onDisk(slot).contains("the last untitled idea"), "the FX call returned without emptying or writing the folder");
        assertFalse(studio.session().onDisk());
        assertTrue(onFx(() -> studio.dirtyProperty().get()), "not on disk yet, so not saved");
        assertEquals(1, held.waiting(), "its first save waits on the save thread");
        String shotId = studio.doc().shots().get(0).id();
        Submission early = onFx(() -> studio.submit(shotId,
                new JobSpec(JobSettings.textToVideo("tiny", "too early", 1).withFrames(8), List.of())));
        assertEquals(new Submission.Refused("the project's folder is not written yet (see the status bar)"), early,
                "no job writes into a folder about to be emptied");
        assertTrue(studio.render().jobs().isEmpty());

        held.releaseAll();
        assertEquals(slot, ready.get(5, TimeUnit.SECONDS));
        waitFor("the status says where", 5000, () -> studio.statusProperty().get().equals("New project in " + slot));
        assertFalse(onDisk(slot).contains("the last untitled idea"));
        Project written = ProjectStore.open(slot, Clock.systemUTC(), new RecentProjects(ud.resolve("other-recents.json"), Clock.systemUTC())).project();
        assertEquals(studio.doc(), written, "the folder holds the new project: one empty card in the pack's settings");
        assertEquals("tiny", written.settings().defaultPack());
        assertTrue(ScratchProjects.heldElsewhere(slot), "the new project holds its folder's lock");
        assertFalse(onFx(() -> studio.dirtyProperty().get()));
        assertTrue(studio.recentProjects().isEmpty());

        type("a first idea");
        onFx(() -> studio.save(shown::add));
        assertFalse(onDisk(slot).contains("a first idea"), "Save returned without writing");
        held.releaseAll();
        waitFor("saved", 5000, () -> studio.statusProperty().get().equals("Saved " + slot) && !studio.dirtyProperty().get());
        assertTrue(onDisk(slot).contains("a first idea"));
        assertTrue(shown.isEmpty(), shown::toString);
    }

    @Test
    void aNewProjectWhoseFolderCannotBeMadeSaysSoAndStaysUnsaved() throws Exception {
        Path blocked = Files.writeString(ud.resolve("blocked"), "a file where the folder would go");
        Path dir = blocked.resolve("Film.kinora");
        Project film = Project.empty("Film").withShots(List.of(Shot.create("a boat", Project.empty("x").settings())));
        CompletableFuture<Path> ready = onFx(() -> studio.create(dir, film, ProjectSession.Preparation.NONE, shown::add));
        ExecutionException e = assertThrows(ExecutionException.class, () -> ready.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IOException, e.getCause().toString());
        waitFor("the failure on the status bar", 5000, () -> studio.statusProperty().get().startsWith("Could not create the project: "));
        assertEquals(1, shown.size(), "the window heard it once, to show it");
        assertEquals("a boat", studio.doc().shots().get(0).prompt(), "the document is kept");
        assertTrue(onFx(() -> studio.dirtyProperty().get()));
        assertFalse(onFx(studio::finishSaves), "leaving it is not safe: nothing of it is on disk");
        assertTrue(Files.isRegularFile(blocked), "nothing was put in place of the file");
    }

    @Test
    void theDemoIsMadeAndWrittenOffTheFxThreadInPlaceOfTheOldOne() throws Exception {
        Path dir = ud.resolve("demo").resolve("Demo.kinora");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("left-by-an-old-demo.txt"), "old");
        HeldSaves held = new HeldSaves();
        studio.newProjectSavesOn(held);

        CompletableFuture<Void> ready = onFx(() -> DemoProject.create(studio, dir));
        assertEquals(FxTestSupport.TINY_EXAMPLES, studio.doc().shots().stream().map(Shot::prompt).toList(),
                "the storyboard shows at once, made of the pack's example prompts");
        assertTrue(studio.doc().shots().get(1).continueFromPrevious(), "the second continues the first");
        assertEquals("", studio.doc().shots().get(0).negativePrompt(), "a pack's examples stand as they are");
        assertTrue(studio.doc().shots().stream().allMatch(s -> s.takes().isEmpty()), "no take was generated on the FX thread");
        assertTrue(Files.exists(dir.resolve("left-by-an-old-demo.txt")), "nothing was deleted or written on the FX thread");
        assertFalse(Files.exists(dir.resolve(ProjectStore.PROJECT_FILE)));

        long end = System.currentTimeMillis() + 60_000;
        while (!ready.isDone() && System.currentTimeMillis() < end) { // each step is asked for when the one before ends
            held.releaseAll();
            Thread.sleep(20);
        }
        ready.get(1, TimeUnit.SECONDS);
        assertFalse(Files.exists(dir.resolve("left-by-an-old-demo.txt")));
        Project onDisk = ProjectStore.open(dir, Clock.systemUTC(), new RecentProjects(ud.resolve("other-recents.json"), Clock.systemUTC())).project();
        assertEquals(studio.session().project(), onDisk);
        assertEquals(2, onDisk.shots().get(0).takes().size(), "two takes on the first shot, for the A/B wipe");
        assertEquals(java.util.Optional.empty(), dev.kinora.project.Continuity.stale(onDisk, onDisk.shots().get(1).id()),
                "the second shot continues the first one's active take, so its card offers no regenerate");
        for (Shot s : onDisk.shots()) {
            assertFalse(s.takes().isEmpty(), s.prompt());
            for (Take t : s.takes()) {
                Frames f = FilmStrip.read(dir.resolve(t.media()), t.height(), t.fps());
                assertEquals(t.frames(), f.count(), t.media());
            }
        }
        waitFor("clean, without undo history", 5000, () -> !studio.dirtyProperty().get() && !studio.canUndoProperty().get());
        assertTrue(shown.isEmpty(), shown::toString);
    }

    @Test
    void saveAsOfAReadOnlyProjectCopiesItsTakesAndSourcesOnTheSaveThread() throws Exception {
        Path film = ud.resolve("Film.kinora");
        RecentProjects recents = new RecentProjects(ud.resolve("other-recents.json"), Clock.systemUTC());
        var pack = studio.pack("tiny").orElseThrow();
        GenerationResult made = studio.engine().generate(GenerationRequest.textToVideo("tiny", "a lighthouse", 7)
                .withFrames(pack.frames()), ProgressListener.NONE, new CancelToken());
        // Another window has the project open: here it opens read-only.
        try (ProjectSession other = ProjectSession.create(film, "Film", Clock.systemUTC(), recents)) {
            Path source = film.resolve("sources").resolve("start.png");
            FilmStrip.write(made.frames().slice(0, 1), source);
            Shot shot = Shot.create("a lighthouse", other.project().settings())
                    .withSources(List.of(new SourceRef("sources/start.png", SourceRole.START)));
            other.stack().reset(other.project().withShots(List.of(shot)), false);
            ProjectStore.MediaSlot slot = other.store().newTakeSlot(shot.id(), "png");
            FilmStrip.write(made.frames(), slot.file());
            Frames f = made.frames();
            other.addTake(shot.id(), slot, made.recipe(), f.count(), f.fps(), f.width(), f.height(), true);
            other.save();

            onFx(() -> {
                studio.open(film);
                return null;
            });
            assertTrue(studio.readOnlyProperty().get(), studio.bannerProperty().get());
            HeldSaves held = new HeldSaves();
            studio.session().saveOn(held);
            Path copy = ud.resolve("Copies").resolve("Film copy.kinora").toAbsolutePath();
            onFx(() -> studio.saveAs(ud.resolve("Copies").resolve("Film copy"), shown::add));
            assertFalse(Files.exists(copy), "nothing was copied on the FX thread");
            assertEquals(1, held.waiting());

            held.releaseAll();
            waitFor("saved as the copy", 10_000, () -> studio.statusProperty().get().equals("Saved as " + copy));
            assertEquals(copy, studio.session().store().dir());
            assertFalse(studio.readOnlyProperty().get(), "the copy is writable");
            Take t = studio.doc().shots().get(0).takes().get(0);
            Path takeCopy = copy.resolve(t.media());
            assertTrue(Files.isRegularFile(takeCopy), "the take's file came along");
            assertEquals(sha256(film.resolve(t.media())), sha256(takeCopy));
            Frames decoded = FilmStrip.read(takeCopy, t.height(), t.fps());
            assertEquals(f.count(), decoded.count());
            for (int i = 0; i < f.count(); i++) {
                assertArrayEquals(f.frame(i), decoded.frame(i), "frame " + i);
            }
            assertEquals(sha256(source), sha256(copy.resolve("sources").resolve("start.png")), "the source inside the folder came along");
            assertTrue(studio.session().missingMedia().isEmpty(), studio.session().missingMedia()::toString);
            assertEquals(other.project(), ProjectStore.open(copy, Clock.systemUTC(), recents).project());
            assertTrue(shown.isEmpty(), shown::toString);
        }
    }

    @Test
    void quittingWaitsForTheSettingsWrite() throws Exception {
        Path ud2 = ud.resolve("second");
        // A slow disk: no settings write lands before the studio starts closing, and then only 3 s
        // later, longer than closing itself takes (the one write carries every change, so within the 5 s bound).
        CountDownLatch closing = new CountDownLatch(1);
        StudioPrefs prefs = new StudioPrefs(ud2, r -> new Thread(() -> {
            try {
                closing.await();
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            r.run();
        }).start());
        var engine = FxTestSupport.tinyEngine(ud2);
        StudioModel[] m = new StudioModel[1];
        CompletableFuture<Path> ready = onFx(() -> {
            m[0] = new StudioModel(engine, new UiTaskExecutor(), prefs, ud2);
            return m[0].newUntitled();
        });
        Path dir = ready.get(10, TimeUnit.SECONDS);
        onFx(() -> {
            prefs.setTheme(Theme.LIGHT);
            assertFalse(Files.exists(ud2.resolve("studio.properties")), "nothing written on the FX thread");
            closing.countDown();
            m[0].close();
        });
        StudioPrefs read = new StudioPrefs(ud2);
        assertEquals(Theme.LIGHT, read.theme(), "the last change is on disk once the studio has closed");
        assertEquals(dir.toString(), read.lastProject());
    }
}
