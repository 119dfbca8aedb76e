package dev.kinora.project;

/** A project, journal or queue file this build cannot read; the message says what and where. */
public final class FormatException extends Exception {
    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
