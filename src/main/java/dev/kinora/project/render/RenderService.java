package dev.kinora.project.render;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Direction;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.RequestLimits;
import dev.kinora.engine.Source;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.media.FilmStrip;
import dev.kinora.project.Commands;
import dev.kinora.project.JobSpec;
import dev.kinora.project.JobState;
import dev.kinora.project.Project;
import dev.kinora.project.ProjectSession;
import dev.kinora.project.ProjectStore;
import dev.kinora.project.QueuedJob;
import dev.kinora.project.RenderQueue;
import dev.kinora.project.Shot;
import dev.kinora.project.Take;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders the open project's queue: the one place that talks to the engine for the studio. Jobs
 * run one at a time on the service's worker thread, which also loads their sources (through
 * {@link SourceLoader}, the CLI's media path), writes each result as a take and adds it to the
 * document as an undoable command. Every public method returns at once and may be called from
 * any thread, a UI thread included:
 *
 * <ul>
 *   <li>{@link #submit} checks a job ({@link JobCheck}) and queues it, or refuses it with the reason
 *       before any work;</li>
 *   <li>{@link #cancel} fires the running job's {@link CancelToken} itself, then records the
 *       cancel in the queue; no file is written on the caller's thread;</li>
 *   <li>{@link #setDevice} is applied by the worker between jobs, so an engine is never rebuilt
 *       under a running job, and the caller never waits for one;</li>
 *   <li>the queue file is written on a writer thread, changes in quick succession as one write
 *       ({@link RenderQueue#writeOn}); only the start of a run is written before the engine is
 *       called, so a run that Kinora does not survive is counted ({@link RenderQueue#load}).</li>
 * </ul>
 *
 * State changes reach {@link Listener}s as {@link RenderEvent}s on the service's threads; a UI
 * marshals them to its own.
 */
public final class RenderService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RenderService.class);

    /** Hears every {@link RenderEvent}; must not block (it runs on the render worker, among others). */
    @FunctionalInterface
    public interface Listener {
        void on(RenderEvent event);
    }

    private record Running(String jobId, String shotId, CancelToken token, ProjectSession session, RenderQueue queue) {
    }

    private final RenderEngine engine;
    private final ExecutorService worker;
    private final ExecutorService ownWriter;
    private final Executor writes;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<Device> pendingDevice = new AtomicReference<>();
    private final AtomicBoolean describeAsked = new AtomicBoolean();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Object attachLock = new Object();
    private volatile ProjectSession session;
    private volatile RenderQueue queue;
    private volatile Running running;
    private volatile Device device = Device.AUTO;
    private volatile String deviceLabel = "";
    private volatile boolean closed;
    private Runnable unlistenQueue = () -> { };

    /** A service with its own worker and queue-writer threads; it closes {@code engine} when closed. */
    public RenderService(RenderEngine engine) {
        this(engine, null);
    }

    /**
     * @param writes where the queue file is written; null for the service's own writer thread (tests
     *               pass one that records or holds back writes)
     */
    public RenderService(RenderEngine engine, Executor writes) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.worker = Executors.newSingleThreadExecutor(r -> daemon(r, "kinora-render"));
        this.ownWriter = writes == null ? Executors.newSingleThreadExecutor(r -> daemon(r, "kinora-queue-writer")) : null;
        this.writes = writes == null ? ownWriter : writes;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public Runnable addListener(Listener l) {
        listeners.add(l);
        return () -> listeners.remove(l);
    }

    // --- the project -------------------------------------------------------------------------------

    /**
     * Renders {@code s}'s queue from now on. A job running for another project is cancelled (its
     * finished windows stay with that project); attaching the same session again (after Save As
     * gave it a new queue) keeps its running job.
     */
    public void attach(ProjectSession s) {
        Objects.requireNonNull(s, "session");
        RenderQueue q = s.queue();
        synchronized (attachLock) {
            unlistenQueue.run();
            Running r = running;
            if (r != null && r.session() != s) {
                r.token().cancel();
            }
            session = s;
            queue = q;
            q.writeOn(writes);
            unlistenQueue = q.addListener(jobs -> publish(new RenderEvent.QueueChanged(jobs)));
        }
        publish(new RenderEvent.QueueChanged(q.jobs()));
        pump();
    }

    /** Stops rendering for the current project; a running job is cancelled. */
    public void detach() {
        synchronized (attachLock) {
            unlistenQueue.run();
            unlistenQueue = () -> { };
            Running r = running;
            if (r != null) {
                r.token().cancel();
            }
            session = null;
            queue = null;
        }
        publish(new RenderEvent.QueueChanged(List.of()));
    }

    // --- jobs --------------------------------------------------------------------------------------

    /** Queues a job for {@code shotId}, or refuses it, with the reason, when it cannot run. */
    public Submission submit(String shotId, JobSpec spec) {
        ProjectSession s;
        RenderQueue q;
        synchronized (attachLock) {
            s = session;
            q = queue;
        }
        if (s == null || q == null) {
            return new Submission.Refused("no project is open");
        }
        if (s.readOnly()) {
            return new Submission.Refused("this project is open read-only, so nothing can be rendered into it;"
                    + " use Save As to make a writable copy");
        }
        Optional<String> problem = JobCheck.problem(spec);
        if (problem.isPresent()) {
            return new Submission.Refused(problem.get());
        }
        QueuedJob j = q.add(shotId, spec);
        pump();
        return new Submission.Queued(j);
    }

    /**
     * Cancels a job. A running one's token fires here, on the caller's thread, before anything else:
     * the model call in flight terminates and the finished windows come back as a partial take.
     */
    public boolean cancel(String jobId) {
        Running r = running;
        if (r != null && r.jobId().equals(jobId)) {
            r.token().cancel();
            r.queue().cancel(jobId);
            return true;
        }
        RenderQueue q = queue;
        return q != null && q.cancel(jobId);
    }

    /** Puts a failed or cancelled job back in its place; a finished one is queued again as a new job. */
    public boolean retry(String jobId) {
        RenderQueue q = queue;
        if (q == null) {
            return false;
        }
        Optional<QueuedJob> j = q.job(jobId);
        if (j.isEmpty()) {
            return false;
        }
        boolean ok;
        if (j.get().state() == JobState.DONE) {
            q.add(j.get().shotId(), j.get().request());
            ok = true;
        } else {
            ok = q.retry(jobId);
        }
        pump();
        return ok;
    }

    /** Moves a job {@code delta} places (negative: earlier). */
    public boolean move(String jobId, int delta) {
        RenderQueue q = queue;
        if (q == null || delta == 0) {
            return false;
        }
        return delta < 0 ? q.moveUp(jobId) : q.moveDown(jobId);
    }

    public int clearFinished() {
        RenderQueue q = queue;
        return q == null ? 0 : q.clearFinished();
    }

    /**
     * Holds the queue: the running job finishes and no other starts until it is released (the artist wants the
     * machine, or to line up a night's jobs first). Saved with the queue. Returns whether it changed.
     */
    public boolean hold(boolean h) {
        RenderQueue q = queue;
        if (q == null) {
            return false;
        }
        boolean changed = q.hold(h);
        if (!h) {
            pump();
        }
        return changed;
    }

    public boolean held() {
        RenderQueue q = queue;
        return q != null && q.held();
    }

    /** The queue as it is now (empty when no project is attached). */
    public List<QueuedJob> jobs() {
        RenderQueue q = queue;
        return q == null ? List.of() : q.jobs();
    }

    public Optional<String> runningJob() {
        Running r = running;
        return r == null ? Optional.empty() : Optional.of(r.jobId());
    }

    // --- the device ----------------------------------------------------------------------------------

    /**
     * Jobs run on {@code d} from the next job on. Returns at once: the worker rebuilds the engine's
     * sessions after the running job (if any) ends, then reports {@link RenderEvent.DeviceReady}
     * or {@link RenderEvent.DeviceUnavailable}.
     */
    public void setDevice(Device d) {
        pendingDevice.set(Objects.requireNonNull(d, "device"));
        pump();
    }

    /** Asks for a {@link RenderEvent.DeviceReady} (or Unavailable) about the device jobs run on. */
    public void refreshDevice() {
        describeAsked.set(true);
        pump();
    }

    // --- the worker ----------------------------------------------------------------------------------

    private void pump() {
        if (closed || !drainScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            worker.execute(this::drain);
        } catch (RejectedExecutionException e) {
            drainScheduled.set(false);
        }
    }

    /** On the worker: device changes, then queued jobs one after another, a device change between any two. */
    private void drain() {
        drainScheduled.set(false);
        try {
            while (!closed) {
                applyDevice();
                ProjectSession s;
                RenderQueue q;
                synchronized (attachLock) {
                    s = session;
                    q = queue;
                }
                if (s == null || q == null || s.readOnly()) {
                    return;
                }
                Optional<QueuedJob> next = q.next();
                if (next.isEmpty()) {
                    return;
                }
                run(s, q, next.get());
            }
        } catch (RuntimeException | Error e) {
            LOG.error("the render worker stopped on an unexpected error", e);
        }
    }

    private void applyDevice() {
        Device d = pendingDevice.getAndSet(null);
        boolean asked = describeAsked.getAndSet(false);
        if (d != null && d != device) {
            engine.setDevice(d);
            device = d;
            deviceLabel = "";
        }
        if (d != null || asked) {
            describeDevice();
        }
    }

    private String describeDevice() {
        try {
            DeviceReport r = engine.device();
            deviceLabel = r.used().name();
            publish(new RenderEvent.DeviceReady(r));
        } catch (Exception | LinkageError e) {
            deviceLabel = "";
            publish(new RenderEvent.DeviceUnavailable(device, reason(e)));
        }
        return deviceLabel;
    }

    private void run(ProjectSession s, RenderQueue q, QueuedJob job) {
        String dev = deviceLabel.isEmpty() ? describeDevice() : deviceLabel;
        if (!q.start(job.id(), dev)) {
            return;
        }
        CancelToken token = new CancelToken();
        Running r = new Running(job.id(), job.shotId(), token, s, q);
        running = r;
        // On disk before any work: if Kinora does not survive this run, the next start counts it.
        q.flush();
        publish(new RenderEvent.JobStarted(job.id(), job.shotId(), dev));
        JobState end;
        String message = "";
        int lead = 0;
        try {
            ModelPack pack = engine.pack(job.request().pack());
            Project doc = s.project();
            List<Source> sources = SourceLoader.load(job.request().sources(), s.store(), doc, pack);
            GenerationRequest request = job.request().toRequest(sources);
            RequestLimits.check(request);
            // A shot that continues the previous one keeps only the frames after the previous take, so
            // the reel plays the previous take and then this one without repeating anything: an exact cut.
            lead = continues(job, doc) ? sources.get(0).frames().count() : 0;
            if (token.isCancelled()) {
                throw new GenerationCancelledException("cancelled before the engine started", null);
            }
            GenerationResult result = engine.generate(request, p -> {
                q.progress(job.id(), p.fraction());
                publish(new RenderEvent.Progressed(job.id(), p));
            }, token);
            keep(r, result, lead, request.direction(), "", t -> q.complete(job.id(), t.id()));
            end = JobState.DONE;
        } catch (GenerationCancelledException e) {
            end = JobState.CANCELLED;
            message = "cancelled";
            Optional<GenerationResult> partial = e.partial();
            q.cancel(job.id());
            if (partial.isPresent() && partial.get().frames().count() > lead) {
                try {
                    int n = Math.max(0, partial.get().frames().count() - lead);
                    String note = "cancelled · kept " + n + " finished frames";
                    keep(r, partial.get(), lead, job.request().direction(), "partial", t -> q.note(job.id(), note));
                    message = note;
                } catch (IOException | RuntimeException ex) {
                    message = "cancelled · the finished frames could not be saved: " + reason(ex);
                }
            }
            q.note(job.id(), message);
        } catch (Exception | LinkageError e) {
            if (token.isCancelled()) {
                end = JobState.CANCELLED;
                message = "cancelled";
                q.cancel(job.id());
            } else {
                end = JobState.FAILED;
                message = reason(e);
                LOG.warn("job {} failed: {}", job.id(), message, e);
                q.fail(job.id(), message);
            }
        } finally {
            running = null;
        }
        publish(new RenderEvent.JobEnded(job.id(), job.shotId(), end, message));
    }

    /**
     * Writes the frames as a take (fsynced), tells the queue ({@code recorded}), then adds the take
     * to its shot as one undoable step, or to a new shot when its own was deleted meanwhile. A
     * project that was switched away keeps the file in its folder and is not edited.
     */
    private void keep(Running r, GenerationResult result, int lead, Direction d, String label, Consumer<Take> recorded)
            throws IOException {
        Frames f = newFramesOnly(result.frames(), lead, d);
        ProjectSession s = r.session();
        ProjectStore store = s.store();
        ProjectStore.MediaSlot slot = store.newTakeSlot(r.shotId(), "png");
        FilmStrip.write(f, slot.file());
        Take t = store.finishTake(slot, result.recipe(), f.count(), f.fps(), f.width(), f.height(), label);
        // The queue hears first, so whoever sees the take in the document also sees its job finished.
        recorded.accept(t);
        if (s != session || s.readOnly()) {
            return;
        }
        String shotId = r.shotId();
        try {
            s.execute(new AddTakeToShot(shotId, t));
        } catch (IllegalArgumentException shotGone) {
            // The shot was deleted while the job ran: the take still gets a card rather than being lost.
            Shot home = Shot.create(result.recipe().prompt(), s.project().settings()).withDuration(f.durationSeconds());
            s.execute(Commands.appendShot(home));
            s.execute(new Commands.AddTake(home.id(), t, true));
            shotId = home.id();
        }
        publish(new RenderEvent.TakeAdded(r.jobId(), shotId, t));
    }

    /** Whether the job extends the previous shot's take as this shot's continuation. */
    static boolean continues(QueuedJob j, Project doc) {
        JobSpec spec = j.request();
        if (spec.mode() != Mode.EXTEND || spec.sources().size() != 1) {
            return false;
        }
        Optional<Shot> shot = doc.shot(j.shotId());
        Optional<Take> source = SourceLoader.takeByMedia(doc, spec.sources().get(0).path());
        return shot.isPresent() && shot.get().continueFromPrevious() && source.isPresent()
                && shot.get().take(source.get().id()).isEmpty();
    }

    /** The frames without the {@code lead} source frames an extension returns along with the new ones. */
    public static Frames newFramesOnly(Frames f, int lead, Direction d) {
        int n = f.count();
        if (lead <= 0 || lead >= n) {
            return f;
        }
        return d == Direction.BACKWARD ? f.slice(0, n - lead) : f.slice(lead, n);
    }

    private static String reason(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
    }

    private void publish(RenderEvent e) {
        for (Listener l : listeners) {
            try {
                l.on(e);
            } catch (RuntimeException ex) {
                LOG.warn("a render listener failed on {}", e, ex);
            }
        }
    }

    /**
     * Cancels the running job, waits for the worker to stop and the queue's last write to land,
     * then closes the engine. Called when the studio closes.
     */
    @Override
    public void close() {
        closed = true;
        Running r = running;
        if (r != null) {
            r.token().cancel();
        }
        synchronized (attachLock) {
            unlistenQueue.run();
            unlistenQueue = () -> { };
        }
        worker.shutdown();
        boolean idle = await(worker, 30);
        if (ownWriter != null) {
            ownWriter.shutdown();
            await(ownWriter, 10);
        }
        if (idle) {
            engine.close();
        } else {
            LOG.warn("the render worker did not stop within 30 s; its engine is left to the process exit");
        }
    }

    private static boolean await(ExecutorService e, int seconds) {
        try {
            return e.awaitTermination(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
