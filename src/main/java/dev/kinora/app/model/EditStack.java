package dev.kinora.app.model;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Every edit of the storyboard is a named command on this stack. Commands keep the document
 * before and after (the document is a small immutable record, so a snapshot costs a few pointers)
 * which makes execute/revert trivially exact. The revision counter drives the dirty flag, autosave
 * and panel refreshes: panels listen to one number instead of a web of fine-grained listeners.
 *
 * <p>Adapter note: the {@code project} branch owns the persistent document and its CommandStack;
 * until that lands in this branch the studio keeps its own here, with the same shape
 * (execute/undo/redo/revision) so the swap is local.
 */
public final class EditStack {
    /** A reversible edit: the state before and after, and the label shown in Edit → Undo. */
    public record Command(String label, Storyboard before, Storyboard after) {
    }

    public interface Listener {
        void changed(Storyboard doc, long revision);
    }

    private final Deque<Command> undo = new ArrayDeque<>();
    private final Deque<Command> redo = new ArrayDeque<>();
    private final java.util.List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Storyboard doc;
    private long revision;
    private long savedRevision;
    private boolean readOnly;
    private int limit = 500;

    public EditStack(Storyboard doc) {
        this.doc = Objects.requireNonNull(doc);
    }

    public Storyboard doc() {
        return doc;
    }

    public long revision() {
        return revision;
    }

    public boolean dirty() {
        return revision != savedRevision;
    }

    public void markSaved() {
        savedRevision = revision;
        fire();
    }

    public boolean readOnly() {
        return readOnly;
    }

    public void setReadOnly(boolean ro) {
        readOnly = ro;
        fire();
    }

    /**
     * Applies an edit. Edits that change nothing are dropped so undo never has to step through no-ops.
     * Returns false when the document is read-only.
     */
    public boolean execute(String label, UnaryOperator<Storyboard> edit) {
        if (readOnly) {
            return false;
        }
        Storyboard after = edit.apply(doc);
        if (after.equals(doc)) {
            return true;
        }
        undo.push(new Command(label, doc, after));
        while (undo.size() > limit) {
            undo.removeLast();
        }
        redo.clear();
        doc = after;
        revision++;
        fire();
        return true;
    }

    public boolean canUndo() {
        return !readOnly && !undo.isEmpty();
    }

    public boolean canRedo() {
        return !readOnly && !redo.isEmpty();
    }

    public Optional<String> undoLabel() {
        return undo.isEmpty() ? Optional.empty() : Optional.of(undo.peek().label());
    }

    public Optional<String> redoLabel() {
        return redo.isEmpty() ? Optional.empty() : Optional.of(redo.peek().label());
    }

    public void undo() {
        if (!canUndo()) {
            return;
        }
        Command c = undo.pop();
        redo.push(c);
        doc = c.before();
        revision++;
        fire();
    }

    public void redo() {
        if (!canRedo()) {
            return;
        }
        Command c = redo.pop();
        undo.push(c);
        doc = c.after();
        revision++;
        fire();
    }

    /** Replaces the whole document (open, recover) and forgets the history that belonged to the old one. */
    public void reset(Storyboard d, boolean ro) {
        reset(d, ro, false);
    }

    /** As {@link #reset(Storyboard, boolean)}; {@code unsaved} keeps it dirty (recovered autosave). */
    public void reset(Storyboard d, boolean ro, boolean unsaved) {
        doc = Objects.requireNonNull(d);
        undo.clear();
        redo.clear();
        readOnly = ro;
        revision++;
        savedRevision = unsaved ? -1 : revision;
        fire();
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    private void fire() {
        for (Listener l : listeners) {
            l.changed(doc, revision);
        }
    }
}
