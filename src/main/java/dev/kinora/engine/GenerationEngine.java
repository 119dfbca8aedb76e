package dev.kinora.engine;

import dev.kinora.engine.model.PromptLexicon;
import dev.kinora.engine.model.TextEmbedding;
import dev.kinora.engine.model.TextEncoder;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.onnx.OrtRuntime;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.HashCache;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.engine.pack.PackVerifier;
import dev.kinora.engine.pack.Verification;
import dev.kinora.engine.pipeline.LoadedPack;
import dev.kinora.engine.pipeline.MemoryEstimate;
import dev.kinora.engine.pipeline.MemoryLimits;
import dev.kinora.engine.pipeline.MemoryPlanner;
import dev.kinora.engine.pipeline.VideoPipeline;
import dev.kinora.engine.tensor.Npy;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's one entry point for the CLI and the studio. A pack's files are hashed in full the
 * first time this engine loads it (the on-disk hash cache is user-writable, so it is not trusted
 * for that); a reload after {@link #unload} may use the cache's proven-unchanged fast path. Sessions
 * stay loaded between jobs; jobs run one at a time (a single model fills a small machine).
 * Thread-safe: call {@link #generate} from any worker thread, never from a UI thread.
 *
 * <p>Two locks: {@code jobs} is held for a whole generation, {@code this} only while the table of
 * loaded packs changes. So counting a prompt's tokens (the editor does it while typing) never
 * waits for a running job, and nothing is closed under a job: {@link #unload} and {@link #close}
 * wait for it.
 */
public final class GenerationEngine implements AutoCloseable {
    private final PackRegistry registry;
    private final RuntimeOptions options;
    private final PackVerifier verifier;
    private final DeviceReport device;
    private final MemoryLimits.Source memory;
    private final Map<String, LoadedPack> loaded = new HashMap<>();
    /** Pack folders whose every byte this engine has hashed. */
    private final Set<Path> hashedInFull = new HashSet<>();
    /** Held for the length of a generation: one job at a time, and no unload under it. */
    private final Object jobs = new Object();

    public GenerationEngine(PackRegistry registry, RuntimeOptions options) {
        this(registry, options, HashCache.defaultCache(), MemoryLimits::detect);
    }

    public GenerationEngine(PackRegistry registry, RuntimeOptions options, HashCache hashes) {
        this(registry, options, hashes, MemoryLimits::detect);
    }

    public GenerationEngine(PackRegistry registry, RuntimeOptions options, MemoryLimits.Source memory) {
        this(registry, options, HashCache.defaultCache(), memory);
    }

    /**
     * An engine whose jobs are checked against the memory the source reports before each job (the standard one reads
     * MemAvailable and the kinora.memory.* settings; tests inject limits). A job whose estimate does not fit is
     * refused before anything loads: {@link InvalidRequestException} when a smaller job would fit,
     * {@link PackException} when even the pack's smallest job would not.
     */
    public GenerationEngine(PackRegistry registry, RuntimeOptions options, HashCache hashes, MemoryLimits.Source memory) {
        this.registry = registry;
        this.options = options;
        this.verifier = new PackVerifier(hashes);
        this.device = OrtRuntime.resolve(options.device());
        this.memory = memory;
    }

    public static GenerationEngine standard() {
        return new GenerationEngine(PackRegistry.standard(), RuntimeOptions.defaults());
    }

    public PackRegistry registry() {
        return registry;
    }

    public RuntimeOptions options() {
        return options;
    }

    /** The device sessions actually run on, with the reason when it differs from the one asked for. */
    public DeviceReport device() {
        return device;
    }

    /** A verified pack, its sessions loaded on first use. */
    public synchronized ModelPack pack(String id) throws PackException {
        return loadedPack(id).pack();
    }

    public PackVerifier.Report verify(ModelPack pack) {
        return verifier.verify(pack);
    }

    /** Does not wait for a running job: only the pack's tokenizer is used. */
    public int countTokens(String packId, String prompt) throws PackException {
        return loadedPack(packId).countTokens(prompt);
    }

    /**
     * {@link #embed} plus each prompt's token states, streamed to {@code tokens} from the same encoder calls: float16
     * .npy [N, L, dim], L the longest prompt's token count, zero past a prompt's end, and the counts as int16 .npy [N]
     * beside it ({@code NAME_len.npy}). Both files are written to a temp file and renamed. Tiny World's token-attending
     * denoiser trains on these (`kinora embed --tokens`).
     */
    public Embeddings embed(String packId, List<String> prompts, Path tokens) throws PackException, IOException {
        int len = longestPrompt(packId, prompts);
        int dim = loadedPack(packId).pack().text().dim();
        float[] pooled = new float[prompts.size() * dim];
        short[] counts = new short[prompts.size()];
        int[] truncated = {0};
        TextEncoder enc = text(packId);
        writeAtomically(tokens, os -> {
            Npy.writeHeader(os, "<f2", prompts.size(), len, dim);
            ByteBuffer row = ByteBuffer.allocate(len * dim * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < prompts.size(); i++) {
                TextEmbedding t = enc.encode(prompts.get(i));
                if (t.tokens() > len) {
                    throw new IllegalStateException("prompt " + (i + 1) + " has " + t.tokens() + " tokens, counted " + len + " at most");
                }
                System.arraycopy(t.vector(), 0, pooled, i * dim, dim);
                counts[i] = (short) t.tokens();
                truncated[0] += t.truncated() ? 1 : 0;
                row.clear();
                float[] st = t.tokenStates();
                for (int k = 0; k < len * dim; k++) {
                    row.putShort(k < st.length ? Npy.toHalf(st[k]) : 0);
                }
                os.write(row.array());
            }
        });
        String name = tokens.getFileName().toString();
        Path lens = tokens.resolveSibling((name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name) + "_len.npy");
        writeAtomically(lens, os -> {
            Npy.writeHeader(os, "<i2", prompts.size());
            ByteBuffer b = ByteBuffer.allocate(counts.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (short c : counts) {
                b.putShort(c);
            }
            os.write(b.array());
        });
        return new Embeddings(prompts.size(), dim, pooled, truncated[0]);
    }

    /** The most tokens any of the prompts becomes, at least 1 (tokenizer only). */
    private int longestPrompt(String packId, List<String> prompts) throws PackException {
        int maxTokens = loadedPack(packId).pack().text().maxTokens();
        int len = 1;
        for (String p : prompts) {
            len = Math.max(len, Math.min(countTokens(packId, p), maxTokens));
        }
        return len;
    }

    private interface StreamBody {
        void write(OutputStream os) throws IOException, PackException;
    }

    /** {@code body} written to a temporary file beside {@code target}, then renamed over it: a crash leaves no half file. */
    private static void writeAtomically(Path target, StreamBody body) throws IOException, PackException {
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                body.write(os);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Each prompt as the pack's lexicon reads it before its text encoder (the words its captions never had replaced by
     * the ones they mean); the prompts themselves for a pack without one. Generation applies this itself; `kinora embed
     * --read` uses it to embed prompts as a generation would.
     */
    public List<String> read(String packId, List<String> prompts) throws PackException {
        PromptLexicon lexicon = loadedPack(packId).lexicon();
        List<String> out = new ArrayList<>(prompts.size());
        for (String p : prompts) {
            out.add(lexicon.read(p).text());
        }
        return out;
    }

    /** The pack's embedding of each prompt, as its denoiser receives it (`kinora embed`; Tiny World trains on these). */
    public Embeddings embed(String packId, List<String> prompts) throws PackException {
        TextEncoder enc = loadedPack(packId).text();
        int dim = loadedPack(packId).pack().text().dim();
        float[] all = new float[prompts.size() * dim];
        int truncated = 0;
        for (int i = 0; i < prompts.size(); i++) {
            TextEmbedding e = enc.encode(prompts.get(i));
            System.arraycopy(e.vector(), 0, all, i * dim, dim);
            truncated += e.truncated() ? 1 : 0;
        }
        return new Embeddings(prompts.size(), dim, all, truncated);
    }

    /**
     * The pack's default job's memory estimate on this engine's device and what this machine has now,
     * as lines for a person (`kinora models info`); a pack whose graphs cannot be read says so.
     */
    public String memoryReport(ModelPack pack) {
        MemoryPlanner planner = new MemoryPlanner(pack, device.used());
        try {
            MemoryEstimate e = planner.estimate(planner.defaultJob(), false);
            MemoryLimits now = memory.now();
            String fits = now.ram() == MemoryLimits.UNKNOWN ? "" : e.peakRam() <= now.ram() ? " (fits)"
                    : planner.estimate(planner.defaultJob(), true).peakRam() <= now.ram() ? " (fits with components loaded one at a time)"
                    : " (does not fit)";
            return e.describe() + "\navailable RAM " + MemoryLimits.format(now.ram()) + fits;
        } catch (PackException e) {
            return "unknown: " + e.getMessage();
        }
    }

    /**
     * The pack's default job's planned peak memory on the CPU and on a CUDA GPU, in words (the studio's model manager):
     * e.g. "16 frames: RAM 1.2 GiB · GPU: RAM 0.4 GiB, VRAM 2.1 GiB". Reads the graphs' headers, not their weights.
     */
    public static String memorySummary(ModelPack pack) {
        try {
            MemoryPlanner cpu = new MemoryPlanner(pack, dev.kinora.engine.onnx.Device.CPU);
            MemoryEstimate c = cpu.estimate(cpu.defaultJob(), false);
            MemoryPlanner gpu = new MemoryPlanner(pack, dev.kinora.engine.onnx.Device.CUDA);
            MemoryEstimate g = gpu.estimate(gpu.defaultJob(), false);
            return c.job().outputFrames() + " frames: CPU RAM " + MemoryLimits.format(c.peakRam()) + " · CUDA: VRAM "
                    + MemoryLimits.format(g.peakVram()) + ", RAM " + MemoryLimits.format(g.peakRam());
        } catch (PackException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    public synchronized TextEncoder text(String packId) throws PackException {
        return loadedPack(packId).text();
    }

    /**
     * Runs a job to the end, or until {@code cancel} fires: then a {@link GenerationCancelledException}
     * carries the windows that were finished.
     */
    public GenerationResult generate(GenerationRequest request, ProgressListener listener, CancelToken cancel)
            throws PackException, InvalidRequestException, GenerationCancelledException {
        synchronized (jobs) {
            LoadedPack lp = loadedPack(request.pack());
            var family = lp.family();
            if (family.isPresent()) {
                return family.get().run(lp, device, memory, request, listener, cancel);
            }
            return new VideoPipeline(lp, device, memory).run(request, listener, cancel);
        }
    }

    private synchronized LoadedPack loadedPack(String id) throws PackException {
        LoadedPack lp = loaded.get(id);
        if (lp == null) {
            ModelPack pack = registry.find(id);
            Path root = pack.root().toAbsolutePath().normalize();
            verifier.verifyOrThrow(pack, hashedInFull.contains(root) ? Verification.QUICK : Verification.FULL);
            hashedInFull.add(root);
            lp = new LoadedPack(pack, options, device.used());
            loaded.put(id, lp);
            loaded.put(pack.id(), lp);
        }
        return lp;
    }

    /** Frees a pack's sessions (e.g. before loading a bigger one). */
    public void unload(String id) {
        synchronized (jobs) {
            synchronized (this) {
                LoadedPack lp = loaded.remove(id);
                if (lp != null) {
                    loaded.values().removeIf(v -> v == lp);
                    lp.close();
                }
            }
        }
    }

    /** Waits for a running job (cancel it first), then frees every session. */
    @Override
    public void close() {
        synchronized (jobs) {
            synchronized (this) {
                for (LoadedPack lp : new HashSet<>(loaded.values())) {
                    lp.close();
                }
                loaded.clear();
            }
        }
    }
}
