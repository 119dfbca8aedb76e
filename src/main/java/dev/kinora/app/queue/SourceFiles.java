package dev.kinora.app.queue;

import dev.kinora.app.model.TakeMedia;
import dev.kinora.engine.Frames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a dropped source file. Stills are read here with ImageIO; video clips need the media
 * layer's decoder (branch {@code media}, MediaReader.readClip), which this adapter calls once that
 * branch is merged. Until then a clip gives an error that says what to do instead.
 */
public final class SourceFiles {
    private SourceFiles() {
    }

    public static boolean isVideo(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".mp4") || n.endsWith(".webm") || n.endsWith(".mov") || n.endsWith(".mkv") || n.endsWith(".gif");
    }

    public static Frames read(Path p) throws IOException {
        if (isVideo(p)) {
            return MediaAdapter.readClip(p);
        }
        return TakeMedia.readImage(p);
    }
}
