package dev.kinora.engine.pipeline;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.model.LtxVae;
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

/** LTX-Video 0.9.1: packed tokens, one window per job, an image at frame 0 for animate ({@link LtxPipeline}). */
final class LtxFamily implements FamilyAdapter {
    record Parts(TokenTextEncoder text, OnnxModel transformer, LtxVae vae) implements FamilyAdapter.TextParts {
        @Override
        public Set<String> loadedComponents() {
            Set<String> out = new TreeSet<>();
            WanFamily.addIf(out, text.loaded(), ModelPack.TEXT_ENCODER);
            WanFamily.addIf(out, transformer.loaded(), ModelPack.DENOISER);
            WanFamily.addIf(out, vae.encoderLoaded(), ModelPack.VAE_ENCODER);
            WanFamily.addIf(out, vae.decoderLoaded(), ModelPack.VAE_DECODER);
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
        }
    }

    @Override
    public List<String> families() {
        return List.of(FamilySpec.LTX);
    }

    @Override
    public Parts load(ModelPack pack, RuntimeOptions options, Device device) throws PackException {
        FamilySpec spec = pack.family().orElseThrow();
        return new Parts(new TokenTextEncoder(pack, spec.text(), options, device),
                new OnnxModel(pack.root(), pack.require(ModelPack.DENOISER), options, device), new LtxVae(pack, spec, options, device));
    }

    @Override
    public GenerationResult run(LoadedPack lp, DeviceReport device, MemoryLimits.Source limits, GenerationRequest request,
                                ProgressListener listener, CancelToken cancel)
            throws PackException, InvalidRequestException, GenerationCancelledException {
        return new LtxPipeline(lp, device, limits).run(request, listener, cancel);
    }

    @Override
    public int maxFrames(ModelPack pack) {
        return pack.frames();
    }

    @Override
    public MemoryPlanner.Job job(ModelPack pack, Mode mode, int frames, int context, float guidance, List<Integer> sources, boolean prompt) {
        return new MemoryPlanner.Job(mode, frames, context, guidance, sources, prompt, pack.family().orElseThrow().latentFrames(),
                guidance > 1f ? 2 : 1, frames, mode == Mode.ANIMATE ? 1 : 0, 1);
    }

    /** Packed tokens [1, N, C] (batch 1, guidance as two calls), one image encoded for animate, the whole window decoded. */
    @Override
    public MemoryEstimate.Buffers buffers(MemoryPlanner planner, MemoryPlanner.Job job, List<MemoryEstimate.Component> comps) throws PackException {
        ModelPack pack = planner.pack();
        FamilySpec spec = pack.family().orElseThrow();
        int c = pack.latent().channels();
        int l = spec.latentFrames();
        long lh = pack.latent().height();
        long lw = pack.latent().width();
        long pixels = (long) pack.width() * pack.height();
        int tokens = spec.text().maxTokens();
        long n = l * lh * lw;
        if (job.prompt()) {
            long[] ids = {1, tokens};
            comps.add(planner.component(ModelPack.TEXT_ENCODER, ModelPack.TEXT_ENCODER, Map.of("input_ids", ids, "attention_mask", ids), 1, tokens + " tokens"));
        }
        if (job.mode() == Mode.ANIMATE) {
            comps.add(planner.component(ModelPack.VAE_ENCODER, ModelPack.VAE_ENCODER, Map.of("sample", new long[] {1, 3, 1, pack.height(), pack.width()}), 1, "one image"));
        }
        comps.add(planner.component(ModelPack.DENOISER, ModelPack.DENOISER, Map.of("sample", new long[] {1, n, c}, "text_embeds", new long[] {1, tokens, spec.text().dim()},
                "text_mask", new long[] {1, tokens}, "timestep", new long[] {1, n}, "coordinates", new long[] {1, 3, n}), 1,
                n + " tokens" + (job.batch() == 2 ? " (guided pair as two calls)" : "")));
        comps.add(planner.component(ModelPack.VAE_DECODER, ModelPack.VAE_DECODER, Map.of("latent", new long[] {1, c, l, lh, lw}), 1, l + " latent frames"));
        long lat = n * c;
        long denoise = (8 * lat + 4 * n + 2L * tokens * spec.text().dim()) * Float.BYTES;
        long decode = 3L * pack.frames() * pixels * Float.BYTES + pixels * 3 * pack.frames() + 2 * lat * Float.BYTES;
        long frames = job.outputFrames() * pixels * 3;
        return new MemoryEstimate.Buffers(frames, denoise + decode,
                String.format(Locale.ROOT, "%d frames of %dx%d: %s; the window's tokens, text and guidance: %s", job.outputFrames(),
                        pack.width(), pack.height(), MemoryLimits.format(frames), MemoryLimits.format(denoise)));
    }
}
