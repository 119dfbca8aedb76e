package dev.kinora.engine.model;

import dev.kinora.engine.tensor.FloatTensor;

/**
 * The image encoder's input of family {@code svd-xt} (docs/pack-format-2.md, "Image preprocessing for the encoder"):
 * diffusers' {@code StableVideoDiffusionPipeline._encode_image} on a PIL image, i.e. {@code _resize_with_antialiasing}
 * on {@code x/255·2 − 1} (a separable gaussian blur, x then y, with reflect padding, then bicubic with
 * {@code align_corners=True}, A = −0.75, clamped indices), back to {@code (v + 1)/2} (not clamped), then
 * {@code (v − mean)/std} per channel.
 *
 * <p>Every operation is float32 and ordered as torch's CPU kernels run it, fused multiply-adds included, because
 * rounding matters here: the bicubic weights come from a cubic with cancelling terms and the source coordinate
 * {@code scale·i} loses bits at large {@code i}, so the recipe in float64 (tools/export/svd_reference.py) is
 * 1e-5…1e-4 away from torch while this order reproduces diffusers' {@code clip_input} bit for bit on both
 * svd-tiny references (the 64×64 upscale and the 448×256 downscale). Where torch contracts a product into an FMA
 * was found by comparing with those references; an unfused order is a few float32 ulps off.
 */
public final class ClipImagePreprocessor {
    private static final float A = -0.75f;

    private final int height;
    private final int width;
    private final float[] mean;
    private final float[] std;

