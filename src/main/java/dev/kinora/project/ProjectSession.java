package dev.kinora.project;

import dev.kinora.engine.Recipe;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open project as the studio uses it: folder, undo stack, autosave and render queue wired
 * together so that saving marks exactly what was written, recovery replaces the document as unsaved,
 * and closing cleanly leaves no journal behind. The parts stay reachable for views that need them.
 *
 * <p>Saves run on the session's own save thread, one after another in the order they were asked
 * for ({@link #saveInBackground}, {@link #saveAsInBackground}): the document is read when the save
 * is asked for, so a UI thread asks and returns, and edits made while the file is written are
 * neither in it nor marked saved. {@link #close()} waits for them.
 */
public final class ProjectSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectSession.class);

    /**
     * How long {@link #close()} waits for saves in flight. A project.json takes milliseconds; Save As
     * copies the media, which on a slow disk can take a while. Past this the save finishes on its own
     * (daemon) thread if the process lives, and the journal, kept because the document is still dirty,
     * holds the edits if it does not.
     */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final Clock clock;
    private final String openMessage;
    private final CommandStack stack;
    private ProjectStore store;
    private Autosaver autosaver;
    private RenderQueue queue;
    private boolean autosaveStarted;

    private final ExecutorService ownSaver = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kinora-save");
        t.setDaemon(true);
        return t;
    });
    private volatile Executor saver = ownSaver;
    /** The save asked for last; the next one starts when it ends, however it ends. Guarded by this. */
    private CompletableFuture<?> lastSave = CompletableFuture.completedFuture(null);

    private FileChannel lockChannel;
    private FileLock lock;

    private ProjectSession(OpenResult opened, Clock clock) {
        OpenResult r = opened;
        if (!r.readOnly() && !tryLock(r.store().dir())) {
            String why = "This project is open in another Kinora window. It is open read-only here so the two do not"
                    + " overwrite each other's work; close the other window and open it again to edit.";
            r = new OpenResult(r.store().asReadOnly(why), r.project(), true, why);
        }
        this.clock = clock;
        this.openMessage = r.message();
        this.store = r.store();
        this.stack = new CommandStack(r.project());
        this.autosaver = new Autosaver(store, stack, clock);
        this.queue = RenderQueue.open(store, clock);
    }

    public static ProjectSession create(Path dir, String name) throws IOException {
        return create(dir, name, Clock.systemUTC(), RecentProjects.user());
    }

    public static ProjectSession create(Path dir, String name, Clock clock, RecentProjects recents) throws IOException {
        return new ProjectSession(ProjectStore.create(dir, name, clock, recents), clock);
    }

    public static ProjectSession open(Path dir) throws IOException {
        return open(dir, Clock.systemUTC(), RecentProjects.user());
    }

    public static ProjectSession open(Path dir, Clock clock, RecentProjects recents) throws IOException {
        return new ProjectSession(ProjectStore.open(dir, clock, recents), clock);
    }

    /**
     * One writer per project folder, across processes: two windows autosaving and saving the same
     * files would each silently undo the other. The OS drops the lock if the process dies.
     */
    private boolean tryLock(Path dir) {
        try {
            FileChannel ch = FileChannel.open(dir.resolve(ProjectStore.LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // held by another session in this JVM
            }
            if (l == null) {
                ch.close();
                return false;
            }
            releaseLock();
            lockChannel = ch;
            lock = l;
            return true;
        } catch (IOException e) {
            // A file system without locks (some network shares) must not stop the artist working.
            return true;
        }
    }

    private void releaseLock() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException ignored) {
            // the OS releases it with the process anyway
        }
        lock = null;
        lockChannel = null;
    }

    public synchronized ProjectStore store() {
        return store;
    }

    public CommandStack stack() {
        return stack;
    }

    public synchronized RenderQueue queue() {
        return queue;
    }

    public synchronized Autosaver autosaver() {
        return autosaver;
    }

    public Project project() {
        return stack.current();
    }

    public synchronized boolean readOnly() {
        return store.readOnly();
    }

    /** Why the project opened read-only (or another note from opening it), without the queue's; empty when nothing. */
    public String openMessage() {
        return openMessage;
    }

    /** What to tell the artist on open (why it is read-only, interrupted jobs); empty when nothing. */
    public synchronized String message() {
        String q = queue.loadMessage();
        return openMessage.isEmpty() ? q : q.isEmpty() ? openMessage : openMessage + "\n" + q;
    }

    public Project execute(Command c) {
        return stack.execute(c);
    }

    /** Starts journaling in the background (the studio calls this; tests drive {@link Autosaver#maybeAutosave}). */
    public synchronized void startAutosave() {
        autosaveStarted = true;
        autosaver.start();
    }

    public synchronized Optional<RecoveryInfo> recovery() {
        return store.recovery();
    }

    /** Replaces the document with the journaled one, unsaved, without undo history across the crash. */
    public void recover() throws IOException {
        Project p;
        synchronized (this) {
            p = store.recover();
        }
        stack.reset(p, false);
    }

    public synchronized void declineRecovery() throws IOException {
        store.declineRecovery();
    }

    /**
     * Where saves run from now on (the session's own save thread by default). Saves stay in order
     * on any executor: each is handed over only when the one before it has ended. Tests pass one that
     * holds saves back or delays them.
     */
    public void saveOn(Executor executor) {
        saver = executor == null ? ownSaver : executor;
    }

    /** Saves the current document and marks that very document saved (edits made meanwhile stay dirty); waits for it. */
    public void save() throws IOException {
        await(saveInBackground());
    }

    /**
     * Saves the document as it is now, after any save asked for before; returns at once. When the
     * write lands, that document is marked saved: if it is still the current one the session is
     * clean, and edits made meanwhile keep it dirty. The future gives the folder written to (a Save As
     * asked for earlier may have moved the session), or the failure; a read-only project fails with
     * {@link IllegalStateException}.
     */
    public CompletableFuture<Path> saveInBackground() {
        CommandStack.Snapshot s = stack.snapshot(); // here, on the asking thread: later edits are not in this save
        return inSaveOrder(() -> {
            ProjectStore st = store(); // the folder when its turn comes
            st.save(s.project());
            stack.markSaved(s.project());
            return st.dir();
        });
    }

    /**
     * Saves a copy in {@code dir} and continues there. The old folder's journal is dropped (its edits
     * now live in the copy); its queue stays with it, and this session gets the copy's (empty) queue.
     */
    public void saveAs(Path dir) throws IOException {
        saveAs(dir, false);
    }

    /**
     * {@link #saveAs(Path)}, optionally taking the render queue along: the first save of an untitled
     * project is a move, not a copy (its scratch folder goes away), so its jobs continue in the new
     * folder; one that was running resumes there. Waits for it.
     */
    public void saveAs(Path dir, boolean carryQueue) throws IOException {
        await(saveAsInBackground(dir, carryQueue));
    }

    /**
     * {@link #saveAs(Path, boolean)} of the document as it is now, after any save asked for before;
     * returns at once. The session moves to the copy when the copy is written; the future gives its folder.
     */
    public CompletableFuture<Path> saveAsInBackground(Path dir, boolean carryQueue) {
        CommandStack.Snapshot s = stack.snapshot();
        return inSaveOrder(() -> moveTo(s, dir, carryQueue));
    }

    /** On the save thread. The monitor is held only to switch folders, never while copying, so the UI can read the session meanwhile. */
    private Path moveTo(CommandStack.Snapshot s, Path dir, boolean carryQueue) throws IOException {
        ProjectStore old;
        RenderQueue oldQueue;
        synchronized (this) {
            old = store;
            oldQueue = queue;
        }
        if (carryQueue) {
            // The file must hold every job before it is copied, and the old folder is going away:
            // a later change (the cancel of the job running there) must not recreate it.
            oldQueue.retire();
        }
        ProjectStore copy = old.saveAs(s.project(), dir);
        if (carryQueue && Files.isRegularFile(old.queueFile())) {
            AtomicFiles.copy(old.queueFile(), copy.queueFile());
        }
        RenderQueue copyQueue = RenderQueue.open(copy, clock);
        autosaver().close(); // its last journal write goes to the old folder, dropped below
        synchronized (this) {
            tryLock(copy.dir()); // a fresh folder: nobody else can hold it
            store = copy;
            stack.markSaved(s.project());
            autosaver = new Autosaver(copy, stack, clock);
            if (autosaveStarted) {
                autosaver.start();
            }
            queue = copyQueue;
        }
        old.discardJournal();
        return copy.dir();
    }

    /**
     * Runs {@code work} on the save thread after every save asked for so far; saves asked for later
     * wait for it. For work that must not overlap a save, such as writing a copy of the project.
     */
    public synchronized <T> CompletableFuture<T> inSaveOrder(Callable<T> work) {
        Executor on = saver;
        CompletableFuture<T> next = lastSave.handle((r, e) -> null).thenApplyAsync(x -> {
            try {
                return work.call();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, on);
        lastSave = next;
        return next;
    }

    /**
     * Waits up to {@code max} for every save asked for so far to end, failed ones included. Returns
     * false when one is still running (it goes on; nothing is cancelled).
     */
    public boolean awaitSaves(Duration max) {
        CompletableFuture<?> last;
        synchronized (this) {
            last = lastSave;
        }
        try {
            last.handle((r, e) -> null).get(max.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true; // handle() leaves nothing to fail
        }
    }

    /** The outcome of a save, as the synchronous methods report it: the save's own exception. */
    private static void await(CompletableFuture<?> f) throws IOException {
        try {
            f.join();
        } catch (CompletionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }

    /** Makes the take for a written slot (fsyncing it) and adds it to the shot as one undoable step. */
    public Take addTake(String shotId, ProjectStore.MediaSlot slot, Recipe recipe, int frames, double fps,
                        int width, int height, boolean makeActive) throws IOException {
        Take t = store().finishTake(slot, recipe, frames, fps, width, height, "");
        stack.execute(new Commands.AddTake(shotId, t, makeActive));
        return t;
    }

    /** Files the current document refers to that are not on disk. */
    public List<Path> missingMedia() {
        return store().missingMedia(project());
    }

    /** Relinks a missing file (see {@link ProjectStore#relink}); source changes are one undoable step. */
    public void relink(Path missing, Path replacement) throws IOException {
        stack.execute(store().relink(project(), missing, replacement));
    }

    /** Writes the storyboard as an OpenTimelineIO file. */
    public void exportOtio(Path otioFile) throws IOException {
        OtioExporter.export(project(), store().dir(), otioFile);
    }

    /**
     * Stops autosave after a last journal write, once saves in flight have ended (up to
     * {@link #CLOSE_WAIT}). A clean document needs no journal, so it is removed; a dirty one keeps it,
     * and the next open offers it (the studio asks "save changes?" before this).
     */
    @Override
    public void close() throws IOException {
        // Not under the monitor: a save in flight needs it to finish.
        if (!awaitSaves(CLOSE_WAIT)) {
            LOG.warn("a save of {} was still running after {} s; closing anyway (the journal keeps the edits)",
                    store().dir(), CLOSE_WAIT.toSeconds());
        }
        ownSaver.shutdown(); // a save still running finishes; none starts after this
        synchronized (this) {
            autosaver.close();
            if (!stack.isDirty()) {
                store.discardJournal();
            }
            releaseLock();
        }
    }
}
