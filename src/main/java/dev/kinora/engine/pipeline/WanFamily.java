package dev.kinora.engine.pipeline;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.model.CausalVae;
import dev.kinora.engine.model.OnnxModel;
import dev.kinora.engine.model.TokenTextEncoder;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.FamilySpec;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Wan 2.1 text-to-video and CogVideoX: per-token text, a causal video VAE, windows that continue ({@link WanPipeline}). */
final class WanFamily implements FamilyAdapter {
    /**
     * Per-token text, the family's denoiser graph as it is, the causal video VAE; Wan 2.1 I2V's CLIP image encoder
     * ({@link WanI2vFamily}; null for the text-to-video families), so both run through the same {@link WanPipeline}.
     */
    record Parts(TokenTextEncoder text, OnnxModel transformer, CausalVae vae, OnnxModel imageEncoder) implements FamilyAdapter.TextParts {
        Parts(TokenTextEncoder text, OnnxModel transformer, CausalVae vae) {
            this(text, transformer, vae, null);
        }

        @Override
        public Set<String> loadedComponents() {
            Set<String> out = new TreeSet<>();
            addIf(out, text.loaded(), ModelPack.TEXT_ENCODER);
            addIf(out, imageEncoder != null && imageEncoder.loaded(), imageEncoder == null ? "" : imageEncoder.component().key());
            addIf(out, transformer.loaded(), ModelPack.DENOISER);
            addIf(out, vae.encoderLoaded(), ModelPack.VAE_ENCODER);
            addIf(out, vae.decoderLoaded(), ModelPack.VAE_DECODER);
            return out;
        }

        @Override
        public int countTokens(String prompt) throws PackException {
            return text.countTokens(prompt);
        }

        @Override
        public void close() {
            text.close();
            transformer.close();
            vae.close();
            if (imageEncoder != null) {
                imageEncoder.close();
            }
        }
    }

    static void addIf(Set<String> out, boolean yes, String key) {
        if (yes) {
            out.add(key);
        }
    }

    @Override
    public List<String> families() {
        return List.of(FamilySpec.WAN, FamilySpec.COGVIDEOX);
    }

    @Override
    public Parts load(ModelPack pack, RuntimeOptions options, Device device) throws PackException {
        FamilySpec spec = pack.family().orElseThrow();
        return new Parts(new TokenTextEncoder(pack, spec.text(), options, device),
                new OnnxModel(pack.root(), pack.require(ModelPack.DENOISER), options, device), new CausalVae(pack, spec, options, device));
    }

    @Override
    public GenerationResult run(LoadedPack lp, DeviceReport device, MemoryLimits.Source limits, GenerationRequest request,
                                ProgressListener listener, CancelToken cancel)
            throws PackException, InvalidRequestException, GenerationCancelledException {
        return new WanPipeline(lp, device, limits).run(request, listener, cancel);
    }

    @Override
    public int maxFrames(ModelPack pack) {
        // a clip longer than one window continues by encoding the frames it follows
        return pack.component(ModelPack.VAE_ENCODER).isPresent() ? Integer.MAX_VALUE : pack.frames();
    }

    /**
     * Windows of exactly F frames; each window after the first (a longer text-to-video, every extension window)
     * encodes the last 1 + s(k − 1) frames it continues from, k = context latent frames.
     */
    @Override
    public MemoryPlanner.Job job(ModelPack pack, Mode mode, int frames, int context, float guidance, List<Integer> sources, boolean prompt) {
        int window = pack.frames();
        int ctx = 1 + pack.latent().temporalStride() * (Math.max(1, context) - 1);
        int per = Math.max(1, window - ctx);
        int src = sources.isEmpty() ? 0 : sources.get(0);
        int out;
        int windows;
        switch (mode) {
            case EXTEND -> {
                out = src + frames;
                windows = MemoryPlanner.ceilDiv(frames, per);
            }
            case REMIX -> {
                out = Math.min(frames, src);
                windows = MemoryPlanner.ceilDiv(out, window);
            }
            default -> {
                out = frames;
                windows = 1 + MemoryPlanner.ceilDiv(Math.max(0, frames - window), per);
            }
        }
        boolean encodes = mode == Mode.EXTEND || mode == Mode.REMIX || mode == Mode.ANIMATE || windows > 1;
        return new MemoryPlanner.Job(mode, frames, context, guidance, sources, prompt, pack.family().orElseThrow().latentFrames(),
                guidance > 1f ? 2 : 1, out, encodes ? window : 0, Math.max(1, windows));
    }

