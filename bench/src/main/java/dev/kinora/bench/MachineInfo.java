package dev.kinora.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** What every benchmark prints first: the machine and the date, so a figure can be traced to where it came from. */
public record MachineInfo(int nproc, String cpuModel, long memTotalKb, String os, String java, String ort, String date) {

    public static MachineInfo current() {
        String cpu = "unknown";
        long mem = -1;
        try {
            cpu = cpuModel(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException ignored) {
            // not Linux: say so via "unknown"
        }
        try {
            mem = ProcStatus.parseKb(Files.readString(Path.of("/proc/meminfo")), "MemTotal").orElse(-1);
        } catch (IOException | RuntimeException ignored) {
            // idem
        }
        String ort;
        try {
            ort = dev.kinora.engine.onnx.OrtRuntime.env().getVersion();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            ort = "unavailable";
        }
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), cpu, mem,
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"), ort,
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
    }

    /** The first "model name" line of /proc/cpuinfo. */
    static String cpuModel(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            if (line.startsWith("model name")) {
                int colon = line.indexOf(':');
                return colon < 0 ? line.trim() : line.substring(colon + 1).trim();
            }
        }
        return "unknown";
    }

    public String describe() {
        return String.format(Locale.ROOT, "machine: %d CPUs (nproc), %s, %.1f GiB RAM; %s; %s; ONNX Runtime %s; %s",
                nproc, cpuModel, memTotalKb / 1024.0 / 1024.0, os, java, ort, date);
    }
}
