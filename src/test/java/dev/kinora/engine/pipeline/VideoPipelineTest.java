package dev.kinora.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Direction;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.Progress;
import dev.kinora.engine.Source;
import dev.kinora.engine.Stage;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.testing.Synthetic;
import dev.kinora.testing.TestPacks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every mode end to end on the tiny test pack (32x32, 8-frame windows, 2 context frames). */
class VideoPipelineTest {
    @TempDir
    static Path models;
    static GenerationEngine engine;

    @BeforeAll
    static void setUp() throws Exception {
        TestPacks.tiny(models);
        engine = new GenerationEngine(new PackRegistry(List.of(models)), RuntimeOptions.defaults().withDevice(Device.CPU));
    }

    @AfterAll
    static void tearDown() {
        engine.close();
    }

    static GenerationRequest req(String prompt, long seed) {
        return GenerationRequest.textToVideo("tiny", prompt, seed);
    }

    static GenerationResult run(GenerationRequest r) throws Exception {
        return engine.generate(r, p -> { }, new CancelToken());
    }

    static Source src(Frames f) {
        return new Source(f, "synthetic", "0".repeat(64));
    }

    @Test
    void textToVideoHasThePacksShapeAndIsDeterministic() throws Exception {
        GenerationResult a = run(req("a red ball bounces", 42));
        GenerationResult b = run(req("a red ball bounces", 42));
        GenerationResult c = run(req("a red ball bounces", 43));
        assertEquals(8, a.frames().count());
        assertEquals(32, a.frames().width());
        assertEquals(32, a.frames().height());
        assertEquals(8.0, a.frames().fps());
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(a.frames().frame(i), b.frames().frame(i), "frame " + i + " differs between equal requests");
        }
        assertTrue(Synthetic.meanAbsDiff(a.frames().frame(3), c.frames().frame(3)) > 0.5, "another seed must give other noise");
        assertTrue(a.complete());
        assertEquals(4 * 1, a.timings().modelCalls(), "4 steps, cond+uncond batched into one call each");
    }

    @Test
    void thePromptSteersTheColour() throws Exception {
        double[] red = Synthetic.meanRgb(run(req("a red ball", 1)).frames().frame(7));
        double[] blue = Synthetic.meanRgb(run(req("a blue cube over the sea at night", 1)).frames().frame(7));
        double d = Math.abs(red[0] - blue[0]) + Math.abs(red[1] - blue[1]) + Math.abs(red[2] - blue[2]);
        assertTrue(d > 10, "different prompts must lead to different colours, got distance " + d);
    }

    @Test
    void longerClipsAreMadeOfChainedWindows() throws Exception {
        List<Progress> events = new ArrayList<>();
        GenerationResult r = engine.generate(req("a ball", 5).withFrames(20), events::add, new CancelToken());
        assertEquals(20, r.frames().count());
        // 8 frames, then windows of 6 new frames after 2 context frames: 8 + 6 + 6 = 20 → 3 windows
        assertEquals(3, events.get(events.size() - 1).windows());
        assertEquals(12, r.timings().modelCalls());
        assertEquals(Stage.DONE, events.get(events.size() - 1).stage());
        assertTrue(events.stream().anyMatch(p -> p.stage() == Stage.DENOISING && !p.preview().isEmpty()), "previews while denoising");
    }

    @Test
    void animatingAStillKeepsItAsFrameZeroExactly() throws Exception {
        Frames still = Synthetic.movingSquare(32, 32, 1, 3);
        GenerationResult r = run(req("it moves", 9).withMode(Mode.ANIMATE, List.of(src(still))));
        assertEquals(8, r.frames().count());
        assertArrayEquals(still.frame(0), r.frames().frame(0));
    }

    @Test
    void extendingForwardKeepsTheSourceBitExactAndAddsFrames() throws Exception {
        Frames clip = Synthetic.movingSquare(32, 32, 8, 1);
        GenerationResult r = run(req("continue", 3).withMode(Mode.EXTEND, List.of(src(clip))).withFrames(10));
        assertEquals(18, r.frames().count());
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(clip.frame(i), r.frames().frame(i), "source frame " + i);
        }
    }

    @Test
    void extendingBackwardPutsNewFramesBeforeTheSource() throws Exception {
        Frames clip = Synthetic.movingSquare(32, 32, 5, 2);
        GenerationResult r = run(req("what came before", 3).withMode(Mode.EXTEND, List.of(src(clip)))
                .withExtension(Direction.BACKWARD, 0, 1f).withFrames(7));
        assertEquals(12, r.frames().count());
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(clip.frame(i), r.frames().frame(7 + i), "source frame " + i);
        }
        assertEquals(Direction.BACKWARD, r.recipe().direction());
    }

    @Test
    void interpolationConnectsTwoSourcesWithExactEnds() throws Exception {
        Frames a = Synthetic.movingSquare(32, 32, 2, 1);
        Frames b = Synthetic.movingSquare(32, 32, 3, 5);
        GenerationResult r = run(req("connect", 3).withMode(Mode.INTERPOLATE, List.of(src(a), src(b))));
        assertEquals(2 + 6 + 3, r.frames().count());
        assertArrayEquals(a.frame(1), r.frames().frame(1));
        assertArrayEquals(b.frame(0), r.frames().frame(8));
    }

    @Test
    void aLoopOfAClipAddsABridgeBackToItsStart() throws Exception {
        Frames clip = Synthetic.movingSquare(32, 32, 8, 4);
        GenerationResult r = run(req("loop", 3).withMode(Mode.LOOP, List.of(src(clip))));
        // window 8, context min(2, 8/4) = 2 → bridge of 8 - 4 = 4 frames
        assertEquals(12, r.frames().count());
        assertArrayEquals(clip.frame(7), r.frames().frame(7));
    }

    @Test
    void aLoopFromTextGeneratesAClipThenItsBridge() throws Exception {
        GenerationResult r = run(req("loop", 3).withMode(Mode.LOOP, List.of()));
        assertEquals(8 + 4, r.frames().count());
        assertEquals(8, r.timings().modelCalls());
    }

    @Test
    void remixStrengthControlsHowFarTheSourceMoves() throws Exception {
        Frames clip = Synthetic.movingSquare(32, 32, 8, 6);
        GenerationRequest base = req("a completely different scene", 3).withMode(Mode.REMIX, List.of(src(clip)));
        GenerationResult light = run(base.withExtension(Direction.FORWARD, 0, 0.25f));
        GenerationResult heavy = run(base.withExtension(Direction.FORWARD, 0, 1f));
        assertEquals(8, light.frames().count());
        double dl = Synthetic.meanAbsDiff(clip.frame(4), light.frames().frame(4));
        double dh = Synthetic.meanAbsDiff(clip.frame(4), heavy.frames().frame(4));
        assertTrue(dl < dh, "strength 0.25 must stay closer to the source than 1.0: " + dl + " vs " + dh);
        assertEquals(1, light.timings().modelCalls(), "strength 0.25 of 4 steps runs 1 step");
    }

    @Test
    void cancellingMidRunReturnsTheFinishedWindows() throws Exception {
        CancelToken token = new CancelToken();
        GenerationCancelledException e = assertThrows(GenerationCancelledException.class, () ->
                engine.generate(req("a ball", 5).withFrames(20), p -> {
                    if (p.window() == 2 && p.step() >= 5) {
                        token.cancel();
                    }
                }, token));
        assertTrue(e.partial().isPresent());
        GenerationResult partial = e.partial().get();
        assertFalse(partial.complete());
        assertEquals(8, partial.frames().count(), "the first window is finished, the second was cancelled");
    }

    @Test
    void aPackLexiconRewritesThePromptBeforeTheTextEncoderAndTheResultSaysSo() throws Exception {
        Path dir = TestPacks.tiny(models, "tiny-lexicon");
        TestPacks.addLexicon(dir, """
                {"format": 1, "shapes": ["ball"], "colourContext": ["coloured"],
                 "entries": [{"kind": "colour", "from": "scarlet", "to": "red"}, {"kind": "shape", "from": "orb", "to": "ball"}]}
                """);
        try (GenerationEngine e = new GenerationEngine(new PackRegistry(List.of(models)), RuntimeOptions.defaults().withDevice(Device.CPU))) {
            GenerationResult typed = e.generate(GenerationRequest.textToVideo("tiny-lexicon", "a scarlet orb rolls", 7), p -> { }, new CancelToken());
            GenerationResult plain = e.generate(GenerationRequest.textToVideo("tiny-lexicon", "a red ball rolls", 7), p -> { }, new CancelToken());
            assertEquals(List.of("read \"a scarlet orb rolls\" as \"a red ball rolls\" (words the model was not trained on, from its lexicon)"),
                    typed.warnings());
            assertTrue(plain.warnings().isEmpty(), plain.warnings().toString());
            for (int i = 0; i < typed.frames().count(); i++) {
                assertArrayEquals(plain.frames().frame(i), typed.frames().frame(i), "frame " + i + ": the same words, the same clip");
            }
            assertEquals(List.of("a red ball on the snow", "snow-covered red ball"),
                    e.read("tiny-lexicon", List.of("a scarlet orb on the snow", "snow-covered scarlet orb")));
        }
    }

    @Test
    void aRequestAsTypedBypassesThePacksLexiconAndTheRecipeKeepsThat() throws Exception {
        Path dir = TestPacks.tiny(models, "tiny-typed");
        TestPacks.addLexicon(dir, """
                {"format": 1, "shapes": ["ball"], "entries": [{"kind": "colour", "from": "scarlet", "to": "red"},
                 {"kind": "shape", "from": "orb", "to": "ball"}]}
                """);
        GenerationRequest typed = new GenerationRequest(JobSettings.textToVideo("tiny-typed", "a scarlet orb rolls", 7)
                .withAsTyped(true), List.of());
        try (GenerationEngine e = new GenerationEngine(new PackRegistry(List.of(models)), RuntimeOptions.defaults().withDevice(Device.CPU))) {
            GenerationResult asTyped = e.generate(typed, p -> { }, new CancelToken());
            GenerationResult again = e.generate(typed.withPrompt("a scarlet orb rolls", ""), p -> { }, new CancelToken());
            GenerationResult noLexicon = e.generate(GenerationRequest.textToVideo("tiny", "a scarlet orb rolls", 7), p -> { }, new CancelToken());
            GenerationResult readDefault = e.generate(GenerationRequest.textToVideo("tiny-typed", "a scarlet orb rolls", 7), p -> { },
                    new CancelToken());
            assertTrue(asTyped.warnings().isEmpty(), "nothing was read, so there is no note: " + asTyped.warnings());
            assertTrue(asTyped.recipe().asTyped(), "the recipe makes the same clip again");
            assertFalse(readDefault.recipe().asTyped());
            assertEquals(1, readDefault.warnings().size(), readDefault.warnings().toString());
            boolean differs = false;
            for (int i = 0; i < asTyped.frames().count(); i++) {
                assertArrayEquals(noLexicon.frames().frame(i), asTyped.frames().frame(i), "frame " + i + ": the words as typed");
                assertArrayEquals(asTyped.frames().frame(i), again.frames().frame(i), "withPrompt keeps the request's reading choice");
                differs |= !java.util.Arrays.equals(readDefault.frames().frame(i), asTyped.frames().frame(i));
            }
            assertTrue(differs, "the lexicon's reading is another prompt, so another clip");
        }
    }

    @Test
    void aPackLexiconsCaptionFormRewritesTheSentenceAndTheResultSaysSo() throws Exception {
        Path dir = TestPacks.tiny(models, "tiny-form");
        TestPacks.addLexicon(dir, """
                {"format": 1, "shapes": ["ball"], "entries": [{"kind": "shape", "from": "orb", "to": "ball"}],
                 "form": {"colours": ["red"], "shapes": ["ball"], "motions": {"roll_right": ["rolls right"]},
                          "scenes": {"grass": ["on the grass"]}, "pans": {"right": ["as the camera pans right"]},
                          "lemmas": {"rolling": "roll", "rolls": "roll"}, "templateWords": []}}
                """);
        try (GenerationEngine e = new GenerationEngine(new PackRegistry(List.of(models)), RuntimeOptions.defaults().withDevice(Device.CPU))) {
            GenerationResult typed = e.generate(GenerationRequest.textToVideo("tiny-form",
                    "we see a red orb; it is rolling right while the camera pans to the right", 7), p -> { }, new CancelToken());
            GenerationResult plain = e.generate(GenerationRequest.textToVideo("tiny-form",
                    "A red ball rolls right, as the camera pans right", 7), p -> { }, new CancelToken());
            assertEquals(List.of("read \"we see a red orb; it is rolling right...\" as \"A red ball rolls right, as the camera pans right\""
                    + " (words the model was not trained on, and the sentence form of its captions, from its lexicon)"),
                    typed.warnings(), "the reading is shown whole");
            GenerationResult longer = e.generate(GenerationRequest.textToVideo("tiny-form",
                    "we see a red orb on the grass; it is rolling right while the camera pans to the right", 7), p -> { }, new CancelToken());
            assertEquals("the prompt \"A red ball rolls right on the grass, ...\" is longer than the model's 16 tokens; only its"
                    + " beginning was used", longer.warnings().get(1), "a cut at the encoder quotes what it was given");
            assertTrue(plain.warnings().isEmpty(), plain.warnings().toString());
            for (int i = 0; i < typed.frames().count(); i++) {
                assertArrayEquals(plain.frames().frame(i), typed.frames().frame(i), "frame " + i + ": the same sentence, the same clip");
            }
        }
    }

    @Test
    void anOverlongPromptIsTruncatedAndTheResultSaysSo() throws Exception {
        GenerationResult r = run(req("a red ball bounces ".repeat(500), 1));
        assertEquals(8, r.frames().count());
        assertEquals(1, r.warnings().size());
        assertTrue(r.warnings().get(0).contains("longer than the model's 16 tokens"), r.warnings().get(0));
        assertTrue(run(req("a red ball", 1)).warnings().isEmpty());
    }

    @Test
    void badRequestsAreRefusedWithReasons() {
        InvalidRequestException empty = assertThrows(InvalidRequestException.class, () -> run(req("  ", 1)));
        assertTrue(empty.getMessage().contains("needs a prompt"));
        Frames wrongSize = Synthetic.movingSquare(40, 30, 1, 1);
        InvalidRequestException size = assertThrows(InvalidRequestException.class,
                () -> run(req("x", 1).withMode(Mode.ANIMATE, List.of(src(wrongSize)))));
        assertTrue(size.getMessage().contains("40x30") && size.getMessage().contains("32x32"), size.getMessage());
        InvalidRequestException sched = assertThrows(InvalidRequestException.class,
                () -> run(req("x", 1).withSampling(4, 2f, "ddim")));
        assertTrue(sched.getMessage().contains("flow-euler"), sched.getMessage());
        assertThrows(InvalidRequestException.class, () -> run(req("x", 1).withMode(Mode.EXTEND, List.of())));
    }

    @Test
    void everySchedulerProducesTheRequestedClip() throws Exception {
        for (String s : new String[] {"flow-euler", "flow-heun", "flow-dpm++2m"}) {
            GenerationResult r = run(req("a ball", 2).withSampling(6, 2f, s));
            assertEquals(8, r.frames().count(), s);
            assertEquals(s, r.recipe().scheduler());
        }
        assertNotEquals(0, run(req("a ball", 2).withSampling(6, 2f, "flow-heun")).timings().modelCalls());
    }
}
