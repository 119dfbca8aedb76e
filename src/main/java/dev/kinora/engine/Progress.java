package dev.kinora.engine;

import java.time.Duration;

/**
 * A progress event. Steps count model calls over the whole job (all windows), so the fraction and
 * the ETA are smooth across windows.
 */
public record Progress(Stage stage, int window, int windows, int step, int steps, Duration elapsed, Duration eta,
                       Preview preview) {
    public double fraction() {
        if (stage == Stage.DONE) {
            return 1.0;
        }
        return steps == 0 ? 0.0 : Math.min(1.0, step / (double) steps);
    }
}
