package dev.kinora.bench;

import java.util.Arrays;
import javafx.animation.AnimationTimer;

/**
 * Records the time of every JavaFX pulse while it runs, to measure how long the FX thread was ever
 * kept from rendering (see {@link PulseGaps}). Reusable in the studio: start it on the FX thread
 * around any interaction, read {@link #gaps()} from any thread.
 */
public final class FxStallMeter {
    private final AnimationTimer timer;
    private long[] stamps = new long[4096];
    private int count;

    /** Must be created on the FX thread (or after the toolkit started). */
    public FxStallMeter() {
        this.timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                record(now);
            }
        };
    }

    private synchronized void record(long now) {
        if (count == stamps.length) {
            stamps = Arrays.copyOf(stamps, count * 2);
        }
        stamps[count++] = now;
    }

    /** Starts recording pulses; call on the FX thread. */
    public void start() {
        timer.start();
    }

    /** Stops recording; call on the FX thread. */
    public void stop() {
        timer.stop();
    }

    /** Forgets the pulses so far (e.g. between an idle baseline and the measured phase). */
    public synchronized void reset() {
        count = 0;
    }

    public synchronized PulseGaps gaps() {
        return PulseGaps.of(Arrays.copyOf(stamps, count));
    }
}
