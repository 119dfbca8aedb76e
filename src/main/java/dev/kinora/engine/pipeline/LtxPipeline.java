package dev.kinora.engine.pipeline;

import ai.onnxruntime.OrtException;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.Preview;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.RequestLimits;
import dev.kinora.engine.Source;
import dev.kinora.engine.Stage;
import dev.kinora.engine.UnsupportedModeException;
import dev.kinora.engine.model.OnnxModel;
import dev.kinora.engine.model.TokenTextEncoder;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.pack.FamilySpec;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.scheduler.Scheduler;
import dev.kinora.engine.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The adapter for {@code family: "ltx-video-0.9.1"}: diffusers' {@code LTXPipeline} (generate) and
 * {@code LTXImageToVideoPipeline} (animate) on a format-2 pack, as docs/pack-format-2.md writes the loop out. One window
 * of F = 8L − 7 frames; the latents live as packed tokens [N, 128] (token (f·h + y)·w + x), the denoiser takes per-token
 * timesteps (0 on the image's tokens) and RoPE coordinates, guidance is two calls (the graph's batch is 1), and the
 * decoder is timestep-aware with its input and its own layers given noise from the request's seed.
 */
public final class LtxPipeline {
    private final LoadedPack lp;
    private final ModelPack pack;
    private final FamilySpec spec;
    private final DeviceReport device;
    private final MemoryLimits.Source limits;
    /** Tests: diffusers' own draws by name (image_eps, noise, decode_noise, decoder_noise_k) instead of the seed's. */
    private Noise noiseOverride;
    private WanPipeline.StepObserver observer = (window, step, latents) -> { };

    /** Where a job's random numbers come from: one named draw of n standard normals at a time, in the loop's order. */
    interface Noise {
        float[] draw(String name, int n);
    }

    public LtxPipeline(LoadedPack lp, DeviceReport device, MemoryLimits.Source limits) {
        this.lp = lp;
        this.pack = lp.pack();
        this.spec = pack.family().orElseThrow(() -> new IllegalArgumentException("pack '" + pack.id() + "' is not a format-2 pack"));
        this.device = device;
        this.limits = limits;
    }

    LtxPipeline withNoise(Noise noise) {
        this.noiseOverride = noise;
        return this;
    }

    LtxPipeline observe(WanPipeline.StepObserver o) {
        this.observer = o;
        return this;
    }

    private record Plan(GenerationRequest request, int steps, float guidance, Schedule schedule, int frames) {
    }

    public GenerationResult run(GenerationRequest request, ProgressListener listener, CancelToken cancel)
            throws PackException, InvalidRequestException, GenerationCancelledException {
        Plan plan = plan(request);
        GenerationRequest r = plan.request();
        lp.memory().plan(lp.memory().job(r.mode(), plan.frames(), 1, plan.guidance(),
                r.sources().stream().map(s -> s.frames().count()).toList(), true), limits.now(), lp.loadedComponents());
        Job job = new Job(plan, listener, cancel);
        try {
            return job.run();
        } catch (OrtException e) {
            if (cancel.isCancelled()) {
                throw new GenerationCancelledException("cancelled during a model call", null);
            }
            throw new PackException("model '" + pack.id() + "' failed while generating: " + e.getMessage(), e);
        } catch (Cancelled e) {
            throw new GenerationCancelledException("cancelled; LTX-Video makes its one window whole, so no frames are kept", null);
        }
    }

    private Plan plan(GenerationRequest r) throws InvalidRequestException, PackException {
        RequestLimits.check(r);
        Mode mode = r.mode();
        if (!pack.supports(mode) || mode != Mode.GENERATE && mode != Mode.ANIMATE) {
            throw new UnsupportedModeException("model pack '" + pack.id() + "' does not support " + mode.id() + "; it supports "
                    + pack.modes().stream().filter(m -> m == Mode.GENERATE || m == Mode.ANIMATE).map(Mode::id).sorted().toList()
                    + " (LTX-Video 0.9.1 conditions on an image at frame 0 only)");
        }
        int needed = mode == Mode.ANIMATE ? 1 : 0;
        if (r.sources().size() != needed) {
            throw new InvalidRequestException(mode.id() + " needs " + needed + " source" + (needed == 1 ? "" : "s") + " but got " + r.sources().size());
        }
        if (mode == Mode.GENERATE && r.prompt().isBlank()) {
            throw new InvalidRequestException("text-to-video needs a prompt; describe the scene, e.g. \"a red ball bounces on green grass\"");
        }
        Pipelines.checkSourceSizes(pack, r.sources());
        int frames = r.frames() > 0 ? r.frames() : pack.frames();
        if (frames > pack.frames()) {
            throw new UnsupportedModeException("model '" + pack.id() + "' makes one window of at most " + pack.frames() + " frames; "
                    + frames + " were asked for (LTX-Video 0.9.1 has no extension reference: its keyframes are 0.9.5's)");
        }
        int steps = r.steps() > 0 ? r.steps() : pack.defaults().steps();
        float guidance = Float.isNaN(r.guidance()) ? pack.defaults().guidance(r.mode()) : r.guidance();
        RequestLimits.guidance(guidance);
        Schedule schedule = Schedule.resolve(lp, r.mode(), r.scheduler(), r.shift());
        schedule.checkSteps(spec.latentFrames(), steps, 1f);
        return new Plan(r, steps, guidance, schedule, frames);
    }

