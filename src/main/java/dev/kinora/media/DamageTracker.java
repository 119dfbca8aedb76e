package dev.kinora.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which source frames of a clip had decoding errors, numbered by presentation time.
 *
 * <p>A frame is damaged when FFmpeg logged an error while it was being decoded (the grab that
 * returned it), or flagged it as concealed/corrupt. Frames that never came out at all show up as a
 * jump in timestamps; such a gap counts as damaged only next to a damaged frame, because a
 * variable-rate file has gaps of its own.
 */
final class DamageTracker {

    private final double intervalUs;
    private final long startUs;
    private final long expectedFrames;
    /** Damaged frame numbers as closed ranges {from, to}, ascending and merged. */
    private final List<long[]> ranges = new ArrayList<>();
    private long prevNum = -1;
    private boolean prevDamaged;
    private int carried;
    private String firstError = "";

    /**
     * @param sourceFps      the container's frame rate; frames are numbered by decode order when it is unusable
     * @param startUs        the container's start time in µs (frame 0's timestamp), or Long.MIN_VALUE if unknown
     * @param expectedFrames the container's frame count, or 0 when unknown
     */
    DamageTracker(double sourceFps, long startUs, long expectedFrames) {
        this.intervalUs = sourceFps > 0 && sourceFps <= 1000 ? 1e6 / sourceFps : 0;
        this.startUs = startUs;
        this.expectedFrames = Math.max(0, expectedFrames);
    }

    /** Errors logged by a grab that gave no usable picture: they belong to the next frame. */
    void carry(FfmpegLog.ErrorCount errors) {
        noteFirst(errors);
        carried += errors.errors();
    }

    /** A decoded frame: its timestamp (µs), its index in decode order, and what went wrong while decoding it. */
    void frame(long timestampUs, int index, FfmpegLog.ErrorCount errors, boolean flagged) {
        noteFirst(errors);
        long num = number(timestampUs, index);
        boolean damaged = errors.errors() + carried > 0 || flagged;
        carried = 0;
        if (num > prevNum + 1 && (damaged || prevDamaged)) {
            add(prevNum + 1, num - 1); // frames that never came out
        }
        if (damaged) {
            add(num, num);
        }
        prevNum = num;
        prevDamaged = damaged;
    }

    /** The stream ended; errors while reaching the end mean the frames after the last one were lost. */
    void end(FfmpegLog.ErrorCount errors) {
        noteFirst(errors);
        if (errors.errors() + carried > 0) {
            lostFromHere();
        }
    }

    /** Decoding threw: nothing from here on could be read. */
    void failed(String why) {
        if (firstError.isEmpty()) {
            firstError = why;
        }
        lostFromHere();
    }

    boolean any() {
        return !ranges.isEmpty();
    }

    /** The first FFmpeg error line, for the log. */
    String firstError() {
        return firstError;
    }

    /** "frame 7", "frames 31–44" or "frames 3, 9–12 and 2 more ranges", with their times where the rate is known. */
    String describe() {
        long count = 0;
        for (long[] r : ranges) {
            count += r[1] - r[0] + 1;
        }
        StringBuilder sb = new StringBuilder(count == 1 ? "frame " : "frames ");
        int shown = Math.min(ranges.size(), 4);
        for (int i = 0; i < shown; i++) {
            long[] r = ranges.get(i);
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(r[0]);
            if (r[1] > r[0]) {
                sb.append('–').append(r[1]);
            }
        }
        if (ranges.size() > shown) {
            sb.append(" and ").append(ranges.size() - shown).append(" more ranges");
        }
        if (intervalUs > 0) {
            double from = ranges.get(0)[0] * intervalUs / 1e6;
            double to = (ranges.get(ranges.size() - 1)[1] + 1) * intervalUs / 1e6;
            sb.append(String.format(Locale.ROOT, " (%.2f–%.2f s)", from, to));
        }
        return sb.append(count == 1 ? " is" : " are").toString();
    }

    private void lostFromHere() {
        long from = prevNum + 1;
        long to = Math.max(from, Math.min(expectedFrames - 1, from + MediaReader.MAX_FRAMES));
        add(from, to);
    }

    private long number(long timestampUs, int index) {
        long num = index;
        if (intervalUs > 0) {
            long base = startUs == Long.MIN_VALUE || startUs > timestampUs ? 0 : startUs;
            num = Math.round((timestampUs - base) / intervalUs);
        }
        return Math.max(num, prevNum + 1); // damaged streams can repeat or go back in time
    }

    private void add(long from, long to) {
        if (!ranges.isEmpty()) {
            long[] last = ranges.get(ranges.size() - 1);
            if (from <= last[1] + 1) {
                last[1] = Math.max(last[1], to);
                return;
            }
        }
        ranges.add(new long[] {from, to});
    }

    private void noteFirst(FfmpegLog.ErrorCount errors) {
        if (firstError.isEmpty() && errors.errors() > 0) {
            firstError = errors.first();
        }
    }
}
