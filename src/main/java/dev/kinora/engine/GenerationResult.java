package dev.kinora.engine;

import dev.kinora.engine.onnx.DeviceReport;

/**
 * Frames and the recipe that made them. {@code complete} is false for the finished windows of a
 * cancelled job: partial, but every frame in it is final.
 */
public record GenerationResult(Frames frames, Recipe recipe, DeviceReport device, Timings timings, boolean complete) {
    /** Where the time went, in milliseconds. */
    public record Timings(long textMs, long sourceEncodeMs, long denoiseMs, long decodeMs, long totalMs, int modelCalls) {
    }
}
