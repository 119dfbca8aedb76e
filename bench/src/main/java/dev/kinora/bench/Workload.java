package dev.kinora.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One benchmarked configuration: denoising steps and frames of a text-to-video clip. */
public record Workload(int steps, int frames) {

    /**
     * The "cross" matrix: every step count at the first frame count, and every frame count at the
     * default steps (one row less to pay for than the full product, which adds the long clips at
     * every step count).
     */
    public static List<Workload> cross(List<Integer> steps, List<Integer> frames, int defaultSteps) {
        Set<Workload> out = new LinkedHashSet<>();
        for (int s : steps) {
            out.add(new Workload(s, frames.get(0)));
        }
        for (int f : frames) {
            out.add(new Workload(defaultSteps, f));
        }
        return new ArrayList<>(out);
    }

    public static List<Workload> full(List<Integer> steps, List<Integer> frames) {
        List<Workload> out = new ArrayList<>();
        for (int f : frames) {
            for (int s : steps) {
                out.add(new Workload(s, f));
            }
        }
        return out;
    }

    /** Windows a text-to-video clip of this length takes: one, then one per (window − context) new frames. */
    public int windows(int window, int context) {
        int rest = Math.max(0, frames - window);
        return 1 + (rest + (window - context) - 1) / (window - context);
    }

    public String label() {
        return steps + " steps, " + frames + " frames";
    }
}
