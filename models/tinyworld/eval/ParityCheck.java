// Runs every case of parity/parity.json through ONNX Runtime and compares with the stored torch outputs.
// A tool for the model author (the engine's test suite does the same in JUnit):
//   java -cp /work/main/target/lib/onnxruntime-1.28.0.jar models/tinyworld/eval/ParityCheck.java models/tinyworld
// Deliberately dependency-free: parity.json is parsed with a tiny regex reader.
import ai.onnxruntime.*;

import java.nio.*;
import java.nio.file.*;
import java.util.*;
import java.util.regex.*;

public class ParityCheck {
    record T(String name, String file, long[] shape) {}

    static List<T> tensors(String block) {
        List<T> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\{[^{}]*\\}").matcher(block);
        while (m.find()) {
            String o = m.group();
            String name = str(o, "name"), file = str(o, "file");
            Matcher s = Pattern.compile("\"shape\":\\s*\\[([^\\]]*)\\]").matcher(o);
            s.find();
            long[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(x -> !x.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
            out.add(new T(name, file, shape));
        }
        return out;
    }

    static String str(String o, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\s*\"([^\"]*)\"").matcher(o);
        if (!m.find()) throw new IllegalStateException("no " + key + " in " + o);
        return m.group(1);
    }

    static float[] read(Path p) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        String json = Files.readString(root.resolve("parity/parity.json"));
        double tol = Double.parseDouble(json.replaceAll("(?s).*\"tolerance\":\\s*([0-9.eE+-]+).*", "$1"));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(2);
        so.setInterOpNumThreads(1);
        boolean ok = true;
        // split into cases on "model"
        String[] parts = json.split("\"model\":");
        for (int i = 1; i < parts.length; i++) {
            String c = parts[i];
            String model = c.substring(c.indexOf('"') + 1, c.indexOf('"', c.indexOf('"') + 1));
            String ins = c.substring(c.indexOf("\"inputs\""), c.indexOf("\"outputs\""));
            String outs = c.substring(c.indexOf("\"outputs\""));
            try (OrtSession s = env.createSession(root.resolve(model).toString(), so)) {
                Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                try {
                    for (T t : tensors(ins)) {
                        feed.put(t.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(read(root.resolve("parity").resolve(t.file()))), t.shape()));
                    }
                    long t0 = System.nanoTime();
                    try (OrtSession.Result r = s.run(feed)) {
                        double ms = (System.nanoTime() - t0) / 1e6;
                        for (T t : tensors(outs)) {
                            float[] want = read(root.resolve("parity").resolve(t.file()));
                            FloatBuffer got = ((OnnxTensor) r.get(t.name()).orElseThrow()).getFloatBuffer();
                            double max = 0;
                            for (int k = 0; k < want.length; k++) max = Math.max(max, Math.abs(want[k] - got.get(k)));
                            boolean pass = max <= tol && got.capacity() == want.length;
                            ok &= pass;
                            System.out.printf("%-18s %-12s shape=%s max|diff|=%.3g %s (%.1f ms)%n", model, t.name(),
                                    Arrays.toString(t.shape()), max, pass ? "OK" : "FAIL", ms);
                        }
                    }
                } finally {
                    for (OnnxTensor t : feed.values()) t.close();
                }
            }
        }
        System.exit(ok ? 0 : 1);
    }
}
