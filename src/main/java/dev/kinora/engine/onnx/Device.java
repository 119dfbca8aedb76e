package dev.kinora.engine.onnx;

import java.util.Locale;

/** Where a pack's sessions run. AUTO tries CUDA and falls back to the CPU, saying why. */
public enum Device {
    AUTO, CPU, CUDA;

    public static Device parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown device '" + s + "': use auto, cpu or cuda");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
