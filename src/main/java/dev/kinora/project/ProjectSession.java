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
 * neither in it nor marked saved. {@link #close()} waits for them. A new project can start the same
 * way ({@link #createUnsaved}): its folder is made by its first save, on the save thread.
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

    /**
     * False for a session from {@link #createUnsaved} until a save has made its folder: until then the
     * lock, autosave and recovery wait, since the folder may still hold what an earlier project left
     * there (a reused scratch folder). Guarded by this.
     */
    private boolean onDisk = true;
    /** What the save that makes the folder does first (emptying a reused folder); runs on the save thread. */
    private final Preparation prepare;

    /** Work on the disk before a new project's folder is made. */
    @FunctionalInterface
    public interface Preparation {
        Preparation NONE = () -> { };

        void run() throws IOException;
    }

    private ProjectSession(OpenResult opened, Clock clock) {
        OpenResult r = opened;
        if (!r.readOnly() && !java.nio.file.Files.isWritable(r.store().dir())) {
            // tryLock treats a lock file it cannot create as "no locks here": a folder nobody may write opens read-only instead
            String why = "This project's folder cannot be written (" + r.store().dir() + "). It is open read-only; use Save As to keep"
                    + " your changes somewhere you can write.";
            r = new OpenResult(r.store().asReadOnly(why), r.project(), true, why);
        }
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
        this.prepare = Preparation.NONE;
    }

    private ProjectSession(ProjectStore unwritten, Project content, Preparation prepare, Clock clock) {
        this.clock = clock;
        this.openMessage = "";
        this.store = unwritten;
        // Unsaved until the first save lands: if writing the folder fails, nothing claims the document is on disk.
        this.stack = new CommandStack(Project.empty(content.name()));
        stack.reset(content, false);
        this.autosaver = new Autosaver(store, stack, clock);
        this.queue = RenderQueue.fresh(store.queueFile(), clock);
        this.prepare = prepare;
        this.onDisk = false;
    }

    public static ProjectSession create(Path dir, String name) throws IOException {
        return create(dir, name, Clock.systemUTC(), RecentProjects.user());
    }

    public static ProjectSession create(Path dir, String name, Clock clock, RecentProjects recents) throws IOException {
        return new ProjectSession(ProjectStore.create(dir, name, clock, recents), clock);
    }

    /**
     * A new project in {@code dir} holding {@code content}, with nothing written yet, so a UI thread can
     * start one without touching the disk. The first save ({@link #saveInBackground}, on the save
     * thread) runs {@code prepare}, makes the folder as {@link #create} does (refused when it holds
     * anything), writes the document and takes the folder's lock; autosave starts then. Until that save
     * lands the document is unsaved and the render queue is empty and unwritten.
     */
    public static ProjectSession createUnsaved(Path dir, Project content, Preparation prepare, Clock clock, RecentProjects recents) {
        return new ProjectSession(ProjectStore.unwritten(dir, clock, recents), content, prepare, clock);
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

    /** Whether the project's folder has been written: false from {@link #createUnsaved} until its first save lands. */
    public synchronized boolean onDisk() {
        return onDisk;
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
        if (onDisk) { // else the save that makes the folder starts it: a journal must not land in a folder about to be emptied
            autosaver.start();
        }
    }

    /** Unsaved edits journaled in the folder; none for a project not written yet (a journal there is an earlier project's). */
    public synchronized Optional<RecoveryInfo> recovery() {
        return onDisk ? store.recovery() : Optional.empty();
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
            if (onDisk()) {
                st.save(s.project());
            } else {
                makeFolder(st, s.project()); // a failed first save leaves it unwritten: the next save tries again
            }
            stack.markSaved(s.project());
            return st.dir();
        });
    }

    /** On the save thread: the first save of a project from {@link #createUnsaved}. */
    private void makeFolder(ProjectStore st, Project p) throws IOException {
        prepare.run();
        st.createFolder(p);
        synchronized (this) {
            tryLock(st.dir()); // a folder just made: nobody else can hold it
            onDisk = true;
            if (autosaveStarted) {
                autosaver.start();
            }
        }
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
        boolean written;
        synchronized (this) {
            old = store;
            oldQueue = queue;
            written = onDisk;
        }
        if (carryQueue && written) {
            // The file must hold every job before it is copied, and the old folder is going away:
            // a later change (the cancel of the job running there) must not recreate it.
            oldQueue.retire();
        }
        ProjectStore copy;
        if (written) {
            copy = old.saveAs(s.project(), dir);
        } else {
            // Its folder was never made (that save failed): what is there is not this project's to copy.
            copy = old.unwrittenAt(dir);
            copy.createFolder(s.project());
        }
        if (carryQueue && written && Files.isRegularFile(old.queueFile())) {
            AtomicFiles.copy(old.queueFile(), copy.queueFile());
        }
        RenderQueue copyQueue = RenderQueue.open(copy, clock);
        if (written) {
            autosaver().close(); // its last journal write goes to the old folder, dropped below
        }
        synchronized (this) {
            tryLock(copy.dir()); // a fresh folder: nobody else can hold it
            onDisk = true;
            store = copy;
            stack.markSaved(s.project());
            autosaver = new Autosaver(copy, stack, clock);
            if (autosaveStarted) {
                autosaver.start();
            }
            queue = copyQueue;
        }
        if (written) {
            old.discardJournal();
        }
        return copy.dir();
    }

    /**
     * Save As for a read-only project, which this session cannot become a copy of (it stays read-only,
     * and may not hold the folder's lock): writes the document as it is now to {@code dir} with the
     * media and sources inside this folder, as {@link #saveAs(Path)} does, on the save thread after
     * saves asked for before; returns at once. The future gives a new, writable session on the copy,
     * for the caller to continue in and close.
     */
    public CompletableFuture<ProjectSession> copyInBackground(Path dir) {
        CommandStack.Snapshot s = stack.snapshot();
        return inSaveOrder(() -> {
            ProjectStore copy = store().saveAs(s.project(), dir);
            return new ProjectSession(new OpenResult(copy, s.project(), false, ""), clock);
        });
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
            if (onDisk) { // an unwritten project has no folder of its own to journal into
                autosaver.close();
                if (!stack.isDirty()) {
                    store.discardJournal();
                }
            }
            releaseLock();
        }
    }
}
