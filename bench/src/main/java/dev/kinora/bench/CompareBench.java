package dev.kinora.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kinora.engine.model.TextEmbedding;
import dev.kinora.engine.model.TextEncoder;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The engine and the PyTorch reference side by side on the same machine, model, noise, scheduler,
 * steps, guidance and frames: warm-up, then alternating runs (engine first on even runs, reference
 * first on odd ones, so neither always inherits a warm cache), medians with min–max, the outputs
 * compared pixel by pixel, and each side's peak RSS per workload.
 */
public final class CompareBench {

    /** What to run; {@code reference} false runs the engine alone. */
    public record Config(String pack, RuntimeOptions options, List<Workload> workloads, int runs, int longRuns, int warmup, boolean reference,
                         String python, Path script, Path ckpt, Path ae, int refThreads, boolean refJit, boolean refCompile,
                         boolean previewRow, Path json) {
    }

    /** Everything measured for one workload. */
    public record Row(Workload workload, double clipSeconds, List<EngineRun> engine, List<RefRun> ref, OutputDiff diff,
                      long enginePeakKb, long refPeakKb, List<EngineRun> engineWithPreviews, List<RefRun> refJit,
                      List<RefRun> refCompile) {

        public Stats engine(ToDoubleFunction<EngineRun> f) {
            return Stats.of(engine.stream().mapToDouble(f).toArray());
        }

        public Stats ref(ToDoubleFunction<RefRun> f) {
            return Stats.of(ref.stream().mapToDouble(f).toArray());
        }
    }

    private final Config cfg;
    private final PrintStream out;

    public CompareBench(Config cfg, PrintStream out) {
        this.cfg = cfg;
        this.out = out;
    }

