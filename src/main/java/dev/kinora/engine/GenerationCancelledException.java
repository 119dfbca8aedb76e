package dev.kinora.engine;

/** A generation was cancelled by its token; the partial result, if any, travels with it. */
public final class GenerationCancelledException extends Exception {
    private final transient GenerationResult partial;

    public GenerationCancelledException(String message, GenerationResult partial) {
        super(message);
        this.partial = partial;
    }

    public java.util.Optional<GenerationResult> partial() {
        return java.util.Optional.ofNullable(partial);
    }
}
