package dev.kinora.engine.pack;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model pack as described by its manifest: what it can do, its geometry, how to sample it and
 * every file it consists of. Values only; loading sessions is the model layer's job.
 *
 * @param examples prompts the pack's makers know it follows, in storyboard order (optional, at most
 *                 {@link #MAX_EXAMPLES}): the studio's prompt box offers the first, and its demo
 *                 storyboard is the first four, the second shot continuing the first
 */
public record ModelPack(
        Path root,
        String id,
        String name,
        String version,
        String license,
        String description,
        List<String> examples,
        Set<Mode> modes,
        int width,
        int height,
        int frames,
        double fps,
        LatentGeometry latent,
        String prediction,
        SamplingDefaults defaults,
        TextConfig text,
        Map<String, Component> components,
        List<Component> extraFiles,
        Map<String, Object> schedulerConfig,
        FamilySpec familySpec) {

    public static final String TEXT_ENCODER = "text_encoder";
    public static final String TOKENIZER = "tokenizer";
    /**
     * Optional: words the pack's captions never had, each read as the caption word it means, applied to a prompt
     * before the text encoder (JSON, {@code engine.model.PromptLexicon}).
     */
    public static final String LEXICON = "lexicon";
    public static final String DENOISER = "denoiser";
    public static final String VAE_ENCODER = "vae_encoder";
    public static final String VAE_DECODER = "vae_decoder";
    /**
     * Optional (format 1): a decoder that also takes a neighbouring frame's latent and its pixels as shown
     * ({@code latent}, {@code ref_latent}, {@code reference} → {@code sample}), so detail the latent cannot hold
     * is carried from a source frame into the frames decoded after it.
     */
    public static final String VAE_DECODER_REF = "vae_decoder_ref";
    /** A causal VAE's decoder for the first latent frame, and for each later one with the caches (format 2). */
    public static final String VAE_DECODER_FIRST = "vae_decoder_first";
    public static final String VAE_DECODER_STEP = "vae_decoder_step";
    /** Where a diffusers-layout pack keeps its scheduler's config, relative to the pack folder. */
    public static final String SCHEDULER_CONFIG = "scheduler/scheduler_config.json";

    /** The most example prompts a manifest may list, and the longest one (characters). */
    public static final int MAX_EXAMPLES = 16;
    public static final int MAX_EXAMPLE_CHARS = 300;

    public ModelPack {
        examples = List.copyOf(examples);
        modes = Set.copyOf(modes);
        components = Map.copyOf(components);
        extraFiles = List.copyOf(extraFiles);
        // JSON null is a meaningful value in scheduler configs ("shift_terminal": null), so no Map.copyOf.
        schedulerConfig = Collections.unmodifiableMap(new LinkedHashMap<>(schedulerConfig));
    }

    /** A format-2 pack's family, latent space, per-token text and video VAE; empty for format 1 (Tiny World). */
    public Optional<FamilySpec> family() {
        return Optional.ofNullable(familySpec);
    }

    /** Whether the pack ships a diffusers {@code scheduler_config.json}, which then defines its schedule exactly. */
    public boolean hasSchedulerConfig() {
        return !schedulerConfig.isEmpty();
    }

    /** Latent geometry; a pixel-space pack has stride 1 and 3 channels. */
    public record LatentGeometry(int channels, int height, int width, int spatialStride, int temporalStride) {
    }

    /**
     * Sampling settings. The beta schedule is the training noise schedule of an epsilon/v pack that has no
     * diffusers scheduler config (a pack with one takes its betas from there); {@code pipelineSigmas} says that the
     * family's pipeline passes {@code sigmas = linspace(1, 1/n, n)} to a flow scheduler (LTX-Video, Flux).
     * {@code referenceFrames} is how far a {@code vae_decoder_ref} carries a shown frame: the i-th new frame after it
     * takes the reference decoder's output with weight (n − i + 1) / n and {@code vae_decoder}'s with the rest, later
     * frames are decoded without a reference; 0 carries the reference along the whole chain. The seam a reference
     * closes is at the shown frame, while what it carries along a long chain (a subject's remnants where it has been)
     * builds up, so a pack can stop carrying it after a few frames (Tiny World's model card, session 28).
     */
    public record SamplingDefaults(String scheduler, int steps, float guidance, float shift, float timestepScale,
                                   int numTrainTimesteps, int contextFrames, float betaStart, float betaEnd,
                                   String betaSchedule, boolean pipelineSigmas, Map<Mode, Float> guidanceByMode,
                                   GuidanceInterval guidanceInterval, Map<Mode, Float> shiftByMode, int referenceFrames) {
        public SamplingDefaults {
            guidanceByMode = Map.copyOf(guidanceByMode);
            guidanceInterval = guidanceInterval == null ? GuidanceInterval.ALWAYS : guidanceInterval;
            shiftByMode = Map.copyOf(shiftByMode);
        }

        /**
         * The default flow time shift of one job ({@code defaults.shiftByMode}; jobs it does not name use {@code shift}).
         * Text alone has to settle the whole layout in the first, noisiest steps, which a larger shift gives more of;
         * known frames fix the layout, and the same shift moves an animated still off its place (Tiny World's held-out
         * set: permanence 19 -> 34 % from text at shift 3, animate kept 97.5 -> 90 % at shift 3; the model card).
         */
        public float shift(Mode mode) {
            return shiftByMode.getOrDefault(mode, shift);
        }

        /**
         * The default guidance of one job. A pack may name its own per job ({@code defaults.guidanceByMode}) because
         * the best value differs between text alone, where guidance has to draw the prompt's subject from nothing, and
         * known frames, which already fix the subject; each is chosen on that job's own validation.
         */
        public float guidance(Mode mode) {
            return guidanceByMode.getOrDefault(mode, guidance);
        }
    }

    /**
     * The noise levels at which classifier-free guidance applies ({@code defaults.guidanceInterval}); the other model
     * calls run the conditional branch alone, one batch row instead of two. Levels are flow times: 1 is pure noise, 0
     * clean; a VP/VE sampler's sigma maps to sigma / (1 + sigma), the flow time of the same signal-to-noise ratio.
     * Guidance decides what a clip shows early, at high noise, and mostly sharpens and saturates late (Kynkäänniemi et
     * al. 2024, "Applying guidance in a limited interval"), so a pack can guide hard where it helps and not elsewhere.
     */
    public record GuidanceInterval(float from, float to) {
        public static final GuidanceInterval ALWAYS = new GuidanceInterval(0f, 1f);

        public GuidanceInterval {
            if (!(from >= 0f && to <= 1f && from < to)) {
                throw new IllegalArgumentException("a guidance interval is two flow times 0 <= from < to <= 1, got [" + from + ", " + to + "]");
            }
        }

        /** Whether a model call at this flow time is guided; the ends belong to the interval. */
        public boolean contains(float flowTime) {
            return flowTime >= from && flowTime <= to;
        }

        public boolean always() {
            return from == 0f && to == 1f;
        }

        /** Which of a run's model calls are guided: {@code guided} (guidance is not 1) and the call's level inside. */
        public boolean[] guidedCalls(boolean guided, float[] sigmas, int calls, boolean flowSigmas) {
            boolean[] out = new boolean[calls];
            for (int i = 0; i < calls; i++) {
                out[i] = guided && contains(flowTime(sigmas[i], flowSigmas));
            }
            return out;
        }

        /** The flow time of a sampler's noise level: flow samplers' sigma is that time already. */
        public static float flowTime(float sigma, boolean flowSigma) {
            return flowSigma ? sigma : sigma / (1f + sigma);
        }
    }

    /** Text conditioning: the tokenizer's limits and how hidden states become the denoiser's input. */
    public record TextConfig(int maxTokens, String pooling, int dim) {
    }

    public Optional<Component> component(String key) {
        return Optional.ofNullable(components.get(key));
    }

    public Component require(String key) throws PackException {
        Component c = components.get(key);
        if (c == null) {
            throw new PackException(root.resolve("pack.json") + ": component '" + key + "' is required but not declared");
        }
        return c;
    }

    public boolean supports(Mode mode) {
        return modes.contains(mode);
    }
}
