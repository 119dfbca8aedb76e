package dev.kinora.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes an animated GIF in pure Java: one global palette for the whole clip, no dithering, an
 * endless loop, and each metadata entry as a {@code key=value} comment extension.
 *
 * <p>Why not FFmpeg's palettegen/paletteuse: JavaCV's recorder has no way to pass a PAL8 palette
 * through to the GIF encoder, and a hand-written encoder lets us promise the two things artists
 * notice: a clip with at most 256 colours keeps them exactly (flat stays flat), and frames never
 * flicker between per-frame palettes.
 */
final class GifWriter {

    /** GIF delays are in centiseconds; browsers treat delays under 2 as 10, so 2 is the floor. */
    static final int MIN_DELAY_CS = 2;

    private GifWriter() { }

    static void write(Clip clip, Map<String, String> metadata, OutputStream os) throws IOException {
        Palette palette = Palette.build(clip);
        int bits = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, palette.size() - 1)));
        int tableSize = 1 << bits;

        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write("GIF89a".getBytes(StandardCharsets.US_ASCII));
        short16(head, clip.width());
        short16(head, clip.height());
        head.write(0x80 | (7 << 4) | (bits - 1)); // global table, 8-bit colour resolution, table size
        head.write(0); // background colour index
        head.write(0); // pixel aspect ratio: square
        for (int i = 0; i < tableSize; i++) {
            int rgb = i < palette.size() ? palette.color(i) : 0;
            head.write((rgb >> 16) & 0xFF);
            head.write((rgb >> 8) & 0xFF);
            head.write(rgb & 0xFF);
        }
        // NETSCAPE2.0 application extension: loop count 0 = forever.
        head.write(new byte[] {0x21, (byte) 0xFF, 0x0B});
        head.write("NETSCAPE2.0".getBytes(StandardCharsets.US_ASCII));
        head.write(new byte[] {0x03, 0x01, 0x00, 0x00, 0x00});
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            head.write(0x21);
            head.write(0xFE);
            subBlocks(head, (e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8));
        }
        os.write(head.toByteArray());

        int minCodeSize = Math.max(2, bits);
        byte[] indices = new byte[clip.width() * clip.height()];
        long prevCs = 0;
        for (int i = 0; i < clip.frameCount(); i++) {
            // Accumulate the ideal time so rounding to centiseconds never drifts (16 fps = 6,6,7,6,…).
            long endCs = Math.round((i + 1) * 100.0 / clip.fps());
            int delay = (int) Math.max(MIN_DELAY_CS, Math.min(65535, endCs - prevCs));
            prevCs = Math.max(endCs, prevCs + delay);
            palette.map(clip.frame(i), indices);
            ByteArrayOutputStream frame = new ByteArrayOutputStream(indices.length / 2 + 64);
            frame.write(new byte[] {0x21, (byte) 0xF9, 0x04, 0x04}); // graphic control: disposal "keep"
            short16(frame, delay);
            frame.write(0); // transparent index (unused)
            frame.write(0);
            frame.write(0x2C);
            short16(frame, 0);
            short16(frame, 0);
            short16(frame, clip.width());
            short16(frame, clip.height());
            frame.write(0); // no local table, not interlaced
            frame.write(minCodeSize);
            subBlocks(frame, Lzw.encode(indices, minCodeSize));
            os.write(frame.toByteArray());
        }
        os.write(0x3B);
    }

    /** Reads {@code key=value} comment extensions back; walks the block structure without decoding. */
    static Map<String, String> readComments(byte[] gif) {
        Map<String, String> out = new java.util.TreeMap<>();
        if (gif.length < 13) {
            return out;
        }
        int pos = 13;
        int flags = gif[10] & 0xFF;
        if ((flags & 0x80) != 0) {
            pos += 3 * (1 << ((flags & 7) + 1));
        }
        while (pos < gif.length) {
            int b = gif[pos++] & 0xFF;
            if (b == 0x3B) {
                break;
            } else if (b == 0x21 && pos < gif.length) {
                int label = gif[pos++] & 0xFF;
                ByteArrayOutputStream data = new ByteArrayOutputStream();
                pos = readSubBlocks(gif, pos, label == 0xFE ? data : null);
                if (label == 0xFE) {
                    String c = data.toString(StandardCharsets.UTF_8);
                    int eq = c.indexOf('=');
                    if (eq > 0) {
                        out.put(c.substring(0, eq), c.substring(eq + 1));
                    } else {
                        out.put("comment", c);
                    }
                }
            } else if (b == 0x2C && pos + 9 <= gif.length) {
                int lflags = gif[pos + 8] & 0xFF;
                pos += 9;
                if ((lflags & 0x80) != 0) {
                    pos += 3 * (1 << ((lflags & 7) + 1));
                }
                pos++; // LZW minimum code size
                pos = readSubBlocks(gif, pos, null);
            } else {
                break; // not a GIF block: stop rather than guess
            }
        }
        return out;
    }

    private static int readSubBlocks(byte[] gif, int pos, ByteArrayOutputStream into) {
        while (pos < gif.length) {
            int len = gif[pos++] & 0xFF;
            if (len == 0) {
                break;
            }
            if (into != null) {
                into.write(gif, pos, Math.min(len, gif.length - pos));
            }
            pos += len;
        }
        return pos;
    }

    private static void subBlocks(ByteArrayOutputStream out, byte[] data) {
        for (int off = 0; off < data.length; off += 255) {
            int n = Math.min(255, data.length - off);
            out.write(n);
            out.write(data, off, n);
        }
        out.write(0);
    }

    private static void short16(ByteArrayOutputStream out, int v) {
        out.write(v & 0xFF);
        out.write((v >> 8) & 0xFF);
    }

    /** GIF's variable-width LZW with clear codes when the 4096-entry table fills. */
    static final class Lzw {
        private Lzw() { }

        static byte[] encode(byte[] pixels, int minCodeSize) {
            int clear = 1 << minCodeSize;
            int eoi = clear + 1;
            BitWriter bw = new BitWriter(pixels.length / 2 + 16);
            // Open-addressing table from (prefix code << 8 | next byte) to code.
            int tableSize = 1 << 14;
            int[] keys = new int[tableSize];
            int[] values = new int[tableSize];
            java.util.Arrays.fill(keys, -1);
            int next = eoi + 1;
            int codeSize = minCodeSize + 1;
            bw.write(clear, codeSize);
            if (pixels.length == 0) {
                bw.write(eoi, codeSize);
                return bw.toByteArray();
            }
            int prefix = pixels[0] & 0xFF;
            for (int i = 1; i < pixels.length; i++) {
                int c = pixels[i] & 0xFF;
                int key = (prefix << 8) | c;
                int h = (key * 0x9E3779B1) >>> 18;
                while (keys[h] != -1 && keys[h] != key) {
                    h = (h + 1) & (tableSize - 1);
                }
                if (keys[h] == key) {
                    prefix = values[h];
                    continue;
                }
                bw.write(prefix, codeSize);
                if (next < 4096) {
                    keys[h] = key;
                    values[h] = next;
                    // The decoder widens one code later than the encoder assigns, hence ">".
                    if (next == (1 << codeSize) && codeSize < 12) {
                        codeSize++;
                    }
                    next++;
                } else {
                    bw.write(clear, codeSize);
                    java.util.Arrays.fill(keys, -1);
                    next = eoi + 1;
                    codeSize = minCodeSize + 1;
                }
                prefix = c;
            }
            bw.write(prefix, codeSize);
            bw.write(eoi, codeSize);
            return bw.toByteArray();
        }
    }

    private static final class BitWriter {
        private final ByteArrayOutputStream out;
        private int acc;
        private int n;

        BitWriter(int capacity) {
            out = new ByteArrayOutputStream(capacity);
        }

        void write(int code, int bits) {
            acc |= code << n;
            n += bits;
            while (n >= 8) {
                out.write(acc & 0xFF);
                acc >>>= 8;
                n -= 8;
            }
        }

        byte[] toByteArray() {
            if (n > 0) {
                out.write(acc & 0xFF);
                acc = 0;
                n = 0;
            }
            return out.toByteArray();
        }
    }
}
