package dev.kinora.project;

/**
 * One edit of the document. Commands are pure functions of the document, so the stack undoes them by
 * keeping the previous (immutable) document rather than by hand-written inverses that can drift.
 * Studio code may add its own; those in {@link Commands} cover the storyboard.
 */
public interface Command {
    /** What the Edit menu shows: "Undo " + name(). */
    String name();

    /** The edited document; throws {@link IllegalArgumentException} naming the problem when it cannot apply. */
    Project apply(Project p);

    /**
     * Whether {@code next}, executed right after this one, joins this command's undo step. Typing a
     * prompt is hundreds of edits but one thing to undo.
     */
    default boolean coalescesWith(Command next) {
        return false;
    }
}
