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
import dev.kinora.engine.Stage;
import dev.kinora.engine.UnsupportedModeException;
import dev.kinora.engine.model.OnnxModel;
import dev.kinora.engine.model.TokenTextEncoder;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.AnimateDiffSpec;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.pack.FamilySpec;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.scheduler.Scheduler;
import dev.kinora.engine.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * AnimateDiff on Stable Diffusion 1.5 (docs/pack-format-2.md, "Family animatediff-sd15"; diffusers'
 * {@code AnimateDiffPipeline}): CLIP's 77 per-token states for the prompt and the negative prompt, the UNet with its
 * motion module over one window of the pack's frames under classifier-free guidance (two batch-1 calls), the pack's
 * DDIM schedule, then the 2D VAE decoder frame by frame (in chunks). Text-to-video only, one window per job: longer
 * clips would need diffusers' overlapping context windows (FreeNoise), which no reference pins, so they are refused.
 */
final class AnimateDiffFamily implements FamilyAdapter {
    /** CLIP text, the motion UNet, the VAE decoder. */
    record Parts(TokenTextEncoder text, OnnxModel unet, OnnxModel vaeDecoder) implements FamilyAdapter.TextParts {
        @Override
        public TokenTextEncoder text() {
            return text;
        }

        @Override
        public OnnxModel transformer() {
            return unet;
        }

        @Override
        public Set<String> loadedComponents() {
            Set<String> out = new TreeSet<>();
            WanFamily.addIf(out, text.loaded(), ModelPack.TEXT_ENCODER);
            WanFamily.addIf(out, unet.loaded(), ModelPack.DENOISER);
            WanFamily.addIf(out, vaeDecoder.loaded(), ModelPack.VAE_DECODER);
            return out;
        }

        @Override
        public int countTokens(String prompt) throws PackException {
            return text.countTokens(prompt);
        }

        @Override
        public void close() {
            text.close();
            unet.close();
            vaeDecoder.close();
        }
    }

    @Override
    public List<String> families() {
        return List.of(FamilySpec.ANIMATEDIFF);
    }

    @Override
    public int maxFrames(ModelPack pack) {
        return pack.frames();
    }

    @Override
    public Parts load(ModelPack pack, RuntimeOptions options, Device device) throws PackException {
        FamilySpec spec = pack.family().orElseThrow();
        return new Parts(new TokenTextEncoder(pack, spec.text(), options, device),
                new OnnxModel(pack.root(), pack.require(ModelPack.DENOISER), options, device),
                new OnnxModel(pack.root(), pack.require(ModelPack.VAE_DECODER), options, device));
    }

    @Override
    public MemoryPlanner.Job job(ModelPack pack, Mode mode, int frames, int context, float guidance, List<Integer> sources, boolean prompt) {
        return new MemoryPlanner.Job(mode, frames, context, guidance, sources, prompt, frames, guidance > 1f ? 2 : 1, frames, 0, 1);
    }

