package dev.kinora.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.OrtRuntime;
import dev.kinora.engine.onnx.RuntimeOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs one ONNX graph on fixed inputs, the way the engine opens sessions, to time it, profile it and
 * count its multiply-accumulates. Inputs are direct buffers created once, so only the model is timed.
 */
public final class OrtProbe implements AutoCloseable {
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    private final boolean profiling;
    /** Session config entries to try on top of the engine's (e.g. session.intra_op.allow_spinning=0), for tuning experiments. */
    static final Map<String, String> EXTRA_CONFIG = new LinkedHashMap<>();

    private OrtProbe(OrtSession session, boolean profiling) {
        this.session = session;
        this.profiling = profiling;
    }

    /** A session with the engine's options; {@code basicOnly} stops at basic graph optimisations (no fusions or layout changes). */
    public static OrtProbe open(Path model, RuntimeOptions options, boolean basicOnly, Path profilePrefix) throws OrtException {
        try (OrtSession.SessionOptions so = OrtRuntime.sessionOptions(options, Device.CPU)) {
            for (var e : EXTRA_CONFIG.entrySet()) {
                so.addConfigEntry(e.getKey(), e.getValue());
            }
            if (basicOnly) {
                so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            }
            if (profilePrefix != null) {
                so.enableProfiling(profilePrefix.toString());
            }
            return new OrtProbe(OrtRuntime.env().createSession(model.toString(), so), profilePrefix != null);
        }
    }

    public static OrtProbe open(byte[] model, RuntimeOptions options) throws OrtException {
        try (OrtSession.SessionOptions so = OrtRuntime.sessionOptions(options, Device.CPU)) {
            return new OrtProbe(OrtRuntime.env().createSession(model, so), false);
        }
    }

    /** Adds a session config entry to every probe opened after this call. */
    public static void addConfig(String key, String value) {
        EXTRA_CONFIG.put(key, value);
    }

    /** Adds a float input of the given shape filled with N(0,1) values from a fixed seed (or a constant). */
    public OrtProbe input(String name, long[] shape, long seed, float constant) throws OrtException {
        int n = Math.toIntExact(MacCounter.elements(shape));
        FloatBuffer fb = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            fb.put(Float.isNaN(constant) ? (float) (r.nextDouble() * 2 - 1) : constant);
        }
        fb.rewind();
        inputs.put(name, OnnxTensor.createTensor(OrtRuntime.env(), fb, shape));
        return this;
    }

    /** Runs once and returns the wall time in seconds. */
    public double runOnce() throws OrtException {
        long t0 = System.nanoTime();
        try (OrtSession.Result r = session.run(inputs)) {
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** Warm-up runs, then {@code reps} timed runs. */
    public Stats time(int warmup, int reps) throws OrtException {
        for (int i = 0; i < warmup; i++) {
            runOnce();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            t[i] = runOnce();
        }
        return Stats.of(t);
    }

    /** Ends profiling and parses what ORT wrote (the file is deleted). */
    public OrtProfile profile() throws OrtException, IOException {
        if (!profiling) {
            throw new IllegalStateException("this probe was opened without a profile prefix");
        }
        Path file = Path.of(session.endProfiling());
        try {
            return OrtProfile.parse(Files.readString(file));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public void close() throws OrtException {
        for (OnnxTensor t : inputs.values()) {
            t.close();
        }
        session.close();
    }
}
