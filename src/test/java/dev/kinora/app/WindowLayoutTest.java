package dev.kinora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Window size and panel layout rules, without a stage (the real window is checked by .ci/real-window.sh). */
class WindowLayoutTest {
    private static final Rectangle2D XVFB = new Rectangle2D(0, 0, 1600, 1000);
    private static final Rectangle2D FULL_HD = new Rectangle2D(0, 0, 1920, 1050);
    private static final Rectangle2D LAPTOP = new Rectangle2D(0, 0, 1280, 690);

    @TempDir
    Path tmp;

    @Test
    void aFirstStartTakesAShareOfTheScreenCappedAtThePreferredSize() {
        assertEquals(new WindowPlacement.Size(1360, 850), WindowPlacement.initial(Double.NaN, Double.NaN, XVFB));
        assertEquals(new WindowPlacement.Size(1440, 892), WindowPlacement.initial(Double.NaN, Double.NaN, FULL_HD));
    }

    @Test
    void theWindowNeverOpensBelowTheMinimumOrTheScreenWhenThatIsSmaller() {
        WindowPlacement.Size s = WindowPlacement.initial(Double.NaN, Double.NaN, LAPTOP);
        assertEquals(1088, s.width());
        assertEquals(690, s.height(), "the screen is lower than the minimum: the whole height");
        assertEquals(new WindowPlacement.Size(1024, 690), WindowPlacement.minimum(LAPTOP));
    }

    @Test
    void aSavedSizeIsUsedOnlyWhenItIsSane() {
        assertEquals(new WindowPlacement.Size(1500, 950), WindowPlacement.initial(1500, 950, XVFB));
        // the squashed window a broken session saved, and a size from a bigger monitor
        assertEquals(WindowPlacement.standard(XVFB), WindowPlacement.initial(200, 200, XVFB));
        assertEquals(WindowPlacement.standard(XVFB), WindowPlacement.initial(2400, 1300, XVFB));
        assertEquals(WindowPlacement.standard(XVFB), WindowPlacement.initial(Double.POSITIVE_INFINITY, 900, XVFB));
    }

    @Test
    void aZeroWidthQueueWhoseToggleIsOnComesBackAtTheDefaultWidth() {
        StudioPrefs p = new StudioPrefs(tmp);
        // What a session in a 200×200 window stored: the queue squeezed to nothing, yet "visible".
        p.putDouble("layout.queue.pos", 0.9992857142857143);
        p.putBoolean("layout.queue", true);
        p.putDouble("layout.prompt", 0.0);
        p.putDouble("layout.timeline", 0.5);
        p.save();
        assertTrue(p.flush()); // written in the background; a quit waits for it like this
        PanelLayout l = PanelLayout.load(new StudioPrefs(tmp));
        assertEquals(PanelLayout.DEFAULT.queue(), l.queue());
        assertEquals(PanelLayout.DEFAULT.prompt(), l.prompt());
        assertEquals(0.5, l.timeline(), "a sane divider is kept");
        assertTrue(l.queueVisible());
    }

    @Test
    void aHiddenQueueAndChosenDividersSurviveARestart() {
        StudioPrefs p = new StudioPrefs(tmp);
        new PanelLayout(0.25, 0.7, 0.8, false).store(p);
        p.save();
        assertTrue(p.flush()); // written in the background; a quit waits for it like this
        assertEquals(new PanelLayout(0.25, 0.7, 0.8, false), PanelLayout.load(new StudioPrefs(tmp)));
    }

    @Test
    void layoutIsRememberedOnlyFromAWindowThatShowsThePanels() {
        assertFalse(PanelLayout.saneWindow(200, 200));
        assertFalse(PanelLayout.saneWindow(1400, 180));
        assertTrue(PanelLayout.saneWindow(1358, 825));
    }
}