    /** CLIP on 77 ids, the UNet on [1, C, F, h, w] (guidance as two calls), the decoder on chunks of frames. */
    @Override
    public MemoryEstimate.Buffers buffers(MemoryPlanner planner, MemoryPlanner.Job job, List<MemoryEstimate.Component> comps) throws PackException {
        ModelPack pack = planner.pack();
        AnimateDiffSpec ad = pack.family().orElseThrow().animateDiff();
        int c = pack.latent().channels();
        long lh = pack.latent().height();
        long lw = pack.latent().width();
        long f = job.frames();
        long pixels = (long) pack.width() * pack.height();
        int tokens = ad.text().maxTokens();
        if (job.prompt()) {
            comps.add(planner.component(ModelPack.TEXT_ENCODER, ModelPack.TEXT_ENCODER, Map.of("input_ids", new long[] {1, tokens}), 1,
                    tokens + " tokens"));
        }
        comps.add(planner.component(ModelPack.DENOISER, ModelPack.DENOISER, Map.of("sample", new long[] {1, c, f, lh, lw},
                "timestep", new long[] {1}, "text_embeds", new long[] {1, tokens, ad.text().dim()}), 1,
                f + " frames" + (job.batch() == 2 ? " (guided pair as two calls)" : "")));
        long chunk = Math.min(f, ad.chunkFrames());
        comps.add(planner.component(ModelPack.VAE_DECODER, ModelPack.VAE_DECODER, Map.of("latent", new long[] {chunk, c, lh, lw}), 1,
                chunk + " frames a call"));
        long lat = f * c * lh * lw;
        // noise, latents, both predictions, the guided one, the next latents; both prompts' states
        long denoise = (6 * lat + 2L * tokens * ad.text().dim()) * Float.BYTES;
        long decode = f * pixels * 3 * Float.BYTES + f * pixels * 3;
        long frames = f * pixels * 3;
        return new MemoryEstimate.Buffers(frames, denoise + decode,
                String.format(Locale.ROOT, "%d frames of %dx%d: %s; the clip's latents, text and guidance: %s", f, pack.width(), pack.height(),
                        MemoryLimits.format(frames), MemoryLimits.format(denoise)));
    }

    @Override
    public GenerationResult run(LoadedPack lp, DeviceReport device, MemoryLimits.Source limits, GenerationRequest r,
                                ProgressListener listener, CancelToken cancel)
            throws PackException, InvalidRequestException, GenerationCancelledException {
        return new AnimateDiffPipeline(lp, device, limits).run(r, listener, cancel);
    }

    /** Every tensor of a job as it is made, for tests; the arrays are the loop's own, not to be changed. */
    interface Observer {
        Observer NONE = new Observer() { };

        /** The prompt's and the negative prompt's states [1, 77, D] (the negative null without guidance). */
        default void text(TokenTextEncoder.TokenStates cond, TokenTextEncoder.TokenStates uncond) {
        }

        /** The scheduler's timesteps, as fed to the UNet. */
        default void schedule(float[] timesteps) {
        }

        /** One UNet call's prediction [1, C, F, h, w] at {@code step}, conditional or not. */
        default void prediction(int step, boolean conditional, float[] eps) {
        }

        /** The latents after step {@code step} [1, C, F, h, w]. */
        default void afterStep(int step, float[] latents) {
        }

        /** The decoder's input, frames on the batch axis [F, C, h, w] = the final latents · (float) (1/scalingFactor). */
        default void decoderInput(float[] z) {
        }

        /** The decoder's output, chunks concatenated [F, 3, H, W], before {@code clamp(v/2 + 0.5, 0, 1)}. */
        default void decoded(float[] video) {
        }
    }

    /** A job of the animatediff-sd15 family: request checks, CLIP text, the guided DDIM loop, per-frame decoding. */
    static final class AnimateDiffPipeline {
        private final LoadedPack lp;
        private final ModelPack pack;
        private final AnimateDiffSpec spec;
        private final DeviceReport device;
        private final MemoryLimits.Source limits;
        /** Tests: diffusers' own initial noise [1, C, F, h, w] for a clip of n frames instead of the seed's. */
        private IntFunction<float[]> noiseOverride;
        private Observer observer = Observer.NONE;

        AnimateDiffPipeline(LoadedPack lp, DeviceReport device, MemoryLimits.Source limits) {
            this.lp = lp;
            this.pack = lp.pack();
            this.spec = pack.family().orElseThrow().animateDiff();
            this.device = device;
            this.limits = limits;
        }

        AnimateDiffPipeline withNoise(IntFunction<float[]> noise) {
            this.noiseOverride = noise;
            return this;
        }

        AnimateDiffPipeline observe(Observer o) {
            this.observer = o;
            return this;
        }

