package dev.kinora.engine;

/** A conditioning input: its frames at the pack's size, and where it came from for the recipe. */
public record Source(Frames frames, String path, String sha256) {
    public Source {
        if (frames.count() == 0) {
            throw new IllegalArgumentException("source " + path + " has no frames");
        }
    }
}
