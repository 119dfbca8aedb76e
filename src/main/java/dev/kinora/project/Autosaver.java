package dev.kinora.project;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Journals unsaved edits so a crash loses at most about a second of work. The policy lives in
 * {@link #maybeAutosave(Instant)}, which tests drive with their own clock; {@link #start()} only adds
 * a daemon thread that calls it a few times a second.
 */
public final class Autosaver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Autosaver.class);

    /** At most one journal write per interval: a held key must not turn into a disk write per keystroke. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final long TICK_MS = 100;

    private final ProjectStore store;
    private final CommandStack stack;
    private final Clock clock;
    private long journaledRevision;
    private Instant lastWrite = Instant.EPOCH;
    private String lastError = "";
    private ScheduledExecutorService timer;

    public Autosaver(ProjectStore store, CommandStack stack, Clock clock) {
        this.store = store;
        this.stack = stack;
        this.clock = clock;
        this.journaledRevision = stack.revision();
    }

    /**
     * Writes the journal when the document changed since the last write and the last write is at least
     * {@link #INTERVAL} old. A clean document (saved, or undone back to the save) needs no journal.
     * Returns whether it wrote. Write failures are kept in {@link #lastError()} and retried next time:
     * a full disk must not take the UI down with it.
     */
    public synchronized boolean maybeAutosave(Instant now) {
        if (store.readOnly()) {
            return false;
        }
        CommandStack.Snapshot snap;
        boolean dirty;
        synchronized (stack) { // the document and its dirtiness from the same moment
            snap = stack.snapshot();
            dirty = stack.isDirty();
        }
        if (snap.revision() == journaledRevision) {
            return false;
        }
        if (!dirty) {
            journaledRevision = snap.revision();
            return false;
        }
        if (now.isBefore(lastWrite.plus(INTERVAL))) {
            return false;
        }
        try {
            store.writeJournal(snap.project(), now);
            journaledRevision = snap.revision();
            lastWrite = now;
            lastError = "";
            return true;
        } catch (IOException | RuntimeException e) {
            if (!lastError.equals(e.toString())) {
                LOG.warn("autosave to {} failed: {}", store.journalFile(), e.toString());
            }
            lastError = e.toString();
            return false;
        }
    }

    /** Journals any pending change now, ignoring the interval: before a risky operation or on close. */
    public synchronized boolean flush() {
        lastWrite = Instant.EPOCH;
        return maybeAutosave(clock.instant());
    }

    /** The last write failure, if the most recent attempt failed. */
    public synchronized Optional<String> lastError() {
        return lastError.isEmpty() ? Optional.empty() : Optional.of(lastError);
    }

    /** Starts the background ticker (daemon, so it never keeps the JVM alive). */
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kinora-autosave");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                maybeAutosave(clock.instant());
            } catch (RuntimeException e) {
                LOG.warn("autosave tick failed", e);
            }
        }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** Stops the ticker after one last flush. */
    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = timer;
            timer = null;
        }
        if (t != null) {
            t.shutdown();
            try {
                t.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
    }
}
