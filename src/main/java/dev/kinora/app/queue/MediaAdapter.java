package dev.kinora.app.queue;

import dev.kinora.engine.Frames;
import dev.kinora.media.Clip;
import dev.kinora.media.ExportOptions;
import dev.kinora.media.MediaException;
import dev.kinora.media.MediaReader;
import dev.kinora.media.MediaWriter;
import dev.kinora.media.OutputFormat;
import dev.kinora.media.ResizePolicy;
import dev.kinora.media.UpscaleFilter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The studio's one seam to the media layer: engine {@link Frames} ↔ media {@link Clip} and the
 * calls the studio makes (decode a dropped clip, export the reel).
 */
public final class MediaAdapter {
    /** A dropped clip is cut here: sources condition a few windows, not a feature film. */
    public static final int MAX_SOURCE_FRAMES = 512;

    private MediaAdapter() {
    }

    public static Frames readClip(Path p) throws IOException {
        try {
            return frames(MediaReader.readClip(p, 0, 0, 0, ResizePolicy.FIT, MAX_SOURCE_FRAMES));
        } catch (MediaException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    public static Path write(Frames f, Path out, OutputFormat format, int scale, Map<String, String> metadata) throws IOException {
        try {
            return MediaWriter.write(clip(f), out, format, new ExportOptions(scale, UpscaleFilter.NEAREST, metadata));
        } catch (MediaException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    public static Frames frames(Clip c) {
        return dev.kinora.media.MediaIO.toFrames(c);
    }

    public static Clip clip(Frames f) {
        return dev.kinora.media.MediaIO.toClip(f);
    }
}
