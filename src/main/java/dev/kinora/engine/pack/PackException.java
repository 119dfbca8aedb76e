package dev.kinora.engine.pack;

/** A model pack cannot be used: the message names the file and what was expected. */
public final class PackException extends Exception {
    public PackException(String message) {
        super(message);
    }

    public PackException(String message, Throwable cause) {
        super(message, cause);
    }
}
