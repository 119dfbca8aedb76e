package dev.kinora.engine;

import dev.kinora.engine.onnx.DeviceReport;
import java.util.List;

/**
 * Frames and the recipe that made them. {@code complete} is false for the finished windows of a
 * cancelled job: partial, but every frame in it is final. {@code warnings} says what the engine
 * changed about the request (a prompt truncated to the tokenizer's limit, say).
 */
public record GenerationResult(Frames frames, Recipe recipe, DeviceReport device, Timings timings, boolean complete,
                               List<String> warnings) {
    public GenerationResult {
        warnings = List.copyOf(warnings);
    }

    /** Where the time went, in milliseconds. */
    public record Timings(long textMs, long sourceEncodeMs, long denoiseMs, long decodeMs, long totalMs, int modelCalls) {
    }
}
