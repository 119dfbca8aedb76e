package dev.kinora.bench;

import java.util.List;

/** How far two renderings of the same clip are apart, on 8-bit RGB values. */
public record OutputDiff(int frames, int maxAbs, double meanAbs, double psnr) {

    /** Compares frame lists; {@code b} is raw RGB frames back to back (the reference's dump). */
    public static OutputDiff of(List<byte[]> a, byte[] b) {
        int per = a.isEmpty() ? 0 : a.get(0).length;
        if (per == 0 || b.length != per * a.size()) {
            throw new IllegalArgumentException("cannot compare " + a.size() + " frames of " + per + " bytes with "
                    + b.length + " bytes");
        }
        long sum = 0;
        double sq = 0;
        int max = 0;
        for (int f = 0; f < a.size(); f++) {
            byte[] fa = a.get(f);
            for (int i = 0; i < per; i++) {
                int d = Math.abs((fa[i] & 0xff) - (b[f * per + i] & 0xff));
                sum += d;
                sq += (double) d * d;
                max = Math.max(max, d);
            }
        }
        double n = (double) per * a.size();
        double mse = sq / n;
        double psnr = mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
        return new OutputDiff(a.size(), max, sum / n, psnr);
    }
}
