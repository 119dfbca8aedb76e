package dev.kinora.engine.onnx;

/**
 * How sessions are built. intraOpThreads 0 means "one per physical core as ORT counts them", which
 * the benchmarks measured as the best default on small 2-core machines (see docs/benchmarks.md).
 */
public record RuntimeOptions(Device device, int intraOpThreads, boolean optimizeGraph) {
    /** More threads than this only thrash; 100 000 made ORT allocate pools until the process was killed. */
    public static int maxThreads() {
        return Runtime.getRuntime().availableProcessors() * 4;
    }

    public RuntimeOptions {
        if (intraOpThreads < 0 || intraOpThreads > maxThreads()) {
            throw new IllegalArgumentException("threads must be 0 (automatic) to " + maxThreads()
                    + " (4 per core on this machine), got " + intraOpThreads);
        }
    }

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(Device.AUTO, 0, true);
    }

    public RuntimeOptions withDevice(Device d) {
        return new RuntimeOptions(d, intraOpThreads, optimizeGraph);
    }

    public RuntimeOptions withThreads(int n) {
        return new RuntimeOptions(device, n, optimizeGraph);
    }
}
