package dev.kinora.engine.pipeline;

import static dev.kinora.engine.pipeline.MemoryLimits.UNKNOWN;
import static dev.kinora.engine.pipeline.MemoryLimits.format;

import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.OnnxGraphInfo;
import dev.kinora.engine.pack.PackException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Estimates a job's peak memory before it runs, from the pack's graphs and the job's sizes, and decides how it runs:
 * with every component kept loaded (fast: the studio renders many takes), else with components loaded one at a time,
 * else not at all. The model, calibrated on Tiny World and the tiny test pack (docs/engine.md, "Memory"):
 * <pre>
 *   session      = 6 MiB + 2 × weights on the CPU (ORT's own copies and prepacked kernels; 1 × on CUDA, on the host
 *                  while loading, and 1 × in GPU memory)
 *   activations  = 3 × largest, largest = max(largest tensor the graph declares at these shapes,
 *                                             positions × widest layer × 4 bytes)
 *                  (+ 2 × batch × heads × tokens² × 4 for attention on the CPU, heads = hidden width / 64)
 *   engine       = output frames × W × H × 3 + one window's latents, guidance batch, input buffers and decode chunk
 *   phase RAM    = sessions loaded + activations of the running one + engine
 * </pre>
 * where positions are those of the lowest-resolution input or output (batch × frames × h × w for a denoiser). It is
 * rough by design (measured within a factor of 1.5 on the shipped packs; attention and patching make it
 * pessimistic for large transformers), but it turns "killed by the OOM killer after ten minutes" into a refusal
 * up front that says what to change.
 */