        GenerationResult run(GenerationRequest r, ProgressListener listener, CancelToken cancel)
                throws PackException, InvalidRequestException, GenerationCancelledException {
            RequestLimits.check(r);
            if (r.mode() != Mode.GENERATE) {
                throw new UnsupportedModeException("model pack '" + pack.id() + "' (AnimateDiff) does not support " + r.mode().id()
                        + ": it makes text-to-video only (generate), one clip of up to " + pack.frames() + " frames from a prompt; it has no"
                        + " VAE encoder to start from a still or a clip");
            }
            if (!r.sources().isEmpty()) {
                throw new InvalidRequestException("generate takes no source but got " + r.sources().size());
            }
            if (r.prompt().isBlank()) {
                throw new InvalidRequestException("text-to-video needs a prompt; describe the scene, e.g. \"a corgi walking in the park\"");
            }
            int frames = r.frames() > 0 ? r.frames() : pack.frames();
            if (frames > pack.frames()) {
                throw new UnsupportedModeException("model '" + pack.id() + "' makes one clip of at most " + pack.frames() + " frames (its motion"
                        + " module's window); " + frames + " were asked for. Longer AnimateDiff clips need overlapping context windows,"
                        + " which Kinora does not run for this family");
            }
            AnimateDiffSpec.Defaults d = spec.defaults();
            int steps = r.steps() > 0 ? r.steps() : d.steps();
            float guidance = Float.isNaN(r.guidance()) ? d.guidance() : r.guidance();
            RequestLimits.guidance(guidance);
            Schedule schedule = Schedule.resolve(lp, r.mode(), r.scheduler(), r.shift());
            schedule.checkSteps(frames, steps, 1f);
            boolean guided = guidance > 1f; // diffusers' do_classifier_free_guidance
            lp.memory().plan(lp.memory().job(r.mode(), frames, 1, guidance, List.of(), true), limits.now(), lp.loadedComponents());

            Job job = new Job(r, frames, steps, guidance, guided, schedule, listener, cancel);
            try {
                return job.run();
            } catch (OrtException e) {
                if (cancel.isCancelled()) {
                    throw job.cancelled();
                }
                throw new PackException("model '" + pack.id() + "' failed while generating: " + e.getMessage(), e);
            }
        }

        /** The request's seed as the clip's initial noise (the same stream as a Wan window's first). */
        private static float[] seeded(long seed, int n) {
            return Latents.gaussian(Latents.streamSeed(seed, 0), n);
        }

        private final class Job {
            private final GenerationRequest r;
            private final int frames;
            private final int steps;
            private final float guidance;
            private final boolean guided;
            private final Schedule schedule;
            private final ProgressListener listener;
            private final CancelToken cancel;
            private final long start = System.nanoTime();
            private final List<String> warnings = new ArrayList<>();
            private final long[] ms = new long[4]; // text, denoise, decode
            private Stage stage = Stage.ENCODING_TEXT;
            private long stageStart = start;
            private int done;
            private int total;

            Job(GenerationRequest r, int frames, int steps, float guidance, boolean guided, Schedule schedule, ProgressListener listener,
                CancelToken cancel) {
                this.r = r;
                this.frames = frames;
                this.steps = steps;
                this.guidance = guidance;
                this.guided = guided;
                this.schedule = schedule;
                this.listener = listener;
                this.cancel = cancel;
            }

