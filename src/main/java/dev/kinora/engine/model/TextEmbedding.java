package dev.kinora.engine.model;

/**
 * A prompt's embedding as the denoiser takes it, with what the tokenizer did to the prompt.
 *
 * @param vector      the pooled sentence vector [dim]
 * @param tokens      how many tokens the prompt became ([CLS] and [SEP] included)
 * @param tokenStates the encoder's hidden state of each of those tokens, row-major [tokens, dim], for a denoiser that
 *                    attends to them (a Tiny World pack whose denoiser takes {@code text_tokens})
 */
public record TextEmbedding(float[] vector, int tokens, boolean truncated, float[] tokenStates) {
    public TextEmbedding {
        if (tokenStates.length != tokens * vector.length) {
            throw new IllegalArgumentException(tokens + " tokens of " + vector.length + " need " + tokens * vector.length
                    + " state values, got " + tokenStates.length);
        }
    }

    /** The empty prompt: a zero vector and no tokens (the unconditional half of guidance). */
    public static TextEmbedding empty(int dim) {
        return new TextEmbedding(new float[dim], 0, false, new float[0]);
    }
}
