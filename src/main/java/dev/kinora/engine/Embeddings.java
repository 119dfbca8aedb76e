package dev.kinora.engine;

import dev.kinora.engine.tensor.FloatTensor;
import dev.kinora.engine.tensor.Npy;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Text embeddings of a list of prompts as the pack's denoiser receives them, row-major [count, dim].
 *
 * @param truncated how many prompts were longer than the pack's token limit and were cut
 */
public record Embeddings(int count, int dim, float[] data, int truncated) {
    public Embeddings {
        if (data.length != (long) count * dim) {
            throw new IllegalArgumentException(count + " x " + dim + " embeddings need " + (long) count * dim + " floats, got " + data.length);
        }
    }

    /** As a float32 .npy array [count, dim] (what training scripts load with numpy.load). */
    public void writeNpy(OutputStream out) throws IOException {
        Npy.write(out, FloatTensor.of(data, count, dim));
    }
}
