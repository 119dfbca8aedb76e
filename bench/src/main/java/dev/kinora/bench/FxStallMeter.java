package dev.kinora.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import javafx.animation.AnimationTimer;

/**
 * Records the time of every JavaFX pulse while it runs, to measure how long the FX thread was ever
 * kept from rendering (see {@link PulseGaps}). Reusable in the studio: start it on the FX thread
 * around any interaction, read {@link #gaps()} from any thread.
 */
public final class FxStallMeter {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final AnimationTimer timer;
    private long[] stamps = new long[4096];
    /** The FX thread's CPU time at each pulse, beside {@link #stamps}. */
    private long[] cpu = new long[4096];
    private int count;
    private volatile long lastPulse;
    private volatile Thread fxThread;
    private Thread sampler;
    /** Where the FX thread was while a pulse was overdue: its innermost Kinora frame (or its top frame), counted. */
    private final Map<String, Integer> stalledIn = new LinkedHashMap<>();

    /** Must be created on the FX thread (or after the toolkit started). */
    public FxStallMeter() {
        this.timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                record(now);
            }
        };
    }

    private synchronized void record(long now) {
        lastPulse = System.nanoTime();
        fxThread = Thread.currentThread();
        if (count == stamps.length) {
            stamps = Arrays.copyOf(stamps, count * 2);
            cpu = Arrays.copyOf(cpu, count * 2);
        }
        cpu[count] = THREADS.getCurrentThreadCpuTime();
        stamps[count++] = now;
    }

    /** Starts recording pulses; call on the FX thread. */
    public void start() {
        timer.start();
    }

    /** Stops recording; call on the FX thread. */
    public void stop() {
        timer.stop();
        if (sampler != null) {
            sampler.interrupt();
        }
    }

    /**
     * Also looks at the FX thread every few milliseconds and, while a pulse is more than
     * {@code overdueMs} late, notes where it is: what a long gap was spent on.
     */
    public void sampleStalls(double overdueMs) {
        sampler = new Thread(() -> {
            long overdue = (long) (overdueMs * 1e6);
            while (!Thread.currentThread().isInterrupted()) {
                Thread fx = fxThread;
                if (fx != null && lastPulse != 0 && System.nanoTime() - lastPulse > overdue) {
                    note(fx.getStackTrace());
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "fx-stall-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private synchronized void note(StackTraceElement[] stack) {
        if (stack.length == 0) {
            return;
        }
        StackTraceElement where = Arrays.stream(stack).filter(f -> f.getClassName().startsWith("dev.kinora.")).findFirst().orElse(stack[0]);
        String key = where.getClassName().replaceFirst("^.*\\.", "") + "." + where.getMethodName() + ":" + where.getLineNumber()
                + " (top: " + stack[0].getClassName().replaceFirst("^.*\\.", "") + "." + stack[0].getMethodName() + ")";
        stalledIn.merge(key, 1, Integer::sum);
    }

    /** The places the FX thread was seen in during overdue pulses since the last reset, most seen first (5 ms samples). */
    public synchronized String stalls(int top) {
        if (stalledIn.isEmpty()) {
            return "no overdue pulse sampled";
        }
        return stalledIn.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .map(e -> e.getValue() + "× " + e.getKey()).collect(Collectors.joining("; "));
    }

    /** Forgets the pulses so far (e.g. between an idle baseline and the measured phase). */
    public synchronized void reset() {
        count = 0;
        stalledIn.clear();
    }

    public synchronized PulseGaps gaps() {
        return PulseGaps.of(Arrays.copyOf(stamps, count));
    }

    /**
     * The FX thread's own CPU time between consecutive pulses: the work it did there, without the
     * time it waited for a CPU. On cores shared with other jobs the pulse gaps mostly measure the
     * scheduler; these still show what the FX thread itself spent (e.g. first-use linking).
     */
    public synchronized PulseGaps cpuGaps() {
        return PulseGaps.of(Arrays.copyOf(cpu, count));
    }
}
