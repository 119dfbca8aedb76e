package dev.kinora.testing;

import dev.kinora.engine.Frames;
import java.util.ArrayList;
import java.util.List;

/** Small synthetic clips with known pixels. */
public final class Synthetic {
    private Synthetic() {
    }

    /** n frames of a w×h gradient with a square moving right; frame i differs from frame i+1. */
    public static Frames movingSquare(int w, int h, int n, int seedColour) {
        List<byte[]> frames = new ArrayList<>();
        for (int f = 0; f < n; f++) {
            byte[] rgb = new byte[w * h * 3];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = 3 * (y * w + x);
                    boolean inSquare = x >= f * 2 && x < f * 2 + w / 4 && y >= h / 3 && y < h / 3 + h / 4;
                    rgb[i] = (byte) (inSquare ? 230 : (seedColour * 37 + x * 4) & 0xff);
                    rgb[i + 1] = (byte) (inSquare ? 40 : (seedColour * 91 + y * 4) & 0xff);
                    rgb[i + 2] = (byte) (inSquare ? 40 : 128);
                }
            }
            frames.add(rgb);
        }
        return new Frames(w, h, 8, frames);
    }

    public static double meanAbsDiff(byte[] a, byte[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        return s / a.length;
    }

    public static double[] meanRgb(byte[] rgb) {
        double[] m = new double[3];
        for (int i = 0; i < rgb.length; i++) {
            m[i % 3] += rgb[i] & 0xff;
        }
        for (int c = 0; c < 3; c++) {
            m[c] /= rgb.length / 3.0;
        }
        return m;
    }
}