            GenerationResult run() throws PackException, OrtException, GenerationCancelledException {
                int c = pack.latent().channels();
                int h = pack.latent().height();
                int w = pack.latent().width();
                int frameSize = c * h * w;
                int n = frames * frameSize;
                Scheduler sched = schedule.create(frames);
                sched.setTimesteps(steps);
                float[] ts = sched.timesteps();
                int chunk = Math.min(spec.chunkFrames(), frames);
                // diffusers guides every step: a pack's interval is its own choice, the default keeps that
                boolean[] guidedCall = pack.defaults().guidanceInterval().guidedCalls(guided, sched.sigmas(), ts.length, schedule.flow());
                int calls = 0;
                for (boolean g : guidedCall) {
                    calls += g ? 2 : 1;
                }
                total = (guided ? 2 : 1) + calls + (frames + chunk - 1) / chunk;
                report(Stage.ENCODING_TEXT);

                TokenTextEncoder.TokenStates cond = text(r.prompt());
                TokenTextEncoder.TokenStates uncond = guided ? text(r.negativePrompt()) : null;
                done += guided ? 2 : 1;
                observer.text(cond, uncond);
                observer.schedule(ts);
                report(Stage.DENOISING);

                float[] x = noiseOverride != null ? noiseOverride.apply(frames).clone() : seeded(r.seed(), n);
                if (x.length != n) {
                    throw new IllegalStateException("the noise source gave " + x.length + " values, " + n + " wanted");
                }
                float init = sched.initNoiseSigma();
                for (int i = 0; i < n; i++) {
                    x[i] *= init;
                }
                long[] shape = {1, c, frames, h, w};
                for (int i = 0; i < ts.length; i++) {
                    float[] xin = sched.scaleModelInput(x, i);
                    FloatTensor t = FloatTensor.of(new float[] {ts[i]}, 1);
                    float[] eps = unet(i, true, xin, shape, t, cond.states());
                    if (guidedCall[i]) {
                        float[] u = unet(i, false, xin, shape, t, uncond.states());
                        for (int j = 0; j < n; j++) {
                            eps[j] = u[j] + guidance * (eps[j] - u[j]);
                        }
                    }
                    long stepSeed = Latents.streamSeed(r.seed(), 1L + i); // LCM's fresh noise; stream 0 is the start
                    x = sched.step(eps, i, x, size -> Latents.gaussian(stepSeed, size));
                    observer.afterStep(i, x);
                }

                // decode_latents: 1/scaling_factor (torch rounds the Python float to float32) times the latents, frames to the batch axis
                float inv = (float) (1.0 / spec.scalingFactor());
                int plane = h * w;
                float[] z = new float[n];
                for (int ch = 0; ch < c; ch++) {
                    for (int f = 0; f < frames; f++) {
                        int from = (ch * frames + f) * plane;
                        int to = (f * c + ch) * plane;
                        for (int p = 0; p < plane; p++) {
                            z[to + p] = x[from + p] * inv;
                        }
                    }
                }
                observer.decoderInput(z);
                report(Stage.DECODING);
                OnnxModel dec = parts().vaeDecoder();
                Component comp = dec.component();
                List<float[]> outs = new ArrayList<>();
                int outH = 0;
                int outW = 0;
                for (int k = 0; k < frames; k += chunk) {
                    int m = Math.min(chunk, frames - k);
                    FloatTensor in = FloatTensor.of(Arrays.copyOfRange(z, k * frameSize, (k + m) * frameSize), m, c, h, w);
                    FloatTensor out = call(dec, Map.of(comp.inputName("latent"), in), "sample");
                    if (out.rank() != 4 || out.dim(0) != m || out.dim(1) != 3) {
                        throw new PackException(comp.file() + ": expected frames [" + m + ", 3, H, W], got " + Arrays.toString(out.shape()));
                    }
                    outH = (int) out.dim(2);
                    outW = (int) out.dim(3);
                    outs.add(out.data());
                }
                if (outH != pack.height() || outW != pack.width()) {
                    throw new PackException(comp.file() + ": decoded " + outW + "x" + outH + " frames; the pack says " + pack.width() + "x"
                            + pack.height());
                }
                int outPlane = outH * outW;
                float[] video = new float[frames * 3 * outPlane];
                int at = 0;
                for (float[] o : outs) {
                    System.arraycopy(o, 0, video, at, o.length);
                    at += o.length;
                }
                observer.decoded(video);
                List<byte[]> output = new ArrayList<>(frames);
                for (int f = 0; f < frames; f++) {
                    byte[] px = new byte[outPlane * 3];
                    for (int ch = 0; ch < 3; ch++) {
                        int base = (f * 3 + ch) * outPlane;
                        for (int p = 0; p < outPlane; p++) {
                            // VaeImageProcessor.postprocess: clamp(v/2 + 0.5, 0, 1); then numpy's round of ·255 (half to even)
                            float v = Math.max(0f, Math.min(1f, video[base + p] / 2f + 0.5f));
                            px[p * 3 + ch] = (byte) Math.rint(v * 255f);
                        }
                    }
                    output.add(px);
                }
                report(Stage.DONE);
                JobSettings resolved = r.settings().withSampling(steps, guidance, schedule.id()).withShift(schedule.shift())
                        .withFrames(frames).withExtension(r.direction(), 0, 1f);
                return Pipelines.result(pack, device, r, resolved, output,
                        new GenerationResult.Timings(ms[0], 0, ms[1], ms[2], Pipelines.ms(start), done), true, warnings);
            }

