package dev.kinora.bench;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.media.MediaIO;
import dev.kinora.media.OutputFormat;
import dev.kinora.media.UpscaleFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs text-to-video jobs through the real engine facade, as the CLI and the studio do, and times the
 * file written after them (MP4, as `kinora generate` writes by default).
 */
public final class EngineHarness implements AutoCloseable {
    private final GenerationEngine engine;
    private final ModelPack pack;
    private final Path scratch;
    private GenerationResult last;

    public EngineHarness(String packId, RuntimeOptions options) throws Exception {
        this.engine = new GenerationEngine(PackRegistry.standard(), options);
        this.pack = engine.pack(packId);
        this.scratch = Files.createTempDirectory("kinora-bench");
    }

    public GenerationEngine engine() {
        return engine;
    }

    public ModelPack pack() {
        return pack;
    }

    public GenerationRequest request(Workload w, String prompt, long seed) {
        return GenerationRequest.textToVideo(pack.id(), prompt, seed).withSampling(w.steps(), Float.NaN, "").withFrames(w.frames());
    }

    /**
     * One generation. With {@code previews} a listener takes every preview the engine makes (the studio's
     * case: the engine only decodes previews when someone listens); {@code writeFile} adds the MP4 encode.
     */
    public EngineRun run(Workload w, String prompt, long seed, boolean previews, boolean writeFile, ProgressListener also)
            throws Exception {
        AtomicInteger shown = new AtomicInteger();
        ProgressListener listener = !previews && also == ProgressListener.NONE ? ProgressListener.NONE : p -> {
            if (!p.preview().isEmpty()) {
                shown.incrementAndGet();
            }
            also.onProgress(p);
        };
        GenerationResult r = engine.generate(request(w, prompt, seed), listener, new CancelToken());
        long fileMs = 0;
        if (writeFile) {
            Path out = scratch.resolve("clip.mp4");
            long t0 = System.nanoTime();
            MediaIO.writeResult(r, out, OutputFormat.MP4, 1, UpscaleFilter.NEAREST, 0);
            fileMs = (System.nanoTime() - t0) / 1_000_000;
            Files.deleteIfExists(out);
            Files.deleteIfExists(MediaIO.sidecar(out));
        }
        last = r;
        GenerationResult.Timings t = r.timings();
        return new EngineRun(t.textMs(), t.denoiseMs(), t.decodeMs(), t.totalMs(), fileMs, t.modelCalls(), r.frames().count(),
                shown.get(), ProcStatus.rssKb());
    }

    /** The frames of the last run, for comparing outputs. */
    public GenerationResult last() {
        return last;
    }

    @Override
    public void close() {
        engine.close();
        try (var files = Files.walk(scratch)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temp folder left behind is harmless
        }
    }
}
