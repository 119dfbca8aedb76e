package dev.kinora.engine;

/** Receives progress on the generating thread; implementations hand off quickly (the UI posts to its thread). */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = p -> { };

    void onProgress(Progress progress);
}
