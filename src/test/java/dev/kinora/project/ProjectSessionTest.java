package dev.kinora.project;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectSessionTest {
    @TempDir
    Path tmp;
    Fixtures.MutableClock clock;
    RecentProjects recents;

    @BeforeEach
    void setUp() {
        clock = new Fixtures.MutableClock(Instant.parse("2026-11-22T01:00:00Z"));
        recents = new RecentProjects(tmp.resolve("recent.json"), clock);
    }

    private ProjectSession newSessionWithAShot() throws IOException {
        ProjectSession s = ProjectSession.create(tmp.resolve("film"), "film", clock, recents);
        s.execute(Commands.appendShot(Shot.create("a boat", s.project().settings())));
        return s;
    }

    @Test
    void saveWritesTheDocumentAndMarksItClean() throws IOException {
        ProjectSession s = newSessionWithAShot();
        assertTrue(s.stack().isDirty());
        s.save();
        assertFalse(s.stack().isDirty());
        assertEquals(s.project(), ProjectStore.open(s.store().dir(), clock, recents).project());
    }

    @Test
    void aTakeEntersTheDocumentOnlyOnceItsFileIsWritten() throws IOException {
        ProjectSession s = newSessionWithAShot();
        String shot = s.project().shots().get(0).id();
        ProjectStore.MediaSlot slot = s.store().newTakeSlot(shot, "mp4");
        assertThrows(NoSuchFileException.class,
                () -> s.addTake(shot, slot, Fixtures.recipe("a boat", 1), 33, 16, 832, 480, true));
        assertTrue(s.project().shots().get(0).takes().isEmpty());

        Files.write(slot.file(), new byte[] {1, 2, 3});
        Take t = s.addTake(shot, slot, Fixtures.recipe("a boat", 1), 33, 16, 832, 480, true);
        assertEquals(t, s.project().activeTake(shot).orElseThrow());
        assertEquals(clock.instant(), t.created());
        assertTrue(s.store().missingMedia(s.project()).isEmpty());
    }

    @Test
    void closingCleanLeavesNoJournalAndClosingDirtyLeavesOneToRecover() throws IOException {
        ProjectSession s = newSessionWithAShot();
        s.save();
        s.execute(new Commands.RenameProject("unsaved"));
        clock.advance(Duration.ofSeconds(2));
        s.autosaver().maybeAutosave(clock.instant());
        s.execute(new Commands.RenameProject("unsaved, later"));
        s.close(); // dirty: the last edit is flushed to the journal

        clock.advance(Duration.ofSeconds(2));
        ProjectSession again = ProjectSession.open(s.store().dir(), clock, recents);
        assertEquals("film", again.project().name());
        assertTrue(again.recovery().isPresent());
        again.recover();
        assertEquals("unsaved, later", again.project().name());
        assertTrue(again.stack().isDirty());
        again.save();
        again.close();
        assertFalse(Files.exists(again.store().journalFile()));
        try (ProjectSession third = ProjectSession.open(s.store().dir(), clock, recents)) {
            assertFalse(third.readOnly(), "the lock went with close()");
        }
        assertTrue(ProjectSession.open(s.store().dir(), clock, recents).recovery().isEmpty());
    }

    @Test
    void saveAsMovesTheSessionToTheCopy() throws IOException {
        ProjectSession s = newSessionWithAShot();
        s.save();
        Path old = s.store().dir();
        s.execute(new Commands.RenameProject("copy"));
        clock.advance(Duration.ofSeconds(2));
        s.autosaver().maybeAutosave(clock.instant());
        assertTrue(Files.exists(s.store().journalFile()));

        s.saveAs(tmp.resolve("copy"));
        assertEquals(tmp.resolve("copy.kinora").toAbsolutePath().normalize(), s.store().dir());
        assertFalse(s.stack().isDirty());
        assertFalse(Files.exists(old.resolve(".autosave/journal.json")));
        assertEquals("copy", ProjectStore.open(s.store().dir(), clock, recents).project().name());
        assertEquals("film", ProjectStore.open(old, clock, recents).project().name());

        s.execute(new Commands.RenameProject("copy 2"));
        clock.advance(Duration.ofSeconds(2));
        assertTrue(s.autosaver().maybeAutosave(clock.instant()));
        assertEquals("copy 2", s.store().recover().name(), "autosave follows the session to the copy");
    }

    @Test
    void relinkAndExportWorkOnTheCurrentDocument() throws IOException {
        ProjectSession s = newSessionWithAShot();
        String shot = s.project().shots().get(0).id();
        s.execute(new Commands.SetSources(shot, List.of(new SourceRef("/gone/start.png", SourceRole.START))));
        assertEquals(List.of(Path.of("/gone/start.png")), s.missingMedia());
        Path found = Files.writeString(tmp.resolve("start.png"), "png");
        s.relink(Path.of("/gone/start.png"), found);
        assertTrue(s.missingMedia().isEmpty());
        assertEquals("Relink Media", s.stack().undoName().orElseThrow());
        s.exportOtio(tmp.resolve("board.otio"));
        assertTrue(Files.readString(tmp.resolve("board.otio")).contains("\"Gap.1\""));
    }

    @Test
    void aSecondSessionOnTheSameFolderIsReadOnly() throws IOException {
        ProjectSession first = newSessionWithAShot();
        first.save();
        try (ProjectSession second = ProjectSession.open(first.store().dir(), clock, recents)) {
            assertTrue(second.readOnly());
            assertTrue(second.message().contains("another Kinora window"), second.message());
            assertThrows(IllegalStateException.class, second::save);
        }
        assertFalse(first.readOnly());
        first.close();
    }

    /** Root writes anywhere, so this runs only as an ordinary user (CI's and a developer's account, not this build VM's root). */
    @Test
    void aFolderNobodyMayWriteOpensReadOnly() throws IOException {
        ProjectSession first = newSessionWithAShot();
        first.save();
        Path dir = first.store().dir();
        first.close();
        dir.toFile().setWritable(false, false);
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(dir), "running as root: every folder is writable");
            try (ProjectSession s = ProjectSession.open(dir, clock, recents)) {
                assertTrue(s.readOnly());
                assertTrue(s.message().contains("cannot be written"), s.message());
                assertThrows(IllegalStateException.class, s::save);
            }
        } finally {
            dir.toFile().setWritable(true, false);
        }
    }

    @Test
    void theOpenMessageIncludesInterruptedJobs() throws IOException {
        ProjectSession s = newSessionWithAShot();
        s.save();
        QueuedJob j = s.queue().add(s.project().shots().get(0).id(), JobSpec.forShot(s.project().shots().get(0), 1));
        s.queue().start(j.id(), "CPU");
        s.close();
        ProjectSession again = ProjectSession.open(s.store().dir(), clock, recents);
        assertTrue(again.message().contains("interrupted"), again.message());
        assertEquals(JobState.QUEUED, again.queue().job(j.id()).orElseThrow().state());
    }

    /** Saves the test lets through by hand: what is on disk while a save is "in flight" can be looked at. */
    static final class HeldSaves implements Executor {
        private final LinkedBlockingQueue<Runnable> held = new LinkedBlockingQueue<>();

        @Override
        public void execute(Runnable r) {
            held.add(r);
        }

        int waiting() {
            return held.size();
        }

        /** Runs the saves waiting, and the ones they let start, on this thread. */
        void releaseAll() {
            Runnable r;
            while ((r = held.poll()) != null) {
                r.run();
            }
        }
    }

    private static String nameOnDisk(Path dir) throws Exception {
        return Json.parse(Files.readAllBytes(dir.resolve(ProjectStore.PROJECT_FILE))).path("name").asText();
    }

    @Test
    void aBackgroundSaveReturnsBeforeTheWriteAndWritesTheDocumentAsItWasWhenAsked() throws Exception {
        ProjectSession s = newSessionWithAShot();
        HeldSaves held = new HeldSaves();
        s.saveOn(held);
        s.execute(new Commands.RenameProject("asked"));
        CompletableFuture<Path> saved = s.saveInBackground();
        assertFalse(saved.isDone(), "the caller does not wait for the disk");
        assertEquals("film", nameOnDisk(s.store().dir()), "nothing written yet");
        assertTrue(s.stack().isDirty());
        s.execute(new Commands.RenameProject("typed while saving"));

        held.releaseAll();
        assertEquals(s.store().dir(), saved.join());
        assertEquals("asked", nameOnDisk(s.store().dir()), "the document as it was when the save was asked for");
        assertTrue(s.stack().isDirty(), "the edit made meanwhile is not on disk, so it stays unsaved");
        s.stack().undo();
        assertFalse(s.stack().isDirty(), "undone back to what was written: clean");
    }

    @Test
    void backgroundSavesLandInTheOrderTheyWereAskedForEvenWhenTheFirstIsSlow() throws Exception {
        ProjectSession s = newSessionWithAShot();
        AtomicInteger started = new AtomicInteger();
        // Each save on its own thread, the first one slow: only the session's ordering keeps them in turn.
        s.saveOn(r -> {
            int n = started.getAndIncrement();
            new Thread(() -> {
                try {
                    Thread.sleep(n == 0 ? 300 : 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                r.run();
            }).start();
        });
        s.execute(new Commands.RenameProject("first"));
        CompletableFuture<Path> first = s.saveInBackground();
        s.execute(new Commands.RenameProject("second"));
        CompletableFuture<Path> second = s.saveInBackground();
        assertFalse(first.isDone());
        second.join();
        assertTrue(first.isDone(), "the second save ended after the first");
        assertEquals("second", nameOnDisk(s.store().dir()), "the newer document is the one left on disk");
        assertFalse(s.stack().isDirty(), "and it is the current one");
        assertEquals("first", Json.parse(Files.readAllBytes(s.store().dir().resolve(ProjectStore.BACKUP_FILE))).path("name").asText(),
                "the backup is the save before it");
    }

    @Test
    void aFailedBackgroundSaveIsReportedAndLeavesTheDocumentUnsaved() throws Exception {
        ProjectSession s = newSessionWithAShot();
        // A folder where the save's temp file goes: the write fails as a full or broken disk would.
        Path obstacle = s.store().dir().resolve(ProjectStore.PROJECT_FILE + ".tmp");
        Files.createDirectories(obstacle.resolve("in-the-way"));
        CompletableFuture<Path> saved = s.saveInBackground();
        CompletionException e = assertThrows(CompletionException.class, saved::join);
        assertTrue(e.getCause() instanceof IOException, e.getCause().toString());
        assertTrue(s.stack().isDirty());
        assertEquals("film", nameOnDisk(s.store().dir()));
        assertThrows(IOException.class, s::save, "the waiting save reports the same failure");

        Files.delete(obstacle.resolve("in-the-way"));
        Files.delete(obstacle);
        s.execute(new Commands.RenameProject("after the failure"));
        s.saveInBackground().join();
        assertFalse(s.stack().isDirty(), "a failure does not stop the saves after it");
        assertEquals("after the failure", nameOnDisk(s.store().dir()));
    }

    @Test
    void closingWaitsForASaveInFlightSoTheProjectClosesClean() throws Exception {
        ProjectSession s = newSessionWithAShot();
        s.saveOn(r -> new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            r.run();
        }).start());
        s.execute(new Commands.RenameProject("saved on the way out"));
        CompletableFuture<Path> saved = s.saveInBackground();
        s.close();
        assertTrue(saved.isDone(), "close waited for the save");
        assertEquals("saved on the way out", nameOnDisk(s.store().dir()));
        assertFalse(Files.exists(s.store().journalFile()), "clean once saved: no journal to offer next time");
    }

    @Test
    void aSaveAsInFlightMovesTheSessionWhenItLandsAndASaveAfterItFollows() throws Exception {
        ProjectSession s = newSessionWithAShot();
        s.save();
        Path old = s.store().dir();
        HeldSaves held = new HeldSaves();
        s.saveOn(held);
        s.execute(new Commands.RenameProject("copy"));
        CompletableFuture<Path> moved = s.saveAsInBackground(tmp.resolve("copy"), false);
        s.execute(new Commands.RenameProject("copy, then saved"));
        CompletableFuture<Path> saved = s.saveInBackground();
        assertEquals(old, s.store().dir(), "the session stays until the copy is written");
        assertEquals(1, held.waiting(), "the save waits for the Save As");

        held.releaseAll();
        Path copy = tmp.resolve("copy.kinora").toAbsolutePath().normalize();
        assertEquals(copy, moved.join());
        assertEquals(copy, saved.join(), "the save asked for after the Save As went to the copy");
        assertEquals(copy, s.store().dir());
        assertEquals("copy, then saved", nameOnDisk(copy));
        assertEquals("film", nameOnDisk(old), "the old folder is left as it was");
        assertFalse(s.stack().isDirty());
    }

    private static void wipe(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void anUnsavedNewProjectTouchesNoDiskUntilItsFirstSaveMakesTheFolder() throws Exception {
        Path dir = tmp.resolve("reused.kinora");
        try (ProjectSession earlier = ProjectSession.create(dir, "earlier", clock, recents)) {
            earlier.execute(Commands.appendShot(Shot.create("left behind", earlier.project().settings())));
            earlier.save();
        }
        Files.createDirectories(dir.resolve("media/old"));
        Files.writeString(dir.resolve("media/old/take.png"), "an earlier project's take");
        List<String> before;
        try (var l = Files.walk(dir)) {
            before = l.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
        Project content = Project.empty("fresh").withShots(List.of(Shot.create("a new idea", Project.empty("x").settings())));
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();

        ProjectSession s = ProjectSession.createUnsaved(dir, content, () -> {
            ran.add(Thread.currentThread().getName());
            wipe(dir);
        }, clock, recents);
        HeldSaves held = new HeldSaves();
        s.saveOn(held);
        s.startAutosave();
        s.execute(new Commands.RenameProject("fresh, renamed"));
        clock.advance(Duration.ofSeconds(5));
        Thread.sleep(400); // a started autosaver would have journaled the edit by now (it ticks every 100 ms)
        assertEquals(content.shots(), s.project().shots());
        assertTrue(s.stack().isDirty(), "nothing of it is on disk");
        assertFalse(s.onDisk());
        assertTrue(s.recovery().isEmpty(), "whatever journal the folder holds is an earlier project's");
        assertTrue(s.queue().jobs().isEmpty());
        CompletableFuture<Path> first = s.saveInBackground();
        try (var l = Files.walk(dir)) {
            assertEquals(before, l.map(p -> dir.relativize(p).toString()).sorted().toList(),
                    "nothing written on the asking thread, and no journal in a folder that is not this project's yet");
        }

        held.releaseAll();
        assertEquals(dir.toAbsolutePath().normalize(), first.join());
        assertEquals(List.of(Thread.currentThread().getName()), ran, "prepared once, on the thread that ran the save");
        assertTrue(s.onDisk());
        assertFalse(s.stack().isDirty());
        assertFalse(Files.exists(dir.resolve("media/old/take.png")), "the leftovers went before the folder was made");
        assertEquals("fresh, renamed", nameOnDisk(dir));
        try (ProjectSession second = ProjectSession.open(dir, clock, recents)) {
            assertTrue(second.readOnly(), "the first save took the folder's lock");
        }
        s.close();
    }

    @Test
    void aFailedFirstSaveLeavesNothingBehindAndTheNextSaveMakesTheFolder() throws Exception {
        Path dir = tmp.resolve("new.kinora");
        java.util.concurrent.atomic.AtomicBoolean diskFull = new java.util.concurrent.atomic.AtomicBoolean(true);
        ProjectSession s = ProjectSession.createUnsaved(dir, Project.empty("new"), () -> {
            if (diskFull.get()) {
                throw new IOException("No space left on device");
            }
        }, clock, recents);
        s.startAutosave();
        CompletionException e = assertThrows(CompletionException.class, () -> s.saveInBackground().join());
        assertEquals("No space left on device", e.getCause().getMessage());
        assertFalse(s.onDisk());
        assertTrue(s.stack().isDirty());
        assertFalse(Files.exists(dir), "nothing half made");

        diskFull.set(false);
        s.execute(new Commands.RenameProject("second try"));
        s.save();
        assertTrue(s.onDisk());
        assertEquals("second try", nameOnDisk(dir));
        s.execute(new Commands.RenameProject("journaled"));
        s.close(); // dirty: the autosave that started with the folder leaves a journal to recover
        assertTrue(Files.exists(s.store().journalFile()));
    }

    @Test
    void closingANewProjectWhoseFolderWasNeverMadeWritesNothing() throws Exception {
        Path dir = tmp.resolve("never.kinora");
        ProjectSession s = ProjectSession.createUnsaved(dir, Project.empty("never"), () -> {
            throw new IOException("read-only file system");
        }, clock, recents);
        s.startAutosave();
        s.execute(new Commands.RenameProject("typed"));
        assertThrows(IOException.class, s::save);
        s.close();
        assertFalse(Files.exists(dir), "no journal in a folder that was never the project's");
    }

    @Test
    void saveAsOfANewProjectWhoseFolderWasNeverMadeWritesTheCopyWithoutTheLeftovers() throws Exception {
        Path dir = tmp.resolve("slot.kinora");
        Files.createDirectories(dir.resolve("media"));
        Files.writeString(dir.resolve("media/left.png"), "an earlier project's");
        ProjectSession s = ProjectSession.createUnsaved(dir, Project.empty("slot"), () -> {
            throw new IOException("cannot empty the folder");
        }, clock, recents);
        assertThrows(IOException.class, s::save);
        s.execute(new Commands.RenameProject("kept"));
        s.saveAs(tmp.resolve("named"), true);
        Path named = tmp.resolve("named.kinora").toAbsolutePath().normalize();
        assertEquals(named, s.store().dir());
        assertTrue(s.onDisk());
        assertFalse(s.stack().isDirty());
        assertEquals("kept", nameOnDisk(named));
        assertFalse(Files.exists(named.resolve("media/left.png")), "what was in the old folder was not this project's");
        assertFalse(Files.exists(named.resolve(ProjectStore.QUEUE_FILE)));
        assertTrue(Files.exists(dir.resolve("media/left.png")), "and it is left alone");
        s.close();
    }

    @Test
    void aCopyOfAReadOnlyProjectTakesItsMediaAndSourcesAlong() throws Exception {
        ProjectSession first = newSessionWithAShot();
        String shot = first.project().shots().get(0).id();
        Path source = first.store().dir().resolve("sources/start.png");
        Files.createDirectories(source.getParent());
        Files.write(source, new byte[] {9, 8, 7, 6});
        first.execute(new Commands.SetSources(shot, List.of(new SourceRef("sources/start.png", SourceRole.START))));
        ProjectStore.MediaSlot slot = first.store().newTakeSlot(shot, "png");
        byte[] pixels = new byte[4096];
        new java.util.Random(3).nextBytes(pixels);
        Files.write(slot.file(), pixels);
        Take t = first.addTake(shot, slot, Fixtures.recipe("a boat", 1), 33, 16, 832, 480, true);
        first.save();
        ProjectSession readOnly = ProjectSession.open(first.store().dir(), clock, recents);
        assertTrue(readOnly.readOnly());
        HeldSaves held = new HeldSaves();
        readOnly.saveOn(held);

        CompletableFuture<ProjectSession> copied = readOnly.copyInBackground(tmp.resolve("copy"));
        Path copy = tmp.resolve("copy.kinora").toAbsolutePath().normalize();
        assertFalse(Files.exists(copy), "nothing copied on the asking thread");
        held.releaseAll();
        try (ProjectSession c = copied.join()) {
            assertEquals(copy, c.store().dir());
            assertFalse(c.readOnly());
            assertFalse(c.stack().isDirty());
            assertEquals(first.project(), c.project());
            assertArrayEquals(pixels, Files.readAllBytes(copy.resolve(t.media())));
            assertArrayEquals(new byte[] {9, 8, 7, 6}, Files.readAllBytes(copy.resolve("sources/start.png")));
            assertTrue(c.missingMedia().isEmpty(), c.missingMedia()::toString);
            assertEquals(first.store().dir(), readOnly.store().dir(), "the read-only session stays where it was");
        }
        readOnly.close();
        first.close();
    }
}
