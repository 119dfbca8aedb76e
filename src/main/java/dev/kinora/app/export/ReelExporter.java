package dev.kinora.app.export;

import dev.kinora.app.model.TakeMedia;
import dev.kinora.engine.Frames;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes the reel. PNG sequences and GIFs are written here with ImageIO; MP4 and WebM go through the
 * media layer (branch {@code media}: MediaWriter) via {@link dev.kinora.app.queue.MediaAdapter},
 * which says clearly when this build has no encoder. Scaling is nearest-neighbour by a whole
 * factor so small-model pixels stay crisp.
 */
public final class ReelExporter {
    public enum Format {
        MP4("MP4 (H.264)", "mp4"), WEBM("WebM (VP9)", "webm"), GIF("Animated GIF", "gif"), PNG_SEQUENCE("PNG sequence", "");

        private final String label;
        private final String ext;

        Format(String label, String ext) {
            this.label = label;
            this.ext = ext;
        }

        public String label() {
            return label;
        }

        public String extension() {
            return ext;
        }
    }

    private ReelExporter() {
    }

    /** Returns the file or folder written. */
    public static Path export(Frames reel, Format format, int scale, Path target) throws IOException {
        Frames f = scale > 1 ? TakeMedia.resize(reel, reel.width() * scale, reel.height() * scale) : reel;
        return switch (format) {
            case PNG_SEQUENCE -> pngSequence(f, target);
            case GIF -> gif(f, withExt(target, "gif"));
            case MP4, WEBM -> dev.kinora.app.queue.MediaAdapter.writeVideo(f, withExt(target, format.extension()), format.name());
        };
    }

    static Path withExt(Path p, String ext) {
        String n = p.getFileName().toString();
        return n.toLowerCase(Locale.ROOT).endsWith("." + ext) ? p : p.resolveSibling(n + "." + ext);
    }

    static Path pngSequence(Frames f, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < f.count(); i++) {
            ImageIO.write(image(f, i), "png", dir.resolve(String.format("frame_%05d.png", i)).toFile());
        }
        return dir;
    }

    static Path gif(Frames f, Path file) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("gif").next();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (ImageOutputStream out = ImageIO.createImageOutputStream(tmp.toFile())) {
            w.setOutput(out);
            w.prepareWriteSequence(null);
            int delayCs = (int) Math.max(2, Math.round(100 / f.fps()));
            for (int i = 0; i < f.count(); i++) {
                BufferedImage img = image(f, i);
                IIOMetadata md = w.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), null);
                String fmt = md.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) md.getAsTree(fmt);
                IIOMetadataNode gce = child(root, "GraphicControlExtension");
                gce.setAttribute("disposalMethod", "none");
                gce.setAttribute("userInputFlag", "FALSE");
                gce.setAttribute("transparentColorFlag", "FALSE");
                gce.setAttribute("delayTime", Integer.toString(delayCs));
                gce.setAttribute("transparentColorIndex", "0");
                if (i == 0) {
                    IIOMetadataNode apps = child(root, "ApplicationExtensions");
                    IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
                    app.setAttribute("applicationID", "NETSCAPE");
                    app.setAttribute("authenticationCode", "2.0");
                    app.setUserObject(new byte[] {1, 0, 0}); // loop forever
                    apps.appendChild(app);
                }
                md.setFromTree(fmt, root);
                w.writeToSequence(new IIOImage(img, null, md), null);
            }
            w.endWriteSequence();
        } finally {
            w.dispose();
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode n = new IIOMetadataNode(name);
        root.appendChild(n);
        return n;
    }

    static BufferedImage image(Frames f, int i) {
        BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
        byte[] rgb = f.frame(i);
        int[] px = new int[f.width() * f.height()];
        for (int k = 0; k < px.length; k++) {
            px[k] = (rgb[k * 3] & 0xff) << 16 | (rgb[k * 3 + 1] & 0xff) << 8 | (rgb[k * 3 + 2] & 0xff);
        }
        img.setRGB(0, 0, f.width(), f.height(), px, 0, f.width());
        return img;
    }
}
