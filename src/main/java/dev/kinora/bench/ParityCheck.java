package dev.kinora.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.OrtRuntime;
import dev.kinora.engine.onnx.RuntimeOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a pack's parity cases (parity/parity.json: fixed inputs and the PyTorch outputs, written by the
 * export) through ONNX Runtime with the engine's options: the proof that a graph — as exported, or
 * rewritten for speed — computes the trained model.
 */
public final class ParityCheck {
    /** Worst absolute difference of one case's first output. */
    public record CaseResult(String model, String output, double maxAbs, double tolerance) {
        public boolean ok() {
            return maxAbs <= tolerance;
        }
    }

    private ParityCheck() {
    }

    public static List<CaseResult> run(Path packDir, RuntimeOptions options) throws IOException, OrtException {
        Path dir = packDir.resolve("parity");
        JsonNode spec = new ObjectMapper().readTree(dir.resolve("parity.json").toFile());
        double tol = spec.path("tolerance").asDouble(1e-3);
        List<CaseResult> out = new ArrayList<>();
        for (JsonNode c : spec.path("cases")) {
            Path model = packDir.resolve(c.path("model").asText());
            try (OrtSession.SessionOptions so = OrtRuntime.sessionOptions(options, Device.CPU);
                 OrtSession s = OrtRuntime.env().createSession(model.toString(), so)) {
                Map<String, OnnxTensor> in = new LinkedHashMap<>();
                try {
                    for (JsonNode i : c.path("inputs")) {
                        in.put(i.path("name").asText(), OnnxTensor.createTensor(OrtRuntime.env(), read(dir.resolve(i.path("file").asText())),
                                shape(i.path("shape"))));
                    }
                    JsonNode o = c.path("outputs").get(0);
                    FloatBuffer want = read(dir.resolve(o.path("file").asText()));
                    try (OrtSession.Result r = s.run(in)) {
                        OnnxValue v = r.get(o.path("name").asText()).orElseThrow();
                        FloatBuffer got = ((OnnxTensor) v).getFloatBuffer();
                        double worst = 0;
                        for (int k = 0; k < want.limit(); k++) {
                            worst = Math.max(worst, Math.abs(got.get(k) - want.get(k)));
                        }
                        out.add(new CaseResult(c.path("model").asText(), o.path("file").asText(), worst, tol));
                    }
                } finally {
                    for (OnnxTensor t : in.values()) {
                        t.close();
                    }
                }
            }
        }
        return out;
    }

    private static long[] shape(JsonNode a) {
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
