package dev.kinora.project.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Direction;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Source;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.media.FilmStrip;
import dev.kinora.media.MediaIO;
import dev.kinora.media.ReadOptions;
import dev.kinora.media.ResizePolicy;
import dev.kinora.project.JobSpec;
import dev.kinora.project.JobState;
import dev.kinora.project.ProjectSession;
import dev.kinora.project.ProjectSettings;
import dev.kinora.project.QueuedJob;
import dev.kinora.project.RecentProjects;
import dev.kinora.project.RenderQueue;
import dev.kinora.project.Shot;
import dev.kinora.project.SourceRef;
import dev.kinora.project.SourceRole;
import dev.kinora.project.Take;
import dev.kinora.testing.TestPacks;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The render service over the tiny test pack: real jobs on its worker, observed from the test thread. */
class RenderServiceTest {
    @TempDir
    Path tmp;
    private Path models;
    private RecentProjects recents;
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @BeforeEach
    void pack() throws Exception {
        models = tmp.resolve("models");
        TestPacks.tiny(models, "tiny");
        recents = new RecentProjects(tmp.resolve("recent.json"), Clock.systemUTC());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
    }

    /** The engine the studio has, over the tiny pack, telling whether a device change ever overlapped a job. */
    static final class TinyEngine implements RenderEngine {
        final PackRegistry registry;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicBoolean changedUnderAJob = new AtomicBoolean();
        final List<Device> applied = new CopyOnWriteArrayList<>();
        volatile CancelToken lastToken;
        private Device device = Device.AUTO;
        private GenerationEngine engine;

        TinyEngine(Path models) {
            registry = new PackRegistry(List.of(models));
        }

        private synchronized GenerationEngine engine() {
            if (engine == null) {
                engine = new GenerationEngine(registry, RuntimeOptions.defaults().withDevice(device));
            }
            return engine;
        }

        @Override
        public ModelPack pack(String id) throws Exception {
            return registry.find(id);
        }

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener listener, CancelToken cancel) throws Exception {
            inFlight.incrementAndGet();
            lastToken = cancel;
            try {
                return engine().generate(request, listener, cancel);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public synchronized void setDevice(Device d) {
            if (inFlight.get() > 0) {
                changedUnderAJob.set(true);
            }
            applied.add(d);
            if (engine != null) {
                engine.close();
                engine = null;
            }
            device = d;
        }

        @Override
        public DeviceReport device() {
            return engine().device();
        }

        @Override
        public synchronized void close() {
            if (engine != null) {
                engine.close();
                engine = null;
            }
        }
    }

    private ProjectSession project(String name) throws Exception {
        ProjectSession s = ProjectSession.create(tmp.resolve(name + ".kinora"), name, Clock.systemUTC(), recents);
        Shot shot = Shot.create("a ball rolls", new ProjectSettings("tiny", 32, 32, 8));
        s.stack().reset(s.project().withSettings(new ProjectSettings("tiny", 32, 32, 8)).withShots(List.of(shot)), false);
        s.save();
        closeLater.add(s);
        return s;
    }

    private static JobSpec job(String prompt, int steps, int frames) {
        return new JobSpec(new JobSettings("tiny", Mode.GENERATE, prompt, "", 7, steps, Float.NaN, "", Float.NaN, frames, 1f,
                Direction.FORWARD, 0, true, false), List.of());
    }

    /** A job that outlasts anything the test does while it runs (85 windows of 500 steps). */
    private static JobSpec longJob() {
        return job("a long slow pan", 500, 512);
    }

    private static final class Events implements RenderService.Listener {
        final List<RenderEvent> heard = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void on(RenderEvent e) {
            heard.add(e);
            threads.add(Thread.currentThread().getName());
        }

        <T extends RenderEvent> T await(Class<T> kind, Predicate<T> which, long millis) throws InterruptedException {
            long end = System.currentTimeMillis() + millis;
            while (System.currentTimeMillis() < end) {
                for (RenderEvent e : heard) {
                    if (kind.isInstance(e) && which.test(kind.cast(e))) {
                        return kind.cast(e);
                    }
                }
                Thread.sleep(10);
            }
            throw new AssertionError("no " + kind.getSimpleName() + " within " + millis + " ms; heard " + heard.stream()
                    .filter(x -> !(x instanceof RenderEvent.Progressed) && !(x instanceof RenderEvent.QueueChanged)).toList());
        }

        boolean any(Class<? extends RenderEvent> kind) {
            return heard.stream().anyMatch(kind::isInstance);
        }
    }

    private RenderService service(TinyEngine engine, Executor writes, Events events) {
        RenderService r = new RenderService(engine, writes);
        r.addListener(events);
        closeLater.add(r);
        return r;
    }

    /** Queue writes that wait at a gate, on a thread of their own, remembering who ran them. */
    /** Closed after the service (registered first): its last writes land before the temp folder goes. */
    private static final class GatedWriter implements Executor, AutoCloseable {
        final CountDownLatch gate = new CountDownLatch(1);
        final List<String> threads = new CopyOnWriteArrayList<>();
        final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-writer"));

        @Override
        public void execute(Runnable write) {
            thread.execute(() -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    return;
                }
                threads.add(Thread.currentThread().getName());
                write.run();
            });
        }

