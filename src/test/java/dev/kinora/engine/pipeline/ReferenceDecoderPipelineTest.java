package dev.kinora.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Direction;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.Source;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.testing.Synthetic;
import dev.kinora.testing.TestPacks;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decode order with a reference decoder ({@code vae_decoder_ref}), on the tiny pack with one that returns its
 * reference unchanged: each new frame is then exactly the frame it was decoded after, so the tests read which
 * frame that was — the source's frame next to the new ones (forward or backward), the still, or the frame before.
 * The same requests on the plain tiny pack give frames that differ from those neighbours, so the copies are the
 * reference decoder's doing.
 */
class ReferenceDecoderPipelineTest {
    @TempDir
    static Path models;
    static GenerationEngine engine;

    @BeforeAll
    static void setUp() throws Exception {
        TestPacks.tinyWithReferenceDecoder(models, "tinyref");
        TestPacks.tiny(models, "tiny");
        TestPacks.addDefaults(TestPacks.tinyWithReferenceDecoder(models, "tinyref3"), "\"referenceFrames\": 3");
        engine = new GenerationEngine(new PackRegistry(List.of(models)), RuntimeOptions.defaults().withDevice(Device.CPU));
    }

    @AfterAll
    static void tearDown() {
        engine.close();
    }

    static GenerationResult run(GenerationRequest r) throws Exception {
        return engine.generate(r, p -> { }, new CancelToken());
    }

    static Source src(Frames f) {
        return new Source(f, "synthetic", "0".repeat(64));
    }

