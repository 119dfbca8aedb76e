package dev.kinora.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.model.TextEmbedding;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.testing.TestPacks;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token path of a denoiser that attends to the prompt's tokens (Tiny World 2.4), on the tiny
 * {@code denoiser_tokens} graph: its clean target adds P·Σ_t mask[t]·tokens[t] with P[d, c] = 1 where d mod 4 = c.
 * One flow-Euler step from t = 1 lands on the guided x0, so a run's latents are 0.5·noise + u + g·(c − u) with u and c
 * the unconditional and conditional targets, and the difference between two runs that differ only in the
 * conditional prompt's tokens is g·P·(Σ tokens₁ − Σ tokens₂), exactly: a token row lost, doubled, shifted into the
 * other batch row or read past its length changes it.
 */
class WindowSamplerTokensTest {
    static final int C = 4;
    static final int DIM = 32;
    static final int FRAMES = 8;
    static final float GUIDANCE = 2f;

    @TempDir
    static Path dir;
    static LoadedPack lp;

    @BeforeAll
    static void load() throws Exception {
        lp = new LoadedPack(PackLoader.load(TestPacks.tinyTokens(dir)), RuntimeOptions.defaults(), Device.CPU);
    }

    @AfterAll
    static void close() {
        lp.close();
    }

    /** A prompt of {@code n} token rows, row t filled with (seed + t) / 10, pooled vector fixed. */
    static TextEmbedding prompt(int n, int seed) {
        float[] pooled = new float[DIM];
        pooled[0] = 0.25f;
        float[] states = new float[n * DIM];
        for (int t = 0; t < n; t++) {
            for (int d = 0; d < DIM; d++) {
                states[t * DIM + d] = (seed + t) / 10f + d * 0.01f;
            }
        }
        return new TextEmbedding(pooled, n, false, states);
    }

    static float[] run(TextEmbedding cond, TextEmbedding uncond) throws Exception {
        Schedule schedule = Schedule.resolve(lp, Mode.GENERATE, "flow-euler", Float.NaN);
        WindowSampler s = new WindowSampler(lp.denoiser(), schedule, WindowSampler.ScheduleObserver.NONE, FRAMES, 1, GUIDANCE,
                ModelPack.GuidanceInterval.ALWAYS, cond, uncond, C, 8, 8);
        return s.sample(new WindowSampler.Window(FRAMES, new float[C * FRAMES * 64], new boolean[FRAMES], null, 1f, 11L),
                new CancelToken(), (call, calls, clean) -> { });
    }

    /** P·Σ_t tokens[t] for channel c. */
    static double tokenTarget(TextEmbedding e, int c) {
        double s = 0;
        for (int t = 0; t < e.tokens(); t++) {
            for (int d = c; d < DIM; d += C) {
                s += e.tokenStates()[t * DIM + d];
            }
        }
        return s;
    }

    static void assertDifference(float[] a, float[] b, TextEmbedding ca, TextEmbedding cb) {
        for (int c = 0; c < C; c++) {
            double want = GUIDANCE * (tokenTarget(ca, c) - tokenTarget(cb, c));
            for (int i = c * FRAMES * 64; i < (c + 1) * FRAMES * 64; i++) {
                assertEquals(want, a[i] - b[i], 1e-4, "channel " + c + " cell " + i);
            }
        }
    }

    @Test
    void theDenoiserSeesEveryTokenOfTheConditionalRowAndNoneOfTheEmptyOne() throws Exception {
        assertTrue(lp.denoiser().takesTokens());
        TextEmbedding empty = TextEmbedding.empty(DIM);
        TextEmbedding three = prompt(3, 1);
        TextEmbedding five = prompt(5, 4);
        float[] a = run(three, empty);
        float[] b = run(five, empty);
        assertDifference(a, b, three, five);
        // and the runs differ at all: 3 rows against 5 with other values
        assertFalse(Math.abs(a[0] - b[0]) < 1e-3);
    }

    @Test
    void aLongerNegativePromptPadsTheConditionalRowWithNothing() throws Exception {
        TextEmbedding negative = prompt(6, 9);
        TextEmbedding two = prompt(2, 1);
        TextEmbedding four = prompt(4, 2);
        // the batch is padded to the negative's 6 rows; the padded rows of the conditional half must count for nothing
        assertDifference(run(two, negative), run(four, negative), two, four);
    }

    @Test
    void theNegativePromptsTokensEnterTheUnconditionalHalf() throws Exception {
        TextEmbedding cond = prompt(3, 1);
        TextEmbedding negA = prompt(2, 5);
        TextEmbedding negB = prompt(4, 7);
        float[] a = run(cond, negA);
        float[] b = run(cond, negB);
        // x0 = u + g (c - u): changing u by du moves it by (1 - g) du
        for (int c = 0; c < C; c++) {
            double want = (1 - GUIDANCE) * (tokenTarget(negA, c) - tokenTarget(negB, c));
            assertEquals(want, a[c * FRAMES * 64] - b[c * FRAMES * 64], 1e-4, "channel " + c);
        }
    }
}
