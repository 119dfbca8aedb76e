package dev.kinora.app;

import static dev.kinora.app.FxTestSupport.onFx;
import static dev.kinora.app.FxTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.app.engine.LocalEngine;
import dev.kinora.app.prompt.PromptViewModel;
import dev.kinora.app.timeline.TimelineViewModel;
import dev.kinora.engine.Frames;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.project.JobState;
import dev.kinora.project.Shot;
import dev.kinora.project.Take;
import dev.kinora.testing.TestPacks;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The studio over the real engine and the tiny test pack: generate, then continue the next shot from it. */
class RealEngineStudioTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void fx() throws Exception {
        FxTestSupport.startFx();
    }

    @Test
    void generatingAndContinuingRunTheRealPipelineIntoTakes() throws Exception {
        Path models = tmp.resolve("models");
        TestPacks.tiny(models, "tiny");
        StudioModel studio = FxTestSupport.studio(new LocalEngine(new PackRegistry(List.of(models))), tmp.resolve("ud"));
        PromptViewModel prompt = onFx(() -> new PromptViewModel(studio));
        TimelineViewModel timeline = onFx(() -> new TimelineViewModel(studio));
        assertEquals("tiny", onFx(() -> prompt.packProperty().get().id()), "the only installed pack is picked");
        onFx(() -> {
            prompt.promptProperty().set("a ball");
            prompt.countTokens();
            prompt.framesProperty().set(8);
            prompt.generate();
        });
        waitFor("token count from the pack's tokenizer", 20_000, () -> prompt.tokensProperty().get() > 0);
        waitFor("first take", 60_000, () -> studio.doc().shots().get(0).takes().size() == 1
                || studio.queue().jobs().stream().anyMatch(j -> j.state() == JobState.FAILED));
        assertTrue(studio.queue().jobs().stream().noneMatch(j -> j.state() == JobState.FAILED),
                () -> "job failed: " + studio.queue().jobs().get(0).messageProperty().get());
        Take first = studio.doc().shots().get(0).takes().get(0);
        assertEquals(32, first.width());
        assertEquals(8, first.frames());
        assertEquals("tiny", first.recipe().packId());
        Frames frames = onFx(() -> studio.frames(first).orElseThrow());
        assertEquals(8, frames.count());

        onFx(() -> {
            timeline.addShot();
            prompt.promptProperty().set("a ball keeps rolling");
            prompt.commitPrompt();
            timeline.setContinue(studio.selectedShotProperty().get(), true);
            prompt.generate();
        });
        waitFor("extension take", 60_000, () -> studio.doc().shots().get(1).takes().size() == 1
                || studio.queue().jobs().stream().anyMatch(j -> j.state() == JobState.FAILED));
        Shot second = studio.doc().shots().get(1);
        assertFalse(second.takes().isEmpty(), () -> "job failed: " + studio.queue().jobs().get(1).messageProperty().get());
        Take ext = second.takes().get(0);
        assertEquals(Mode.EXTEND, ext.recipe().mode());
        assertEquals(first.media(), ext.recipe().sources().get(0).path(), "the extension names the take it continues");
        onFx(studio::close);
    }

    /** The same storyboard on the tiny Wan 2.1 pack (format 2): a 9-frame window, then a forward extension of it. */
    @Test
    void aFormat2PackGeneratesAndContinuesInTheStudio() throws Exception {
        Path models = tmp.resolve("models");
        TestPacks.wanTiny(models);
        StudioModel studio = FxTestSupport.studio(new LocalEngine(new PackRegistry(List.of(models))), tmp.resolve("ud"));
        PromptViewModel prompt = onFx(() -> new PromptViewModel(studio));
        TimelineViewModel timeline = onFx(() -> new TimelineViewModel(studio));
        assertEquals("wan-tiny", onFx(() -> prompt.packProperty().get().id()));
        onFx(() -> {
            prompt.promptProperty().set("a red fox walks across the snow");
            prompt.countTokens();
            prompt.stepsProperty().set(2);
            prompt.generate();
        });
        waitFor("token count from the pack's T5 tokenizer", 20_000, () -> prompt.tokensProperty().get() > 0);
        waitFor("first take", 60_000, () -> studio.doc().shots().get(0).takes().size() == 1
                || studio.queue().jobs().stream().anyMatch(j -> j.state() == JobState.FAILED));
        assertTrue(studio.queue().jobs().stream().noneMatch(j -> j.state() == JobState.FAILED),
                () -> "job failed: " + studio.queue().jobs().get(0).messageProperty().get());
        Take first = studio.doc().shots().get(0).takes().get(0);
        assertEquals(64, first.width());
        assertEquals(16, first.frames(), "the new shot's second at 16 fps: a 9-frame window and a continuing one");
        onFx(() -> {
            timeline.addShot();
            prompt.promptProperty().set("the fox keeps walking");
            prompt.commitPrompt();
            prompt.stepsProperty().set(2);
            timeline.setContinue(studio.selectedShotProperty().get(), true);
            prompt.generate();
        });
        waitFor("extension take", 60_000, () -> studio.doc().shots().get(1).takes().size() == 1
                || studio.queue().jobs().stream().anyMatch(j -> j.state() == JobState.FAILED));
        Shot second = studio.doc().shots().get(1);
        assertFalse(second.takes().isEmpty(), () -> "job failed: " + studio.queue().jobs().get(1).messageProperty().get());
        assertEquals(Mode.EXTEND, second.takes().get(0).recipe().mode());
        assertEquals("wan-tiny", second.takes().get(0).recipe().packId());
        onFx(studio::close);
    }

    /** LTX-Video makes one 9-frame window: a new shot (a second at 25 fps) is capped to it and told so; animate keeps the still. */
    @Test
    void theLtxPackMakesItsOneWindowInTheStudio() throws Exception {
        Path models = tmp.resolve("models");
        TestPacks.ltxTiny(models);
        StudioModel studio = FxTestSupport.studio(new LocalEngine(new PackRegistry(List.of(models))), tmp.resolve("ud"));
        PromptViewModel prompt = onFx(() -> new PromptViewModel(studio));
        assertEquals("ltx-tiny", onFx(() -> prompt.packProperty().get().id()));
        onFx(() -> {
            prompt.promptProperty().set("a red fox walks across the snow");
            prompt.stepsProperty().set(2);
            prompt.generate();
        });
        assertTrue(onFx(() -> studio.statusProperty().get()).contains("makes at most 9 frames a shot"), onFx(() -> studio.statusProperty().get()));
        waitFor("take", 60_000, () -> studio.doc().shots().get(0).takes().size() == 1
                || studio.queue().jobs().stream().anyMatch(j -> j.state() == JobState.FAILED));
        assertTrue(studio.queue().jobs().stream().noneMatch(j -> j.state() == JobState.FAILED),
                () -> "job failed: " + studio.queue().jobs().get(0).messageProperty().get());
        Take take = studio.doc().shots().get(0).takes().get(0);
        assertEquals(96, take.width());
        assertEquals(9, take.frames());
        onFx(studio::close);
    }

    /** Stable Video Diffusion takes no text: the editor drops the prompt boxes, and the last frame of shot 1 animates shot 2. */
    @Test
    void theSvdPackHidesThePromptAndAnimatesTheLastFrame() throws Exception {
        Path models = tmp.resolve("models");
        TestPacks.wanTiny(models);
        TestPacks.svdTiny(models);
        StudioModel studio = FxTestSupport.studio(new LocalEngine(new PackRegistry(List.of(models))), tmp.resolve("ud"));
        PromptViewModel prompt = onFx(() -> new PromptViewModel(studio));
        TimelineViewModel timeline = onFx(() -> new TimelineViewModel(studio));
        onFx(() -> prompt.packProperty().set(studio.pack("wan-tiny").orElseThrow()));
        assertTrue(onFx(() -> prompt.takesTextProperty().getValue()));
        onFx(() -> {
            prompt.promptProperty().set("a red fox walks across the snow");
            prompt.stepsProperty().set(2);
            prompt.generate();
        });
        waitFor("shot 1's take", 60_000, () -> studio.doc().shots().get(0).takes().size() == 1);
        onFx(timeline::addShot);
        onFx(() -> prompt.packProperty().set(studio.pack("svd-tiny").orElseThrow()));
        assertFalse(onFx(() -> prompt.takesTextProperty().getValue()), "no prompt box for an image-only pack");
        Take take = animateLastFrame(studio, prompt, 1, "");
        assertEquals(64, take.width());
        assertEquals(64, take.height());
        assertTrue(take.frames() <= 8, "capped at SVD's clip: " + take.frames());
        onFx(studio::close);
    }

    /**
     * The other families in the studio: AnimateDiff and CogVideoX make a shot from text (capped at their one window,
     * with a status line saying so), and Wan 2.1 I2V animates the last frame of the previous shot.
     */
    @Test
    void animateDiffCogVideoXAndWanI2vMakeTakesInTheStudio() throws Exception {
        Path models = tmp.resolve("models");
        TestPacks.animateDiffTiny(models);
        TestPacks.cogvideoxTiny(models);
        TestPacks.wanI2vTiny(models);
        StudioModel studio = FxTestSupport.studio(new LocalEngine(new PackRegistry(List.of(models))), tmp.resolve("ud"));
        PromptViewModel prompt = onFx(() -> new PromptViewModel(studio));
        TimelineViewModel timeline = onFx(() -> new TimelineViewModel(studio));
        String[][] textShots = {{"animatediff-tiny", "48", "32", "8"}, {"cogvideox-tiny", "64", "48", "17"}};
        for (int k = 0; k < textShots.length; k++) {
            String[] t = textShots[k];
            int shot = k;
            if (k > 0) {
                onFx(timeline::addShot);
            }
            onFx(() -> {
                prompt.packProperty().set(studio.pack(t[0]).orElseThrow());
                prompt.promptProperty().set("a red fox walks across the snow");
                prompt.stepsProperty().set(2);
                prompt.generate();
            });
            if (k == 0) { // a 2 s shot at 8 fps is 16 frames: AnimateDiff's tiny window is 8
                assertTrue(onFx(() -> studio.statusProperty().get()).contains("makes at most 8 frames a shot"),
                        onFx(() -> studio.statusProperty().get()));
            }
            Take take = awaitTake(studio, shot);
            assertEquals(Integer.parseInt(t[1]), take.width(), t[0]);
            assertEquals(Integer.parseInt(t[2]), take.height(), t[0]);
            assertTrue(take.frames() > 1 && take.frames() <= Integer.parseInt(t[3]), t[0] + ": " + take.frames());
        }
        onFx(timeline::addShot);
        onFx(() -> prompt.packProperty().set(studio.pack("wan-i2v-tiny").orElseThrow()));
        Take take = animateLastFrame(studio, prompt, 2, "the fox runs");
        assertEquals(64, take.width());
        assertEquals(9, take.frames());
        onFx(studio::close);
    }

    /** The selected shot animates the previous shot's last frame with the selected pack; returns its take. */
    private static Take animateLastFrame(StudioModel studio, PromptViewModel prompt, int shot, String text) throws Exception {
        assertTrue(onFx(() -> prompt.useLastFrameOfPrevious()));
        waitFor("the still in slot A", 10_000, () -> prompt.sourceA().framesProperty().get() != null);
        assertEquals(Mode.ANIMATE, onFx(() -> prompt.modeProperty().get()));
        onFx(() -> {
            prompt.promptProperty().set(text);
            prompt.stepsProperty().set(2);
            prompt.generate();
        });
        return awaitTake(studio, shot);
    }

    /** Waits for the shot's first take; a failed job fails the test with its message. */
    private static Take awaitTake(StudioModel studio, int shot) throws Exception {
        waitFor("shot " + (shot + 1) + "'s take", 60_000, () -> studio.doc().shots().get(shot).takes().size() == 1
                || studio.queue().jobs().stream().anyMatch(j -> j.state() == JobState.FAILED));
        assertTrue(studio.queue().jobs().stream().noneMatch(j -> j.state() == JobState.FAILED),
                () -> "job failed: " + studio.queue().jobs().stream().map(j -> j.messageProperty().get()).toList());
        return studio.doc().shots().get(shot).takes().get(0);
    }
}
