package dev.kinora.engine.pipeline;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * How much memory a job may use now: RAM the system can still give (Linux: MemAvailable), GPU memory, and Java heap
 * headroom. {@link #UNKNOWN} means "not known, not checked".
 *
 * <p>{@link #detect()} reads the machine; the user can lower the RAM and GPU figures (to leave room for other
 * programs, or in tests) with {@code -Dkinora.memory.ram=SIZE} / {@code KINORA_MEMORY_RAM} and
 * {@code -Dkinora.memory.vram=SIZE} / {@code KINORA_MEMORY_VRAM} (SIZE in bytes, or with K, M, G). ONNX Runtime's
 * Java API does not report free GPU memory, so without the setting the GPU figure is unknown.
 *
 * @param ram  bytes of RAM available to this job
 * @param vram bytes of GPU memory available
 * @param heap bytes of Java heap the job's buffers may still take
 */
public record MemoryLimits(long ram, long vram, long heap) {
    public static final long UNKNOWN = Long.MAX_VALUE;
    public static final MemoryLimits UNLIMITED = new MemoryLimits(UNKNOWN, UNKNOWN, UNKNOWN);

    /** Where an engine gets its limits before each job (tests inject fixed ones). */
    @FunctionalInterface
    public interface Source {
        MemoryLimits now();
    }

    public MemoryLimits {
        if (ram < 0 || vram < 0 || heap < 0) {
            throw new IllegalArgumentException("memory limits cannot be negative: ram " + ram + ", vram " + vram + ", heap " + heap);
        }
    }

    /** Only RAM limited (tests). */
    public static MemoryLimits ram(long bytes) {
        return new MemoryLimits(bytes, UNKNOWN, UNKNOWN);
    }

    /** The machine's figures now, lowered by the user's settings. */
    public static MemoryLimits detect() {
        long ram = Math.min(memAvailable(Path.of("/proc/meminfo")).orElse(UNKNOWN), setting("kinora.memory.ram", "KINORA_MEMORY_RAM"));
        long vram = setting("kinora.memory.vram", "KINORA_MEMORY_VRAM");
        return new MemoryLimits(ram, vram, heapHeadroom());
    }

    /** MemAvailable from a meminfo file, in bytes; empty when the file or the line is missing (not Linux). */
    static OptionalLong memAvailable(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemAvailable:")) {
                    String[] parts = line.substring("MemAvailable:".length()).trim().split("\\s+");
                    long v = Long.parseLong(parts[0]);
                    return OptionalLong.of(parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? v * 1024 : v);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected format: the RAM figure stays unknown
        }
        return OptionalLong.empty();
    }

    /** Max heap minus what was live after the last collection of each pool (garbage is not counted as taken). */
    static long heapHeadroom() {
        long max = Runtime.getRuntime().maxMemory();
        if (max == Long.MAX_VALUE) {
            return UNKNOWN;
        }
        long live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                MemoryUsage after = pool.getCollectionUsage();
                live += (after != null ? after : pool.getUsage()).getUsed();
            }
        }
        return Math.max(0, max - live);
    }

    private static long setting(String property, String env) {
        String v = System.getProperty(property);
        String from = "-D" + property;
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
            from = env;
        }
        if (v == null || v.isBlank()) {
            return UNKNOWN;
        }
        try {
            return parseSize(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(from + "=" + v + ": " + e.getMessage());
        }
    }

    /** "123", "512K", "512M", "8G" (powers of 1024; a trailing B or iB is allowed) in bytes. */
    public static long parseSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT).replaceAll("I?B$", "");
        long unit = 1;
        if (!t.isEmpty() && "KMGT".indexOf(t.charAt(t.length() - 1)) >= 0) {
            unit = 1L << (10 * ("KMGT".indexOf(t.charAt(t.length() - 1)) + 1));
            t = t.substring(0, t.length() - 1).trim();
        }
        try {
            double v = Double.parseDouble(t);
            if (!(v >= 0) || v * unit >= Long.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (long) (v * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a memory size; expected bytes or a number with K, M or G, e.g. 6G");
        }
    }

    /** A size for people: "512 B", "37 KiB", "3.5 MiB", "37 MiB", "2.4 GiB". */
    public static String format(long bytes) {
        if (bytes == UNKNOWN) {
            return "unknown";
        }
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            double mib = bytes / (double) (1L << 20);
            return String.format(Locale.ROOT, mib < 10 ? "%.1f MiB" : "%.0f MiB", mib);
        }
        return bytes >= 1024 ? String.format(Locale.ROOT, "%.0f KiB", bytes / 1024.0) : bytes + " B";
    }
}
