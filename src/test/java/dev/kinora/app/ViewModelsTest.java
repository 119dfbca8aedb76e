package dev.kinora.app;

import static dev.kinora.app.FxTestSupport.onFx;
import static dev.kinora.app.FxTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.JobSettings;
import dev.kinora.project.JobSpec;
import dev.kinora.project.JobState;
import dev.kinora.project.Shot;
import dev.kinora.app.prompt.PromptViewModel;
import dev.kinora.app.timeline.TimelineViewModel;
import dev.kinora.engine.Direction;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.pack.Mode;
import dev.kinora.project.QueuedJob;
import dev.kinora.project.RenderQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prompt, timeline and queue view models over a real studio session, without a stage. */
class ViewModelsTest {
    @TempDir
    Path ud;
    private StudioModel studio;
    private PromptViewModel prompt;
    private TimelineViewModel timeline;

    @BeforeAll
    static void fx() throws Exception {
        FxTestSupport.startFx();
    }

    @BeforeEach
    void session() throws Exception {
        studio = FxTestSupport.studio(FxTestSupport.tinyEngine(ud), ud);
        prompt = onFx(() -> new PromptViewModel(studio));
        timeline = onFx(() -> new TimelineViewModel(studio));
    }

    /** The render service and autosave write on their own threads: stop them before the temp folder goes. */
    @AfterEach
    void close() throws Exception {
        onFx(studio::close);
    }

    private Shot shot(int i) {
        return studio.doc().shots().get(i);
    }

    /** Shot 1 gets a take of "a ball"; shot 2 is added after it and continues it. */
    private void aTakeThenAShotThatContinuesIt() throws Exception {
        onFx(() -> {
            prompt.promptProperty().set("a ball");
            prompt.generate();
        });
        waitFor("take", 60_000, () -> shot(0).takes().size() == 1);
        onFx(() -> {
            timeline.addShot();
            timeline.setContinue(shot(1).id(), true);
        });
    }

    @Test
    void typingCoalescesIntoOneUndoStepAndFollowsTheSelectedShot() throws Exception {
        onFx(() -> {
            prompt.promptProperty().set("a cat");
            prompt.commitPrompt();
            prompt.promptProperty().set("a cat on a roof");
            prompt.commitPrompt();
        });
        assertEquals("a cat on a roof", shot(0).prompt());
        onFx(studio::undo);
        assertEquals("", shot(0).prompt(), "one phrase of typing is one undo step");
        assertEquals("", onFx(() -> prompt.promptProperty().get()), "the editor shows the undone text");
        onFx(studio::redo);
        onFx(() -> {
            timeline.addShot();
            prompt.promptProperty().set("second");
            timeline.select(shot(0).id());
        });
        assertEquals("second", shot(1).prompt(), "switching shots commits the pending text");
        assertEquals("a cat on a roof", onFx(() -> prompt.promptProperty().get()));
    }

    @Test
    void changingASettingKeepsWordsTypedSinceTheLastCommit() throws Exception {
        onFx(() -> {
            prompt.promptProperty().set("half typed");
            prompt.stepsProperty().set(20);
        });
        assertEquals("half typed", onFx(() -> prompt.promptProperty().get()));
    }

    @Test
    void settingsChangesAreUndoableCommands() throws Exception {
        onFx(() -> prompt.stepsProperty().set(33));
        assertEquals(33, shot(0).settings().steps());
        onFx(studio::undo);
        assertEquals(0, shot(0).settings().steps());
        assertEquals(4, onFx(() -> prompt.stepsProperty().get()), "shows the pack default again");
    }

    @Test
    void tokenCountIsComputedOffTheFxThreadAgainstThePackLimit() throws Exception {
        onFx(() -> {
            prompt.promptProperty().set("one two three");
            prompt.countTokens();
        });
        waitFor("token count", 20_000, () -> prompt.tokensProperty().get() > 0);
        int n = prompt.tokensProperty().get();
        assertEquals(n + " / 16 tokens", onFx(() -> prompt.tokenTextProperty().get()));
        assertFalse(prompt.overLimitProperty().get());
        onFx(() -> {
            prompt.promptProperty().set("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen");
            prompt.countTokens();
        });
        waitFor("over the limit", 20_000, () -> prompt.overLimitProperty().get());
        assertTrue(prompt.tokenTextProperty().get().contains("cut off"));
    }

