package dev.kinora.app;

import java.util.Locale;

/**
 * Frame numbers as HH:MM:SS:FF timecode at a frame rate, for the storyboard's ruler and the player.
 *
 * <p>At a whole-number rate this is plain non-drop SMPTE timecode: FF counts 0 … fps−1 and rolls
 * into the next second. A rate that is not a whole number (12.5, 23.976, 29.97) has no whole number
 * of frames per second, so counting in nominal seconds (25 for 23.976) would drift from the clock by
 * minutes over an hour. Here HH:MM:SS is always the wall-clock time at which the frame starts, and FF
 * counts the frames since that second began: the label never drifts, and FF runs 0 … ceil(fps)−1
 * (a 12.5 fps second holds frames 0–12 or 0–11). For 29.97 this lands on the same hours and minutes
 * as broadcast drop-frame timecode without its skipped labels.
 */
public final class Timecode {
    /** Absorbs the binary error of rates like 29.97 (29.969999…) so whole seconds stay whole. */
    private static final double EPS = 1e-9;

    private Timecode() {
    }

    /** {@code frame} (0-based) at {@code fps} frames per second as HH:MM:SS:FF. */
    public static String format(long frame, double fps) {
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("a frame rate must be a positive number of frames per second, got " + fps);
        }
        if (frame < 0) {
            throw new IllegalArgumentException("frame numbers start at 0, got " + frame);
        }
        long seconds = (long) Math.floor(frame / fps + EPS);
        long first = firstFrameOfSecond(seconds, fps);
        if (first > frame) { // the epsilon pushed a frame just before a boundary over it
            seconds--;
            first = firstFrameOfSecond(seconds, fps);
        }
        long ff = frame - first;
        return String.format(Locale.ROOT, "%02d:%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60, ff);
    }

    /** The first frame that starts at or after {@code seconds} of wall-clock time. */
    public static long firstFrameOfSecond(long seconds, double fps) {
        return (long) Math.ceil(seconds * fps - EPS);
    }
}