    public List<Row> run() throws Exception {
        out.println(MachineInfo.current().describe());
        out.printf(Locale.ROOT, "engine: ONNX Runtime on CPU, intra-op threads %s, graph optimisation %s%n",
                cfg.options().intraOpThreads() == 0 ? "auto" : cfg.options().intraOpThreads(),
                cfg.options().optimizeGraph() ? "all" : "basic");
        List<Row> rows = new ArrayList<>();
        Path tmp = Files.createTempDirectory("kinora-compare");
        try (EngineHarness engine = new EngineHarness(cfg.pack(), cfg.options());
             ReferenceSampler ref = cfg.reference()
                     ? ReferenceSampler.start(cfg.python(), cfg.script(), engine.pack().root(), cfg.ckpt(), cfg.ae(), cfg.refThreads(),
                             tmp.resolve("reference.log"))
                     : null) {
            ModelPack pack = engine.pack();
            // the engine's text-to-video runs at the pack's defaults for that job (guidanceByMode, shiftByMode)
            float guidance = pack.defaults().guidance(Mode.GENERATE);
            float shift = pack.defaults().shift(Mode.GENERATE);
            int context = pack.defaults().contextFrames();
            JsonNode parityNode = null;
            if (ref != null) {
                JsonNode info = ref.op("info");
                out.printf(Locale.ROOT, "reference: PyTorch %s eager, %d threads, oneDNN %s, inference_mode; python %s, %s%n",
                        info.path("torch").asText(), info.path("threads").asInt(), info.path("mkldnn").asBoolean() ? "on" : "off",
                        info.path("python").asText(), ReferencePython.describe(cfg.python()));
                out.println("reference weights: " + info.path("weights").asText());
                parityNode = ref.checkParity(pack.root()).path("parity_max_abs");
                out.println("reference weights vs the pack's parity tensors (max abs diff): " + parityNode);
            }
            out.printf(Locale.ROOT, "pack %s %s: %dx%d, %d-frame windows at %.0f fps, guidance %.1f, shift %.1f, context %d%n",
                    pack.id(), pack.version(), pack.width(), pack.height(), pack.frames(), pack.fps(), guidance, shift, context);
            out.printf(Locale.ROOT, "runs: %d warm-up per side first (all sessions loaded, JIT warm), then %d measured per side and"
                    + " workload (%d for clips longer than one window), alternating which side goes first%n", cfg.warmup(), cfg.runs(), cfg.longRuns());
            if (parityNode != null) {
                parityNode.fields().forEachRemaining(e -> {
                    if (e.getValue().asDouble() > 1e-3) {
                        out.println("WARNING: the reference's weights are not the pack's (" + e.getKey() + " differs by "
                                + e.getValue().asDouble() + "); its timings are of another model");
                    }
                });
            }
            out.println();

            // Every run gets its own prompt, so the engine's text encoding is never a cache hit; the
            // reference gets the same vectors (and token states, for a denoiser that attends to them), computed
            // beforehand by a separate encoder.
            int promptsNeeded = cfg.workloads().size() * (2 * cfg.runs() + cfg.longRuns() + 2) + cfg.warmup() + 1;
            List<TextEmbedding> embeddings = new ArrayList<>();
            try (TextEncoder enc = new TextEncoder(pack, cfg.options(), Device.CPU)) {
                for (int i = 0; i < promptsNeeded; i++) {
                    embeddings.add(enc.encode(prompt(i)));
                }
            }
            int promptNo = 0;
            Workload first = cfg.workloads().get(0);
            for (int i = 0; i < cfg.warmup(); i++) {
                EngineRun e = engine.run(first, prompt(promptNo), 7, true, true, dev.kinora.engine.ProgressListener.NONE);
                out.printf(Locale.ROOT, "warm-up %d (%s): engine %.2f s (first run: sessions load)", i + 1, first.label(), e.seconds());
                if (ref != null) {
                    out.printf(Locale.ROOT, ", torch %.2f s", ref.generate(first, embeddings.get(promptNo), 7, guidance, shift, context, null).totalS());
                }
                out.println();
                promptNo++;
            }
            for (Workload w : cfg.workloads()) {
                out.println("== " + w.label() + " ==");
                ProcStatus.resetPeak();
                if (ref != null) {
                    ref.op("reset_peak");
                }
                List<EngineRun> er = new ArrayList<>();
                List<RefRun> rr = new ArrayList<>();
                OutputDiff diff = null;
                int runs = w.frames() > pack.frames() ? cfg.longRuns() : cfg.runs();
                for (int i = 0; i < runs; i++) {
                    long seed = 1000 + i;
                    int p = promptNo++;
                    boolean engineFirst = i % 2 == 0;
                    Path dump = i == 0 && ref != null ? tmp.resolve("ref.rgb") : null;
                    if (!engineFirst && ref != null) {
                        rr.add(ref.generate(w, embeddings.get(p), seed, guidance, shift, context, dump));
                    }
                    EngineRun e = engine.run(w, prompt(p), seed, false, true, dev.kinora.engine.ProgressListener.NONE);
                    er.add(e);
                    if (i == 0 && ref != null) {
                        List<byte[]> frames = engine.last().frames().rgb();
                        if (!engineFirst) {
                            diff = OutputDiff.of(frames, Files.readAllBytes(dump));
                        } else {
                            rr.add(ref.generate(w, embeddings.get(p), seed, guidance, shift, context, dump));
                            diff = OutputDiff.of(frames, Files.readAllBytes(dump));
                        }
                    } else if (engineFirst && ref != null) {
                        rr.add(ref.generate(w, embeddings.get(p), seed, guidance, shift, context, null));
                    }
                    out.printf(Locale.ROOT, "  run %d: engine %.2f s (text %d ms, denoise %d ms, decode %d ms, file %d ms)%s%n", i + 1,
                            e.seconds(), e.textMs(), e.denoiseMs(), e.decodeMs(), e.fileMs(),
                            rr.size() > i ? String.format(Locale.ROOT, "   torch %.2f s (denoise %.2f s, decode %.2f s)",
                                    rr.get(i).totalS(), rr.get(i).denoiseS(), rr.get(i).decodeS()) : "");
                }
                long enginePeak = ProcStatus.peakKb();
                long refPeak = rr.isEmpty() ? -1 : rr.get(rr.size() - 1).peakKb();
                List<EngineRun> withPreviews = new ArrayList<>();
                if (cfg.previewRow() && w.frames() == pack.frames() && w.steps() == pack.defaults().steps()) {
                    for (int i = 0; i < runs; i++) {
                        withPreviews.add(engine.run(w, prompt(promptNo++), 1000 + i, true, true, dev.kinora.engine.ProgressListener.NONE));
                    }
                }
                List<RefRun> jit = cfg.refJit() ? other(ref, w, embeddings.get(0), guidance, shift, context, runs, "jit") : List.of();
                List<RefRun> compiled = cfg.refCompile() ? other(ref, w, embeddings.get(0), guidance, shift, context, runs, "compile") : List.of();
                Row row = new Row(w, w.frames() / pack.fps(), er, rr, diff, enginePeak, refPeak, withPreviews, jit, compiled);
                rows.add(row);
                if (diff != null) {
                    out.printf(Locale.ROOT, "  same output? engine vs torch, run 1: max |diff| %d of 255, mean %.3f, PSNR %.1f dB%n",
                            diff.maxAbs(), diff.meanAbs(), diff.psnr());
                }
            }
            if (ref != null) {
                JsonNode g = ref.gemm(1024, 10);
                out.printf(Locale.ROOT, "%nmatmul 1024x1024x1024 on this machine: torch %.1f GFLOP/s, numpy %.1f GFLOP/s (best of 10)%n",
                        g.path("torch").path("gflops_best").asDouble(), g.path("numpy").path("gflops_best").asDouble());
            }
        } finally {
            try (var files = Files.list(tmp)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(tmp);
        }
        out.println();
        for (String line : table(rows)) {
            out.println(line);
        }
        if (cfg.json() != null) {
            writeJson(rows);
        }
        return rows;
    }

    /** The reference's other PyTorch paths on the same workload: one unmeasured call first (trace, freeze or compile, warm). */
    private List<RefRun> other(ReferenceSampler ref, Workload w, TextEmbedding embedding, float guidance, float shift, int context,
                               int runs, String mode) throws IOException {
        if (ref == null) {
            return List.of();
        }
        ref.generate(w, embedding, 7, guidance, shift, context, null, mode);
        List<RefRun> out = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            out.add(ref.generate(w, embedding, 1000 + i, guidance, shift, context, null, mode));
        }
        this.out.printf(Locale.ROOT, "  torch %s: %s s per clip%n", "jit".equals(mode) ? "frozen TorchScript" : "torch.compile (inductor)",
                Stats.of(out.stream().mapToDouble(RefRun::totalS).toArray()).format(2));
        return out;
    }

