package dev.kinora.engine.pack;

import java.util.Locale;

/** The jobs a pack can do; all but GENERATE come from feeding known frames and a mask. */
public enum Mode {
    GENERATE, ANIMATE, EXTEND, INTERPOLATE, LOOP, REMIX;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown mode '" + s + "': use generate, animate, extend, interpolate, loop or remix");
        }
    }
}
