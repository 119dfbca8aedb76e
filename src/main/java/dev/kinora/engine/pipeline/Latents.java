package dev.kinora.engine.pipeline;

import dev.kinora.engine.Frames;
import dev.kinora.engine.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Layout helpers between frames and the denoiser's [B,C,F,h,w] tensors. A window's latents are held
 * as [C,F,h,w] (one batch row) so windows can be sliced and stitched frame by frame.
 */
final class Latents {
    private Latents() {
    }

    /** RGB bytes → [N,3,H,W] in [-1,1], frames folded into the batch for the frame-wise VAE. */
    static FloatTensor toPixels(List<byte[]> frames, int width, int height) {
        int plane = width * height;
        float[] out = new float[frames.size() * 3 * plane];
        for (int f = 0; f < frames.size(); f++) {
            byte[] rgb = frames.get(f);
            int base = f * 3 * plane;
            for (int i = 0; i < plane; i++) {
                out[base + i] = (rgb[3 * i] & 0xff) / 127.5f - 1f;
                out[base + plane + i] = (rgb[3 * i + 1] & 0xff) / 127.5f - 1f;
                out[base + 2 * plane + i] = (rgb[3 * i + 2] & 0xff) / 127.5f - 1f;
            }
        }
        return FloatTensor.of(out, frames.size(), 3, height, width);
    }

    /** [N,3,H,W] in [-1,1] → RGB bytes per frame, rounded and clamped. */
    static List<byte[]> toRgb(FloatTensor pixels) {
        int n = (int) pixels.dim(0);
        int h = (int) pixels.dim(2);
        int w = (int) pixels.dim(3);
        int plane = w * h;
        float[] d = pixels.data();
        List<byte[]> frames = new ArrayList<>(n);
        for (int f = 0; f < n; f++) {
            byte[] rgb = new byte[3 * plane];
            int base = f * 3 * plane;
            for (int i = 0; i < plane; i++) {
                for (int c = 0; c < 3; c++) {
                    float v = (d[base + c * plane + i] + 1f) * 127.5f;
                    rgb[3 * i + c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
                }
            }
            frames.add(rgb);
        }
        return frames;
    }

    /** [N,C,h,w] (frame-major, from the VAE) → [C,N,h,w] (channel-major, for the denoiser). */
    static float[] framesToChannels(FloatTensor perFrame) {
        int n = (int) perFrame.dim(0);
        int c = (int) perFrame.dim(1);
        int hw = (int) (perFrame.dim(2) * perFrame.dim(3));
        float[] src = perFrame.data();
        float[] out = new float[src.length];
        for (int f = 0; f < n; f++) {
            for (int ch = 0; ch < c; ch++) {
                System.arraycopy(src, (f * c + ch) * hw, out, (ch * n + f) * hw, hw);
            }
        }
        return out;
    }

    /** [C,F,h,w] → [F,C,h,w] for frames [from, to). */
    static FloatTensor channelsToFrames(float[] window, int channels, int frames, int h, int w, int from, int to) {
        int hw = h * w;
        int n = to - from;
        float[] out = new float[n * channels * hw];
        for (int f = 0; f < n; f++) {
            for (int ch = 0; ch < channels; ch++) {
                System.arraycopy(window, (ch * frames + from + f) * hw, out, (f * channels + ch) * hw, hw);
            }
        }
        return FloatTensor.of(out, n, channels, h, w);
    }

    /** Copies frames [srcFrom, srcFrom+n) of one [C,Fs,h,w] window into frames [dstFrom, …) of another [C,Fd,h,w]. */
    static void copyFrames(float[] src, int srcFrames, int srcFrom, float[] dst, int dstFrames, int dstFrom, int n,
                           int channels, int hw) {
        for (int ch = 0; ch < channels; ch++) {
            System.arraycopy(src, (ch * srcFrames + srcFrom) * hw, dst, (ch * dstFrames + dstFrom) * hw, n * hw);
        }
    }

    /**
     * The seed of the request's stream number {@code index} (a window, or a named draw in a job's order): every family
     * derives its noise this way, so one request seed means the same first window on any pack.
     * bench's reference.py {@code seed_for} re-implements it.
     */
    static long streamSeed(long seed, long index) {
        return seed * 0x9E3779B97F4A7C15L + index * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L;
    }

    /** Standard normal noise from the request's seed: Box–Muller over a SplittableRandom stream. */
    static float[] gaussian(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i += 2) {
            double u1 = r.nextDouble();
            double u2 = r.nextDouble();
            double radius = Math.sqrt(-2.0 * Math.log(1.0 - u1));
            out[i] = (float) (radius * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) {
                out[i + 1] = (float) (radius * Math.sin(2 * Math.PI * u2));
            }
        }
        return out;
    }

    /** Per-channel mean of frames [from, to) of a [C,F,h,w] window. */
    static double[] channelMeans(float[] window, int channels, int frames, int hw, int from, int to) {
        double[] m = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
            double s = 0;
            for (int f = from; f < to; f++) {
                int base = (ch * frames + f) * hw;
                for (int i = 0; i < hw; i++) {
                    s += window[base + i];
                }
            }
            m[ch] = s / Math.max(1, (to - from) * hw);
        }
        return m;
    }

    /** Two batch rows stacked: [2, …] from two equal-length arrays. */
    static float[] stack(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static Frames frames(List<byte[]> rgb, int width, int height, double fps) {
        return new Frames(width, height, fps, rgb);
    }
}
