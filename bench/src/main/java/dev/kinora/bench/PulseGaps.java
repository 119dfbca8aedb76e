package dev.kinora.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Gaps between consecutive FX pulses. At 60 Hz an idle UI pulses every 16.7 ms; anything that holds
 * the FX thread (work posted with runLater, layout, image uploads, a GC pause) makes a longer gap, and
 * the longest gap is the longest time the studio could not respond to the artist.
 */
public record PulseGaps(int pulses, double maxMs, double p99Ms, double medianMs, int over50Ms) {

    /** From pulse timestamps in nanoseconds (ascending). */
    public static PulseGaps of(long[] pulseNanos) {
        if (pulseNanos.length < 2) {
            return new PulseGaps(pulseNanos.length, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double[] gaps = new double[pulseNanos.length - 1];
        int over = 0;
        for (int i = 1; i < pulseNanos.length; i++) {
            gaps[i - 1] = (pulseNanos[i] - pulseNanos[i - 1]) / 1e6;
            if (gaps[i - 1] > 50.0) {
                over++;
            }
        }
        Arrays.sort(gaps);
        int p99 = (int) Math.ceil(0.99 * gaps.length) - 1;
        return new PulseGaps(pulseNanos.length, gaps[gaps.length - 1], gaps[Math.max(0, p99)], Stats.of(gaps).median(), over);
    }

    public String describe() {
        return String.format(Locale.ROOT, "%d pulses, longest gap %.1f ms, p99 %.1f ms, median %.1f ms, %d gaps over 50 ms",
                pulses, maxMs, p99Ms, medianMs, over50Ms);
    }
}
