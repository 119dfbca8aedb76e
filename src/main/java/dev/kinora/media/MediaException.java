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

    /**
     * @param path    the file or folder concerned; its name starts the message
     * @param message what was expected, what was found, what to do
     * @param cause   the underlying error, or null
     */
    public MediaException(Kind kind, Path path, String message, Throwable cause) {
        super(Objects.requireNonNull(path, "path") + ": " + Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.path = path.toString(); // a String, not a Path: exceptions must stay serializable
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

    /** The file the failure is about, as the caller gave it. */
    public String path() {
        return path;
    }
}
