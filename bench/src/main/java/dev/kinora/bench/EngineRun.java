package dev.kinora.bench;

/**
 * One engine generation, timed by phase (milliseconds). {@code totalMs} is the engine's own job time
 * (text + denoise + decode); writing the file comes after it, in {@code fileMs}.
 */
public record EngineRun(long textMs, long denoiseMs, long decodeMs, long totalMs, long fileMs, int modelCalls, int frames,
                        int previews, long rssKb) {

    public double seconds() {
        return totalMs / 1000.0;
    }

    public double secondsWithFile() {
        return (totalMs + fileMs) / 1000.0;
    }
}