        @Override
        public void close() throws InterruptedException {
            gate.countDown();
            thread.shutdown();
            thread.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static String queueFile(ProjectSession s) throws Exception {
        Path f = s.store().queueFile();
        return Files.isRegularFile(f) ? Files.readString(f) : "";
    }

    private static void waitUntil(String what, long millis, java.util.function.BooleanSupplier cond) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out after " + millis + " ms waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aJobRendersOnTheWorkerIntoATakeOfItsShot() throws Exception {
        ProjectSession s = project("One");
        Events ev = new Events();
        RenderService r = service(new TinyEngine(models), null, ev);
        r.attach(s);
        String shot = s.project().shots().get(0).id();
        Submission sub = r.submit(shot, job("a red ball bounces", 2, 8));
        QueuedJob j = assertInstanceOf(Submission.Queued.class, sub).job();
        RenderEvent.JobEnded end = ev.await(RenderEvent.JobEnded.class, e -> e.jobId().equals(j.id()), 60_000);
        assertEquals(JobState.DONE, end.state(), end.message());
        Take t = s.project().shots().get(0).activeTake().orElseThrow();
        assertEquals(8, t.frames());
        assertEquals(t.id(), r.jobs().get(0).takeId());
        RenderEvent.TakeAdded added = ev.await(RenderEvent.TakeAdded.class, e -> true, 1000);
        assertEquals(t, added.take());
        assertEquals("kinora-render", ev.threads.get(ev.heard.indexOf(added)), "the take is made on the render worker");
        assertEquals(8, FilmStrip.read(s.store().resolve(t.media()), t.height(), t.fps()).count());
    }

    @Test
    void aHeldQueueLetsTheRunningJobFinishAndStartsTheNextOnlyWhenReleased() throws Exception {
        ProjectSession s = project("Held");
        Events ev = new Events();
        RenderService r = service(new TinyEngine(models), null, ev);
        r.attach(s);
        String shot = s.project().shots().get(0).id();
        QueuedJob first = assertInstanceOf(Submission.Queued.class, r.submit(shot, job("a red ball", 30, 16))).job();
        ev.await(RenderEvent.JobStarted.class, e -> e.jobId().equals(first.id()), 60_000);
        assertTrue(r.hold(true));
        assertTrue(r.held());
        QueuedJob second = assertInstanceOf(Submission.Queued.class, r.submit(shot, job("a blue box", 2, 8))).job();
        RenderEvent.JobEnded end = ev.await(RenderEvent.JobEnded.class, e -> e.jobId().equals(first.id()), 60_000);
        assertEquals(JobState.DONE, end.state(), "the running job is not stopped by a hold");
        Thread.sleep(500);
        assertEquals(JobState.QUEUED, r.jobs().get(1).state(), "nothing starts while held");
        assertTrue(ev.heard.stream().noneMatch(e -> e instanceof RenderEvent.JobStarted st && st.jobId().equals(second.id())));
        assertTrue(r.hold(false));
        assertEquals(JobState.DONE, ev.await(RenderEvent.JobEnded.class, e -> e.jobId().equals(second.id()), 60_000).state());
    }

    @Test
    void aBadJobIsRefusedWithItsReasonBeforeAnyWork() throws Exception {
        ProjectSession s = project("Bad");
        Events ev = new Events();
        TinyEngine engine = new TinyEngine(models);
        RenderService r = service(engine, null, ev);
        r.attach(s);
        String shot = s.project().shots().get(0).id();
        Submission empty = r.submit(shot, job("  ", 2, 8));
        assertTrue(assertInstanceOf(Submission.Refused.class, empty).reason().contains("needs a prompt"), empty.toString());
        Submission steps = r.submit(shot, job("ok", 5000, 8));
        assertTrue(assertInstanceOf(Submission.Refused.class, steps).reason().contains("steps must be"), steps.toString());
        JobSpec connect = new JobSpec(new JobSettings("tiny", Mode.INTERPOLATE, "", "", 1, 2, Float.NaN, "", Float.NaN, 8, 1f,
                Direction.FORWARD, 0, true, false), List.of(new SourceRef("media/a.png", SourceRole.START)));
        Submission oneSource = r.submit(shot, connect);
        assertTrue(assertInstanceOf(Submission.Refused.class, oneSource).reason().contains("two sources"), oneSource.toString());
        assertTrue(r.jobs().isEmpty(), "nothing was queued");
        assertEquals(null, engine.lastToken, "the engine was never called");
    }

    @Test
    void aJobWhoseSourceIsMissingFailsWithAReasonNamingIt() throws Exception {
        ProjectSession s = project("Missing");
        Events ev = new Events();
        RenderService r = service(new TinyEngine(models), null, ev);
        r.attach(s);
        JobSpec animate = new JobSpec(new JobSettings("tiny", Mode.ANIMATE, "moves", "", 1, 2, Float.NaN, "", Float.NaN, 8, 1f,
                Direction.FORWARD, 0, true, false), List.of(new SourceRef("media/in/gone.png", SourceRole.START)));
        QueuedJob j = ((Submission.Queued) r.submit(s.project().shots().get(0).id(), animate)).job();
        RenderEvent.JobEnded end = ev.await(RenderEvent.JobEnded.class, e -> e.jobId().equals(j.id()), 30_000);
        assertEquals(JobState.FAILED, end.state());
        assertTrue(end.message().contains("gone.png"), end.message());
        assertEquals(end.message(), r.jobs().get(0).message());
    }

    @Test
    void cancelReachesTheTokenAtOnceWithoutTouchingDiskOnTheCallingThread() throws Exception {
        ProjectSession s = project("Cancel");
        Events ev = new Events();
        TinyEngine engine = new TinyEngine(models);
        GatedWriter writes = new GatedWriter();
        closeLater.add(writes);
        RenderService r = service(engine, writes, ev);
        r.attach(s);
        QueuedJob j = ((Submission.Queued) r.submit(s.project().shots().get(0).id(), longJob())).job();
        ev.await(RenderEvent.Progressed.class, p -> p.progress().step() > 0, 60_000);
        assertTrue(queueFile(s).contains("RUNNING"), "the start of a run is on disk before the engine works");

        long t0 = System.nanoTime();
        assertTrue(r.cancel(j.id()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(engine.lastToken.isCancelled(), "the cancel went straight to the job's token");
        assertTrue(ms < 200, "cancel returned in " + ms + " ms");
        assertEquals(JobState.CANCELLED, r.jobs().get(0).state(), "the queue knows at once");
        assertFalse(queueFile(s).contains("CANCELLED"), "no write happened on the calling thread: the writer is still held");

        RenderEvent.JobEnded end = ev.await(RenderEvent.JobEnded.class, e -> e.jobId().equals(j.id()), 30_000);
        assertEquals(JobState.CANCELLED, end.state());
        writes.gate.countDown();
        waitUntil("the cancel on disk", 10_000, () -> {
            try {
                return queueFile(s).contains("CANCELLED");
            } catch (Exception e) {
                return false;
            }
        });
        assertFalse(writes.threads.isEmpty());
        assertTrue(writes.threads.stream().allMatch("test-writer"::equals), writes.threads.toString());
    }

    @Test
    void queueWritesHappenOffTheCallerAndCoalesce() throws Exception {
        ProjectSession s = project("Writes");
        Events ev = new Events();
        GatedWriter writes = new GatedWriter();
        closeLater.add(writes);
        RenderService r = service(new TinyEngine(models), writes, ev);
        r.attach(s);
        String shot = s.project().shots().get(0).id();
        QueuedJob running = ((Submission.Queued) r.submit(shot, longJob())).job();
        ev.await(RenderEvent.JobStarted.class, e -> e.jobId().equals(running.id()), 60_000);
        String before = queueFile(s);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(((Submission.Queued) r.submit(shot, job("waiting " + i, 2, 8))).job().id());
        }
        r.move(ids.get(4), -1);
        assertEquals(before, queueFile(s), "the caller wrote nothing");
        writes.gate.countDown();
        waitUntil("the five jobs on disk", 10_000, () -> {
            try {
                return queueFile(s).contains(ids.get(4));
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(writes.threads.size() <= 2, "six changes made while the writer was held are written together, got "
                + writes.threads.size() + " writes");
        assertTrue(writes.threads.stream().allMatch("test-writer"::equals), writes.threads.toString());
        r.cancel(running.id());
        // the cancel is written on the writer's thread too: let it land before the temp folder goes
        ev.await(RenderEvent.JobEnded.class, e -> e.jobId().equals(running.id()), 60_000);
        waitUntil("the cancel on disk", 10_000, () -> {
            try {
                return !queueFile(s).contains("RUNNING");
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void aDeviceChangeDuringAJobReturnsAtOnceAndIsAppliedAfterIt() throws Exception {
        ProjectSession s = project("Device");
        Events ev = new Events();
        TinyEngine engine = new TinyEngine(models);
        RenderService r = service(engine, null, ev);
        r.attach(s);
        QueuedJob j = ((Submission.Queued) r.submit(s.project().shots().get(0).id(), longJob())).job();
        ev.await(RenderEvent.Progressed.class, p -> p.progress().step() > 0, 60_000);

        long t0 = System.nanoTime();
        r.setDevice(Device.CPU);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 50, "setDevice returned in " + ms + " ms while a job ran");
        Thread.sleep(200);
        assertTrue(engine.applied.isEmpty(), "not applied under the running job");
        assertEquals(JobState.RUNNING, r.jobs().get(0).state());

        r.cancel(j.id());
        ev.await(RenderEvent.JobEnded.class, e -> e.jobId().equals(j.id()), 30_000);
        RenderEvent.DeviceReady ready = ev.await(RenderEvent.DeviceReady.class, d -> d.report().requested() == Device.CPU, 30_000);
        assertEquals(Device.CPU, ready.report().used());
        assertEquals(List.of(Device.CPU), engine.applied);
        assertFalse(engine.changedUnderAJob.get(), "the engine was never rebuilt under a job");
        int ended = ev.heard.indexOf(ev.await(RenderEvent.JobEnded.class, e -> true, 10));
        assertTrue(ev.heard.indexOf(ready) > ended, "the device changed after the job ended");
    }

    @Test
    void aJobThatKinoraDidNotSurviveTwiceIsParkedAsFailed() throws Exception {
        ProjectSession s = project("Crash");
        Path dir = s.store().dir();
        Path file = s.store().queueFile();
        String shot = s.project().shots().get(0).id();
        Path snapshot = tmp.resolve("queue-at-crash.json");

        // First run: Kinora "dies" while the job renders (the queue file as it was then is what the next start sees).
        RenderService first = new RenderService(new TinyEngine(models));
        Events ev1 = new Events();
        first.addListener(ev1);
        first.attach(s);
        QueuedJob j = ((Submission.Queued) first.submit(shot, longJob())).job();
        ev1.await(RenderEvent.Progressed.class, p -> p.progress().step() > 0, 60_000);
        Files.copy(file, snapshot, StandardCopyOption.REPLACE_EXISTING);
        first.close();
        s.close();
        closeLater.remove(s);
        Files.copy(snapshot, file, StandardCopyOption.REPLACE_EXISTING);

        // Second start: it is queued again, counted once, and runs; Kinora "dies" again.
        ProjectSession again = ProjectSession.open(dir, Clock.systemUTC(), recents);
        QueuedJob once = again.queue().job(j.id()).orElseThrow();
        assertEquals(JobState.QUEUED, once.state());
        assertEquals(1, once.interruptions());
        RenderService second = new RenderService(new TinyEngine(models));
        Events ev2 = new Events();
        second.addListener(ev2);
        second.attach(again);
        ev2.await(RenderEvent.Progressed.class, p -> p.progress().step() > 0, 60_000);
        Files.copy(file, snapshot, StandardCopyOption.REPLACE_EXISTING);
        second.close();
        again.close();
        Files.copy(snapshot, file, StandardCopyOption.REPLACE_EXISTING);

        // Third start: parked as failed, and nothing starts by itself.
        ProjectSession third = ProjectSession.open(dir, Clock.systemUTC(), recents);
        closeLater.add(third);
        QueuedJob parked = third.queue().job(j.id()).orElseThrow();
        assertEquals(JobState.FAILED, parked.state());
        assertEquals(RenderQueue.CRASH_LOOP, parked.message());
        assertTrue(third.queue().loadMessage().contains(RenderQueue.CRASH_LOOP), third.queue().loadMessage());
        Events ev3 = new Events();
        RenderService r3 = service(new TinyEngine(models), null, ev3);
        r3.attach(third);
        Thread.sleep(300);
        assertFalse(ev3.any(RenderEvent.JobStarted.class), "a parked job does not run by itself");
        assertTrue(r3.retry(j.id()));
        assertEquals(0, third.queue().job(j.id()).orElseThrow().interruptions(), "the artist's retry counts afresh");
        ev3.await(RenderEvent.JobStarted.class, e -> e.jobId().equals(j.id()), 30_000);
        r3.cancel(j.id());
    }

    @Test
    void aStillReadForTheStudioIsTheStillTheCliReads() throws Exception {
        ProjectSession s = project("Still");
        ModelPack pack = new PackRegistry(List.of(models)).find("tiny");
        // 48×32, so the fit policy matters: the CLI's default crops the centre to the pack's square.
        BufferedImage img = new BufferedImage(48, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 48; x++) {
                img.setRGB(x, y, (x * 5) << 16 | (y * 7) << 8 | ((x + y) * 3));
            }
        }
        Path still = s.store().mediaDir().resolve("in").resolve("gradient.png");
        Files.createDirectories(still.getParent());
        ImageIO.write(img, "png", still.toFile());
        String ref = s.store().reference(still);

        Source studio = SourceLoader.load(new SourceRef(ref, SourceRole.START), s.store(), s.project(), pack);
        Source cli = MediaIO.readSource(still, pack, ResizePolicy.FILL, ReadOptions.defaults()).source();
        assertEquals(SourceLoader.POLICY, ResizePolicy.FILL, "the studio fits sources as the CLI does by default");
        assertFrames(cli.frames(), studio.frames());
        assertEquals(cli.sha256(), studio.sha256(), "the recipe names the same file hash");
        assertEquals(ref, studio.path(), "the recipe keeps the project's reference");
    }

    @Test
    void aTakeUsedAsASourceKeepsItsExactPixels() throws Exception {
        ProjectSession s = project("TakeSource");
        Events ev = new Events();
        RenderService r = service(new TinyEngine(models), null, ev);
        r.attach(s);
        String shot = s.project().shots().get(0).id();
        QueuedJob j = ((Submission.Queued) r.submit(shot, job("a ball", 2, 8))).job();
        ev.await(RenderEvent.JobEnded.class, e -> e.jobId().equals(j.id()), 60_000);
        Take t = s.project().shots().get(0).activeTake().orElseThrow();
        ModelPack pack = new PackRegistry(List.of(models)).find("tiny");
        Source src = SourceLoader.load(new SourceRef(t.media(), SourceRole.START), s.store(), s.project(), pack);
        assertFrames(FilmStrip.read(s.store().resolve(t.media()), t.height(), t.fps()), src.frames());
    }

    private static void assertFrames(Frames expected, Frames actual) {
        assertEquals(expected.width(), actual.width());
        assertEquals(expected.height(), actual.height());
        assertEquals(expected.fps(), actual.fps());
        assertEquals(expected.count(), actual.count());
        for (int i = 0; i < expected.count(); i++) {
            assertArrayEquals(expected.frame(i), actual.frame(i), "frame " + i);
        }
    }

    @Test
    void anExtensionKeepsOnlyItsNewFramesAndAJobIsCheckedWithoutTheDisk() {
        List<byte[]> f = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            f.add(new byte[] {(byte) i, 0, 0});
        }
        Frames all = new Frames(1, 1, 8, f);
        assertEquals(4, RenderService.newFramesOnly(all, 4, Direction.FORWARD).frame(0)[0], "forward: after the source's frames");
        assertEquals(0, RenderService.newFramesOnly(all, 4, Direction.BACKWARD).frame(0)[0], "backward: before them");
        assertEquals(2, RenderService.newFramesOnly(all, 4, Direction.BACKWARD).count());
        assertEquals(6, RenderService.newFramesOnly(all, 0, Direction.FORWARD).count());
        assertTrue(JobCheck.problem(job("fine", 2, 8)).isEmpty());
        assertFalse(JobCheck.problem(job("", 2, 8)).isEmpty());
    }
}
