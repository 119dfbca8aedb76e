package dev.kinora.app.model;

/**
 * A conditioning input of a queued job, kept as a reference (not pixels) so the queue file stays
 * small and a job can be retried after a restart: either a take of a shot or a file on disk.
 * {@code lastFrameOnly} turns a clip into a still (the "use last frame" button).
 */
public record SourceRef(String shotId, String takeId, String path, boolean lastFrameOnly) {
    public SourceRef {
        shotId = shotId == null ? "" : shotId;
        takeId = takeId == null ? "" : takeId;
        path = path == null ? "" : path;
    }

    public static SourceRef take(String shotId, String takeId, boolean lastFrameOnly) {
        return new SourceRef(shotId, takeId, "", lastFrameOnly);
    }

    public static SourceRef file(String path) {
        return new SourceRef("", "", path, false);
    }

    public boolean isTake() {
        return !takeId.isEmpty();
    }
}