    @Test
    void thePromptEditorSaysHowThePacksLexiconReadsThePrompt() throws Exception {
        onFx(() -> {
            prompt.promptProperty().set("a scarlet orb rolls");
            prompt.countTokens();
        });
        waitFor("reads as", 20_000, () -> !prompt.readsAsProperty().get().isEmpty());
        assertEquals("Reads as: a red ball rolls", onFx(() -> prompt.readsAsProperty().get()));
        onFx(() -> {
            prompt.promptProperty().set("a red ball rolls");
            prompt.countTokens();
        });
        waitFor("read as typed", 20_000, () -> prompt.readsAsProperty().get().isEmpty());
        assertTrue(prompt.tokensProperty().get() > 0);
    }

    @Test
    void aFileBecomesAShotAClipsRecipeMakesItAgainAStillIsAnimated() throws Exception {
        Path still = java.nio.file.Files.write(ud.resolve("start.png"), new byte[] {1});
        dev.kinora.engine.Recipe r = new dev.kinora.engine.Recipe("0.1.0", "1.0.0", "", new JobSettings("tiny", Mode.ANIMATE,
                "a scarlet orb rolls", "blur", 4242, 6, 3.5f, "flow-euler", Float.NaN, 24, 1f, Direction.FORWARD, 0, true, true),
                8.0, List.of(new dev.kinora.engine.Recipe.SourceRef(still.toString(), "ab"),
                        new dev.kinora.engine.Recipe.SourceRef("/nowhere/end.png", "cd")));
        Path file = java.nio.file.Files.writeString(ud.resolve("ball.json"), dev.kinora.engine.RecipeJson.toJson(r));
        onFx(() -> timeline.addShotFromFile(file));
        waitFor("the new shot", 20_000, () -> studio.doc().shots().size() == 2);
        Shot s = shot(1);
        assertEquals(s.id(), studio.selectedShotProperty().get(), "it is selected, after the one that was");
        assertEquals("ball", s.title());
        assertEquals("a scarlet orb rolls", s.prompt());
        assertEquals("blur", s.negativePrompt());
        assertEquals(Mode.ANIMATE, s.mode());
        assertEquals(new dev.kinora.project.ShotSettings("tiny", 4242, true, 6, 3.5f, "flow-euler", 24, 8.0, 1, true), s.settings());
        assertEquals(3.0, s.durationSeconds(), 1e-9);
        assertEquals(List.of(new dev.kinora.project.SourceRef(studio.session().store().reference(still), dev.kinora.project.SourceRole.START)),
                s.sources(), "the source found; the missing one is named on the status line");
        String status = onFx(() -> studio.statusProperty().get());
        assertTrue(status.contains("seed 4242 locked") && status.contains("sources not found: /nowhere/end.png"), status);
        assertEquals(r.resolved().withPack("tiny"), JobSpec.forShot(s, 4242).settings().withMode(Mode.ANIMATE), "the same job again");

        dev.kinora.engine.Recipe remix = new dev.kinora.engine.Recipe("0.1.0", "1.0.0", "", new JobSettings("tiny", Mode.REMIX,
                "a green star", "", 5, 4, Float.NaN, "", Float.NaN, 8, 0.6f, Direction.FORWARD, 0, true, false), 8.0, List.of());
        Path remixFile = java.nio.file.Files.writeString(ud.resolve("remix.json"), dev.kinora.engine.RecipeJson.toJson(remix));
        onFx(() -> timeline.addShotFromFile(remixFile));
        waitFor("the remix shot", 20_000, () -> studio.doc().shots().size() == 3);
        assertTrue(onFx(() -> studio.statusProperty().get()).endsWith("; set strength 0.60 in the prompt panel, as the clip had"),
                () -> studio.statusProperty().get());
        Path plain = java.nio.file.Files.writeString(ud.resolve("notes.txt"), "not a clip");
        onFx(() -> timeline.addShotFromFile(plain));
        waitFor("the reason", 20_000, () -> studio.statusProperty().get().startsWith("notes.txt is not a clip or still Kinora can read"));
        assertEquals(3, studio.doc().shots().size(), "nothing added");
        Path bare = java.nio.file.Files.writeString(ud.resolve("bare.json"), "{\"prompt\": \"no mode\"}");
        onFx(() -> timeline.addShotFromFile(bare));
        waitFor("the recipe's own complaint", 20_000, () -> studio.statusProperty().get().contains("'mode' and 'packId' are required"));
        assertEquals(3, studio.doc().shots().size());

        // a still no recipe came with: the new shot animates it
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
        Path photo = ud.resolve("photo.png");
        javax.imageio.ImageIO.write(img, "png", photo.toFile());
        onFx(() -> timeline.addShotFromFile(photo));
        waitFor("the still's shot", 20_000, () -> studio.doc().shots().size() == 4);
        Shot animates = studio.doc().shot(studio.selectedShotProperty().get()).orElseThrow();
        assertEquals(Mode.ANIMATE, animates.mode());
        assertEquals(List.of(new dev.kinora.project.SourceRef(studio.session().store().reference(photo), dev.kinora.project.SourceRole.START)),
                animates.sources());
        assertEquals("photo.png has no Kinora recipe: shot \"photo\" animates it; say in its prompt what happens",
                onFx(() -> studio.statusProperty().get()));
    }

