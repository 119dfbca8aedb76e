package dev.kinora.engine;

import java.util.List;

/**
 * Frames as packed 8-bit RGB, row-major, all of one size: what the engine takes as sources and
 * returns as results. Kept free of any media library so the engine stays testable on its own.
 */
public record Frames(int width, int height, double fps, List<byte[]> rgb) {
    public Frames {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        if (!(fps > 0)) {
            throw new IllegalArgumentException("fps must be positive, got " + fps);
        }
        rgb = List.copyOf(rgb);
        int expected = width * height * 3;
        for (int i = 0; i < rgb.size(); i++) {
            if (rgb.get(i).length != expected) {
                throw new IllegalArgumentException("frame " + i + " holds " + rgb.get(i).length
                        + " bytes; a " + width + "x" + height + " RGB frame needs " + expected);
            }
        }
    }

    public int count() {
        return rgb.size();
    }

    public byte[] frame(int i) {
        return rgb.get(i);
    }

    public Frames slice(int from, int to) {
        return new Frames(width, height, fps, rgb.subList(from, to));
    }

    public double durationSeconds() {
        return count() / fps;
    }
}
