package dev.kinora.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SigmaSchedulesTest {

    @Test
    void flowLinearFourStepsIsQuarters() {
        assertArrayEquals(new double[] {1.0, 0.75, 0.5, 0.25, 0.0}, SigmaSchedules.flowLinear(4), 0.0);
    }

    @Test
    void shiftThreeOnFourStepsGivesHandComputedLevels() {
        // 3s/(1+2s): s=0.75 -> 2.25/2.5 = 0.9, s=0.5 -> 1.5/2 = 0.75, s=0.25 -> 0.75/1.5 = 0.5
        double[] shifted = SigmaSchedules.shifted(SigmaSchedules.flowLinear(4), 3.0);
        assertArrayEquals(new double[] {1.0, 0.9, 0.75, 0.5, 0.0}, shifted, 1e-15);
    }

    @Test
    void shiftKeepsBothEndsFixed() {
        assertEquals(1.0, SigmaSchedules.shift(1.0, 5.0), 0.0);
        assertEquals(0.0, SigmaSchedules.shift(0.0, 5.0), 0.0);
        assertEquals(0.3, SigmaSchedules.shift(0.3, 1.0), 1e-15);
    }

    @Test
    void karrasFollowsTheRhoSevenFormula() {
        double[] s = SigmaSchedules.karras(5, 0.1, 10.0, 7.0);
        // numpy: (max^(1/7) + linspace(0,1,5)*(min^(1/7) - max^(1/7)))^7
        assertArrayEquals(new double[] {10.0, 4.0701040408635185, 1.4507321135661928, 0.432452803054104, 0.1, 0.0}, s, 1e-12);
        for (int i = 0; i < 5; i++) {
            double ramp = i / 4.0;
            double expected = Math.pow(Math.pow(10.0, 1 / 7.0) + ramp * (Math.pow(0.1, 1 / 7.0) - Math.pow(10.0, 1 / 7.0)), 7.0);
            assertEquals(expected, s[i], 1e-12);
        }
    }

    @Test
    void flowKarrasRunsFromOneToTheShiftedSmallestTrainedLevel() {
        SchedulerConfig config = SchedulerConfig.flow(3f, PredictionType.FLOW_VELOCITY).withSigmaSchedule(SigmaSchedule.KARRAS);
        double[] s = SigmaSchedules.flowSigmas(config, 6);
        assertEquals(7, s.length);
        assertEquals(1.0, s[0], 1e-12);
        assertEquals(SigmaSchedules.shift(0.001, 3.0), s[5], 1e-12);
        assertEquals(0.0, s[6], 0.0);
    }

    @Test
    void trailingSpacingMatchesDiffusers() {
        assertArrayEquals(new int[] {999, 749, 499, 249}, SigmaSchedules.trailingTimesteps(1000, 4));
        assertArrayEquals(new int[] {999, 666, 332}, SigmaSchedules.trailingTimesteps(1000, 3));
        // 812.5 and 937.5 round half to even as numpy does
        assertArrayEquals(new int[] {999, 937, 874, 811, 749, 687, 624, 561, 499, 437, 374, 311, 249, 187, 124, 61},
                SigmaSchedules.trailingTimesteps(1000, 16));
    }

    @Test
    void scaledLinearAlphasMatchStableDiffusion() {
        double[] ac = SigmaSchedules.alphasCumprod(SchedulerConfig.ddpm(PredictionType.EPSILON));
        assertEquals(1000, ac.length);
        assertEquals(0.99915, ac[0], 1e-12);
        assertEquals(0.004660098513077238, ac[999], 1e-12);
        assertEquals(0.27766965045646763, ac[499], 1e-12);
    }

    @Test
    void linearBetasGiveGeometricAlphas() {
        SchedulerConfig config = SchedulerConfig.ddpm(PredictionType.EPSILON).withBetas(3, 0.5f, 0.5f, "linear");
        assertArrayEquals(new double[] {0.5, 0.25, 0.125}, SigmaSchedules.alphasCumprod(config), 1e-15);
    }

    @Test
    void remixKeepsTheCeilingOfStepsTimesStrength() {
        assertEquals(5, SigmaSchedules.keptSteps(10, 0.5f));
        assertEquals(3, SigmaSchedules.keptSteps(10, 0.3f));
        assertEquals(3, SigmaSchedules.keptSteps(10, 0.25f));
        assertEquals(1, SigmaSchedules.keptSteps(10, 0.01f));
        assertEquals(10, SigmaSchedules.keptSteps(10, 1f));
    }

    @Test
    void strengthOutsideUnitIntervalIsRejectedWithTheRange() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> SigmaSchedules.keptSteps(10, 0f));
        assertTrue(zero.getMessage().contains("(0, 1]"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SigmaSchedules.keptSteps(10, 1.5f));
        assertThrows(IllegalArgumentException.class, () -> SigmaSchedules.trailingTimesteps(1000, 0));
    }
}
