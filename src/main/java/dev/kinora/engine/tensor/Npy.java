package dev.kinora.engine.tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy .npy (version 1.0, little-endian float32) so Python training and Java share tensors without glue. */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static void write(OutputStream out, FloatTensor t) throws IOException {
        writeHeader(out, "<f4", t.shape());
        ByteBuffer buf = ByteBuffer.allocate(t.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(t.data());
        out.write(buf.array());
    }

    /**
     * The header of a C-order array of {@code descr} ({@code <f4}, {@code <f2}, {@code <i2}) and {@code shape}; the
     * caller streams the data after it (an array too large to hold, e.g. the token states of 60 000 captions).
     */
    public static void writeHeader(OutputStream out, String descr, long... shape) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 2);
        }
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int total = MAGIC.length + 2 + 2 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        out.write(MAGIC);
        out.write(new byte[] {1, 0});
        out.write(new byte[] {(byte) (header.length() & 0xff), (byte) (header.length() >> 8)});
        out.write(header.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * IEEE half precision of {@code f}, rounded to nearest even as numpy's {@code astype(float16)} does (JDK 17 has no
     * Float.floatToFloat16). Overflow gives infinity, NaN stays NaN.
     */
    public static short toHalf(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int abs = x & 0x7fffffff;
        if (abs > 0x7f800000) {
            return (short) (sign | 0x7e00);
        }
        if (abs >= 0x477ff000) {                      // 65520 and up round past the largest half, 65504
            return (short) (sign | 0x7c00);
        }
        if (abs >= 0x38800000) {                      // a normal half (2^-14 and up): rebias 127 -> 15, round 13 bits
            int r = abs - 0x38000000;
            r += 0x0fff + ((r >>> 13) & 1);
            return (short) (sign | (r >>> 13));
        }
        // a subnormal half counts units of 2^-24; scaling by 2^24 is exact, rint rounds half to even
        return (short) (sign | (int) Math.rint(Float.intBitsToFloat(abs) * 16777216f));
    }

    public static FloatTensor read(Path path) throws IOException {
        byte[] all = Files.readAllBytes(path);
        if (all.length < 10 || all[0] != MAGIC[0] || all[1] != 'N') {
            throw new IOException(path + " is not a .npy file");
        }
        int major = all[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = (all[8] & 0xff) | (all[9] & 0xff) << 8;
            start = 10;
        } else {
            headerLen = ByteBuffer.wrap(all, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            start = 12;
        }
        String header = new String(all, start, headerLen, StandardCharsets.US_ASCII);
        if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
            throw new IOException(path + ": only little-endian float32 C-order arrays are supported, found " + header.trim());
        }
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) {
            throw new IOException(path + ": no shape in header " + header.trim());
        }
        List<Long> dims = new ArrayList<>();
        for (String s : m.group(1).split(",")) {
            if (!s.isBlank()) {
                dims.add(Long.parseLong(s.trim()));
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        float[] data = new float[Math.toIntExact(Shapes.elementCount(shape))];
        ByteBuffer.wrap(all, start + headerLen, data.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        return FloatTensor.of(data, shape);
    }
}
