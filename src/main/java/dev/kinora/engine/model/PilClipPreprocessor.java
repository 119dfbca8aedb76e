package dev.kinora.engine.model;

import dev.kinora.engine.tensor.FloatTensor;

/**
 * transformers' {@code CLIPImageProcessor} with its PIL backend, as Wan 2.1 I2V's {@code preprocessor_config.json} sets it
 * (docs/pack-format-2.md, "Family wan2.1-i2v"): resize the RGB image so its shorter side is {@code shortestEdge} (the
 * longer {@code int(shortestEdge·long/short)}, truncated) with PIL's {@code Image.resize(BICUBIC)}, crop the center
 * {@code width × height} ({@code top = (h − height) // 2}), then {@code x·rescale} in float64 rounded to float32 and
 * {@code (x − mean)/std} in float32.
 *
 * <p>The resize is Pillow's {@code ImagingResample} for 8-bit images (libImaging/Resample.c) step for step, so the result
 * is the same bytes: a separable convolution, horizontal pass first, with the bicubic kernel (a = −0.5) widened by the
 * scale when downscaling (antialiasing); coefficients normalised in double then rounded to fixed point with 22
 * fractional bits; each pass accumulates in int from 2^21, shifts right by 22 and clamps to 0…255, so the horizontal
 * pass's output is 8-bit before the vertical pass reads it. What follows is exact in float: the crop copies bytes, the
 * rescale and normalisation are the numpy operations in numpy's precision.
 */
public final class PilClipPreprocessor {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double BICUBIC_SUPPORT = 2.0;

    private final int height;
    private final int width;
    private final int shortestEdge;
    private final double rescale;
    private final float[] mean;
    private final float[] std;

    /**
     * @param height       the crop's height (the encoder's input)
     * @param width        the crop's width
     * @param shortestEdge the resize target of the image's shorter side (≥ height and width)
     * @param rescale      the factor from 8-bit values to [0, 1] (1/255)
     * @param mean         per-channel mean (3 values)
     * @param std          per-channel std (3 positive values)
     */
    public PilClipPreprocessor(int height, int width, int shortestEdge, double rescale, float[] mean, float[] std) {
        if (height <= 0 || width <= 0 || shortestEdge < Math.max(height, width)) {
            throw new IllegalArgumentException("crop " + width + "x" + height + " must be positive and within the resize's shortest edge " + shortestEdge);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B), got " + mean.length + " and " + std.length);
        }
        this.height = height;
        this.width = width;
        this.shortestEdge = shortestEdge;
        this.rescale = rescale;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** {@code pixel_values} [1, 3, height, width] for a packed RGB image (row-major, 3 bytes a pixel). */
    public FloatTensor pixelValues(byte[] rgb, int imageWidth, int imageHeight) {
        return FloatTensor.of(apply(rgb, imageWidth, imageHeight), 1, 3, height, width);
    }

