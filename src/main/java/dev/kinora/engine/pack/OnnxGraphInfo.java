package dev.kinora.engine.pack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an ONNX graph weighs, read from the protobuf without building a session: the bytes of every
 * initializer (inline or in external-data files, counted from dims and element type, so nothing is
 * read but the headers), the bytes of Constant nodes' tensors, and the declared type and shape of
 * the graph's inputs, outputs and intermediate values ({@code value_info}, present when the exporter
 * ran shape inference). The memory planner uses it before a run; see docs/engine.md.
 *
 * <p>Like {@link OnnxExternalData} it walks only the wire format it needs (ModelProto.graph →
 * initializer / node / input / output / value_info); subgraphs of If/Loop are not walked.
 */
public record OnnxGraphInfo(long initializerBytes, long externalBytes, long constantBytes,
                            List<Value> inputs, List<Value> outputs, List<Value> intermediates,
                            int widestLayer, int commonWidth, Set<String> ops) {

    /** A dimension: a fixed size, a named symbolic one ({@code dim_param}), or unknown (value -1, no name). */
    public record Dim(long value, String param) {
        boolean known() {
            return value >= 0;
        }
    }

    /** A typed tensor value of the graph; {@code elemType} is ONNX's TensorProto.DataType (1 = float). */
    public record Value(String name, int elemType, List<Dim> dims) {
        public Value {
            dims = List.copyOf(dims);
        }

        /** Bytes of this tensor with symbolic dims bound; -1 when a dim stays unknown. */
        public long bytes(Map<String, Long> bound) {
            double elems = 1;
            for (Dim d : dims) {
                long v = d.known() ? d.value() : d.param() == null ? -1 : bound.getOrDefault(d.param(), -1L);
                if (v < 0) {
                    return -1;
                }
                elems *= v;
            }
            return (long) Math.ceil(elems * elementBytes(elemType));
        }
    }

    /**
     * Canonical constructor.
     *
     * @param widestLayer the widest feature or channel count among the weights: the larger of the first two dims of
     *                    every weight of rank 2 or more, leaving out tables (one dim over 16 times the other: token
     *                    and position embeddings); 0 when there are none
     * @param commonWidth the most frequent larger dim of the rank-2 weights (a transformer's hidden size); 0 if none
     * @param ops         the node types of the main graph
     */
    public OnnxGraphInfo {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        intermediates = List.copyOf(intermediates);
        ops = Set.copyOf(ops);
    }

    /** Weights a session holds: initializers plus Constant nodes. */
    public long weightBytes() {
        return initializerBytes + constantBytes;
    }

    /**
     * Binds the inputs' symbolic dims ({@code batch}, {@code frames}, ...) to the given runtime shapes (by input
     * name; inputs not given keep their symbols unbound).
     */
    public Map<String, Long> bind(Map<String, long[]> inputShapes) {
        Map<String, Long> bound = new HashMap<>();
        for (Value in : inputs) {
            long[] shape = inputShapes.get(in.name());
            if (shape == null || shape.length != in.dims().size()) {
                continue;
            }
            for (int i = 0; i < shape.length; i++) {
                Dim d = in.dims().get(i);
                if (!d.known() && d.param() != null) {
                    bound.putIfAbsent(d.param(), shape[i]);
                }
            }
        }
        return bound;
    }

    /** The largest tensor among inputs, outputs and intermediates whose size the bindings determine; 0 when none. */
    public long largestTensorBytes(Map<String, Long> bound) {
        long max = 0;
        for (List<Value> values : List.of(inputs, outputs, intermediates)) {
            for (Value v : values) {
                max = Math.max(max, v.bytes(bound));
            }
        }
        return max;
    }

    /** Bytes per element of an ONNX TensorProto.DataType (4-bit types count half a byte). */
    public static double elementBytes(int dataType) {
        return switch (dataType) {
            case 2, 3, 9, 17, 18, 19, 20 -> 1; // uint8, int8, bool, float8 variants
            case 4, 5, 10, 16 -> 2; // uint16, int16, float16, bfloat16
            case 1, 6, 12 -> 4; // float, int32, uint32
            case 7, 11, 13, 14 -> 8; // int64, double, uint64, complex64
            case 15 -> 16; // complex128
            case 21, 22 -> 0.5; // uint4, int4
            default -> 4; // strings and unknown types: a guess; diffusion graphs hold none as weights
        };
    }

    // ---- protobuf ----
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int GRAPH_VALUE_INFO = 13;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_INT = 3;
    private static final int ATTRIBUTE_TENSOR = 5;
    private static final int FLOAT = 1;
    private static final int FLOAT16 = 10;
    private static final int UINT8 = 2;
    private static final int INT8 = 3;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final int SPARSE_VALUES = 1;
    private static final int SPARSE_INDICES = 2;
    private static final int VALUE_NAME = 1;
    private static final int VALUE_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_TYPE_ELEM = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;

    /** Reads a model file; external-data files are not opened (their tensors' sizes come from dims). */
    public static OnnxGraphInfo read(Path onnx) throws IOException {
        try (FileChannel ch = FileChannel.open(onnx, StandardOpenOption.READ)) {
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            Builder b = new Builder(buf);
            forEachField(buf, 0, buf.limit(), (field, wire, a, z) -> {
                if (field == MODEL_GRAPH && wire == 2) {
                    b.graph(a, z);
                }
            });
            return b.build();
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IOException(onnx + " is not a readable ONNX protobuf (" + e.getMessage() + ")", e);
        }
    }

    private static final class Builder {
        private final ByteBuffer buf;
        private long initializers;
        private long external;
        private long constants;
        private final Set<String> initializerNames = new HashSet<>();
        // fp16 or int8 weights that a Cast turns into float (Tiny World's export stores weights so; int8 ones are then
        // scaled by a Mul): ORT folds the Cast (and the Mul) when it loads the session, so such a weight takes its float
        // size in memory, not its file size. Name -> the bytes it gains as float.
        private final Map<String, Long> floatGain = new HashMap<>();
        private final List<String> castToFloat = new ArrayList<>();
        private final List<Value> inputs = new ArrayList<>();
        private final List<Value> outputs = new ArrayList<>();
        private final List<Value> intermediates = new ArrayList<>();
        private final Set<String> ops = new HashSet<>();
        private final Map<Long, Integer> widths = new HashMap<>();
        private long widest;

        Builder(ByteBuffer buf) {
            this.buf = buf;
        }

        void graph(int start, int end) {
            forEachField(buf, start, end, (field, wire, a, z) -> {
                if (wire != 2) {
                    return;
                }
                switch (field) {
                    case GRAPH_INITIALIZER -> {
                        Tensor t = tensor(a, z);
                        width(t.dims());
                        initializers += t.bytes();
                        external += t.external() ? t.bytes() : 0;
                        initializerNames.add(t.name());
                        if (t.type() == FLOAT16) {
                            floatGain.put(t.name(), t.bytes());          // 2 bytes an element -> 4
                        } else if (t.type() == INT8 || t.type() == UINT8) {
                            floatGain.put(t.name(), 3 * t.bytes());      // 1 byte an element -> 4
                        }
                    }
                    case GRAPH_SPARSE_INITIALIZER -> forEachField(buf, a, z, (f, w, s, e) -> {
                        if (w == 2 && (f == SPARSE_VALUES || f == SPARSE_INDICES)) {
                            initializers += tensor(s, e).bytes();
                        }
                    });
                    case GRAPH_NODE -> node(a, z);
                    case GRAPH_INPUT -> inputs.add(value(a, z));
                    case GRAPH_OUTPUT -> outputs.add(value(a, z));
                    case GRAPH_VALUE_INFO -> intermediates.add(value(a, z));
                    default -> {
                    }
                }
            });
        }

        /** A Constant node's tensor attribute is a weight like an initializer. */
        private void node(int start, int end) {
            String[] op = {""};
            long[] bytes = {0};
            List<String> in = new ArrayList<>();
            long[] to = {-1};
            forEachField(buf, start, end, (field, wire, a, z) -> {
                if (field == NODE_OP_TYPE && wire == 2) {
                    op[0] = Protobuf.string(buf, a, z);
                } else if (field == NODE_INPUT && wire == 2) {
                    in.add(Protobuf.string(buf, a, z));
                } else if (field == NODE_ATTRIBUTE && wire == 2) {
                    String[] name = {""};
                    long[] value = {-1};
                    forEachField(buf, a, z, (f, w, s, e) -> {
                        if (f == ATTRIBUTE_TENSOR && w == 2) {
                            Tensor t = tensor(s, e);
                            width(t.dims());
                            bytes[0] += t.bytes();
                        } else if (f == ATTRIBUTE_NAME && w == 2) {
                            name[0] = Protobuf.string(buf, s, e);
                        } else if (f == ATTRIBUTE_INT && w == 0) {
                            value[0] = s;
                        }
                    });
                    if (name[0].equals("to")) {
                        to[0] = value[0];
                    }
                }
            });
            ops.add(op[0]);
            if (op[0].equals("Constant")) {
                constants += bytes[0];
            }
            if (op[0].equals("Cast") && to[0] == FLOAT && !in.isEmpty()) {
                castToFloat.add(in.get(0));
            }
        }

        private void width(List<Long> dims) {
            if (dims.size() < 2) {
                return;
            }
            long lo = Math.min(dims.get(0), dims.get(1));
            long hi = Math.max(dims.get(0), dims.get(1));
            if (lo <= 0 || hi > 16 * lo) {
                return; // an embedding table: its rows are looked up, not a layer's width
            }
            widest = Math.max(widest, hi);
            if (dims.size() == 2) {
                widths.merge(hi, 1, Integer::sum);
            }
        }

        private record Tensor(String name, long bytes, boolean external, List<Long> dims, int type) {
        }

        private Tensor tensor(int start, int end) {
            List<Long> dims = new ArrayList<>();
            int[] type = {0};
            boolean[] ext = {false};
            String[] name = {""};
            forEachField(buf, start, end, (field, wire, a, z) -> {
                if (field == TENSOR_DIMS) {
                    if (wire == 0) {
                        dims.add((long) a);
                    } else if (wire == 2) {
                        int[] pos = {a};
                        while (pos[0] < z) {
                            dims.add(Protobuf.varint(buf, pos));
                        }
                    }
                } else if (field == TENSOR_DATA_TYPE && wire == 0) {
                    type[0] = a;
                } else if (field == TENSOR_DATA_LOCATION && wire == 0) {
                    ext[0] = a == 1;
                } else if (field == TENSOR_NAME && wire == 2) {
                    name[0] = Protobuf.string(buf, a, z);
                }
            });
            double elems = 1;
            for (long d : dims) {
                elems *= Math.max(d, 0);
            }
            return new Tensor(name[0], (long) Math.ceil(elems * elementBytes(type[0])), ext[0], dims, type[0]);
        }

        private Value value(int start, int end) {
            String[] name = {""};
            int[] elem = {0};
            List<Dim> dims = new ArrayList<>();
            forEachField(buf, start, end, (field, wire, a, z) -> {
                if (field == VALUE_NAME && wire == 2) {
                    name[0] = Protobuf.string(buf, a, z);
                } else if (field == VALUE_TYPE && wire == 2) {
                    forEachField(buf, a, z, (f, w, s, e) -> {
                        if (f == TYPE_TENSOR && w == 2) {
                            forEachField(buf, s, e, (tf, tw, ts, te) -> {
                                if (tf == TENSOR_TYPE_ELEM && tw == 0) {
                                    elem[0] = ts;
                                } else if (tf == TENSOR_TYPE_SHAPE && tw == 2) {
                                    forEachField(buf, ts, te, (sf, sw, ss, se) -> {
                                        if (sf == SHAPE_DIM && sw == 2) {
                                            dims.add(dim(ss, se));
                                        }
                                    });
                                }
                            });
                        }
                    });
                }
            });
            return new Value(name[0], elem[0], dims);
        }

        private Dim dim(int start, int end) {
            long[] value = {-1};
            String[] param = {null};
            int[] pos = {start};
            while (pos[0] < end) {
                long key = Protobuf.varint(buf, pos);
                int field = (int) (key >>> 3);
                int wire = (int) (key & 7);
                if (field == DIM_VALUE && wire == 0) {
                    value[0] = Protobuf.varint(buf, pos);
                } else if (wire == 2) {
                    int len = (int) Protobuf.varint(buf, pos);
                    if (field == DIM_PARAM) {
                        param[0] = Protobuf.string(buf, pos[0], pos[0] + len);
                    }
                    pos[0] += len;
                } else {
                    Protobuf.skip(buf, pos, wire);
                }
            }
            return new Dim(value[0], param[0] == null || param[0].isEmpty() ? null : param[0]);
        }

        OnnxGraphInfo build() {
            // Before IR version 4 initializers were listed among the inputs too; they are weights, not inputs.
            inputs.removeIf(v -> initializerNames.contains(v.name()));
            for (String name : castToFloat) {
                initializers += floatGain.getOrDefault(name, 0L);
            }
            long common = widths.entrySet().stream().max(Map.Entry.<Long, Integer>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).orElse(0L);
            return new OnnxGraphInfo(initializers, external, constants, inputs, outputs, intermediates,
                    (int) Math.min(widest, Integer.MAX_VALUE), (int) Math.min(common, Integer.MAX_VALUE), ops);
        }
    }

    private interface FieldVisitor {
        /** Varint fields get their value in {@code a} (truncated to int; only small enums and dims are read so); length-delimited ones [a, z). */
        void visit(int field, int wire, int a, int z);
    }

    private static void forEachField(ByteBuffer buf, int start, int end, FieldVisitor v) {
        int[] pos = {start};
        while (pos[0] < end) {
            long key = Protobuf.varint(buf, pos);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (wire == 0) {
                long value = Protobuf.varint(buf, pos);
                v.visit(field, wire, (int) Math.min(value, Integer.MAX_VALUE), 0);
            } else if (wire == 2) {
                long len = Protobuf.varint(buf, pos);
                if (len < 0 || pos[0] + len > end) {
                    throw new IllegalArgumentException("field " + field + " runs past its message");
                }
                int s = pos[0];
                pos[0] += (int) len;
                v.visit(field, wire, s, pos[0]);
            } else {
                Protobuf.skip(buf, pos, wire);
            }
        }
    }
}
