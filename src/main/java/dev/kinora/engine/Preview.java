package dev.kinora.engine;

/** A small RGB image of the current prediction, shown while a job denoises. Empty when none was made. */
public record Preview(int width, int height, byte[] rgb) {
    private static final Preview NONE = new Preview(0, 0, new byte[0]);

    public static Preview none() {
        return NONE;
    }

    public boolean isEmpty() {
        return rgb.length == 0;
    }
}
