package dev.kinora.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decoded frames as packed 8-bit RGB (3 bytes per pixel, no alpha, row-major, no row padding).
 *
 * <p>The arrays are plain Java memory, copied out of FFmpeg before the decoder closed, so a clip
 * outlives any native resource. The list is immutable; the arrays are not copied on access (a clip
 * can be hundreds of megabytes), so callers must treat them as read-only.
 *
 * @param width  pixels per row, at least 1
 * @param height rows, at least 1
 * @param fps    frames per second, positive (a still is a one-frame clip at any rate)
 * @param frames one array of {@code width * height * 3} bytes per frame; at least one frame
 */
public record Clip(int width, int height, double fps, List<byte[]> frames) {

    public Clip {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("Clip size must be at least 1x1, got " + width + "x" + height + ".");
        }
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("Clip fps must be a positive number, got " + fps + ".");
        }
        Objects.requireNonNull(frames, "frames");
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("A clip needs at least one frame.");
        }
        long expected = (long) width * height * 3;
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = Objects.requireNonNull(frames.get(i), "frame " + i);
            if (f.length != expected) {
                throw new IllegalArgumentException("Frame " + i + " has " + f.length + " bytes; a " + width + "x"
                        + height + " RGB frame has " + expected + ".");
            }
        }
        frames = List.copyOf(frames);
    }

    /** A one-frame clip. */
    public static Clip still(int width, int height, byte[] rgb) {
        return new Clip(width, height, 1.0, List.of(rgb));
    }

    public int frameCount() {
        return frames.size();
    }

    public byte[] frame(int i) {
        return frames.get(i);
    }

    /** Duration in seconds: frame count over frame rate. */
    public double durationSeconds() {
        return frames.size() / fps;
    }

    /** Frames {@code from} (inclusive) to {@code to} (exclusive), sharing the frame arrays. */
    public Clip subClip(int from, int to) {
        if (from < 0 || to > frames.size() || from >= to) {
            throw new IndexOutOfBoundsException("subClip(" + from + ", " + to + ") of a clip with " + frames.size()
                    + " frames: need 0 <= from < to <= " + frames.size() + ".");
        }
        return new Clip(width, height, fps, frames.subList(from, to));
    }

    /** The same frames played at another rate (no frames added or dropped). */
    public Clip withFps(double newFps) {
        return new Clip(width, height, newFps, frames);
    }

    /** This clip followed by {@code other}, which must have the same size. */
    public Clip append(Clip other) {
        if (other.width != width || other.height != height) {
            throw new IllegalArgumentException("Cannot append a " + other.width + "x" + other.height + " clip to a "
                    + width + "x" + height + " one: resize it first.");
        }
        List<byte[]> all = new ArrayList<>(frames.size() + other.frames.size());
        all.addAll(frames);
        all.addAll(other.frames);
        return new Clip(width, height, fps, all);
    }

    /** Red, green, blue at (x, y) of frame i, each 0..255. */
    public int[] pixel(int i, int x, int y) {
        byte[] f = frames.get(i);
        int o = (y * width + x) * 3;
        return new int[] {f[o] & 0xFF, f[o + 1] & 0xFF, f[o + 2] & 0xFF};
    }

    /** Mean red, green, blue of frame i, each 0..255. */
    public double[] meanColor(int i) {
        byte[] f = frames.get(i);
        long r = 0, g = 0, b = 0;
        for (int o = 0; o < f.length; o += 3) {
            r += f[o] & 0xFF;
            g += f[o + 1] & 0xFF;
            b += f[o + 2] & 0xFF;
        }
        double n = (double) width * height;
        return new double[] {r / n, g / n, b / n};
    }

    @Override
    public String toString() {
        return "Clip[" + width + "x" + height + ", " + frames.size() + " frames @ " + fps + " fps]";
    }

    // Records compare arrays by identity; compare pixels instead so equal clips are equal.
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Clip c) || c.width != width || c.height != height || Double.compare(c.fps, fps) != 0
                || c.frames.size() != frames.size()) {
            return false;
        }
        for (int i = 0; i < frames.size(); i++) {
            if (!java.util.Arrays.equals(frames.get(i), c.frames.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(width, height, fps, frames.size());
        return frames.isEmpty() ? h : 31 * h + java.util.Arrays.hashCode(frames.get(0));
    }
}
