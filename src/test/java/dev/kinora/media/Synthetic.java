package dev.kinora.media;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test clips with known pixels, and helpers to run Debian's ffmpeg/ffprobe when installed. */
final class Synthetic {

    private Synthetic() { }

    /** A gradient background with a yellow-orange square moving 3 px right and 2 px down per frame. */
    static Clip movingSquare(int w, int h, int frames, double fps) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            byte[] f = new byte[w * h * 3];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    f[o] = (byte) (40 + x * 150 / w);
                    f[o + 1] = (byte) (30 + y * 120 / h);
                    f[o + 2] = (byte) 110;
                }
            }
            int s = Math.min(w, h) / 4;
            fillRect(f, w, (3 * i) % (w - s), (2 * i) % (h - s), s, s, 250, 200, 20);
            out.add(f);
        }
        return new Clip(w, h, fps, out);
    }

    /** Each frame one flat colour, different per frame. */
    static Clip flatColours(int w, int h, int[][] rgb, double fps) {
        List<byte[]> out = new ArrayList<>();
        for (int[] c : rgb) {
            byte[] f = new byte[w * h * 3];
            fillRect(f, w, 0, 0, w, h, c[0], c[1], c[2]);
            out.add(f);
        }
        return new Clip(w, h, fps, out);
    }

    static void fillRect(byte[] f, int w, int x0, int y0, int rw, int rh, int r, int g, int b) {
        for (int y = y0; y < y0 + rh; y++) {
            for (int x = x0; x < x0 + rw; x++) {
                int o = (y * w + x) * 3;
                f[o] = (byte) r;
                f[o + 1] = (byte) g;
                f[o + 2] = (byte) b;
            }
        }
    }

    /** Mean RGB of the top-left w×h region of frame i (to ignore padding added on export). */
    static double[] meanColor(Clip c, int i, int w, int h) {
        double[] m = new double[3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] p = c.pixel(i, x, y);
                for (int k = 0; k < 3; k++) {
                    m[k] += p[k];
                }
            }
        }
        for (int k = 0; k < 3; k++) {
            m[k] /= (double) w * h;
        }
        return m;
    }

    static double maxDiff(double[] a, double[] b) {
        double d = 0;
        for (int k = 0; k < a.length; k++) {
            d = Math.max(d, Math.abs(a[k] - b[k]));
        }
        return d;
    }

    static boolean hasTool(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "-version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs a command; returns its stdout, or throws with its output when it fails. */
    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + new String(out));
        }
        return new String(out);
    }
}
