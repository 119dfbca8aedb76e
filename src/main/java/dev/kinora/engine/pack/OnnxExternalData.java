package dev.kinora.engine.pack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the external-data file locations an ONNX model refers to, by walking just enough of the
 * protobuf wire format (ModelProto.graph → initializer → external_data "location"). ORT would open
 * those paths itself, so they are checked before a session is created (CVE-2024-27318 was a
 * traversal through exactly this field). Subgraphs (If/Loop bodies) hold no weights in exported
 * diffusion graphs and are not walked.
 */
public final class OnnxExternalData {
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;

    private OnnxExternalData() {
    }

    public static List<String> locations(Path onnx) throws IOException {
        try (FileChannel ch = FileChannel.open(onnx, StandardOpenOption.READ)) {
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            List<String> out = new ArrayList<>();
            forEachField(buf, 0, buf.limit(), (field, start, end) -> {
                if (field == MODEL_GRAPH) {
                    forEachField(buf, start, end, (gField, gStart, gEnd) -> {
                        if (gField == GRAPH_INITIALIZER || gField == GRAPH_SPARSE_INITIALIZER) {
                            collectTensor(buf, gStart, gEnd, out);
                        }
                    });
                }
            });
            return out;
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IOException(onnx + " is not a readable ONNX protobuf (" + e.getMessage() + ")", e);
        }
    }

    private static void collectTensor(ByteBuffer buf, int start, int end, List<String> out) {
        forEachField(buf, start, end, (field, s, e) -> {
            if (field == TENSOR_EXTERNAL_DATA) {
                String[] kv = new String[2];
                forEachField(buf, s, e, (f, a, b) -> {
                    if (f == ENTRY_KEY) {
                        kv[0] = Protobuf.string(buf, a, b);
                    } else if (f == ENTRY_VALUE) {
                        kv[1] = Protobuf.string(buf, a, b);
                    }
                });
                if ("location".equals(kv[0]) && kv[1] != null && !out.contains(kv[1])) {
                    out.add(kv[1]);
                }
            }
        });
    }

    private interface FieldVisitor {
        void visit(int field, int start, int end);
    }

    /** Calls the visitor for each length-delimited field in [start, end); other wire types are skipped. */
    private static void forEachField(ByteBuffer buf, int start, int end, FieldVisitor v) {
        int[] pos = {start};
        while (pos[0] < end) {
            long key = Protobuf.varint(buf, pos);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> Protobuf.varint(buf, pos);
                case 1 -> pos[0] += 8;
                case 5 -> pos[0] += 4;
                case 2 -> {
                    long len = Protobuf.varint(buf, pos);
                    if (len < 0 || pos[0] + len > end) {
                        throw new IllegalArgumentException("field " + field + " runs past its message");
                    }
                    int s = pos[0];
                    pos[0] += (int) len;
                    v.visit(field, s, pos[0]);
                }
                default -> throw new IllegalArgumentException("unsupported wire type " + wire);
            }
        }
    }
}
