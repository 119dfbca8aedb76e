package dev.kinora.app.model;

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
 * Takes are stored as one lossless PNG "film strip" (frames stacked top to bottom) in the project's
 * media/ folder: exact pixels, any image viewer can open it, and one file per take keeps relinking
 * simple. The frame count is the strip height over the frame height recorded in the take.
 */
public final class TakeMedia {
    private TakeMedia() {
    }

    public static void write(Frames f, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        BufferedImage img = new BufferedImage(f.width(), f.height() * Math.max(1, f.count()), BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < f.count(); i++) {
            byte[] rgb = f.frame(i);
            for (int y = 0; y < f.height(); y++) {
                for (int x = 0; x < f.width(); x++) {
                    int o = (y * f.width() + x) * 3;
                    int v = (rgb[o] & 0xff) << 16 | (rgb[o + 1] & 0xff) << 8 | (rgb[o + 2] & 0xff);
                    img.setRGB(x, i * f.height() + y, v);
                }
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        if (!ImageIO.write(img, "png", tmp.toFile())) {
            throw new IOException("no PNG writer available");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

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
        for (int i = 0; i < n; i++) {
            frames.add(rgbOf(img, 0, i * h, w, h));
        }
        return new Frames(w, h, fps > 0 ? fps : 8, frames);
    }

    /** A still image file (PNG/JPEG/BMP/GIF first frame) as one frame. */
    public static Frames readImage(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException(file + ": not an image Kinora can read (PNG, JPEG, BMP, GIF)");
        }
        return new Frames(img.getWidth(), img.getHeight(), 8, List.of(rgbOf(img, 0, 0, img.getWidth(), img.getHeight())));
    }

    static byte[] rgbOf(BufferedImage img, int x0, int y0, int w, int h) {
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(x0, y0 + y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                out[o] = (byte) (row[x] >> 16);
                out[o + 1] = (byte) (row[x] >> 8);
                out[o + 2] = (byte) row[x];
            }
        }
        return out;
    }

    /** Nearest-neighbour resize, used to bring a dropped still or clip to the pack's frame size. */
    public static Frames resize(Frames f, int w, int h) {
        if (w <= 0 || h <= 0 || f.width() == w && f.height() == h) {
            return f;
        }
        List<byte[]> out = new ArrayList<>(f.count());
        for (byte[] src : f.rgb()) {
            byte[] dst = new byte[w * h * 3];
            for (int y = 0; y < h; y++) {
                int sy = y * f.height() / h;
                for (int x = 0; x < w; x++) {
                    int sx = x * f.width() / w;
                    System.arraycopy(src, (sy * f.width() + sx) * 3, dst, (y * w + x) * 3, 3);
                }
            }
            out.add(dst);
        }
        return new Frames(w, h, f.fps(), out);
    }
}
