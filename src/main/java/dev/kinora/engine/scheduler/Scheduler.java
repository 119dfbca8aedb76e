package dev.kinora.engine.scheduler;

/**
 * One denoising algorithm. A pipeline drives it as: {@link #setTimesteps}, then for every model call
 * {@code k = 0 .. timesteps().length - 1}: {@link #scaleModelInput}, run the denoiser at
 * {@code timesteps()[k]}, {@link #step}. Samples are flat float arrays (any tensor shape).
 *
 * <p>Instances are stateful (multistep history, Heun's half-step) and not thread-safe: one per run.
 */
public interface Scheduler {

    /** Prepares a run of numSteps denoising steps; strength in (0,1] starts part-way (SDEdit/remix: 1 = from pure noise). */
    void setTimesteps(int numSteps, float strength);

    default void setTimesteps(int numSteps) {
        setTimesteps(numSteps, 1f);
    }

    /** Timestep value passed to the denoiser at each model call (length = number of model calls; Heun has ~2 per step). */
    float[] timesteps();

    /** Noise level at each model call (flow: sigma = t in [0,1]); {@code sigmas().length == timesteps().length + 1} (ends with the final level, 0). */
    float[] sigmas();

    /** Scale of the starting noise: the pipeline starts from {@code initNoiseSigma() * noise} (unit noise unless a sampler says). */
    default float initNoiseSigma() {
        return 1f;
    }

    /** What the denoiser sees at call callIndex: the sample itself unless a sampler scales it (Euler's k-diffusion levels). */
    default float[] scaleModelInput(float[] sample, int callIndex) {
        return sample;
    }

    /**
     * One call's update: model output (in the pack's prediction type) at call callIndex on sample -> next sample.
     * Stateful for multistep/Heun; the caller calls it once per model call, in order. An implementation keeps no
     * reference to {@code modelOutput} or {@code sample} after it returns (copies what its history needs): the
     * sampler reuses the output's array from call to call.
     */
    float[] step(float[] modelOutput, int callIndex, float[] sample);

    /**
     * As {@link #step(float[], int, float[])}, for samplers that add fresh noise inside the step (LCM's multistep
     * consistency sampling): {@code noise.apply(n)} gives n standard-normal values, drawn from the job's seeded stream
     * for this call. Deterministic samplers ignore it; every pipeline calls this one, so any sampler can run there.
     */
    default float[] step(float[] modelOutput, int callIndex, float[] sample, java.util.function.IntFunction<float[]> noise) {
        return step(modelOutput, callIndex, sample);
    }

    /** Noises clean data to the level of call callIndex (used for remix start and for re-noising known frames). */
    float[] addNoise(float[] original, float[] noise, int callIndex);

    /** Converts a model output at call callIndex into the predicted clean sample x0 (for previews and known-frame blending). */
    float[] predictOriginal(float[] modelOutput, int callIndex, float[] sample);

    /** Number of model calls of the prepared run. */
    default int numCalls() {
        return timesteps().length;
    }
}
