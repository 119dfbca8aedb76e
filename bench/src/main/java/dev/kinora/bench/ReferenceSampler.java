package dev.kinora.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinora.engine.model.TextEmbedding;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The PyTorch reference (models/tinyworld/bench/reference.py) as a long-lived child process speaking
 * one JSON object per line, so its model stays loaded between runs just like the engine's sessions.
 */
public final class ReferenceSampler implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;
    private final Path log;

    private ReferenceSampler(Process p, Path log) {
        this.process = p;
        this.log = log;
        this.in = new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts the reference on the pack's own weights (its ONNX graphs' initializers, checked against its
     * parity tensors before it answers); {@code ckpt} / {@code ae}, when not null, take the denoiser's or
     * the decoder's weights from training checkpoints instead.
     */
    public static ReferenceSampler start(String python, Path script, Path pack, Path ckpt, Path ae, int threads, Path log)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "serve", "--pack", pack.toString(),
                "--threads", Integer.toString(threads)));
        if (ckpt != null) {
            cmd.addAll(List.of("--ckpt", ckpt.toString()));
        }
        if (ae != null) {
            cmd.addAll(List.of("--ae", ae.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ReferenceSampler(pb.start(), log);
    }

    public JsonNode call(ObjectNode request) throws IOException {
        in.write(JSON.writeValueAsString(request));
        in.newLine();
        in.flush();
        String line = out.readLine();
        if (line == null) {
            throw new IOException("the PyTorch reference exited (code " + exitCode() + "); the end of its log:\n" + logTail(20));
        }
        JsonNode ans = JSON.readTree(line);
        if (ans.has("error")) {
            throw new IOException("the PyTorch reference failed: " + ans.get("error").asText());
        }
        return ans;
    }

    private String logTail(int lines) {
        try {
            List<String> all = java.nio.file.Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    private String exitCode() {
        try {
            process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
            return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    public JsonNode op(String op) throws IOException {
        return call(JSON.createObjectNode().put("op", op));
    }

    public JsonNode checkParity(Path packDir) throws IOException {
        return call(JSON.createObjectNode().put("op", "check").put("pack", packDir.toString()));
    }

    public JsonNode gemm(int n, int reps) throws IOException {
        return call(JSON.createObjectNode().put("op", "gemm").put("n", n).put("reps", reps));
    }

    public RefRun generate(Workload w, TextEmbedding embedding, long seed, float guidance, float shift, int context, Path dump)
            throws IOException {
        return generate(w, embedding, seed, guidance, shift, context, dump, "eager");
    }

    /**
     * {@code mode}: "eager", "jit" (the frozen, optimize_for_inference'd TorchScript of the same model) or "compile"
     * (torch.compile, inductor).
     */
    public RefRun generate(Workload w, TextEmbedding embedding, long seed, float guidance, float shift, int context, Path dump, String mode)
            throws IOException {
        ObjectNode r = JSON.createObjectNode().put("op", "generate").put("steps", w.steps()).put("frames", w.frames())
                .put("guidance", guidance).put("shift", shift).put("seed", seed).put("context", context).put("anchor", true)
                .put("jit", "jit".equals(mode)).put("compile", "compile".equals(mode));
        ArrayNode e = r.putArray("embedding");
        for (float v : embedding.vector()) {
            e.add(v);
        }
        // the token states, row by row: the reference passes them to a denoiser that attends to them
        ArrayNode t = r.putArray("tokens");
        int dim = embedding.vector().length;
        for (int i = 0; i < embedding.tokens(); i++) {
            ArrayNode row = t.addArray();
            for (int j = 0; j < dim; j++) {
                row.add(embedding.tokenStates()[i * dim + j]);
            }
        }
        if (dump != null) {
            r.put("dump", dump.toString());
        }
        JsonNode a = call(r);
        return new RefRun(a.get("total_s").asDouble(), a.get("denoise_s").asDouble(), a.get("decode_s").asDouble(),
                a.get("calls").asInt(), a.get("frames").asInt(), a.get("vm_rss_kb").asLong(), a.get("vm_hwm_kb").asLong());
    }

    @Override
    public void close() {
        try {
            op("quit");
        } catch (IOException ignored) {
            // it quits on end of input too
        }
        try {
            in.close();
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroy();
            }
        } catch (IOException | InterruptedException e) {
            process.destroy();
        }
    }
}
