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
