package dev.kinora.engine.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
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
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

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
    private OrtSession session;
    private final Map<String, FloatBuffer> inputBuffers = new HashMap<>();

    public OnnxModel(Path root, Component component, RuntimeOptions options, Device device) {
        this.root = root;
        this.component = component;
        this.options = options;
        this.device = device;
    }

    public Component component() {
        return component;
    }

    public synchronized OrtSession session() throws PackException {
        if (session == null) {
            Path file = component.path(root);
            OrtSession s;
            try {
                s = OrtRuntime.open(file, options, device);
            } catch (OrtException e) {
                throw new PackException(file + ": ONNX Runtime cannot load it as a model: " + e.getMessage(), e);
            }
            try {
                checkInterface(file, s);
            } catch (PackException | RuntimeException e) {
                closeQuietly(s);
                throw e;
            }
            session = s;
        }
        return session;
    }

    private void checkInterface(Path file, OrtSession s) throws PackException {
        try {
            check(file, "input", component.inputs().isEmpty() ? null : s.getInputInfo(), component.inputs());
            check(file, "output", component.outputs().isEmpty() ? null : s.getOutputInfo(), component.outputs());
        } catch (OrtException e) {
            throw new PackException(file + ": cannot read its inputs/outputs: " + e.getMessage(), e);
        }
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
     * Runs the graph on float and long inputs (keyed by graph name) and copies every float output out. Float inputs
     * go through one direct buffer per input that is reused from call to call: ORT copies a heap buffer into a fresh
     * direct one, whose native memory only the garbage collector frees, so a denoising loop used to pile up a few
     * inputs' worth per step until a GC ran. Calls on one model are serialised by that reuse.
     */
    public Map<String, FloatTensor> run(Map<String, FloatTensor> floats, Map<String, long[][]> longs,
                                        OrtSession.RunOptions runOptions) throws PackException, OrtException {
        synchronized (inputBuffers) {
            return runLocked(floats, longs, runOptions);
        }
    }

    private Map<String, FloatTensor> runLocked(Map<String, FloatTensor> floats, Map<String, long[][]> longs,
                                               OrtSession.RunOptions runOptions) throws PackException, OrtException {
        OrtSession s = session();
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, FloatTensor> e : floats.entrySet()) {
                FloatTensor t = e.getValue();
                inputs.put(e.getKey(), OnnxTensor.createTensor(OrtRuntime.env(), direct(e.getKey(), t.data()), t.shape()));
            }
            for (Map.Entry<String, long[][]> e : longs.entrySet()) {
                long[][] v = e.getValue();
                int cols = v.length == 0 ? 0 : v[0].length;
                LongBuffer buf = LongBuffer.allocate(v.length * cols);
                for (long[] row : v) {
                    buf.put(row);
                }
                buf.flip();
                inputs.put(e.getKey(), OnnxTensor.createTensor(OrtRuntime.env(), buf, new long[] {v.length, cols}));
            }
            try (OrtSession.Result result = runOptions == null ? s.run(inputs) : s.run(inputs, runOptions)) {
                Map<String, FloatTensor> out = new HashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    if (e.getValue() instanceof OnnxTensor t && t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                        FloatBuffer fb = t.getFloatBuffer();
                        float[] data = new float[fb.remaining()];
                        fb.get(data);
                        out.put(e.getKey(), FloatTensor.of(data, t.getInfo().getShape()));
                    }
                }
                return out;
            }
        } finally {
            for (OnnxTensor t : inputs.values()) {
                t.close();
            }
        }
    }

    /** The input's reusable direct buffer, grown when a call needs more, filled with data. */
    private FloatBuffer direct(String input, float[] data) {
        FloatBuffer buf = inputBuffers.get(input);
        if (buf == null || buf.capacity() < data.length) {
            buf = ByteBuffer.allocateDirect(data.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            inputBuffers.put(input, buf);
        }
        buf.clear();
        buf.put(data);
        buf.flip();
        return buf;
    }

    public synchronized boolean loaded() {
        return session != null;
    }

    /** Frees the session's native memory; the next call loads it again. */
    public synchronized void unload() {
        if (session != null) {
            closeQuietly(session);
            session = null;
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
