package dev.kinora.engine.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.OrtRuntime;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.TensorSpec;
import dev.kinora.engine.tensor.FloatTensor;
import dev.kinora.engine.tensor.Shapes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX component of a pack: its session is created on first use, checked against the manifest's
 * tensor names and shapes, and can be unloaded to give memory back. Inputs are closed in finally and
 * outputs copied out of the Result before it is closed, so no native buffer outlives a call.
 */
public class OnnxModel implements AutoCloseable {
    private final Path root;
    private final Component component;
    private final RuntimeOptions options;
    private final Device device;
    /** The open session with its declared inputs and outputs, read once: ORT builds them anew over JNI per query. */
    private record Graph(OrtSession session, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
    }

    private Graph graph;
    private final Map<String, ByteBuffer> inputBuffers = new HashMap<>();
    private final Map<String, ByteBuffer> outputBuffers = new HashMap<>();
    /** Outputs ORT would not write into a pinned buffer (a shape only known at run time differed): never pinned again. */
    private final Set<String> unpinnable = new HashSet<>();

    public OnnxModel(Path root, Component component, RuntimeOptions options, Device device) {
        this.root = root;
        this.component = component;
        this.options = options;
        this.device = device;
    }

    public Component component() {
        return component;
    }

    public OrtSession session() throws PackException {
        return graph().session();
    }

    private synchronized Graph graph() throws PackException {
        if (graph == null) {
            Path file = component.path(root);
            OrtSession s;
            try {
                s = OrtRuntime.open(file, options, device);
            } catch (OrtException e) {
                throw new PackException(file + ": ONNX Runtime cannot load it as a model: " + e.getMessage(), e);
            }
            try {
                Graph g = new Graph(s, s.getInputInfo(), s.getOutputInfo());
                check(file, "input", component.inputs().isEmpty() ? null : g.inputs(), component.inputs());
                check(file, "output", component.outputs().isEmpty() ? null : g.outputs(), component.outputs());
                graph = g;
            } catch (OrtException e) {
                closeQuietly(s);
                throw new PackException(file + ": cannot read its inputs/outputs: " + e.getMessage(), e);
            } catch (PackException | RuntimeException e) {
                closeQuietly(s);
                throw e;
            }
        }
        return graph;
    }

    private static void check(Path file, String what, Map<String, NodeInfo> actual, Iterable<TensorSpec> declared)
            throws PackException {
        if (actual == null) {
            return;
        }
        for (TensorSpec spec : declared) {
            NodeInfo info = actual.get(spec.name());
            if (info == null) {
                throw new PackException(file + ": the manifest declares " + what + " '" + spec.name()
                        + "' but the graph's " + what + "s are " + actual.keySet());
            }
            if (info.getInfo() instanceof TensorInfo ti && !Shapes.matches(spec.shape(), ti.getShape())) {
                throw new PackException(file + ": " + what + " '" + spec.name() + "' has shape "
                        + Shapes.format(ti.getShape()) + " but the manifest expects " + Shapes.format(spec.shape()));
            }
        }
    }

    /**
     * Runs the graph on float and long inputs (keyed by graph name) and copies every output out as floats; inputs
     * are converted to the element type the graph declares (fp16, bf16, double, int64, int32). Float32 inputs
     * go through one direct buffer per input that is reused from call to call: ORT copies a heap buffer into a fresh
     * direct one, whose native memory only the garbage collector frees, so a denoising loop used to pile up a few
     * inputs' worth per step until a GC ran. Calls on one model are serialised by that reuse.
     */
    public Map<String, FloatTensor> run(Map<String, FloatTensor> floats, Map<String, long[][]> longs,
                                        OrtSession.RunOptions runOptions) throws PackException, OrtException {
        return run(floats, longs, runOptions, Map.of());
    }

