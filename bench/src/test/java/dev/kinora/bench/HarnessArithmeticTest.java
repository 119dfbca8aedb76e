package dev.kinora.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HarnessArithmeticTest {
    @Test
    void longClipsTakeOneWindowThenOnePerTwelveNewFrames() {
        assertEquals(1, new Workload(16, 16).windows(16, 4));
        assertEquals(5, new Workload(16, 64).windows(16, 4));
        assertEquals(13, new Workload(16, 160).windows(16, 4));
        assertEquals(2, new Workload(16, 17).windows(16, 4));
    }

    @Test
    void theCrossMatrixSweepsStepsAtOneWindowAndFramesAtDefaultSteps() {
        List<Workload> w = Workload.cross(List.of(8, 16, 32), List.of(16, 64, 160), 16);
        assertEquals(List.of(new Workload(8, 16), new Workload(16, 16), new Workload(32, 16), new Workload(16, 64), new Workload(16, 160)), w);
        assertEquals(9, Workload.full(List.of(8, 16, 32), List.of(16, 64, 160)).size());
    }

    @Test
    void identicalFramesHaveNoDifferenceAndInfinitePsnr() {
        byte[] f = {1, 2, 3, (byte) 250};
        OutputDiff d = OutputDiff.of(List.of(f), f.clone());
        assertEquals(0, d.maxAbs());
        assertEquals(Double.POSITIVE_INFINITY, d.psnr());
    }

    @Test
    void differencesAreMeasuredOnUnsignedBytes() {
        byte[] a = {(byte) 255, 0, 10, 10};
        byte[] b = {(byte) 254, 0, 10, 14};
        OutputDiff d = OutputDiff.of(List.of(a), b);
        assertEquals(4, d.maxAbs());
        assertEquals(5.0 / 4, d.meanAbs(), 1e-12);
        assertEquals(10 * Math.log10(255.0 * 255 / (17.0 / 4)), d.psnr(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> OutputDiff.of(List.of(a), new byte[3]));
    }

    @Test
    void pulseGapsFindTheLongestStall() {
        long ms = 1_000_000;
        long[] t = {0, 16 * ms, 33 * ms, 120 * ms, 136 * ms, 200 * ms};
        PulseGaps g = PulseGaps.of(t);
        assertEquals(6, g.pulses());
        assertEquals(87.0, g.maxMs(), 1e-9);
        assertEquals(2, g.over50Ms());
        assertEquals(17.0, g.medianMs(), 1e-9);
        assertTrue(Double.isNaN(PulseGaps.of(new long[] {5}).maxMs()));
    }

    @Test
    void aSoakIsFlatWhenEveryCheckpointStaysWithinTheTolerance() {
        List<Long> rss = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            rss.add(i < 10 ? 500_000L + i * 10_000 : 600_000L + (i % 3) * 1000);
        }
        SoakBench.Result flat = new SoakBench.Result(rss, List.of(10, 100, 200), 0.05);
        assertTrue(flat.flat());
        assertEquals(1000.0 / 600_000 * 1, flat.drift(), 1e-3);
        List<Long> leaking = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            leaking.add(600_000L + i * 500);
        }
        SoakBench.Result leak = new SoakBench.Result(leaking, List.of(10, 100, 200), 0.05);
        assertFalse(leak.flat());
        assertEquals((700_000 - 605_000) / 605_000.0, leak.drift(), 1e-9);
    }
}
