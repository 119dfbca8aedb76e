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
 * batch of two.
 */
public final class Denoiser implements AutoCloseable {
    private final OnnxModel model;

    public Denoiser(ModelPack pack, RuntimeOptions options, Device device) throws PackException {
        this.model = new OnnxModel(pack.root(), pack.require(ModelPack.DENOISER), options, device);
    }

    public FloatTensor predict(FloatTensor sample, float[] timestep, FloatTensor textEmbeds, FloatTensor cond,
                               FloatTensor mask, OrtSession.RunOptions runOptions) throws PackException, OrtException {
        var c = model.component();
        Map<String, FloatTensor> out = model.run(Map.of(
                c.inputName("sample"), sample,
                c.inputName("timestep"), FloatTensor.of(timestep, timestep.length),
                c.inputName("text_embeds"), textEmbeds,
                c.inputName("cond"), cond,
                c.inputName("mask"), mask), Map.of(), runOptions);
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
