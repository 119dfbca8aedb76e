package dev.kinora.media;

/**
 * Pixel operations on packed RGB frames, in plain Java: rotation, resampling, crop/pad.
 *
 * <p>They run on Java arrays rather than in an FFmpeg filter graph so the result does not depend on
 * which filters a given FFmpeg build has, and no native memory is held between frames.
 */
final class Frames {

    /** Which kernel {@link #resize} uses. */
    enum Kernel {
        /** Catmull-Rom bicubic (a = -0.5): sharp without visible ringing; radius 2. */
        BICUBIC(2),
        /** Lanczos-3: the sharpest common windowed sinc; radius 3. */
        LANCZOS3(3);

        final int radius;

        Kernel(int radius) {
            this.radius = radius;
        }

        double weight(double x) {
            x = Math.abs(x);
            if (this == BICUBIC) {
                if (x < 1) {
                    return 1.5 * x * x * x - 2.5 * x * x + 1;
                }
                return x < 2 ? -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2 : 0;
            }
            if (x < 1e-9) {
                return 1;
            }
            if (x >= 3) {
                return 0;
            }
            double px = Math.PI * x;
            return 3 * Math.sin(px) * Math.sin(px / 3) / (px * px);
        }
    }

    private Frames() { }

    /** Rotates clockwise by 0, 90, 180 or 270 degrees; for 90/270 the result is h wide and w high. */
    static byte[] rotate(byte[] src, int w, int h, int degrees) {
        if (degrees == 0) {
            return src;
        }
        byte[] out = new byte[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int s = (y * w + x) * 3;
                int d = switch (degrees) {
                    case 90 -> ((x) * h + (h - 1 - y)) * 3;           // out is h wide: (h-1-y, x)
                    case 180 -> ((h - 1 - y) * w + (w - 1 - x)) * 3;
                    case 270 -> ((w - 1 - x) * h + y) * 3;           // out is h wide: (y, w-1-x)
                    default -> throw new IllegalArgumentException("rotation must be 0/90/180/270: " + degrees);
                };
                out[d] = src[s];
                out[d + 1] = src[s + 1];
                out[d + 2] = src[s + 2];
            }
        }
        return out;
    }

    /** Flips left-right (EXIF's mirrored orientations). */
    static byte[] mirror(byte[] src, int w, int h) {
        byte[] out = new byte[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(src, (y * w + x) * 3, out, (y * w + (w - 1 - x)) * 3, 3);
            }
        }
        return out;
    }

    /** The rectangle (x, y, w, h) cut out of a source. */
    static byte[] crop(byte[] src, int sw, int x0, int y0, int w, int h) {
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(src, ((y0 + y) * sw + x0) * 3, out, y * w * 3, w * 3);
        }
        return out;
    }

    /** Places a w×h image at (x0, y0) on a black canvas of cw×ch. */
    static byte[] placeOnBlack(byte[] src, int w, int h, int cw, int ch, int x0, int y0) {
        byte[] out = new byte[cw * ch * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(src, y * w * 3, out, ((y0 + y) * cw + x0) * 3, w * 3);
        }
        return out;
    }

    /** Grows to cw×ch by repeating the last column and row (keeps 4:2:0 chroma at the edge clean). */
    static byte[] padByEdge(byte[] src, int w, int h, int cw, int ch) {
        byte[] out = new byte[cw * ch * 3];
        for (int y = 0; y < ch; y++) {
            int sy = Math.min(y, h - 1);
            System.arraycopy(src, sy * w * 3, out, y * cw * 3, w * 3);
            for (int x = w; x < cw; x++) {
                System.arraycopy(src, (sy * w + w - 1) * 3, out, (y * cw + x) * 3, 3);
            }
        }
        return out;
    }

    /** Integer enlargement where every pixel becomes an exact k×k block. */
    static byte[] upscaleNearest(byte[] src, int w, int h, int k) {
        int ow = w * k;
        byte[] out = new byte[ow * h * k * 3];
        byte[] row = new byte[ow * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int s = (y * w + x) * 3;
                for (int i = 0; i < k; i++) {
                    int d = (x * k + i) * 3;
                    row[d] = src[s];
                    row[d + 1] = src[s + 1];
                    row[d + 2] = src[s + 2];
                }
            }
            for (int i = 0; i < k; i++) {
                System.arraycopy(row, 0, out, (y * k + i) * ow * 3, row.length);
            }
        }
        return out;
    }

    /**
     * Separable resampling from sw×sh to dw×dh. When shrinking, the kernel is widened by the
     * shrink factor so every source pixel contributes (an area-like average): without that,
     * bicubic downscaling aliases fine detail into moiré.
     */
    static byte[] resize(byte[] src, int sw, int sh, int dw, int dh, Kernel kernel) {
        if (sw == dw && sh == dh) {
            return src.clone();
        }
        Taps tx = taps(sw, dw, kernel);
        Taps ty = taps(sh, dh, kernel);
        // Horizontal pass into floats (sh rows × dw), then vertical pass to bytes.
        float[] tmp = new float[sh * dw * 3];
        for (int y = 0; y < sh; y++) {
            int rowIn = y * sw * 3;
            int rowOut = y * dw * 3;
            for (int x = 0; x < dw; x++) {
                float r = 0, g = 0, b = 0;
                int base = x * tx.width;
                for (int t = 0; t < tx.width; t++) {
                    float wgt = tx.weights[base + t];
                    int s = rowIn + tx.index[base + t] * 3;
                    r += wgt * (src[s] & 0xFF);
                    g += wgt * (src[s + 1] & 0xFF);
                    b += wgt * (src[s + 2] & 0xFF);
                }
                tmp[rowOut + x * 3] = r;
                tmp[rowOut + x * 3 + 1] = g;
                tmp[rowOut + x * 3 + 2] = b;
            }
        }
        byte[] out = new byte[dw * dh * 3];
        float[] acc = new float[dw * 3];
        for (int y = 0; y < dh; y++) {
            java.util.Arrays.fill(acc, 0f);
            int base = y * ty.width;
            for (int t = 0; t < ty.width; t++) {
                float wgt = ty.weights[base + t];
                if (wgt == 0f) {
                    continue;
                }
                int row = ty.index[base + t] * dw * 3;
                for (int i = 0; i < acc.length; i++) {
                    acc[i] += wgt * tmp[row + i];
                }
            }
            int o = y * dw * 3;
            for (int i = 0; i < acc.length; i++) {
                int v = Math.round(acc[i]);
                out[o + i] = (byte) (v < 0 ? 0 : Math.min(v, 255));
            }
        }
        return out;
    }

    private record Taps(int width, int[] index, float[] weights) { }

    private static Taps taps(int in, int out, Kernel kernel) {
        double scale = (double) in / out;
        double stretch = Math.max(scale, 1.0);
        double support = kernel.radius * stretch;
        int width = (int) Math.ceil(support) * 2 + 1;
        int[] index = new int[out * width];
        float[] weights = new float[out * width];
        for (int o = 0; o < out; o++) {
            double centre = (o + 0.5) * scale - 0.5;
            int first = (int) Math.floor(centre - support) + 1;
            double sum = 0;
            for (int t = 0; t < width; t++) {
                int i = first + t;
                double wgt = kernel.weight((i - centre) / stretch);
                index[o * width + t] = Math.min(Math.max(i, 0), in - 1); // clamp: edges repeat
                weights[o * width + t] = (float) wgt;
                sum += wgt;
            }
            for (int t = 0; t < width; t++) {
                weights[o * width + t] = (float) (weights[o * width + t] / sum);
            }
        }
        return new Taps(width, index, weights);
    }
}