    @Test
    void extendingForwardDecodesEveryNewFrameAfterTheSourcesLastFrame() throws Exception {
        Frames clip = Synthetic.movingSquare(32, 32, 8, 1);
        // 16 new frames: three windows (6 + 6 + 4 new after 2 context frames), so the chain crosses windows
        GenerationResult r = run(GenerationRequest.textToVideo("tinyref", "continue", 3)
                .withMode(Mode.EXTEND, List.of(src(clip))).withFrames(16));
        assertEquals(24, r.frames().count());
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(clip.frame(i), r.frames().frame(i), "source frame " + i);
        }
        for (int i = 8; i < 24; i++) {
            assertArrayEquals(clip.frame(7), r.frames().frame(i), "new frame " + i + " carries the source's last frame");
        }
        GenerationResult plain = run(GenerationRequest.textToVideo("tiny", "continue", 3)
                .withMode(Mode.EXTEND, List.of(src(clip))).withFrames(16));
        assertTrue(Synthetic.meanAbsDiff(clip.frame(7), plain.frames().frame(8)) > 1, "without the reference decoder the new frames differ");
    }

    @Test
    void extendingBackwardDecodesEachNewFrameAfterTheOneFollowingIt() throws Exception {
        Frames clip = Synthetic.movingSquare(32, 32, 5, 2);
        GenerationResult r = run(GenerationRequest.textToVideo("tinyref", "what came before", 3)
                .withMode(Mode.EXTEND, List.of(src(clip))).withExtension(Direction.BACKWARD, 0, 1f).withFrames(13));
        assertEquals(18, r.frames().count());
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(clip.frame(i), r.frames().frame(13 + i), "source frame " + i);
        }
        for (int i = 0; i < 13; i++) {
            assertArrayEquals(clip.frame(0), r.frames().frame(i), "new frame " + i + " carries the source's first frame");
        }
    }

    @Test
    void animatingAStillCarriesItIntoEveryFrame() throws Exception {
        Frames still = Synthetic.movingSquare(32, 32, 1, 3);
        GenerationResult r = run(GenerationRequest.textToVideo("tinyref", "it moves", 9)
                .withMode(Mode.ANIMATE, List.of(src(still))));
        assertEquals(8, r.frames().count());
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(still.frame(0), r.frames().frame(i), "frame " + i);
        }
    }

    @Test
    void aOneFrameAnimationIsTheStillWithOrWithoutAReferenceDecoder() throws Exception {
        Frames still = Synthetic.movingSquare(32, 32, 1, 6);
        for (String pack : List.of("tinyref", "tiny")) {
            GenerationResult r = run(GenerationRequest.textToVideo(pack, "it moves", 9)
                    .withMode(Mode.ANIMATE, List.of(src(still))).withFrames(1));
            assertEquals(1, r.frames().count(), pack);
            assertArrayEquals(still.frame(0), r.frames().frame(0), pack);
        }
    }

    @Test
    void textToVideoDecodesFrameZeroAloneAndTheRestAfterIt() throws Exception {
        GenerationResult r = run(GenerationRequest.textToVideo("tinyref", "a red ball", 4).withFrames(14));
        GenerationResult plain = run(GenerationRequest.textToVideo("tiny", "a red ball", 4).withFrames(14));
        assertEquals(14, r.frames().count());
        assertArrayEquals(plain.frames().frame(0), r.frames().frame(0), "frame 0 has no neighbour: the plain decoder's");
        for (int i = 1; i < 14; i++) {
            assertArrayEquals(r.frames().frame(0), r.frames().frame(i), "frame " + i);
        }
        assertTrue(Synthetic.meanAbsDiff(plain.frames().frame(0), plain.frames().frame(13)) > 1, "the plain pack's frames move");
    }

    @Test
    void interpolationAndLoopBridgesStartFromTheFrameBeforeThem() throws Exception {
        Frames a = Synthetic.movingSquare(32, 32, 2, 1);
        Frames b = Synthetic.movingSquare(32, 32, 3, 5);
        GenerationResult in = run(GenerationRequest.textToVideo("tinyref", "connect", 3)
                .withMode(Mode.INTERPOLATE, List.of(src(a), src(b))));
        assertEquals(11, in.frames().count());
        for (int i = 2; i < 8; i++) {
            assertArrayEquals(a.frame(1), in.frames().frame(i), "in-between " + i);
        }
        assertArrayEquals(b.frame(0), in.frames().frame(8));
        Frames clip = Synthetic.movingSquare(32, 32, 8, 4);
        GenerationResult loop = run(GenerationRequest.textToVideo("tinyref", "loop", 3)
                .withMode(Mode.LOOP, List.of(src(clip))));
        assertEquals(12, loop.frames().count());
        for (int i = 8; i < 12; i++) {
            assertArrayEquals(clip.frame(7), loop.frames().frame(i), "bridge frame " + i);
        }
    }

    /** Largest difference in levels between two frames. */
    static int maxLevels(byte[] a, byte[] b) {
        int m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((a[i] & 0xff) - (b[i] & 0xff)));
        }
        return m;
    }

    /** Largest difference between a frame and weight · ref + (1 − weight) · plain, in levels. */
    static double maxFromMix(byte[] frame, byte[] ref, byte[] plain, double weight) {
        double m = 0;
        for (int i = 0; i < frame.length; i++) {
            double want = weight * (ref[i] & 0xff) + (1 - weight) * (plain[i] & 0xff);
            m = Math.max(m, Math.abs((frame[i] & 0xff) - want));
        }
        return m;
    }

    @Test
    void aReferenceCarriedThreeFramesFadesIntoThePlainDecoderAfterEveryShownFrame() throws Exception {
        Frames clip = Synthetic.movingSquare(32, 32, 8, 1);
        // 16 new frames in three windows (6 + 6 + 4 after 2 context frames); the latents are the plain pack's, so its
        // frames are what vae_decoder alone makes of them
        GenerationResult r = run(GenerationRequest.textToVideo("tinyref3", "continue", 3)
                .withMode(Mode.EXTEND, List.of(src(clip))).withFrames(16));
        GenerationResult plain = run(GenerationRequest.textToVideo("tiny", "continue", 3)
                .withMode(Mode.EXTEND, List.of(src(clip))).withFrames(16));
        assertEquals(24, r.frames().count());
        for (int start : new int[] {8, 14, 20}) {
            byte[] shown = r.frames().frame(start - 1);
            assertArrayEquals(shown, r.frames().frame(start), "frame " + start + ": all reference");
            // weights 2/3 and 1/3 of the identity reference (the frame before, as shown); 1 level of rounding
            assertTrue(maxFromMix(r.frames().frame(start + 1), r.frames().frame(start), plain.frames().frame(start + 1), 2 / 3.0) <= 1.01,
                    "frame " + (start + 1));
            assertTrue(maxFromMix(r.frames().frame(start + 2), r.frames().frame(start + 1), plain.frames().frame(start + 2), 1 / 3.0) <= 1.01,
                    "frame " + (start + 2));
            for (int i = start + 3; i < Math.min(start + 6, 24); i++) {
                assertTrue(maxLevels(plain.frames().frame(i), r.frames().frame(i)) <= 1, "frame " + i + " is decoded alone");
            }
            assertTrue(Synthetic.meanAbsDiff(shown, plain.frames().frame(start)) > 1, "the plain decoder's frame " + start + " differs");
        }
    }

    @Test
    void aLimitedReferenceRunsBackwardToo() throws Exception {
        Frames clip = Synthetic.movingSquare(32, 32, 5, 2);
        GenerationRequest req = GenerationRequest.textToVideo("tinyref3", "what came before", 3)
                .withMode(Mode.EXTEND, List.of(src(clip))).withExtension(Direction.BACKWARD, 0, 1f).withFrames(6);
        GenerationResult r = run(req);
        GenerationResult plain = run(GenerationRequest.textToVideo("tiny", "what came before", 3)
                .withMode(Mode.EXTEND, List.of(src(clip))).withExtension(Direction.BACKWARD, 0, 1f).withFrames(6));
        assertEquals(11, r.frames().count());
        assertArrayEquals(clip.frame(0), r.frames().frame(5), "the new frame next to the source");
        assertTrue(maxFromMix(r.frames().frame(4), r.frames().frame(5), plain.frames().frame(4), 2 / 3.0) <= 1.01);
        assertTrue(maxFromMix(r.frames().frame(3), r.frames().frame(4), plain.frames().frame(3), 1 / 3.0) <= 1.01);
        for (int i = 0; i < 3; i++) {
            assertTrue(maxLevels(plain.frames().frame(i), r.frames().frame(i)) <= 1, "frame " + i + " is decoded alone");
        }
    }

    @Test
    void aLimitedReferenceLeavesTextToVideoToThePlainDecoder() throws Exception {
        GenerationResult r = run(GenerationRequest.textToVideo("tinyref3", "a red ball", 4).withFrames(14));
        GenerationResult plain = run(GenerationRequest.textToVideo("tiny", "a red ball", 4).withFrames(14));
        assertEquals(14, r.frames().count());
        // the first window has nothing shown before it; the second is carried after the first's last frame
        for (int i = 0; i < 8; i++) {
            assertTrue(maxLevels(plain.frames().frame(i), r.frames().frame(i)) <= 1, "frame " + i);
        }
        assertArrayEquals(r.frames().frame(7), r.frames().frame(8), "the second window's first frame");
    }

    @Test
    void referenceFramesMustBeAWholeNumberOfFrames() throws Exception {
        for (String bad : List.of("-1", "2.5", "\"3\"", "5000")) {
            Path p = TestPacks.tinyWithReferenceDecoder(models.resolve("broken"), "tinyref-" + bad.hashCode());
            TestPacks.addDefaults(p, "\"referenceFrames\": " + bad);
            PackException e = assertThrows(PackException.class, () -> PackLoader.load(p), bad);
            assertTrue(e.getMessage().contains("defaults.referenceFrames") && e.getMessage().contains("whole number"), e.getMessage());
        }
        Path ok = TestPacks.tinyWithReferenceDecoder(models.resolve("ok"), "tinyref-ok");
        TestPacks.addDefaults(ok, "\"referenceFrames\": 4");
        assertEquals(4, PackLoader.load(ok).defaults().referenceFrames());
        assertEquals(0, PackLoader.load(models.resolve("tinyref")).defaults().referenceFrames(), "absent: carried throughout");
    }

    /** weight · a + (1 − weight) · b, per level, unrounded (what the engine computes before rounding). */
    static double[] mix(double[] a, double[] b, double weight) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = weight * a[i] + (1 - weight) * b[i];
        }
        return out;
    }

    static double[] levels(byte[] rgb) {
        double[] out = new double[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = rgb[i] & 0xff;
        }
        return out;
    }

    static double maxOff(byte[] frame, double[] want) {
        double m = 0;
        for (int i = 0; i < frame.length; i++) {
            m = Math.max(m, Math.abs((frame[i] & 0xff) - want[i]));
        }
        return m;
    }

    @Test
    void aLimitedReferenceMeetsBothEndsOfAnInBetween() throws Exception {
        Frames a = Synthetic.movingSquare(32, 32, 2, 1);
        Frames b = Synthetic.movingSquare(32, 32, 3, 5);
        GenerationResult r = run(GenerationRequest.textToVideo("tinyref3", "connect", 3).withMode(Mode.INTERPOLATE, List.of(src(a), src(b))));
        GenerationResult plain = run(GenerationRequest.textToVideo("tiny", "connect", 3).withMode(Mode.INTERPOLATE, List.of(src(a), src(b))));
        assertEquals(11, r.frames().count());
        // six in-betweens, frames 2-7: three faded in from a's last frame, three from b's first
        assertArrayEquals(a.frame(1), r.frames().frame(2), "the first in-between is carried from the frame before");
        assertArrayEquals(b.frame(0), r.frames().frame(7), "the last in-between is carried from the frame after");
        double[] f3 = mix(levels(r.frames().frame(2)), levels(plain.frames().frame(3)), 2 / 3.0);
        assertTrue(maxOff(r.frames().frame(3), f3) <= 1.01);
        assertTrue(maxOff(r.frames().frame(4), mix(levels(r.frames().frame(3)), levels(plain.frames().frame(4)), 1 / 3.0)) <= 1.01);
        assertTrue(maxOff(r.frames().frame(6), mix(levels(b.frame(0)), levels(plain.frames().frame(6)), 2 / 3.0)) <= 1.01);
        assertTrue(maxOff(r.frames().frame(5), mix(levels(r.frames().frame(6)), levels(plain.frames().frame(5)), 1 / 3.0)) <= 1.01);
        assertTrue(Synthetic.meanAbsDiff(b.frame(0), plain.frames().frame(7)) > 1, "the plain decoder's last in-between differs");
        assertArrayEquals(b.frame(0), r.frames().frame(8));
    }

    @Test
    void aLimitedReferenceClosesALoopsWrapAndMixesWhereTheFadesOverlap() throws Exception {
        Frames clip = Synthetic.movingSquare(32, 32, 8, 4);
        GenerationResult r = run(GenerationRequest.textToVideo("tinyref3", "loop", 3).withMode(Mode.LOOP, List.of(src(clip))));
        GenerationResult plain = run(GenerationRequest.textToVideo("tiny", "loop", 3).withMode(Mode.LOOP, List.of(src(clip))));
        assertEquals(12, r.frames().count());
        // a bridge of four, frames 8-11: from the clip's last frame (weights 1, 2/3, 1/3, 0) and into its first (0, 1/3, 2/3, 1)
        assertArrayEquals(clip.frame(7), r.frames().frame(8), "the bridge starts from the clip's last frame");
        assertArrayEquals(clip.frame(0), r.frames().frame(11), "and ends on its first: the wrap");
        double[] p9 = levels(plain.frames().frame(9));
        double[] p10 = levels(plain.frames().frame(10));
        double[] after9 = mix(levels(clip.frame(7)), p9, 2 / 3.0);
        double[] after10 = mix(after9, p10, 1 / 3.0);
        double[] before10 = mix(levels(clip.frame(0)), p10, 2 / 3.0);
        double[] before9 = mix(before10, p9, 1 / 3.0);
        // each chain is rounded to 8 bits once per frame before the next uses it, and the mix once more: 2 levels
        assertTrue(maxOff(r.frames().frame(9), mix(after9, before9, (2 / 3.0) / (2 / 3.0 + 1 / 3.0))) <= 2.01, "frame 9");
        assertTrue(maxOff(r.frames().frame(10), mix(after10, before10, (1 / 3.0) / (1 / 3.0 + 2 / 3.0))) <= 2.01, "frame 10");
        assertTrue(Synthetic.meanAbsDiff(clip.frame(0), plain.frames().frame(11)) > 1, "the plain pack's wrap jumps");
    }
}