    /**
     * {@link #run}, with each float32 output named in {@code into} written into that caller-owned tensor's array (its
     * shape is the one the caller expects the graph to produce). Such an output is pinned: ORT writes it straight into
     * a native buffer this model keeps from call to call, and it is copied from there into the array; an output the
     * graph declares with another shape or type, or one ORT refused to pin once, comes back in a fresh array instead.
     * Why: a denoising loop used to get two fresh output arrays a call (ORT's heap copy and ours), and where first
     * touches of new heap pages are slow that cost ~2 ms a call for 256 KB (docs/benchmarks.md, "Where the engine's
     * time between model calls goes"). The caller owns the reuse: the array is overwritten by its next call.
     */
    public Map<String, FloatTensor> run(Map<String, FloatTensor> floats, Map<String, long[][]> longs,
                                        OrtSession.RunOptions runOptions, Map<String, FloatTensor> into) throws PackException, OrtException {
        synchronized (inputBuffers) {
            return runLocked(floats, longs, runOptions, into);
        }
    }

    /**
     * {@link #run} with {@code cancel} attached, so a cancel stops the call in flight. ORT then throws; that failure
     * is the cancel, so it comes back as the caller's own cancelled exception ({@code cancelled}), and any other ORT
     * failure as it is.
     */
    public <E extends Exception> Map<String, FloatTensor> runCancellable(Map<String, FloatTensor> floats, Map<String, long[][]> longs,
                                                                          dev.kinora.engine.CancelToken cancel, java.util.function.Supplier<E> cancelled)
            throws PackException, OrtException, E {
        try (OrtSession.RunOptions ro = new OrtSession.RunOptions()) {
            cancel.attach(ro);
            try {
                return run(floats, longs, ro);
            } catch (OrtException e) {
                if (cancel.isCancelled()) {
                    throw cancelled.get();
                }
                throw e;
            } finally {
                cancel.detach();
            }
        }
    }

    /** The output a component's manifest names for {@code role}, or why it is missing. */
    public FloatTensor output(Map<String, FloatTensor> outputs, String role) throws PackException {
        FloatTensor t = outputs.get(component.outputName(role));
        if (t == null) {
            throw new PackException(component.file() + ": no output '" + component.outputName(role) + "' (" + role + "); it returned "
                    + outputs.keySet());
        }
        return t;
    }