    static String prompt(int i) {
        String[] scenes = {"a red ball bounces on green grass", "a yellow star floats up over the desert",
                "a blue cube slides over the road", "a green triangle spins in the snow"};
        return scenes[i % scenes.length] + ", take " + (i / scenes.length + 1);
    }

    /** The markdown table docs/benchmarks.md shows: one block of rows per workload. */
    public static List<String> table(List<Row> rows) {
        List<String> t = new ArrayList<>();
        t.add("| workload | runner | s per clip | s per denoiser call | ms per decoded frame | RTF | text / denoise / decode / file | peak RSS MiB |");
        t.add("|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            String w = r.workload().label();
            t.add(engineLine(w, "Kinora engine", r, r.engine()));
            if (!r.engineWithPreviews().isEmpty()) {
                t.add(engineLine(w, "Kinora engine, live previews", r, r.engineWithPreviews()));
            }
            if (!r.ref().isEmpty()) {
                Stats clip = r.ref(RefRun::totalS);
                t.add(refLine(w, "PyTorch reference (eager)", r, r.ref()));
                if (!r.refJit().isEmpty()) {
                    t.add(refLine(w, "PyTorch frozen TorchScript", r, r.refJit()));
                }
                if (!r.refCompile().isEmpty()) {
                    t.add(refLine(w, "PyTorch torch.compile (inductor)", r, r.refCompile()));
                }
                Stats engineNoText = r.engine(x -> (x.totalMs() - x.textMs()) / 1000.0);
                t.add(String.format(Locale.ROOT, "| %s | **speed-up** (torch eager ÷ engine, medians) | **%.2f×** (%.2f× with text) | %.2f× | %.2f× | | %s | |", w,
                        clip.median() / engineNoText.median(), clip.median() / r.engine(EngineRun::seconds).median(),
                        r.ref(x -> x.denoiseS() / x.calls()).median() / r.engine(x -> x.denoiseMs() / 1000.0 / x.modelCalls()).median(),
                        r.ref(x -> x.decodeS() / x.frames()).median() / r.engine(x -> x.decodeMs() / 1000.0 / x.frames()).median(),
                        r.diff() == null ? "" : String.format(Locale.ROOT, "output: max diff %d/255, PSNR %.0f dB", r.diff().maxAbs(), r.diff().psnr())));
                String bestName = "eager";
                double best = clip.median();
                for (var e : Map.of("TorchScript", r.refJit(), "torch.compile", r.refCompile()).entrySet()) {
                    if (!e.getValue().isEmpty()) {
                        double m = Stats.of(e.getValue().stream().mapToDouble(RefRun::totalS).toArray()).median();
                        if (m < best) {
                            best = m;
                            bestName = e.getKey();
                        }
                    }
                }
                if (!r.refJit().isEmpty() || !r.refCompile().isEmpty()) {
                    t.add(String.format(Locale.ROOT, "| %s | **speed-up** (best PyTorch path, %s ÷ engine) | **%.2f×** | | | | | |", w,
                            bestName, best / engineNoText.median()));
                }
            }
        }
        return t;
    }

