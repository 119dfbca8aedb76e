package dev.kinora.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtException;
import dev.kinora.engine.onnx.RuntimeOptions;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MacCounterTest {
    private static OpRecord op(String type, List<long[]> in, long[] out) {
        return new OpRecord("n", type, 0, 1, in, List.of(out));
    }

    @Test
    void aSpaceOnlyVideoConvCostsOutputsTimesInputChannelsTimesKernel() {
        // Tiny World's first conv: [2,17,16,16,16] * [64,17,1,3,3] -> [2,64,16,16,16]
        long macs = MacCounter.macs(op("Conv", List.of(new long[] {2, 17, 16, 16, 16}, new long[] {64, 17, 1, 3, 3}, new long[] {64}),
                new long[] {2, 64, 16, 16, 16}));
        assertEquals(2L * 64 * 16 * 16 * 16 * 17 * 9, macs);
    }

    @Test
    void groupedAndFusedConvsCountPerGroupChannels() {
        long macs = MacCounter.macs(op("FusedConv", List.of(new long[] {1, 8, 4, 4}, new long[] {8, 2, 3, 3}), new long[] {1, 8, 4, 4}));
        assertEquals(8L * 16 * 2 * 9, macs);
    }

    @Test
    void batchedMatMulCountsEveryOutputTimesTheInnerDimension() {
        // attention scores: [2,4,256,40] @ [2,4,40,256]
        long macs = MacCounter.macs(op("MatMul", List.of(new long[] {2, 4, 256, 40}, new long[] {2, 4, 40, 256}), new long[] {2, 4, 256, 256}));
        assertEquals(2L * 4 * 256 * 256 * 40, macs);
    }

    @Test
    void gemmFindsTheInnerDimensionWhateverTheTransposition() {
        long plain = MacCounter.macs(op("Gemm", List.of(new long[] {2, 384}, new long[] {384, 256}), new long[] {2, 256}));
        long transA = MacCounter.macs(op("Gemm", List.of(new long[] {384, 2}, new long[] {384, 256}), new long[] {2, 256}));
        assertEquals(2L * 256 * 384, plain);
        assertEquals(plain, transA);
    }

    @Test
    void operatorsWithoutMultiplyAccumulatesCountZero() {
        assertEquals(0, MacCounter.macs(op("Add", List.of(new long[] {4}, new long[] {4}), new long[] {4})));
        assertEquals(0, MacCounter.macs(op("InstanceNormalization", List.of(new long[] {1, 8, 16}), new long[] {1, 8, 16})));
    }

    @Test
    void theKnownGraphCountsTheMacsWorkedOutByHand(@TempDir Path dir) throws OrtException, IOException, URISyntaxException {
        // bench/make_graphs.py: 6912 (conv 3x3) + 512 (grouped 1x1) + 4096 (matmul) + 320 (gemm)
        Path graph = Path.of(MacCounterTest.class.getResource("/bench/known.onnx").toURI());
        try (OrtProbe p = OrtProbe.open(graph, RuntimeOptions.defaults().withThreads(1), true, dir.resolve("known"))) {
            p.input("x", new long[] {1, 3, 8, 8}, 1, Float.NaN);
            p.runOnce();
            p.runOnce();
            OrtProfile profile = p.profile();
            assertEquals(2, profile.runCount());
            assertEquals(11840, MacCounter.totalMacs(profile.run(0)));
            assertEquals(11840, MacCounter.totalMacs(profile.run(1)));
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "the profile file is deleted after parsing");
        }
    }
}
