package dev.kinora.engine;

/**
 * A job the pack's model cannot do at all (animate on a text-only family, backward extension on a causal one): the
 * request is well formed, the pack is the limit, so the CLI exits 3 as for other pack limits and names the modes it has.
 */
public final class UnsupportedModeException extends InvalidRequestException {
    public UnsupportedModeException(String message) {
        super(message);
    }
}