    @Test
    void aShotSentAsTypedSaysWhatTheLexiconWouldReadAndCountsTheTypedWords() throws Exception {
        onFx(() -> {
            prompt.promptProperty().set("a scarlet orb rolls");
            prompt.commitPrompt();
            prompt.asTypedProperty().set(true);
            prompt.countTokens();
        });
        waitFor("sent as typed", 20_000, () -> prompt.readsAsProperty().get().startsWith("Sent as typed"));
        assertEquals("Sent as typed; the lexicon would read: a red ball rolls", onFx(() -> prompt.readsAsProperty().get()));
        assertTrue(onFx(() -> studio.selected().orElseThrow().settings().asTyped()), "a shot setting, one undo step");
        int typed = onFx(() -> studio.engine().countTokens("tiny", "a scarlet orb rolls"));
        waitFor("the typed words counted", 20_000, () -> prompt.tokensProperty().get() == typed);
        onFx(() -> studio.undo());
        waitFor("undo", 20_000, () -> !prompt.asTypedProperty().get());
        assertFalse(onFx(() -> studio.selected().orElseThrow().settings().asTyped()));
    }

    @Test
    void variationsQueueOneJobPerSeedAndEachBecomesATake() throws Exception {
        List<JobSpec> specs = onFx(() -> {
            prompt.promptProperty().set("waves");
            prompt.variationsProperty().set(3);
            prompt.seedLockedProperty().set(true);
            prompt.seedProperty().set(100L);
            return prompt.generate();
        });
        assertEquals(List.of(100L, 101L, 102L), specs.stream().map(JobSpec::seed).toList());
        waitFor("three takes", 60_000, () -> shot(0).takes().size() == 3);
        assertEquals("waves", prompt.history().get(0));
        assertTrue(studio.queue().jobs().stream().allMatch(j -> j.state() == JobState.DONE));
        onFx(() -> timeline.setActiveTake(shot(0).id(), shot(0).takes().get(0).id()));
        assertEquals(100L, shot(0).activeTake().orElseThrow().recipe().seed());
        onFx(() -> prompt.seedLockedProperty().set(false));
        onFx(prompt::reuseSeedFromTake);
        assertEquals(100L, shot(0).settings().seed());
        assertTrue(shot(0).settings().seedLocked());
    }

    @Test
    void modesThatNeedSourcesSayWhatIsMissing() throws Exception {
        onFx(() -> prompt.modeProperty().set(Mode.INTERPOLATE));
        assertTrue(onFx(() -> prompt.generate()).isEmpty());
        assertTrue(studio.statusProperty().get().contains("two sources"), studio.statusProperty().get());
    }

