package dev.kinora.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the pixel size of a still image from its header, in pure Java, before FFmpeg sees the file.
 *
 * <p>Why: a 40-byte PNG can claim 100 000×100 000 pixels, and a decoder would try to allocate 30 GB
 * for it. Checking the header against {@link #MAX_SIDE} and {@link #MAX_PIXELS} first keeps a
 * hostile or corrupt file from taking the studio down with an OutOfMemoryError.
 */
final class ImageSniffer {

    /** Largest accepted width or height. */
    static final int MAX_SIDE = 16384;
    /** Largest accepted pixel count (64 MP, about 192 MB as RGB). */
    static final long MAX_PIXELS = 64L * 1024 * 1024;

    enum StillFormat {
        PNG("png_pipe"), JPEG("jpeg_pipe"), GIF("gif"), BMP("bmp_pipe"), WEBP("webp_pipe"), TIFF("tiff_pipe");

        /** The FFmpeg demuxer to force, so a misnamed file still decodes by what it is. */
        final String demuxer;

        StillFormat(String demuxer) {
            this.demuxer = demuxer;
        }
    }

    /**
     * @param width       stored width (before orientation)
     * @param height      stored height
     * @param orientation EXIF orientation 1..8 (1 = as stored); only JPEG carries one here
     */
    record Sniffed(StillFormat format, int width, int height, int orientation) {

        Sniffed(StillFormat format, int width, int height) {
            this(format, width, height, 1);
        }

        /** Clockwise rotation to apply after an optional horizontal mirror, per EXIF. */
        int rotation() {
            return switch (orientation) {
                case 3, 4 -> 180;
                case 6, 7 -> 90;
                case 5, 8 -> 270;
                default -> 0;
            };
        }

        /** Whether the stored picture is mirrored left-right (EXIF 2, 4, 5, 7). */
        boolean mirrored() {
            return orientation == 2 || orientation == 4 || orientation == 5 || orientation == 7;
        }
    }

    private ImageSniffer() { }

    /** True when the extension says "still image", so a failed sniff is an error, not "try FFmpeg". */
    static boolean hasImageExtension(Path p) {
        String n = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".bmp")
                || n.endsWith(".webp") || n.endsWith(".tif") || n.endsWith(".tiff");
    }

    /**
     * The format and size of a still image, or empty when the file starts with none of the known
     * signatures (it may still be a video).
     *
     * @throws MediaException BAD_INPUT when the signature matches but the header is truncated,
     *                        malformed, or declares a size over the limits
     */
    static Optional<Sniffed> sniff(Path p) throws MediaException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer head = read(ch, 0, 32);
            Sniffed s = null;
            if (startsWith(head, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
                s = png(p, head);
            } else if (startsWith(head, 0xFF, 0xD8, 0xFF)) {
                s = jpeg(p, ch);
            } else if (startsWith(head, 'G', 'I', 'F', '8')) {
                need(p, head, 10, "GIF");
                head.order(ByteOrder.LITTLE_ENDIAN);
                s = new Sniffed(StillFormat.GIF, head.getShort(6) & 0xFFFF, head.getShort(8) & 0xFFFF);
            } else if (startsWith(head, 'B', 'M')) {
                s = bmp(p, head);
            } else if (startsWith(head, 'R', 'I', 'F', 'F') && head.limit() >= 12 && head.get(8) == 'W'
                    && head.get(9) == 'E' && head.get(10) == 'B' && head.get(11) == 'P') {
                s = webp(p, head);
            } else if (startsWith(head, 'I', 'I', 42, 0) || startsWith(head, 'M', 'M', 0, 42)) {
                s = tiff(p, ch, head.get(0) == 'I');
            }
            if (s == null) {
                return Optional.empty();
            }
            checkSize(p, s.format().name(), s.width(), s.height());
            return Optional.of(s);
        } catch (IOException e) {
            throw MediaException.io(p, "could not read the file header (" + e.getMessage() + ").", e);
        }
    }

    /** Refuses sizes that are empty or too large to decode safely; shared with the video path. */
    static void checkSize(Path p, String what, long w, long h) throws MediaException {
        if (w < 1 || h < 1) {
            throw MediaException.badInput(p, what + " header declares a size of " + w + "x" + h
                    + "; expected at least 1x1. The file is corrupt: re-export it.");
        }
        if (w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS) {
            throw MediaException.badInput(p, what + " is " + w + "x" + h + " pixels; the limit is " + MAX_SIDE
                    + " per side and " + (MAX_PIXELS / (1024 * 1024)) + " MP in all. Downscale it in an image editor"
                    + " first (nothing was decoded).");
        }
    }

    private static Sniffed png(Path p, ByteBuffer h) throws MediaException {
        need(p, h, 24, "PNG");
        if (h.get(12) != 'I' || h.get(13) != 'H' || h.get(14) != 'D' || h.get(15) != 'R') {
            throw MediaException.badInput(p, "PNG has no IHDR chunk where the format requires it (byte 12);"
                    + " the file is corrupt.");
        }
        h.order(ByteOrder.BIG_ENDIAN);
        return new Sniffed(StillFormat.PNG, toIntSize(h.getInt(16)), toIntSize(h.getInt(20)));
    }

    private static Sniffed jpeg(Path p, FileChannel ch) throws IOException, MediaException {
        long pos = 2;
        int orientation = 1;
        long size = ch.size();
        // Walk the marker segments until a start-of-frame; EXIF and ICC blocks can come first.
        while (pos + 4 <= size) {
            ByteBuffer m = read(ch, pos, 4);
            if (m.limit() < 4 || (m.get(0) & 0xFF) != 0xFF) {
                break;
            }
            int marker = m.get(1) & 0xFF;
            if (marker == 0xFF) { // fill byte
                pos++;
                continue;
            }
            int len = m.getShort(2) & 0xFFFF;
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                ByteBuffer f = read(ch, pos + 4, 5);
                if (f.limit() < 5) {
                    break;
                }
                return new Sniffed(StillFormat.JPEG, f.getShort(3) & 0xFFFF, f.getShort(1) & 0xFFFF, orientation);
            }
            if (marker == 0xE1 && len > 8) {
                // Phones store portrait photos sideways plus an EXIF orientation; decoders do not
                // turn the pixels, so we must, or every portrait comes out lying down.
                orientation = exifOrientation(read(ch, pos + 4, Math.min(len - 2, 4096)), orientation);
            }
            if (marker == 0xD9 || marker == 0xDA || len < 2) { // end of image / scan data before any frame header
                break;
            }
            pos += 2 + len;
        }
        throw MediaException.badInput(p, "JPEG has no frame header (SOF marker) in its " + size
                + " bytes; the file is truncated or corrupt.");
    }

    /** Tag 0x0112 of IFD0 in an APP1 "Exif" segment; {@code otherwise} when absent or malformed. */
    static int exifOrientation(ByteBuffer seg, int otherwise) {
        if (seg.limit() < 14 || seg.get(0) != 'E' || seg.get(1) != 'x' || seg.get(2) != 'i' || seg.get(3) != 'f') {
            return otherwise;
        }
        ByteBuffer tiff = seg.position(6).slice();
        tiff.order(tiff.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        long ifd = tiff.getInt(4) & 0xFFFFFFFFL;
        if (ifd + 2 > tiff.limit()) {
            return otherwise;
        }
        int entries = tiff.getShort((int) ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int e = (int) ifd + 2 + i * 12;
            if (e + 12 > tiff.limit()) {
                break;
            }
            if ((tiff.getShort(e) & 0xFFFF) == 0x0112) {
                int v = tiff.getShort(e + 8) & 0xFFFF;
                return v >= 1 && v <= 8 ? v : otherwise;
            }
        }
        return otherwise;
    }

    private static Sniffed bmp(Path p, ByteBuffer h) throws MediaException {
        need(p, h, 26, "BMP");
        h.order(ByteOrder.LITTLE_ENDIAN);
        int dib = h.getInt(14);
        if (dib == 12) { // OS/2 BITMAPCOREHEADER: 16-bit sizes
            return new Sniffed(StillFormat.BMP, h.getShort(18) & 0xFFFF, h.getShort(20) & 0xFFFF);
        }
        long height = Math.abs((long) h.getInt(22)); // negative height = top-down rows
        return new Sniffed(StillFormat.BMP, h.getInt(18), toIntSize(height));
    }

    private static Sniffed webp(Path p, ByteBuffer h) throws MediaException {
        need(p, h, 30, "WebP");
        h.order(ByteOrder.LITTLE_ENDIAN);
        int d = 20; // first chunk payload
        String chunk = "" + (char) h.get(12) + (char) h.get(13) + (char) h.get(14) + (char) h.get(15);
        switch (chunk) {
            case "VP8 " -> {
                return new Sniffed(StillFormat.WEBP, h.getShort(d + 6) & 0x3FFF, h.getShort(d + 8) & 0x3FFF);
            }
            case "VP8L" -> {
                int bits = h.getInt(d + 1);
                return new Sniffed(StillFormat.WEBP, (bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1);
            }
            case "VP8X" -> {
                int w = (h.get(d + 4) & 0xFF | (h.get(d + 5) & 0xFF) << 8 | (h.get(d + 6) & 0xFF) << 16) + 1;
                int hh = (h.get(d + 7) & 0xFF | (h.get(d + 8) & 0xFF) << 8 | (h.get(d + 9) & 0xFF) << 16) + 1;
                return new Sniffed(StillFormat.WEBP, w, hh);
            }
            default -> throw MediaException.badInput(p, "WebP starts with an unknown chunk '" + chunk
                    + "'; expected VP8, VP8L or VP8X. The file is corrupt.");
        }
    }

    private static Sniffed tiff(Path p, FileChannel ch, boolean little) throws IOException, MediaException {
        ByteOrder order = little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer h = read(ch, 0, 8).order(order);
        need(p, h, 8, "TIFF");
        long ifd = h.getInt(4) & 0xFFFFFFFFL;
        ByteBuffer n = read(ch, ifd, 2).order(order);
        need(p, n, 2, "TIFF directory");
        int entries = n.getShort(0) & 0xFFFF;
        ByteBuffer e = read(ch, ifd + 2, entries * 12).order(order);
        long w = -1, hh = -1;
        for (int i = 0; i + 12 <= e.limit(); i += 12) {
            int tag = e.getShort(i) & 0xFFFF;
            int type = e.getShort(i + 2) & 0xFFFF;
            long value = type == 3 ? e.getShort(i + 8) & 0xFFFF : e.getInt(i + 8) & 0xFFFFFFFFL;
            if (tag == 256) {
                w = value;
            } else if (tag == 257) {
                hh = value;
            }
        }
        if (w < 0 || hh < 0) {
            throw MediaException.badInput(p, "TIFF directory has no ImageWidth/ImageLength tags; the file is"
                    + " truncated or corrupt.");
        }
        return new Sniffed(StillFormat.TIFF, toIntSize(w), toIntSize(hh));
    }

    /** Clamps absurd sizes to a value that still fails {@link #checkSize}, so the message shows them. */
    private static int toIntSize(long v) {
        return (int) Math.min(Math.max(v, -1), Integer.MAX_VALUE);
    }

    private static void need(Path p, ByteBuffer b, int n, String what) throws MediaException {
        if (b.limit() < n) {
            throw MediaException.badInput(p, what + " header is truncated: expected at least " + n
                    + " bytes, found " + b.limit() + ".");
        }
    }

    private static boolean startsWith(ByteBuffer b, int... sig) {
        if (b.limit() < sig.length) {
            return false;
        }
        for (int i = 0; i < sig.length; i++) {
            if ((b.get(i) & 0xFF) != (sig[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    private static ByteBuffer read(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Math.max(0, n));
        while (b.hasRemaining() && ch.read(b, pos + b.position()) > 0) {
            // keep reading: a positional read may return fewer bytes than asked
        }
        b.flip();
        return b;
    }
}