    /**
     * @param height the encoder's input height (the pack's {@code image.size[0]})
     * @param width  its width ({@code image.size[1]})
     * @param mean   per-channel mean (3 values)
     * @param std    per-channel std (3 positive values)
     */
    public ClipImagePreprocessor(int height, int width, float[] mean, float[] std) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("output size must be positive, got " + width + "x" + height);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B), got " + mean.length + " and " + std.length);
        }
        this.height = height;
        this.width = width;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** {@code pixel_values} [1, 3, height, width] for a packed RGB image (row-major, 3 bytes a pixel). */
    public FloatTensor pixelValues(byte[] rgb, int imageWidth, int imageHeight) {
        return FloatTensor.of(apply(rgb, imageWidth, imageHeight), 1, 3, height, width);
    }

    /** The same as a flat array, channel-major. */
    public float[] apply(byte[] rgb, int w, int h) {
        if (w <= 0 || h <= 0 || rgb.length != w * h * 3) {
            throw new IllegalArgumentException("expected a " + w + "x" + h + " RGB image (" + (long) w * h * 3 + " bytes), got "
                    + rgb.length + " bytes");
        }
        int plane = w * h;
        float[] v = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                // pil_to_numpy (x/255 in float32), then "normalize before resizing, as the original"
                v[c * plane + p] = (rgb[p * 3 + c] & 0xFF) / 255f * 2f - 1f;
            }
        }
        double sy = sigma(h, height);
        double sx = sigma(w, width);
        v = blur(v, h, w, gaussian(kernelSize(sx), (float) sx), true);
        v = blur(v, h, w, gaussian(kernelSize(sy), (float) sy), false);
        v = resizeRows(v, h, w, width);
        v = resizeColumns(v, h, width, height);
        int out = height * width;
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < out; p++) {
                float x = (v[c * out + p] + 1f) / 2f;
                v[c * out + p] = (x - mean[c]) / std[c];
            }
        }
        return v;
    }

    /** {@code max((in/out − 1)/2, 0.001)}, in Python's float64 as diffusers computes it. */
    static double sigma(int in, int out) {
        return Math.max(((double) in / out - 1.0) / 2.0, 0.001);
    }

    /** {@code int(max(4σ, 3))}, made odd. */
    static int kernelSize(double sigma) {
        int k = (int) Math.max(2.0 * 2 * sigma, 3);
        return k % 2 == 0 ? k + 1 : k;
    }

    /** diffusers' {@code _gaussian}: exp(−x²/(2σ²)) at x = j − k/2, over its sum, all float32 as the tensor is. */
    static float[] gaussian(int k, float sigma) {
        float[] g = new float[k];
        float den = 2f * (sigma * sigma);
        float sum = 0f;
        for (int j = 0; j < k; j++) {
            float x = j - k / 2;
            g[j] = (float) StrictMath.exp(-(x * x) / den);
            sum += g[j];
        }
        for (int j = 0; j < k; j++) {
            g[j] /= sum;
        }
        return g;
    }

    /** One pass of the separable blur (a depthwise conv2d over reflect padding); along x when {@code alongX}. */
    private static float[] blur(float[] v, int h, int w, float[] g, boolean alongX) {
        int n = alongX ? w : h;
        int pad = (g.length - 1) / 2;
        if (pad >= n) {
            throw new IllegalArgumentException("a " + w + "x" + h + " image is too small for a reflect-padded kernel of " + g.length
                    + " (torch refuses it too)");
        }
        float[] out = new float[v.length];
        int plane = h * w;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int at = alongX ? x : y;
                    float acc = 0f;
                    for (int j = 0; j < g.length; j++) {
                        int s = reflect(at - pad + j, n);
                        float in = v[c * plane + (alongX ? y * w + s : s * w + x)];
                        acc = j == 0 ? in * g[0] : Math.fma(in, g[j], acc);
                    }
                    out[c * plane + y * w + x] = acc;
                }
            }
        }
        return out;
    }

    private static int reflect(int i, int n) {
        return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
    }

    /** Bicubic along x: [3, h, w] → [3, h, outW]. */
    private static float[] resizeRows(float[] v, int h, int w, int outW) {
        Taps t = taps(w, outW);
        float[] out = new float[3 * h * outW];
        for (int row = 0; row < 3 * h; row++) {
            int base = row * w;
            for (int o = 0; o < outW; o++) {
                out[row * outW + o] = t.combine(o, i -> v[base + i]);
            }
        }
        return out;
    }

    /** Bicubic along y: [3, h, w] → [3, outH, w]. */
    private static float[] resizeColumns(float[] v, int h, int w, int outH) {
        Taps t = taps(h, outH);
        float[] out = new float[3 * outH * w];
        for (int c = 0; c < 3; c++) {
            int base = c * h * w;
            for (int o = 0; o < outH; o++) {
                for (int x = 0; x < w; x++) {
                    int col = base + x;
                    out[(c * outH + o) * w + x] = t.combine(o, i -> v[col + i * w]);
                }
            }
        }
        return out;
    }

    /** torch's {@code HelperInterpCubic.compute_indices_weights} for align_corners: 4 clamped indices and weights per output. */
    private static Taps taps(int in, int out) {
        float scale = out > 1 ? (float) (in - 1) / (float) (out - 1) : 0f;
        int[] idx = new int[4 * out];
        float[] wt = new float[4 * out];
        for (int o = 0; o < out; o++) {
            float real = scale * (float) o;
            int i0 = Math.min((int) Math.floor(real), in - 1);
            float t = Math.min(Math.max(real - (float) i0, 0f), 1f);
            wt[4 * o] = far(t + 1f);
            wt[4 * o + 1] = near(t);
            float t2 = 1f - t;
            wt[4 * o + 2] = near(t2);
            wt[4 * o + 3] = far(t2 + 1f);
            for (int j = 0; j < 4; j++) {
                idx[4 * o + j] = Math.max(Math.min(i0 - 1 + j, in - 1), 0);
            }
        }
        return new Taps(idx, wt);
    }

    /** {@code ((A+2)x − (A+3))·x·x + 1} for |x| ≤ 1, the first product fused as torch's build does. */
    private static float near(float x) {
        return Math.fma(A + 2f, x, -(A + 3f)) * x * x + 1f;
    }

    /** {@code ((A·x − 5A)·x + 8A)·x − 4A} for 1 < |x| < 2, the first two steps fused as torch's build does. */
    private static float far(float x) {
        return Math.fma(Math.fma(A, x, -5f * A), x, 8f * A) * x - 4f * A;
    }

    private record Taps(int[] idx, float[] wt) {
        interface Source {
            float at(int i);
        }

        /** torch's {@code Interpolate}: {@code t0·w0 + t1·w1}, then {@code + t2·w2}, {@code + t3·w3}, each a fused multiply-add. */
        float combine(int o, Source s) {
            int b = 4 * o;
            float acc = Math.fma(s.at(idx[b]), wt[b], s.at(idx[b + 1]) * wt[b + 1]);
            acc = Math.fma(s.at(idx[b + 2]), wt[b + 2], acc);
            return Math.fma(s.at(idx[b + 3]), wt[b + 3], acc);
        }
    }
}
