package dev.kinora.app.export;

import dev.kinora.app.queue.MediaAdapter;
import dev.kinora.engine.Frames;
import dev.kinora.media.OutputFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Writes the reel through the media layer; scaling is a whole-number nearest-neighbour upscale so small-model pixels stay crisp. */
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
        return MediaAdapter.write(reel, out, format, scale, metadata);
    }

    static Path withExt(Path p, String ext) {
        String n = p.getFileName().toString();
        return n.toLowerCase(Locale.ROOT).endsWith("." + ext) ? p : p.resolveSibling(n + "." + ext);
    }
}