    private final class Job {
        private final Plan plan;
        private final GenerationRequest r;
        private final ProgressListener listener;
        private final CancelToken cancel;
        private final long start = System.nanoTime();
        private final int c = pack.latent().channels();
        private final int l = spec.latentFrames();
        private final int h = pack.latent().height();
        private final int w = pack.latent().width();
        private final int hw = h * w;
        private final int n = l * hw;
        private final List<String> warnings = new ArrayList<>();
        private int draws;
        private int callsDone;
        private int callsTotal;
        private long textMs;
        private long sourceMs;
        private long denoiseMs;
        private long decodeMs;
        private List<byte[]> output = List.of();

        Job(Plan plan, ProgressListener listener, CancelToken cancel) {
            this.plan = plan;
            this.r = plan.request();
            this.listener = listener;
            this.cancel = cancel;
        }

        GenerationResult run() throws PackException, OrtException, Cancelled {
            boolean guided = plan.guidance() > 1f;
            callsTotal = plan.steps() * (guided ? 2 : 1);
            report(Stage.ENCODING_TEXT);
            long t0 = System.nanoTime();
            TokenTextEncoder.TokenStates cond = text(r.prompt());
            TokenTextEncoder.TokenStates uncond = guided ? text(r.negativePrompt()) : null;
            textMs = Pipelines.ms(t0);

            // initial latents: the image's posterior sample is drawn before the window's noise, as diffusers draws them
            float[] image = null;
            if (r.mode() == Mode.ANIMATE) {
                report(Stage.ENCODING_SOURCES);
                t0 = System.nanoTime();
                image = lp.ltxVae().encodeImage(r.sources().get(0).frames().frame(0), draw("image_eps", c * hw));
                sourceMs = Pipelines.ms(t0);
            }
            float[] eta = draw("noise", c * n);
            if (image != null) {
                Latents.copyFrames(image, 1, 0, eta, l, 0, 1, c, hw);
            }
            float[] x = pack(eta);
            boolean[] known = new boolean[n];
            if (image != null) {
                java.util.Arrays.fill(known, 0, hw, true); // latent frame 0's tokens
            }
            float[] coords = coordinates();
            Scheduler s = plan.schedule().create(l);
            s.setTimesteps(plan.steps());
            float[] ts = s.timesteps();
            report(Stage.DENOISING);
            t0 = System.nanoTime();
            for (int i = 0; i < ts.length; i++) {
                if (cancel.isCancelled()) {
                    throw new Cancelled();
                }
                float[] tau = new float[n];
                for (int j = 0; j < n; j++) {
                    tau[j] = known[j] ? 0f : ts[i];
                }
                float[] v = call(x, cond, tau, coords);
                if (uncond != null) {
                    float[] vu = call(x, uncond, tau, coords);
                    float g = plan.guidance();
                    for (int j = 0; j < v.length; j++) {
                        v[j] = vu[j] + g * (v[j] - vu[j]);
                    }
                }
                float[] next = s.step(v, i, x);
                for (int j = 0; j < n; j++) {
                    if (known[j]) {
                        System.arraycopy(x, j * c, next, j * c, c); // the image's tokens are not stepped
                    }
                }
                x = next;
                observer.afterStep(0, i, x);
                report(Stage.DENOISING);
            }
            denoiseMs = Pipelines.ms(t0);

            report(Stage.DECODING);
            t0 = System.nanoTime();
            float[] decodeNoise = draw("decode_noise", c * n);
            List<float[]> injected = new ArrayList<>();
            List<FamilySpec.InjectNoise> inject = spec.ltx().injectNoise();
            for (int k = 0; k < inject.size(); k++) {
                FamilySpec.InjectNoise in = inject.get(k);
                injected.add(draw("decoder_noise_" + k, in.draws() * in.height() * in.width()));
            }
            float[] px = lp.ltxVae().decode(unpack(x), decodeNoise, injected);
            output = lp.ltxVae().toRgb(px, 0, plan.frames());
            if (image != null) {
                output.set(0, r.sources().get(0).frames().frame(0).clone()); // the still is frame 0, exactly
            }
            decodeMs = Pipelines.ms(t0);
            report(Stage.DONE);
            return result();
        }

