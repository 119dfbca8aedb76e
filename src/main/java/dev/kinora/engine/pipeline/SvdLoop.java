package dev.kinora.engine.pipeline;

import ai.onnxruntime.OrtException;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.Stage;
import dev.kinora.engine.model.ClipImagePreprocessor;
import dev.kinora.engine.model.OnnxModel;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.SvdSpec;
import dev.kinora.engine.scheduler.Scheduler;
import dev.kinora.engine.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Stable Video Diffusion's image-to-video loop (docs/pack-format-2.md, "Sampling loop for family svd-xt";
 * diffusers' {@code StableVideoDiffusionPipeline}): CLIP embedding and noise-augmented VAE latent of the image,
 * a per-frame guidance ramp over the Euler v-prediction schedule, then the temporal decoder in chunks. One clip,
 * made whole: there is no window to keep when cancelled.
 *
 * <p>Float32 where diffusers computes in float32 and could round differently (the augmentation, the guidance mix, the
 * initial noise scale, the decoder's {@code 1/scalingFactor}); the scheduler's own arithmetic (scaling of the UNet
 * input, the Euler step) is the {@link Scheduler}'s. Guidance is two batch-1 UNet calls (torch: the batch-2 call is the
 * same to 1.5e-6), so the graph is exported for batch 1 and memory holds one UNet activation at a time.
 */
public final class SvdLoop {
    /** The names {@link Noise#draw} is called with, in this order: the pipeline generator's first and second draw. */
    public static final String AUG_NOISE = "aug_noise";
    public static final String NOISE = "noise";

    /** The request's seeded N(0,1) stream: {@code n} values for the draw {@code name}, called once per draw in order. */
    @FunctionalInterface
    public interface Noise {
        float[] draw(String name, int n);
    }

    /** Model calls done of the job's total (image encoder, VAE encoder, every UNet call, every decoder chunk). */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (stage, done, total) -> { };

