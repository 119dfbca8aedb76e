package dev.kinora.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a pack's parity cases through ONNX Runtime on the CPU and compares every output with the stored
 * PyTorch one: the proof that a graph — as exported, or rewritten for speed — computes the trained
 * model. The cases live in {@code <pack>/parity/parity.json} (written by the export): per case a graph,
 * its input tensors and the outputs torch computed, each a raw little-endian float32 file with its
 * shape, and one max-abs tolerance for all. The product's TinyWorldParityTest and the benchmarks'
 * {@code kb parity} both run this.
 */
public final class ParityCheck {
    /** The stored tolerance when parity.json does not name one. */
    public static final double DEFAULT_TOLERANCE = 1e-3;

    /** One output of one case: the worst absolute difference, and the element counts compared. */
    public record Result(String model, String output, long expectedElements, long actualElements, double maxAbs,
                         double tolerance) {
        public boolean ok() {
            return expectedElements == actualElements && maxAbs <= tolerance;
        }

        /** One line: graph, output, max |diff| and the verdict. */
        public String describe() {
            if (expectedElements != actualElements) {
                return String.format(java.util.Locale.ROOT, "%-18s %-12s expected %d values, the graph gave %d", model, output,
                        expectedElements, actualElements);
            }
            return String.format(java.util.Locale.ROOT, "%-18s %-12s max |diff| %.2e  %s", model, output, maxAbs,
                    ok() ? "ok" : "OVER " + tolerance);
        }
    }

    private ParityCheck() {
    }

    /** Every output of every case in {@code packDir/parity/parity.json}, in file order. */
    public static List<Result> run(Path packDir, RuntimeOptions options) throws IOException, OrtException {
        Path dir = packDir.resolve("parity");
        Path json = dir.resolve("parity.json");
        if (!Files.isRegularFile(json)) {
            throw new NoSuchFileException(json.toString(), null,
                    "no parity cases: a pack's export writes parity/parity.json with the torch outputs to compare against");
        }
        JsonNode spec = new ObjectMapper().readTree(json.toFile());
        double tol = spec.path("tolerance").asDouble(DEFAULT_TOLERANCE);
        List<Result> out = new ArrayList<>();
        for (JsonNode c : spec.path("cases")) {
            String model = c.path("model").asText();
            try (OrtSession s = OrtRuntime.open(packDir.resolve(model), options, Device.CPU)) {
                Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                try {
                    for (JsonNode in : c.path("inputs")) {
                        feed.put(in.path("name").asText(),
                                OnnxTensor.createTensor(OrtRuntime.env(), read(dir.resolve(in.path("file").asText())), shape(in)));
                    }
                    try (OrtSession.Result r = s.run(feed)) {
                        for (JsonNode o : c.path("outputs")) {
                            String name = o.path("name").asText();
                            FloatBuffer want = read(dir.resolve(o.path("file").asText()));
                            OnnxValue v = r.get(name).orElseThrow(() -> new IllegalStateException(
                                    model + " has no output '" + name + "' named in " + json));
                            FloatBuffer got = ((OnnxTensor) v).getFloatBuffer();
                            double worst = 0;
                            int n = Math.min(want.remaining(), got.remaining());
                            for (int k = 0; k < n; k++) {
                                worst = Math.max(worst, Math.abs(got.get(k) - want.get(k)));
                            }
                            out.add(new Result(model, name, want.remaining(), got.remaining(), worst, tol));
                        }
                    }
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
            }
        }
        return out;
    }

    private static long[] shape(JsonNode t) {
        JsonNode a = t.path("shape");
        long[] s = new long[a.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i).asLong();
        }
        return s;
    }

    private static FloatBuffer read(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        FloatBuffer fb = ByteBuffer.allocateDirect(b.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        fb.put(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        fb.rewind();
        return fb;
    }
}