        private TokenTextEncoder.TokenStates text(String prompt) throws PackException {
            String read = Pipelines.readPrompt(lp, prompt, r.asTyped(), warnings);
            TokenTextEncoder.TokenStates s = lp.tokenText().encode(read);
            if (s.truncated()) {
                warnings.add(Pipelines.truncated(read, "the model's", lp.tokenText().maxTokens()));
            }
            return s;
        }

        private float[] call(float[] x, TokenTextEncoder.TokenStates text, float[] tau, float[] coords) throws PackException, OrtException, Cancelled {
            OnnxModel den = lp.transformer();
            Component comp = den.component();
            Map<String, FloatTensor> out = den.runCancellable(Map.of(
                    comp.inputName("sample"), FloatTensor.of(x, 1, n, c),
                    comp.inputName("text_embeds"), text.states(),
                    comp.inputName("timestep"), FloatTensor.of(tau, 1, n),
                    comp.inputName("coordinates"), FloatTensor.of(coords, 1, 3, n)),
                    Map.of(comp.inputName("text_mask"), new long[][] {text.mask()}), cancel, Cancelled::new);
            FloatTensor v = out.get(comp.outputName("prediction"));
            if (v == null || v.size() != x.length) {
                throw new PackException(comp.file() + ": expected a prediction [1, " + n + ", " + c + "], got "
                        + (v == null ? "outputs " + out.keySet() : java.util.Arrays.toString(v.shape())));
            }
            callsDone++;
            return v.data();
        }

        /** RoPE coordinates [3, N]: frame f·(scale/frameRate) as a float32 product, y·scale, x·scale. */
        private float[] coordinates() {
            FamilySpec.Ltx ltx = spec.ltx();
            float perFrame = (float) (ltx.coordinateScale()[0] / (double) ltx.frameRate());
            float[] out = new float[3 * n];
            for (int f = 0; f < l; f++) {
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        int tok = (f * h + y) * w + xx;
                        out[tok] = f * perFrame;
                        out[n + tok] = y * ltx.coordinateScale()[1];
                        out[2 * n + tok] = xx * ltx.coordinateScale()[2];
                    }
                }
            }
            return out;
        }

        /** [C, L, h, w] → tokens [N, C]. */
        private float[] pack(float[] z) {
            float[] x = new float[z.length];
            for (int ch = 0; ch < c; ch++) {
                for (int tok = 0; tok < n; tok++) {
                    x[tok * c + ch] = z[ch * n + tok];
                }
            }
            return x;
        }

        private float[] unpack(float[] x) {
            float[] z = new float[x.length];
            for (int ch = 0; ch < c; ch++) {
                for (int tok = 0; tok < n; tok++) {
                    z[ch * n + tok] = x[tok * c + ch];
                }
            }
            return z;
        }

        private float[] draw(String name, int size) {
            int index = draws++;
            if (noiseOverride != null) {
                float[] v = noiseOverride.draw(name, size);
                if (v.length != size) {
                    throw new IllegalStateException("noise '" + name + "' has " + v.length + " values, " + size + " needed");
                }
                return v.clone();
            }
            return Latents.gaussian(Latents.streamSeed(r.seed(), index), size);
        }

        private void report(Stage stage) {
            listener.onProgress(Pipelines.progress(stage, 1, 1, callsDone, callsTotal, start, Preview.none()));
        }

        private GenerationResult result() {
            JobSettings resolved = r.settings()
                    .withSampling(plan.steps(), plan.guidance(), plan.schedule().id()).withShift(plan.schedule().shift())
                    .withFrames(plan.frames()).withExtension(r.direction(), 0, 1f);
            return Pipelines.result(pack, device, r, resolved, output,
                    new GenerationResult.Timings(textMs, sourceMs, denoiseMs, decodeMs, Pipelines.ms(start), callsDone), true, warnings);
        }
    }

    private static final class Cancelled extends Exception {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

}
