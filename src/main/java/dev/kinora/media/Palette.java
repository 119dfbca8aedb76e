package dev.kinora.media;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One palette of at most 256 colours for a whole clip, and the pixel → index mapping, without
 * dithering.
 *
 * <p>If the clip has 256 colours or fewer they are used as they are (so flat colours stay exact).
 * Otherwise colours are binned to 6 bits per channel and split by median cut, weighted by pixel
 * count; each bin maps to its nearest palette entry, so equal input colours always get equal
 * indices and flat areas never break into noise.
 */
final class Palette {

    private static final int MAX = 256;
    private final int[] colors;
    private final Map<Integer, Integer> exact; // colour -> index, when the clip has <= 256 colours
    private final short[] binIndex;            // 18-bit bin -> index + 1 (0 = not yet mapped)

    private Palette(int[] colors, Map<Integer, Integer> exact) {
        this.colors = colors;
        this.exact = exact;
        this.binIndex = exact == null ? new short[1 << 18] : null;
    }

    int size() {
        return colors.length;
    }

    int color(int i) {
        return colors[i];
    }

    static Palette build(Clip clip) {
        Map<Integer, Integer> distinct = new HashMap<>();
        outer:
        for (byte[] f : clip.frames()) {
            for (int o = 0; o < f.length; o += 3) {
                int rgb = (f[o] & 0xFF) << 16 | (f[o + 1] & 0xFF) << 8 | (f[o + 2] & 0xFF);
                if (!distinct.containsKey(rgb)) {
                    if (distinct.size() == MAX) {
                        distinct = null;
                        break outer;
                    }
                    distinct.put(rgb, distinct.size());
                }
            }
        }
        if (distinct != null) {
            int[] colors = new int[distinct.size()];
            distinct.forEach((rgb, i) -> colors[i] = rgb);
            return new Palette(colors, distinct);
        }
        return new Palette(medianCut(clip), null);
    }

    /** Maps a frame's pixels to palette indices. */
    void map(byte[] rgb, byte[] indices) {
        for (int p = 0, o = 0; o < rgb.length; p++, o += 3) {
            int r = rgb[o] & 0xFF, g = rgb[o + 1] & 0xFF, b = rgb[o + 2] & 0xFF;
            if (exact != null) {
                indices[p] = (byte) (int) exact.get(r << 16 | g << 8 | b);
                continue;
            }
            int bin = (r >> 2) << 12 | (g >> 2) << 6 | (b >> 2);
            int idx = binIndex[bin] - 1;
            if (idx < 0) {
                idx = nearest((r & 0xFC) | 2, (g & 0xFC) | 2, (b & 0xFC) | 2);
                binIndex[bin] = (short) (idx + 1);
            }
            indices[p] = (byte) idx;
        }
    }

    private int nearest(int r, int g, int b) {
        int best = 0;
        long bestD = Long.MAX_VALUE;
        for (int i = 0; i < colors.length; i++) {
            int c = colors[i];
            // Weighted towards green as the eye is: fewer visible banding errors than plain RGB distance.
            long dr = ((c >> 16) & 0xFF) - r, dg = ((c >> 8) & 0xFF) - g, db = (c & 0xFF) - b;
            long d = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        return best;
    }

    private static int[] medianCut(Clip clip) {
        int[] count = new int[1 << 18];
        for (byte[] f : clip.frames()) {
            for (int o = 0; o < f.length; o += 3) {
                count[((f[o] & 0xFF) >> 2) << 12 | ((f[o + 1] & 0xFF) >> 2) << 6 | ((f[o + 2] & 0xFF) >> 2)]++;
            }
        }
        int n = 0;
        for (int c : count) {
            if (c > 0) {
                n++;
            }
        }
        int[] bins = new int[n];
        for (int i = 0, j = 0; i < count.length; i++) {
            if (count[i] > 0) {
                bins[j++] = i;
            }
        }
        List<int[]> boxes = new ArrayList<>(); // each box: a slice of bins
        boxes.add(bins);
        while (boxes.size() < MAX) {
            // Split the box with the largest (range × population): big, busy boxes first.
            int pick = -1;
            long bestScore = 0;
            int pickAxis = 0;
            for (int i = 0; i < boxes.size(); i++) {
                int[] box = boxes.get(i);
                if (box.length < 2) {
                    continue;
                }
                int[] range = new int[3];
                int axis = longestAxis(box, range);
                long pop = 0;
                for (int bin : box) {
                    pop += count[bin];
                }
                long score = range[axis] * pop;
                if (score > bestScore) {
                    bestScore = score;
                    pick = i;
                    pickAxis = axis;
                }
            }
            if (pick < 0) {
                break;
            }
            int[] box = boxes.remove(pick);
            int shift = 12 - 6 * pickAxis;
            // Sort by the chosen channel: key = channel value above the 18-bit bin (primitive sort).
            int[] sorted = new int[box.length];
            for (int i = 0; i < box.length; i++) {
                sorted[i] = ((box[i] >> shift) & 63) << 18 | box[i];
            }
            Arrays.sort(sorted);
            long total = 0;
            for (int bin : box) {
                total += count[bin];
            }
            long acc = 0;
            int cut = 1;
            for (int i = 0; i < sorted.length - 1; i++) {
                acc += count[sorted[i] & 0x3FFFF];
                cut = i + 1;
                if (acc * 2 >= total) {
                    break;
                }
            }
            int[] a = new int[cut];
            int[] b = new int[sorted.length - cut];
            for (int i = 0; i < sorted.length; i++) {
                if (i < cut) {
                    a[i] = sorted[i] & 0x3FFFF;
                } else {
                    b[i - cut] = sorted[i] & 0x3FFFF;
                }
            }
            boxes.add(a);
            boxes.add(b);
        }
        int[] colors = new int[boxes.size()];
        for (int i = 0; i < boxes.size(); i++) {
            long r = 0, g = 0, b = 0, w = 0;
            for (int bin : boxes.get(i)) {
                long c = count[bin];
                r += c * ((((bin >> 12) & 63) << 2) | 2);
                g += c * ((((bin >> 6) & 63) << 2) | 2);
                b += c * (((bin & 63) << 2) | 2);
                w += c;
            }
            colors[i] = (int) (r / w) << 16 | (int) (g / w) << 8 | (int) (b / w);
        }
        return colors;
    }

    private static int longestAxis(int[] box, int[] range) {
        int[] lo = {63, 63, 63};
        int[] hi = {0, 0, 0};
        for (int bin : box) {
            for (int a = 0; a < 3; a++) {
                int v = (bin >> (12 - 6 * a)) & 63;
                lo[a] = Math.min(lo[a], v);
                hi[a] = Math.max(hi[a], v);
            }
        }
        int best = 0;
        for (int a = 0; a < 3; a++) {
            range[a] = hi[a] - lo[a];
            if (range[a] > range[best]) {
                best = a;
            }
        }
        return best;
    }
}
