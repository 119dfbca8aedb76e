package dev.kinora.engine.model;

/** A prompt's embedding as the denoiser takes it, with what the tokenizer did to the prompt. */
public record TextEmbedding(float[] vector, int tokens, boolean truncated) {
    public static TextEmbedding empty(int dim) {
        return new TextEmbedding(new float[dim], 0, false);
    }
}