public final class MemoryPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryPlanner.class);

    /** ORT's per-session host memory beyond the weights (thread pools, allocator, graph), measured 5–8 MiB. */
    static final long SESSION_BASE = 6L << 20;
    /** Host bytes per weight byte on the CPU: ORT keeps initializers and prepacked copies; measured 1.6–3. */
    static final double CPU_WEIGHT_FACTOR = 2.0;
    /** Live tensors per "largest tensor" during a call: an op's inputs, its output and a skip connection. */
    static final double ACTIVATION_FACTOR = 3.0;
    /** CUDA context, cuBLAS/cuDNN workspaces: not calibrated here (no GPU on the build machines). */
    static final long CUDA_CONTEXT = 512L << 20;

    private final ModelPack pack;
    private final Device device;
    private final Map<String, OnnxGraphInfo> graphs = new HashMap<>();

    /** @param device where the sessions run: CPU or CUDA (AUTO counts as the CPU) */
    public MemoryPlanner(ModelPack pack, Device device) {
        this.pack = pack;
        this.device = device == Device.CUDA ? Device.CUDA : Device.CPU;
    }

    /**
     * A job's sizes: what the user asked for, and what the engine will hold for it.
     *
     * @param window        frames of the largest window sampled
     * @param batch         2 with classifier-free guidance (cond and uncond in one call), else 1
     * @param outputFrames  frames of the result, source frames included
     * @param encodedFrames source frames encoded by the VAE encoder at once (0: the encoder is not used)
     * @param windows       windows sampled
     */
    public record Job(Mode mode, int frames, int context, float guidance, List<Integer> sources, boolean prompt,
                      int window, int batch, int outputFrames, int encodedFrames, int windows) {
        public Job {
            sources = List.copyOf(sources);
        }
    }

    /** The sizes of a job as VideoPipeline runs it (frames as planned: new frames for extend, the bridge for loop). */
    public Job job(Mode mode, int frames, int context, float guidance, List<Integer> sources, boolean prompt) {
        var family = Families.find(pack);
        if (family.isPresent()) {
            return family.get().job(pack, mode, frames, context, guidance, sources, prompt);
        }
        int window = pack.frames();
        int src = sources.isEmpty() ? 0 : sources.get(0);
        int out;
        int largest = window;
        int windows = 1;
        int encoded;
        switch (mode) {
            case GENERATE, ANIMATE -> {
                out = frames;
                windows = 1 + ceilDiv(Math.max(0, frames - window), window - context);
                encoded = mode == Mode.ANIMATE ? 1 : 0;
            }
            case EXTEND -> {
                int k = Math.min(context, src);
                out = src + frames;
                windows = ceilDiv(frames, window - k);
                encoded = Math.max(k, Math.min(LoadedPack.VAE_CHUNK, src));
            }
            case INTERPOLATE -> {
                out = src + frames + (sources.size() > 1 ? sources.get(1) : 0);
                largest = frames + 2;
                encoded = 2;
            }
            case LOOP -> {
                int k = Math.min(context, window / 4);
                if (sources.isEmpty()) {
                    out = window + window - 2 * k;
                    windows = 2;
                    encoded = k;
                } else {
                    int kk = Math.min(k, src);
                    out = src + frames;
                    largest = frames + 2 * kk;
                    encoded = kk;
                }
            }
            case REMIX -> {
                int total = Math.min(frames, src);
                out = total;
                largest = Math.min(window, total);
                windows = 1 + ceilDiv(Math.max(0, total - window), window - Math.min(context, window / 2));
                encoded = largest;
            }
            default -> throw new IllegalStateException(mode.toString());
        }
        return new Job(mode, frames, context, guidance, sources, prompt, Math.max(1, largest), guidance != 1f ? 2 : 1, out, encoded, windows);
    }

    ModelPack pack() {
        return pack;
    }

    /** The pack's default text-to-video job (what `kinora models info` shows). */
    public Job defaultJob() {
        return job(Mode.GENERATE, pack.frames(), pack.defaults().contextFrames(), pack.defaults().guidance(Mode.GENERATE), List.of(), true);
    }

    private Job withSampling(Job j, int frames, float guidance) {
        return job(j.mode(), frames, j.context(), guidance, j.sources(), j.prompt());
    }

    /** The estimate for a job, with all components kept loaded or loaded one at a time. */
    public MemoryEstimate estimate(Job job, boolean sequential) throws PackException {
        List<MemoryEstimate.Component> comps = new ArrayList<>();
        MemoryEstimate.Buffers buffers;
        var family = Families.find(pack);
        if (family.isPresent()) {
            buffers = family.get().buffers(this, job, comps);
        } else {
            buffers = framewise(job, comps);
        }
        return phases(job, sequential, comps, buffers);
    }

    private MemoryEstimate.Buffers framewise(Job job, List<MemoryEstimate.Component> comps) throws PackException {
        int c = pack.latent().channels();
        long hw = (long) pack.latent().height() * pack.latent().width();
        long pixels = (long) pack.width() * pack.height();
        if (job.prompt() && pack.component(ModelPack.TEXT_ENCODER).isPresent()) {
            long[] ids = {1, pack.text().maxTokens()};
            comps.add(component(ModelPack.TEXT_ENCODER, Map.of("input_ids", ids, "attention_mask", ids, "token_type_ids", ids), 1,
                    pack.text().maxTokens() + " tokens"));
        }
        if (job.encodedFrames() > 0) {
            int n = Math.min(LoadedPack.VAE_CHUNK, job.encodedFrames());
            comps.add(component(ModelPack.VAE_ENCODER, Map.of("sample", new long[] {n, 3, pack.height(), pack.width()}), n,
                    n + " frame" + (n == 1 ? "" : "s")));
        }
        long[] latents = {job.batch(), c, job.window(), pack.latent().height(), pack.latent().width()};
        Map<String, long[]> denoiserInputs = new java.util.HashMap<>(Map.of("sample", latents, "cond", latents, "timestep", new long[] {job.batch()},
                "text_embeds", new long[] {job.batch(), pack.text().dim()},
                "mask", new long[] {job.batch(), 1, job.window(), pack.latent().height(), pack.latent().width()}));
        if (pack.component(ModelPack.DENOISER).flatMap(d -> d.input("text_tokens")).isPresent()) {
            denoiserInputs.put("text_tokens", new long[] {job.batch(), pack.text().maxTokens(), pack.text().dim()});
            denoiserInputs.put("text_mask", new long[] {job.batch(), pack.text().maxTokens()});
        }
        comps.add(component(ModelPack.DENOISER, denoiserInputs, job.batch(), job.batch() + " x " + job.window() + " frames"));
        int chunk = Math.min(LoadedPack.VAE_CHUNK, job.window());
        comps.add(component(ModelPack.VAE_DECODER, Map.of("latent", new long[] {chunk, c, pack.latent().height(), pack.latent().width()}),
                chunk, chunk + " frame" + (chunk == 1 ? "" : "s")));
        if (usesReferenceDecoder(job)) {
            long[] one = {1, c, pack.latent().height(), pack.latent().width()};
            comps.add(component(ModelPack.VAE_DECODER_REF, Map.of("latent", one, "ref_latent", one,
                    "reference", new long[] {1, 3, pack.height(), pack.width()}), 1, "1 frame after its neighbour"));
        }

        long n = c * job.window() * hw;
        long b = job.batch();
        // a step's arrays (noise, x, known, init, guided, clean, next, re-noised known, previous window) + the guided pair
        // (stacked input, cond, prediction) + mask, and the denoiser's direct input buffers (sample, cond, mask)
        long denoise = ((9 + 3 * b) * n + 2 * b * job.window() * hw) * Float.BYTES + b * (2 * n + job.window() * hw) * Float.BYTES;
        long decode = chunk * (2L * c * hw * Float.BYTES + pixels * 3 * (2 * Float.BYTES + 1));
        long encode = job.encodedFrames() * pixels * 3 * Float.BYTES + Math.min(LoadedPack.VAE_CHUNK, job.encodedFrames()) * pixels * 3 * Float.BYTES;
        long frames = job.outputFrames() * pixels * 3;
        return new MemoryEstimate.Buffers(frames, denoise + Math.max(decode, encode),
                String.format(Locale.ROOT, "%d frames of %dx%d: %s; a window's latents and guidance batch: %s", job.outputFrames(),
                        pack.width(), pack.height(), format(frames), format(denoise)));
    }

    /**
     * Whether the job decodes with the pack's reference decoder: always when the pack carries the reference throughout;
     * with {@code defaults.referenceFrames} only after a shown frame, which a text-to-video or remix job's single
     * window does not have (VideoPipeline.decodeAfter).
     */
    private boolean usesReferenceDecoder(Job job) {
        if (pack.component(ModelPack.VAE_DECODER_REF).isEmpty()) {
            return false;
        }
        boolean firstWindowOnly = job.windows() <= 1 && (job.mode() == Mode.GENERATE || job.mode() == Mode.REMIX);
        return pack.defaults().referenceFrames() == 0 || !firstWindowOnly;
    }

    private MemoryEstimate phases(Job job, boolean sequential, List<MemoryEstimate.Component> comps, MemoryEstimate.Buffers buffers) {
        boolean gpu = device == Device.CUDA;
        Map<String, MemoryEstimate.Component> byKey = new HashMap<>();
        comps.forEach(x -> byKey.put(x.key(), x));
        Set<String> used = byKey.keySet();
        List<MemoryEstimate.Phase> phases = new ArrayList<>();
        boolean chained = job.windows() > 1;
        for (MemoryEstimate.Component active : comps) {
            Set<String> loaded = new LinkedHashSet<>();
            if (!sequential) {
                loaded.addAll(comps.stream().map(MemoryEstimate.Component::key).toList());
            } else {
                loaded.add(active.key());
                switch (active.key()) {
                    case ModelPack.DENOISER -> {
                        addIf(loaded, used, ModelPack.VAE_ENCODER, true);
                        addIf(loaded, used, ModelPack.VAE_DECODER, chained);
                        addIf(loaded, used, ModelPack.VAE_DECODER_REF, chained);
                    }
                    case ModelPack.VAE_DECODER, ModelPack.VAE_DECODER_REF -> {
                        // the two decoders take turns frame by frame, so both stay loaded while either runs
                        addIf(loaded, used, ModelPack.VAE_ENCODER, true);
                        addIf(loaded, used, ModelPack.VAE_DECODER, true);
                        addIf(loaded, used, ModelPack.VAE_DECODER_REF, true);
                        addIf(loaded, used, ModelPack.DENOISER, chained);
                    }
                    default -> {
                    }
                }
            }
            boolean text = active.key().equals(ModelPack.TEXT_ENCODER);
            long sessions = loaded.stream().mapToLong(k -> byKey.get(k).session()).sum();
            long ram = sessions + (gpu ? 0 : active.activations()) + (text ? 0 : buffers.total());
            long vram = !gpu ? 0 : CUDA_CONTEXT + loaded.stream().mapToLong(k -> byKey.get(k).vram()).sum() + active.activations();
            phases.add(new MemoryEstimate.Phase(phaseName(active.key()), ram, vram, active.key(), List.copyOf(loaded)));
        }
        return new MemoryEstimate(device.id(), job, comps, buffers, sequential, phases);
    }

    /**
     * How the job will run: all components kept loaded if that fits, else one at a time; a job that fits neither way
     * is refused. Sessions of this pack that are loaded already count as available (they would be reused or freed).
     *
     * @throws InvalidRequestException when a smaller job would fit (fewer frames, guidance 1, the CPU): bad input
     * @throws PackException           when even the smallest job of this kind does not fit: the pack cannot run here
     */
    public MemoryEstimate plan(Job job, MemoryLimits limits, Set<String> loaded) throws InvalidRequestException, PackException {
        MemoryEstimate resident = estimate(job, false);
        Budget budget = budget(resident, limits, loaded);
        if (budget.shortfall(resident) == null) {
            return resident;
        }
        MemoryEstimate sequential = estimate(job, true);
        Shortfall s = budget.shortfall(sequential);
        if (s == null) {
            LOG.info("memory: keeping every component of '{}' loaded needs {} of RAM, {} available: loading them one at a time",
                    pack.id(), format(resident.peakRam()), format(budget.ram()));
            return sequential;
        }
        Job smallest = withSampling(job, 1, 1f);
        Shortfall least = budget.shortfall(estimate(smallest, true));
        if (least == null || device == Device.CUDA && cpuFits(job, limits)) {
            throw new InvalidRequestException("not enough memory for this job: " + explain(s) + ". Try " + String.join(", or ", tips(job, budget, limits)) + ".");
        }
        throw new PackException("model '" + pack.id() + "' does not fit in the memory available: even its smallest " + job.mode().id()
                + " job (" + smallest.window() + "-frame window, guidance 1, components loaded one at a time): " + explain(least)
                + ". Free memory for it or use a smaller (or quantized) pack" + (device == Device.CUDA ? ", or run on the CPU (--device cpu)" : "") + ".");
    }

    /** Whether the job would fit in RAM on the CPU (components one at a time): the way out when GPU memory is short. */
    private boolean cpuFits(Job job, MemoryLimits limits) throws PackException {
        return limits.ram() == UNKNOWN || new MemoryPlanner(pack, Device.CPU).estimate(job, true).peakRam() <= limits.ram();
    }

    /** The smaller jobs that would fit, as advice. */
    private List<String> tips(Job job, Budget budget, MemoryLimits limits) throws PackException {
        List<String> tips = new ArrayList<>();
        int lo = 0;
        int hi = job.frames();
        while (hi - lo > 1) { // the most frames that fit: fits(lo) (or lo == 0), !fits(hi)
            int mid = (lo + hi) >>> 1;
            if (budget.shortfall(estimate(withSampling(job, mid, job.guidance()), true)) == null) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        if (lo > 0) {
            tips.add("fewer frames: at most " + lo + " fit, " + job.frames() + " were asked for");
        }
        if (job.batch() == 2 && budget.shortfall(estimate(withSampling(job, job.frames(), 1f), true)) == null) {
            tips.add("guidance 1 (one model pass per step instead of a guided pair)");
        }
        if (device == Device.CUDA && cpuFits(job, limits)) {
            tips.add("the CPU (--device cpu), where it needs about " + format(new MemoryPlanner(pack, Device.CPU).estimate(job, true).peakRam())
                    + " of RAM");
        }
        if (tips.isEmpty()) {
            tips.add("fewer frames, or guidance 1");
        }
        return tips;
    }

    private String explain(Shortfall s) {
        MemoryEstimate e = s.estimate();
        MemoryEstimate.Phase p = s.phase();
        boolean vram = s.resource().equals("GPU memory");
        List<Part> parts = new ArrayList<>();
        if (!s.resource().equals("Java heap")) {
            for (String key : p.loaded()) {
                MemoryEstimate.Component c = e.component(key);
                boolean active = key.equals(p.active());
                boolean activationsHere = active && (vram || device != Device.CUDA);
                long own = (vram ? c.vram() : c.session()) + (activationsHere ? c.activations() : 0);
                parts.add(new Part(own, "the " + key + " " + format(own) + " (weights " + format(c.weights())
                        + (activationsHere ? ", activations " + format(c.activations()) + " for " + c.workload() : "") + ")"));
            }
        }
        if (!vram && !p.active().equals(ModelPack.TEXT_ENCODER)) {
            parts.add(new Part(e.buffers().total(), "the engine's buffers " + format(e.buffers().total()) + " (" + e.buffers().detail() + ")"));
        }
        parts.sort(Comparator.comparingLong(Part::bytes).reversed());
        return "while " + p.name() + " it needs about " + format(s.need()) + " of " + s.resource() + " on the " + e.device()
                + " — " + parts.stream().map(Part::text).collect(Collectors.joining(", ")) + " — but " + format(s.have()) + " is available";
    }

    /** One contributor to a shortfall, for the message: largest first. */
    private record Part(long bytes, String text) {
    }

    private record Shortfall(String resource, long need, long have, MemoryEstimate.Phase phase, MemoryEstimate estimate) {
    }

    /** What the job may use: the limits plus what this pack's loaded sessions already hold. */
    private record Budget(long ram, long vram, long heap) {
        Shortfall shortfall(MemoryEstimate e) {
            if (ram != UNKNOWN && e.peakRam() > ram) {
                return new Shortfall("RAM", e.peakRam(), ram, e.ramPeak(), e);
            }
            if (vram != UNKNOWN && e.device().equals("cuda") && e.peakVram() > vram) {
                return new Shortfall("GPU memory", e.peakVram(), vram, e.vramPeak(), e);
            }
            if (heap != UNKNOWN && e.buffers().total() > heap) {
                MemoryEstimate.Phase decoding = e.phases().get(e.phases().size() - 1);
                return new Shortfall("Java heap", e.buffers().total(), heap, decoding, e);
            }
            return null;
        }
    }

    private Budget budget(MemoryEstimate resident, MemoryLimits limits, Set<String> loaded) {
        long ramCredit = 0;
        long vramCredit = 0;
        for (MemoryEstimate.Component c : resident.components()) {
            if (loaded.contains(c.key())) {
                ramCredit += c.session();
                vramCredit += c.vram();
            }
        }
        if (device == Device.CUDA && !loaded.isEmpty()) {
            vramCredit += CUDA_CONTEXT;
        }
        return new Budget(limits.ram() == UNKNOWN ? UNKNOWN : limits.ram() + ramCredit,
                limits.vram() == UNKNOWN ? UNKNOWN : limits.vram() + vramCredit, limits.heap());
    }

    private MemoryEstimate.Component component(String key, Map<String, long[]> roles, long attentionBatch, String workload) throws PackException {
        return component(key, key, roles, attentionBatch, workload);
    }

    /** The estimate for the part {@code key}, measured on the graph {@code graphKey} (a causal decoder's step graph). */
    MemoryEstimate.Component component(String key, String graphKey, Map<String, long[]> roles, long attentionBatch, String workload)
            throws PackException {
        Component comp = pack.require(graphKey);
        OnnxGraphInfo g = graph(comp);
        Map<String, long[]> shapes = new HashMap<>();
        roles.forEach((role, shape) -> shapes.put(comp.inputName(role), shape));
        long weights = g.weightBytes();
        boolean gpu = device == Device.CUDA;
        long session = SESSION_BASE + (long) ((gpu ? 1.0 : CPU_WEIGHT_FACTOR) * weights);
        return new MemoryEstimate.Component(key, weights, session, gpu ? weights : 0, activations(g, shapes, attentionBatch, gpu,
                SIDE_INPUT_ROLES.stream().map(comp::inputName).collect(Collectors.toSet())), workload);
    }

    /**
     * A Tiny World denoiser's prompt tokens [B, T, D] beside its video latents: side inputs of a conv net over frames,
     * not the token sequence its activations scale with (the Wan and LTX transformers' text comes as text_embeds).
     */
    private static final List<String> SIDE_INPUT_ROLES = List.of("text_tokens", "text_mask");

    /** The activation formula of the class comment; {@code sideInputs}: graph input names that do not set the number of positions. */
    static long activations(OnnxGraphInfo g, Map<String, long[]> shapes, long batch, boolean gpu, Set<String> sideInputs) {
        Map<String, Long> bound = g.bind(shapes);
        long positions = Long.MAX_VALUE;
        long frameArea = 0; // H·W of a 5-D video input: the graph is a conv net over frames, not a token transformer
        for (List<OnnxGraphInfo.Value> values : List.of(g.inputs(), g.outputs())) {
            for (OnnxGraphInfo.Value v : values) {
                long[] dims = dims(v, bound);
                if (dims == null || dims.length < 3 || sideInputs.contains(v.name())) {
                    continue;
                }
                long elements = 1;
                for (long d : dims) {
                    elements *= d;
                }
                long channels = dims.length >= 4 ? dims[1] : dims[dims.length - 1]; // NC(F)HW, or [batch, tokens, width]
                positions = Math.min(positions, elements / Math.max(1, channels));
                if (dims.length == 5) {
                    frameArea = Math.max(frameArea, dims[3] * dims[4]);
                }
            }
        }
        if (positions == Long.MAX_VALUE) {
            positions = 0;
        }
        long largest = Math.max(g.largestTensorBytes(bound), positions * g.widestLayer() * Float.BYTES);
        long act = (long) (ACTIVATION_FACTOR * largest);
        if (!gpu && g.ops().contains("Softmax") && positions > 0) {
            long heads = Math.max(1, g.commonWidth() / 64);
            long tokens = positions / Math.max(1, batch);
            long matrix = tokens * tokens;
            if (frameArea > 0 && frameArea < tokens) {
                // A video U-Net (Tiny World 2, SVD, AnimateDiff) attends within a frame (H·W tokens, F times) or along time
                // at each position (F tokens, H·W times), or over all tokens only at a downsampled level: never all F·H·W
                // at full size. Without value_info the graph does not say which, so count the larger of the factorised two.
                long frames = tokens / frameArea;
                matrix = frames * frameArea * Math.max(frames, frameArea);
            }
            act += 2 * batch * heads * matrix * Float.BYTES;
        }
        return act;
    }

    private static long[] dims(OnnxGraphInfo.Value v, Map<String, Long> bound) {
        long[] out = new long[v.dims().size()];
        for (int i = 0; i < out.length; i++) {
            OnnxGraphInfo.Dim d = v.dims().get(i);
            long x = d.value() >= 0 ? d.value() : d.param() == null ? -1 : bound.getOrDefault(d.param(), -1L);
            if (x < 0) {
                return null;
            }
            out[i] = x;
        }
        return out;
    }

    private synchronized OnnxGraphInfo graph(Component c) throws PackException {
        OnnxGraphInfo g = graphs.get(c.key());
        if (g == null) {
            try {
                g = OnnxGraphInfo.read(c.path(pack.root()));
            } catch (IOException e) {
                throw new PackException(c.path(pack.root()) + ": cannot be read to estimate its memory: " + e.getMessage(), e);
            }
            graphs.put(c.key(), g);
        }
        return g;
    }

    private static void addIf(Set<String> loaded, Set<String> used, String key, boolean when) {
        if (when && used.contains(key)) {
            loaded.add(key);
        }
    }

    private static String phaseName(String key) {
        return switch (key) {
            case ModelPack.TEXT_ENCODER -> "encoding the prompt";
            case ModelPack.VAE_ENCODER -> "encoding the sources";
            case ModelPack.DENOISER -> "denoising";
            case ModelPack.VAE_DECODER -> "decoding";
            case ModelPack.VAE_DECODER_REF -> "decoding after the neighbour";
            default -> key;
        };
    }

    static int ceilDiv(int a, int b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return "MemoryPlanner[" + pack.id() + " on " + device.id() + ", " + graphs.keySet().stream().sorted().collect(Collectors.joining(", ")) + "]";
    }
}