    /** The same as a flat array, channel-major. */
    public float[] apply(byte[] rgb, int w, int h) {
        if (w <= 0 || h <= 0 || rgb.length != w * h * 3) {
            throw new IllegalArgumentException("expected a " + w + "x" + h + " RGB image (" + (long) w * h * 3 + " bytes), got " + rgb.length + " bytes");
        }
        int[] size = resizedSize(w, h, shortestEdge);
        int rw = size[0];
        int rh = size[1];
        byte[] resized = resize(rgb, w, h, rw, rh);
        // transformers' center_crop: the crop lies inside (shortestEdge >= the crop), top/left floor-divided
        int top = (rh - height) / 2;
        int left = (rw - width) / 2;
        int plane = height * width;
        float[] out = new float[3 * plane];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int src = ((top + y) * rw + left + x) * 3;
                for (int c = 0; c < 3; c++) {
                    // numpy: uint8.astype(float64) * rescale, .astype(float32); then (x - mean) / std in float32
                    float v = (float) ((resized[src + c] & 0xFF) * rescale);
                    out[c * plane + y * width + x] = (v - mean[c]) / std[c];
                }
            }
        }
        return out;
    }

    /**
     * transformers' {@code get_resize_output_image_size(default_to_square=False)}: the shorter side becomes {@code edge},
     * the longer {@code int(edge·long/short)} (Python's true division, truncated). Returns {width, height}.
     */
    static int[] resizedSize(int w, int h, int edge) {
        int shortSide = Math.min(w, h);
        int longSide = Math.max(w, h);
        int newLong = (int) (edge * (double) longSide / shortSide);
        return w <= h ? new int[] {edge, newLong} : new int[] {newLong, edge};
    }

    /** Pillow's {@code Image.resize((outW, outH), BICUBIC)} of an 8-bit RGB image: packed RGB bytes out. */
    static byte[] resize(byte[] rgb, int w, int h, int outW, int outH) {
        boolean horizontal = outW != w;
        boolean vertical = outH != h;
        if (!horizontal && !vertical) {
            return rgb.clone();
        }
        Coeffs vert = coeffs(h, outH);
        // ImagingResampleInner: the horizontal pass only covers the rows the vertical pass reads
        int yFirst = vert.bounds[0];
        int yLast = vert.bounds[2 * (outH - 1)] + vert.bounds[2 * (outH - 1) + 1];
        byte[] src = rgb;
        int rowOffset = 0;
        if (horizontal) {
            Coeffs hor = coeffs(w, outW);
            int rows = yLast - yFirst;
            byte[] tmp = new byte[rows * outW * 3];
            for (int y = 0; y < rows; y++) {
                int inRow = (y + yFirst) * w * 3;
                for (int x = 0; x < outW; x++) {
                    int xmin = hor.bounds[2 * x];
                    int xn = hor.bounds[2 * x + 1];
                    int k0 = x * hor.ksize;
                    for (int c = 0; c < 3; c++) {
                        int ss = 1 << (PRECISION_BITS - 1);
                        for (int i = 0; i < xn; i++) {
                            ss += (rgb[inRow + (xmin + i) * 3 + c] & 0xFF) * hor.k[k0 + i];
                        }
                        tmp[(y * outW + x) * 3 + c] = clip8(ss);
                    }
                }
            }
            src = tmp;
            rowOffset = yFirst; // the vertical bounds are shifted by ybox_first
        }
        if (!vertical) {
            return src;
        }
        int cw = horizontal ? outW : w;
        byte[] out = new byte[outH * cw * 3];
        for (int y = 0; y < outH; y++) {
            int ymin = vert.bounds[2 * y] - rowOffset;
            int yn = vert.bounds[2 * y + 1];
            int k0 = y * vert.ksize;
            for (int x = 0; x < cw; x++) {
                for (int c = 0; c < 3; c++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int i = 0; i < yn; i++) {
                        ss += (src[((ymin + i) * cw + x) * 3 + c] & 0xFF) * vert.k[k0 + i];
                    }
                    out[(y * cw + x) * 3 + c] = clip8(ss);
                }
            }
        }
        return out;
    }

    /** Fixed-point coefficients of one axis: per output index, the first input index, the tap count and ksize taps. */
    private record Coeffs(int ksize, int[] bounds, int[] k) {
    }

    /** Resample.c's {@code precompute_coeffs} (box = the whole axis) then {@code normalize_coeffs_8bpc}. */
    private static Coeffs coeffs(int inSize, int outSize) {
        double scale = (double) ((float) inSize - 0f) / outSize; // (double)(in1 - in0) / outSize, in0/in1 floats
        double filterscale = Math.max(scale, 1.0);
        double support = BICUBIC_SUPPORT * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[2 * outSize];
        int[] k = new int[outSize * ksize];
        double[] kk = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = 0 + (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            for (int x = 0; x < xmax; x++) {
                double wgt = bicubic((x + xmin - center + 0.5) * ss);
                kk[x] = wgt;
                ww += wgt;
            }
            for (int x = 0; x < xmax; x++) {
                if (ww != 0.0) {
                    kk[x] /= ww;
                }
            }
            for (int x = 0; x < ksize; x++) {
                double v = x < xmax ? kk[x] : 0.0;
                // C's (int) truncates toward zero after adding ±0.5: round half away from zero
                k[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        return new Coeffs(ksize, bounds, k);
    }

    /** Resample.c's {@code bicubic_filter}, a = −0.5, in double. */
    private static double bicubic(double x) {
        final double a = -0.5;
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** {@code clip8}: the accumulator shifted right by 22 bits (arithmetic), clamped to 0…255. */
    private static byte clip8(int ss) {
        int v = ss >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
