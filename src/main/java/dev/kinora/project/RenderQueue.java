package dev.kinora.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The project's generation queue, written to {@code queue.json} after every change so it survives a
 * restart ("run overnight"). It owns no threads: the render service takes {@link #next()}, reports
 * {@link #start}, {@link #progress}, {@link #complete} or {@link #fail}, and hears cancels.
 *
 * <p>Writes go through {@link #writeOn(Executor)}: on the changing thread by default (tests, tools),
 * on the render service's writer in the studio, where changes in quick succession become one write
 * and the UI thread never touches the disk. {@link #flush()} writes now, on the calling thread.
 * Progress ticks are not written: they are many, and a restarted job starts from zero anyway.
 * A failed write never throws into the caller; it is logged, kept in {@link #saveError()}, and
 * retried on the next change.
 *
 * <p>A job that was RUNNING when the file was last written was interrupted by Kinora stopping
 * (a crash, a kill). It is queued again, and counted: the {@value #MAX_INTERRUPTIONS}th time it is
 * parked as FAILED instead, so a job that crashes Kinora cannot crash every start after it.
 */
public final class RenderQueue {
    private static final Logger LOG = LoggerFactory.getLogger(RenderQueue.class);
    public static final int FORMAT_VERSION = 1;
    public static final String INTERRUPTED = "interrupted, will resume";
    /** The reason a job that was interrupted {@link #MAX_INTERRUPTIONS} times is parked with. */
    public static final String CRASH_LOOP = "interrupted twice, maybe it crashes Kinora";
    public static final int MAX_INTERRUPTIONS = 2;

    private final Path file;
    private final Clock clock;
    private final boolean persistent;
    /** Guarded by writeLock: see {@link #retire}. */
    private boolean retired;
    private final String loadProblem;
    private final List<QueuedJob> interruptedAtLoad;
    private final List<QueuedJob> jobs = new ArrayList<>();
    private final List<Consumer<List<QueuedJob>>> listeners = new CopyOnWriteArrayList<>();
    private final Object writeLock = new Object();
    private final AtomicBoolean writePending = new AtomicBoolean();
    private volatile Executor writer = Runnable::run;
    private volatile String saveError = "";
    /** Guarded by this: no job starts while held (the running one finishes); saved, so a restart does not start them. */
    private boolean held;

    private RenderQueue(Path file, Clock clock, boolean persistent, String loadProblem, List<QueuedJob> initial,
                        List<QueuedJob> interrupted) {
        this.file = file;
        this.clock = clock;
        this.persistent = persistent;
        this.loadProblem = loadProblem;
        this.interruptedAtLoad = List.copyOf(interrupted);
        this.jobs.addAll(initial);
    }

    /**
     * The empty queue of a project whose folder is not written yet: a reused folder may still hold an
     * old queue file, which is not this project's.
     */
    static RenderQueue fresh(Path file, Clock clock) {
        return new RenderQueue(file, clock, true, "", List.of(), List.of());
    }

    /** The queue of an open project; a read-only project gets a queue that is never written. */
    public static RenderQueue open(ProjectStore store, Clock clock) {
        return load(store.queueFile(), clock, !store.readOnly());
    }

    /**
     * Reads the queue; jobs that were RUNNING when the last session ended go back to QUEUED, or to
     * FAILED ({@link #CRASH_LOOP}) when that was their {@value #MAX_INTERRUPTIONS}th interruption.
     * A damaged file is moved aside (never deleted) and the queue starts empty; a newer format is
     * left untouched and the queue is kept in memory only. Either way {@link #loadMessage()} says so.
     */
    public static RenderQueue load(Path file, Clock clock, boolean persistent) {
        if (!Files.isRegularFile(file)) {
            return new RenderQueue(file, clock, persistent, "", List.of(), List.of());
        }
        try {
            JsonNode root = Json.MAPPER.readTree(Files.readAllBytes(file));
            int version = root.path("formatVersion").asInt(-1);
            if (version > FORMAT_VERSION) {
                return new RenderQueue(file, clock, false, "The render queue was saved by a newer Kinora (format " + version
                        + "); it is left as it is and this session's queue is not saved.", List.of(), List.of());
            }
            List<QueuedJob> loaded = new ArrayList<>();
            List<QueuedJob> interrupted = new ArrayList<>();
            for (JsonNode n : root.path("jobs")) {
                QueuedJob j = Json.MAPPER.treeToValue(n, QueuedJob.class);
                if (j.state() == JobState.RUNNING) {
                    int times = j.interruptions() + 1;
                    j = times >= MAX_INTERRUPTIONS
                            ? j.with(JobState.FAILED, CRASH_LOOP, clock.instant(), 0, j.device(), "").withRun(j.started(), times)
                            : j.with(JobState.QUEUED, INTERRUPTED, Instant.EPOCH, 0, "", "").withRun(j.started(), times);
                    interrupted.add(j);
                }
                loaded.add(j);
            }
            RenderQueue q = new RenderQueue(file, clock, persistent, "", loaded, interrupted);
            q.held = root.path("held").asBoolean(false);
            if (!interrupted.isEmpty()) {
                q.flush();
            }
            return q;
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".damaged-" + clock.instant().toEpochMilli());
            String msg = "The render queue file could not be read (" + e.getMessage() + ").";
            try {
                if (persistent) {
                    Files.move(file, aside);
                    msg += " It was kept as " + aside.getFileName() + " and the queue starts empty.";
                }
            } catch (IOException moveFailed) {
                msg += " It could not be moved aside either (" + moveFailed.getMessage() + "); the queue is not saved this session.";
                return new RenderQueue(file, clock, false, msg, List.of(), List.of());
            }
            LOG.warn(msg);
            return new RenderQueue(file, clock, persistent, msg, List.of(), List.of());
        }
    }

    /**
     * The jobs that were running when Kinora last stopped, as this load left them: QUEUED again,
     * or FAILED with {@link #CRASH_LOOP}. {@link QueuedJob#started()} says when that run began.
     */
    public List<QueuedJob> interruptedAtLoad() {
        return interruptedAtLoad;
    }

    /** A damaged or newer queue file, in words; empty when the file was fine (interruptions are not problems). */
    public String loadProblem() {
        return loadProblem;
    }

    /** What the studio should tell the artist after loading; empty when all was well. */
    public String loadMessage() {
        long parked = interruptedAtLoad.stream().filter(j -> j.state() == JobState.FAILED).count();
        long resumed = interruptedAtLoad.size() - parked;
        List<String> parts = new ArrayList<>();
        if (!loadProblem.isEmpty()) {
            parts.add(loadProblem);
        }
        if (resumed > 0) {
            parts.add(resumed + (resumed == 1 ? " job was" : " jobs were") + " interrupted when Kinora last stopped and will resume.");
        }
        if (parked > 0) {
            parts.add(parked + (parked == 1 ? " job was" : " jobs were") + " " + CRASH_LOOP
                    + ", so " + (parked == 1 ? "it is" : "they are") + " parked as failed; retry from the queue when ready.");
        }
        return String.join(" ", parts);
    }

    public Optional<String> saveError() {
        String e = saveError;
        return e.isEmpty() ? Optional.empty() : Optional.of(e);
    }

    public synchronized List<QueuedJob> jobs() {
        return List.copyOf(jobs);
    }

    public synchronized Optional<QueuedJob> job(String id) {
        return jobs.stream().filter(j -> j.id().equals(id)).findFirst();
    }

    /** The first QUEUED job in queue order: the one the studio should run next; none while the queue is held. */
    public synchronized Optional<QueuedJob> next() {
        return held ? Optional.empty() : jobs.stream().filter(j -> j.state() == JobState.QUEUED).findFirst();
    }

    public synchronized boolean held() {
        return held;
    }

    /**
     * Holds the queue (no job starts; the running one finishes, and jobs can still be added, moved and cancelled) or
     * releases it. Listeners hear of it as of any change; returns whether it changed.
     */
    public boolean hold(boolean h) {
        return change(() -> {
            if (held == h) {
                return false;
            }
            held = h;
            return true;
        });
    }

    public QueuedJob add(String shotId, JobSpec spec) {
        QueuedJob j = new QueuedJob(Ids.newId(), shotId, spec, JobState.QUEUED, "", clock.instant(), Instant.EPOCH, 0, "", "",
                Instant.EPOCH, 0);
        change(() -> {
            jobs.add(j);
            return true;
        });
        return j;
    }

    /** QUEUED or RUNNING → CANCELLED. The render service cancels a running job's token itself, before this. */
    public boolean cancel(String id) {
        return transition(id, j -> !j.state().finished(),
                j -> j.with(JobState.CANCELLED, "cancelled", clock.instant(), j.progress(), j.device(), ""));
    }

    /** FAILED or CANCELLED → QUEUED, in the same place in the queue; the artist's retry forgets earlier interruptions. */
    public boolean retry(String id) {
        return transition(id, j -> j.state() == JobState.FAILED || j.state() == JobState.CANCELLED,
                j -> j.with(JobState.QUEUED, "", Instant.EPOCH, 0, "", "").withRun(Instant.EPOCH, 0));
    }

    /** QUEUED → RUNNING. The render service {@link #flush()}es after this, so a crash from here on is counted. */
    public boolean start(String id, String device) {
        return transition(id, j -> j.state() == JobState.QUEUED,
                j -> j.with(JobState.RUNNING, "", Instant.EPOCH, 0, device, "").withRun(clock.instant(), j.interruptions()));
    }

    /** Replaces what the queue says about a job ("cancelled · kept 24 finished frames"); its state stays. */
    public boolean note(String id, String message) {
        return transition(id, j -> true, j -> j.withMessage(message));
    }

    /** Progress of a running job: listeners hear it, the file does not. */
    public void progress(String id, double fraction) {
        List<QueuedJob> snapshot;
        synchronized (this) {
            int i = indexOf(id);
            if (i < 0 || jobs.get(i).state() != JobState.RUNNING) {
                return;
            }
            QueuedJob j = jobs.get(i);
            jobs.set(i, j.with(j.state(), j.message(), j.finished(), fraction, j.device(), j.takeId()));
            snapshot = List.copyOf(jobs);
        }
        fire(snapshot);
    }

    /** RUNNING → DONE with the take it made (already in the document and on disk). */
    public boolean complete(String id, String takeId) {
        return transition(id, j -> j.state() == JobState.RUNNING,
                j -> j.with(JobState.DONE, "", clock.instant(), 1, j.device(), takeId));
    }

    public boolean fail(String id, String message) {
        return transition(id, j -> j.state() == JobState.RUNNING || j.state() == JobState.QUEUED,
                j -> j.with(JobState.FAILED, message, clock.instant(), j.progress(), j.device(), ""));
    }

    /** Replaces the settings of a job that has not started (artists fix a prompt while the queue waits). */
    public boolean edit(String id, JobSpec spec) {
        return transition(id, j -> j.state() == JobState.QUEUED,
                j -> new QueuedJob(j.id(), j.shotId(), spec, j.state(), j.message(), j.queued(), j.finished(),
                        j.progress(), j.device(), j.takeId(), j.started(), j.interruptions()));
    }

    /** Removes a job that is not running (cancel a running one first, so its engine call stops). */
    public boolean remove(String id) {
        return change(() -> {
            int i = indexOf(id);
            if (i < 0 || jobs.get(i).state() == JobState.RUNNING) {
                return false;
            }
            jobs.remove(i);
            return true;
        });
    }

    public boolean moveUp(String id) {
        return move(id, -1);
    }

    public boolean moveDown(String id) {
        return move(id, +1);
    }

    /** Moves a job to {@code index} (clamped). */
    public boolean moveTo(String id, int index) {
        return change(() -> {
            int i = indexOf(id);
            if (i < 0) {
                return false;
            }
            int to = Math.max(0, Math.min(index, jobs.size() - 1));
            if (to == i) {
                return false;
            }
            jobs.add(to, jobs.remove(i));
            return true;
        });
    }

    private boolean move(String id, int delta) {
        int i;
        synchronized (this) {
            i = indexOf(id);
        }
        return i >= 0 && moveTo(id, i + delta);
    }

    /** Removes DONE, FAILED and CANCELLED jobs; returns how many. */
    public int clearFinished() {
        int[] removed = {0};
        change(() -> {
            int before = jobs.size();
            jobs.removeIf(j -> j.state().finished());
            removed[0] = before - jobs.size();
            return removed[0] > 0;
        });
        return removed[0];
    }

    /** Called with the whole queue after every change, on the thread that made it. */
    public Runnable addListener(Consumer<List<QueuedJob>> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Where writes run from now on. Changes made while a write is waiting there are written by that
     * same write: the file always ends up holding the latest queue, in as few writes as it takes.
     */
    public void writeOn(Executor executor) {
        writer = executor == null ? Runnable::run : executor;
    }

    /**
     * Writes the queue one last time and never again: its folder is going away (an untitled project
     * saved under a name moves its queue). A change that arrives later, such as the cancel of a job
     * that was running, must not recreate the folder.
     */
    public void retire() {
        flush();
        synchronized (writeLock) {
            retired = true;
        }
    }

    /** Writes the queue now, on the calling thread (never call this on a UI thread). */
    public void flush() {
        if (!persistent) {
            return;
        }
        // Writers take turns, and each writes the queue as it is when its turn comes: an older
        // snapshot can never land after a newer one.
        synchronized (writeLock) {
            if (retired) {
                return;
            }
            List<QueuedJob> snapshot;
            boolean heldNow;
            synchronized (this) {
                snapshot = List.copyOf(jobs);
                heldNow = held;
            }
            try {
                ObjectNode root = Json.MAPPER.createObjectNode();
                root.put("formatVersion", FORMAT_VERSION);
                if (heldNow) {
                    root.put("held", true); // only when held: a queue file from before reads and writes as it was
                }
                ArrayNode arr = root.putArray("jobs");
                for (QueuedJob j : snapshot) {
                    arr.add(Json.MAPPER.valueToTree(j));
                }
                AtomicFiles.write(file, Json.MAPPER.writeValueAsBytes(root));
                saveError = "";
            } catch (IOException | RuntimeException e) {
                if (!saveError.equals(e.toString())) {
                    LOG.warn("could not save the render queue to {}: {}", file, e.toString());
                }
                saveError = e.toString();
            }
        }
    }

    // ---- internals ----

    private interface Edit {
        boolean run();
    }

    private boolean transition(String id, java.util.function.Predicate<QueuedJob> allowed,
                               java.util.function.UnaryOperator<QueuedJob> next) {
        return change(() -> {
            int i = indexOf(id);
            if (i < 0 || !allowed.test(jobs.get(i))) {
                return false;
            }
            jobs.set(i, next.apply(jobs.get(i)));
            return true;
        });
    }

    private boolean change(Edit edit) {
        List<QueuedJob> snapshot;
        synchronized (this) {
            if (!edit.run()) {
                return false;
            }
            snapshot = List.copyOf(jobs);
        }
        scheduleWrite();
        fire(snapshot);
        return true;
    }

    private void scheduleWrite() {
        if (!persistent || !writePending.compareAndSet(false, true)) {
            return; // a write is already waiting, and it will take this change along
        }
        Runnable write = () -> {
            writePending.set(false);
            flush();
        };
        try {
            writer.execute(write);
        } catch (RejectedExecutionException e) {
            write.run(); // the writer has shut down (the studio is closing): write here rather than lose it
        }
    }

    private int indexOf(String id) {
        for (int i = 0; i < jobs.size(); i++) {
            if (jobs.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private void fire(List<QueuedJob> snapshot) {
        for (Consumer<List<QueuedJob>> l : listeners) {
            l.accept(snapshot);
        }
    }
}
