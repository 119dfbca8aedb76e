package dev.kinora.engine;

/** A request the pack cannot serve (wrong mode, missing source, sizes out of range): bad input, exit code 2. */
public class InvalidRequestException extends Exception {
    public InvalidRequestException(String message) {
        super(message);
    }
}
