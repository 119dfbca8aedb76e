package dev.kinora.bench;

import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.onnx.RuntimeOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Many generations in one process (each written to an MP4, as a render queue does), watching the
 * resident set: a leak of native tensors, JavaCV frames or cached sessions shows as RSS that keeps
 * climbing after the first runs have warmed everything up.
 */
public final class SoakBench {
    /** RSS after each generation (kB), index 0 = after generation 1. */
    public record Result(List<Long> rssKb, List<Integer> checkpoints, double tolerance) {
        public long at(int generation) {
            return rssKb.get(generation - 1);
        }

        /** Largest relative deviation of the checkpoints from the first one. */
        public double drift() {
            long base = at(checkpoints.get(0));
            double worst = 0;
            for (int c : checkpoints) {
                worst = Math.max(worst, Math.abs(at(c) - base) / (double) base);
            }
            return worst;
        }

        public boolean flat() {
            return drift() <= tolerance;
        }
    }

    private SoakBench() {
    }

    /** Checkpoints: e.g. 10, 100, 200 for 200 runs; the first is the baseline. */
    public static Result run(String pack, RuntimeOptions options, Workload w, int runs, List<Integer> checkpoints, double tolerance,
                             PrintStream out) throws Exception {
        out.println(MachineInfo.current().describe());
        out.printf(Locale.ROOT, "soak: %d generations of %s in one process, each written to an MP4, live previews on; Java heap max %d MiB%n",
                runs, w.label(), Runtime.getRuntime().maxMemory() >> 20);
        List<Long> rss = new ArrayList<>();
        long t0 = System.nanoTime();
        try (EngineHarness h = new EngineHarness(pack, options)) {
            for (int i = 1; i <= runs; i++) {
                // a handful of prompts in turn: the text cache holds them, as it does in the studio
                EngineRun r = h.run(w, CompareBench.prompt(i % 8), i, true, true, ProgressListener.NONE);
                rss.add(r.rssKb());
                if (checkpoints.contains(i) || i == 1 || i % 25 == 0) {
                    Runtime rt = Runtime.getRuntime();
                    out.printf(Locale.ROOT, "  after %3d: VmRSS %.1f MiB (Java heap used %d MiB of %d MiB committed), %.0f s so far%n", i,
                            ProcStatus.mib(r.rssKb()), (rt.totalMemory() - rt.freeMemory()) >> 20, rt.totalMemory() >> 20,
                            (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        Result res = new Result(rss, checkpoints, tolerance);
        StringBuilder sb = new StringBuilder("RSS at");
        for (int c : checkpoints) {
            sb.append(String.format(Locale.ROOT, " %d: %.1f MiB;", c, ProcStatus.mib(res.at(c))));
        }
        out.println(sb);
        out.printf(Locale.ROOT, "largest drift from generation %d: %.1f %% -> %s (tolerance ±%.0f %%)%n", checkpoints.get(0),
                100 * res.drift(), res.flat() ? "FLAT" : "NOT FLAT", 100 * tolerance);
        return res;
    }
}
