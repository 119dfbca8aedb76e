package dev.kinora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimecodeTest {
    @ParameterizedTest
    @ValueSource(ints = {8, 16, 24, 25, 30, 60})
    void wholeRatesCountHoursMinutesSecondsAndFrames(int fps) {
        assertEquals("00:00:00:00", Timecode.format(0, fps));
        assertEquals("01:01:01:05", Timecode.format((long) fps * 3661 + 5, fps));
        assertEquals("00:00:01:00", Timecode.format(fps, fps));
        assertEquals("00:00:00:" + String.format("%02d", fps - 1), Timecode.format(fps - 1, fps));
    }

    @Test
    void theIssuesExampleAtTheStudiosRates() {
        assertEquals("01:01:01:05", Timecode.format(8 * 3661 + 5, 8));
        assertEquals("01:01:01:05", Timecode.format(24 * 3661 + 5, 24));
    }

    @Test
    void aFractionalRateKeepsWallClockSecondsAndCountsFramesWithinThem() {
        // 12.5 fps: second 1 starts at frame 12.5, so frame 13 is its first whole frame.
        assertEquals("00:00:00:12", Timecode.format(12, 12.5));
        assertEquals("00:00:01:00", Timecode.format(13, 12.5));
        assertEquals("00:00:02:00", Timecode.format(25, 12.5));
        assertEquals("01:01:01:04", Timecode.format(45767, 12.5), "3661 s start at frame 45762.5");
    }

    @Test
    void ntscRatesDoNotDriftFromTheClock() {
        // An hour of 29.97 is 107892 frames: 01:00:00:00, as drop-frame timecode says (non-drop would say 00:59:56:12).
        assertEquals("01:00:00:00", Timecode.format(107_892, 29.97));
        assertEquals("00:00:00:29", Timecode.format(29, 29.97));
        assertEquals("00:00:01:00", Timecode.format(30, 29.97));
        assertEquals("00:00:59:29", Timecode.format(1_798, 29.97), "second 59 starts at 1768.2");
        double ntsc24 = 24000.0 / 1001;
        assertEquals("00:00:00:23", Timecode.format(23, ntsc24));
        assertEquals("00:00:01:00", Timecode.format(24, ntsc24));
        assertEquals("01:00:00:00", Timecode.format(86_314, ntsc24), "86313.6 frames in an hour");
    }

    @Test
    void framesWithinASecondNeverReachTheRateRoundedUp() {
        for (double fps : new double[] {7.5, 12.5, 23.976, 29.97, 59.94}) {
            for (long f = 0; f < 5000; f++) {
                String tc = Timecode.format(f, fps);
                int ff = Integer.parseInt(tc.substring(9));
                assertTrue(ff < Math.ceil(fps), tc + " at " + fps);
            }
        }
    }

    @Test
    void nonsenseRatesAndFramesAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Timecode.format(1, 0));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Timecode.format(1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Timecode.format(-1, 8));
    }
}
