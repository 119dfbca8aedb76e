package dev.kinora.engine.model;

import java.util.ArrayList;
import java.util.List;

/** A video VAE's output [3, F, H, W] in [−1, 1] as the 8-bit RGB frames diffusers' pipelines would return. */
final class VideoPixels {
    private VideoPixels() {
    }

    /** Frames {@code from..to}: v = clamp(x/2 + 0.5, 0, 1), then numpy's round (half to even) of v·255, as diffusers' PIL output. */
    static List<byte[]> toRgb(float[] px, int frames, int height, int width, int from, int to) {
        int plane = height * width;
        List<byte[]> out = new ArrayList<>(to - from);
        for (int t = from; t < to; t++) {
            byte[] rgb = new byte[plane * 3];
            for (int ch = 0; ch < 3; ch++) {
                int base = (ch * frames + t) * plane;
                for (int p = 0; p < plane; p++) {
                    float v = Math.max(0f, Math.min(1f, px[base + p] / 2f + 0.5f));
                    rgb[p * 3 + ch] = (byte) Math.rint(v * 255f);
                }
            }
            out.add(rgb);
        }
        return out;
    }

    /** Packed RGB frames as one [1, 3, F, H, W] tensor in [−1, 1] (diffusers' VideoProcessor: x / 255, then 2x − 1, in float32). */
    static float[] fromRgb(List<byte[]> frames, int count, int height, int width) {
        int plane = height * width;
        float[] px = new float[3 * count * plane];
        for (int t = 0; t < count; t++) {
            byte[] rgb = frames.get(Math.min(t, frames.size() - 1));
            if (rgb.length != plane * 3) {
                throw new IllegalArgumentException("frame " + t + " is not " + width + "x" + height + " RGB");
            }
            for (int p = 0; p < plane; p++) {
                for (int ch = 0; ch < 3; ch++) {
                    float v = (rgb[p * 3 + ch] & 0xFF) / 255f;
                    px[(ch * count + t) * plane + p] = 2f * v - 1f;
                }
            }
        }
        return px;
    }
}
