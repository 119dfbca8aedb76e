package dev.kinora.engine.pack;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-encoded ONNX protobufs (and the wire encoders other pack tests build theirs with) for tests that need a malicious model without any ONNX tooling. */
final class OnnxBytes {
    private OnnxBytes() {
    }

    /** ModelProto{graph{initializer{name, data_type=FLOAT, dims=[1], data_location=EXTERNAL, external_data{location}}}}. */
    static byte[] modelWithExternalData(String location) {
        byte[] entry = concat(field(1, "location".getBytes(StandardCharsets.UTF_8)), field(2, location.getBytes(StandardCharsets.UTF_8)));
        byte[] tensor = concat(varintField(1, 1), varintField(2, 1), field(8, "w".getBytes(StandardCharsets.UTF_8)),
                field(13, entry), varintField(14, 1));
        byte[] graph = concat(field(5, tensor), field(2, "g".getBytes(StandardCharsets.UTF_8)));
        return concat(varintField(1, 8), field(7, graph));
    }

    static byte[] field(int number, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) number << 3 | 2);
        writeVarint(out, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    static byte[] varintField(int number, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) number << 3);
        writeVarint(out, value);
        return out.toByteArray();
    }

    static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