    /** Per-token text of maxTokens rows; the decoder's step graph (one latent frame and the caches per call) when the pack has one. */
    @Override
    public MemoryEstimate.Buffers buffers(MemoryPlanner planner, MemoryPlanner.Job job, List<MemoryEstimate.Component> comps) throws PackException {
        ModelPack pack = planner.pack();
        FamilySpec spec = pack.family().orElseThrow();
        int c = pack.latent().channels();
        int l = spec.latentFrames();
        long lh = pack.latent().height();
        long lw = pack.latent().width();
        long hw = lh * lw;
        long pixels = (long) pack.width() * pack.height();
        int tokens = spec.text().maxTokens();
        if (job.prompt()) {
            long[] ids = {1, tokens};
            comps.add(planner.component(ModelPack.TEXT_ENCODER, ModelPack.TEXT_ENCODER, Map.of("input_ids", ids, "attention_mask", ids), 1, tokens + " tokens"));
        }
        if (job.encodedFrames() > 0) {
            comps.add(planner.component(ModelPack.VAE_ENCODER, ModelPack.VAE_ENCODER,
                    Map.of("sample", new long[] {1, 3, pack.frames(), pack.height(), pack.width()}), 1, "a window of " + pack.frames() + " frames"));
        }
        boolean freeBatch = pack.require(ModelPack.DENOISER).input("sample").map(t -> t.shape().length > 0 && t.shape()[0] < 0).orElse(false);
        long b = freeBatch ? job.batch() : 1;
        comps.add(planner.component(ModelPack.DENOISER, ModelPack.DENOISER, Map.of("sample", spec.frameMajor() ? new long[] {b, l, c, lh, lw} : new long[] {b, c, l, lh, lw},
                "timestep", new long[] {b},
                "text_embeds", new long[] {b, tokens, spec.text().dim()}), b, b + " x " + l + " latent frames" + (job.batch() == 2 && b == 1 ? " (guided pair as two calls)" : "")));
        boolean steps = spec.vae().stepDecoder();
        comps.add(planner.component(ModelPack.VAE_DECODER, steps ? ModelPack.VAE_DECODER_STEP : ModelPack.VAE_DECODER,
                Map.of("latent", new long[] {1, c, steps ? 1 : l, lh, lw}), 1, steps ? "one latent frame and its caches" : l + " latent frames"));
        long n = (long) c * l * hw;
        // noise, x, known, its noise, the guided pair, the guided output, the scheduler's history (2) and next sample;
        // text states of both prompts; the decoded window's pixels and its caches copied out
        long denoise = ((8 + 2 * b) * n + 2L * tokens * spec.text().dim()) * Float.BYTES;
        long decode = 3L * pack.frames() * pixels * Float.BYTES + pixels * 3 * pack.frames();
        long encode = 3L * pack.frames() * pixels * Float.BYTES * 2;
        long frames = job.outputFrames() * pixels * 3;
        return new MemoryEstimate.Buffers(frames, denoise + Math.max(decode, encode),
                String.format(Locale.ROOT, "%d frames of %dx%d: %s; a window's latents, text and guidance: %s", job.outputFrames(),
                        pack.width(), pack.height(), MemoryLimits.format(frames), MemoryLimits.format(denoise)));
    }
}
