package dev.kinora.project;

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
}
