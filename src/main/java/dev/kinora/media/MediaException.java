package dev.kinora.media;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A media file could not be read or written.
 *
 * <p>{@link Kind#BAD_INPUT} means the file (or the caller's request) is wrong and retrying will not
 * help; {@link Kind#IO} means the file system failed us (unwritable folder, disk full), so the user
 * can fix the environment and retry. Messages name the file, say what was expected, what was found
 * and what to do, because they end up in front of an artist, not a developer.
 */
public final class MediaException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the operation failed. */
    public enum Kind { BAD_INPUT, IO }

    private final Kind kind;
    private final String path;

    public MediaException(Kind kind, Path path, String message) {
        this(kind, path, message, null);
    }

    public MediaException(Kind kind, Path path, String message, Throwable cause) {
        super(path == null ? message : path + ": " + message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.path = path == null ? "" : path.toString();
    }

    static MediaException badInput(Path path, String message) {
        return new MediaException(Kind.BAD_INPUT, path, message);
    }

    static MediaException badInput(Path path, String message, Throwable cause) {
        return new MediaException(Kind.BAD_INPUT, path, message, cause);
    }

    static MediaException io(Path path, String message, Throwable cause) {
        return new MediaException(Kind.IO, path, message, cause);
    }

    public Kind kind() {
        return kind;
    }

    /** The file the failure is about, as given by the caller; empty when there is none. */
    public String path() {
        return path;
    }
}
