package dev.kinora.media;

import java.util.List;
import java.util.Objects;

/**
 * A clip and what the reader has to tell about it.
 *
 * @param clip     the frames
 * @param warnings one line each, naming the file, for the caller to show (e.g. which frames were
 *                 damaged when {@link ReadOptions#allowDamaged()} let them through); empty when clean
 */
public record ReadResult(Clip clip, List<String> warnings) {

    public ReadResult {
        Objects.requireNonNull(clip, "clip");
        warnings = List.copyOf(warnings);
    }
}
