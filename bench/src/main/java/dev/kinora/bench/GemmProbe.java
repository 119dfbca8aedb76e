package dev.kinora.bench;

import ai.onnxruntime.OrtException;
import dev.kinora.engine.onnx.RuntimeOptions;
import java.io.IOException;
import java.io.InputStream;

/** The machine's measured matmul peak through ONNX Runtime: an N×N×N float MatMul graph (2N³ FLOPs per run). */
public final class GemmProbe {
    private GemmProbe() {
    }

    public static byte[] graph() throws IOException {
        try (InputStream in = GemmProbe.class.getResourceAsStream("matmul.onnx")) {
            if (in == null) {
                throw new IOException("resource dev/kinora/bench/matmul.onnx is missing; run bench/make_graphs.py");
            }
            return in.readAllBytes();
        }
    }

    /** Seconds per N×N×N MatMul (warm-up 3 runs). */
    public static Stats seconds(int n, int reps, RuntimeOptions options) throws OrtException, IOException {
        try (OrtProbe p = OrtProbe.open(graph(), options)) {
            p.input("A", new long[] {n, n}, 1, Float.NaN).input("B", new long[] {n, n}, 2, Float.NaN);
            return p.time(3, reps);
        }
    }

    public static double gflops(int n, double seconds) {
        return 2.0 * n * n * (double) n / seconds / 1e9;
    }
}
