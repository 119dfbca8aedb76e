package dev.kinora.engine.pack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire primitives the ONNX readers share (OnnxExternalData, OnnxGraphInfo): enough to
 * walk a ModelProto without the protobuf library. {@code pos} is a one-element cursor the calls advance.
 */
final class Protobuf {
    private Protobuf() {
    }

    static long varint(ByteBuffer buf, int[] pos) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = buf.get(pos[0]++);
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }

    static String string(ByteBuffer buf, int start, int end) {
        byte[] b = new byte[end - start];
        buf.get(start, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Skips a field of a fixed-size or varint wire type. */
    static void skip(ByteBuffer buf, int[] pos, int wire) {
        switch (wire) {
            case 0 -> varint(buf, pos);
            case 1 -> pos[0] += 8;
            case 5 -> pos[0] += 4;
            default -> throw new IllegalArgumentException("unsupported wire type " + wire);
        }
    }
}
