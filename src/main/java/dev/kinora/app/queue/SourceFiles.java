package dev.kinora.app.queue;

import dev.kinora.app.model.TakeMedia;
import dev.kinora.engine.Frames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Reads a dropped source file: stills with ImageIO (exact pixels), clips through the media layer. */
public final class SourceFiles {
    private SourceFiles() {
    }

    public static boolean isStill(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".bmp");
    }

    public static Frames read(Path p) throws IOException {
        return isStill(p) ? TakeMedia.readImage(p) : MediaAdapter.readClip(p);
    }
}
