package dev.kinora.project;

import dev.kinora.engine.Recipe;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * An open project as the studio uses it: folder, undo stack, autosave and render queue wired
 * together so that saving marks exactly what was written, recovery replaces the document as unsaved,
 * and closing cleanly leaves no journal behind. The parts stay reachable for views that need them.
 */
public final class ProjectSession implements AutoCloseable {
    private final Clock clock;
    private final String openMessage;
    private final CommandStack stack;
    private ProjectStore store;
    private Autosaver autosaver;
    private RenderQueue queue;
    private boolean autosaveStarted;

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

    /** Saves the current document and marks that very document saved (edits made meanwhile stay dirty). */
    public synchronized void save() throws IOException {
        CommandStack.Snapshot s = stack.snapshot();
        store.save(s.project());
        stack.markSaved(s.project());
    }

    /**
     * Saves a copy in {@code dir} and continues there. The old folder's journal is dropped (its edits
     * now live in the copy); its queue stays with it, and this session gets the copy's (empty) queue.
     */
    public synchronized void saveAs(Path dir) throws IOException {
        saveAs(dir, false);
    }

    /**
     * {@link #saveAs(Path)}, optionally taking the render queue along: the first save of an untitled
     * project is a move, not a copy (its scratch folder goes away), so its jobs continue in the new
     * folder; one that was running resumes there.
     */
    public synchronized void saveAs(Path dir, boolean carryQueue) throws IOException {
        CommandStack.Snapshot s = stack.snapshot();
        ProjectStore copy = store.saveAs(s.project(), dir);
        if (carryQueue && java.nio.file.Files.isRegularFile(store.queueFile())) {
            AtomicFiles.copy(store.queueFile(), copy.queueFile());
        }
        ProjectStore old = store;
        autosaver.close();
        tryLock(copy.dir()); // a fresh folder: nobody else can hold it
        store = copy;
        stack.markSaved(s.project());
        autosaver = new Autosaver(copy, stack, clock);
        if (autosaveStarted) {
            autosaver.start();
        }
        queue = RenderQueue.open(copy, clock);
        old.discardJournal();
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
     * Stops autosave after a last journal write. A clean document needs no journal, so it is removed;
     * a dirty one keeps it, and the next open offers it (the studio asks "save changes?" before this).
     */
    @Override
    public synchronized void close() throws IOException {
        autosaver.close();
        if (!stack.isDirty()) {
            store.discardJournal();
        }
        releaseLock();
    }
}
