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
        StringBuilder dims = new StringBuilder();
        for (long d : t.shape()) {
            dims.append(d).append(", ");
        }
        if (t.rank() > 1) {
            dims.setLength(dims.length() - 2);
        }
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        int total = MAGIC.length + 2 + 2 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        out.write(MAGIC);
        out.write(new byte[] {1, 0});
        out.write(new byte[] {(byte) (header.length() & 0xff), (byte) (header.length() >> 8)});
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer buf = ByteBuffer.allocate(t.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(t.data());
        out.write(buf.array());
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
