package dev.kinora.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.engine.tensor.FloatTensor;
import dev.kinora.engine.tensor.Npy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * SVD's CLIP preprocessing against what diffusers fed its image encoder (src/test/resources/packs/svd-tiny-reference):
 * the pack's own 64×64 (an upscale, the blur is the identity) and a 448×256 downscale (the antialiasing blur acts).
 * The numpy recipe in float64 is 1.6e-5 / 6.9e-5 away from torch (checks.json); this float32 order is expected to be
 * bit-exact, and the bound stays well under the float64 recipe's distance so a drift back to it is caught.
 */
class ClipImagePreprocessorTest {
    static final Path REF = Path.of("src/test/resources/packs/svd-tiny-reference");
    static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};
    private static final double BOUND = 1e-5;

    @Test
    void thePacksOwnSizeIsAnUpscaleAndMatchesDiffusers() throws IOException {
        byte[] rgb = uint8(REF.resolve("i2v/image.npy"), 64 * 64 * 3);
        FloatTensor got = new ClipImagePreprocessor(224, 224, MEAN, STD).pixelValues(rgb, 64, 64);
        FloatTensor want = Npy.read(REF.resolve("i2v/clip_input.npy"));
        assertArrayEquals(want.shape(), got.shape());
        assertClose(want.data(), got.data(), BOUND, "i2v clip_input (64x64 upscale)");
    }

    @Test
    void aDownscaleBlursFirstAndMatchesDiffusers() throws IOException {
        JsonNode s = new ObjectMapper().readTree(REF.resolve("clip_resize/settings.json").toFile());
        int w = s.path("width").asInt();
        int h = s.path("height").asInt();
        int[] sub = new int[s.path("subsample").size()];
        for (int i = 0; i < sub.length; i++) {
            sub[i] = s.path("subsample").get(i).asInt();
        }
        float[] all = new ClipImagePreprocessor(224, 224, MEAN, STD).apply(uint8(REF.resolve("clip_resize/image.npy"), w * h * 3), w, h);
        int n = sub.length;
        float[] got = new float[3 * n * n];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    got[(c * n + y) * n + x] = all[(c * 224 + sub[y]) * 224 + sub[x]];
                }
            }
        }
        FloatTensor want = Npy.read(REF.resolve("clip_resize/clip_input_sub.npy"));
        assertArrayEquals(new long[] {1, 3, n, n}, want.shape());
        assertClose(want.data(), got, BOUND, "clip_resize clip_input (448x256 downscale, " + n + "x" + n + " subsample)");
    }

    @Test
    void sigmasAndKernelsFollowTheRecipe() {
        // the pack's sizes: no blur to speak of
        assertEquals(0.001, ClipImagePreprocessor.sigma(64, 224));
        assertEquals(3, ClipImagePreprocessor.kernelSize(0.001));
        // clip_resize/: sigma (0.071, 0.5), kernels 3 x 3 (README)
        assertEquals(0.5, ClipImagePreprocessor.sigma(448, 224));
        assertEquals(3, ClipImagePreprocessor.kernelSize(ClipImagePreprocessor.sigma(256, 224)));
        assertEquals(3, ClipImagePreprocessor.kernelSize(0.5));
        // SVD-XT's 576x1024: sigma (0.786, 1.786), kernels (3, 7)
        assertEquals(0.786, ClipImagePreprocessor.sigma(576, 224), 1e-3);
        assertEquals(1.786, ClipImagePreprocessor.sigma(1024, 224), 1e-3);
        assertEquals(3, ClipImagePreprocessor.kernelSize(ClipImagePreprocessor.sigma(576, 224)));
        assertEquals(7, ClipImagePreprocessor.kernelSize(ClipImagePreprocessor.sigma(1024, 224)));
        // an even int(4 sigma) is made odd
        assertEquals(5, ClipImagePreprocessor.kernelSize(1.0));
        float[] g = ClipImagePreprocessor.gaussian(3, 0.001f);
        assertArrayEquals(new float[] {0f, 1f, 0f}, g, "sigma 0.001: the tails underflow, the blur is the identity");
        float[] g7 = ClipImagePreprocessor.gaussian(7, 1.786f);
        float sum = 0;
        for (float v : g7) {
            sum += v;
        }
        assertEquals(1f, sum, 1e-6f);
        assertEquals(g7[0], g7[6]);
    }

    @Test
    void anImageOfOneColourStaysThatColour() {
        byte[] rgb = new byte[40 * 30 * 3];
        for (int p = 0; p < 40 * 30; p++) {
            rgb[p * 3] = (byte) 255;
            rgb[p * 3 + 1] = (byte) 128;
        }
        float[] v = new ClipImagePreprocessor(7, 5, MEAN, STD).apply(rgb, 40, 30);
        assertEquals(3 * 7 * 5, v.length);
        float[] want = {(1f - MEAN[0]) / STD[0], (128f / 255f - MEAN[1]) / STD[1], (0f - MEAN[2]) / STD[2]};
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 35; p++) {
                assertEquals(want[c], v[c * 35 + p], 1e-5f, "channel " + c);
            }
        }
    }

    @Test
    void badInputIsRefused() {
        ClipImagePreprocessor p = new ClipImagePreprocessor(224, 224, MEAN, STD);
        assertThrows(IllegalArgumentException.class, () -> p.apply(new byte[10], 2, 2));
        // a 1-pixel-high image cannot be reflect-padded for a 3-tap kernel (torch refuses it as well)
        var e = assertThrows(IllegalArgumentException.class, () -> p.apply(new byte[8 * 3], 8, 1));
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClipImagePreprocessor(224, 224, new float[2], STD));
    }

    static void assertClose(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": size");
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs(want[i] - got[i]));
        }
        System.out.printf(Locale.ROOT, "reference check: %s: max |diff| %.2g (bound %.0g)%n", what, max, tol);
        assertTrue(max <= tol, what + ": max |diff| " + max + " > " + tol);
    }

    /** The bytes of a uint8 .npy (C order), checked to hold n values. */
    static byte[] uint8(Path npy, int n) throws IOException {
        byte[] all = Files.readAllBytes(npy);
        boolean v1 = all[6] == 1;
        int headerLen = v1 ? (all[8] & 0xff) | (all[9] & 0xff) << 8 : ByteBuffer.wrap(all, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int start = (v1 ? 10 : 12) + headerLen;
        String header = new String(all, v1 ? 10 : 12, headerLen, StandardCharsets.US_ASCII);
        if (!header.contains("'|u1'") || header.contains("'fortran_order': True") || all.length - start != n) {
            throw new IOException(npy + ": expected " + n + " uint8 values in C order, header " + header.trim());
        }
        return Arrays.copyOfRange(all, start, all.length);
    }
}