        void calls(Stage stage, int done, int total);
    }

    /** Every tensor of the job as it is made, for tests and previews; the arrays are the loop's own, not to be changed. */
    public interface Observer {
        Observer NONE = new Observer() { };

        /** The image encoder's {@code pixel_values} [1, 3, 224, 224]. */
        default void clipInput(FloatTensor pixelValues) {
        }

        /** Its {@code image_embeds} [1, D], as the encoder returns them (the UNet gets them as [1, 1, D]). */
        default void imageEmbeds(FloatTensor embeds) {
        }

        /** {@code image·2 − 1 + noiseAugStrength·ε} [1, 3, H, W]. */
        default void vaeEncoderInput(FloatTensor sample) {
        }

        /** The VAE encoder's moments [1, 2C, h, w] and their mean channels [1, C, h, w] (the posterior's mode, unscaled). */
        default void imageLatents(FloatTensor moments, FloatTensor mode) {
        }

        /** {@code added_time_ids} [1, 3], in the pack's order. */
        default void addedTimeIds(FloatTensor ids) {
        }

        /** The per-frame guidance g[f]. */
        default void guidance(float[] perFrame) {
        }

        /** The scheduler's timesteps (fed to the UNet), sigmas (one more) and initial noise scale. */
        default void schedule(float[] timesteps, float[] sigmas, float initNoiseSigma) {
        }

        /** The noise times {@code initNoiseSigma} [1, F, C, h, w]. */
        default void initialLatents(FloatTensor latents) {
        }

        /** One UNet call: everything fed to it and what it returned. */
        default void denoiserCall(DenoiserCall call) {
        }

        /** The latents after step {@code step} [1, F, C, h, w]. */
        default void afterStep(int step, FloatTensor latents) {
        }

        /** The decoder's input: the final latents times {@code (float) (1/scalingFactor)} [F, C, h, w]. */
        default void decoderInput(FloatTensor latents) {
        }

        /** The decoder's output, chunks concatenated [F, 3, H, W], before {@code clamp(v/2 + 0.5, 0, 1)}. */
        default void decoded(FloatTensor video) {
        }
    }

    /** The inputs of one UNet call (frame-major {@code sample} [1, F, 2C, h, w]) and its {@code prediction} [1, F, C, h, w]. */
    public record DenoiserCall(int step, boolean conditional, FloatTensor sample, FloatTensor timestep, FloatTensor imageEmbeds,
                               FloatTensor addedTimeIds, FloatTensor prediction) {
    }

    /**
     * A job's settings, diffusers' {@code __call__} arguments.
     *
     * @param decodeChunkSize frames per decoder call; part of the result (the decoder mixes the frames of one call)
     */
    public record Settings(int frames, int steps, float minGuidance, float maxGuidance, float fps, int motionBucketId,
                           float noiseAugStrength, int decodeChunkSize) {
        public Settings {
            if (frames < 1 || steps < 1 || decodeChunkSize < 1) {
                throw new IllegalArgumentException("frames, steps and decodeChunkSize must be at least 1, got " + frames + ", " + steps
                        + ", " + decodeChunkSize);
            }
            if (!Float.isFinite(minGuidance) || !Float.isFinite(maxGuidance) || !(fps > 0) || !Float.isFinite(fps)
                    || motionBucketId < 0 || !(noiseAugStrength >= 0) || !Float.isFinite(noiseAugStrength)) {
                throw new IllegalArgumentException("guidance must be finite, fps positive, motionBucketId and noiseAugStrength not negative;"
                        + " got " + minGuidance + ".." + maxGuidance + ", " + fps + ", " + motionBucketId + ", " + noiseAugStrength);
            }
        }

        /** The pack's defaults for a clip of {@code frames} frames. */
        public static Settings defaults(SvdSpec spec, int frames) {
            SvdSpec.Defaults d = spec.defaults();
            return new Settings(frames, d.steps(), d.minGuidance(), d.maxGuidance(), d.fps(), d.motionBucketId(), d.noiseAugStrength(),
                    d.decodeChunkSize());
        }

        /**
         * Whether the unconditional call runs: diffusers' {@code do_classifier_free_guidance} is {@code guidance.max() > 1} over
         * the ramp, i.e. {@code max(minGuidance, maxGuidance) > 1} (just {@code minGuidance} for one frame).
         */
        public boolean guided() {
            float max = Float.NEGATIVE_INFINITY;
            for (float g : guidance(minGuidance, maxGuidance, frames)) {
                max = Math.max(max, g);
            }
            return max > 1f;
        }

        /** Model calls of the job: the two encoders, one or two UNet calls a step (Euler: one scheduler call a step), one decoder call a chunk. */
        public int modelCalls() {
            return 2 + steps * (guided() ? 2 : 1) + (frames + decodeChunkSize - 1) / decodeChunkSize;
        }
    }

    private final OnnxModel imageEncoder;
    private final OnnxModel unet;
    private final OnnxModel vaeEncoder;
    private final OnnxModel vaeDecoder;
    private final SvdSpec spec;
    private final Supplier<Scheduler> schedulers;
    private final ClipImagePreprocessor clip;

    /**
     * @param schedulers a fresh scheduler per run, diffusers' {@code EulerDiscreteScheduler} from the pack's
     *                   {@code scheduler_config.json} ({@code DiffusersSchedulers.create(config, TimestepInputs.NONE)})
     */
    public SvdLoop(OnnxModel imageEncoder, OnnxModel unet, OnnxModel vaeEncoder, OnnxModel vaeDecoder, SvdSpec spec,
                   Supplier<Scheduler> schedulers) {
        this.imageEncoder = imageEncoder;
        this.unet = unet;
        this.vaeEncoder = vaeEncoder;
        this.vaeDecoder = vaeDecoder;
        this.spec = spec;
        this.schedulers = schedulers;
        SvdSpec.Image img = spec.image();
        this.clip = new ClipImagePreprocessor(img.height(), img.width(), img.mean(), img.std());
    }

    /**
     * Makes {@code s.frames()} frames from the image.
     *
     * @param rgb the image, packed RGB rows ({@code width·height·3} bytes) at the size the VAE encoder takes
     * @return the frames as packed RGB, {@code round(255·clamp(v/2 + 0.5, 0, 1))} (numpy's half-to-even, as diffusers' PIL output)
     * @throws GenerationCancelledException when {@code cancel} fires (checked before every model call, and the call in flight
     *                                      is told to stop); no frames are kept
     */
    public List<byte[]> run(byte[] rgb, int width, int height, Settings s, Noise noise, CancelToken cancel, Progress progress,
                            Observer observer) throws PackException, OrtException, GenerationCancelledException {
        checkImage(rgb, width, height);
        Job job = new Job(s, cancel == null ? new CancelToken() : cancel, progress == null ? Progress.NONE : progress,
                observer == null ? Observer.NONE : observer);
        return job.run(rgb, width, height, noise);
    }

    /** diffusers' per-frame guidance: {@code torch.linspace(min, max, F)} in float32, as its CPU kernel computes it. */
    public static float[] guidance(float min, float max, int frames) {
        float[] g = new float[frames];
        if (frames == 1) {
            g[0] = min;
            return g;
        }
        // the kernel's scalar path: from the start up to half way, from the end after (so g[F-1] is exactly max)
        float step = (max - min) / (frames - 1);
        int half = frames / 2;
        for (int i = 0; i < frames; i++) {
            g[i] = i < half ? min + step * i : max - step * (frames - 1 - i);
        }
        return g;
    }

    private void checkImage(byte[] rgb, int width, int height) {
        if (width <= 0 || height <= 0 || rgb.length != width * height * 3) {
            throw new IllegalArgumentException("expected a " + width + "x" + height + " RGB image, got " + rgb.length + " bytes");
        }
        Component enc = vaeEncoder.component();
        long[] shape = enc.input("sample").map(t -> t.shape()).orElse(null);
        if (shape != null && shape.length == 4 && (shape[2] >= 0 && shape[2] != height || shape[3] >= 0 && shape[3] != width)) {
            throw new IllegalArgumentException("the image is " + width + "x" + height + " but " + enc.file() + " takes "
                    + shape[3] + "x" + shape[2] + "; resize it to the pack's size first");
        }
    }

    private final class Job {
        private final Settings s;
        private final CancelToken cancel;
        private final Progress progress;
        private final Observer observer;
        private int total;
        private int done;

        Job(Settings s, CancelToken cancel, Progress progress, Observer observer) {
            this.s = s;
            this.cancel = cancel;
            this.progress = progress;
            this.observer = observer;
        }

        List<byte[]> run(byte[] rgb, int width, int height, Noise noise) throws PackException, OrtException, GenerationCancelledException {
            int frames = s.frames();
            int plane = width * height;
            boolean guided = s.guided();
            Scheduler sched = schedulers.get();
            sched.setTimesteps(s.steps());
            float[] ts = sched.timesteps();
            // counted from the scheduler's calls, so a sampler with more than one call a step still reports a true total
            total = s.modelCalls() + (ts.length - s.steps()) * (guided ? 2 : 1);
            progress.calls(Stage.ENCODING_SOURCES, 0, total);

            FloatTensor pixelValues = clip.pixelValues(rgb, width, height);
            observer.clipInput(pixelValues);
            Component ie = imageEncoder.component();
            FloatTensor embeds = call(imageEncoder, Map.of(ie.inputName("pixel_values"), pixelValues), "image_embeds", Stage.ENCODING_SOURCES);
            observer.imageEmbeds(embeds);
            int dim = embeds.size();
            FloatTensor embedsCond = FloatTensor.of(embeds.data(), 1, 1, dim);

            float[] eps = draw(noise, AUG_NOISE, 3 * plane);
            float aug = s.noiseAugStrength();
            float[] q = new float[3 * plane];
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    int i = c * plane + p;
                    // VaeImageProcessor: x/255 as float32, then 2x - 1; then + strength·ε (torch casts the Python float to float32)
                    q[i] = 2f * ((rgb[p * 3 + c] & 0xFF) / 255f) - 1f + aug * eps[i];
                }
            }
            FloatTensor encIn = FloatTensor.of(q, 1, 3, height, width);
            observer.vaeEncoderInput(encIn);
            FloatTensor moments = call(vaeEncoder, Map.of(vaeEncoder.component().inputName("sample"), encIn), "latent", Stage.ENCODING_SOURCES);
            if (moments.rank() != 4 || moments.dim(1) % 2 != 0) {
                throw new PackException(vaeEncoder.component().file() + ": expected moments [1, 2C, h, w], got " + Arrays.toString(moments.shape()));
            }
            int ch = (int) moments.dim(1) / 2;
            int h = (int) moments.dim(2);
            int w = (int) moments.dim(3);
            int hw = h * w;
            int frameSize = ch * hw;
            // the posterior's mode: the mean channels, not scaled by scaling_factor (the UNet was trained on them so)
            FloatTensor mode = FloatTensor.of(Arrays.copyOf(moments.data(), frameSize), 1, ch, h, w);
            observer.imageLatents(moments, mode);

            FloatTensor ids = FloatTensor.of(spec.addedTimeIds().values(s.fps(), s.motionBucketId(), aug), 1, 3);
            observer.addedTimeIds(ids);
            float[] g = guidance(s.minGuidance(), s.maxGuidance(), frames);
            observer.guidance(g);

            float init = sched.initNoiseSigma();
            observer.schedule(ts, sched.sigmas(), init);
            float[] x = draw(noise, NOISE, frames * frameSize);
            for (int i = 0; i < x.length; i++) {
                x[i] *= init;
            }
            observer.initialLatents(FloatTensor.of(x, 1, frames, ch, h, w));

            FloatTensor embedsUncond = FloatTensor.zeros(1, 1, dim);
            long[] shape = {1, frames, ch, h, w};
            for (int i = 0; i < ts.length; i++) {
                float[] scaled = sched.scaleModelInput(x, i);
                FloatTensor t = FloatTensor.of(new float[] {ts[i]}, 1);
                float[] v = denoise(i, true, sample(scaled, mode.data(), frames, frameSize), t, embedsCond, ids, shape);
                if (guided) {
                    float[] u = denoise(i, false, sample(scaled, null, frames, frameSize), t, embedsUncond, ids, shape);
                    float[] mix = new float[v.length];
                    for (int f = 0; f < frames; f++) {
                        float gf = g[f];
                        for (int j = f * frameSize; j < (f + 1) * frameSize; j++) {
                            mix[j] = u[j] + gf * (v[j] - u[j]);
                        }
                    }
                    v = mix;
                }
                int call = i;
                x = sched.step(v, i, x, size -> draw(noise, "step" + call, size)); // drawn only by samplers that add noise (LCM)
                observer.afterStep(i, FloatTensor.of(x, 1, frames, ch, h, w));
            }

            // decode_latents multiplies by the reciprocal, rounded to float32 by torch (dividing differs in the last bit)
            float inv = (float) (1.0 / spec.scalingFactor());
            float[] z = new float[x.length];
            for (int i = 0; i < z.length; i++) {
                z[i] = x[i] * inv;
            }
            observer.decoderInput(FloatTensor.of(z, frames, ch, h, w));
            Component dec = vaeDecoder.component();
            List<float[]> chunks = new ArrayList<>();
            int outH = 0;
            int outW = 0;
            int n = s.decodeChunkSize();
            for (int k = 0; k < frames; k += n) {
                int m = Math.min(n, frames - k);
                FloatTensor in = FloatTensor.of(Arrays.copyOfRange(z, k * frameSize, (k + m) * frameSize), m, ch, h, w);
                FloatTensor out = call(vaeDecoder, Map.of(dec.inputName("latent"), in), "sample", Stage.DECODING);
                if (out.rank() != 4 || out.dim(0) != m || out.dim(1) != 3) {
                    throw new PackException(dec.file() + ": expected frames [" + m + ", 3, H, W], got " + Arrays.toString(out.shape()));
                }
                outH = (int) out.dim(2);
                outW = (int) out.dim(3);
                chunks.add(out.data());
            }
            int outPlane = outH * outW;
            float[] video = new float[frames * 3 * outPlane];
            int at = 0;
            for (float[] c : chunks) {
                System.arraycopy(c, 0, video, at, c.length);
                at += c.length;
            }
            observer.decoded(FloatTensor.of(video, frames, 3, outH, outW));
            List<byte[]> result = new ArrayList<>(frames);
            for (int f = 0; f < frames; f++) {
                byte[] px = new byte[outPlane * 3];
                for (int c = 0; c < 3; c++) {
                    int base = (f * 3 + c) * outPlane;
                    for (int p = 0; p < outPlane; p++) {
                        // as VideoPixels.toRgb, for frame-major [F, 3, H, W]: clamp(v/2 + 0.5), then numpy's round of ·255
                        float v = Math.max(0f, Math.min(1f, video[base + p] / 2f + 0.5f));
                        px[p * 3 + c] = (byte) Math.rint(v * 255f);
                    }
                }
                result.add(px);
            }
            progress.calls(Stage.DONE, done, total);
            return result;
        }

        /** The UNet's frame-major input: per frame the C scaled latent channels, then the image latent (or zeros). */
        private float[] sample(float[] scaled, float[] image, int frames, int frameSize) {
            float[] out = new float[frames * 2 * frameSize];
            for (int f = 0; f < frames; f++) {
                System.arraycopy(scaled, f * frameSize, out, 2 * f * frameSize, frameSize);
                if (image != null) {
                    System.arraycopy(image, 0, out, (2 * f + 1) * frameSize, frameSize);
                }
            }
            return out;
        }

        /** One UNet call on latents of shape {@code [1, F, C, h, w]}; its sample is [1, F, 2C, h, w]. */
        private float[] denoise(int step, boolean conditional, float[] sample, FloatTensor t, FloatTensor embeds, FloatTensor ids, long[] shape)
                throws PackException, OrtException, GenerationCancelledException {
            Component comp = unet.component();
            FloatTensor in = FloatTensor.of(sample, shape[0], shape[1], 2 * shape[2], shape[3], shape[4]);
            int size = sample.length / 2;
            Map<String, FloatTensor> inputs = new LinkedHashMap<>();
            inputs.put(comp.inputName("sample"), in);
            inputs.put(comp.inputName("timestep"), t);
            inputs.put(comp.inputName("image_embeds"), embeds);
            inputs.put(comp.inputName(spec.addedTimeIds().input()), ids);
            FloatTensor v = call(unet, inputs, "prediction", Stage.DENOISING);
            if (v.size() != size) {
                throw new PackException(comp.file() + ": expected a prediction of " + size + " values [1, F, C, h, w], got "
                        + Arrays.toString(v.shape()));
            }
            observer.denoiserCall(new DenoiserCall(step, conditional, in, t, embeds, ids, v));
            return v.data();
        }

        private float[] draw(Noise noise, String name, int n) {
            float[] v = noise.draw(name, n);
            if (v == null || v.length != n) {
                throw new IllegalStateException("the noise source gave " + (v == null ? "nothing" : v.length + " values") + " for " + name
                        + ", " + n + " wanted");
            }
            return v.clone();
        }

        private FloatTensor call(OnnxModel model, Map<String, FloatTensor> inputs, String outRole, Stage stage)
                throws PackException, OrtException, GenerationCancelledException {
            if (cancel.isCancelled()) {
                throw cancelled();
            }
            FloatTensor t = model.output(model.runCancellable(inputs, Map.of(), cancel, this::cancelled), outRole);
            done++;
            progress.calls(stage, done, total);
            return t;
        }

        private GenerationCancelledException cancelled() {
            return new GenerationCancelledException("cancelled after " + done + " of " + total
                    + " model calls; Stable Video Diffusion makes its clip whole, so no frames are kept", null);
        }
    }
}
