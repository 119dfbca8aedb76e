package dev.kinora.app;

import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import java.util.Locale;

/** Where jobs run, in words for the status bar: "CPU (no CUDA runtime found)", "CUDA GPU". */
public final class DeviceText {
    private DeviceText() {
    }

    public static String of(DeviceReport r) {
        String used = name(r.used());
        if (r.reason().isBlank()) {
            return used;
        }
        return used + " (" + why(r.reason()) + ")";
    }

    /** The device asked for cannot run jobs at all (CUDA chosen on a machine without it). */
    public static String unavailable(Device requested, String reason) {
        return name(requested) + " not available (" + why(reason) + "): choose Auto or CPU to render";
    }

    /** A device change waiting for the running job: "CPU, then CUDA GPU from the next job". */
    public static String pending(String now, Device next) {
        return (now.isBlank() ? "" : now + ", then ") + (next == Device.AUTO ? "automatic" : name(next)) + " from the next job";
    }

    static String name(Device d) {
        return switch (d) {
            case CPU -> "CPU";
            case CUDA -> "CUDA GPU";
            case AUTO -> "automatic";
        };
    }

    /** The engine's reason, told as what it means for the artist. */
    static String why(String reason) {
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.contains("driver") || r.contains("out of memory") || r.contains("no cuda-capable")) {
            String first = reason.replaceFirst("(?i)^cuda unavailable:\\s*", "").replaceFirst("(?i)^cuda was requested but is not usable:\\s*", "");
            int dot = first.indexOf(". ");
            return "CUDA did not start: " + (dot > 0 ? first.substring(0, dot) : first);
        }
        return "no CUDA runtime found";
    }
}
