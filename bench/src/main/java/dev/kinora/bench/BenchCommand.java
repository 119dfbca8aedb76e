package dev.kinora.bench;

import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.ParityCheck;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.PackRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `bench/kb`: the measurements behind docs/benchmarks.md, the benchmark module's command line (not part
 * of the product's `kinora`). Every subcommand prints the machine and the date first. Run them on an
 * otherwise idle machine; they take minutes, not seconds.
 */
@Command(name = "kb", mixinStandardHelpOptions = true,
        description = "Benchmarks: engine vs PyTorch reference, FLOPs and matmul peak, memory soak, FX-thread stalls.",
        subcommands = {BenchCommand.Compare.class, BenchCommand.Flops.class, BenchCommand.Gemm.class, BenchCommand.Soak.class,
                BenchCommand.FxStall.class, BenchCommand.Parity.class, BenchCommand.Machine.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final int OK = 0;
    static final int FAILURE = 1;
    static final int BAD_INPUT = 2;
    static final int PACK = 3;

    /** `java -jar bench/target/kinora-bench.jar …` (bench/kb builds it and sets kinora.home). Exit codes as `kinora`'s. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("kb: " + (e.getMessage() == null ? e : e.getMessage()));
                    if (e instanceof PackException) {
                        return PACK;
                    }
                    if (e instanceof IllegalArgumentException) {
                        return BAD_INPUT;
                    }
                    e.printStackTrace(cmd.getErr());
                    return FAILURE;
                })
                .execute(args));
    }

    static final class Common {
        @Option(names = {"-m", "--model"}, defaultValue = PackRegistry.DEFAULT_PACK, description = "Model pack id or folder (default: ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--threads", defaultValue = "0", description = "Engine intra-op threads (0 = automatic).")
        int threads;

        @Option(names = "--basic-opt", description = "Engine sessions at basic graph optimisation instead of all.")
        boolean basicOpt;

        RuntimeOptions options() {
            return new RuntimeOptions(Device.CPU, threads, !basicOpt);
        }
    }

    static Path home() {
        return Path.of(System.getProperty("kinora.home", "."));
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Engine vs the PyTorch reference sampler: seconds per clip/step/frame, RTF, time shares, peak RSS, output difference.")
    static final class Compare implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--steps", split = ",", defaultValue = "8,16,32", description = "Step counts (default: ${DEFAULT-VALUE}).")
        List<Integer> steps;

        @Option(names = "--frames", split = ",", defaultValue = "16,64,160", description = "Frame counts (default: ${DEFAULT-VALUE}).")
        List<Integer> frames;

        @Option(names = "--matrix", defaultValue = "cross", description = "cross (steps at the first frame count, frames at default steps) or full.")
        String matrix;

        @Option(names = "--runs", defaultValue = "3", description = "Measured runs per side and workload (default: ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--long-runs", defaultValue = "1", description = "Measured runs for clips longer than one window (default: ${DEFAULT-VALUE}).")
        int longRuns;

        @Option(names = "--warmup", defaultValue = "1", description = "Warm-up runs per side before the first workload (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--engine-only", description = "Do not run the PyTorch reference.")
        boolean engineOnly;

        @Option(names = "--python", description = "Python with torch (default: the repository's .venv made by bench/setup-python.sh,"
                + " else Debian's /usr/bin/python3).")
        String python;

        @Option(names = "--ref-ckpt", description = "Reference denoiser weights from this checkpoint instead of the pack's denoiser.onnx"
                + " (train_denoiser's ckpt.pt or train/checkpoints/tinyworld2.pt); checked against the pack's parity tensors.")
        Path ckpt;

        @Option(names = "--ref-ae", description = "Reference decoder weights from this autoencoder checkpoint (ae_final.pt) instead of"
                + " the pack's vae_decoder.onnx.")
        Path ae;

        @Option(names = "--ref-threads", defaultValue = "0", description = "Torch threads (0 = number of CPUs).")
        int refThreads;

        @Option(names = "--ref-jit", description = "Add rows with the reference as frozen TorchScript (optimize_for_inference).")
        boolean refJit;

        @Option(names = "--ref-compile", description = "Add rows with the reference through torch.compile (inductor; needs a C++ compiler).")
        boolean refCompile;

        @Option(names = "--previews", description = "Add a row with live previews on (the studio's case) at the default steps and window.")
        boolean previews;

        @Option(names = "--json", description = "Also write every measurement to this JSON file.")
        Path json;

        @Override
        public Integer call() throws Exception {
            ModelPack pack = PackRegistry.standard().find(common.model);
            List<Workload> w = matrix.equals("full") ? Workload.full(steps, frames)
                    : Workload.cross(steps, frames, pack.defaults().steps());
            Path script = home().resolve("models/tinyworld/bench/reference.py");
            new CompareBench(new CompareBench.Config(common.model, common.options(), w, runs, longRuns, warmup, !engineOnly,
                    ReferencePython.orDefault(python, home()), script,
                    ckpt, ae, refThreads > 0 ? refThreads : Runtime.getRuntime().availableProcessors(), refJit, refCompile, previews,
                    json),
                    System.out).run();
            return OK;
        }
    }

    @Command(name = "flops", mixinStandardHelpOptions = true,
            description = "FLOPs of one denoiser call and one decoder chunk (counted from the graph), their time and the fraction of the measured matmul peak.")
    static final class Flops implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--reps", defaultValue = "10", description = "Timed calls (default: ${DEFAULT-VALUE}).")
        int reps;

        @Option(names = "--ort-config", description = "Extra ONNX Runtime session config entries to try, key=value (e.g. session.intra_op.allow_spinning=0).")
        java.util.Map<String, String> ortConfig = new java.util.LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            System.out.println(MachineInfo.current().describe());
            ortConfig.forEach(OrtProbe::addConfig);
            if (!ortConfig.isEmpty()) {
                System.out.println("extra session config: " + ortConfig);
            }
            ModelPack pack = PackRegistry.standard().find(common.model);
            Stats gemm = GemmProbe.seconds(1024, 20, common.options());
            double peak = GemmProbe.gflops(1024, gemm.min());
            System.out.printf(Locale.ROOT, "measured matmul peak: ONNX Runtime MatMul 1024x1024x1024, best of 20: %.1f GFLOP/s (median %.1f)%n",
                    peak, GemmProbe.gflops(1024, gemm.median()));
            for (String l : ModelFlops.denoiser(pack, common.options(), reps).lines(peak)) {
                System.out.println(l);
            }
            ModelFlops.Result dec = ModelFlops.decoder(pack, common.options(), Math.max(3, reps / 2));
            for (String l : dec.lines(peak)) {
                System.out.println(l);
            }
            System.out.printf(Locale.ROOT, "  per decoded frame: %.3f GFLOP, %.2f ms%n", 2.0 * dec.macs() / dec.unitsPerCall() / 1e9,
                    1000 * dec.seconds().median() / dec.unitsPerCall());
            return OK;
        }
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true, description = "The machine's matmul peak: ONNX Runtime, and torch/numpy with --python.")
    static final class Gemm implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "-n", defaultValue = "1024", description = "Matrix size (default: ${DEFAULT-VALUE}).")
        int n;

        @Option(names = "--reps", defaultValue = "20")
        int reps;

        @Option(names = "--python", arity = "0..1", fallbackValue = "", description = "Also measure torch.matmul and numpy @ with this"
                + " python (no value: the reference's python, as for compare).")
        String python;

        @Override
        public Integer call() throws Exception {
            System.out.println(MachineInfo.current().describe());
            Stats s = GemmProbe.seconds(n, reps, common.options());
            System.out.printf(Locale.ROOT, "ONNX Runtime MatMul %dx%dx%d: best %.1f GFLOP/s, median %.1f GFLOP/s (%d runs)%n", n, n, n,
                    GemmProbe.gflops(n, s.min()), GemmProbe.gflops(n, s.median()), reps);
            if (python != null) {
                Path script = home().resolve("models/tinyworld/bench/reference.py");
                String py = ReferencePython.orDefault(python.isEmpty() ? null : python, home());
                System.out.println("python: " + ReferencePython.describe(py));
                ProcessBuilder pb = new ProcessBuilder(py, script.toString(), "gemm", "--n", Integer.toString(n),
                        "--threads", Integer.toString(Runtime.getRuntime().availableProcessors())).redirectErrorStream(true);
                Process p = pb.start();
                String json = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
                p.waitFor();
                var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.substring(json.lastIndexOf('\n') + 1));
                for (String lib : List.of("torch", "numpy")) {
                    System.out.printf(Locale.ROOT, "%s matmul %dx%dx%d: best %.1f GFLOP/s, median %.1f GFLOP/s%n", lib, n, n, n,
                            node.path(lib).path("gflops_best").asDouble(), node.path(lib).path("gflops_median").asDouble());
                }
            }
            return OK;
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true, description = "Many generations in one process; RSS must stay flat.")
    static final class Soak implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--runs", defaultValue = "200")
        int runs;

        @Option(names = "--steps", defaultValue = "0", description = "Steps per generation (0 = the pack's default).")
        int steps;

        @Option(names = "--frames", defaultValue = "0", description = "Frames per generation (0 = one window).")
        int frames;

        @Option(names = "--tolerance", defaultValue = "0.05")
        double tolerance;

        @Override
        public Integer call() throws Exception {
            ModelPack pack = PackRegistry.standard().find(common.model);
            Workload w = new Workload(steps > 0 ? steps : pack.defaults().steps(), frames > 0 ? frames : pack.frames());
            List<Integer> checkpoints = runs >= 200 ? List.of(10, 100, 200) : List.of(Math.min(10, runs), Math.max(1, runs / 2), runs);
            SoakBench.Result r = SoakBench.run(common.model, common.options(), w, runs, checkpoints, tolerance, System.out);
            return r.flat() ? OK : FAILURE;
        }
    }

    @Command(name = "fx-stall", mixinStandardHelpOptions = true,
            description = "Longest FX-thread stall while generating with live previews (needs a display, or Monocle: see bench/fx_stall.sh).")
    static final class FxStall implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--generations", defaultValue = "3")
        int generations;

        @Option(names = "--studio", description = "The whole studio window instead: change the device during a job, cancel it,"
                + " start a job on a 512-frame source (FxStallStudio), with the installed packs.")
        boolean studio;

        @Option(names = "--steps", defaultValue = "40", description = "With --studio: steps of the job the device changes run under.")
        int steps;

        @Override
        public Integer call() throws Exception {
            System.out.println(MachineInfo.current().describe());
            if (studio) {
                java.nio.file.Path work = java.nio.file.Files.createTempDirectory("kinora-fx-stall");
                FxStallStudio.measure(dev.kinora.engine.pack.PackRegistry.standard(), work, steps, 2000, System.out);
                javafx.application.Platform.exit();
                return OK;
            }
            try (EngineHarness h = new EngineHarness(common.model, common.options())) {
                ModelPack pack = h.pack();
                FxStallProbe.measure(h, new Workload(pack.defaults().steps(), pack.frames()), generations, 2000, System.out);
            }
            javafx.application.Platform.exit();
            return OK;
        }
    }

    @Command(name = "parity", mixinStandardHelpOptions = true,
            description = "Run the pack's parity tensors (parity/parity.json) through ONNX Runtime: is this graph the trained model?"
                    + " (the product's ParityCheck, as TinyWorldParityTest)")
    static final class Parity implements Callable<Integer> {
        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            ModelPack pack = PackRegistry.standard().find(common.model);
            boolean ok = true;
            for (ParityCheck.Result r : ParityCheck.run(pack.root(), common.options())) {
                System.out.println(r.describe());
                ok &= r.ok();
            }
            return ok ? OK : FAILURE;
        }
    }

    @Command(name = "machine", mixinStandardHelpOptions = true, description = "Print the machine line every benchmark starts with.")
    static final class Machine implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.println(MachineInfo.current().describe());
            return OK;
        }
    }
}
