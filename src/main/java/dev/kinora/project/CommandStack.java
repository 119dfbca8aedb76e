package dev.kinora.project;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Undo/redo over immutable snapshots of the document. The UI thread executes commands; the autosaver
 * reads {@link #snapshot()} from its own thread, so state is guarded by this object's monitor and
 * listeners run outside it (on the thread that made the change).
 */
public final class CommandStack {
    /** Snapshots share unchanged shots, so a deep history is cheap; the bound only stops a runaway session. */
    public static final int DEFAULT_LIMIT = 1000;

    private record Step(Command command, Project before, Project after) {
    }

    /** The document and its revision, read together so a save can mark exactly what it wrote. */
    public record Snapshot(Project project, long revision) {
    }

    private final int limit;
    private final Deque<Step> undo = new ArrayDeque<>();
    private final Deque<Step> redo = new ArrayDeque<>();
    private final List<Consumer<Project>> listeners = new CopyOnWriteArrayList<>();
    private Project current;
    private Project saved;
    private long revision;
    private boolean boundary = true;

    public CommandStack(Project initial) {
        this(initial, DEFAULT_LIMIT);
    }

    public CommandStack(Project initial, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("undo limit must be at least 1, got " + limit);
        }
        this.current = Objects.requireNonNull(initial, "initial project");
        this.saved = initial;
        this.limit = limit;
    }

    public synchronized Project current() {
        return current;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(current, revision);
    }

    /**
     * Counts every change of the current document (execute, undo, redo, reset); never goes down, so
     * views refresh when it moves and the autosaver knows what it has written.
     */
    public synchronized long revision() {
        return revision;
    }

    /**
     * Whether the document differs from the last one marked saved. Undoing back to the saved state
     * makes it clean again: dirtiness compares documents, not counts of edits.
     */
    public synchronized boolean isDirty() {
        return current != saved;
    }

    /** Executes a command; returns the new document. A command that changes nothing leaves no undo step. */
    public Project execute(Command c) {
        Project after;
        synchronized (this) {
            after = c.apply(current);
            Objects.requireNonNull(after, () -> "command '" + c.name() + "' returned no document");
            if (after.equals(current)) {
                return current;
            }
            Step top = undo.peekLast();
            if (!boundary && top != null && top.after() == current && current != saved && top.command().coalescesWith(c)) {
                undo.removeLast();
                undo.addLast(new Step(c, top.before(), after));
            } else {
                undo.addLast(new Step(c, current, after));
                if (undo.size() > limit) {
                    undo.removeFirst();
                }
            }
            redo.clear();
            boundary = false;
            current = after;
            revision++;
        }
        fire(after);
        return after;
    }

    public synchronized boolean canUndo() {
        return !undo.isEmpty();
    }

    public synchronized boolean canRedo() {
        return !redo.isEmpty();
    }

    /** The name of the step {@link #undo()} would revert. */
    public synchronized Optional<String> undoName() {
        return undo.isEmpty() ? Optional.empty() : Optional.of(undo.peekLast().command().name());
    }

    public synchronized Optional<String> redoName() {
        return redo.isEmpty() ? Optional.empty() : Optional.of(redo.peekLast().command().name());
    }

    public boolean undo() {
        Project now;
        synchronized (this) {
            Step s = undo.pollLast();
            if (s == null) {
                return false;
            }
            redo.addLast(s);
            current = s.before();
            now = current;
            boundary = true;
            revision++;
        }
        fire(now);
        return true;
    }

    public boolean redo() {
        Project now;
        synchronized (this) {
            Step s = redo.pollLast();
            if (s == null) {
                return false;
            }
            undo.addLast(s);
            current = s.after();
            now = current;
            boundary = true;
            revision++;
        }
        fire(now);
        return true;
    }

    /** Ends the current coalescing run, e.g. when the prompt field loses focus. */
    public synchronized void breakCoalescing() {
        boundary = true;
    }

    /** Records that {@code written} is what is on disk now (pass the document the save wrote, not a later one). */
    public synchronized void markSaved(Project written) {
        saved = Objects.requireNonNull(written);
        boundary = true;
    }

    /** Replaces the document and forgets history: after open, recovery or revert. */
    public void reset(Project p, boolean markSaved) {
        synchronized (this) {
            current = Objects.requireNonNull(p);
            if (markSaved) {
                saved = p;
            }
            undo.clear();
            redo.clear();
            boundary = true;
            revision++;
        }
        fire(p);
    }

    /** Called with the new document after every change; returns a handle that removes the listener. */
    public Runnable addListener(Consumer<Project> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void fire(Project p) {
        List<RuntimeException> failures = new ArrayList<>();
        for (Consumer<Project> l : listeners) {
            try {
                l.accept(p);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        // One broken view must not stop the others (or the autosaver) from hearing about the change.
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
