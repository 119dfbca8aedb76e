package dev.kinora.cli;

/** The user's input cannot be used (exit code 2). */
public final class BadInputException extends Exception {
    public BadInputException(String message) {
        super(message);
    }
}
