package dev.kinora.media;

import dev.kinora.engine.Frames;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * How the studio stores a take: one lossless PNG "film strip" (frames stacked top to bottom) in
 * the project's media/ folder: exact pixels, any image viewer can open it, and one file per take
 * keeps relinking simple. The frame count is the strip height over the frame height the take
 * records. ImageIO, not FFmpeg, because a strip is as tall as all its frames together, past the
 * reader's {@link ImageSniffer#MAX_SIDE}; the pixels are the same either way (8-bit RGB PNG).
 * A strip used as a source is fitted to the pack like any other source ({@link MediaIO#fit}).
 */
public final class FilmStrip {
    private FilmStrip() {
    }

    /** Writes {@code f} to {@code file} through a temporary file renamed into place. */
    public static void write(Frames f, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        BufferedImage img = new BufferedImage(f.width(), f.height() * Math.max(1, f.count()), BufferedImage.TYPE_INT_RGB);
        int[] row = new int[f.width()];
        for (int i = 0; i < f.count(); i++) {
            byte[] rgb = f.frame(i);
            for (int y = 0; y < f.height(); y++) {
                for (int x = 0; x < f.width(); x++) {
                    int o = (y * f.width() + x) * 3;
                    row[x] = (rgb[o] & 0xff) << 16 | (rgb[o + 1] & 0xff) << 8 | (rgb[o + 2] & 0xff);
                }
                img.setRGB(0, i * f.height() + y, f.width(), 1, row, 0, f.width());
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        if (!ImageIO.write(img, "png", tmp.toFile())) {
            throw new IOException("no PNG writer available");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a strip of frames {@code frameHeight} tall (the width when 0) played at {@code fps} (8 when 0). */
    public static Frames read(Path file, int frameHeight, double fps) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException(file + ": not a PNG film strip");
        }
        int w = img.getWidth();
        int h = frameHeight > 0 ? frameHeight : w;
        int n = img.getHeight() / h;
        if (n < 1 || img.getHeight() % h != 0) {
            throw new IOException(file + ": strip height " + img.getHeight() + " is not a multiple of the frame height " + h);
        }
        List<byte[]> frames = new ArrayList<>(n);
        int[] row = new int[w];
        for (int i = 0; i < n; i++) {
            byte[] out = new byte[w * h * 3];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, i * h + y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    out[o] = (byte) (row[x] >> 16);
                    out[o + 1] = (byte) (row[x] >> 8);
                    out[o + 2] = (byte) row[x];
                }
            }
            frames.add(out);
        }
        return new Frames(w, h, fps > 0 ? fps : 8, frames);
    }
}