    @Test
    void aJobGetsOnlyTheSourcesItsModeReadsAndTheOtherSlotKeepsItsSource() throws Exception {
        onFx(() -> {
            prompt.promptProperty().set("a ball");
            prompt.generate();
        });
        waitFor("take", 60_000, () -> shot(0).takes().size() == 1);
        onFx(timeline::addShot);
        String media = shot(0).takes().get(0).media();
        onFx(() -> {
            prompt.dropTake(prompt.sourceA(), shot(0).id(), shot(0).takes().get(0).id());
            prompt.dropTake(prompt.sourceB(), shot(0).id(), shot(0).takes().get(0).id());
            prompt.modeProperty().set(Mode.EXTEND);
        });
        assertEquals(2, shot(1).sources().size(), "B stays with the shot while extend does not show it");
        assertTrue(onFx(() -> prompt.showsSlot(prompt.sourceA()).get()));
        assertFalse(onFx(() -> prompt.showsSlot(prompt.sourceB()).get()));
        List<JobSpec> specs = onFx(() -> prompt.generate());
        assertEquals(1, specs.size(), studio.statusProperty().get());
        assertEquals(List.of(new dev.kinora.project.SourceRef(media, dev.kinora.project.SourceRole.START)), specs.get(0).sources(),
                "extend reads A only");
        onFx(() -> prompt.modeProperty().set(Mode.INTERPOLATE));
        assertTrue(onFx(() -> prompt.showsSlot(prompt.sourceB()).get()), "connect shows B again, with its source");
        assertEquals(media, prompt.sourceB().pathProperty().get());
        onFx(() -> prompt.modeProperty().set(Mode.GENERATE));
        assertFalse(onFx(() -> prompt.showsSlot(prompt.sourceA()).get()));
    }

    @Test
    void useLastFrameTurnsThePreviousTakeIntoAStillToAnimate() throws Exception {
        onFx(() -> {
            prompt.promptProperty().set("first");
            prompt.generate();
        });
        waitFor("take", 60_000, () -> shot(0).takes().size() == 1);
        onFx(timeline::addShot);
        assertTrue(onFx(() -> prompt.useLastFrameOfPrevious()));
        waitFor("animate from the still (decoded and written off the FX thread)", 5000,
                () -> prompt.modeProperty().get() == Mode.ANIMATE);
        waitFor("the still in slot A", 5000, () -> prompt.sourceA().framesProperty().get() != null);
        assertEquals(1, prompt.sourceA().framesProperty().get().count());
        assertTrue(prompt.sourceA().pathProperty().get().startsWith("media/stills/"), prompt.sourceA().pathProperty().get());
        List<JobSpec> specs = onFx(() -> prompt.generate());
        assertEquals(Mode.ANIMATE, specs.get(0).mode());
        waitFor("animated take", 60_000, () -> shot(1).takes().size() == 1);
    }

    @Test
    void timelineEditsAreCommands() throws Exception {
        onFx(() -> {
            timeline.addShot();
            timeline.addShot();
        });
        assertEquals(3, studio.doc().shots().size());
        String third = shot(2).id();
        onFx(() -> timeline.move(third, 0));
        assertEquals(third, shot(0).id());
        onFx(() -> timeline.resize(third, 40));
        assertEquals(40, timeline.frames(shot(0)));
        onFx(() -> {
            timeline.select(third);
            timeline.playheadProperty().set(10);
            timeline.split();
        });
        assertEquals(4, studio.doc().shots().size());
        assertEquals(10, timeline.frames(shot(0)));
        assertEquals(30, timeline.frames(shot(1)));
        assertTrue(shot(1).continueFromPrevious(), "the second half continues the first");
        onFx(() -> {
            timeline.select(shot(1).id());
            timeline.duplicate();
            timeline.delete();
        });
        assertEquals(4, studio.doc().shots().size());
        for (int i = 0; i < 7; i++) {
            onFx(studio::undo);
        }
        assertEquals(1, studio.doc().shots().size(), "every timeline edit undoes");
    }

