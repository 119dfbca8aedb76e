package dev.kinora.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kinora.engine.Direction;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.Source;
import dev.kinora.engine.pack.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderQueueTest {
    @TempDir
    Path tmp;
    Fixtures.MutableClock clock;
    Path file;

    @BeforeEach
    void setUp() {
        clock = new Fixtures.MutableClock(Instant.parse("2026-11-22T01:00:00Z"));
        file = tmp.resolve("queue.json");
    }

    private RenderQueue load() {
        return RenderQueue.load(file, clock, true);
    }

    private static JobSpec spec(String prompt, long seed) {
        return JobSpec.of(GenerationRequest.textToVideo("tinyworld", prompt, seed).withSampling(8, Float.NaN, "")
                .withFrames(33));
    }

    private static List<String> ids(RenderQueue q) {
        return q.jobs().stream().map(QueuedJob::id).toList();
    }

    @Test
    void everyChangeIsOnDiskAndReloadsEqual() {
        RenderQueue q = load();
        QueuedJob a = q.add("shot-a", spec("a", 1));
        clock.advance(Duration.ofSeconds(1));
        QueuedJob b = q.add("shot-b", spec("b", 2));
        assertEquals(q.jobs(), load().jobs());
        q.cancel(b.id());
        assertEquals(q.jobs(), load().jobs());
        assertEquals(List.of(a.id(), b.id()), ids(load()));
        assertEquals(JobState.CANCELLED, load().job(b.id()).orElseThrow().state());
        assertTrue(Float.isNaN(load().job(a.id()).orElseThrow().request().guidance()), "pack-default guidance survives");
    }

    @Test
    void aHeldQueueStartsNothingAndStaysHeldAfterARestart() throws Exception {
        RenderQueue q = load();
        QueuedJob a = q.add("s", spec("a", 1));
        List<List<QueuedJob>> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        q.addListener(heard::add);
        assertTrue(q.hold(true));
        assertFalse(q.hold(true), "already held");
        assertEquals(1, heard.size(), "listeners hear of the hold once");
        assertEquals(Optional.empty(), q.next(), "nothing starts while held");
        QueuedJob b = q.add("s", spec("b", 2));
        assertEquals(2, q.jobs().size(), "jobs still queue up");
        assertTrue(Files.readString(file).contains("\"held\" : true"), Files.readString(file));
        RenderQueue again = load();
        assertTrue(again.held(), "a restart does not start a held queue's jobs");
        assertEquals(Optional.empty(), again.next());
        assertTrue(again.hold(false));
        assertEquals(a.id(), again.next().orElseThrow().id());
        assertFalse(Files.readString(file).contains("held"), "released: the file is as before holds existed");
        assertFalse(load().held());
        assertEquals(List.of(a.id(), b.id()), ids(load()));
    }

    @Test
    void runningJobsResumeAsQueuedAfterARestartInTheSameOrder() {
        RenderQueue q = load();
        QueuedJob a = q.add("s", spec("a", 1));
        QueuedJob b = q.add("s", spec("b", 2));
        QueuedJob c = q.add("s", spec("c", 3));
        q.start(a.id(), "CPU");
        q.complete(a.id(), "take-1");
        q.start(b.id(), "CUDA:0");
        q.progress(b.id(), 0.4);
        // the process dies here: no complete(), no cancel()

        RenderQueue after = load();
        assertEquals(List.of(a.id(), b.id(), c.id()), ids(after));
        QueuedJob resumed = after.job(b.id()).orElseThrow();
        assertEquals(JobState.QUEUED, resumed.state());
        assertEquals(RenderQueue.INTERRUPTED, resumed.message());
        assertEquals(0, resumed.progress());
        assertEquals(JobState.DONE, after.job(a.id()).orElseThrow().state());
        assertEquals("take-1", after.job(a.id()).orElseThrow().takeId());
        assertTrue(after.loadMessage().contains("1 job was interrupted"), after.loadMessage());
        assertEquals(b.id(), after.next().orElseThrow().id(), "the interrupted job runs first");
        assertEquals(JobState.QUEUED, load().job(b.id()).orElseThrow().state(), "the fix-up is saved too");
    }

    @Test
    void stateTransitionsFollowTheLifecycle() {
        RenderQueue q = load();
        QueuedJob a = q.add("s", spec("a", 1));
        assertFalse(q.complete(a.id(), "t"), "a queued job cannot be done without running");
        assertFalse(q.retry(a.id()), "nothing to retry");
        assertTrue(q.start(a.id(), "CPU"));
        assertFalse(q.start(a.id(), "CPU"));
        assertTrue(q.fail(a.id(), "out of memory at decode; try fewer frames"));
        QueuedJob failed = q.job(a.id()).orElseThrow();
        assertEquals(JobState.FAILED, failed.state());
        assertEquals(clock.instant(), failed.finishedAt().orElseThrow());
        assertTrue(q.retry(a.id()));
        QueuedJob retried = q.job(a.id()).orElseThrow();
        assertEquals(JobState.QUEUED, retried.state());
        assertEquals("", retried.message());
        assertTrue(retried.finishedAt().isEmpty());
        assertTrue(q.cancel(a.id()));
        assertFalse(q.cancel(a.id()));
        assertFalse(q.cancel("no-such-job"));
    }

    @Test
    void moveUpDownAndToReorderAndPersist() {
        RenderQueue q = load();
        QueuedJob a = q.add("s", spec("a", 1));
        QueuedJob b = q.add("s", spec("b", 2));
        QueuedJob c = q.add("s", spec("c", 3));
        assertTrue(q.moveUp(c.id()));
        assertEquals(List.of(a.id(), c.id(), b.id()), ids(q));
        assertFalse(q.moveUp(a.id()), "already first");
        assertTrue(q.moveDown(a.id()));
        assertEquals(List.of(c.id(), a.id(), b.id()), ids(q));
        assertFalse(q.moveDown(b.id()), "already last");
        assertTrue(q.moveTo(b.id(), 0));
        assertEquals(List.of(b.id(), c.id(), a.id()), ids(load()));
    }

    @Test
    void waitingJobsCanBeEditedAndRemovedButRunningOnesCannot() {
        RenderQueue q = load();
        QueuedJob a = q.add("s", spec("a", 1));
        QueuedJob b = q.add("s", spec("b", 2));
        assertTrue(q.edit(a.id(), spec("a, at night", 1)));
        assertEquals("a, at night", load().job(a.id()).orElseThrow().request().prompt());
        q.start(b.id(), "CPU");
        assertFalse(q.edit(b.id(), spec("too late", 2)));
        assertFalse(q.remove(b.id()));
        assertTrue(q.remove(a.id()));
        assertEquals(List.of(b.id()), ids(load()));
    }

    @Test
    void clearFinishedKeepsPendingJobs() {
        RenderQueue q = load();
        QueuedJob a = q.add("s", spec("a", 1));
        QueuedJob b = q.add("s", spec("b", 2));
        QueuedJob c = q.add("s", spec("c", 3));
        QueuedJob d = q.add("s", spec("d", 4));
        q.start(a.id(), "CPU");
        q.complete(a.id(), "t");
        q.cancel(b.id());
        q.start(c.id(), "CPU");
        assertEquals(2, q.clearFinished());
        assertEquals(List.of(c.id(), d.id()), ids(load()));
    }

    @Test
    void listenersHearChangesAndProgress() {
        RenderQueue q = load();
        List<List<QueuedJob>> heard = new ArrayList<>();
        q.addListener(heard::add);
        QueuedJob a = q.add("s", spec("a", 1));
        q.start(a.id(), "CPU");
        q.progress(a.id(), 0.5);
        assertEquals(3, heard.size());
        assertEquals(0.5, heard.get(2).get(0).progress());
        assertEquals(0, load().job(a.id()).orElseThrow().progress(), "progress ticks are not written");
    }

    @Test
    void aDamagedQueueFileIsSetAsideAndTheQueueStartsEmpty() throws IOException {
        Files.writeString(file, "{\"jobs\": [ {\"id\": ");
        RenderQueue q = load();
        assertTrue(q.jobs().isEmpty());
        assertTrue(q.loadMessage().contains("could not be read"), q.loadMessage());
        try (var files = Files.list(tmp)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("queue.json.damaged-")));
        }
        q.add("s", spec("a", 1));
        assertEquals(1, load().jobs().size());
    }

    @Test
    void aNewerQueueFormatIsLeftUntouched() throws IOException {
        String newer = "{\"formatVersion\": 9, \"jobs\": []}";
        Files.writeString(file, newer);
        RenderQueue q = load();
        assertTrue(q.loadMessage().contains("newer Kinora"), q.loadMessage());
        q.add("s", spec("a", 1));
        assertEquals(newer, Files.readString(file));
    }

    @Test
    void aFailedWriteKeepsTheQueueInMemoryAndReportsIt() throws IOException {
        RenderQueue q = load();
        Files.createDirectories(AtomicFiles.tempFor(file).resolve("blocker"));
        QueuedJob a = q.add("s", spec("a", 1));
        assertTrue(q.saveError().isPresent());
        assertEquals(List.of(a.id()), ids(q));
    }

    @Test
    void specRoundTripsToTheEngineRequest() {
        Frames f = new Frames(2, 2, 16, List.of(new byte[12]));
        GenerationRequest r = new GenerationRequest(new JobSettings("tinyworld", Mode.EXTEND, "p", "n", 77, 12, 4.5f, "unipc", 5f, 40,
                0.7f, Direction.BACKWARD, 9, false, false), List.of(new Source(f, "media/in/clip.mp4", "ab")));
        JobSpec s = JobSpec.of(r, List.of(SourceRole.END));
        assertEquals(List.of(new SourceRef("media/in/clip.mp4", SourceRole.END)), s.sources());
        assertEquals(r, s.toRequest(List.of(new Source(f, "media/in/clip.mp4", "ab"))));
        assertThrows(IllegalArgumentException.class, () -> s.toRequest(List.of()));
        GenerationRequest pathless = r.withMode(Mode.ANIMATE, List.of(new Source(f, "", "ab")));
        assertThrows(IllegalArgumentException.class, () -> JobSpec.of(pathless));
    }

    @Test
    void aQueuedJobWrittenBeforeTheSettingsRecordReadsAndWritesBackTheSameText() throws IOException {
        // What queue.json held for a job's request when JobSpec carried the settings' fields itself: flat,
        // enums by name, NaN as a string.
        String old = "{\"pack\":\"tinyworld\",\"mode\":\"EXTEND\",\"prompt\":\"p\",\"negativePrompt\":\"n\",\"seed\":77,"
                + "\"steps\":12,\"guidance\":\"NaN\",\"scheduler\":\"unipc\",\"shift\":5.0,\"frames\":40,\"strength\":0.7,"
                + "\"direction\":\"BACKWARD\",\"context\":9,\"anchorColour\":false,"
                + "\"sources\":[{\"path\":\"media/in/clip.mp4\",\"role\":\"END\"}]}";
        JobSpec s = Json.MAPPER.readValue(old, JobSpec.class);
        assertEquals(new JobSpec(new JobSettings("tinyworld", Mode.EXTEND, "p", "n", 77, 12, Float.NaN, "unipc", 5f, 40, 0.7f,
                Direction.BACKWARD, 9, false, false), List.of(new SourceRef("media/in/clip.mp4", SourceRole.END))), s);
        assertEquals(old, Json.MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s));
    }

    @Test
    void aJobSentAsTypedKeepsThatInTheQueueFile() throws IOException {
        JobSpec typed = new JobSpec(JobSettings.textToVideo("tinyworld", "a scarlet orb rolls", 3).withAsTyped(true), List.of());
        String json = Json.MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(typed);
        assertTrue(json.contains("\"anchorColour\":true,\"asTyped\":true,\"sources\":[]"), json);
        assertEquals(typed, Json.MAPPER.readValue(json, JobSpec.class));
        assertTrue(Json.MAPPER.readValue(json, JobSpec.class).toRequest(List.of()).asTyped());
    }

    @Test
    void aShotBecomesASpec() {
        Shot s = Fixtures.rich().shots().get(2);
        JobSpec spec = JobSpec.forShot(s, 1234);
        assertEquals(Mode.REMIX, spec.mode());
        assertEquals(s.prompt(), spec.prompt());
        assertEquals(49, spec.frames());
        assertEquals(6.5f, spec.guidance());
        assertEquals("other-pack", spec.pack());
        assertEquals(1234, spec.seed());
        assertEquals(s.sources(), spec.sources());
        assertTrue(spec.asTyped(), "the shot's prompt is sent as typed");
        assertFalse(JobSpec.forShot(Fixtures.rich().shots().get(0), 1).asTyped());
    }

    @Test
    void aJobInterruptedTwiceIsParkedAsFailedInsteadOfCrashingEveryStart() {
        RenderQueue q = load();
        QueuedJob a = q.add("s", spec("a", 1));
        q.start(a.id(), "CPU");
        // Kinora dies under the job; the next start queues it again and counts it.
        RenderQueue second = load();
        QueuedJob once = second.job(a.id()).orElseThrow();
        assertEquals(JobState.QUEUED, once.state());
        assertEquals(1, once.interruptions());
        assertEquals(List.of(once), second.interruptedAtLoad());
        second.start(a.id(), "CPU");
        // And dies again: parked, with the reason, and nothing runs by itself.
        RenderQueue third = load();
        QueuedJob parked = third.job(a.id()).orElseThrow();
        assertEquals(JobState.FAILED, parked.state());
        assertEquals(RenderQueue.CRASH_LOOP, parked.message());
        assertEquals(2, parked.interruptions());
        assertTrue(third.next().isEmpty());
        assertTrue(third.loadMessage().contains(RenderQueue.CRASH_LOOP), third.loadMessage());
        assertTrue(third.retry(a.id()));
        assertEquals(0, third.job(a.id()).orElseThrow().interruptions(), "the artist's retry counts afresh");
        assertTrue(load().interruptedAtLoad().isEmpty(), "the fix-ups were saved");
    }

    @Test
    void aRunRecordsWhenItStarted() {
        RenderQueue q = load();
        QueuedJob a = q.add("s", spec("a", 1));
        clock.advance(Duration.ofMinutes(3));
        q.start(a.id(), "CPU");
        assertEquals(clock.instant(), load().job(a.id()).orElseThrow().started(), "kept across the restart");
    }

    @Test
    void writesCanWaitOnAnotherThreadAndChangesMeanwhileGoInOneWrite() {
        RenderQueue q = load();
        List<Runnable> waiting = new ArrayList<>();
        q.writeOn(waiting::add);
        QueuedJob a = q.add("s", spec("a", 1));
        q.add("s", spec("b", 2));
        q.cancel(a.id());
        assertFalse(Files.exists(file), "nothing is written on the changing thread");
        assertEquals(1, waiting.size(), "three changes wait as one write");
        waiting.get(0).run();
        assertEquals(q.jobs(), load().jobs());
        q.add("s", spec("c", 3));
        assertEquals(2, waiting.size(), "a change after the write is written again");
        q.flush();
        assertEquals(3, load().jobs().size(), "flush writes at once, on the caller");
    }

    @Test
    void aQueueFileWithoutRunCountsStillLoads() throws IOException {
        Files.writeString(file, """
                {"formatVersion": 1, "jobs": [{"id": "j1", "shotId": "s", "state": "RUNNING",
                  "request": {"pack": "tinyworld", "mode": "GENERATE", "prompt": "p", "seed": 1, "steps": 8,
                              "guidance": "NaN", "shift": "NaN", "frames": 8, "strength": 1.0, "sources": []}}]}
                """);
        QueuedJob j = load().job("j1").orElseThrow();
        assertEquals(JobState.QUEUED, j.state());
        assertEquals(1, j.interruptions());
        assertEquals(Instant.EPOCH, j.started());
    }
}
