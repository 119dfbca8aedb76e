package dev.kinora.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