    private static String refLine(String w, String who, Row r, List<RefRun> runs) {
        Stats clip = Stats.of(runs.stream().mapToDouble(RefRun::totalS).toArray());
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | – / %.0f / %.0f / – %% | %.0f |", w, who,
                clip.format(2), Stats.of(runs.stream().mapToDouble(x -> x.denoiseS() / x.calls()).toArray()).format(3),
                Stats.of(runs.stream().mapToDouble(x -> 1000 * x.decodeS() / x.frames()).toArray()).format(2),
                clip.dividedBy(r.clipSeconds()).format(2),
                100 * Stats.of(runs.stream().mapToDouble(RefRun::denoiseS).toArray()).median() / clip.median(),
                100 * Stats.of(runs.stream().mapToDouble(RefRun::decodeS).toArray()).median() / clip.median(),
                ProcStatus.mib(r.refPeakKb()));
    }

    private static String engineLine(String w, String who, Row r, List<EngineRun> runs) {
        Stats clip = Stats.of(runs.stream().mapToDouble(EngineRun::seconds).toArray());
        double whole = Stats.of(runs.stream().mapToDouble(EngineRun::secondsWithFile).toArray()).median();
        double text = Stats.of(runs.stream().mapToDouble(x -> x.textMs() / 1000.0).toArray()).median();
        double den = Stats.of(runs.stream().mapToDouble(x -> x.denoiseMs() / 1000.0).toArray()).median();
        double dec = Stats.of(runs.stream().mapToDouble(x -> x.decodeMs() / 1000.0).toArray()).median();
        double file = Stats.of(runs.stream().mapToDouble(x -> x.fileMs() / 1000.0).toArray()).median();
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %.0f / %.0f / %.0f / %.0f %% | %.0f |", w, who, clip.format(2),
                Stats.of(runs.stream().mapToDouble(x -> x.denoiseMs() / 1000.0 / x.modelCalls()).toArray()).format(3),
                Stats.of(runs.stream().mapToDouble(x -> (double) x.decodeMs() / x.frames()).toArray()).format(2),
                clip.dividedBy(r.clipSeconds()).format(2),
                100 * text / whole, 100 * den / whole, 100 * dec / whole, 100 * file / whole, ProcStatus.mib(r.enginePeakKb()));
    }

    private void writeJson(List<Row> rows) throws java.io.IOException {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("machine", MachineInfo.current());
        doc.put("rows", rows);
        m.writeValue(cfg.json().toFile(), doc);
    }
}
