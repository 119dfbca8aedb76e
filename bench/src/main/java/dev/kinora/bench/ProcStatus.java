package dev.kinora.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Resident memory of this process from /proc/self/status: VmRSS now, VmHWM the peak since start (or
 * since {@link #resetPeak()}). Linux only; elsewhere every value reads as -1.
 */
public final class ProcStatus {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcStatus() {
    }

    /** A "Key:   1234 kB" line's value in kB. */
    public static OptionalLong parseKb(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":")) {
                String[] parts = line.substring(key.length() + 1).trim().split("\\s+");
                if (parts.length >= 1 && !parts[0].isEmpty()) {
                    long v = Long.parseLong(parts[0]);
                    if (parts.length >= 2) {
                        v = switch (parts[1].toLowerCase(java.util.Locale.ROOT)) {
                            case "mb" -> v * 1024;
                            case "gb" -> v * 1024 * 1024;
                            default -> v;
                        };
                    }
                    return OptionalLong.of(v);
                }
            }
        }
        return OptionalLong.empty();
    }

    public static long rssKb() {
        return read("VmRSS");
    }

    public static long peakKb() {
        return read("VmHWM");
    }

    private static long read(String key) {
        try {
            return parseKb(Files.readString(STATUS), key).orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resets VmHWM to the current RSS (Linux ≥ 4.0, own process), so a phase can report its own peak. */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public static double mib(long kb) {
        return kb / 1024.0;
    }
}
