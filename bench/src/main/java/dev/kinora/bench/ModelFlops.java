package dev.kinora.bench;

import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * FLOPs and achieved throughput of the pack's denoiser (one guided call: batch 2, one window) and VAE
 * decoder (one chunk of 16 frames). MACs are counted from a profile taken at basic optimisation, where
 * every Conv/MatMul/Gemm of the exported graph is still its own node with its real shapes; times are
 * taken with the engine's own session options.
 */
public final class ModelFlops {
    /** What one model costs and achieves; {@code opShare} is kernel time by operator type at the engine's options. */
    public record Result(String model, String shape, long macs, Stats seconds, Stats secondsBasic, Map<String, Long> opTimeUs,
                         int unitsPerCall, double loadSeconds) {
        public double gflopsAchieved() {
            return 2.0 * macs / seconds.median() / 1e9;
        }

        public List<String> lines(double peakGflops) {
            List<String> out = new ArrayList<>();
            out.add(String.format(Locale.ROOT, "%s %s: %.3f GMAC = %.2f GFLOP per call", model, shape, macs / 1e9, 2 * macs / 1e9));
            out.add(String.format(Locale.ROOT, "  time per call (engine options): %s ms; basic optimisation only: %s ms; session load %.0f ms",
                    seconds.dividedBy(1e-3).format(1), secondsBasic.dividedBy(1e-3).format(1), 1000 * loadSeconds));
            out.add(String.format(Locale.ROOT, "  achieved: %.1f GFLOP/s = %.0f %% of the measured matmul peak (%.1f GFLOP/s)",
                    gflopsAchieved(), 100 * gflopsAchieved() / peakGflops, peakGflops));
            long total = opTimeUs.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder sb = new StringBuilder("  kernel time by operator:");
            int shown = 0;
            for (Map.Entry<String, Long> e : opTimeUs.entrySet()) {
                if (shown++ == 8) {
                    break;
                }
                sb.append(String.format(Locale.ROOT, " %s %.0f%%", e.getKey(), 100.0 * e.getValue() / Math.max(total, 1)));
            }
            out.add(sb.toString());
            return out;
        }
    }

    /** The token count of a typical Tiny World prompt ("a yellow star floats up over the desert" is 10 with [CLS] and [SEP]). */
    static final int PROMPT_TOKENS = 12;

    private ModelFlops() {
    }

    public static Result denoiser(ModelPack pack, RuntimeOptions options, int reps) throws Exception {
        Component c = pack.require(ModelPack.DENOISER);
        ModelPack.LatentGeometry g = pack.latent();
        // a guided text-to-video call: cond and uncond rows in one batch, as the engine runs them
        int b = pack.defaults().guidance(Mode.GENERATE) != 1f ? 2 : 1;
        long[] lat = {b, g.channels(), pack.frames(), g.height(), g.width()};
        long[] mask = {b, 1, pack.frames(), g.height(), g.width()};
        boolean tokens = c.input("text_tokens").isPresent();
        Inputs in = p -> {
            p.input(c.inputName("sample"), lat, 1, Float.NaN)
                    .input(c.inputName("timestep"), new long[] {b}, 0, 0.5f)
                    .input(c.inputName("text_embeds"), new long[] {b, pack.text().dim()}, 2, Float.NaN)
                    .input(c.inputName("cond"), lat, 3, 0f)
                    .input(c.inputName("mask"), mask, 0, 0f);
            if (tokens) {
                // a denoiser that attends to the prompt's token states (Tiny World since 2.4.0): a prompt of PROMPT_TOKENS
                p.input(c.inputName("text_tokens"), new long[] {b, PROMPT_TOKENS, pack.text().dim()}, 5, Float.NaN)
                        .input(c.inputName("text_mask"), new long[] {b, PROMPT_TOKENS}, 0, 1f);
            }
            return p;
        };
        return measure("denoiser", "[" + b + "," + g.channels() + "," + pack.frames() + "," + g.height() + "," + g.width() + "]"
                        + (tokens ? " with " + PROMPT_TOKENS + " prompt tokens" : ""),
                c.path(pack.root()), options, reps, in, 1);
    }

    public static Result decoder(ModelPack pack, RuntimeOptions options, int reps) throws Exception {
        Component c = pack.require(ModelPack.VAE_DECODER);
        ModelPack.LatentGeometry g = pack.latent();
        int n = 16;
        long[] lat = {n, g.channels(), g.height(), g.width()};
        return measure("vae decoder", "[" + n + "," + g.channels() + "," + g.height() + "," + g.width() + "]", c.path(pack.root()),
                options, reps, p -> p.input(c.inputName("latent"), lat, 4, Float.NaN), n);
    }

    @FunctionalInterface
    private interface Inputs {
        OrtProbe fill(OrtProbe p) throws Exception;
    }

    private static Result measure(String name, String shape, Path file, RuntimeOptions options, int reps, Inputs inputs, int units)
            throws Exception {
        Path dir = Files.createTempDirectory("kinora-profile");
        try {
            long macs;
            Stats basic;
            try (OrtProbe p = inputs.fill(OrtProbe.open(file, options, true, dir.resolve("basic")))) {
                p.runOnce();
                macs = MacCounter.totalMacs(p.profile().run(0));
                basic = Stats.of(0.0);
            }
            try (OrtProbe p = inputs.fill(OrtProbe.open(file, options, true, null))) {
                basic = p.time(1, Math.max(3, reps / 2));
            }
            Map<String, Long> ops;
            try (OrtProbe p = inputs.fill(OrtProbe.open(file, options, false, dir.resolve("opt")))) {
                for (int i = 0; i < 4; i++) {
                    p.runOnce();
                }
                ops = p.profile().timeByOpType(1);
            }
            Stats t;
            long l0 = System.nanoTime();
            try (OrtProbe p = inputs.fill(OrtProbe.open(file, options, false, null))) {
                double load = (System.nanoTime() - l0) / 1e9;
                t = p.time(2, reps);
                return new Result(name, shape, macs, t, basic, ops, units, load);
            }
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }
}
