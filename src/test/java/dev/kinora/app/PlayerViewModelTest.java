package dev.kinora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.app.player.PlayerViewModel;
import dev.kinora.engine.Frames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlayerViewModelTest {
    private static Frames clip(int n) {
        List<byte[]> f = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            f.add(new byte[2 * 2 * 3]);
        }
        return new Frames(2, 2, 8, f);
    }

    @Test
    void playbackAdvancesAtTheClipRateAndLoops() {
        PlayerViewModel p = new PlayerViewModel();
        p.load(clip(16), "c", false);
        p.togglePlay();
        p.tick(1.0); // 8 frames at 8 fps
        assertEquals(8, p.frameProperty().get());
        p.tick(1.25);
        assertEquals(2, p.frameProperty().get(), "wraps around when looping");
    }

    @Test
    void withoutLoopPlaybackStopsOnTheLastFrame() {
        PlayerViewModel p = new PlayerViewModel();
        p.load(clip(16), "c", false);
        p.loopProperty().set(false);
        p.togglePlay();
        p.tick(5);
        assertEquals(15, p.frameProperty().get());
        assertFalse(p.playing());
    }

    @Test
    void jklShuttleDoublesSpeedAndKStops() {
        PlayerViewModel p = new PlayerViewModel();
        p.load(clip(64), "c", false);
        p.shuttleForward();
        p.shuttleForward();
        assertEquals(2, p.rateProperty().get());
        p.shuttleBackward();
        assertEquals(-1, p.rateProperty().get());
        p.shuttleBackward();
        assertEquals(-2, p.rateProperty().get());
        p.stop();
        assertFalse(p.playing());
    }

    @Test
    void frameStepsClampAndTimecodeCountsFrames() {
        PlayerViewModel p = new PlayerViewModel();
        p.load(clip(20), "c", false);
        p.step(-1);
        assertEquals(0, p.frameProperty().get());
        p.end();
        assertEquals(19, p.frameProperty().get());
        assertTrue(p.timecodeProperty().get().startsWith("00:00:02:03"), "HH:MM:SS:FF at the clip's 8 fps");
        assertTrue(p.timecodeProperty().get().endsWith(" · 20/20"), p.timecodeProperty().get());
    }

    @Test
    void aNewTakePlaysOnceAndStopsOnItsLastFrameEvenWithLoopOn() {
        PlayerViewModel p = new PlayerViewModel();
        p.load(clip(16), "new take", false);
        p.playOnce();
        assertTrue(p.playing());
        p.tick(1.0);
        assertEquals(8, p.frameProperty().get());
        p.tick(5.0);
        assertFalse(p.playing(), "played through once");
        assertEquals(15, p.frameProperty().get());
        p.togglePlay();
        p.tick(0.5);
        assertTrue(p.playing(), "Space afterwards plays with the loop setting again");
        assertEquals(3, p.frameProperty().get(), "wrapped around: looping");
    }
}