            private Parts parts() throws PackException {
                return lp.parts(Parts.class);
            }

            private TokenTextEncoder.TokenStates text(String prompt) throws PackException, GenerationCancelledException {
                if (cancel.isCancelled()) {
                    throw cancelled();
                }
                String read = Pipelines.readPrompt(lp, prompt, r.asTyped(), warnings);
                TokenTextEncoder.TokenStates s = parts().text().encode(read);
                if (s.truncated()) {
                    warnings.add(Pipelines.truncated(read, "CLIP's", spec.text().maxTokens()));
                }
                return s;
            }

            /** One UNet call on [1, C, F, h, w] with one video's text states [1, 77, D] (the graph repeats them per frame). */
            private float[] unet(int step, boolean conditional, float[] x, long[] shape, FloatTensor t, FloatTensor states)
                    throws PackException, OrtException, GenerationCancelledException {
                OnnxModel unet = parts().unet();
                Component comp = unet.component();
                Map<String, FloatTensor> in = new LinkedHashMap<>();
                in.put(comp.inputName("sample"), FloatTensor.of(x, shape));
                in.put(comp.inputName("timestep"), t);
                in.put(comp.inputName("text_embeds"), states);
                FloatTensor eps = call(unet, in, "prediction");
                if (eps.size() != x.length) {
                    throw new PackException(comp.file() + ": expected a prediction of " + x.length + " values " + Arrays.toString(shape) + ", got "
                            + Arrays.toString(eps.shape()));
                }
                float[] out = eps.data();
                observer.prediction(step, conditional, out);
                return conditional ? out.clone() : out;
            }

            private FloatTensor call(OnnxModel model, Map<String, FloatTensor> inputs, String outRole)
                    throws PackException, OrtException, GenerationCancelledException {
                if (cancel.isCancelled()) {
                    throw cancelled();
                }
                FloatTensor t = model.output(model.runCancellable(inputs, Map.of(), cancel, this::cancelled), outRole);
                done++;
                report(stage);
                return t;
            }

            private void report(Stage now) {
                if (now != stage) {
                    long t = System.nanoTime();
                    ms[slot(stage)] += (t - stageStart) / 1_000_000;
                    stageStart = t;
                    stage = now;
                }
                listener.onProgress(Pipelines.progress(now, 1, 1, done, total, start, Preview.none()));
            }

            private int slot(Stage s) {
                return switch (s) {
                    case DENOISING -> 1;
                    case DECODING -> 2;
                    case ENCODING_TEXT -> 0;
                    default -> 3;
                };
            }

            GenerationCancelledException cancelled() {
                return new GenerationCancelledException("cancelled after " + done + " of " + total
                        + " model calls; AnimateDiff makes its clip whole, so no frames are kept", null);
            }
        }
    }
}
