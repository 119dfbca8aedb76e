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
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.FamilySpec;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.SvdSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Stable Video Diffusion XT: animate a still, image only ({@link SvdLoop}, diffusers' {@code StableVideoDiffusionPipeline}).
 * One clip of at most the pack's frames per job; the request's guidance is the top of the per-frame ramp (the pack's
 * minGuidance is its bottom); fps, motion bucket and noise augmentation are the pack's defaults.
 */
final class SvdFamily implements FamilyAdapter {
    record Parts(OnnxModel imageEncoder, OnnxModel unet, OnnxModel vaeEncoder, OnnxModel vaeDecoder) implements FamilyAdapter.Parts {
        @Override
        public Set<String> loadedComponents() {
            Set<String> out = new TreeSet<>();
            WanFamily.addIf(out, imageEncoder.loaded(), imageEncoder.component().key());
            WanFamily.addIf(out, unet.loaded(), ModelPack.DENOISER);
            WanFamily.addIf(out, vaeEncoder.loaded(), ModelPack.VAE_ENCODER);
            WanFamily.addIf(out, vaeDecoder.loaded(), ModelPack.VAE_DECODER);
            return out;
        }

        @Override
        public int countTokens(String prompt) {
            return 0;
        }

        @Override
        public void close() {
            imageEncoder.close();
            unet.close();
            vaeEncoder.close();
            vaeDecoder.close();
        }
    }

    @Override
    public List<String> families() {
        return List.of(FamilySpec.SVD);
    }

    @Override
    public boolean takesText() {
        return false;
    }

    @Override
    public int maxFrames(ModelPack pack) {
        return pack.frames();
    }

    @Override
    public Parts load(ModelPack pack, RuntimeOptions options, Device device) throws PackException {
        SvdSpec svd = pack.family().orElseThrow().svd();
        return new Parts(new OnnxModel(pack.root(), pack.require(svd.image().encoder()), options, device),
                new OnnxModel(pack.root(), pack.require(ModelPack.DENOISER), options, device),
                new OnnxModel(pack.root(), pack.require(ModelPack.VAE_ENCODER), options, device),
                new OnnxModel(pack.root(), pack.require(ModelPack.VAE_DECODER), options, device));
    }

    @Override
    public MemoryPlanner.Job job(ModelPack pack, Mode mode, int frames, int context, float guidance, List<Integer> sources, boolean prompt) {
        return new MemoryPlanner.Job(mode, frames, context, guidance, sources, false, frames, guidance > 1f ? 2 : 1, frames, 1, 1);
    }

    /** One image through CLIP and the VAE encoder, the UNet on [1, F, 2C, h, w] (guidance as two calls), the decoder in chunks. */
    @Override
    public MemoryEstimate.Buffers buffers(MemoryPlanner planner, MemoryPlanner.Job job, List<MemoryEstimate.Component> comps) throws PackException {
        ModelPack pack = planner.pack();
        SvdSpec svd = pack.family().orElseThrow().svd();
        int c = pack.latent().channels();
        long lh = pack.latent().height();
        long lw = pack.latent().width();
        long f = job.frames();
        long pixels = (long) pack.width() * pack.height();
        SvdSpec.Image img = svd.image();
        comps.add(planner.component(img.encoder(), img.encoder(), Map.of("pixel_values", new long[] {1, 3, img.height(), img.width()}), 1, "one image"));
        comps.add(planner.component(ModelPack.VAE_ENCODER, ModelPack.VAE_ENCODER, Map.of("sample", new long[] {1, 3, pack.height(), pack.width()}), 1, "one image"));
        comps.add(planner.component(ModelPack.DENOISER, ModelPack.DENOISER, Map.of("sample", new long[] {1, f, 2L * c, lh, lw},
                "timestep", new long[] {1}, "image_embeds", new long[] {1, img.tokens(), img.dim()}, "added_time_ids", new long[] {1, 3}), 1,
                f + " frames" + (job.batch() == 2 ? " (guided pair as two calls)" : "")));
        long chunk = Math.min(f, svd.chunkFrames());
        comps.add(planner.component(ModelPack.VAE_DECODER, ModelPack.VAE_DECODER, Map.of("latent", new long[] {chunk, c, lh, lw}), 1,
                chunk + " frames a call"));
        long lat = f * c * lh * lw;
        // latents, the scaled input with the image latents (2C), both predictions, the guided v, x0 and the next latents
        long denoise = 8 * lat * Float.BYTES;
        long decode = f * pixels * 3 * Float.BYTES + f * pixels * 3;
        long frames = f * pixels * 3;
        return new MemoryEstimate.Buffers(frames, denoise + decode,
                String.format(Locale.ROOT, "%d frames of %dx%d: %s; the clip's latents and guidance: %s", f, pack.width(), pack.height(),
                        MemoryLimits.format(frames), MemoryLimits.format(denoise)));
    }

    @Override
    public GenerationResult run(LoadedPack lp, DeviceReport device, MemoryLimits.Source limits, GenerationRequest r,
                                ProgressListener listener, CancelToken cancel)
            throws PackException, InvalidRequestException, GenerationCancelledException {
        return new SvdPipeline(lp, device, limits).run(r, listener, cancel);
    }

    /** A job of the svd-xt family: request checks, the seeded noise, progress and the recipe around {@link SvdLoop}. */
    static final class SvdPipeline {
        private final LoadedPack lp;
        private final ModelPack pack;
        private final SvdSpec svd;
        private final DeviceReport device;
        private final MemoryLimits.Source limits;
        /** Tests: diffusers' own draws (aug_noise, noise) instead of the seed's. */
        private SvdLoop.Noise noiseOverride;
        private SvdLoop.Observer observer = SvdLoop.Observer.NONE;

        SvdPipeline(LoadedPack lp, DeviceReport device, MemoryLimits.Source limits) {
            this.lp = lp;
            this.pack = lp.pack();
            this.svd = pack.family().orElseThrow().svd();
            this.device = device;
            this.limits = limits;
        }

        SvdPipeline withNoise(SvdLoop.Noise noise) {
            this.noiseOverride = noise;
            return this;
        }

        SvdPipeline observe(SvdLoop.Observer o) {
            this.observer = o;
            return this;
        }

        GenerationResult run(GenerationRequest r, ProgressListener listener, CancelToken cancel)
                throws PackException, InvalidRequestException, GenerationCancelledException {
            RequestLimits.check(r);
            if (r.mode() != Mode.ANIMATE) {
                throw new UnsupportedModeException("model pack '" + pack.id() + "' (Stable Video Diffusion) only animates a still: it takes an"
                        + " image and no text, so " + r.mode().id() + " is not something it can do; give it a still (animate --image)");
            }
            if (r.sources().size() != 1) {
                throw new InvalidRequestException("animate needs 1 source (the still) but got " + r.sources().size());
            }
            Pipelines.checkSourceSizes(pack, r.sources());
            int frames = r.frames() > 0 ? r.frames() : pack.frames();
            if (frames > pack.frames()) {
                throw new UnsupportedModeException("model '" + pack.id() + "' makes one clip of at most " + pack.frames() + " frames; " + frames
                        + " were asked for (Stable Video Diffusion has no extension)");
            }
            SvdSpec.Defaults d = svd.defaults();
            int steps = r.steps() > 0 ? r.steps() : d.steps();
            float maxGuidance = Float.isNaN(r.guidance()) ? d.maxGuidance() : r.guidance();
            RequestLimits.guidance(maxGuidance);
            Schedule schedule = Schedule.resolve(lp, r.mode(), r.scheduler(), r.shift());
            schedule.checkSteps(frames, steps, 1f);
            SvdLoop.Settings settings = new SvdLoop.Settings(frames, steps, d.minGuidance(), maxGuidance, d.fps(), d.motionBucketId(),
                    d.noiseAugStrength(), d.decodeChunkSize());
            lp.memory().plan(lp.memory().job(r.mode(), frames, 1, settings.guided() ? 2f : 1f, List.of(1), false), limits.now(),
                    lp.loadedComponents());

            List<String> warnings = new ArrayList<>();
            if (!r.prompt().isBlank() || !r.negativePrompt().isBlank()) {
                warnings.add("Stable Video Diffusion takes no prompt: the text was ignored; the still alone decides the clip");
            }
            Parts parts = lp.parts(Parts.class);
            SvdLoop loop = new SvdLoop(parts.imageEncoder(), parts.unet(), parts.vaeEncoder(), parts.vaeDecoder(), svd, () -> schedule.create(frames));
            long start = System.nanoTime();
            long[] stageStart = {start};
            long[] ms = new long[4]; // source, denoise, decode (text is 0: no text)
            Stage[] current = {Stage.ENCODING_SOURCES};
            int[] calls = {0};
            SvdLoop.Progress progress = (stage, done, total) -> {
                if (stage != current[0]) {
                    long now = System.nanoTime();
                    ms[slot(current[0])] += (now - stageStart[0]) / 1_000_000;
                    stageStart[0] = now;
                    current[0] = stage;
                }
                calls[0] = done;
                listener.onProgress(Pipelines.progress(stage, 1, 1, done, total, start, Preview.none()));
            };
            byte[] still = r.sources().get(0).frames().frame(0);
            SvdLoop.Noise noise = noiseOverride != null ? noiseOverride : seeded(r.seed());
            List<byte[]> output;
            try {
                output = loop.run(still, pack.width(), pack.height(), settings, noise, cancel, progress, observer);
            } catch (OrtException e) {
                if (cancel.isCancelled()) {
                    throw new GenerationCancelledException("cancelled during a model call; Stable Video Diffusion makes its clip whole, so no frames are kept", null);
                }
                throw new PackException("model '" + pack.id() + "' failed while generating: " + e.getMessage(), e);
            }
            ms[slot(current[0])] += (System.nanoTime() - stageStart[0]) / 1_000_000;
            output = new ArrayList<>(output);
            output.set(0, still.clone()); // the engine's contract: a known frame is the user's, byte for byte
            listener.onProgress(Pipelines.progress(Stage.DONE, 1, 1, calls[0], calls[0], start, Preview.none()));
            JobSettings resolved = r.settings().withSampling(steps, maxGuidance, schedule.id()).withShift(schedule.shift())
                    .withFrames(frames).withExtension(r.direction(), 0, 1f);
            return Pipelines.result(pack, device, r, resolved, output,
                    new dev.kinora.engine.GenerationResult.Timings(0, ms[1], ms[2], ms[3], Pipelines.ms(start), calls[0]), true, warnings);
        }

        private static int slot(Stage s) {
            return switch (s) {
                case ENCODING_SOURCES -> 1;
                case DENOISING -> 2;
                case DECODING -> 3;
                default -> 0;
            };
        }

        /** The request's seed as two named draws, in the loop's order. */
        private static SvdLoop.Noise seeded(long seed) {
            int[] index = {0};
            return (name, n) -> Latents.gaussian(Latents.streamSeed(seed, index[0]++), n);
        }
    }
}