    private Map<String, FloatTensor> runLocked(Map<String, FloatTensor> floats, Map<String, long[][]> longs,
                                               OrtSession.RunOptions runOptions, Map<String, FloatTensor> into)
            throws PackException, OrtException {
        Graph g = graph();
        OrtSession s = g.session();
        Map<String, NodeInfo> declared = g.inputs();
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, FloatTensor> e : floats.entrySet()) {
                inputs.put(e.getKey(), floatInput(e.getKey(), e.getValue(), typeOf(declared, e.getKey())));
            }
            for (Map.Entry<String, long[][]> e : longs.entrySet()) {
                long[][] v = e.getValue();
                int cols = v.length == 0 ? 0 : v[0].length;
                long[] shape = {v.length, cols};
                OnnxJavaType type = typeOf(declared, e.getKey());
                if (type == OnnxJavaType.INT32) {
                    IntBuffer buf = IntBuffer.allocate(v.length * cols);
                    for (long[] row : v) {
                        for (long x : row) {
                            buf.put(Math.toIntExact(x));
                        }
                    }
                    inputs.put(e.getKey(), OnnxTensor.createTensor(OrtRuntime.env(), buf.flip(), shape));
                } else if (type == OnnxJavaType.INT64 || type == null) {
                    LongBuffer buf = LongBuffer.allocate(v.length * cols);
                    for (long[] row : v) {
                        buf.put(row);
                    }
                    inputs.put(e.getKey(), OnnxTensor.createTensor(OrtRuntime.env(), buf.flip(), shape));
                } else {
                    throw unsupported("input", e.getKey(), type, "token ids are int64 or int32");
                }
            }
            Map<String, OnnxTensor> pinned = pin(g.outputs(), into);
            try {
                return collect(runPinned(s, inputs, pinned, runOptions), pinned, into);
            } catch (OrtException e) {
                if (pinned.isEmpty()) {
                    throw e;
                }
                // a pinned shape the graph's declared one allowed but the run did not produce: if the same call runs
                // unpinned (a cancel fails both), those outputs are never pinned again
                Set<String> names = Set.copyOf(pinned.keySet());
                closeAll(pinned);
                pinned = Map.of();
                Map<String, FloatTensor> out = collect(runPinned(s, inputs, pinned, runOptions), pinned, into);
                unpinnable.addAll(names);
                return out;
            } finally {
                closeAll(pinned);
            }
        } finally {
            closeAll(inputs);
        }
    }

    private static OrtSession.Result runPinned(OrtSession s, Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> pinned,
                                               OrtSession.RunOptions runOptions) throws OrtException {
        if (pinned.isEmpty()) {
            return runOptions == null ? s.run(inputs) : s.run(inputs, runOptions);
        }
        Set<String> rest = new LinkedHashSet<>(s.getOutputNames());
        rest.removeAll(pinned.keySet());
        return runOptions == null ? s.run(inputs, rest, pinned) : s.run(inputs, rest, pinned, runOptions);
    }

    private Map<String, FloatTensor> collect(OrtSession.Result result, Map<String, OnnxTensor> pinned, Map<String, FloatTensor> into)
            throws PackException {
        try (result) {
            Map<String, FloatTensor> out = new HashMap<>();
            for (Map.Entry<String, OnnxValue> e : result) {
                String name = e.getKey();
                if (pinned.containsKey(name)) {
                    FloatTensor dest = into.get(name);
                    outputBuffers.get(name).clear().asFloatBuffer().get(dest.data());
                    out.put(name, dest);
                    continue;
                }
                if (!(e.getValue() instanceof OnnxTensor t)) {
                    throw new PackException(component.file() + ": output '" + name + "' is not a tensor ("
                            + e.getValue().getType() + "); Kinora reads tensor outputs only");
                }
                out.put(name, FloatTensor.of(floatsOf(name, t), t.getInfo().getShape()));
            }
            return out;
        }
    }

    /** A float32 tensor over this model's reusable native buffer for each output of {@code into} the graph admits. */
    private Map<String, OnnxTensor> pin(Map<String, NodeInfo> declared, Map<String, FloatTensor> into) throws OrtException {
        if (into.isEmpty()) {
            return Map.of();
        }
        Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, FloatTensor> e : into.entrySet()) {
                NodeInfo info = declared.get(e.getKey());
                long[] shape = e.getValue().shape();
                if (unpinnable.contains(e.getKey()) || info == null || !(info.getInfo() instanceof TensorInfo ti)
                        || ti.type != OnnxJavaType.FLOAT || !admits(ti.getShape(), shape)) {
                    continue;
                }
                long bytes = (long) e.getValue().data().length * Float.BYTES;
                ByteBuffer buf = outputBuffers.get(e.getKey());
                if (buf == null || buf.capacity() < bytes) {
                    buf = ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
                    outputBuffers.put(e.getKey(), buf);
                }
                buf.clear().limit(Math.toIntExact(bytes));
                pinned.put(e.getKey(), OnnxTensor.createTensor(OrtRuntime.env(), buf.asFloatBuffer(), shape));
            }
        } catch (OrtException | RuntimeException ex) {
            closeAll(pinned);
            throw ex;
        }
        return pinned;
    }

    /** Whether a graph's declared shape (negative where dynamic) admits this concrete one. */
    private static boolean admits(long[] declared, long[] shape) {
        if (declared.length != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (declared[i] >= 0 && declared[i] != shape[i]) {
                return false;
            }
        }
        return true;
    }

    private static void closeAll(Map<String, OnnxTensor> tensors) {
        for (OnnxTensor t : tensors.values()) {
            t.close();
        }
    }

    private static OnnxJavaType typeOf(Map<String, NodeInfo> declared, String name) {
        NodeInfo n = declared.get(name);
        return n != null && n.getInfo() instanceof TensorInfo ti ? ti.type : null;
    }

    /**
     * A float input in the graph's own element type: real exports take fp16 latents, int64 timesteps
     * (diffusers' UniPC and DDIM timesteps are integers) or doubles, and ORT rejects a mismatch.
     */
    private OnnxTensor floatInput(String name, FloatTensor t, OnnxJavaType type) throws OrtException, PackException {
        float[] d = t.data();
        if (type == null || type == OnnxJavaType.FLOAT) {
            return OnnxTensor.createTensor(OrtRuntime.env(), direct(name, d), t.shape());
        }
        switch (type) {
            case FLOAT16, BFLOAT16 -> {
                ShortBuffer buf = raw(name, (long) d.length * Short.BYTES).asShortBuffer();
                for (float x : d) {
                    buf.put(type == OnnxJavaType.FLOAT16 ? Fp16Conversions.floatToFp16(x) : Fp16Conversions.floatToBf16(x));
                }
                return OnnxTensor.createTensor(OrtRuntime.env(), buf.flip(), t.shape(), type);
            }
            case DOUBLE -> {
                DoubleBuffer buf = DoubleBuffer.allocate(d.length);
                for (float x : d) {
                    buf.put(x);
                }
                return OnnxTensor.createTensor(OrtRuntime.env(), buf.flip(), t.shape());
            }
            case INT64 -> {
                LongBuffer buf = LongBuffer.allocate(d.length);
                for (float x : d) {
                    buf.put(Math.round(x));
                }
                return OnnxTensor.createTensor(OrtRuntime.env(), buf.flip(), t.shape());
            }
            case INT32 -> {
                IntBuffer buf = IntBuffer.allocate(d.length);
                for (float x : d) {
                    buf.put(Math.round(x));
                }
                return OnnxTensor.createTensor(OrtRuntime.env(), buf.flip(), t.shape());
            }
            default -> throw unsupported("input", name, type, "numeric inputs are float32, float16, bfloat16, double, int64 or int32");
        }
    }

    /** Any numeric output as floats (fp16 and bf16 widen exactly; int64 outputs are small counts and ids). */
    private float[] floatsOf(String name, OnnxTensor t) throws PackException {
        OnnxJavaType type = t.getInfo().type;
        switch (type) {
            case FLOAT, FLOAT16, BFLOAT16 -> {
                FloatBuffer fb = t.getFloatBuffer();
                float[] data = new float[fb.remaining()];
                fb.get(data);
                return data;
            }
            case DOUBLE -> {
                DoubleBuffer db = t.getDoubleBuffer();
                float[] data = new float[db.remaining()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) db.get(i);
                }
                return data;
            }
            case INT64 -> {
                LongBuffer lb = t.getLongBuffer();
                float[] data = new float[lb.remaining()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = lb.get(i);
                }
                return data;
            }
            case INT32 -> {
                IntBuffer ib = t.getIntBuffer();
                float[] data = new float[ib.remaining()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = ib.get(i);
                }
                return data;
            }
            default -> throw unsupported("output", name, type, "numeric outputs are float32, float16, bfloat16, double, int64 or int32");
        }
    }

    private PackException unsupported(String what, String name, OnnxJavaType type, String expected) {
        return new PackException(component.file() + ": " + what + " '" + name + "' has element type " + type
                + ", which Kinora does not feed or read; " + expected);
    }

    /** The input's reusable direct buffer, grown when a call needs more, filled with data. */
    private FloatBuffer direct(String input, float[] data) {
        FloatBuffer buf = raw(input, (long) data.length * Float.BYTES).asFloatBuffer();
        buf.put(data);
        return buf.flip();
    }

    /** The input's reusable native bytes (at least n of them), cleared. */
    private ByteBuffer raw(String input, long n) {
        ByteBuffer buf = inputBuffers.get(input);
        if (buf == null || buf.capacity() < n) {
            buf = ByteBuffer.allocateDirect(Math.toIntExact(n)).order(ByteOrder.nativeOrder());
            inputBuffers.put(input, buf);
        }
        buf.clear();
        return buf.limit(Math.toIntExact(n));
    }

    public synchronized boolean loaded() {
        return graph != null;
    }

    /** Frees the session's native memory; the next call loads it again. */
    public synchronized void unload() {
        if (graph != null) {
            closeQuietly(graph.session());
            graph = null;
        }
    }

    @Override
    public void close() {
        unload();
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException ignored) {
            // closing a session only fails if it is already closed
        }
    }
}
