package dev.kinora.cli;

import static dev.kinora.cli.CliRun.kinora;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.tensor.FloatTensor;
import dev.kinora.engine.tensor.Npy;
import dev.kinora.testing.TestPacks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `kinora embed --tokens`: the token states Tiny World's token-attending denoiser trains on, written by the engine
 * itself. Checked against the pooled vectors written by the same command: each caption's rows, averaged and
 * normalised, must give its pooled vector back (to fp16's precision), and its padded rows must be zero.
 */
class EmbedTokensCliTest {
    @TempDir
    static Path dir;
    static String savedModels;

    @BeforeAll
    static void setUp() throws Exception {
        savedModels = System.getProperty("kinora.models");
        TestPacks.tiny(dir.resolve("models"));
        System.setProperty("kinora.models", dir.resolve("models").toString());
        System.setProperty("kinora.cache", dir.resolve("cache").toString());
    }

    @AfterAll
    static void restore() {
        if (savedModels != null) {
            System.setProperty("kinora.models", savedModels);
        }
    }

    /** A little-endian .npy's header length and the data's offset. */
    static int dataStart(byte[] all) {
        return 10 + ((all[8] & 0xff) | (all[9] & 0xff) << 8);
    }

    static float half(short h) {
        int e = (h >> 10) & 0x1f;
        int m = h & 0x3ff;
        double v = e == 0 ? m * Math.pow(2, -24) : (1 + m / 1024.0) * Math.pow(2, e - 15);
        return (float) ((h & 0x8000) != 0 ? -v : v);
    }

    @Test
    void tokenStatesAverageBackToThePooledVectorsAndArePaddedWithZeros() throws Exception {
        List<String> caps = List.of("a ball", "a red ball rolls slowly to the left over the desert", "star");
        Path in = dir.resolve("caps.txt");
        Files.write(in, caps, StandardCharsets.UTF_8);
        Path pooledFile = dir.resolve("emb.npy");
        Path tokFile = dir.resolve("tokens.npy");
        CliRun r = kinora("embed", "-m", "tiny", "--captions", in.toString(), "--out", pooledFile.toString(), "--tokens", tokFile.toString());
        assertEquals(0, r.code(), r.out());

        FloatTensor pooled = Npy.read(pooledFile);
        assertArrayEquals(new long[] {3, 32}, pooled.shape());
        byte[] lensBytes = Files.readAllBytes(dir.resolve("tokens_len.npy"));
        String lensHeader = new String(lensBytes, 10, dataStart(lensBytes) - 10, StandardCharsets.US_ASCII);
        assertTrue(lensHeader.contains("'<i2'") && lensHeader.contains("(3,"), lensHeader);
        ByteBuffer lb = ByteBuffer.wrap(lensBytes, dataStart(lensBytes), 6).order(ByteOrder.LITTLE_ENDIAN);
        int[] lens = {lb.getShort(), lb.getShort(), lb.getShort()};
        // [CLS] a ball [SEP]; the long caption's wordpieces; [CLS] star [SEP]
        assertEquals(4, lens[0]);
        assertEquals(3, lens[2]);
        assertTrue(lens[1] > 10, "long caption: " + lens[1]);

        byte[] all = Files.readAllBytes(tokFile);
        String header = new String(all, 10, dataStart(all) - 10, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'<f2'") && header.contains("(3, " + lens[1] + ", 32)"), header);
        ByteBuffer b = ByteBuffer.wrap(all, dataStart(all), all.length - dataStart(all)).order(ByteOrder.LITTLE_ENDIAN);
        int len = lens[1];
        for (int i = 0; i < 3; i++) {
            double[] mean = new double[32];
            for (int t = 0; t < len; t++) {
                for (int d = 0; d < 32; d++) {
                    float v = half(b.getShort());
                    if (t < lens[i]) {
                        mean[d] += v / lens[i];
                    } else {
                        assertEquals(0f, v, "caption " + i + " padded row " + t);
                    }
                }
            }
            double norm = 0;
            for (double v : mean) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int d = 0; d < 32; d++) {
                assertEquals(pooled.data()[i * 32 + d], mean[d] / norm, 2e-3, "caption " + i + " dimension " + d);
            }
        }
    }

    @Test
    void halvesRoundToNearestEvenAsNumpyDoes() {
        assertEquals((short) 0x3c00, Npy.toHalf(1f));
        assertEquals((short) 0xc000, Npy.toHalf(-2f));
        assertEquals((short) 0x2e66, Npy.toHalf(0.1f));
        assertEquals((short) 0x3555, Npy.toHalf(1f / 3));
        assertEquals((short) 0x7bff, Npy.toHalf(65504f));
        assertEquals((short) 0x7c00, Npy.toHalf(65520f));          // rounds past the largest half
        assertEquals((short) 0x7bff, Npy.toHalf(65519f));
        assertEquals((short) 0x0001, Npy.toHalf((float) Math.pow(2, -24)));
        assertEquals((short) 0x0000, Npy.toHalf((float) Math.pow(2, -25)));   // a tie rounds to even: zero
        assertEquals((short) 0x0400, Npy.toHalf((float) Math.pow(2, -14)));   // the smallest normal
        assertEquals((short) 0x3c00, Npy.toHalf(1f + (float) Math.pow(2, -11)));  // tie between 1 and 1+2^-10: even
        assertEquals((short) 0x3c02, Npy.toHalf(1f + 3 * (float) Math.pow(2, -11)));  // tie: up to even
        assertEquals((short) 0x7e00, Npy.toHalf(Float.NaN));
    }
}
