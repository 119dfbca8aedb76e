package dev.kinora.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutosaveRecoveryTest {
    @TempDir
    Path tmp;
    Fixtures.MutableClock clock;
    RecentProjects recents;
    ProjectStore store;
    CommandStack stack;
    Autosaver autosaver;

    @BeforeEach
    void setUp() throws IOException {
        clock = new Fixtures.MutableClock(Instant.parse("2026-11-22T01:00:00Z"));
        recents = new RecentProjects(tmp.resolve("recent.json"), clock);
        OpenResult r = ProjectStore.create(tmp.resolve("film"), "film", clock, recents);
        store = r.store();
        store.save(Fixtures.rich());
        stack = new CommandStack(Fixtures.rich());
        autosaver = new Autosaver(store, stack, clock);
    }

    private void advance(long millis) {
        clock.advance(Duration.ofMillis(millis));
    }

    private String firstShot() {
        return stack.current().shots().get(0).id();
    }

    @Test
    void nothingIsJournaledUntilSomethingChanges() {
        advance(5000);
        assertFalse(autosaver.maybeAutosave(clock.instant()));
        assertFalse(Files.exists(store.journalFile()));
    }

    @Test
    void journalIsWrittenAtMostOncePerSecondAndCatchesUpAfterwards() {
        stack.execute(new Commands.EditPrompt(firstShot(), "a"));
        advance(10);
        assertTrue(autosaver.maybeAutosave(clock.instant()), "first change is journaled at once");
        stack.execute(new Commands.EditPrompt(firstShot(), "ab"));
        advance(400);
        assertFalse(autosaver.maybeAutosave(clock.instant()), "within the second");
        advance(400);
        assertFalse(autosaver.maybeAutosave(clock.instant()), "still within the second");
        advance(200);
        assertTrue(autosaver.maybeAutosave(clock.instant()), "a second after the last write");
        advance(5000);
        assertFalse(autosaver.maybeAutosave(clock.instant()), "no change since: no write");
    }

    @Test
    void afterACrashTheJournalNewerThanTheSaveIsOfferedAndRecovered() throws IOException {
        stack.execute(new Commands.EditPrompt(firstShot(), "unsaved words"));
        stack.execute(Commands.duplicateShot(firstShot()));
        advance(1500);
        assertTrue(autosaver.maybeAutosave(clock.instant()));
        Project edited = stack.current();
        // crash: nothing else happens; a new session opens the folder
        advance(60_000);
        OpenResult reopened = ProjectStore.open(store.dir(), clock, recents);
        assertEquals(Fixtures.rich().shots().size(), reopened.project().shots().size(), "project.json is the last save");
        RecoveryInfo info = reopened.store().recovery().orElseThrow();
        assertEquals(4, info.shots());
        assertTrue(info.message().contains("not saved"), info.message());
        Project recovered = reopened.store().recover();
        assertEquals(edited, recovered);

        CommandStack next = new CommandStack(reopened.project());
        next.reset(recovered, false);
        assertTrue(next.isDirty(), "recovered edits still need saving");
    }

    @Test
    void aSaveAfterTheJournalMeansNothingToRecover() throws IOException {
        stack.execute(new Commands.EditPrompt(firstShot(), "x"));
        advance(1000);
        autosaver.maybeAutosave(clock.instant());
        advance(1000);
        CommandStack.Snapshot s = stack.snapshot();
        store.save(s.project());
        stack.markSaved(s.project());
        assertTrue(store.recovery().isEmpty());
    }

    @Test
    void aJournalEqualToTheSaveIsNotOffered() throws IOException {
        store.writeJournal(Fixtures.rich(), clock.instant().plusSeconds(10));
        // Fixtures.rich() has fresh ids each call, so write the saved document itself
        Project saved = ProjectStore.open(store.dir(), clock, recents).project();
        store.writeJournal(saved, clock.instant().plusSeconds(10));
        assertTrue(store.recovery().isEmpty());
    }

    @Test
    void aJournalFromANewerKinoraIsNeitherOfferedNorRewritten() throws IOException {
        stack.execute(new Commands.EditPrompt(firstShot(), "x"));
        advance(1000);
        assertTrue(autosaver.maybeAutosave(clock.instant()));
        String text = Files.readString(store.journalFile());
        String newer = text.replaceAll("\"formatVersion\"\\s*:\\s*\\d+", "\"formatVersion\": 99");
        assertTrue(!newer.equals(text), "the journal declares its format");
        Files.writeString(store.journalFile(), newer);
        assertTrue(store.recovery().isEmpty(), "this build would drop what the newer format added");
        assertThrows(IOException.class, store::recover);
        assertEquals(newer, Files.readString(store.journalFile()), "left as it is for the newer Kinora");
    }

    @Test
    void undoingBackToTheSavedDocumentDoesNotJournal() {
        stack.execute(new Commands.EditPrompt(firstShot(), "x"));
        stack.undo();
        advance(2000);
        assertFalse(autosaver.maybeAutosave(clock.instant()));
        assertFalse(Files.exists(store.journalFile()));
    }

    @Test
    void declinedRecoveryIsSetAsideNotDeleted() throws IOException {
        stack.execute(new Commands.EditPrompt(firstShot(), "x"));
        advance(1000);
        assertTrue(autosaver.maybeAutosave(clock.instant()));
        assertTrue(store.recovery().isPresent());
        store.declineRecovery();
        assertTrue(store.recovery().isEmpty());
        try (var files = Files.list(store.journalFile().getParent())) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("declined-")));
        }
    }

    @Test
    void aFailedJournalWriteIsReportedAndRetried() throws IOException {
        Files.createDirectories(AtomicFiles.tempFor(store.journalFile()).resolve("blocker"));
        stack.execute(new Commands.EditPrompt(firstShot(), "x"));
        advance(1000);
        assertFalse(autosaver.maybeAutosave(clock.instant()));
        assertTrue(autosaver.lastError().isPresent());
        Files.delete(AtomicFiles.tempFor(store.journalFile()).resolve("blocker"));
        Files.delete(AtomicFiles.tempFor(store.journalFile()));
        advance(1000);
        assertTrue(autosaver.maybeAutosave(clock.instant()));
        assertTrue(autosaver.lastError().isEmpty());
    }

    @Test
    void aDamagedProjectFileStillOffersTheJournal() throws IOException {
        stack.execute(new Commands.EditPrompt(firstShot(), "precious"));
        advance(1000);
        autosaver.maybeAutosave(clock.instant());
        Files.writeString(store.projectFile(), "{ torn");
        OpenResult r = ProjectStore.open(store.dir(), clock, recents);
        assertTrue(r.readOnly());
        assertTrue(r.store().recovery().isPresent());
        assertEquals(stack.current(), r.store().recover());
    }

    @Test
    void closeFlushesPendingEdits() throws IOException {
        stack.execute(new Commands.EditPrompt(firstShot(), "a"));
        autosaver.maybeAutosave(clock.instant());
        stack.execute(new Commands.EditPrompt(firstShot(), "ab"));
        autosaver.close(); // within the second, but closing must not drop it
        assertEquals(stack.current(), store.recover());
    }
}
