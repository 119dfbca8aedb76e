package dev.kinora.app.queue;

import dev.kinora.engine.Frames;
import java.io.IOException;
import java.nio.file.Path;

/** The studio's single seam to the media layer (decoding clips, encoding exports). */
public final class MediaAdapter {
    private MediaAdapter() {
    }

    public static Frames readClip(Path p) throws IOException {
        throw new IOException(p.getFileName() + ": video sources need the media decoder, which is not in this build yet; "
                + "drop a still (PNG/JPEG) or drag a take from the timeline instead");
    }

    public static boolean canEncodeVideo() {
        return false;
    }

    public static Path writeVideo(Frames f, Path file, String format) throws IOException {
        throw new IOException(format + " export needs the media encoder, which is not in this build yet; "
                + "export a GIF or a PNG sequence instead");
    }
}
