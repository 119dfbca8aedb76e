package dev.kinora.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Pure-Java pixel operations, on frames small enough to check by hand. */
class FramesTest {

    /** A w×h frame whose pixel (x, y) is (x, y, 7). */
    private static byte[] coords(int w, int h) {
        byte[] f = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                f[(y * w + x) * 3] = (byte) x;
                f[(y * w + x) * 3 + 1] = (byte) y;
                f[(y * w + x) * 3 + 2] = 7;
            }
        }
        return f;
    }

    private static int[] px(byte[] f, int w, int x, int y) {
        int o = (y * w + x) * 3;
        return new int[] {f[o] & 255, f[o + 1] & 255, f[o + 2] & 255};
    }

    @Test
    void rotatingClockwiseMovesTheBottomLeftCornerToTheTopLeft() {
        byte[] src = coords(4, 2); // 4 wide, 2 high
        byte[] r90 = Frames.rotate(src, 4, 2, 90); // 2 wide, 4 high
        assertArrayEquals(new int[] {0, 1, 7}, px(r90, 2, 0, 0));
        assertArrayEquals(new int[] {3, 0, 7}, px(r90, 2, 1, 3));
        byte[] r180 = Frames.rotate(src, 4, 2, 180);
        assertArrayEquals(new int[] {3, 1, 7}, px(r180, 4, 0, 0));
        byte[] r270 = Frames.rotate(src, 4, 2, 270);
        assertArrayEquals(new int[] {3, 0, 7}, px(r270, 2, 0, 0));
        assertArrayEquals(src, Frames.rotate(Frames.rotate(src, 4, 2, 90), 2, 4, 270));
    }

    @Test
    void resizingAFlatFrameKeepsItFlatBothWays() {
        byte[] flat = Synthetic.flatColours(17, 9, new int[][] {{12, 200, 99}}, 1).frame(0);
        for (Frames.Kernel k : Frames.Kernel.values()) {
            for (int[] size : new int[][] {{5, 3}, {40, 23}, {17, 30}}) {
                byte[] out = Frames.resize(flat, 17, 9, size[0], size[1], k);
                for (int i = 0; i < out.length; i += 3) {
                    assertArrayEquals(new int[] {12, 200, 99}, px(out, 1, i / 3, 0), k + " " + size[0] + "x" + size[1]);
                }
            }
        }
    }

    @Test
    void downscalingAveragesInsteadOfAliasing() {
        // A 1-pixel checkerboard shrunk 4x must become mid-grey, not black or white moiré.
        byte[] checker = new byte[64 * 64 * 3];
        for (int i = 0; i < 64 * 64; i++) {
            byte v = (byte) (((i % 64) + (i / 64)) % 2 == 0 ? 255 : 0);
            checker[i * 3] = v;
            checker[i * 3 + 1] = v;
            checker[i * 3 + 2] = v;
        }
        byte[] out = Frames.resize(checker, 64, 64, 16, 16, Frames.Kernel.BICUBIC);
        for (int i = 0; i < out.length; i++) {
            assertEquals(127.5, out[i] & 255, 3.0, "sample " + i);
        }
    }

    @Test
    void nearestUpscaleAndEdgePaddingCopyPixelsExactly() {
        byte[] src = coords(3, 2);
        byte[] up = Frames.upscaleNearest(src, 3, 2, 3);
        assertArrayEquals(new int[] {2, 1, 7}, px(up, 9, 8, 5));
        assertArrayEquals(new int[] {1, 0, 7}, px(up, 9, 3, 2));
        byte[] padded = Frames.padByEdge(src, 3, 2, 4, 4);
        assertArrayEquals(new int[] {2, 1, 7}, px(padded, 4, 3, 3), "corner repeats the last pixel");
        assertArrayEquals(new int[] {0, 1, 7}, px(padded, 4, 0, 2));
    }

    @Test
    void fitLetterboxesAndFillCropsToTheTargetAspect() {
        MediaReader.Plan fit = MediaReader.Plan.of(1920, 1080, 512, 512, ResizePolicy.FIT);
        assertEquals(512, fit.scaledW());
        assertEquals(288, fit.scaledH());
        assertEquals(112, fit.padY());
        MediaReader.Plan fill = MediaReader.Plan.of(1920, 1080, 512, 512, ResizePolicy.FILL);
        assertEquals(1080, fill.cropW());
        assertEquals(420, fill.cropX());
        assertEquals(512, fill.scaledW());
        MediaReader.Plan same = MediaReader.Plan.of(640, 360, 0, 0, ResizePolicy.FILL);
        assertEquals(640, same.outW());
        assertTrue(MediaReader.Transform.of(fill, 1920, 1080, 0, false).scaledByFfmpeg());
    }
}
