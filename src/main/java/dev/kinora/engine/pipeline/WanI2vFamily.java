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
import dev.kinora.engine.pack.WanI2vSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wan 2.1 image to video ({@code family: "wan2.1-i2v"}, diffusers' {@code WanImageToVideoPipeline}): animate a still
 * with a prompt. The sampling loop is Wan's ({@link WanPipeline}: the same text, UniPC schedule, guidance and causal VAE);
 * what this family adds is carried into it as the parts' image encoder and the spec's {@link WanI2vSpec}: CLIP's
 * penultimate states of the still beside the text, and 20 more transformer input channels (a first-frame mask and the
 * VAE latents of [still, zeros…]). One window per job: the still is frame 0 of a clip of at most the pack's frames.
 */
final class WanI2vFamily implements FamilyAdapter {
    @Override
    public List<String> families() {
        return List.of(FamilySpec.WAN_I2V);
    }

    @Override
    public WanFamily.Parts load(ModelPack pack, RuntimeOptions options, Device device) throws PackException {
        FamilySpec spec = pack.family().orElseThrow();
        return new WanFamily.Parts(new TokenTextEncoder(pack, spec.text(), options, device),
                new OnnxModel(pack.root(), pack.require(ModelPack.DENOISER), options, device), new CausalVae(pack, spec, options, device),
                new OnnxModel(pack.root(), pack.require(spec.wanI2v().image().encoder()), options, device));
    }

    @Override
    public GenerationResult run(LoadedPack lp, DeviceReport device, MemoryLimits.Source limits, GenerationRequest request,
                                ProgressListener listener, CancelToken cancel)
            throws PackException, InvalidRequestException, GenerationCancelledException {
        return new WanPipeline(lp, device, limits).run(request, listener, cancel);
    }

    /** One window: the I2V checkpoint has no extension rule (its mask marks frame 0 only). */
    @Override
    public int maxFrames(ModelPack pack) {
        return pack.frames();
    }

    /** One window of F frames, the VAE encoder over a whole window (the still and F − 1 zero frames). */
    @Override
    public MemoryPlanner.Job job(ModelPack pack, Mode mode, int frames, int context, float guidance, List<Integer> sources, boolean prompt) {
        int out = Math.min(frames, pack.frames());
        return new MemoryPlanner.Job(mode, frames, context, guidance, sources, true, pack.family().orElseThrow().latentFrames(),
                guidance > 1f ? 2 : 1, out, pack.frames(), 1);
    }

    /** Text of maxTokens rows, CLIP on one image, the VAE encoder on a window, the denoiser on 2C + mask channels with the image tokens. */
    @Override
    public MemoryEstimate.Buffers buffers(MemoryPlanner planner, MemoryPlanner.Job job, List<MemoryEstimate.Component> comps) throws PackException {
        ModelPack pack = planner.pack();
        FamilySpec spec = pack.family().orElseThrow();
        WanI2vSpec.Image img = spec.wanI2v().image();
        int c = pack.latent().channels();
        int in = 2 * c + spec.wanI2v().maskChannels();
        int l = spec.latentFrames();
        long lh = pack.latent().height();
        long lw = pack.latent().width();
        long pixels = (long) pack.width() * pack.height();
        int tokens = spec.text().maxTokens();
        long[] ids = {1, tokens};
        comps.add(planner.component(ModelPack.TEXT_ENCODER, ModelPack.TEXT_ENCODER, Map.of("input_ids", ids, "attention_mask", ids), 1, tokens + " tokens"));
        comps.add(planner.component(img.encoder(), img.encoder(), Map.of("pixel_values", new long[] {1, 3, img.height(), img.width()}), 1, "one image"));
        comps.add(planner.component(ModelPack.VAE_ENCODER, ModelPack.VAE_ENCODER,
                Map.of("sample", new long[] {1, 3, pack.frames(), pack.height(), pack.width()}), 1, "the still and " + (pack.frames() - 1) + " zero frames"));
        boolean freeBatch = pack.require(ModelPack.DENOISER).input("sample").map(t -> t.shape().length > 0 && t.shape()[0] < 0).orElse(false);
        long b = freeBatch ? job.batch() : 1;
        comps.add(planner.component(ModelPack.DENOISER, ModelPack.DENOISER, Map.of("sample", new long[] {b, in, l, lh, lw},
                "timestep", new long[] {b}, "text_embeds", new long[] {b, tokens, spec.text().dim()},
                "image_embeds", new long[] {b, img.tokens(), img.dim()}), b,
                b + " x " + l + " latent frames of " + in + " channels" + (job.batch() == 2 && b == 1 ? " (guided pair as two calls)" : "")));
        boolean steps = spec.vae().stepDecoder();
        comps.add(planner.component(ModelPack.VAE_DECODER, steps ? ModelPack.VAE_DECODER_STEP : ModelPack.VAE_DECODER,
                Map.of("latent", new long[] {1, c, steps ? 1 : l, lh, lw}), 1, steps ? "one latent frame and its caches" : l + " latent frames"));
        long n = (long) c * l * lh * lw;
        // noise, x, the condition (mask + latents), the guided pair's 2C + mask inputs and outputs, the guided output, the
        // scheduler's history and next sample; text states of both prompts and the image states
        long denoise = ((8 + 2 * b * 3) * n + 2L * tokens * spec.text().dim() + (long) img.tokens() * img.dim() * b) * Float.BYTES;
        long decode = 3L * pack.frames() * pixels * Float.BYTES + pixels * 3 * pack.frames();
        long encode = 3L * pack.frames() * pixels * Float.BYTES * 2;
        long frames = job.outputFrames() * pixels * 3;
        return new MemoryEstimate.Buffers(frames, denoise + Math.max(decode, encode),
                String.format(Locale.ROOT, "%d frames of %dx%d: %s; the window's latents, condition, text, image states and guidance: %s",
                        job.outputFrames(), pack.width(), pack.height(), MemoryLimits.format(frames), MemoryLimits.format(denoise)));
    }
}
