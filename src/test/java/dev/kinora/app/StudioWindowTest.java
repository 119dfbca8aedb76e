package dev.kinora.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.Recipe;
import dev.kinora.engine.pack.Mode;
import dev.kinora.project.JobState;
import dev.kinora.project.Shot;
import dev.kinora.project.Take;
import dev.kinora.app.queue.JobItem;
import dev.kinora.engine.Frames;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.Scene;
import javafx.scene.control.MenuButton;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Drives the real window headless (Monocle): type, generate, see the take, play, undo, save,
 * reopen, extend, cancel. Any exception on the FX thread fails the test.
 */
@ExtendWith(ApplicationExtension.class)
class StudioWindowTest {
    @TempDir
    static Path userData;

    private MainWindow window;
    private StudioModel studio;
    private java.util.concurrent.CompletableFuture<Path> ready;

    /** The untitled project is written in the background; the robot types once it is (as a person would, later). */
    @BeforeEach
    void projectWritten() throws Exception {
        ready.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Start
    void start(Stage stage) throws Exception {
        FxTestSupport.FX_ERRORS.clear();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> FxTestSupport.FX_ERRORS.add(e));
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> FxTestSupport.FX_ERRORS.add(e));
        Path ud = Files.createTempDirectory(userData, "ud");
        // The real engine on the tiny test pack: every pixel on screen comes out of the pipeline.
        studio = new StudioModel(FxTestSupport.tinyEngine(ud), new UiTaskExecutor(), new StudioPrefs(ud), ud);
        ready = studio.newUntitled();
        window = new MainWindow(studio);
        // Save on an untitled project asks where; a native file dialog cannot be driven headless.
        Path saveTo = ud.resolve("Videos").resolve("Kinora").resolve("Ball");
        window.setSaveLocation((owner, initialDir, initialName) -> java.util.Optional.of(saveTo));
        Scene scene = new Scene(window, 1280, 800);
        window.install(scene);
        stage.setScene(scene);
        stage.show();
    }

    @AfterEach
    void noFxErrors() throws Exception {
        // The render service writes the queue and takes on its own threads: let them finish before the folder goes.
        FxTestSupport.onFx(studio::close);
        assertTrue(FxTestSupport.FX_ERRORS.isEmpty(), () -> "exceptions on the FX thread: " + FxTestSupport.FX_ERRORS);
    }

    private Shot shot(int i) {
        return studio.doc().shots().get(i);
    }

    private void generateAndWait(FxRobot robot, int expectedTakes, int shotIndex) throws Exception {
        robot.press(KeyCode.CONTROL, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.CONTROL);
        try {
            FxTestSupport.waitFor("take " + expectedTakes + " on shot " + (shotIndex + 1), 20_000,
                    () -> shot(shotIndex).takes().size() == expectedTakes);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; status: " + studio.statusProperty().get() + "; jobs: "
                    + studio.queue().jobs().stream().map(j -> j.state() + " " + j.messageProperty().get()).toList(), e);
        }
    }

    @Test
    void thePromptEditorShowsWhatThePacksLexiconReads(FxRobot robot) throws Exception {
        javafx.scene.control.Label readsAs = robot.lookup("#reads-as").queryAs(javafx.scene.control.Label.class);
        assertFalse(readsAs.isVisible(), "nothing to say before anything is typed");
        assertEquals("e.g. a red ball rolls", robot.lookup("#prompt").queryAs(javafx.scene.control.TextArea.class).getPromptText(),
                "the box offers the pack's first example prompt");
        robot.clickOn("#prompt").write("a scarlet orb bounces");
        FxTestSupport.waitFor("the Reads as line", 5000, readsAs::isVisible);
        assertEquals("Reads as: a red ball bounces", readsAs.getText());
        robot.clickOn("#prompt").press(KeyCode.CONTROL, KeyCode.A).release(KeyCode.A, KeyCode.CONTROL).write("a red ball bounces");
        FxTestSupport.waitFor("the line goes when the words are the captions'", 5000, () -> !readsAs.isVisible());
        javafx.scene.control.CheckBox asTyped = robot.lookup("#as-typed").queryAs(javafx.scene.control.CheckBox.class);
        assertFalse(asTyped.isVisible(), "no choice to make when the lexicon reads the prompt as typed");
    }

    @Test
    void theHistoryMenuOffersThePacksExamplesAfterTheArtistsPrompts(FxRobot robot) throws Exception {
        robot.clickOn("#prompt-history");
        FxTestSupport.waitFor("the examples' heading", 5000, () -> robot.lookup("Tiny test pack follows, for example").tryQuery().isPresent());
        robot.clickOn("a blue box slides");
        FxTestSupport.waitFor("the example in the box", 5000,
                () -> robot.lookup("#prompt").queryAs(javafx.scene.control.TextArea.class).getText().equals("a blue box slides"));
        FxTestSupport.waitFor("and in the shot", 5000, () -> shot(0).prompt().equals("a blue box slides"));
    }

    @Test
    void aHeldQueueKeepsItsJobsWaitingUntilReleased(FxRobot robot) throws Exception {
        javafx.scene.control.Label held = robot.lookup("#queue-held").queryAs(javafx.scene.control.Label.class);
        assertFalse(held.isVisible());
        robot.clickOn("#hold-queue");
        FxTestSupport.waitFor("the held line", 5000, held::isVisible);
        robot.clickOn("#prompt").write("a red ball rolls");
        robot.press(KeyCode.CONTROL, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.CONTROL);
        FxTestSupport.waitFor("the job queued", 5000, () -> studio.queue().jobs().size() == 1);
        Thread.sleep(500);
        assertEquals(JobState.QUEUED, studio.queue().jobs().get(0).state(), "a held queue starts nothing");
        FxTestSupport.waitFor("the line counts it", 5000, () -> held.getText().startsWith("Held · 1 job waits"));
        assertTrue(shot(0).takes().isEmpty());
        robot.clickOn("#hold-queue");
        FxTestSupport.waitFor("released, the job runs and its take lands", 20_000, () -> shot(0).takes().size() == 1);
        assertFalse(held.isVisible());
    }

    @Test
    void sendAsTypedKeepsTheLexiconOutOfTheShotsTakes(FxRobot robot) throws Exception {
        javafx.scene.control.Label readsAs = robot.lookup("#reads-as").queryAs(javafx.scene.control.Label.class);
        javafx.scene.control.CheckBox asTyped = robot.lookup("#as-typed").queryAs(javafx.scene.control.CheckBox.class);
        robot.clickOn("#prompt").write("a scarlet orb bounces");
        FxTestSupport.waitFor("the switch beside the Reads as line", 5000, asTyped::isVisible);
        robot.clickOn("#as-typed");
        FxTestSupport.waitFor("the line says what is sent", 5000,
                () -> readsAs.getText().equals("Sent as typed; the lexicon would read: a red ball bounces"));
        assertTrue(shot(0).settings().asTyped(), "the choice is the shot's, saved with the project");
        generateAndWait(robot, 1, 0);
        Recipe r = shot(0).takes().get(0).recipe();
        assertTrue(r.asTyped(), "the take was made from the words as typed");
        assertEquals("a scarlet orb bounces", r.prompt());
        robot.clickOn("#as-typed");
        FxTestSupport.waitFor("back to the lexicon's reading", 5000, () -> readsAs.getText().equals("Reads as: a red ball bounces"));
        assertFalse(shot(0).settings().asTyped());
    }

    @Test
    void typeGenerateSeeTakePlayUndoSaveReopen(FxRobot robot) throws Exception {
        robot.clickOn("#prompt").write("a red ball bounces");
        generateAndWait(robot, 1, 0);
        assertEquals("a red ball bounces", shot(0).prompt());
        FxTestSupport.waitFor("card shows the take", 5000,
                () -> ((MenuButton) robot.lookup("#takes-" + shot(0).id()).query()).getText().equals("take 1/1"));
        JobItem job = studio.queue().jobs().get(0);
        assertEquals(JobState.DONE, job.state());

        // The player loaded the new take and plays it once, stopping on its last frame; then Space plays it again.
        FxTestSupport.waitFor("player has the take", 5000, () -> window.playerViewModel().count() == shot(0).takes().get(0).frames()
                && window.playerViewModel().count() == 16);
        FxTestSupport.waitFor("the new take played once", 10_000, () -> !window.playerViewModel().playing()
                && window.playerViewModel().frameProperty().get() == 15);
        robot.clickOn("#player");
        robot.type(KeyCode.SPACE);
        FxTestSupport.waitFor("playback advances", 5000, () -> window.playerViewModel().frameProperty().get() > 2);
        robot.type(KeyCode.SPACE);
        assertFalse(window.playerViewModel().playing());
        robot.type(KeyCode.HOME);
        assertEquals(0, window.playerViewModel().frameProperty().get());
        robot.type(KeyCode.RIGHT);
        assertEquals(1, window.playerViewModel().frameProperty().get());

        // Undo removes the take (one command), redo brings it back; the player follows the active take.
        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        FxTestSupport.waitFor("undo", 3000, () -> shot(0).takes().isEmpty());
        FxTestSupport.waitFor("the player drops the undone take", 3000, () -> window.playerViewModel().count() == 0);
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.Z).release(KeyCode.Z, KeyCode.SHIFT, KeyCode.CONTROL);
        FxTestSupport.waitFor("redo", 3000, () -> shot(0).takes().size() == 1);
        FxTestSupport.waitFor("the player shows the take again", 5000, () -> window.playerViewModel().count() == 16);

        // Save, then reopen the folder: the prompt and the take come back, its pixels intact.
        robot.press(KeyCode.CONTROL, KeyCode.S).release(KeyCode.S, KeyCode.CONTROL);
        FxTestSupport.waitFor("saved", 3000, () -> !studio.dirtyProperty().get());
        Path folder = studio.session().store().dir();
        assertEquals("Ball.kinora", folder.getFileName().toString(), "Save on an untitled project asked where");
        assertFalse(studio.isUntitled());
        assertTrue(Files.isRegularFile(folder.resolve("project.json")));
        Take before = shot(0).takes().get(0);
        Frames pixels = FxTestSupport.onFx(() -> studio.frames(before).orElseThrow());
        FxTestSupport.onFx(() -> window.open(folder));
        assertEquals(1, shot(0).takes().size());
        FxTestSupport.waitFor("the reopened project's active take in the player", 5000,
                () -> window.playerViewModel().count() == 16 && !window.playerViewModel().playing());
        assertEquals("a red ball bounces", FxTestSupport.onFx(() -> window.promptViewModel().promptProperty().get()));
        Frames reread = FxTestSupport.onFx(() -> studio.frames(shot(0).takes().get(0)).orElseThrow());
        assertArrayEquals(pixels.frame(15), reread.frame(15));
        assertEquals(1, studio.queue().jobs().size(), "the queue came back with the project");
    }

    @Test
    void continuingFromThePreviousShotExtendsItsTake(FxRobot robot) throws Exception {
        robot.clickOn("#prompt").write("a blue cube slides");
        generateAndWait(robot, 1, 0);
        robot.clickOn("#add-shot");
        FxTestSupport.waitFor("second shot", 3000, () -> studio.doc().shots().size() == 2
                && studio.selectedShotProperty().get().equals(shot(1).id()));
        robot.clickOn("#prompt").write("the cube stops at the bottom");
        robot.clickOn("#continue");
        FxTestSupport.waitFor("continue flag", 3000, () -> shot(1).continueFromPrevious());
        generateAndWait(robot, 1, 1);
        Take ext = shot(1).takes().get(0);
        assertEquals(Mode.EXTEND, ext.recipe().mode());
        assertEquals(shot(0).activeTake().orElseThrow().media(), ext.recipe().sources().get(0).path());
        assertEquals(16, ext.frames(), "the continuation holds only its new frames: the reel does not repeat shot 1");
        // The whole reel plays as one clip: shot 1's take, then the continuation.
        robot.clickOn("#play-reel");
        FxTestSupport.waitFor("reel loaded", 3000, () -> window.playerViewModel().count() == 32);
        Frames prev = FxTestSupport.onFx(() -> studio.frames(shot(0).activeTake().orElseThrow()).orElseThrow());
        Frames reel = FxTestSupport.onFx(() -> window.playerViewModel().clipProperty().get());
        assertArrayEquals(prev.frame(15), reel.frame(15));
        Frames next = FxTestSupport.onFx(() -> studio.frames(ext).orElseThrow());
        assertArrayEquals(next.frame(0), reel.frame(16));

        // Ctrl+Space stops the playing reel and starts it again; Space stops it too.
        FxTestSupport.waitFor("reel playing", 3000, () -> window.playerViewModel().playing());
        robot.press(KeyCode.CONTROL, KeyCode.SPACE).release(KeyCode.SPACE, KeyCode.CONTROL);
        FxTestSupport.waitFor("Ctrl+Space stops the reel", 3000, () -> !window.playerViewModel().playing());
        robot.press(KeyCode.CONTROL, KeyCode.SPACE).release(KeyCode.SPACE, KeyCode.CONTROL);
        FxTestSupport.waitFor("Ctrl+Space plays it again", 5000, () -> window.playerViewModel().playing()
                && window.playerViewModel().reelModeProperty().get());
        robot.type(KeyCode.SPACE);
        FxTestSupport.waitFor("Space stops the reel", 3000, () -> !window.playerViewModel().playing());
        Thread.sleep(300);
        assertFalse(window.playerViewModel().playing(), "and it stays stopped (the focused reel button did not restart it)");

        // A new take of shot 1 makes the continuation stale; its card offers the one-click regenerate.
        FxTestSupport.onFx(() -> window.timelineViewModel().select(shot(0).id()));
        FxTestSupport.onFx(window::generate);
        FxTestSupport.waitFor("a second take of shot 1", 20_000, () -> shot(0).takes().size() == 2);
        FxTestSupport.waitFor("shot 2 marked stale", 3000, () -> robot.lookup("#regenerate-" + shot(1).id()).tryQuery().isPresent());
        // Found and pressed in one FX step: the storyboard redraws its cards as thumbnails arrive.
        FxTestSupport.onFx(() -> ((javafx.scene.control.Button) robot.lookup("#regenerate-" + shot(1).id()).query()).fire());
        FxTestSupport.waitFor("shot 2 regenerated from the new take", 20_000, () -> shot(1).takes().size() == 2);
        assertEquals(shot(0).activeTake().orElseThrow().media(), shot(1).activeTake().orElseThrow().recipe().sources().get(0).path());
        FxTestSupport.waitFor("no longer stale", 3000, () -> robot.lookup("#regenerate-" + shot(1).id()).tryQuery().isEmpty());
    }

    @Test
    void cancellingAJobKeepsItsFinishedWindows(FxRobot robot) throws Exception {
        FxTestSupport.onFx(() -> {
            window.promptViewModel().framesProperty().set(512); // 85 windows: the job outlasts the click on any machine
            window.promptViewModel().stepsProperty().set(500);
        });
        robot.clickOn("#prompt").write("a long slow pan");
        robot.press(KeyCode.CONTROL, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.CONTROL);
        FxTestSupport.waitFor("first window finished", 60_000, () -> !studio.queue().jobs().isEmpty()
                && studio.queue().jobs().get(0).progressProperty().get() > 0.03);
        assertTrue(FxTestSupport.onFx(() -> window.playerView().showingLive()), "the player shows the live preview");
        robot.clickOn("#cancel-job");
        try {
            FxTestSupport.waitFor("cancelled with a partial take", 15_000, () -> studio.queue().jobs().get(0).state() == JobState.CANCELLED
                    && studio.queue().runningProperty().get() == null && !shot(0).takes().isEmpty());
        } catch (AssertionError e) {
            var j = studio.queue().jobs().get(0);
            throw new AssertionError(e.getMessage() + ": state " + j.state() + ", running " + studio.queue().runningProperty().get()
                    + ", takes " + shot(0).takes().size() + ", message '" + j.messageProperty().get() + "', step '"
                    + j.stepProperty().get() + "', progress " + j.progressProperty().get() + ", status " + studio.statusProperty().get(), e);
        }
        Take partial = shot(0).takes().get(0);
        assertEquals("partial", partial.label(), () -> "take " + partial.frames() + " frames, recipe frames " + partial.recipe().frames()
                + "; job: " + studio.queue().jobs().get(0).messageProperty().get() + " " + studio.queue().jobs().get(0).progressProperty().get());
        assertTrue(partial.frames() > 0 && partial.frames() < 512, "finished windows are kept, got " + partial.frames());
        // Retry puts the same job back in the queue; cancel it again before it finishes.
        FxTestSupport.onFx(() -> studio.queue().retry(studio.queue().jobs().get(0)));
        FxTestSupport.waitFor("retried", 3000, () -> studio.queue().jobs().get(0).state() != JobState.CANCELLED);
        FxTestSupport.onFx(() -> studio.queue().cancel(studio.queue().jobs().get(0)));
        FxTestSupport.waitFor("cancelled again", 10_000, () -> studio.queue().jobs().get(0).state() == JobState.CANCELLED
                && studio.queue().runningProperty().get() == null);
    }
}
