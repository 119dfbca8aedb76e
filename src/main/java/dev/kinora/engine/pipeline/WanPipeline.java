package dev.kinora.engine.pipeline;

import ai.onnxruntime.OrtException;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.Direction;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.UnsupportedModeException;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.Preview;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.RequestLimits;
import dev.kinora.engine.Source;
import dev.kinora.engine.Stage;
import dev.kinora.engine.model.CausalVae;
import dev.kinora.engine.model.OnnxModel;
import dev.kinora.engine.model.PilClipPreprocessor;
import dev.kinora.engine.model.TokenTextEncoder;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.pack.FamilySpec;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.TensorSpec;
import dev.kinora.engine.pack.WanI2vSpec;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.scheduler.Scheduler;
import dev.kinora.engine.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The adapter for {@code family: "wan2.1-t2v"} and {@code "cogvideox-2b"}: diffusers' {@code WanPipeline},
 * {@code WanVideoToVideoPipeline} and {@code CogVideoXPipeline} (the same loop: per-token text, the pack's exact
 * scheduler, guidance by two calls or a batch of two, a causal VAE; CogVideoX's latents are frame-major)
 * on a format-2 pack (docs/pack-format-2.md, *Sampling loop*), plus forward extension by Kinora's mask/replace rule.
 * Every window is exactly the VAE's: L latent frames, F = 1 + 4(L − 1) pixel frames.
 * <pre>
 *   generate     [ . . . ]                 F frames; more continue forward as extensions of the clip so far
 *   extend fwd   [ k . . ]                 k latent frames known: the encoded last 1 + 4(k − 1) frames of the clip
 *   remix        the source's latents noised to the strength's first timestep, then denoised under the new prompt
 * </pre>
 * Known latent frames are re-noised to the next step's level after every step (with the window's own noise for
 * them) and set exactly after the last, so the decoded window starts on the clip's last frames; those re-decoded
 * frames are dropped and the clip's own frames kept byte for byte.
 *
 * <p>{@code family: "wan2.1-i2v"} ({@link WanI2vFamily}, diffusers' {@code WanImageToVideoPipeline}) runs the same loop for
 * {@code animate}: the still's CLIP states (penultimate layer) go to every transformer call beside the text, and the
 * transformer's input is the latents followed by a condition computed once: a mask that is 1 on latent frame 0 and the
 * normalised VAE latents of [still, zeros…]. Nothing is replaced between steps: the model itself keeps frame 0 on the
 * still. One window; the decoded frame 0 is replaced by the still, byte for byte (as LTX and SVD do).
 */
public final class WanPipeline {
    private static final long PREVIEW_INTERVAL_NS = 1_000_000_000L;
    private final LoadedPack lp;
    private final ModelPack pack;
    private final FamilySpec spec;
    /** Wan 2.1 I2V's image conditioning keys; null for text-to-video packs. */
    private final WanI2vSpec i2v;
    private final DeviceReport device;
    private final MemoryLimits.Source limits;
    /** Each window's initial noise [C, L, h, w]; the seeded stream unless a test gives diffusers' own noise. */
    private IntFunction<float[]> noiseOverride;
    /** Tests: sees every window's latents after each step. */
    private StepObserver observer = (window, step, latents) -> { };

    /** What a test may watch: a window's latents after each scheduler step (after known frames are set). */
    interface StepObserver {
        void afterStep(int window, int step, float[] latents);
    }

    public WanPipeline(LoadedPack lp, DeviceReport device, MemoryLimits.Source limits) {
        this.lp = lp;
        this.pack = lp.pack();
        this.spec = pack.family().orElseThrow(() -> new IllegalArgumentException("pack '" + pack.id() + "' is not a format-2 pack"));
        this.i2v = spec.wanI2v();
        this.device = device;
        this.limits = limits;
    }

    /** For tests: window w starts from this noise instead of the seed's. */
    WanPipeline withNoise(IntFunction<float[]> noise) {
        this.noiseOverride = noise;
        return this;
    }

    WanPipeline observe(StepObserver o) {
        this.observer = o;
        return this;
    }

    private record Plan(GenerationRequest request, int steps, float guidance, Schedule schedule, int frames, int context,
                        float strength, int keptSteps) {
    }

    public GenerationResult run(GenerationRequest request, ProgressListener listener, CancelToken cancel)
            throws PackException, InvalidRequestException, GenerationCancelledException {
        Plan plan = plan(request);
        GenerationRequest r = plan.request();
        MemoryEstimate memory = lp.memory().plan(lp.memory().job(r.mode(), plan.frames(), plan.context(), plan.guidance(),
                r.sources().stream().map(s -> s.frames().count()).toList(), true), limits.now(), lp.loadedComponents());
        Job job = new Job(plan, listener, cancel);
        job.sequential = memory.sequential();
        try {
            return job.run();
        } catch (OrtException e) {
            if (cancel.isCancelled()) {
                throw new GenerationCancelledException("cancelled during a model call", job.output.isEmpty() ? null : job.result(false));
            }
            throw new PackException("model '" + pack.id() + "' failed while generating: " + e.getMessage(), e);
        }
    }

    private Plan plan(GenerationRequest r) throws InvalidRequestException, PackException {
        RequestLimits.check(r);
        Mode mode = r.mode();
        if (i2v != null && mode != Mode.ANIMATE) {
            throw new UnsupportedModeException("model pack '" + pack.id() + "' (Wan 2.1 image to video) only animates a still: it needs an"
                    + " image as its first frame, so " + mode.id() + " is not something it can do; give it a still (animate --image)");
        }
        if (!pack.supports(mode)) {
            throw new UnsupportedModeException("model pack '" + pack.id() + "' does not support " + mode.id()
                    + "; it supports " + pack.modes().stream().map(Mode::id).sorted().toList());
        }
        int needed = switch (mode) {
            case GENERATE -> 0;
            case EXTEND, REMIX -> 1;
            case ANIMATE -> {
                if (i2v == null) {
                    throw new UnsupportedModeException("model pack '" + pack.id() + "' (" + spec.family() + ") runs generate, extend and remix; "
                            + mode.id() + " is not implemented for it");
                }
                yield 1;
            }
            default -> throw new UnsupportedModeException("model pack '" + pack.id() + "' (" + spec.family() + ") runs generate, extend and remix; "
                    + mode.id() + " is not implemented for it");
        };
        if (r.sources().size() != needed) {
            throw new InvalidRequestException(mode.id() + " needs " + needed + " source" + (needed == 1 ? "" : "s") + " but got " + r.sources().size());
        }
        if (mode == Mode.EXTEND && r.direction() != Direction.FORWARD) {
            throw new UnsupportedModeException("model '" + pack.id() + "' extends forward only: its causal VAE and denoiser make frames after"
                    + " the ones they know; to add frames before a clip, use a pack that lists backward extension");
        }
        if (mode == Mode.GENERATE && r.prompt().isBlank()) {
            throw new InvalidRequestException("text-to-video needs a prompt; describe the scene, e.g. \"a red ball bounces on green grass\"");
        }
        Pipelines.checkSourceSizes(pack, r.sources());
        int steps = r.steps() > 0 ? r.steps() : pack.defaults().steps();
        float guidance = Float.isNaN(r.guidance()) ? pack.defaults().guidance(r.mode()) : r.guidance();
        RequestLimits.guidance(guidance);
        Schedule schedule = Schedule.resolve(lp, r.mode(), r.scheduler(), r.shift());
        int l = spec.latentFrames();
        schedule.checkSteps(l, steps, 1f);
        int context = r.context() > 0 ? r.context() : pack.defaults().contextFrames();
        if (context < 1 || context >= l) {
            throw new InvalidRequestException("context must be 1 to " + (l - 1) + " latent frames for model '" + pack.id() + "' (a window has "
                    + l + "), got " + context);
        }
        int window = pack.frames();
        int frames = r.frames() > 0 ? r.frames() : switch (mode) {
            case EXTEND -> window - (1 + pack.latent().temporalStride() * (context - 1));
            case REMIX -> r.sources().get(0).frames().count();
            default -> window;
        };
        if (mode == Mode.ANIMATE && frames > window) {
            throw new UnsupportedModeException("model '" + pack.id() + "' makes one clip of at most " + window + " frames from a still; " + frames
                    + " were asked for (Wan 2.1 I2V conditions on frame 0 only: it has no extension)");
        }
        if (frames > window && pack.component(ModelPack.VAE_ENCODER).isEmpty()) {
            throw new UnsupportedModeException("model '" + pack.id() + "' makes one window of at most " + window + " frames; " + frames
                    + " were asked for (continuing a clip needs a VAE encoder, which this pack has not)");
        }
        float strength = mode == Mode.REMIX ? r.strength() : 1f;
        int kept = steps;
        if (mode == Mode.REMIX) {
            if (!(strength > 0 && strength <= 1)) {
                throw new InvalidRequestException("remix strength must be in (0, 1], got " + strength);
            }
            // diffusers' video-to-video pipelines keep int(steps·strength) steps (Kinora's own sampler rounds up)
            kept = Math.min((int) (steps * (double) strength), steps);
            if (kept < 1) {
                throw new InvalidRequestException("remix strength " + strength + " of " + steps + " steps runs no step; raise the strength to at least "
                        + String.format(Locale.ROOT, "%.2f", 1.0 / steps) + " or the steps");
            }
        }
        return new Plan(r, steps, guidance, schedule, frames, context, strength, kept);
    }

    private final class Job {
        private final Plan plan;
        private final GenerationRequest r;
        private final ProgressListener listener;
        private final CancelToken cancel;
        private final long start = System.nanoTime();
        private final int c = pack.latent().channels();
        private final int l = spec.latentFrames();
        private final int hw = pack.latent().height() * pack.latent().width();
        private final int window = pack.frames();
        private final List<byte[]> output = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        /** Whether cond and uncond go through the denoiser as one batch of two: only when its batch axis is free. */
        private final boolean batched = pack.component(ModelPack.DENOISER).flatMap(d -> d.input("sample")).map(TensorSpec::shape)
                .map(sh -> sh.length > 0 && sh[0] < 0).orElse(false);
        /** The memory plan loads one component at a time: the text encoder goes once the prompts are encoded. */
        private boolean sequential;
        private long lastPreview = Long.MIN_VALUE / 2;
        private TokenTextEncoder.TokenStates cond;
        private TokenTextEncoder.TokenStates uncond;
        /** I2V: the still's CLIP states [1, tokens, D] and the condition [mask + C, L, h, w], the same for every call. */
        private FloatTensor imageStates;
        private float[] condition;
        private int windows;
        private int windowIndex;
        private int callsDone;
        private int callsTotal;
        private long textMs;
        private long sourceMs;
        private long denoiseMs;
        private long decodeMs;

        Job(Plan plan, ProgressListener listener, CancelToken cancel) {
            this.plan = plan;
            this.r = plan.request();
            this.listener = listener;
            this.cancel = cancel;
        }

        GenerationResult run() throws PackException, OrtException, GenerationCancelledException {
            report(Stage.ENCODING_TEXT);
            long t0 = System.nanoTime();
            cond = text(r.prompt());
            uncond = plan.guidance() > 1f ? text(r.negativePrompt()) : null;
            textMs = Pipelines.ms(t0);
            if (sequential) {
                lp.tokenText().unload(); // the states are cached; its memory goes to the denoiser
                warnings.add("memory is short: the model's parts were loaded one at a time");
            }
            try {
                switch (r.mode()) {
                    case GENERATE -> generate();
                    case EXTEND -> {
                        List<byte[]> clip = r.sources().get(0).frames().rgb();
                        output.addAll(Pipelines.copies(clip));
                        windows = windowsFor(plan.frames());
                        extendBy(plan.frames());
                    }
                    case REMIX -> remix(r.sources().get(0).frames());
                    case ANIMATE -> animate(r.sources().get(0).frames().frame(0));
                    default -> throw new IllegalStateException(r.mode().toString());
                }
            } catch (Cancelled e) {
                throw new GenerationCancelledException("cancelled after " + windowIndex + " of " + windows + " windows",
                        output.isEmpty() ? null : result(false));
            }
            report(Stage.DONE);
            return result(true);
        }

        private TokenTextEncoder.TokenStates text(String prompt) throws PackException {
            String read = Pipelines.readPrompt(lp, prompt, r.asTyped(), warnings);
            TokenTextEncoder.TokenStates s = lp.tokenText().encode(read);
            if (s.truncated()) {
                warnings.add(Pipelines.truncated(read, "the model's", lp.tokenText().maxTokens()));
            }
            return s;
        }

        /** Extension windows needed to add n frames: each adds F − c frames after c context frames. */
        private int windowsFor(int n) {
            int per = window - contextPixels();
            return n <= 0 ? 0 : (n + per - 1) / per;
        }

        private int contextPixels() {
            return 1 + pack.latent().temporalStride() * (plan.context() - 1);
        }

        private void generate() throws PackException, OrtException, Cancelled {
            int total = plan.frames();
            windows = 1 + windowsFor(Math.max(0, total - window));
            callsTotal = windows * plan.steps() * calls();
            float[] x = denoise(noise(0), null, 0, plan.steps(), 1f);
            List<byte[]> rgb = decode(x, 0);
            output.addAll(rgb.subList(0, Math.min(total, window)));
            windowIndex = 1;
            extendBy(total - output.size());
        }

        /** Adds n frames after {@link #output}, window by window, each knowing the encoded end of what is there. */
        private void extendBy(int n) throws PackException, OrtException, Cancelled {
            if (callsTotal == 0) {
                callsTotal = windows * plan.steps() * calls();
            }
            int ctx = contextPixels();
            while (n > 0) {
                int k = plan.context();
                report(Stage.ENCODING_SOURCES);
                long t0 = System.nanoTime();
                List<byte[]> tail = output.subList(Math.max(0, output.size() - ctx), output.size());
                float[] encoded = lp.causalVae().encode(new ArrayList<>(tail));
                sourceMs += Pipelines.ms(t0);
                float[] known = new float[c * k * hw];
                Latents.copyFrames(encoded, l, 0, known, k, 0, k, c, hw);
                float[] x = denoise(noise(windowIndex), known, k, plan.steps(), 1f);
                List<byte[]> rgb = decode(x, ctx);
                int take = Math.min(n, rgb.size());
                output.addAll(rgb.subList(0, take));
                n -= take;
                windowIndex++;
            }
        }

        /** Wan 2.1 I2V: one window conditioned on the still (its CLIP states and its condition latents); frame 0 is the still. */
        private void animate(byte[] still) throws PackException, OrtException, Cancelled {
            windows = 1;
            callsTotal = plan.steps() * calls();
            report(Stage.ENCODING_SOURCES);
            long t0 = System.nanoTime();
            imageStates = imageStates(still);
            condition = condition(still);
            sourceMs += Pipelines.ms(t0);
            if (sequential) {
                lp.parts(WanFamily.Parts.class).imageEncoder().unload(); // the states are kept; its memory goes to the denoiser
            }
            float[] x = denoise(noise(0), null, 0, plan.steps(), 1f);
            List<byte[]> rgb = decode(x, 0);
            output.addAll(rgb.subList(0, Math.min(plan.frames(), rgb.size())));
            output.set(0, still.clone()); // the engine's contract: a known frame is the user's, byte for byte
            windowIndex = 1;
        }

        /** SDEdit per window of F source frames (a shorter last window is padded with its last frame). */
        private void remix(Frames src) throws PackException, OrtException, Cancelled {
            int total = Math.min(plan.frames(), src.count());
            windows = (total + window - 1) / window;
            callsTotal = windows * plan.keptSteps() * calls();
            if (windows > 1) {
                warnings.add("the source is longer than one window of " + window + " frames: each window is remixed on its own, so motion may"
                        + " jump where they meet");
            }
            for (int from = 0; from < total; from += window) {
                int f = Math.min(window, total - from);
                report(Stage.ENCODING_SOURCES);
                long t0 = System.nanoTime();
                float[] x0 = lp.causalVae().encode(src.rgb().subList(from, from + f));
                sourceMs += Pipelines.ms(t0);
                float[] x = denoiseFrom(x0, noise(windowIndex));
                output.addAll(decode(x, 0).subList(0, f));
                windowIndex++;
            }
        }

        private int calls() {
            return plan.guidance() > 1f && !batched() ? 2 : 1;
        }

        /** diffusers' loop for one window, the first k latent frames known (null: none). */
        private float[] denoise(float[] noise, float[] known, int k, int steps, float strength) throws PackException, OrtException, Cancelled {
            Scheduler s = plan.schedule().create(l);
            s.setTimesteps(steps, strength);
            float[] noiseKnown = known == null ? null : slice(noise, 0, k);
            float[] x = noise.clone();
            if (known != null) {
                place(x, s.addNoise(known, noiseKnown, 0), k);
            }
            return loop(s, x, known, noiseKnown, k);
        }

        /** Remix: the source's latents noised to the first kept timestep's level. */
        private float[] denoiseFrom(float[] x0, float[] noise) throws PackException, OrtException, Cancelled {
            Scheduler s = plan.schedule().create(l);
            // strength' = kept/steps makes the scheduler keep exactly diffusers' int(steps·strength) steps
            s.setTimesteps(plan.steps(), plan.keptSteps() / (float) plan.steps());
            return loop(s, s.addNoise(x0, noise, 0), null, null, 0);
        }

        private float[] loop(Scheduler s, float[] x, float[] known, float[] noiseKnown, int k) throws PackException, OrtException, Cancelled {
            report(Stage.DENOISING);
            float[] ts = s.timesteps();
            float[] sigmas = s.sigmas();
            for (int i = 0; i < ts.length; i++) {
                if (cancel.isCancelled()) {
                    throw new Cancelled();
                }
                long t0 = System.nanoTime();
                float[] v = predict(s.scaleModelInput(x, i), ts[i]);
                float[] clean = wantPreview(i == ts.length - 1) ? s.predictOriginal(v, i, x) : null;
                x = s.step(v, i, x);
                if (known != null) {
                    place(x, i + 1 < ts.length ? s.addNoise(known, noiseKnown, i + 1) : known, k);
                }
                denoiseMs += Pipelines.ms(t0);
                observer.afterStep(windowIndex, i, x);
                callsDone += calls();
                report(Stage.DENOISING, clean == null ? Preview.none() : preview(clean, k));
            }
            if (sigmas[sigmas.length - 1] != 0f) {
                warnings.add("the schedule ends at noise level " + sigmas[sigmas.length - 1] + ", not 0");
            }
            return x;
        }

        /** Classifier-free guidance: uncond + g·(cond − uncond), as one batch of two when the graph takes it, else two calls. */
        private float[] predict(float[] x, float t) throws PackException, OrtException, Cancelled {
            if (uncond == null) {
                return call(x, 1, t, cond.states());
            }
            int n = x.length;
            float[] vc;
            float[] vu;
            if (batched()) {
                float[] both = new float[2 * n];
                System.arraycopy(x, 0, both, 0, n);
                System.arraycopy(x, 0, both, n, n);
                float[] text = concat(cond.states().data(), uncond.states().data());
                FloatTensor te = FloatTensor.of(text, 2, cond.states().dim(1), cond.states().dim(2));
                float[] out = call(both, 2, t, te);
                vc = java.util.Arrays.copyOfRange(out, 0, n);
                vu = java.util.Arrays.copyOfRange(out, n, 2 * n);
            } else {
                vc = call(x, 1, t, cond.states());
                vu = call(x, 1, t, uncond.states());
            }
            float g = plan.guidance();
            float[] out = new float[n];
            for (int j = 0; j < n; j++) {
                out[j] = vu[j] + g * (vc[j] - vu[j]);
            }
            return out;
        }

        private float[] call(float[] x, int batch, float t, FloatTensor textEmbeds) throws PackException, OrtException, Cancelled {
            OnnxModel den = lp.transformer();
            Component comp = den.component();
            float[] ts = new float[batch];
            java.util.Arrays.fill(ts, t);
            int h = pack.latent().height();
            int w = pack.latent().width();
            Map<String, FloatTensor> inputs = new HashMap<>();
            if (condition != null) {
                // I2V: [latents C, mask, condition latents C] on the channel axis of each batch row; the image states per row
                int cin = c + condition.length / (l * h * w);
                inputs.put(comp.inputName("sample"), FloatTensor.of(withCondition(x, batch), batch, cin, l, h, w));
                inputs.put(comp.inputName("image_embeds"), repeat(imageStates, batch));
            } else {
                inputs.put(comp.inputName("sample"), spec.frameMajor() ? FloatTensor.of(x, batch, l, c, h, w) : FloatTensor.of(x, batch, c, l, h, w));
            }
            inputs.put(comp.inputName("timestep"), FloatTensor.of(ts, batch));
            inputs.put(comp.inputName("text_embeds"), textEmbeds);
            Map<String, FloatTensor> out = den.runCancellable(inputs, Map.of(), cancel, Cancelled::new);
            FloatTensor v = out.get(comp.outputName("prediction"));
            if (v == null || v.size() != x.length) {
                throw new PackException(comp.file() + ": expected a prediction of " + x.length + " values, got "
                        + (v == null ? "outputs " + out.keySet() : java.util.Arrays.toString(v.shape())));
            }
            return v.data();
        }

        private boolean batched() {
            return batched;
        }

        /** Each batch row's latents [C, L, h, w] followed by the condition: channel-major, so a concatenation of arrays. */
        private float[] withCondition(float[] x, int batch) {
            int n = x.length / batch;
            float[] out = new float[batch * (n + condition.length)];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(x, b * n, out, b * (n + condition.length), n);
                System.arraycopy(condition, 0, out, b * (n + condition.length) + n, condition.length);
            }
            return out;
        }

        private List<byte[]> decode(float[] x, int from) throws PackException, OrtException {
            report(Stage.DECODING);
            long t0 = System.nanoTime();
            CausalVae vae = lp.causalVae();
            float[] px = vae.decode(spec.frameMajor() ? channelMajor(x) : x);
            List<byte[]> rgb = vae.toRgb(px, from, vae.frames());
            decodeMs += Pipelines.ms(t0);
            return rgb;
        }

        private float[] noise(int windowNo) {
            if (noiseOverride != null) {
                return noiseOverride.apply(windowNo).clone();
            }
            return Latents.gaussian(Latents.streamSeed(r.seed(), windowNo), c * l * hw);
        }

        /** Frame-major [L, C, h, w] (CogVideoX's denoiser) as the VAE's channel-major [C, L, h, w]. */
        private float[] channelMajor(float[] x) {
            float[] out = new float[x.length];
            for (int f = 0; f < l; f++) {
                for (int ch = 0; ch < c; ch++) {
                    System.arraycopy(x, (f * c + ch) * hw, out, (ch * l + f) * hw, hw);
                }
            }
            return out;
        }

        /** The first k latent frames of [C, L, h, w]. */
        private float[] slice(float[] x, int from, int k) {
            float[] out = new float[c * k * hw];
            Latents.copyFrames(x, l, from, out, k, 0, k, c, hw);
            return out;
        }

        /** Writes [C, k, h, w] into the first k latent frames of x. */
        private void place(float[] x, float[] part, int k) {
            Latents.copyFrames(part, k, 0, x, l, 0, k, c, hw);
        }

        /** Decoded previews at most once a second (each costs a few decoder calls), never for a listener that ignores them. */
        private boolean wantPreview(boolean lastStep) throws PackException {
            if (listener == ProgressListener.NONE || sequential || !lp.causalVae().canPreview()) {
                return false;
            }
            return lastStep || System.nanoTime() - lastPreview >= PREVIEW_INTERVAL_NS;
        }

        /** The predicted clean window's first generated latent frame (after k known ones), as the player's live frame. */
        private Preview preview(float[] clean, int k) throws PackException {
            lastPreview = System.nanoTime();
            try {
                byte[] rgb = lp.causalVae().previewFrame(clean, Math.min(k, l - 1));
                decodeMs += Pipelines.ms(lastPreview);
                return new Preview(pack.width(), pack.height(), rgb);
            } catch (OrtException e) {
                return Preview.none(); // a preview is worth no failed job
            }
        }

        private void report(Stage stage) {
            report(stage, Preview.none());
        }

        private void report(Stage stage, Preview preview) {
            listener.onProgress(Pipelines.progress(stage, windowIndex + 1, windows, callsDone, callsTotal, start, preview));
        }

        GenerationResult result(boolean complete) {
            JobSettings resolved = r.settings()
                    .withSampling(plan.steps(), plan.guidance(), plan.schedule().id()).withShift(plan.schedule().shift())
                    .withFrames(plan.frames()).withExtension(r.direction(), plan.context(), plan.strength());
            return Pipelines.result(pack, device, r, resolved, output,
                    new GenerationResult.Timings(textMs, sourceMs, denoiseMs, decodeMs, Pipelines.ms(start), callsDone), complete, warnings);
        }
    }

    private static final class Cancelled extends Exception {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    /**
     * I2V: the image encoder's input for a still of the pack's size (transformers' CLIPImageProcessor, PIL backend, as
     * the pack's {@code image} block says) and its output, CLIP's penultimate hidden states [1, tokens, D].
     */
    FloatTensor imageStates(byte[] still) throws PackException, OrtException {
        WanI2vSpec.Image img = i2v.image();
        OnnxModel enc = lp.parts(WanFamily.Parts.class).imageEncoder();
        Component comp = enc.component();
        Map<String, FloatTensor> out = enc.run(Map.of(comp.inputName("pixel_values"), clipInput(still)), Map.of(), null);
        FloatTensor states = out.get(comp.outputName("image_states"));
        if (states == null || states.rank() != 3 || states.dim(0) != 1 || states.dim(1) != img.tokens() || states.dim(2) != img.dim()) {
            throw new PackException(comp.file() + ": expected image states [1, " + img.tokens() + ", " + img.dim() + "], got "
                    + (states == null ? "outputs " + out.keySet() : java.util.Arrays.toString(states.shape())));
        }
        return states;
    }

    /** I2V: CLIP's {@code pixel_values} [1, 3, 224, 224] of a still of the pack's size. */
    FloatTensor clipInput(byte[] still) {
        WanI2vSpec.Image img = i2v.image();
        return new PilClipPreprocessor(img.height(), img.width(), img.shortestEdge(), img.rescale(), img.mean(), img.std())
                .pixelValues(still, pack.width(), pack.height());
    }

    /**
     * I2V: the transformer's extra channels [m + C, L, h, w] (diffusers' {@code prepare_latents}): the mask, then the
     * normalised VAE mean of the window [still, zeros…] (zeros in the VAE's [−1, 1] pixel space: mid grey). Pixel frame f
     * has mask 1 when f = 0, else 0; frame 0's value is repeated m times (m = the temporal stride) and the sequence of
     * m·L values read as [L, m], so mask channel k of latent frame j is the value at position m·j + k: latent frame 0 all
     * ones, every later one zeros. The latents are normalised as the pipeline does, {@code (μ − mean)·(1/std)} with the
     * reciprocal in float32 (a division differs in the last bit).
     */
    float[] condition(byte[] still) throws PackException, OrtException {
        int c = pack.latent().channels();
        int l = spec.latentFrames();
        int hw = pack.latent().height() * pack.latent().width();
        int f = pack.frames();
        int plane = pack.width() * pack.height();
        float[] px = new float[3 * f * plane];
        for (int p = 0; p < plane; p++) {
            for (int ch = 0; ch < 3; ch++) {
                // diffusers' VideoProcessor: x / 255, then 2x − 1, in float32 (VideoPixels.fromRgb's formula)
                px[ch * f * plane + p] = (still[p * 3 + ch] & 0xFF) / 255f * 2f - 1f;
            }
        }
        float[] mu = lp.causalVae().encodeMean(px);
        int m = i2v.maskChannels();
        float[] out = new float[(m + c) * l * hw];
        for (int j = 0; j < l; j++) {
            for (int k = 0; k < m; k++) {
                int pos = m * j + k;
                int frame = pos < m ? 0 : pos - m + 1;
                java.util.Arrays.fill(out, (k * l + j) * hw, (k * l + j + 1) * hw, frame == 0 ? 1f : 0f);
            }
        }
        for (int ch = 0; ch < c; ch++) {
            float inv = 1f / spec.std(ch);
            float mean = spec.mean(ch);
            for (int i = 0; i < l * hw; i++) {
                out[(m + ch) * l * hw + i] = (mu[ch * l * hw + i] - mean) * inv;
            }
        }
        return out;
    }

    /** [1, T, D] as [batch, T, D], the same rows for each (both guidance calls see the same image). */
    private static FloatTensor repeat(FloatTensor t, int batch) {
        if (batch == 1) {
            return t;
        }
        float[] d = t.data();
        float[] out = new float[d.length * batch];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(d, 0, out, b * d.length, d.length);
        }
        return FloatTensor.of(out, batch, t.dim(1), t.dim(2));
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }


}
