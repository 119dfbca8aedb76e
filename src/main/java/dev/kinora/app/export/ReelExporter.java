package dev.kinora.app.export;

import dev.kinora.engine.Frames;
import dev.kinora.media.MediaException;
import dev.kinora.media.MediaIO;
import dev.kinora.media.MediaWriter;
import dev.kinora.media.OutputFormat;
import dev.kinora.media.OutputTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the reel through the media layer, after the same output check the CLI makes
 * ({@link OutputTarget#check}: format, scale, a writable folder, room on the disk). Scaling is a
 * whole-number nearest-neighbour upscale so small-model pixels stay crisp. Call off the FX thread.
 */
public final class ReelExporter {
    private ReelExporter() {
    }

    public static String label(OutputFormat f) {
        return switch (f) {
            case MP4 -> "MP4 (H.264)";
            case WEBM -> "WebM (VP9)";
            case GIF -> "Animated GIF";
            case PNG_SEQUENCE -> "PNG sequence (folder)";
        };
    }

    /** Returns the file or folder written. */
    public static Path export(Frames reel, OutputFormat format, int scale, Path target, Map<String, String> metadata) throws IOException {
        Path out = format == OutputFormat.PNG_SEQUENCE ? target : withExt(target, format.extension());
        try {
            long bytes = OutputTarget.estimateBytes(format, reel.width(), reel.height(), reel.count(), scale);
            OutputTarget checked = OutputTarget.check(out, format.displayName(), scale, "nearest", 0, List.of(), bytes);
            return MediaWriter.write(MediaIO.toClip(reel), checked.path(), checked.format(), checked.exportOptions(metadata));
        } catch (MediaException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    static Path withExt(Path p, String ext) {
        String n = p.getFileName().toString();
        return n.toLowerCase(Locale.ROOT).endsWith("." + ext) ? p : p.resolveSibling(n + "." + ext);
    }
}
