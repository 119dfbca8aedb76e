package dev.kinora.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime's profile (a Chrome-trace JSON array written when SessionOptions.enableProfiling is
 * on) cut into model runs: every "model_run" session event and the node kernels that ran inside it.
 */
public final class OrtProfile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<List<OpRecord>> runs;

    private OrtProfile(List<List<OpRecord>> runs) {
        this.runs = runs;
    }

    public static OrtProfile parse(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        List<long[]> spans = new ArrayList<>();
        List<OpRecord> kernels = new ArrayList<>();
        for (JsonNode e : root) {
            String cat = e.path("cat").asText();
            String name = e.path("name").asText();
            long ts = e.path("ts").asLong();
            long dur = e.path("dur").asLong();
            if (cat.equals("Session") && name.equals("model_run")) {
                spans.add(new long[] {ts, ts + dur});
            } else if (cat.equals("Node") && name.endsWith("_kernel_time")) {
                JsonNode args = e.path("args");
                kernels.add(new OpRecord(name.substring(0, name.length() - "_kernel_time".length()),
                        args.path("op_name").asText(), ts, dur, shapes(args.path("input_type_shape")),
                        shapes(args.path("output_type_shape"))));
            }
        }
        List<List<OpRecord>> runs = new ArrayList<>();
        if (spans.isEmpty()) {
            runs.add(kernels);
        } else {
            for (long[] span : spans) {
                List<OpRecord> run = new ArrayList<>();
                for (OpRecord k : kernels) {
                    if (k.startUs() >= span[0] && k.startUs() <= span[1]) {
                        run.add(k);
                    }
                }
                runs.add(run);
            }
        }
        return new OrtProfile(runs);
    }

    /** [{"float":[2,3]}, {"int64":[1]}] → [[2,3],[1]]; an empty shape is a scalar. */
    private static List<long[]> shapes(JsonNode list) {
        List<long[]> out = new ArrayList<>();
        for (JsonNode typed : list) {
            JsonNode dims = typed.elements().hasNext() ? typed.elements().next() : null;
            if (dims == null) {
                out.add(new long[0]);
                continue;
            }
            long[] s = new long[dims.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = dims.get(i).asLong();
            }
            out.add(s);
        }
        return out;
    }

    public int runCount() {
        return runs.size();
    }

    public List<OpRecord> run(int i) {
        return Collections.unmodifiableList(runs.get(i));
    }

    /** Kernel time per operator type (µs, summed over the given runs), largest first. */
    public Map<String, Long> timeByOpType(int fromRun) {
        Map<String, Long> t = new LinkedHashMap<>();
        for (int r = fromRun; r < runs.size(); r++) {
            for (OpRecord k : runs.get(r)) {
                t.merge(k.opType(), k.durUs(), Long::sum);
            }
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(t.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : sorted) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }
}
