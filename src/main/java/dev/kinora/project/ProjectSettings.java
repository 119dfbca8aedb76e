package dev.kinora.project;

/**
 * Project-wide defaults. New shots take their pack, size and fps from here.
 *
 * @param defaultPack pack id for new shots (empty = the studio's default)
 */
public record ProjectSettings(String defaultPack, int width, int height, double fps) {
    public static final ProjectSettings DEFAULTS = new ProjectSettings("", 832, 480, 16);

    public ProjectSettings {
        defaultPack = defaultPack == null ? "" : defaultPack;
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("project frame size must be positive, got " + width + "x" + height);
        }
        if (!(fps > 0)) {
            throw new IllegalArgumentException("project fps must be positive, got " + fps);
        }
    }
}
