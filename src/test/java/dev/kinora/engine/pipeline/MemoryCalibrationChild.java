package dev.kinora.engine.pipeline;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.OrtRuntime;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a pack's default job in a fresh JVM whose heap is committed and touched up front (-Xms = -Xmx,
 * -XX:+AlwaysPreTouch), so the RSS high-water mark above the idle engine is the job's native memory; the heap the
 * result keeps is added. Prints "measured BYTES estimated BYTES" for {@link MemoryCalibrationTest}.
 */
public final class MemoryCalibrationChild {
    private MemoryCalibrationChild() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args[0]);
        String id = args[1];
        try (GenerationEngine engine = new GenerationEngine(new PackRegistry(List.of(models)), RuntimeOptions.defaults().withDevice(Device.CPU),
                () -> MemoryLimits.UNLIMITED)) {
            ModelPack pack = engine.pack(id); // verification (hashing) is not the job's memory
            OrtRuntime.env();
            System.gc();
            Thread.sleep(200);
            long heap0 = heapUsed();
            long rss0 = status("VmRSS");
            if (!resetPeak() || rss0 < 0) {
                System.out.println("unsupported");
                return;
            }
            var result = engine.generate(GenerationRequest.textToVideo(id, "a red ball bounces on green grass", 1), p -> { }, new CancelToken());
            long peak = status("VmHWM");
            System.gc();
            long kept = Math.max(0, heapUsed() - heap0);
            long measured = (peak - rss0) * 1024 + kept;
            MemoryPlanner planner = new MemoryPlanner(pack, Device.CPU);
            long estimated = planner.estimate(planner.defaultJob(), false).peakRam();
            System.out.println("measured " + measured + " estimated " + estimated + " frames " + result.frames().count());
        }
    }

    /** A "Key:  1234 kB" line of /proc/self/status, in kB; -1 when there is none (not Linux). */
    private static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** Resets VmHWM to the current RSS (Linux 4.0+, own process). */
    private static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long heapUsed() {
        long used = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                used += p.getUsage().getUsed();
            }
        }
        return used;
    }
}
