package dev.kinora.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.testing.TestPacks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real all-MiniLM-L6-v2 (int8) of the Tiny World pack, as the engine runs it. */
class TextEncoderTest {
    static TextEncoder enc;

    @BeforeAll
    static void load() throws Exception {
        ModelPack pack = PackLoader.load(TestPacks.tinyWorld());
        enc = new TextEncoder(pack, RuntimeOptions.defaults(), Device.CPU);
    }

    @AfterAll
    static void close() {
        enc.close();
    }

    static double cos(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void embeddingsAreUnitLengthSentenceVectors() throws Exception {
        TextEmbedding e = enc.encode("a red ball bounces on green grass");
        assertEquals(384, e.vector().length);
        assertEquals(1.0, Math.sqrt(cos(e.vector(), e.vector())), 1e-5);
        assertEquals(10, e.tokens(), "[CLS] a red ball bounce ##s on green grass [SEP]");
        assertFalse(e.truncated());
    }

    @Test
    void tokenStatesAreTheRowsThePooledVectorAverages() throws Exception {
        TextEmbedding e = enc.encode("a red ball bounces on green grass");
        assertEquals(10 * 384, e.tokenStates().length);
        float[] mean = new float[384];
        for (int t = 0; t < 10; t++) {
            for (int d = 0; d < 384; d++) {
                mean[d] += e.tokenStates()[t * 384 + d] / 10;
            }
        }
        double norm = Math.sqrt(cos(mean, mean));
        for (int d = 0; d < 384; d++) {
            assertEquals(e.vector()[d], mean[d] / norm, 1e-5, "dimension " + d);
        }
    }

    /** Why Tiny World 2.4 attends to the tokens: "left" and "right" move the pooled vector a little, their own rows a lot. */
    @Test
    void tokenStatesKeepLeftAndRightFurtherApartThanThePooledVector() throws Exception {
        TextEmbedding l = enc.encode("a blue ball slides to the left");
        TextEmbedding r = enc.encode("a blue ball slides to the right");
        assertEquals(l.tokens(), r.tokens());
        int k = l.tokens() - 2;                       // the direction word, before [SEP]
        double pooled = dist(l.vector(), 0, r.vector(), 0) / Math.sqrt(cos(l.vector(), l.vector()));
        double token = dist(l.tokenStates(), k * 384, r.tokenStates(), k * 384) / dist(l.tokenStates(), k * 384, new float[384], 0);
        assertTrue(token > 2 * pooled, "relative change: direction token " + token + ", pooled " + pooled);
    }

    static double dist(float[] a, int ia, float[] b, int ib) {
        double s = 0;
        for (int d = 0; d < 384; d++) {
            double x = a[ia + d] - b[ib + d];
            s += x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void paraphrasesLandCloserThanOtherScenes() throws Exception {
        float[] a = enc.encode("a red ball falls on grass").vector();
        float[] b = enc.encode("a red sphere drops onto the lawn").vector();
        float[] c = enc.encode("a blue triangle slides left over the desert at night").vector();
        assertTrue(cos(a, b) > cos(a, c) + 0.1, "paraphrase " + cos(a, b) + " vs other " + cos(a, c));
    }

    @Test
    void overlongPromptsAreTruncatedAndSaySo() throws Exception {
        TextEmbedding e = enc.encode("ball ".repeat(10_000));
        assertTrue(e.truncated());
        assertEquals(64, e.tokens());
    }

    @Test
    void emojiAndRightToLeftTextEncode() throws Exception {
        TextEmbedding e = enc.encode("🔴⚽ כדור אדום קופץ 🌿 كرة حمراء");
        assertEquals(384, e.vector().length);
        assertEquals(1.0, Math.sqrt(cos(e.vector(), e.vector())), 1e-5);
        assertTrue(e.tokens() > 2);
    }

    @Test
    void theSamePromptComesFromTheCacheIdentically() throws Exception {
        TextEmbedding a = enc.encode("a yellow star floats up over the desert");
        TextEmbedding b = enc.encode("a yellow star floats up over the desert");
        assertTrue(a == b, "cached instance");
        assertEquals(10, enc.countTokens("a yellow star floats up over the desert"));
    }
}
