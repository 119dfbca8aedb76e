package dev.kinora.engine.pack;

import java.util.Locale;

/**
 * How hard {@link PackVerifier} looks at a file's bytes.
 *
 * <p>{@link #FULL} hashes every byte: what {@code kinora models verify} does by default and what an
 * engine does the first time it loads a pack. {@link #QUICK} may take the sha256 from the
 * {@link HashCache} when the cache can prove the file unchanged since it was last hashed in full
 * (same inode, size, mtime and ctime, and the same sampled blocks); anything it cannot prove falls
 * back to a full hash.
 */
public enum Verification {
    FULL, QUICK;

    /** "full" or "quick", in any case; anything else is an error that lists the choices. */
    public static Verification parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown verification '" + s + "'; expected full or quick", e);
        }
    }
}
