package dev.kinora.media;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/** The file types {@link MediaWriter} can produce. */
public enum OutputFormat {
    /** H.264 (libopenh264) in MP4, yuv420p, {@code +faststart}. */
    MP4("mp4"),
    /** VP9 (libvpx) in WebM, yuv420p. */
    WEBM("webm"),
    /** Animated GIF with one global palette, no dithering, looping forever. */
    GIF("gif"),
    /** A folder of {@code frame_0000.png …} (lossless) plus an optional {@code recipe.json}. */
    PNG_SEQUENCE("");

    private final String extension;

    OutputFormat(String extension) {
        this.extension = extension;
    }

    /** The file extension without the dot; empty for {@link #PNG_SEQUENCE}, which is a folder. */
    public String extension() {
        return extension;
    }

    /** The names people type for the formats, as {@link #byName} takes them. */
    public static final java.util.List<String> NAMES = java.util.List.of("mp4", "webm", "gif", "png");

    /**
     * The format a person named: {@code mp4}, {@code webm}, {@code gif} or {@code png} (a folder of
     * PNG frames; {@code png-seq} and {@code png_sequence} too), any case. Empty for anything else.
     */
    public static java.util.Optional<OutputFormat> byName(String name) {
        Objects.requireNonNull(name, "name");
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "mp4" -> java.util.Optional.of(MP4);
            case "webm" -> java.util.Optional.of(WEBM);
            case "gif" -> java.util.Optional.of(GIF);
            case "png", "png-seq", "png_seq", "png-sequence", "png_sequence" -> java.util.Optional.of(PNG_SEQUENCE);
            default -> java.util.Optional.empty();
        };
    }

    /** The name {@link #byName} takes for this format. */
    public String displayName() {
        return this == PNG_SEQUENCE ? "png" : extension;
    }

    /**
     * As {@link #fromPath(Path)}, for a path typed by a user: a trailing {@code /} means "folder"
     * even after an extension ({@code out/clip.mp4/} is a PNG folder), which a {@link Path} forgets.
     */
    public static OutputFormat fromPath(String path) {
        Objects.requireNonNull(path, "path");
        if (path.endsWith("/") || path.endsWith(java.io.File.separator)) {
            return PNG_SEQUENCE;
        }
        return fromPath(Path.of(path));
    }

    /**
     * Picks the format from a path's extension: {@code .mp4}, {@code .webm}, {@code .gif}; a path
     * without an extension (or given as a string ending in {@code /}) is a PNG sequence folder.
     *
     * @throws IllegalArgumentException for another extension, naming the ones we know
     */
    public static OutputFormat fromPath(Path path) {
        Objects.requireNonNull(path, "path");
        String raw = path.toString();
        if (raw.endsWith("/") || raw.endsWith(java.io.File.separator) || path.getFileName() == null) {
            return PNG_SEQUENCE;
        }
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        // A leading dot (".frames") is a hidden folder name, not an extension.
        if (dot <= 0 || dot == name.length() - 1) {
            return PNG_SEQUENCE;
        }
        String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        for (OutputFormat f : values()) {
            if (!f.extension.isEmpty() && f.extension.equals(ext)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Cannot tell the output format of '" + path + "' from its extension '."
                + ext + "': expected .mp4, .webm, .gif, or a folder name without an extension for PNG frames.");
    }
}
