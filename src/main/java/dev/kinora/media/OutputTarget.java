package dev.kinora.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how a result will be written, checked before any work starts: the CLI, batch jobs
 * and the studio call {@link #check} before loading a model, so a typo costs a second, not a render.
 *
 * @param path   the output as given (a file, or a folder for PNG frames)
 * @param format the format, from the name given or else the extension
 * @param scale  the integer upscale, 1 to {@value ExportOptions#MAX_SCALE}
 * @param filter the upscale filter
 * @param fps    the output rate, 0 for the pack's own
 */
public record OutputTarget(Path path, OutputFormat format, int scale, UpscaleFilter filter, double fps) {

    /** The fastest output rate accepted; 0 means the pack's rate. */
    public static final double MAX_FPS = 120;

    public OutputTarget {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(filter, "filter");
    }

    /** Export options for this target, carrying {@code metadata}. */
    public ExportOptions exportOptions(Map<String, String> metadata) {
        return new ExportOptions(scale, filter, metadata);
    }

    /**
     * Checks an output before anything is generated.
     *
     * @param out            the output file, or folder for PNG frames
     * @param formatName     {@code mp4}, {@code webm}, {@code gif} or {@code png}; null to go by the extension
     * @param scale          upscale factor, 1 to {@value ExportOptions#MAX_SCALE}
     * @param filterName     {@code nearest} or {@code lanczos}, any case
     * @param fps            1 to {@value #MAX_FPS}, or 0 for the pack's rate
     * @param inputs         the files and folders the job reads; the output may be none of them, nor (for
     *                       PNG frames) a folder holding one
     * @param estimatedBytes what the output will take on disk ({@link #estimateBytes}); 0 skips the check
     * @throws MediaException BAD_INPUT for a wrong request (unknown format or filter, format and extension
     *                        disagreeing, scale or fps out of range, output = input, output under a file);
     *                        IO when the folder is not writable or the disk too full
     */
    public static OutputTarget check(Path out, String formatName, int scale, String filterName, double fps,
                                     List<Path> inputs, long estimatedBytes) throws MediaException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(filterName, "filterName");
        Objects.requireNonNull(inputs, "inputs");
        if (out.getFileName() == null) {
            throw MediaException.badInput(out, "is not a file or folder name; expected e.g. out/clip.mp4.");
        }
        OutputFormat format = format(out, formatName);
        if (scale < 1 || scale > ExportOptions.MAX_SCALE) {
            throw MediaException.badInput(out, "cannot be upscaled by " + scale + "; the scale must be 1 (none) to "
                    + ExportOptions.MAX_SCALE + ".");
        }
        UpscaleFilter filter = switch (filterName.strip().toLowerCase(Locale.ROOT)) {
            case "nearest" -> UpscaleFilter.NEAREST;
            case "lanczos" -> UpscaleFilter.LANCZOS;
            default -> throw MediaException.badInput(out, "cannot be upscaled with the filter '" + filterName
                    + "'; expected nearest (sharp pixel blocks) or lanczos (smooth).");
        };
        if (!Double.isFinite(fps) || fps < 0 || (fps > 0 && fps < 1) || fps > MAX_FPS) {
            throw MediaException.badInput(out, "cannot be written at " + fps + " fps; give 1 to " + (int) MAX_FPS
                    + " fps, or 0 for the model's own rate.");
        }
        Path real = realish(out);
        for (Path in : inputs) {
            Path realIn = realish(Objects.requireNonNull(in, "input"));
            if (real.equals(realIn)) {
                throw MediaException.badInput(out, "is also an input (" + in + "); writing it would destroy the"
                        + " source. Choose another output name.");
            }
            if (format == OutputFormat.PNG_SEQUENCE && realIn.startsWith(real)) {
                throw MediaException.badInput(out, "would be replaced by PNG frames, but it holds the input " + in
                        + ". Choose another output folder.");
            }
        }
        if (Files.isDirectory(out) && format != OutputFormat.PNG_SEQUENCE) {
            throw MediaException.badInput(out, "is an existing folder; expected a " + format.displayName()
                    + " file name. Choose another name.");
        }
        if (format == OutputFormat.PNG_SEQUENCE && Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw MediaException.badInput(out, "exists and is a file; PNG frames are written into a folder."
                        + " Choose a folder name.");
            }
            if (!MediaWriter.isReplaceableSequence(out)) {
                throw MediaException.badInput(out, "is a folder with other files in it; PNG frames replace only an"
                        + " empty folder or earlier PNG frames. Choose another folder.");
            }
        }
        checkFolder(out, estimatedBytes);
        return new OutputTarget(out, format, scale, filter, fps);
    }

    /**
     * A rough upper bound on the bytes an export takes, for {@link #check}'s disk-space test: the
     * frames after upscaling, at a generous size per frame for each format, plus room for the
     * container and the recipe. H.264 is held near its bitrate (0.2 bit per pixel, at least 2 Mbit/s,
     * at most 50 Mbit/s; this bound assumes 8 fps or more and allows 4x the target); VP9 encodes for
     * constant quality, so it gets half the raw 4:2:0 frame, which even noise stays under; GIF gets
     * LZW's worst case, PNG the raw pixels.
     */
    public static long estimateBytes(OutputFormat format, int width, int height, int frames, int scale) {
        Objects.requireNonNull(format, "format");
        if (width < 1 || height < 1 || frames < 0 || scale < 1) {
            throw new IllegalArgumentException("Need a size of at least 1x1, frames >= 0 and scale >= 1; got " + width
                    + "x" + height + ", " + frames + " frames, scale " + scale + ".");
        }
        long w = (long) width * scale;
        long h = (long) height * scale;
        long px = (w + (w & 1)) * (h + (h & 1));
        long raw420 = px * 3 / 2;
        long perFrame = switch (format) {
            case MP4 -> Math.min(raw420, Math.min(50_000_000L / 8 / 8, Math.max(px / 10, 2_000_000L / 8 / 8)));
            case WEBM -> raw420 / 2 + 1024;
            case GIF -> px * 3 / 2 + 1024;
            case PNG_SEQUENCE -> 3 * px + h + 1024;
        };
        return 64 * 1024 + perFrame * frames;
    }

    // ---------------------------------------------------------------------------------------------

    private static OutputFormat format(Path out, String formatName) throws MediaException {
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        // A leading dot (".frames") is a hidden folder name, not an extension.
        String ext = dot <= 0 || dot == name.length() - 1 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        OutputFormat byExt = ext.isEmpty() ? OutputFormat.PNG_SEQUENCE : byExtension(ext);
        String valid = String.join(", ", OutputFormat.NAMES);
        if (formatName == null) {
            if (byExt == null) {
                throw MediaException.badInput(out, "has the extension ." + ext + ", which is not a format Kinora"
                        + " writes; name it .mp4, .webm or .gif, or give a folder name without an extension for PNG"
                        + " frames.");
            }
            return byExt;
        }
        OutputFormat asked = OutputFormat.byName(formatName).orElseThrow(() -> MediaException.badInput(out,
                "cannot be written as '" + formatName + "': the formats are " + valid + " (png is a folder of PNG"
                        + " frames)."));
        if (ext.isEmpty()) {
            return asked; // the name says nothing; the format asked decides
        }
        if (byExt == null || byExt != asked) {
            String fix = asked == OutputFormat.PNG_SEQUENCE
                    ? "PNG frames go into a folder: name it without an extension (e.g. "
                            + name.substring(0, dot) + ")"
                    : "name it " + name.substring(0, dot) + "." + asked.extension();
            throw MediaException.badInput(out, "is named ." + ext + " but the format asked is " + asked.displayName()
                    + "; " + fix + (byExt == null ? "" : ", or ask for " + byExt.displayName()) + ".");
        }
        return asked;
    }

    private static OutputFormat byExtension(String ext) {
        for (OutputFormat f : OutputFormat.values()) {
            if (!f.extension().isEmpty() && f.extension().equals(ext)) {
                return f;
            }
        }
        return null;
    }

    /**
     * The path with every link resolved: {@code toRealPath()} when it exists, else its nearest
     * existing ancestor's real path plus the rest, so "a.mp4", "./a.mp4" and a link to it compare equal.
     */
    static Path realish(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }

    /** The nearest existing folder above the output must be a writable folder with room for the output. */
    private static void checkFolder(Path out, long estimatedBytes) throws MediaException {
        Path dir = out.toAbsolutePath().normalize().getParent();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw MediaException.io(out, "has no existing folder above it; choose an output on a mounted disk.", null);
        }
        if (!Files.isDirectory(existing)) {
            throw MediaException.badInput(out, "cannot be created: " + existing + " is a file, not a folder."
                    + " Choose an output in a folder.");
        }
        if (!Files.isWritable(existing)) {
            throw MediaException.io(out, "cannot be written: the folder " + existing + " is not writable (read-only"
                    + " or someone else's). Choose another folder or fix its permissions.", null);
        }
        if (estimatedBytes > 0) {
            long free;
            try {
                free = Files.getFileStore(existing).getUsableSpace();
            } catch (IOException e) {
                return; // cannot tell; the write itself will report a full disk
            }
            if (free < estimatedBytes) {
                throw MediaException.io(out, "needs about " + mb(estimatedBytes) + " MB, " + mb(free) + " MB free on"
                        + " the disk of " + existing + ". Free some space or choose another folder.", null);
            }
        }
    }

    private static String mb(long bytes) {
        double mb = bytes / (double) (1 << 20);
        return mb < 10 ? String.format(Locale.ROOT, "%.1f", mb) : Long.toString(Math.round(mb));
    }
}
