package dev.kinora.engine.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.tensor.FloatTensor;
import java.util.Map;

/**
 * The video denoiser: (noisy latents, timestep, text embedding, known latents, mask) → prediction in
 * the pack's prediction type. Batch rows are independent, so cond and uncond guidance run as one
 * batch of two. A denoiser whose pack declares a {@code text_tokens} input also takes the prompt's token states
 * [B, T, dim] and {@code text_mask} [B, T] (1 on a row's tokens, 0 on its padding; an all-zero row is no text).
 */
public final class Denoiser implements AutoCloseable {
    private final OnnxModel model;
    private final boolean tokens;

    public Denoiser(ModelPack pack, RuntimeOptions options, Device device) throws PackException {
        this.model = new OnnxModel(pack.root(), pack.require(ModelPack.DENOISER), options, device);
        this.tokens = model.component().input("text_tokens").isPresent();
    }

    /** Whether the graph takes the prompt's token states as well as its pooled vector. */
    public boolean takesTokens() {
        return tokens;
    }

    /** {@code textTokens} and {@code textMask} when {@link #takesTokens()}, both null otherwise. */
    public FloatTensor predict(FloatTensor sample, float[] timestep, FloatTensor textEmbeds, FloatTensor textTokens, FloatTensor textMask,
                               FloatTensor cond, FloatTensor mask, OrtSession.RunOptions runOptions) throws PackException, OrtException {
        return predict(sample, timestep, textEmbeds, textTokens, textMask, cond, mask, runOptions, null);
    }

    /**
     * {@link #predict}, the prediction written into {@code into} (the sample's shape; overwritten by the caller's next
     * call) when the graph produces it there, as a denoiser's prediction of a sample is; null for a fresh array.
     */
    public FloatTensor predict(FloatTensor sample, float[] timestep, FloatTensor textEmbeds, FloatTensor textTokens, FloatTensor textMask,
                               FloatTensor cond, FloatTensor mask, OrtSession.RunOptions runOptions, FloatTensor into)
            throws PackException, OrtException {
        var c = model.component();
        if (takesTokens() != (textTokens != null)) {
            throw new IllegalArgumentException(c.file() + (takesTokens() ? " needs the prompt's token states" : " takes no token states"));
        }
        Map<String, FloatTensor> in = new java.util.HashMap<>(Map.of(
                c.inputName("sample"), sample,
                c.inputName("timestep"), FloatTensor.of(timestep, timestep.length),
                c.inputName("text_embeds"), textEmbeds,
                c.inputName("cond"), cond,
                c.inputName("mask"), mask));
        if (textTokens != null) {
            in.put(c.inputName("text_tokens"), textTokens);
            in.put(c.inputName("text_mask"), textMask);
        }
        Map<String, FloatTensor> out = model.run(in, Map.of(), runOptions, into == null ? Map.of() : Map.of(c.outputName("prediction"), into));
        FloatTensor pred = out.get(c.outputName("prediction"));
        if (pred == null) {
            throw new PackException(c.file() + ": no '" + c.outputName("prediction") + "' output; outputs were " + out.keySet());
        }
        return pred;
    }

    public void unload() {
        model.unload();
    }

    /** Whether the session is in memory. */
    public boolean loaded() {
        return model.loaded();
    }

    @Override
    public void close() {
        model.close();
    }
}
