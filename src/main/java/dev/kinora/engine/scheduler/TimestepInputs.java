package dev.kinora.engine.scheduler;

/**
 * What a family's diffusers pipeline passes to {@code set_timesteps} besides the step count.
 *
 * @param imageSeqLen    tokens the denoiser sees (latent frames x height x width after patching); needed when the
 *                       config says {@code use_dynamic_shifting}, where it sets {@code mu} as diffusers'
 *                       {@code calculate_shift} does; 0 when unknown
 * @param pipelineSigmas pass {@code sigmas = linspace(1, 1/n, n)} as diffusers' LTX-Video and Flux pipelines do,
 *                       instead of the scheduler's own spacing (flow schedulers only)
 */
public record TimestepInputs(int imageSeqLen, boolean pipelineSigmas) {

    /** Nothing beyond the step count, as Wan, CogVideoX, SVD and the Stable Diffusion pipelines call it. */
    public static final TimestepInputs NONE = new TimestepInputs(0, false);

    public TimestepInputs {
        if (imageSeqLen < 0) {
            throw new IllegalArgumentException("imageSeqLen must be >= 0 (0 = unknown), was " + imageSeqLen);
        }
    }

    public static TimestepInputs sequenceLength(int imageSeqLen) {
        return new TimestepInputs(imageSeqLen, false);
    }
}