    @Test
    void aMalformedProjectOpensReadOnlyWithAMessageAndRefusesEdits() throws Exception {
        Path dir = java.nio.file.Files.createDirectories(ud.resolve("Broken.kinora"));
        java.nio.file.Files.writeString(dir.resolve("project.json"), "{ not json");
        onFx(() -> {
            try {
                studio.open(dir);
            } catch (java.io.IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertTrue(studio.readOnlyProperty().get());
        assertFalse(studio.bannerProperty().get().isBlank());
        onFx(timeline::addShot);
        assertTrue(studio.statusProperty().get().contains("read-only"), studio.statusProperty().get());
        assertEquals("{ not json", java.nio.file.Files.readString(dir.resolve("project.json")), "nothing is written over it");
    }

    @Test
    void unsavedEditsComeBackOnTheNextStartAfterACrash() throws Exception {
        onFx(() -> {
            prompt.promptProperty().set("never saved");
            prompt.commitPrompt();
        });
        Path dir = studio.session().store().dir();
        onFx(() -> {
            studio.session().autosaver().flush();
            studio.close(); // like a crash: the project is dirty, so its journal stays
        });
        StudioModel next = onFx(() -> {
            StudioPrefs prefs = new StudioPrefs(ud);
            StudioModel m;
            try {
                m = new StudioModel(FxTestSupport.tinyEngine(ud.resolve("again")), new UiTaskExecutor(), prefs, ud);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            StudioApp.openInitial(m, StudioOptions.defaults(), prefs);
            return m;
        });
        assertEquals(dir, next.session().store().dir(), "the last project reopens, not a new untitled one");
        assertEquals("never saved", next.doc().shots().get(0).prompt());
        assertTrue(next.dirtyProperty().get(), "recovered work is unsaved until the artist saves");
        assertTrue(next.bannerProperty().get().startsWith("Recovered"), next.bannerProperty().get());
        onFx(next::close);
    }

    @Test
    void aBadJobIsRefusedWhenQueuedWithTheReasonOnTheStatusBarAndTheCard() throws Exception {
        String id = shot(0).id();
        assertTrue(onFx(() -> prompt.generate()).isEmpty(), "an empty prompt is not queued");
        assertTrue(studio.statusProperty().get().contains("needs a prompt"), studio.statusProperty().get());
        assertTrue(studio.shotNotes().getOrDefault(id, "").contains("needs a prompt"), studio.shotNotes().toString());
        assertTrue(studio.queue().jobs().isEmpty(), "nothing reached the queue");
        onFx(() -> {
            prompt.promptProperty().set("a kite");
            prompt.generate();
        });
        assertFalse(studio.shotNotes().containsKey(id), "a queued job clears the card's note");
        waitFor("take", 60_000, () -> shot(0).takes().size() == 1);
    }

    @Test
    void theDeviceIsShownInWordsAndChangingItDuringAJobReturnsAtOnce() throws Exception {
        waitFor("device", 20_000, () -> !studio.deviceUsedProperty().get().isEmpty());
        String before = studio.deviceUsedProperty().get();
        assertTrue(before.matches("CPU( \\(.+\\))?|CUDA GPU"), before);
        onFx(() -> {
            prompt.framesProperty().set(512);
            prompt.stepsProperty().set(500);
            prompt.promptProperty().set("a long slow pan");
            prompt.generate();
        });
        waitFor("running", 60_000, () -> studio.queue().runningProperty().get() != null
                && studio.queue().runningProperty().get().progressProperty().get() > 0);
        Device other = onFx(() -> prompt.deviceProperty().get() == Device.CPU ? Device.AUTO : Device.CPU);
        long ms = onFx(() -> {
            long t0 = System.nanoTime();
            prompt.deviceProperty().set(other);
            return (System.nanoTime() - t0) / 1_000_000;
        });
        assertTrue(ms < 50, "the device change took " + ms + " ms on the FX thread while a job ran");
        assertTrue(studio.deviceUsedProperty().get().endsWith("from the next job"), studio.deviceUsedProperty().get());
        onFx(() -> studio.queue().cancel(studio.queue().runningProperty().get()));
        waitFor("the device changed after the job", 30_000, () -> studio.queue().runningProperty().get() == null
                && !studio.deviceUsedProperty().get().endsWith("from the next job"));
        onFx(() -> prompt.deviceProperty().set(Device.AUTO));
    }

    @Test
    void anInterruptedRenderIsToldInHumanTimeAndTheNoteGoesWhenItIsDone() throws Exception {
        onFx(() -> {
            prompt.promptProperty().set("a boat");
            prompt.commitPrompt();
            studio.save(FxTestSupport.FX_ERRORS::add);
        });
        assertTrue(onFx(studio::finishSaves));
        Path dir = studio.session().store().dir();
        String shotId = shot(0).id();
        onFx(studio::close);
        // The last session died two minutes into a render: the queue file says so.
        Clock then = Clock.fixed(Instant.now().minus(Duration.ofMinutes(2)), ZoneOffset.UTC);
        RenderQueue q = RenderQueue.load(dir.resolve("queue.json"), then, true);
        QueuedJob j = q.add(shotId, new JobSpec(new JobSettings("tiny", Mode.GENERATE, "a boat", "", 3, 2, Float.NaN, "",
                Float.NaN, 8, 1f, Direction.FORWARD, 0, true, false), List.of()));
        q.start(j.id(), "CPU");

        studio = onFx(() -> {
            StudioModel m = new StudioModel(FxTestSupport.tinyEngine(ud.resolve("again")), new UiTaskExecutor(), new StudioPrefs(ud), ud);
            m.open(dir);
            return m;
        });
        String banner = studio.bannerProperty().get();
        assertTrue(banner.contains("started 2 minutes ago") && banner.contains("interrupted"), banner);
        waitFor("the render done", 60_000, () -> shot(0).takes().size() == 1);
        waitFor("the note gone", 5000, () -> !studio.bannerProperty().get().contains("interrupted"));
    }

    @Test
    void insertingIntoALinkedPairAsksFirst() throws Exception {
        List<String> asked = new ArrayList<>();
        boolean[] answer = {false};
        onFx(() -> {
            timeline.setConfirm(q -> {
                asked.add(q);
                return answer[0];
            });
            timeline.addShot();
            timeline.setContinue(shot(1).id(), true);
            timeline.select(shot(0).id());
            timeline.addShot();
        });
        assertEquals(1, asked.size());
        assertTrue(asked.get(0).contains("Shot 2 continues shot 1"), asked.get(0));
        assertEquals(2, studio.doc().shots().size(), "No: nothing inserted");
        assertTrue(studio.statusProperty().get().startsWith("Not inserted"), studio.statusProperty().get());
        answer[0] = true;
        onFx(() -> {
            timeline.select(shot(0).id());
            timeline.duplicate();
        });
        assertEquals(2, asked.size(), "a duplicate lands in the same place: asked too");
        assertEquals(3, studio.doc().shots().size());
    }

    @Test
    void aContinuationMadeFromAnOlderTakeIsStaleUntilRegenerated() throws Exception {
        aTakeThenAShotThatContinuesIt();
        onFx(() -> {
            prompt.promptProperty().set("it rolls on");
            prompt.generate();
        });
        waitFor("continuation", 60_000, () -> shot(1).takes().size() == 1);
        assertTrue(timeline.stale(shot(1).id()).isEmpty());
        onFx(() -> {
            timeline.select(shot(0).id());
            prompt.generate();
        });
        waitFor("a new take of shot 1", 60_000, () -> shot(0).takes().size() == 2);
        assertTrue(timeline.stale(shot(1).id()).orElse("").contains("shot 1"), "shot 2 is marked stale");
        onFx(() -> {
            timeline.select(shot(1).id());
            prompt.generate();
        });
        waitFor("regenerated", 60_000, () -> shot(1).takes().size() == 2);
        assertTrue(timeline.stale(shot(1).id()).isEmpty(), "made from the new take");
    }

    @Test
    void theGuidanceShownIsTheDefaultOfTheJobTheShotRunsAs() throws Exception {
        onFx(studio::close);
        Path models = ud.resolve("g").resolve("models");
        Path pack = dev.kinora.testing.TestPacks.tiny(models, "tiny");
        java.nio.file.Files.writeString(pack.resolve("pack.json"), java.nio.file.Files.readString(pack.resolve("pack.json"))
                .replace("\"guidance\": 2.0,", "\"guidance\": 2.0, \"guidanceByMode\": {\"animate\": 1.5, \"extend\": 4.0},"));
        studio = FxTestSupport.studio(new dev.kinora.app.engine.LocalEngine(
                new dev.kinora.engine.pack.PackRegistry(List.of(models))), ud.resolve("g"));
        prompt = onFx(() -> new PromptViewModel(studio));
        timeline = onFx(() -> new TimelineViewModel(studio));
        assertEquals(2.0, onFx(() -> prompt.guidanceProperty().get()), 1e-6, "text to video");
        onFx(() -> prompt.modeProperty().set(Mode.ANIMATE));
        assertEquals(1.5, onFx(() -> prompt.guidanceProperty().get()), 1e-6, "animate's own default");
        assertTrue(Float.isNaN(shot(0).settings().guidance()), "showing a default does not pin it on the shot");

        onFx(() -> prompt.modeProperty().set(Mode.GENERATE));
        aTakeThenAShotThatContinuesIt();
        assertEquals(4.0, onFx(() -> prompt.guidanceProperty().get()), 1e-6, "a continuation runs as an extension");
        onFx(() -> prompt.guidanceProperty().set(6.0));
        assertEquals(6.0f, shot(1).settings().guidance(), "a value the artist sets is the shot's own");
        onFx(() -> prompt.modeProperty().set(Mode.ANIMATE));
        assertEquals(6.0, onFx(() -> prompt.guidanceProperty().get()), 1e-6, "and survives a change of job");
    }
}
